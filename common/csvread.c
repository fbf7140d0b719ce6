/*
 * RFC 4180 CSV reader. Input goes through one buffer that grows only to
 * hold one record; fields point into it. A record is always parsed from
 * its first byte: when the data ends inside it, the reader reads more and
 * starts the record over, so the scan keeps no state between calls and
 * the hot loop stays small. Parsing writes nothing until the record is
 * complete (a rescan must see the raw bytes); only then are doubled
 * quotes removed and a NUL written after each field.
 *
 * The dialect is libcsv's with CSV_STRICT | CSV_STRICT_FINI and no space
 * trimming (tests/unit/test_csvread.c checks this against libcsv).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#if defined(__SSE2__) && defined(__GNUC__) && !defined(CSVREAD_NO_SIMD)
#define CSV_SIMD	1
#include <emmintrin.h>
#endif

#include "csvread.h"
#include "err.h"
#include "xalloc.h"

#define BUF_SIZE	(256 * 1024)
#define BUF_PAD		32	/* the NUL sentinel and 16-byte loads past it */
/* Bounded memory: an unbalanced quote must not swallow a whole file. */
#define RECORD_MAX	(16 * 1024 * 1024)

enum { P_NEED, P_RECORD, P_ERROR };

struct csv_reader {
	unsigned char	*buf;		/* cap + BUF_PAD bytes */
	size_t		 cap;
	size_t		 pos;		/* first unparsed byte */
	size_t		 end;		/* end of the data; buf[end] == 0 */
	unsigned char	 delim;
	int		 eof;
	int		 started;	/* BOM and delimiter dealt with */
	int		 after_cr;	/* an LF next ends no new line */
	unsigned long	 line;		/* physical line at pos */
	unsigned long	 rec_line;
	const char	*error;
	struct csv_field *fields;
	size_t		 nalloc;
	csv_read_fn	*rd;
	void		*ctx;
#ifndef CSV_SIMD
	unsigned char	 stop[2][256];	/* bytes ending a scan: [quoted] */
#endif
};

#ifdef CSV_SIMD
/*
 * The first byte at or after p that is d, '"', LF, CR or NUL, sixteen
 * at a time; the NUL at buf[end] stops it, and the padding after it
 * keeps the loads inside the buffer.
 */
static inline unsigned char *
scan(const struct csv_reader *r, unsigned char *p, unsigned char d)
{
	const __m128i vd = _mm_set1_epi8((char)d), vq = _mm_set1_epi8('"');
	const __m128i vl = _mm_set1_epi8('\n'), vc = _mm_set1_epi8('\r');
	const __m128i vz = _mm_setzero_si128();
	__m128i v, m;
	unsigned mask;

	(void)r;
	for (;; p += 16) {
		v = _mm_loadu_si128((const __m128i *)(void *)p);
		m = _mm_or_si128(
		    _mm_or_si128(_mm_cmpeq_epi8(v, vd), _mm_cmpeq_epi8(v, vq)),
		    _mm_or_si128(_mm_cmpeq_epi8(v, vl), _mm_cmpeq_epi8(v, vc)));
		m = _mm_or_si128(m, _mm_cmpeq_epi8(v, vz));
		if ((mask = (unsigned)_mm_movemask_epi8(m)) != 0)
			return p + __builtin_ctz(mask);
	}
}
#else
/* The same with a lookup table, a byte at a time. */
static inline unsigned char *
scan(const struct csv_reader *r, unsigned char *p, unsigned char d)
{
	const unsigned char *stop = r->stop[d == '"'];

	while (!stop[*p])
		p++;
	return p;
}
#endif

struct csv_reader *
csv_reader_new(csv_read_fn *rd, void *ctx, char delim)
{
	struct csv_reader *r;

	if (delim == '"' || delim == '\n' || delim == '\r')
		die(EXIT_RUNTIME, "csv: bad delimiter");
	r = xcalloc(1, sizeof(*r));
	r->rd = rd;
	r->ctx = ctx;
	r->delim = (unsigned char)delim;
	r->cap = BUF_SIZE;
	r->buf = xmalloc(r->cap + BUF_PAD);
	r->line = 1;
	return r;
}

void
csv_reader_free(struct csv_reader *r)
{
	if (r == NULL)
		return;
	free(r->buf);
	free(r->fields);
	free(r);
}

