/*
 * --locations: the sensor-locations dataset, read once into a table of
 * human descriptions by id, so device codes ("Swa123_T") become place
 * names ("Town Hall (West)").
 *
 * Accepts the Opendatasoft export (Location_ID, Sensor_Description, ...;
 * labels or API field names; CSV or JSON) and the legacy h57g-5234 SODA
 * JSON or CSV (sensor_id, sensor_description, ...), from a file or URL.
 * Join on the id only: descriptions and device codes repeat across ids.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "fetch.h"
#include "htab.h"
#include "httputil.h"
#include "num.h"
#include "quote.h"
#include "source.h"
#include "xalloc.h"

struct locations {
	struct htab		 by_id;		/* id -> description index */
	char			**desc;
	size_t			 n, cap;
	struct htab		 unknown;	/* ids asked for, not found */
	char			*name;		/* the source, secrets redacted */
};

struct loader {
	struct locations	*l;
	struct source		*src;
	int			 id_col, desc_col;
};

static size_t
loader_read(void *ctx, void *buf, size_t n)
{
	struct source *src = ctx;

	return src->read(src, buf, n);
}

/* Which role a header name plays: 0 id, 1 description, -1 neither. */
static int
role(const char *name, size_t len)
{
	char norm[64];

	header_normalise(name, len, norm, sizeof(norm));
	if (strcmp(norm, "locationid") == 0 || strcmp(norm, "sensorid") == 0)
		return 0;
	if (strcmp(norm, "sensordescription") == 0)
		return 1;
	return -1;
}

static void
add(struct loader *ld, const char *id, size_t idlen, const char *desc,
    size_t desclen, unsigned long line)
{
	struct locations *l = ld->l;
	struct htab_slot *slot;
	uint64_t v;
	int isnew;
	char why[WHY_SIZE];

	if (parse_uint(id, idlen, PED_INT_MAX, &v) != 0)
		die_data(ld->src->name, line, "bad sensor id %s",
		    quote(id, idlen));
	/* It becomes a sensor_name: the same rules hold. */
	if (sensor_name_check(desc, desclen, why) != 0)
		die_data(ld->src->name, line, "%s", why);
	slot = htab_put(&l->by_id, &v, sizeof(v), &isnew);
	if (!isnew) {
		/* The same again is fine; which of two is meant is not. */
		if (strlen(l->desc[slot->value]) != desclen ||
		    memcmp(l->desc[slot->value], desc, desclen) != 0)
			die_data(ld->src->name, line, "sensor id %llu has two "
			    "descriptions: %s and %s", (unsigned long long)v,
			    quote_str(l->desc[slot->value]),
			    quote(desc, desclen));
		return;
	}
	if (l->n == l->cap) {
		l->cap = l->cap ? l->cap * 2 : 128;
		l->desc = xreallocarray(l->desc, l->cap, sizeof(*l->desc));
	}
	l->desc[l->n] = xmemdup(desc, desclen);
	slot->value = l->n++;
}

static void
load_csv(struct loader *ld)
{
	struct csv_reader *r = csv_reader_new(loader_read, ld->src, 0);
	struct csv_field *f;
	size_t n, i;
	int rc;

	ld->id_col = ld->desc_col = -1;
	if ((rc = csv_reader_next(r, &f, &n)) <= 0)
		die_data(ld->src->name, csv_reader_line(r), "%s",
		    rc < 0 ? csv_reader_error(r) : "empty locations file");
	for (i = 0; i < n; i++) {
		int k = role(f[i].s, f[i].len);

		if (k == 0 && ld->id_col < 0)
			ld->id_col = (int)i;
		else if (k == 1 && ld->desc_col < 0)
			ld->desc_col = (int)i;
	}
	if (ld->id_col < 0 || ld->desc_col < 0)
		die_data(ld->src->name, 1, "not a sensor-locations header "
		    "(needs Location_ID or Sensor_ID, and Sensor_Description)");
	while ((rc = csv_reader_next(r, &f, &n)) > 0) {
		if ((size_t)ld->id_col >= n || (size_t)ld->desc_col >= n)
			die_data(ld->src->name, csv_reader_line(r),
			    "expected %d or more fields, found %zu",
			    (ld->id_col > ld->desc_col ? ld->id_col :
			    ld->desc_col) + 1, n);
		add(ld, f[ld->id_col].s, f[ld->id_col].len,
		    f[ld->desc_col].s, f[ld->desc_col].len,
		    csv_reader_line(r));
	}
	if (rc < 0)
		die_data(ld->src->name, csv_reader_line(r), "%s",
		    csv_reader_error(r));
	csv_reader_free(r);
}

