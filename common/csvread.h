/*
 * A fast RFC 4180 CSV record reader over a read callback, in the dialect
 * of libcsv with CSV_STRICT | CSV_STRICT_FINI and no space trimming.
 */
#ifndef PED_CSVREAD_H
#define PED_CSVREAD_H

#include <stddef.h>

struct csv_field { const char *s; size_t len; };   /* unquoted; "" inside quotes -> " */
typedef size_t csv_read_fn(void *ctx, void *buf, size_t n);   /* returns 0 only at end of data */

struct csv_reader;

/*
 * delim: ',' or ';' ..., or 0 = detect from the first record (';' if it
 * has more ';' than ',' outside quotes, else ','). A UTF-8 BOM at the
 * very start is skipped. delim must not be '"', CR or LF. The callback
 * may return short counts; it reports its own errors (it cannot return
 * one), e.g. by calling die_errno(). The environment variable
 * PED_CSV_SIMD=sse2 or bytes makes the fast path's masks with less than
 * the CPU offers (for tests: every way must give the same records).
 */
struct csv_reader *csv_reader_new(csv_read_fn *rd, void *ctx, char delim);
/*
 * 1: a record (fields valid until the next call; s is NUL-terminated
 * too, but may also contain NUL bytes: use len); 0: end of input;
 * -1: malformed input, csv_reader_error() says why ("unterminated
 * quoted field", "quote inside unquoted field", "text after closing
 * quote", "record larger than 16 MiB"); every later call returns -1.
 * Records end at LF, CRLF or a lone CR; empty lines are skipped.
 */
int	 csv_reader_next(struct csv_reader *r, struct csv_field **fields,
	    size_t *nfields);
/*
 * The 1-based physical line (LF, CRLF or lone CR ends one) where the last
 * returned record began. After -1: the line of the offending character,
 * for an unterminated quoted field the line of its opening quote, for a
 * record too large the line where it began.
 */
unsigned long csv_reader_line(const struct csv_reader *r);
/* The delimiter in use; when detecting, known after the first next(). */
char	 csv_reader_delim(const struct csv_reader *r);
const char *csv_reader_error(const struct csv_reader *r);
void	 csv_reader_free(struct csv_reader *r);

#endif
