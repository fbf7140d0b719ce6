/*
 * Periods of the normalised TSV: ISO prefixes YYYY-MM-DDTHH, YYYY-MM-DD,
 * YYYY-MM, YYYY (Melbourne wall-clock), and the pooled weekday and month
 * names. Parse, truncate to a coarser period, order, format.
 */
#ifndef PED_PERIOD_H
#define PED_PERIOD_H

#include <stddef.h>
#include <stdint.h>

enum period_kind {
	PERIOD_HOUR,
	PERIOD_DAY,
	PERIOD_MONTH,
	PERIOD_YEAR,
	PERIOD_WEEKDAY,
	PERIOD_MONTHNAME,
	PERIOD_NKINDS
};

struct period {
	enum period_kind kind;
	unsigned	 year;		/* 1..9999 */
	unsigned	 month;		/* 1..12, or 0 when absent */
	unsigned	 day;		/* 1..31, or 0 */
	unsigned	 hour;		/* 0..23 (only with PERIOD_HOUR) */
	unsigned	 weekday;	/* 1 = Monday .. 7 = Sunday (PERIOD_WEEKDAY) */
};

/* Longest formatted period ("YYYY-MM-DDTHH", "Wednesday", "September"). */
#define PERIOD_BUFSZ	16

/* Returns 0 and fills *p, or -1 when s[0..len) is not a period. */
int		 period_parse(const char *s, size_t len, struct period *p);
/* The kind named "hour", "day", ...; -1 for an unknown name. */
int		 period_kind_from_name(const char *name);
const char	*period_kind_name(enum period_kind kind);
/*
 * Truncates in to kind; returns -1 when that is not a coarsening
 * (day to hour, weekday to month, ...).
 */
int		 period_truncate(const struct period *in, enum period_kind kind,
		    struct period *out);
/* Writes the period and a NUL into buf; returns the length. */
size_t		 period_format(const struct period *p, char buf[PERIOD_BUFSZ]);
/*
 * A key that orders periods by kind, then chronologically (weekdays
 * Monday..Sunday, months January..December). period_from_key inverts it.
 */
uint64_t	 period_key(const struct period *p);
void		 period_from_key(uint64_t key, struct period *p);
/* Calendar arithmetic (proleptic Gregorian) shared with the parsers. */
int		 period_is_leap(unsigned year);
unsigned	 period_days_in_month(unsigned year, unsigned month);
/* Days since 1970-01-01 (negative before). */
int64_t		 period_days_from_civil(int64_t year, unsigned month,
		    unsigned day);
/* ISO weekday of a date: 1 = Monday .. 7 = Sunday. */
unsigned	 period_weekday(unsigned year, unsigned month, unsigned day);
/* Orders calendar periods by their start, across kinds (month < its days). */
uint64_t	 period_instant(const struct period *p);

#endif
