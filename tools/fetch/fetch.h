/*
 * ped-fetch internals shared between its files: the schemas it knows,
 * one input row as text fields, the converted record, the JSON object
 * reader, the timestamp parsers and the TSV emitter.
 */
#ifndef PED_FETCH_FETCH_H
#define PED_FETCH_FETCH_H

#include <stddef.h>
#include <stdint.h>

#include <cjson/cJSON.h>

#include "bytes.h"
#include "csvread.h"
#include "period.h"
#include "source.h"

/* The dataset generations (DATASET.md sections 1 and 2). */
enum schema {
	SCHEMA_AUTO,
	SCHEMA_SOCRATA,		/* Date_Time, Sensor_ID, Hourly_Counts */
	SCHEMA_ODS2023,		/* SensingDateTime(Hour), LocationID */
	SCHEMA_ODS		/* Location_ID, Sensing_Date, HourDay */
};

enum container {
	CONTAINER_AUTO,
	CONTAINER_CSV,
	CONTAINER_JSON
};

/* The columns ped-fetch reads; every other column is ignored. */
enum col {
	COL_DATETIME,		/* Date_Time, SensingDateTime(Hour) */
	COL_DATE,		/* Sensing_Date, with COL_HOUR */
	COL_HOUR,
	COL_ID,
	COL_NAME,
	COL_COUNT,
	NCOLS
};

/* One input row: the text of each column, s NULL when absent. */
struct row {
	struct csv_field f[NCOLS];
	unsigned long	 line;
};

struct schema_map {
	enum schema	 schema;
	int		 col[NCOLS];	/* CSV column index, or -1 */
	size_t		 width;		/* fields in the header */
};

struct record {
	struct period	 period;	/* an hour, Melbourne wall clock */
	uint64_t	 sensor_id;
	const char	*name;
	size_t		 name_len;
	uint64_t	 namehash;	/* htab_hash() of the name */
	uint64_t	 count;
};

#define WHY_SIZE	256		/* room for a reason message */
#define NAME_MAX_BYTES	1024		/* longest sensor name accepted */

/* schema.c */
const char	*schema_name(enum schema s);
int		 schema_from_name(const char *name, enum schema *s,
		    enum container *c);
/* A header name folded for matching: letters and digits, lower case. */
size_t		 header_normalise(const char *s, size_t len, char *out,
		    size_t outsz);
/* Which column a header field or JSON key names in schema s, or -1. */
int		 schema_column(enum schema s, const char *name, size_t len);
/* Finds the schema of a header; 0, or -1 with the reason in why. */
int		 schema_detect(const struct csv_field *names, size_t n,
		    enum schema force, struct schema_map *m, char *why);
/* Converts a row; 0, or -1 with the reason in why. */
int		 row_convert(enum schema s, const struct row *r,
		    struct record *out, char *why);
/*
 * A sensor name or --locations description: UTF-8 without NUL, at most
 * NAME_MAX_BYTES; else -1 with the reason in why (WHY_SIZE).
 */
int	 sensor_name_check(const char *name, size_t len, char *why);

/* timeparse.c */
/* Date_Time / SensingDateTime in any shape -> Melbourne hour. */
int		 time_parse_datetime(const char *s, size_t len,
		    struct period *p);
/* Sensing_Date plus HourDay -> Melbourne hour. */
int		 time_parse_date_hour(const char *d, size_t dlen,
		    const char *h, size_t hlen, struct period *p);

/* json.c: the objects of a JSON array (or a stream of objects). */
struct json_reader;
struct json_reader *json_reader_new(csv_read_fn *rd, void *ctx);
/* 1: *obj (free with cJSON_Delete), 0: end, -1: bad JSON. */
int		 json_reader_next(struct json_reader *j, cJSON **obj);
/* The line where the last object (or the error) began. */
unsigned long	 json_reader_line(const struct json_reader *j);
const char	*json_reader_error(const struct json_reader *j);
void		 json_reader_free(struct json_reader *j);

