/*
 * Which dataset generation a header (or a JSON object's keys) belongs
 * to, where its columns are, and how a row of it becomes a record.
 *
 * Names are compared after keeping only letters and digits, lower-cased:
 * "Sensor_ID", "sensor_id", "LocationID", "Location_ID" and
 * "SensingDateTime(Hour)" all match the forms in the table below.
 */
#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "fetch.h"
#include "num.h"

struct colname {
	enum schema	 schema;
	enum col	 col;
	const char	*name;		/* normalised */
};

static const struct colname colnames[] = {
	{ SCHEMA_SOCRATA,	COL_DATETIME,	"datetime" },
	{ SCHEMA_SOCRATA,	COL_ID,		"sensorid" },
	{ SCHEMA_SOCRATA,	COL_NAME,	"sensorname" },
	{ SCHEMA_SOCRATA,	COL_COUNT,	"hourlycounts" },
	{ SCHEMA_ODS2023,	COL_DATETIME,	"sensingdatetimehour" },
	{ SCHEMA_ODS2023,	COL_ID,		"locationid" },
	{ SCHEMA_ODS2023,	COL_COUNT,	"totalofdirections" },
	{ SCHEMA_ODS,		COL_ID,		"locationid" },
	{ SCHEMA_ODS,		COL_DATE,	"sensingdate" },
	{ SCHEMA_ODS,		COL_HOUR,	"hourday" },
	{ SCHEMA_ODS,		COL_NAME,	"sensorname" },
	{ SCHEMA_ODS,		COL_COUNT,	"totalofdirections" },
	{ SCHEMA_ODS,		COL_COUNT,	"pedestriancount" },
};

/* The columns each schema must have; the sensor name is optional. */
static const unsigned required[] = {
	[SCHEMA_SOCRATA] = 1u << COL_DATETIME | 1u << COL_ID | 1u << COL_COUNT,
	[SCHEMA_ODS2023] = 1u << COL_DATETIME | 1u << COL_ID | 1u << COL_COUNT,
	[SCHEMA_ODS] = 1u << COL_DATE | 1u << COL_HOUR | 1u << COL_ID |
	    1u << COL_COUNT,
};

static const char *const schema_names[] = {
	[SCHEMA_AUTO] = "auto",
	[SCHEMA_SOCRATA] = "socrata",
	[SCHEMA_ODS2023] = "ods2023",
	[SCHEMA_ODS] = "ods",
};

/* How the messages name a column. */
static const char *const col_labels[NCOLS] = {
	[COL_DATETIME] = "date_time",
	[COL_DATE] = "sensing_date",
	[COL_HOUR] = "hourday",
	[COL_ID] = "sensor_id",
	[COL_NAME] = "sensor_name",
	[COL_COUNT] = "count",
};

const char *
schema_name(enum schema s)
{
	return schema_names[s];
}

/* "csv", "json", "SCHEMA" or "SCHEMA-csv"/"SCHEMA-json". */
int
schema_from_name(const char *name, enum schema *s, enum container *c)
{
	const char *dash = strchr(name, '-');
	size_t len = dash ? (size_t)(dash - name) : strlen(name);
	int i;

	*s = SCHEMA_AUTO;
	*c = CONTAINER_AUTO;
	if (strcmp(name, "csv") == 0 || strcmp(name, "json") == 0) {
		*c = name[0] == 'c' ? CONTAINER_CSV : CONTAINER_JSON;
		return 0;
	}
	for (i = SCHEMA_SOCRATA; i <= SCHEMA_ODS; i++)
		if (strlen(schema_names[i]) == len &&
		    strncmp(schema_names[i], name, len) == 0)
			*s = (enum schema)i;
	if (*s == SCHEMA_AUTO)
		return -1;
	if (dash == NULL)
		return 0;
	if (strcmp(dash, "-csv") == 0)
		*c = CONTAINER_CSV;
	else if (strcmp(dash, "-json") == 0)
		*c = CONTAINER_JSON;
	else
		return -1;
	return 0;
}

size_t
header_normalise(const char *s, size_t len, char *out, size_t outsz)
{
	size_t i, n = 0;

	for (i = 0; i < len && n + 1 < outsz; i++)
		if (isalnum((unsigned char)s[i]))
			out[n++] = (char)tolower((unsigned char)s[i]);
	out[n] = '\0';
	return n;
}

int
schema_column(enum schema s, const char *name, size_t len)
{
	char norm[64];
	size_t i;

	header_normalise(name, len, norm, sizeof(norm));
	for (i = 0; i < sizeof(colnames) / sizeof(colnames[0]); i++)
		if (colnames[i].schema == s &&
		    strcmp(colnames[i].name, norm) == 0)
			return (int)colnames[i].col;
	return -1;
}

