/*
 * ped-fetch --history: where the two sources are (the 2009-2022 ZIP
 * archive and the live Opendatasoft table), what is known of the
 * archive's last day before reading it, and hour/day arithmetic on
 * period_instant() values for the join.
 */
#ifndef PED_FETCH_HISTORY_H
#define PED_FETCH_HISTORY_H

#include <stdint.h>

#include "period.h"
#include "source.h"

#define HISTORY_ARCHIVE_URL "https://data.melbourne.vic.gov.au" \
	"/api/datasets/1.0/pedestrian-counting-system-monthly-counts-per-hour" \
	"/attachments/pedestrian_counting_system_monthly_counts_per_hour" \
	"_may_2009_to_14_dec_2022_csv_zip/"

struct cache;

struct history {
	const char	*archive_url;	/* --archive-url, PED_ARCHIVE_URL */
	const char	*ods_url;	/* --ods-url, PED_ODS_URL */
	struct cache	*cache;		/* NULL: --no-cache or unusable */
	char		*cache_dir;
	/* The archive's last day (a day instant) before reading it: from
	 * its name ("..._to_14_dec_2022_...") or the cache; 0: unknown. */
	uint64_t	 known_end;
};

void		 history_init(struct history *h, const char *archive_url,
		    const char *ods_url, const char *cache_dir, int no_cache,
		    const struct fetch_options *o);
/* The archive, decoded: through the cache when there is one. */
struct source	*history_open_archive(struct history *h,
		    const struct fetch_options *o);
/* Notes the archive's last day (after a complete read) in the cache. */
void		 history_archive_read(struct history *h, uint64_t last_day);
void		 history_free(struct history *h);

/* period_instant() arithmetic: the next or previous hour, next day. */
uint64_t	 instant_next_hour(uint64_t t);
uint64_t	 instant_prev_hour(uint64_t t);
uint64_t	 instant_next_day(uint64_t t);
/* YYYY-MM-DDTHH (hour) or YYYY-MM-DD (!hour) into buf. */
void		 instant_format(uint64_t t, int hour, char buf[PERIOD_BUFSZ]);

#endif