unsigned long
csv_reader_line(const struct csv_reader *r)
{
	return r->rec_line;
}

char
csv_reader_delim(const struct csv_reader *r)
{
	return (char)r->delim;
}

const char *
csv_reader_error(const struct csv_reader *r)
{
	return r->error;
}

/* Errors stick: r->error makes every later call return -1. */
static int
fail(struct csv_reader *r, unsigned long line, const char *msg)
{
	r->error = msg;
	r->rec_line = line;
	return P_ERROR;
}

/* Doubles the buffer, which a partial record fills. */
static void
grow(struct csv_reader *r)
{
	if (r->cap > (SIZE_MAX - BUF_PAD) / 2)
		die(EXIT_RUNTIME, "out of memory");
	r->cap *= 2;
	r->buf = xreallocarray(r->buf, 1, r->cap + BUF_PAD);
}

/*
 * Moves the unparsed bytes to the front, grows the buffer if they fill
 * it, then reads until want more bytes came in, the buffer is full or
 * the data ends. Callers ask for as many bytes as are pending, so the
 * rescans of a long record stay linear in its length even when every
 * read returns a single byte.
 */
static void
fill(struct csv_reader *r, size_t want)
{
	size_t got = 0, n;

	if (r->pos > 0) {
		memmove(r->buf, r->buf + r->pos, r->end - r->pos);
		r->end -= r->pos;
		r->pos = 0;
	}
	if (r->end == r->cap) {
		if (r->cap >= RECORD_MAX) {
			fail(r, r->line, "record larger than 16 MiB");
			return;
		}
		grow(r);
	}
	if (want == 0)
		want = 1;
	while (got < want && r->end < r->cap) {
		if ((n = r->rd(r->ctx, r->buf + r->end, r->cap - r->end)) == 0) {
			r->eof = 1;
			break;
		}
		r->end += n;
		got += n;
	}
	/* The sentinel, and defined bytes for the loads that pass it. */
	memset(r->buf + r->end, 0, BUF_PAD);
}

static int	 skip_blank(struct csv_reader *);

/*
 * Picks ';' or ',' by counting both outside quotes in the first record,
 * after reading until all of it is in the buffer.
 */
static void
detect(struct csv_reader *r)
{
	const unsigned char *p, *e;
	size_t comma, semi;
	int quoted;

	for (;;) {
		/* Empty lines first go, counted: a long run of them is no
		 * record (it used to fill the buffer up to RECORD_MAX). */
		if (!skip_blank(r) && !r->eof && r->error == NULL) {
			fill(r, 1);
			continue;
		}
		p = r->buf + r->pos;
		e = r->buf + r->end;
		comma = semi = 0;
		quoted = 0;
		for (; p < e; p++) {
			if (*p == '"')
				quoted = !quoted;
			else if (quoted)
				continue;
			else if (*p == ',')
				comma++;
			else if (*p == ';')
				semi++;
			else if (*p == '\n' || *p == '\r')
				break;
		}
		if (p < e || r->eof || r->error != NULL)
			break;
		fill(r, r->end - r->pos);
	}
	r->delim = semi > comma ? ';' : ',';
}

/* First call: skips a BOM, settles the delimiter. */
static void
start(struct csv_reader *r)
{
	static const unsigned char bom[3] = { 0xEF, 0xBB, 0xBF };

	r->started = 1;
	fill(r, sizeof(bom));
	if (r->end >= sizeof(bom) && memcmp(r->buf, bom, sizeof(bom)) == 0)
		r->pos = sizeof(bom);
	if (r->delim == 0)
		detect(r);
#ifndef CSV_SIMD
	r->stop[0][r->delim] = 1;
	r->stop[0]['"'] = r->stop[1]['"'] = 1;
	r->stop[0]['\n'] = r->stop[1]['\n'] = 1;
	r->stop[0]['\r'] = r->stop[1]['\r'] = 1;
	r->stop[0][0] = r->stop[1][0] = 1;
#endif
}

/* Skips empty lines before a record; returns 0 if the data ran out. */
static int
skip_blank(struct csv_reader *r)
{
	unsigned char *p = r->buf + r->pos, *e = r->buf + r->end;

	for (; p < e; p++) {
		if (*p == '\n') {
			if (!r->after_cr)
				r->line++;
		} else if (*p == '\r')
			r->line++;
		else
			break;
		r->after_cr = *p == '\r';
	}
	r->pos = (size_t)(p - r->buf);
	return p < e;
}

