/*
 * The Socrata SODA pager: counts the rows, fetches the pages with up to
 * `jobs` requests in flight and reads as ONE document made of all pages
 * in order, so ped-fetch's CSV and JSON readers take it unchanged.
 */
#ifndef PED_FETCH_SODA_H
#define PED_FETCH_SODA_H

#include <stddef.h>
#include <stdint.h>

#include "source.h"

#define SODA_PAGE_SIZE	50000UL		/* SODA 2.0's largest $limit */
#define SODA_JOBS	4U
#define SODA_JOBS_MAX	64U

struct soda_options {
	unsigned long	 page_size;	/* --page-size, default 50000 */
	unsigned	 jobs;		/* --jobs, default 4 */
	/* --since/--until YYYY-MM-DD, inclusive local dates, or NULL */
	const char	*since, *until;
	const char	*where;		/* --where SOQL, raw, or NULL */
};

/*
 * url is the resource, .../resource/ID.json or .../resource/ID.csv. A bad
 * --since or --until is a usage error (exit 64); everything else that
 * goes wrong is "ped-fetch: URL: ...", exit 1.
 */
struct source	*source_open_soda(const char *url,
		    const struct soda_options *so,
		    const struct fetch_options *o);

/* soda_page.c: reading a page body (no libcurl: fuzzed). */
/*
 * The objects of a JSON array; [*from, *to) is what lies between its
 * brackets, trimmed. -1 when the body is not one array.
 */
long long	 soda_json_rows(const char *b, size_t n, size_t *from,
		    size_t *to);
/*
 * The records of a CSV body less the header, quote-aware; *body is where
 * the record after the header begins. -1 without a header or with an
 * open quote at the end.
 */
long long	 soda_csv_rows(const char *b, size_t n, size_t *body);
/* Called with the text of each row's id; nonzero stops the walk. */
typedef int	 soda_id_fn(void *arg, const char *id, size_t len);
/*
 * Calls fn with the row id of every row, in order: the "id" key of each
 * JSON object, the "id" column of a CSV page. A page without ids makes
 * no call. Returns 0 or what fn returned.
 */
int		 soda_page_ids(int json, const char *b, size_t n,
		    soda_id_fn *fn, void *arg);
/*
 * The message of a SODA error object, {"error": true, "message": "..."}
 * (or {"error": "..."}), allocated; NULL when the body is no such object.
 */
char		*soda_error_message(const char *b, size_t n);
/*
 * The N of [{"count":"N"}] (JSON) or "count"\n"N"\n (CSV); buf must have
 * room for a NUL at buf[len]. 0, or -1 when the body is no count.
 */
int		 soda_parse_count(int json, char *buf, size_t len,
		    uint64_t *count);

/* idset.c: a set of row ids as runs of consecutive ids. */
struct idset;
struct idset	*idset_new(void);
/* 1 when id is new, 0 when already in the set. */
int		 idset_add(struct idset *s, uint64_t id);
size_t		 idset_runs(const struct idset *s);
void		 idset_free(struct idset *s);

#endif
