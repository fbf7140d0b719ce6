/*
 * RFC 4180 CSV reader. Input goes through one buffer that grows only to
 * hold one record; fields point into it.
 *
 * Two parsers. The fast one first makes bit masks of the whole buffer,
 * 64 bytes a word (AVX2, SSE2 or bytes): delimiters, LFs, quotes, CRs,
 * NULs; quotes are paired with a prefix XOR, so a delimiter inside
 * quotes is known for what it is. A plain record (one line; quotes only
 * around whole fields; no CR but CRLF's, no NUL) is then cut at the set
 * bits, a few instructions a field with no chain of loads between
 * fields. Anything else goes to the careful one, which has the last
 * word: it scans byte by byte (SIMD-assisted) and knows every error.
 *
 * A record is always parsed from its first byte: when the data ends
 * inside it, the reader reads more and starts the record over, so the
 * scan keeps no state between calls and the hot loop stays small.
 * Parsing writes nothing until the record is complete (a rescan must see
 * the raw bytes); only then are doubled quotes removed and a NUL written
 * after each field.
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
#if defined(__x86_64__) && !defined(CSVREAD_NO_AVX2)
#define CSV_AVX2	1
#include <immintrin.h>
#endif
#endif

#include "csvread.h"
#include "err.h"
#include "xalloc.h"

#define BUF_SIZE	(256 * 1024)
#define BUF_PAD		64	/* the NUL sentinel and the loads past it */
/* Bounded memory: an unbalanced quote must not swallow a whole file. */
#define RECORD_MAX	(16 * 1024 * 1024)

enum { P_NEED, P_RECORD, P_ERROR, P_SLOW };

#define RAW_CHUNK	64	/* words whose raw masks are made at once */

/*
 * What the fast path knows of a 64-byte word of the buffer: bit i is
 * byte 64 * w + i. Quotes are matched over the whole buffer (it starts
 * at a record), so delimiters inside quoted fields are no field ends.
 */
struct csv_word {
	uint64_t	 term;	/* field ends: delimiters, LFs, the CR of CRLF */
	uint64_t	 lf;	/* record ends: LFs */
	uint64_t	 open;	/* opening quotes: quoted fields start here */
	uint64_t	 slow;	/* for parse(): CR, NUL, LF inside quotes,
				   a quote that is not at a field's edge */
};

/* Bits of the delimiter, '"', LF, CR and NUL in a 64-byte word. */
struct raw { uint64_t d, q, lf, cr, nul; };

/* The raw masks of the nw words at p. */
typedef void raw_fn(const unsigned char *p, size_t nw, unsigned char delim,
    struct raw *out);

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
	struct csv_word	*words;		/* of [0, end], when masked */
	size_t		 wordcap;
	int		 masked;
	raw_fn		*raw;		/* SSE2, AVX2 or bytes */
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

static raw_fn	*raw_pick(void);

struct csv_reader *
csv_reader_new(csv_read_fn *rd, void *ctx, char delim)
{
	struct csv_reader *r;

	if (delim == '"' || delim == '\n' || delim == '\r')
		die(EXIT_RUNTIME, "csv: bad delimiter");
	r = xcalloc(1, sizeof(*r));
	r->rd = rd;
	r->ctx = ctx;
	r->raw = raw_pick();
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
	free(r->words);
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
	r->masked = 0;
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

/* Room for at least want fields. */
static void
grow_fields(struct csv_reader *r, size_t want)
{
	size_t n = r->nalloc > 0 ? r->nalloc : 32;

	while (n < want)
		n *= 2;
	r->fields = xreallocarray(r->fields, n, sizeof(*r->fields));
	r->nalloc = n;
}

static struct csv_field *
slot(struct csv_reader *r, size_t n)
{
	if (n == r->nalloc)
		grow_fields(r, n + 1);
	return &r->fields[n];
}

/* --- the fast path ----------------------------------------------------- */

#ifdef CSV_SIMD
static void
raw_sse2(const unsigned char *p, size_t nw, unsigned char delim,
    struct raw *m)
{
	const __m128i vd = _mm_set1_epi8((char)delim), vq = _mm_set1_epi8('"');
	const __m128i vl = _mm_set1_epi8('\n'), vc = _mm_set1_epi8('\r');
	const __m128i vz = _mm_setzero_si128();
	__m128i v;
	int k;

	for (; nw > 0; nw--, p += 64, m++) {
		memset(m, 0, sizeof(*m));
		for (k = 0; k < 64; k += 16) {
			v = _mm_loadu_si128((const __m128i *)(const void *)(p + k));
			m->d |= (uint64_t)(unsigned)_mm_movemask_epi8(
			    _mm_cmpeq_epi8(v, vd)) << k;
			m->q |= (uint64_t)(unsigned)_mm_movemask_epi8(
			    _mm_cmpeq_epi8(v, vq)) << k;
			m->lf |= (uint64_t)(unsigned)_mm_movemask_epi8(
			    _mm_cmpeq_epi8(v, vl)) << k;
			m->cr |= (uint64_t)(unsigned)_mm_movemask_epi8(
			    _mm_cmpeq_epi8(v, vc)) << k;
			m->nul |= (uint64_t)(unsigned)_mm_movemask_epi8(
			    _mm_cmpeq_epi8(v, vz)) << k;
		}
	}
}

#ifdef CSV_AVX2
/* The same 32 bytes at a time, on CPUs that have AVX2. */
#define MASK32(v, c)	((uint64_t)(uint32_t)_mm256_movemask_epi8( \
			    _mm256_cmpeq_epi8((v), (c))))