/* dups.c: one row per (hour, sensor_id) key (--duplicates). */
enum dup_policy {
	DUP_FIRST,		/* the first row in input order */
	DUP_LAST,
	DUP_MAX,
	DUP_SUM,
	DUP_ERROR		/* a repeated key is bad data */
};
/* Writes one kept row. */
typedef void	 dup_write_fn(void *ctx, const struct period *p,
		    uint64_t sensor, const char *name, size_t len,
		    uint64_t count);
struct dups;
int		 dup_policy_from_name(const char *s, enum dup_policy *p);
const char	*dup_policy_name(enum dup_policy p);
struct dups	*dups_new(enum dup_policy policy, dup_write_fn *write,
		    void *ctx);
/* Takes a row: 0, or -1 with the reason in why (exit 65). */
int		 dups_add(struct dups *d, const struct record *r, char *why);
/* Writes the rows still held; call once, at the end of the input. */
void		 dups_finish(struct dups *d);
/* Keys with conflicting rows; rows dropped (exact or conflicting). */
unsigned long long dups_conflicts(const struct dups *d);
unsigned long long dups_dropped(const struct dups *d);
void		 dups_rows_range(const struct dups *d, unsigned *min,
		    unsigned *max);
int		 dups_example(const struct dups *d, struct period *p,
		    uint64_t *sensor, const uint64_t **counts, unsigned *n);
/*
 * Rows of hours far behind the latest after the record of written
 * hours was cleared (a bound hit): they may repeat a written key.
 */
unsigned long long dups_unchecked(const struct dups *d);
void		 dups_free(struct dups *d);

/* emit.c: the normalised TSV and the statistics -v reports. */
struct emitter;
struct emitter	*emit_new(int header, enum dup_policy policy);
/* Takes a record: 0, or -1 with the reason in why (a duplicate). */
int		 emit_record(struct emitter *e, const struct record *r,
		    char *why);
/* Hands the buffered rows to stdout (before an error message). */
void		 emit_flush(struct emitter *e);
/* Writes the rows the duplicate policy still holds. */
void		 emit_finish(struct emitter *e);
unsigned long long emit_rows(const struct emitter *e);
/* The warning about conflicting rows, when there were some. */
void		 emit_warn_dups(const struct emitter *e);
/* The one "summary: rows read ..." line on stderr. */
void		 emit_summary(const struct emitter *e,
		    unsigned long long read, unsigned long long skipped);
void		 emit_free(struct emitter *e);

/* source_sniff.c */
/*
 * Wraps inner so that its first bytes are looked at and still read:
 * *c is CONTAINER_JSON for '[' or '{' past white space and a BOM,
 * CONTAINER_CSV otherwise, CONTAINER_AUTO for nothing but white space.
 */
struct source	*source_sniff(struct source *inner, enum container *c);

/* ods.c: Opendatasoft v2.1 exports (--ods). */
#define ODS_DEFAULT_URL	"https://data.melbourne.vic.gov.au" \
	"/api/explore/v2.1/catalog/datasets/" \
	"pedestrian-counting-system-monthly-counts-per-hour"
/* Nonzero for an http(s) URL of the Explore API. */
int		 ods_is_url(const char *spec);
/* The CSV export URL of a dataset URL (NULL: the live dataset). */
char		*ods_export_url(const char *url, const char *since,
		    const char *until);

/* locations.c: sensor descriptions by id (--locations). */
struct locations;
struct locations *locations_load(const char *spec,
		    const struct fetch_options *o);
/* The description of sensor id, or NULL when the file has none. */
const char	*locations_name(struct locations *l, uint64_t id, size_t *len);
unsigned long long locations_unknown(const struct locations *l);
/* The SOURCE of --locations for messages, its secrets redacted. */
const char	*locations_source(const struct locations *l);
size_t		 locations_count(const struct locations *l);
void		 locations_free(struct locations *l);

#endif
