/*
 * ped-fetch's download cache of the archive (--history, --cache DIR):
 * conditional GET, a 304 read from disk, entries renamed into place.
 */
#ifndef PED_FETCH_CACHE_H
#define PED_FETCH_CACHE_H

#include <stdint.h>

#include "source.h"

struct cache;
/* The cache of url in dir (created); NULL, with a warning, when unusable. */
struct cache	*cache_new(const char *dir, const char *url,
		    const struct fetch_options *o);
/* The last day the cached copy held (period_instant), or 0. */
uint64_t	 cache_last_day(struct cache *c, const char *url);
/*
 * url's body: the cached copy when the server answers 304, else the
 * download, copied into the cache as it is read and kept once read to
 * its end.
 */
struct source	*cache_fetch(struct cache *c, const char *url,
		    const struct fetch_options *o);
/* Records the last day of the entry just read (after a complete read). */
void		 cache_set_last_day(struct cache *c, uint64_t day);
void		 cache_free(struct cache *c);

#endif