__attribute__((target("avx2"))) static void
raw_avx2(const unsigned char *p, size_t nw, unsigned char delim,
    struct raw *m)
{
	const __m256i vd = _mm256_set1_epi8((char)delim);
	const __m256i vq = _mm256_set1_epi8('"');
	const __m256i vl = _mm256_set1_epi8('\n');
	const __m256i vc = _mm256_set1_epi8('\r');
	const __m256i vz = _mm256_setzero_si256();
	__m256i lo, hi;

	for (; nw > 0; nw--, p += 64, m++) {
		lo = _mm256_loadu_si256((const __m256i *)(const void *)p);
		hi = _mm256_loadu_si256((const __m256i *)(const void *)(p + 32));
		m->d = MASK32(lo, vd) | MASK32(hi, vd) << 32;
		m->q = MASK32(lo, vq) | MASK32(hi, vq) << 32;
		m->lf = MASK32(lo, vl) | MASK32(hi, vl) << 32;
		m->cr = MASK32(lo, vc) | MASK32(hi, vc) << 32;
		m->nul = MASK32(lo, vz) | MASK32(hi, vz) << 32;
	}
}
#endif
#endif

/* A byte at a time, where there is no SIMD. */
static void
raw_bytes(const unsigned char *p, size_t nw, unsigned char delim,
    struct raw *m)
{
	int i;

	for (; nw > 0; nw--, p += 64, m++) {
		memset(m, 0, sizeof(*m));
		for (i = 0; i < 64; i++) {
			m->d |= (uint64_t)(p[i] == delim) << i;
			m->q |= (uint64_t)(p[i] == '"') << i;
			m->lf |= (uint64_t)(p[i] == '\n') << i;
			m->cr |= (uint64_t)(p[i] == '\r') << i;
			m->nul |= (uint64_t)(p[i] == 0) << i;
		}
	}
}

/*
 * The best the CPU has. PED_CSV_SIMD=sse2 or bytes picks a lesser one,
 * so the tests can compare them all.
 */
static raw_fn *
raw_pick(void)
{
	const char *want = getenv("PED_CSV_SIMD");

	if (want != NULL && strcmp(want, "bytes") == 0)
		return raw_bytes;
#ifdef CSV_SIMD
#ifdef CSV_AVX2
	if ((want == NULL || strcmp(want, "sse2") != 0) &&
	    __builtin_cpu_supports("avx2"))
		return raw_avx2;
#endif
	return raw_sse2;
#else
	return raw_bytes;
#endif
}

/* Bit i of the result: the parity of bits 0..i of x. */
static inline uint64_t
prefix_xor(uint64_t x)
{
	x ^= x << 1;
	x ^= x << 2;
	x ^= x << 4;
	x ^= x << 8;
	x ^= x << 16;
	x ^= x << 32;
	return x;
}

/*
 * Fills r->words for [0, end]. A word's slow bits need the next word's
 * field ends (is a closing quote followed by one?), so each word is
 * finished when the next one is known.
 */