/*
 * Scans the quoted field whose opening quote is at p; returns its closing
 * quote, or NULL if the data ends first. Counts the lines inside it and
 * sets *dq if it holds a doubled quote.
 */
static unsigned char *
scan_quoted(struct csv_reader *r, unsigned char *p, unsigned long *line,
    int *dq)
{
	const unsigned char *e = r->buf + r->end;

	for (p++;; p++) {
		p = scan(r, p, '"');
		switch (*p) {
		case '"':
			if (p[1] != '"')
				return p;
			*dq = 1;
			p++;
			break;
		case '\n':
			(*line)++;
			break;
		case '\r':
			if (p[1] != '\n')
				(*line)++;
			break;
		default:	/* a NUL: the data's or the sentinel */
			if (p == e)
				return NULL;
		}
	}
}

/* Turns each "" of a quoted field into "; returns the new length. */
static size_t
unquote(char *s, size_t len)
{
	char *q, *w, *end = s + len;

	if ((q = memchr(s, '"', len)) == NULL)
		return len;
	for (w = q + 1, q += 2; q < end; )
		if (*q == '"') {
			*w++ = '"';
			q += 2;
		} else
			*w++ = *q++;
	return (size_t)(w - s);
}

/* The record is complete: now the buffer may be rewritten. */
static void
finish(struct csv_field *f, size_t n, int dq)
{
	char *s;

	for (; n > 0; n--, f++) {
		s = (char *)f->s;
		if (dq)
			f->len = unquote(s, f->len);
		s[f->len] = '\0';
	}
}

static struct csv_field *
slot(struct csv_reader *r, size_t n)
{
	if (n == r->nalloc) {
		r->nalloc = r->nalloc > 0 ? 2 * r->nalloc : 32;
		r->fields = xreallocarray(r->fields, r->nalloc,
		    sizeof(*r->fields));
	}
	return &r->fields[n];
}

/*
 * Parses the record at pos into r->fields: P_RECORD, P_NEED (the data
 * ends inside it and more may come) or P_ERROR.
 */
static int
parse(struct csv_reader *r, size_t *nfields)
{
	unsigned char *p = r->buf + r->pos, *e = r->buf + r->end, *q;
	unsigned char d = r->delim;
	unsigned long line = r->line, open;
	struct csv_field *f;
	size_t n = 0;
	int dq = 0, term;

	for (;;) {
		f = slot(r, n++);
		if (*p != '"') {
			f->s = (const char *)p;
			while (*(p = scan(r, p, d)) == '\0' && p != e)
				p++;
			if (*p == '"')
				return fail(r, line, "quote inside unquoted field");
			f->len = (size_t)(p - (const unsigned char *)f->s);
		} else {
			open = line;
			if ((q = scan_quoted(r, p, &line, &dq)) == NULL)
				return r->eof ? fail(r, open,
				    "unterminated quoted field") : P_NEED;
			f->s = (const char *)p + 1;
			f->len = (size_t)(q - p - 1);
			p = q + 1;
			if (*p != d && *p != '\n' && *p != '\r' && p != e)
				return fail(r, line, "text after closing quote");
		}
		if (*p != d)
			break;
		p++;
	}
	if (p == e && !r->eof)
		return P_NEED;
	/* Read the terminator before finish() overwrites it. */
	term = p != e;
	r->after_cr = *p == '\r';
	finish(r->fields, n, dq);
	*nfields = n;
	r->rec_line = r->line;
	r->line = line + (unsigned long)term;
	r->pos = (size_t)(p + term - r->buf);
	return P_RECORD;
}

int
csv_reader_next(struct csv_reader *r, struct csv_field **fields,
    size_t *nfields)
{
	size_t n;

	if (r->error != NULL)
		return -1;
	if (!r->started)
		start(r);
	while (r->error == NULL) {
		if (!skip_blank(r)) {
			if (r->eof)
				return 0;
			fill(r, 1);
			continue;
		}
		switch (parse(r, &n)) {
		case P_RECORD:
			*fields = r->fields;
			*nfields = n;
			return 1;
		case P_ERROR:
			return -1;
		}
		/* P_NEED: read at least as much again, then parse it anew. */
		fill(r, r->end - r->pos);
	}
	return -1;
}
