/*
 * The Socrata SODA pager: counts the rows, fetches the pages with up to
 * `jobs` requests in flight and reads as ONE document made of all pages
 * in order, so ped-fetch's CSV and JSON readers take it unchanged.
 */
#ifndef PED_FETCH_SODA_H
#define PED_FETCH_SODA_H

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

#endif