static void
load_json(struct loader *ld)
{
	struct json_reader *j = json_reader_new(loader_read, ld->src);
	const cJSON *v, *id, *desc;
	cJSON *obj;
	int rc;

	while ((rc = json_reader_next(j, &obj)) > 0) {
		id = desc = NULL;
		cJSON_ArrayForEach(v, obj) {
			int k = role(v->string, strlen(v->string));

			if (k == 0 && id == NULL)
				id = v;
			else if (k == 1 && desc == NULL)
				desc = v;
		}
		if (id == NULL || desc == NULL || !cJSON_IsString(desc))
			die_data(ld->src->name, json_reader_line(j),
			    "a location without an id or a description");
		/* Numbers come as strings of their digits (json.c). */
		if (cJSON_IsString(id)) {
			add(ld, id->valuestring, strlen(id->valuestring),
			    desc->valuestring, strlen(desc->valuestring),
			    json_reader_line(j));
		} else
			die_data(ld->src->name, json_reader_line(j),
			    "bad sensor id");
		cJSON_Delete(obj);
	}
	if (rc < 0)
		die_data(ld->src->name, json_reader_line(j), "%s",
		    json_reader_error(j));
	json_reader_free(j);
}

struct locations *
locations_load(const char *spec, const struct fetch_options *o)
{
	struct fetch_options quiet = *o;
	struct locations *l = xcalloc(1, sizeof(*l));
	struct loader ld;
	enum container c;
	char *url = NULL;

	quiet.progress = 0;
	quiet.member = NULL;
	htab_init(&l->by_id);
	htab_init(&l->unknown);
	ld.l = l;
	/* An Explore API dataset URL means its export, as for SOURCE. */
	if (ods_is_url(spec))
		url = ods_export_url(spec, NULL, NULL);
	ld.src = source_sniff(source_open(url != NULL ? url : spec, &quiet),
	    &c);
	if (c == CONTAINER_JSON)
		load_json(&ld);
	else
		load_csv(&ld);
	source_close(ld.src);
	free(url);
	l->name = url_redact(spec);
	if (l->n == 0)
		die(EXIT_DATA, "%s: no sensor locations", quote_str(l->name));
	return l;
}

const char *
locations_name(struct locations *l, uint64_t id, size_t *len)
{
	struct htab_slot *slot = htab_get(&l->by_id, &id, sizeof(id));
	int isnew;

	if (slot == NULL) {
		htab_put(&l->unknown, &id, sizeof(id), &isnew);
		return NULL;
	}
	*len = strlen(l->desc[slot->value]);
	return l->desc[slot->value];
}

unsigned long long
locations_unknown(const struct locations *l)
{
	return l->unknown.len;
}

const char *
locations_source(const struct locations *l)
{
	return l->name;
}

size_t
locations_count(const struct locations *l)
{
	return l->n;
}

void
locations_free(struct locations *l)
{
	size_t i;

	if (l == NULL)
		return;
	for (i = 0; i < l->n; i++)
		free(l->desc[i]);
	free(l->desc);
	htab_free(&l->by_id);
	htab_free(&l->unknown);
	free(l->name);
	free(l);
}
