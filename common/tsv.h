/*
 * The normalised TSV: "period<TAB>sensor_id<TAB>sensor_name<TAB>count",
 * with \t \n \r \\ escaped in sensor_name. Reading, escaping, writing.
 */
#ifndef PED_TSV_H
#define PED_TSV_H

#include <stdint.h>
#include <stdio.h>

#include "lineio.h"
#include "period.h"

#define TSV_HEADER	"period\tsensor_id\tsensor_name\tcount"
#define TSV_NFIELDS	4

struct tsv_record {
	struct period	 period;
	const char	*period_text;
	size_t		 period_len;
	uint64_t	 sensor_id;
	const char	*name;		/* unescaped; not NUL-terminated */
	size_t		 name_len;
	uint64_t	 count;
	int		 period_same;	/* period text equals the previous
					   record's in this input */
};

/*
 * Parsing state across the lines of one input: the last period parsed,
 * since time-ordered input repeats it for every sensor of an hour.
 */
struct tsv_parser {
	char		 ptext[PERIOD_BUFSZ];
	size_t		 plen;		/* 0: none yet */
	struct period	 p;
};

/* Longest line tsv_read() accepts; a longer one is bad data. */
#define TSV_MAX_LINE	(16 * 1024 * 1024)
/* Room for any message tsv_parse() writes. */
#define TSV_ERRSZ	512

typedef void	 tsv_record_fn(const struct tsv_record *rec,
		    const struct line_reader *lr, void *arg);

/*
 * Splits line at tabs into at most max fields; returns how many there
 * are (possibly more than max, of which only max are stored).
 */
size_t	 tsv_split(char *line, size_t len, char *fields[], size_t lens[],
	    size_t max);
/* Undoes the escapes in place; returns -1 on a bad escape. */
int	 tsv_unescape(char *s, size_t *len);
/* Writes s with \t \n \r \\ escaped. */
void	 tsv_put_escaped(FILE *fp, const char *s, size_t len);
/*
 * Parses one line (without its line end) into rec; the name is
 * unescaped in place. has_nul says whether the line may hold a NUL
 * byte. Returns 0, or -1 with the reason in err (data quoted).
 */
int	 tsv_parse(struct tsv_parser *tp, char *line, size_t len, int has_nul,
	    struct tsv_record *rec, char err[TSV_ERRSZ]);
/* The same without the fast path or the cache (a reference for tests). */
int	 tsv_parse_slow(char *line, size_t len, struct tsv_record *rec,
	    char err[TSV_ERRSZ]);
/*
 * Reads records from path ("-" is stdin), calling fn for each. Lines
 * equal to TSV_HEADER are skipped. A malformed line, or one longer than
 * TSV_MAX_LINE, is fatal (exit 65).
 */
void	 tsv_read(const char *path, tsv_record_fn *fn, void *arg);
/* tsv_read() over each of the argc paths in argv, or stdin when none. */
void	 tsv_read_args(int argc, char *argv[], tsv_record_fn *fn, void *arg);

#endif
