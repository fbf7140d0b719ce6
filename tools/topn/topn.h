/* ped-topn's kept rows, shared by the writers (topn.c, bars.c). */
#ifndef PED_TOPN_H
#define PED_TOPN_H

#include <stddef.h>
#include <stdint.h>

struct entry {
	uint64_t	 count;
	uint64_t	 sensor;
	char		*name;		/* owned, unescaped */
	size_t		 name_len;
};

/*
 * One period's ranking, best first. A fine table (hours, days) has many
 * periods of few rows: the first row lives in the keeper itself.
 */
struct keeper {
	uint64_t	 key;		/* period_key() */
	uint32_t	 len;
	uint32_t	 cap : 31;	/* 0 or 1: the row is u.one */
	uint32_t	 tracked : 1;	/* every sensor seen is marked */
	union {
		struct entry	 one;
		struct entry	*many;
	} u;
	uint64_t	*seen;		/* tracked: [0] words, then a bitmap
					   of the sensor ids seen */
};

/* The keeper's rows (const when the keeper is). */
#define KEEPER_E(k)	((k)->cap <= 1 ? &(k)->u.one : (k)->u.many)

/* The rank of each entry: SQL RANK() over count descending. */
uint64_t	 entry_rank(const struct keeper *k, size_t i, uint64_t prev);

/*
 * --bars: writes each period's ranking as horizontal bars, cols display
 * columns wide at most, in UTF-8 block characters or in ASCII.
 */
void		 bars_write(const struct keeper *k, int first, size_t cols,
		    int utf8);
/* The terminal's width: COLUMNS, else the terminal's, else 80. */
size_t		 bars_columns(void);
/* Whether LC_ALL, LC_CTYPE or LANG (the first set) names UTF-8. */
int		 bars_utf8_locale(void);

#endif