/* Maps the header onto schema s; returns the required columns missing. */
static unsigned
map_header(enum schema s, const struct csv_field *names, size_t n,
    struct schema_map *m)
{
	unsigned have = 0;
	size_t i;
	int c;

	m->schema = s;
	m->width = n;
	for (c = 0; c < NCOLS; c++)
		m->col[c] = -1;
	for (i = 0; i < n; i++) {
		c = schema_column(s, names[i].s, names[i].len);
		/* The first of two equal names wins. */
		if (c >= 0 && m->col[c] < 0) {
			m->col[c] = (int)i;
			have |= 1u << c;
		}
	}
	return required[s] & ~have;
}

int
schema_detect(const struct csv_field *names, size_t n, enum schema force,
    struct schema_map *m, char *why)
{
	unsigned missing;
	int s, c;

	if (force != SCHEMA_AUTO) {
		if ((missing = map_header(force, names, n, m)) == 0)
			return 0;
		for (c = 0; !(missing & 1u << c); c++)
			continue;
		snprintf(why, WHY_SIZE, "header has no %s column for format %s",
		    col_labels[c], schema_names[force]);
		return -1;
	}
	for (s = SCHEMA_SOCRATA; s <= SCHEMA_ODS; s++)
		if (map_header((enum schema)s, names, n, m) == 0)
			return 0;
	snprintf(why, WHY_SIZE, "unknown header \"%.*s%s%.*s%s\" (see "
	    "FORMATS in ped-fetch(1))", n > 0 ? (int)names[0].len : 0,
	    n > 0 ? names[0].s : "", n > 1 ? "," : "",
	    n > 1 ? (int)names[1].len : 0, n > 1 ? names[1].s : "",
	    n > 2 ? ",..." : "");
	return -1;
}

/*
 * A count: digits, or the "CSV for Excel" form with well-formed
 * thousands separators ("1,234", "12,345,678"), which are dropped.
 */
static int
parse_count(const char *s, size_t len, uint64_t *out)
{
	char digits[32];
	size_t i, n = 0, lead;

	if (memchr(s, ',', len) == NULL)
		return parse_uint(s, len, PED_INT_MAX, out);
	lead = (size_t)((const char *)memchr(s, ',', len) - s);
	if (lead < 1 || lead > 3 || (len - lead) % 4 != 0)
		return -1;
	for (i = 0; i < len; i++) {
		if (i >= lead && (i - lead) % 4 == 0) {
			if (s[i] != ',')
				return -1;
			continue;
		}
		if (n == sizeof(digits))
			return -1;
		digits[n++] = s[i];
	}
	return parse_uint(digits, n, PED_INT_MAX, out);
}

static int
bad(char *why, const char *what, const struct csv_field *f)
{
	snprintf(why, WHY_SIZE, "bad %s \"%.*s\"", what,
	    f->len > 64 ? 64 : (int)f->len, f->s);
	return -1;
}

int
row_convert(enum schema s, const struct row *r, struct record *out,
    char *why)
{
	const struct csv_field *f = r->f;
	int c;

	for (c = 0; c < NCOLS; c++)
		if ((required[s] & 1u << c) && f[c].s == NULL) {
			snprintf(why, WHY_SIZE, "missing %s", col_labels[c]);
			return -1;
		}
	if (s == SCHEMA_ODS) {
		if (time_parse_date_hour(f[COL_DATE].s, f[COL_DATE].len,
		    f[COL_HOUR].s, f[COL_HOUR].len, &out->period) != 0) {
			snprintf(why, WHY_SIZE,
			    "bad date \"%.*s\" hour \"%.*s\"",
			    f[COL_DATE].len > 64 ? 64 : (int)f[COL_DATE].len,
			    f[COL_DATE].s, f[COL_HOUR].len > 16 ? 16 :
			    (int)f[COL_HOUR].len, f[COL_HOUR].s);
			return -1;
		}
	} else if (time_parse_datetime(f[COL_DATETIME].s, f[COL_DATETIME].len,
	    &out->period) != 0)
		return bad(why, "date", &f[COL_DATETIME]);
	if (parse_uint(f[COL_ID].s, f[COL_ID].len, PED_INT_MAX,
	    &out->sensor_id) != 0)
		return bad(why, "sensor_id", &f[COL_ID]);
	if (parse_count(f[COL_COUNT].s, f[COL_COUNT].len, &out->count) != 0)
		return bad(why, "count", &f[COL_COUNT]);
	out->name = f[COL_NAME].s ? f[COL_NAME].s : "";
	out->name_len = f[COL_NAME].s ? f[COL_NAME].len : 0;
	return 0;
}
