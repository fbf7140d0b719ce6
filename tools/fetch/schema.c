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
#include "htab.h"
#include "num.h"
#include "quote.h"
#include "utf8.h"

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

/* How each schema's header spells a column, for messages. */
static const char *const col_headers[][NCOLS] = {
	[SCHEMA_SOCRATA] = { [COL_DATETIME] = "Date_Time",
	    [COL_ID] = "Sensor_ID", [COL_NAME] = "Sensor_Name",
	    [COL_COUNT] = "Hourly_Counts" },
	[SCHEMA_ODS2023] = { [COL_DATETIME] = "SensingDateTime(Hour)",
	    [COL_ID] = "LocationID", [COL_COUNT] = "Total_of_Directions" },
	[SCHEMA_ODS] = { [COL_DATE] = "Sensing_Date", [COL_HOUR] = "HourDay",
	    [COL_ID] = "Location_ID", [COL_NAME] = "Sensor_Name",
	    [COL_COUNT] = "Total_of_Directions" },
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

/*
 * Maps the header onto schema s; returns the required columns missing.
 * *dup is the index of a second name of a column already mapped, or -1.
 */
static unsigned
map_header(enum schema s, const struct csv_field *names, size_t n,
    struct schema_map *m, int *dup)
{
	unsigned have = 0;
	size_t i;
	int c;

	m->schema = s;
	m->width = n;
	*dup = -1;
	for (c = 0; c < NCOLS; c++)
		m->col[c] = -1;
	for (i = 0; i < n; i++) {
		c = schema_column(s, names[i].s, names[i].len);
		if (c < 0)
			continue;
		if (m->col[c] >= 0) {
			if (*dup < 0)
				*dup = (int)i;
			continue;
		}
		m->col[c] = (int)i;
		have |= 1u << c;
	}
	return required[s] & ~have;
}

static unsigned
popcount(unsigned v)
{
	unsigned n = 0;

	for (; v != 0; v &= v - 1)
		n++;
	return n;
}

/* "no count column (Hourly_Counts)" for the first column missing. */
static int
no_column(enum schema s, unsigned missing, int forced, char *why)
{
	int c;

	for (c = 0; !(missing & 1u << c); c++)
		continue;
	snprintf(why, WHY_SIZE, "no %s column (%s)%s%s", col_labels[c],
	    col_headers[s][c], forced ? " for format " : "",
	    forced ? schema_names[s] : "");
	return -1;
}

/* Two header names for one column: which one is meant is unknowable. */
static int
dup_column(const struct csv_field *names, const struct schema_map *m,
    int dup, char *why)
{
	int c = schema_column(m->schema, names[dup].s, names[dup].len);

	snprintf(why, WHY_SIZE, "the header names the %s column twice (%s "
	    "and %s)", col_labels[c], quote(names[m->col[c]].s,
	    names[m->col[c]].len), quote(names[dup].s, names[dup].len));
	return -1;
}

int
schema_detect(const struct csv_field *names, size_t n, enum schema force,
    struct schema_map *m, char *why)
{
	unsigned missing, best_missing = 0;
	int s, best = -1, dup;
	char line[QUOTE_MAX + 2];
	size_t i, o = 0;

	if (force != SCHEMA_AUTO) {
		if ((missing = map_header(force, names, n, m, &dup)) != 0)
			return no_column(force, missing, 1, why);
		return dup >= 0 ? dup_column(names, m, dup, why) : 0;
	}
	for (s = SCHEMA_SOCRATA; s <= SCHEMA_ODS; s++) {
		if ((missing = map_header((enum schema)s, names, n, m,
		    &dup)) == 0)
			return dup >= 0 ? dup_column(names, m, dup, why) : 0;
		/* The closest schema: most of its columns, fewest missing. */
		if (popcount(required[s] & ~missing) >= 2 && (best < 0 ||
		    popcount(required[s] & ~missing) >
		    popcount(required[best] & ~best_missing) ||
		    (popcount(required[s] & ~missing) ==
		    popcount(required[best] & ~best_missing) &&
		    popcount(missing) < popcount(best_missing)))) {
			best = s;
			best_missing = missing;
		}
	}
	if (best >= 0)
		return no_column((enum schema)best, best_missing, 0, why);
	/* The header as read, as far as a message shows. */
	for (i = 0; i < n && o < sizeof(line) - 1; i++) {
		if (i > 0)
			line[o++] = ',';
		for (size_t j = 0; j < names[i].len && o < sizeof(line) - 1;
		    j++)
			line[o++] = names[i].s[j];
	}
	snprintf(why, WHY_SIZE, "unknown header %s (see FORMATS in "
	    "ped-fetch(1))", quote(line, o));
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

	/* "1,234" is the shortest with a separator. */
	if (len < 5 || memchr(s, ',', len) == NULL)
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
	snprintf(why, WHY_SIZE, "bad %s %s", what, quote(f->s, f->len));
	return -1;
}

/* quote() of a name with JSON's NUL (C0 80) shown as the \\0 it was. */
static const char *
quote_nul(const char *s, size_t len)
{
	char buf[QUOTE_MAX + 1];
	size_t i, o = 0;

	for (i = 0; i < len && o < sizeof(buf); i++) {
		if ((unsigned char)s[i] == 0xc0 && i + 1 < len &&
		    (unsigned char)s[i + 1] == 0x80) {
			buf[o++] = '\0';
			i++;
		} else
			buf[o++] = s[i];
	}
	return quote(buf, o);
}

/*
 * A sensor name is UTF-8 text without NUL (the TSV is text), at most
 * NAME_MAX_BYTES long (real names are under 100: a longer one is a
 * broken row, and every group downstream would carry it). JSON's
 * \u0000 reaches here as C0 80 (json.c), which is no UTF-8 either.
 */
int
sensor_name_check(const char *name, size_t len, char *why)
{
	const struct csv_field field = { name, len }, *f = &field;
	const unsigned char *s = (const unsigned char *)f->s;
	const uint64_t ones = 0x0101010101010101ull, highs = ones << 7;
	uint64_t w, bad = 0;
	size_t ok, i;

	if (f->len > NAME_MAX_BYTES) {
		snprintf(why, WHY_SIZE, "sensor_name of %zu bytes, longer than "
		    "%d: %s", f->len, NAME_MAX_BYTES, quote(f->s, f->len));
		return -1;
	}

	/* ASCII without NUL, the usual name, 8 bytes at a time. */
	for (i = 0; i + 8 <= f->len; i += 8) {
		memcpy(&w, s + i, 8);
		bad |= ((w - ones) & ~w) | w;
	}
	for (; i < f->len; i++)
		bad |= (uint64_t)(s[i] == 0 || s[i] >= 0x80) << 7;
	if ((bad & highs) == 0)
		return 0;
	if (memchr(f->s, '\0', f->len) != NULL)
		goto nul;
	if ((ok = utf8_prefix(s, f->len)) == f->len)
		return 0;
	if (f->len - ok >= 2 && s[ok] == 0xc0 && s[ok + 1] == 0x80)
		goto nul;
	snprintf(why, WHY_SIZE, "sensor_name %s is not UTF-8",
	    quote(f->s, f->len));
	return -1;
nul:
	snprintf(why, WHY_SIZE, "sensor_name %s has a NUL character",
	    quote_nul(f->s, f->len));
	return -1;
}

/*
 * Each sensor's name comes on every row, the same for years: the last
 * name of each small id is kept with its hash, so a repeat costs one
 * memcmp instead of the UTF-8 check and the hash.
 */
#define MEMO_IDS	4096
#define MEMO_NAME	64

static struct name_memo {
	uint32_t	 len;		/* name length + 1; 0: none */
	char		 s[MEMO_NAME];
	uint64_t	 hash;
} memo[MEMO_IDS];

/* Checks a row's name and sets its hash; -1 with why when it is bad. */
static int
row_name(uint64_t sensor, const char *name, size_t len, uint64_t *hash,
    char *why)
{
	struct name_memo *m = sensor < MEMO_IDS ? &memo[sensor] : NULL;

	if (m != NULL && m->len == len + 1 && same_bytes(m->s, name, len)) {
		*hash = m->hash;
		return 0;
	}
	if (sensor_name_check(name, len, why) != 0)
		return -1;
	*hash = htab_hash(name, len);
	if (m != NULL && len < MEMO_NAME) {
		memcpy(m->s, name, len);
		m->len = (uint32_t)len + 1;
		m->hash = *hash;
	}
	return 0;
}

int
row_convert(enum schema s, const struct row *r, struct record *out,
    char *why)
{
	const struct csv_field *f = r->f;
	unsigned need;
	int c;

	for (need = required[s]; need != 0; need &= need - 1) {
		c = __builtin_ctz(need);
		if (f[c].s == NULL) {
			snprintf(why, WHY_SIZE, "missing %s", col_labels[c]);
			return -1;
		}
	}
	if (s == SCHEMA_ODS) {
		if (time_parse_date_hour(f[COL_DATE].s, f[COL_DATE].len,
		    f[COL_HOUR].s, f[COL_HOUR].len, &out->period) != 0) {
			snprintf(why, WHY_SIZE, "bad date %s hour %s",
			    quote(f[COL_DATE].s, f[COL_DATE].len),
			    quote(f[COL_HOUR].s, f[COL_HOUR].len));
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
	return row_name(out->sensor_id, out->name, out->name_len,
	    &out->namehash, why);
}
