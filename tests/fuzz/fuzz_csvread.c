/*
 * libFuzzer target: common/csvread.c against libcsv in the same dialect
 * (see tests/unit/test_csvread.c). The first input byte picks the
 * delimiter (or detection), the read-chunk sizes and the fast path's
 * mask maker (PED_CSV_SIMD); the rest is the document. Any difference in
 * records, fields or verdict aborts.
 * Built and run by make fuzz (needs clang); make test replays the seeds.
 */
#include <csv.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "csvread.h"

struct sbuf {
	unsigned char	*p;
	size_t		 len, cap;
};

struct src {
	const uint8_t	*p;
	size_t		 len, off, chunk;
	unsigned	 rng;
};

struct lc {
	struct sbuf	*out, rec;
};

static void
add(struct sbuf *b, const void *p, size_t n)
{
	if (b->len + n > b->cap) {
		b->cap = 2 * (b->len + n) + 64;
		if ((b->p = realloc(b->p, b->cap)) == NULL)
			abort();
	}
	if (n > 0)
		memcpy(b->p + b->len, p, n);
	b->len += n;
}

/* Length-prefixed, so no two different parses serialise alike. */
static void
add_field(struct sbuf *b, const void *s, size_t len, int first)
{
	if (first)
		add(b, "R", 1);
	add(b, &len, sizeof(len));
	add(b, s, len);
}

static size_t
src_read(void *ctx, void *buf, size_t n)
{
	struct src *s = ctx;
	size_t k = s->chunk;

	if (k == 0) {
		s->rng = s->rng * 1103515245u + 12345u;
		k = 1 + (s->rng >> 16) % 13;
	}
	if (k > n)
		k = n;
	if (k > s->len - s->off)
		k = s->len - s->off;
	memcpy(buf, s->p + s->off, k);
	s->off += k;
	return k;
}

static void
lc_field(void *s, size_t len, void *data)
{
	struct lc *lc = data;

	add_field(&lc->rec, s, len, lc->rec.len == 0);
}

static void
lc_record(int c, void *data)
{
	struct lc *lc = data;

	(void)c;
	add(lc->out, lc->rec.p, lc->rec.len);
	lc->rec.len = 0;
}

static int
no_space(unsigned char c)
{
	(void)c;
	return 0;
}

static int
theirs(const uint8_t *p, size_t len, char delim, struct sbuf *out)
{
	struct csv_parser cp;
	struct lc lc = { out, { 0 } };
	int ok;

	if (csv_init(&cp, CSV_STRICT | CSV_STRICT_FINI | CSV_APPEND_NULL))
		abort();
	csv_set_space_func(&cp, no_space);
	csv_set_delim(&cp, (unsigned char)delim);
	if (len >= 3 && memcmp(p, "\xEF\xBB\xBF", 3) == 0)
		p += 3, len -= 3;
	ok = csv_parse(&cp, p, len, lc_field, lc_record, &lc) == len &&
	    csv_fini(&cp, lc_field, lc_record, &lc) == 0;
	csv_free(&cp);
	free(lc.rec.p);
	return ok;
}

static int
ours(const uint8_t *p, size_t len, char delim, size_t chunk,
    struct sbuf *out, char *used)
{
	struct src s = { p, len, 0, chunk, (unsigned)len };
	struct csv_reader *r = csv_reader_new(src_read, &s, delim);
	struct csv_field *f;
	unsigned long line = 0;
	size_t n, i;
	int rc;

	while ((rc = csv_reader_next(r, &f, &n)) == 1) {
		/* Lines only go forward; every field ends in a NUL. */
		if (csv_reader_line(r) <= line || n == 0)
			abort();
		line = csv_reader_line(r);
		for (i = 0; i < n; i++) {
			if (f[i].s[f[i].len] != '\0')
				abort();
			add_field(out, f[i].s, f[i].len, i == 0);
		}
	}
	if (rc < 0 && (csv_reader_error(r) == NULL ||
	    csv_reader_line(r) < line || csv_reader_next(r, &f, &n) != -1))
		abort();
	*used = csv_reader_delim(r);
	csv_reader_free(r);
	return rc == 0;
}

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char delims[] = { 0, ',', ';', '\t' };
	static const size_t chunks[] = { 0, 1, 7, 1 << 20 };
	static const char *const makers[] = { "best", "sse2", "bytes", "best" };
	struct sbuf a = { 0 }, b = { 0 };
	char delim, used;
	int oka, okb;

	if (size < 1)
		return 0;
	setenv("PED_CSV_SIMD", makers[(data[0] >> 4) & 3], 1);
	delim = delims[data[0] & 3];
	oka = ours(data + 1, size - 1, delim, chunks[(data[0] >> 2) & 3], &a,
	    &used);
	if ((delim != 0 && used != delim) || (used != ',' && used != ';' &&
	    used != '\t'))
		abort();
	okb = theirs(data + 1, size - 1, used, &b);
	if (oka != okb || a.len != b.len ||
	    (a.len > 0 && memcmp(a.p, b.p, a.len) != 0))
		abort();
	free(a.p);
	free(b.p);
	return 0;
}