static void
compute_words(struct csv_reader *r)
{
	size_t w, w0, k, cnt, nw = r->end / 64 + 1;
	uint64_t inq, carry = 0, lf_next, prev_ends = 1, close = 0, pend = 0;
	uint64_t crlf, crlf_top = 0, ends;
	struct raw raw[RAW_CHUNK + 1];
	const struct raw *m;
	struct csv_word *cw;

	if (nw > r->wordcap) {
		r->wordcap = (r->cap + BUF_PAD) / 64 + 1;
		r->words = xreallocarray(r->words, r->wordcap,
		    sizeof(*r->words));
	}
	cw = r->words;
	for (w0 = 0; w0 < nw; w0 += cnt) {
		/* A chunk's raw masks, and the next word's (or none). */
		cnt = nw - w0 < RAW_CHUNK ? nw - w0 : RAW_CHUNK;
		if (w0 + cnt < nw)
			r->raw(r->buf + 64 * w0, cnt + 1, r->delim, raw);
		else {
			r->raw(r->buf + 64 * w0, cnt, r->delim, raw);
			memset(&raw[cnt], 0, sizeof(raw[cnt]));
		}
		for (k = 0, m = raw; k < cnt; k++, m++) {
			w = w0 + k;
			inq = prefix_xor(m->q) ^ carry;
			carry = (uint64_t)((int64_t)inq >> 63);
			/* A CR just before an LF, outside quotes, ends the
			 * field. */
			lf_next = m->lf >> 1 | m[1].lf << 63;
			crlf = m->cr & lf_next & ~inq;
			cw[w].lf = m->lf & ~inq;
			cw[w].term = (m->d | (m->lf & ~(crlf << 1 | crlf_top)) |
			    crlf) & ~inq;
			crlf_top = crlf >> 63;
			cw[w].open = m->q & inq;
			ends = cw[w].term | cw[w].lf;
			/* The previous word's closing quotes, now that its
			 * next byte's bit is known. */
			if (w > 0)
				cw[w - 1].slow = pend | (close &
				    ~(cw[w - 1].term >> 1 | cw[w].term << 63));
			close = m->q & ~inq;
			pend = (m->cr & ~crlf) | m->nul | (m->lf & inq) |
			    (cw[w].open & ~(ends << 1 | prev_ends));
			prev_ends = ends >> 63;
		}
	}
	cw[nw - 1].slow = pend | (close & ~(cw[nw - 1].term >> 1));
	r->masked = 1;
}

/*
 * The record at pos when it is plain: one line, without CR (but for
 * CRLF), NUL, or a quote other than those around whole fields, and
 * complete in the buffer. P_SLOW: leave it to parse().
 */
static int
parse_fast(struct csv_reader *r, size_t *nfields)
{
	const struct csv_word *cw = r->words;
	size_t s = r->pos, w = s / 64, last, fs, pos, n = 0;
	uint64_t from = ~(uint64_t)0 << (s % 64), t, cut = 0, upto, quoted;
	struct csv_field *f;
	char *b = (char *)r->buf;
	size_t q;

	/* First the whole record is checked: nothing is written before. */
	for (last = w;; last++, from = ~(uint64_t)0) {
		if ((cut = cw[last].lf & from) != 0) {
			cut &= -cut;
			if (cw[last].slow & from & (cut | (cut - 1)))
				return P_SLOW;
			break;
		}
		if (cw[last].slow & from)
			return P_SLOW;
	}
	quoted = 0;
	for (t = w; t <= last; t++)
		quoted |= cw[t].open;
	from = ~(uint64_t)0 << (s % 64);
	for (fs = s; w <= last; w++, from = ~(uint64_t)0) {
		upto = w == last ? cut | (cut - 1) : ~(uint64_t)0;
		t = cw[w].term & from & upto;
		if (r->nalloc - n < 64)
			grow_fields(r, n + 64);
		f = r->fields + n;
		if (quoted == 0) {	/* the usual row: no quote at all */
			for (; t != 0; t &= t - 1, f++) {
				pos = 64 * w + (size_t)__builtin_ctzll(t);
				f->s = b + fs;
				f->len = pos - fs;
				b[pos] = '\0';
				fs = pos + 1;
			}
		} else {
			for (; t != 0; t &= t - 1, f++) {
				pos = 64 * w + (size_t)__builtin_ctzll(t);
				q = cw[fs / 64].open >> (fs % 64) & 1;
				f->s = b + fs + q;
				f->len = pos - fs - 2 * q;
				b[pos - q] = '\0';
				fs = pos + 1;
			}
		}
		n = (size_t)(f - r->fields);
	}
	*nfields = n;
	r->rec_line = r->line++;
	r->after_cr = 0;
	r->pos = 64 * last + (size_t)__builtin_ctzll(cut) + 1;
	return P_RECORD;
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
	int rc;

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
		if (!r->masked)
			compute_words(r);
		rc = parse_fast(r, &n);
		if (rc == P_SLOW)
			rc = parse(r, &n);
		switch (rc) {
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
