/*
 * common/csvread.c: hand-written cases, the real samples, and a
 * differential test against libcsv on thousands of seeded random
 * documents, each read back in random chunk sizes.
 *
 * libcsv is set up as the same dialect: CSV_STRICT | CSV_STRICT_FINI |
 * CSV_APPEND_NULL and a space function that matches nothing (by default
 * libcsv trims blanks around fields; RFC 4180 and our reader keep them).
 * Deliberate differences, handled here before libcsv sees the input:
 * our reader skips a UTF-8 BOM at the start and can detect the delimiter;
 * libcsv does neither, so it gets the input without the BOM and the
 * delimiter ref_detect() picks.
 *
 * PED_CSV_SEED=n reruns the random part with another seed;
 * PED_CSV_DATA=dir names the samples folder (default tests/data/csv).
 */
#include <csv.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "csvread.h"
#include "unit.h"

#define NRANDOM		4000

enum { CHUNK_ALL, CHUNK_ONE, CHUNK_SMALL, CHUNK_BIG, NCHUNK };

struct sbuf {
	char	*p;
	size_t	 len, cap;
};

/* An input in memory, handed out in chunks of the chosen sizes. */
struct src {
	const unsigned char *p;
	size_t		 len, off;
	int		 mode;
	uint64_t	 rng;
};

/* What one reader made of an input. */
struct result {
	struct sbuf	 recs;		/* records, serialised */
	struct sbuf	 lines;		/* "line line ..." */
	int		 ok;		/* 1 end of input, 0 malformed */
	const char	*err;
	unsigned long	 errline;
	char		 delim;
	int		 nul_ok;	/* every s[len] was NUL */
	int		 sticky;	/* -1 again after an error */
};

static uint64_t
rnd(uint64_t *s)
{
	/* xorshift64*: small, seedable, good enough for test data. */
	*s ^= *s >> 12;
	*s ^= *s << 25;
	*s ^= *s >> 27;
	return *s * 2685821657736338717ULL;
}

static size_t
below(uint64_t *s, size_t n)
{
	return n == 0 ? 0 : (size_t)(rnd(s) % n);
}

static void
sb_add(struct sbuf *b, const void *p, size_t n)
{
	if (b->len + n + 1 > b->cap) {
		while (b->len + n + 1 > b->cap)
			b->cap = b->cap ? 2 * b->cap : 256;
		if ((b->p = realloc(b->p, b->cap)) == NULL)
			abort();
	}
	memcpy(b->p + b->len, p, n);
	b->len += n;
	b->p[b->len] = '\0';
}

static void
sb_addc(struct sbuf *b, char c)
{
	sb_add(b, &c, 1);
}

static void
sb_num(struct sbuf *b, unsigned long n, char after)
{
	char tmp[32];
	int k = snprintf(tmp, sizeof(tmp), "%lu%c", n, after);

	sb_add(b, tmp, (size_t)k);
}

static void
res_free(struct result *r)
{
	free(r->recs.p);
	free(r->lines.p);
	memset(r, 0, sizeof(*r));
}

static size_t
src_read(void *ctx, void *buf, size_t n)
{
	struct src *s = ctx;
	size_t left = s->len - s->off, k = n;

	switch (s->mode) {
	case CHUNK_ONE:
		k = 1;
		break;
	case CHUNK_SMALL:
		k = 1 + below(&s->rng, 17);
		break;
	case CHUNK_BIG:
		k = 1 + below(&s->rng, 70000);
		break;
	}
	if (k > n)
		k = n;
	if (k > left)
		k = left;
	memcpy(buf, s->p + s->off, k);
	s->off += k;
	return k;
}

/*
 * Serialises fields: plain "a|b\n" for the hand-written cases, or
 * length-prefixed "R2:a1:b" (unambiguous) for the differential test.
 */
static void
add_field(struct sbuf *b, const char *s, size_t len, int first, int plain)
{
	if (plain) {
		if (!first)
			sb_addc(b, '|');
	} else {
		if (first)
			sb_addc(b, 'R');
		sb_num(b, len, ':');
	}
	sb_add(b, s, len);
}

static void
run_ours(const void *in, size_t len, char delim, int mode, uint64_t seed,
    int plain, struct result *res)
{
	struct src s = { in, len, 0, mode, seed | 1 };
	struct csv_reader *r;
	struct csv_field *f;
	size_t n, i;
	int rc;

	memset(res, 0, sizeof(*res));
	res->nul_ok = 1;
	r = csv_reader_new(src_read, &s, delim);
	while ((rc = csv_reader_next(r, &f, &n)) == 1) {
		for (i = 0; i < n; i++) {
			add_field(&res->recs, f[i].s, f[i].len, i == 0, plain);
			if (f[i].s[f[i].len] != '\0')
				res->nul_ok = 0;
		}
		if (plain)
			sb_addc(&res->recs, '\n');
		sb_num(&res->lines, csv_reader_line(r), ' ');
	}
	res->ok = rc == 0;
	if (rc < 0) {
		res->err = csv_reader_error(r);
		res->errline = csv_reader_line(r);
		res->sticky = csv_reader_next(r, &f, &n) == -1;
	}
	res->delim = csv_reader_delim(r);
	csv_reader_free(r);
}

static int
no_space(unsigned char c)
{
	(void)c;
	return 0;
}

/* libcsv hands out fields as it goes: keep a record's until it ends. */
struct lc {
	struct sbuf	*b;
	struct sbuf	 rec;
};

static void
lc_field(void *s, size_t len, void *data)
{
	struct lc *lc = data;

	add_field(&lc->rec, s, len, lc->rec.len == 0, 0);
}

static void
lc_record(int c, void *data)
{
	struct lc *lc = data;

	(void)c;
	sb_add(lc->b, lc->rec.p, lc->rec.len);
	lc->rec.len = 0;
}

static int
has_bom(const unsigned char *p, size_t len)
{
	return len >= 3 && p[0] == 0xEF && p[1] == 0xBB && p[2] == 0xBF;
}

/* The delimiter rule of csvread.h, written again independently. */
static char
ref_detect(const unsigned char *p, size_t len)
{
	size_t i = has_bom(p, len) ? 3 : 0, comma = 0, semi = 0;
	int inq = 0;

	while (i < len && (p[i] == '\n' || p[i] == '\r'))
		i++;
	for (; i < len; i++) {
		if (p[i] == '"')
			inq ^= 1;
		else if (!inq && (p[i] == '\n' || p[i] == '\r'))
			break;
		else if (!inq)
			comma += p[i] == ',', semi += p[i] == ';';
	}
	return semi > comma ? ';' : ',';
}

static void
run_libcsv(const unsigned char *in, size_t len, char delim,
    struct result *res)
{
	struct csv_parser p;
	struct lc lc = { &res->recs, { 0 } };

	memset(res, 0, sizeof(*res));
	if (csv_init(&p, CSV_STRICT | CSV_STRICT_FINI | CSV_APPEND_NULL) != 0)
		abort();
	csv_set_space_func(&p, no_space);
	/* It grows its field buffer by this much: spare ASan's mmap. */
	csv_set_blk_size(&p, 64 * 1024);
	csv_set_delim(&p, (unsigned char)(delim ? delim : ref_detect(in, len)));
	if (has_bom(in, len))
		in += 3, len -= 3;
	res->ok = csv_parse(&p, in, len, lc_field, lc_record, &lc) == len &&
	    csv_fini(&p, lc_field, lc_record, &lc) == 0;
	csv_free(&p);
	free(lc.rec.p);
}

/* 1 + the line breaks (LF, CRLF, lone CR) before offset off. */
static unsigned long
line_at(const unsigned char *p, size_t off)
{
	unsigned long line = 1;
	size_t i;

	for (i = 0; i < off; i++)
		if (p[i] == '\n' || (p[i] == '\r' && p[i + 1] != '\n'))
			line++;
	return line;
}

/* ---- hand-written cases ---- */

static int
expect_mode(const char *in, size_t len, char delim, const char *want,
    const char *lines, const char *err, unsigned long errline, int mode)
{
	struct result r;
	int ok;

	run_ours(in, len, delim, mode, 42, 1, &r);
	ok = strcmp(r.recs.p ? r.recs.p : "", want) == 0 && r.nul_ok &&
	    (lines == NULL ||
	    strcmp(r.lines.p ? r.lines.p : "", lines) == 0) &&
	    (err == NULL ? r.ok : !r.ok && strcmp(r.err, err) == 0 &&
	    r.errline == errline && r.sticky);
	if (!ok)
		printf("# mode %d: got records [%.300s] lines [%.300s] "
		    "error %s:%lu\n",
		    mode, r.recs.p ? r.recs.p : "",
		    r.lines.p ? r.lines.p : "", r.ok ? "-" : r.err,
		    r.errline);
	res_free(&r);
	return ok;
}

/*
 * Reads in with every chunking; want is "f|f\n" per record, lines the
 * expected record lines, err and errline the expected failure (or NULL).
 */
static void
expect(const char *in, char delim, const char *want, const char *lines,
    const char *err, unsigned long errline)
{
	int mode;

	for (mode = 0; mode < NCHUNK; mode++)
		CHECK(expect_mode(in, strlen(in), delim, want, lines, err,
		    errline, mode));
}

TEST(quoting)
{
	expect("a,\"b,c\",d\n", ',', "a|b,c|d\n", "1 ", NULL, 0);
	expect("\"a\",\"\",\"c\"\n", ',', "a||c\n", "1 ", NULL, 0);
	expect("\"\"\n", ',', "\n", "1 ", NULL, 0);
	expect("x, \"y\" ,z\n", ';', "", "", "quote inside unquoted field",
	    1);
	expect(" a , b \n", ',', " a | b \n", "1 ", NULL, 0);
}

TEST(doubled_quotes)
{
	expect("\"he said \"\"hi\"\"\",x\n", ',', "he said \"hi\"|x\n", "1 ",
	    NULL, 0);
	expect("\"\"\"\"\n", ',', "\"\n", "1 ", NULL, 0);
	expect("\"a\"\"\",\"\"\"b\"\n", ',', "a\"|\"b\n", "1 ", NULL, 0);
}

TEST(embedded_newlines)
{
	expect("\"a\nb\",c\nd,e\n", ',', "a\nb|c\nd|e\n", "1 3 ", NULL, 0);
	expect("\"a\r\nb\",c\r\nd,e\r\n", ',', "a\r\nb|c\nd|e\n", "1 3 ",
	    NULL, 0);
	expect("\"a\rb\r\r\nc\",x\ry\n", ',', "a\rb\r\r\nc|x\ny\n", "1 5 ",
	    NULL, 0);
	expect("h\n\"\n,  \n(1, 2)\",z\nq\n", ',', "h\n\n,  \n(1, 2)|z\nq\n",
	    "1 2 5 ", NULL, 0);
}

TEST(line_endings)
{
	expect("a,b\r\nc,d\r\n", ',', "a|b\nc|d\n", "1 2 ", NULL, 0);
	expect("a\rb\rc", ',', "a\nb\nc\n", "1 2 3 ", NULL, 0);
	expect("\n\na\n\r\n\rb\n", ',', "a\nb\n", "3 6 ", NULL, 0);
	expect("a\r\n\r\n\n\"b\"\r", ',', "a\nb\n", "1 4 ", NULL, 0);
}

TEST(bom)
{
	expect("\xEF\xBB\xBFid,x\n1,2\n", 0, "id|x\n1|2\n", "1 2 ", NULL, 0);
	expect("\xEF\xBB\xBF\"id\",x\n", ',', "id|x\n", "1 ", NULL, 0);
	expect("\xEF\xBB\xBF", ',', "", "", NULL, 0);
	/* Only at the very start. */
	expect("a\n\xEF\xBB\xBF" "b\n", ',', "a\n\xEF\xBB\xBF" "b\n", "1 2 ",
	    NULL, 0);
}

static char
delim_of(const char *in, char delim, int mode)
{
	struct result r;
	char d;

	run_ours(in, strlen(in), delim, mode, 7, 1, &r);
	d = r.delim;
	res_free(&r);
	return d;
}

TEST(delimiter_detection)
{
	int m;

	for (m = 0; m < NCHUNK; m++) {
		CHECK(delim_of("a;b;\"c,d,e\"\n1,2,3\n", 0, m) == ';');
		CHECK(delim_of("a,b;c\n", 0, m) == ',');
		CHECK(delim_of("a,b;c;d\n", 0, m) == ';');
		CHECK(delim_of("a;b,c\n", 0, m) == ',');	/* a tie */
		CHECK(delim_of("abc\nx;y;z\n", 0, m) == ',');
		CHECK(delim_of("\r\n\nx;y\n", 0, m) == ';');
		CHECK(delim_of("\xEF\xBB\xBF" "a;b\n", 0, m) == ';');
		CHECK(delim_of("\"x\n,,,\";b;c\n", 0, m) == ';');
		CHECK(delim_of("", 0, m) == ',');
		CHECK(delim_of("a,b,c\n", ';', m) == ';');
	}
	expect("\xEF\xBB\xBF" "a;\"b;c\";d\r\n1;2;3\r\n", 0,
	    "a|b;c|d\n1|2|3\n", "1 2 ", NULL, 0);
	expect("a\tb,c\n", '\t', "a|b,c\n", "1 ", NULL, 0);
}

TEST(empty_fields)
{
	expect(",,\n", ',', "||\n", "1 ", NULL, 0);
	expect("a,,b\n", ',', "a||b\n", "1 ", NULL, 0);
	expect("a,\n", ',', "a|\n", "1 ", NULL, 0);
	expect("a,\"\"\n", ',', "a|\n", "1 ", NULL, 0);
	expect(",", ',', "|\n", "1 ", NULL, 0);
	expect("a,", ',', "a|\n", "1 ", NULL, 0);
	expect("", ',', "", "", NULL, 0);
	expect("\n\r\n\r", ',', "", "", NULL, 0);
}

TEST(missing_final_newline)
{
	expect("a,b\nc,d", ',', "a|b\nc|d\n", "1 2 ", NULL, 0);
	expect("\"a\"", ',', "a\n", "1 ", NULL, 0);
	expect("x\n\"a\nb\"", ',', "x\na\nb\n", "1 2 ", NULL, 0);
}

TEST(errors)
{
	expect("a,b\nc\"d\n", ',', "a|b\n", "1 ", "quote inside unquoted field",
	    2);
	expect("\"a\"x\n", ',', "", "", "text after closing quote", 1);
	expect("a\n\"b\nc\"d\n", ',', "a\n", "1 ", "text after closing quote",
	    3);
	expect("\"a\" \n", ',', "", "", "text after closing quote", 1);
	expect("x\n\"abc\ndef", ',', "x\n", "1 ", "unterminated quoted field",
	    2);
	expect("x,\"", ',', "", "", "unterminated quoted field", 1);
	expect("a\n\n\"b\"\"", ',', "a\n", "1 ", "unterminated quoted field",
	    3);
	expect("1,2\n\"x\n\"\"\ny\"\"z\n", ',', "1|2\n", "1 ",
	    "unterminated quoted field", 2);
}

TEST(nul_bytes)
{
	static const char in[] = "a\0b,c\n\"\0\"\n";
	int m;

	for (m = 0; m < NCHUNK; m++)
		CHECK(expect_mode(in, sizeof(in) - 1, ',', "a\0b|c\n\0\n",
		    "1 2 ", NULL, 0, m));
	/* strcmp() above stops at the NUL: check the lengths too. */
	{
		struct result r;

		run_ours(in, sizeof(in) - 1, ',', CHUNK_ONE, 1, 0, &r);
		CHECK(r.ok && r.recs.len == 13 &&
		    memcmp(r.recs.p, "R3:a\0b1:cR1:\0", 13) == 0);
		res_free(&r);
	}
}

TEST(many_fields)
{
	struct sbuf in = { 0 }, want = { 0 };
	int i;

	for (i = 0; i < 1000; i++) {
		sb_add(&in, i ? ",x" : "x", i ? 2 : 1);
		sb_add(&want, i ? "|x" : "x", i ? 2 : 1);
	}
	sb_add(&in, "\ny\n", 3);
	sb_add(&want, "\ny\n", 3);
	expect(in.p, ',', want.p, "1 2 ", NULL, 0);
	free(in.p);
	free(want.p);
}

/* A field several times the 256 KiB buffer, plain and quoted. */
TEST(field_larger_than_buffer)
{
	size_t big = 1100 * 1000, i;
	struct sbuf in = { 0 }, want = { 0 };
	char c;

	for (i = 0; i < big; i++) {
		c = (char)('a' + i % 26);
		sb_addc(&in, c);
		sb_addc(&want, c);
	}
	sb_add(&in, ",\"", 2);
	sb_add(&want, "|", 1);
	for (i = 0; i < big; i++) {
		c = i % 1000 == 0 ? '\n' : i % 777 == 0 ? '"' : 'q';
		if (c == '"')
			sb_addc(&in, '"');
		sb_addc(&in, c);
		sb_addc(&want, c);
	}
	sb_add(&in, "\"\nend\n", 6);
	sb_add(&want, "\nend\n", 5);
	expect(in.p, ',', want.p, "1 1102 ", NULL, 0);
	free(in.p);
	free(want.p);
}

/* Bounded memory: a quote left open must not read the whole input. */
TEST(record_too_large)
{
	size_t big = 17 * 1024 * 1024, i;
	struct sbuf in = { 0 };
	struct result r;
	int mode;

	sb_add(&in, "a,b\n\n\"", 6);
	for (i = 0; i < big; i++)
		sb_addc(&in, (char)('a' + i % 26));
	for (mode = 0; mode < NCHUNK; mode++)
		if (mode != CHUNK_ONE)
			CHECK(expect_mode(in.p, in.len, ',', "a|b\n", "1 ",
			    "record larger than 16 MiB", 3, mode));
	/* Up to the limit, a record is fine. */
	in.len = 16 * 1024 * 1024 - 1000;
	sb_add(&in, "\"\n", 2);
	run_ours(in.p, in.len, ',', CHUNK_BIG, 3, 0, &r);
	CHECK(r.ok && strcmp(r.lines.p, "1 3 ") == 0);
	res_free(&r);
	free(in.p);
}

/* ---- the real samples ---- */

static char *
slurp(const char *name, size_t *len)
{
	const char *dir = getenv("PED_CSV_DATA");
	char path[1024];
	FILE *fp;
	char *p = NULL;
	size_t cap = 0, n;

	snprintf(path, sizeof(path), "%s/%s", dir ? dir : "tests/data/csv",
	    name);
	*len = 0;
	if ((fp = fopen(path, "rb")) == NULL) {
		printf("# cannot open %s\n", path);
		return NULL;
	}
	do {
		cap += 1 << 20;
		if ((p = realloc(p, cap)) == NULL)
			abort();
		n = fread(p + *len, 1, cap - *len, fp);
		*len += n;
	} while (n > 0);
	fclose(fp);
	return p;
}

/*
 * 1 if our reader agrees with libcsv in every chunking: the same records
 * and fields, the same verdict; *rejected says if the input is malformed.
 */
static int
same_as_libcsv(const char *in, size_t len, char delim, uint64_t seed,
    int *rejected)
{
	struct result ours, theirs;
	int mode, same, all = 1;

	run_libcsv((const unsigned char *)in, len, delim, &theirs);
	for (mode = 0; mode < NCHUNK; mode++) {
		run_ours(in, len, delim, mode, seed, 0, &ours);
		same = ours.ok == theirs.ok && ours.nul_ok &&
		    ours.recs.len == theirs.recs.len && (ours.recs.len == 0 ||
		    memcmp(ours.recs.p, theirs.recs.p, ours.recs.len) == 0) &&
		    (delim != 0 || ours.delim == ref_detect(
		    (const unsigned char *)in, len));
		if (!same)
			printf("# differs from libcsv in chunk mode %d "
			    "(ok %d/%d, %zu/%zu bytes of records)\n", mode,
			    ours.ok, theirs.ok, ours.recs.len, theirs.recs.len);
		all &= same;
		res_free(&ours);
	}
	*rejected = !theirs.ok;
	res_free(&theirs);
	return all;
}

/* Counts records with our reader; lines gets the last record's line. */
static size_t
count_records(const char *in, size_t len, size_t *nf, unsigned long *lines)
{
	struct src s = { (const unsigned char *)in, len, 0, CHUNK_ALL, 1 };
	struct csv_reader *r = csv_reader_new(src_read, &s, 0);
	struct csv_field *f;
	size_t n, nrec = 0;

	*nf = 0;
	while (csv_reader_next(r, &f, &n) == 1) {
		if (*nf != 0 && *nf != n)
			*nf = (size_t)-1;
		else
			*nf = n;
		lines[nrec < 3 ? nrec : 3] = csv_reader_line(r);
		nrec++;
	}
	csv_reader_free(r);
	return nrec;
}

static void
sample(const char *name, size_t want_rec, size_t want_nf,
    unsigned long line2, unsigned long last_line)
{
	size_t len, nf;
	unsigned long lines[4] = { 0 };
	char *in = slurp(name, &len);
	int rejected;

	CHECK(in != NULL);
	if (in == NULL)
		return;
	CHECK(count_records(in, len, &nf, lines) == want_rec);
	CHECK(nf == want_nf);
	CHECK(lines[0] == 1 && lines[2] == line2 && lines[3] == last_line);
	CHECK(same_as_libcsv(in, len, 0, 5, &rejected) && !rejected);
	free(in);
}

TEST(real_samples)
{
	/* Counts and lines checked with Python's csv module. */
	sample("ch3t_soda_5000rows_2019-11.csv", 5001, 11, 3, 5001);
	sample("tomjp90_sensor_locations_h57g-5234_soda.csv", 78, 11, 5, 230);
	sample("alysiayx_ods_sensor_locations_2023-09-18.csv", 114, 12, 3,
	    114);
	sample("exploreMel_ods_counts_per_hour_3000.csv", 3000, 9, 3, 3000);
}

/* ---- the differential test on random documents ---- */

static const char alphabet[] = "ab ,;\"\r\n\t\0\xEF\xBB\xBFz";

static char
any_char(uint64_t *rng)
{
	return alphabet[below(rng, sizeof(alphabet) - 1)];
}

static size_t
field_len(uint64_t *rng)
{
	size_t k = below(rng, 1000);

	if (k == 0)
		return below(rng, 300000);
	if (k < 50)
		return below(rng, 300);
	return below(rng, 9);
}

static void
gen_field(struct sbuf *d, uint64_t *rng, char delim, int alone)
{
	size_t n = field_len(rng), i;
	int quoted = below(rng, 3) == 0 || (alone && n == 0);
	char c;

	if (quoted)
		sb_addc(d, '"');
	for (i = 0; i < n; i++) {
		c = any_char(rng);
		if (!quoted && (c == delim || c == '"' || c == '\n' ||
		    c == '\r'))
			c = 'x';
		if (c == '"')
			sb_addc(d, '"');
		sb_addc(d, c);
	}
	if (quoted)
		sb_addc(d, '"');
}

static void
gen_eol(struct sbuf *d, uint64_t *rng)
{
	size_t k = below(rng, 20);

	sb_add(d, k < 12 ? "\n" : k < 17 ? "\r\n" : "\r", k < 12 ? 1 :
	    k < 17 ? 2 : 1);
}

/*
 * A well-formed document; starts[] gets the offset of each record.
 * A record of one empty unquoted field would be an empty line, so such
 * a field is quoted.
 */
static size_t
gen_doc(struct sbuf *d, uint64_t *rng, char delim, size_t *starts,
    size_t max)
{
	size_t nrec = below(rng, max), r, nf, i;

	if (below(rng, 10) == 0)
		sb_add(d, "\xEF\xBB\xBF", 3);
	for (r = 0; r < nrec; r++) {
		while (below(rng, 10) == 0)
			gen_eol(d, rng);
		starts[r] = d->len;
		nf = 1 + below(rng, 12);
		for (i = 0; i < nf; i++) {
			if (i > 0)
				sb_addc(d, delim);
			gen_field(d, rng, delim, nf == 1);
		}
		if (r + 1 < nrec || below(rng, 3) != 0)
			gen_eol(d, rng);
	}
	return nrec;
}

/* Replaces, inserts or deletes a few bytes. */
static void
mutate(struct sbuf *d, uint64_t *rng)
{
	size_t k = 1 + below(rng, 3), at;

	while (k-- > 0 && d->len > 0) {
		at = below(rng, d->len);
		switch (below(rng, 3)) {
		case 0:
			d->p[at] = any_char(rng);
			break;
		case 1:
			sb_addc(d, 0);
			memmove(d->p + at + 1, d->p + at, d->len - at - 1);
			d->p[at] = any_char(rng);
			break;
		default:
			memmove(d->p + at, d->p + at + 1, d->len - at - 1);
			d->p[--d->len] = '\0';
		}
	}
}

static int
check_lines(const struct sbuf *d, const size_t *starts, size_t nrec,
    char delim, uint64_t seed)
{
	struct result r;
	struct sbuf want = { 0 };
	size_t i;
	int ok;

	for (i = 0; i < nrec; i++)
		sb_num(&want, line_at((const unsigned char *)d->p, starts[i]),
		    ' ');
	run_ours(d->p, d->len, delim, CHUNK_SMALL, seed, 0, &r);
	ok = r.ok && strcmp(r.lines.p ? r.lines.p : "",
	    want.p ? want.p : "") == 0;
	res_free(&r);
	free(want.p);
	return ok;
}

TEST(differential_random)
{
	static size_t starts[64];
	const char *env = getenv("PED_CSV_SEED");
	uint64_t seed = env ? strtoull(env, NULL, 10) : 20261127;
	uint64_t rng = 2 * seed + 1;
	struct sbuf d = { 0 };
	size_t nrec, i, bad = 0, rejected = 0, lines_bad = 0;
	char delim;
	int kind, rej;

	printf("# differential seed %llu (PED_CSV_SEED)\n",
	    (unsigned long long)seed);
	for (i = 0; i < NRANDOM; i++) {
		d.len = 0;
		delim = below(&rng, 10) < 6 ? ',' : below(&rng, 4) ? ';' : '\t';
		kind = (int)below(&rng, 10);
		nrec = 0;
		if (kind < 2) {		/* noise from the alphabet */
			size_t n = below(&rng, 200), k;

			for (k = 0; k < n; k++)
				sb_addc(&d, any_char(&rng));
		} else {
			nrec = gen_doc(&d, &rng, delim, starts, 64);
			if (kind < 6)
				mutate(&d, &rng);
			else if (!check_lines(&d, starts, nrec, delim,
			    rnd(&rng))) {
				printf("# doc %zu: wrong record lines\n", i);
				lines_bad++;
			}
		}
		if (below(&rng, 4) == 0)
			delim = 0;
		if (d.p == NULL)
			sb_add(&d, "", 0);
		if (!same_as_libcsv(d.p, d.len, delim, rnd(&rng), &rej)) {
			printf("# doc %zu differs\n", i);
			bad++;
		}
		rejected += (size_t)rej;
	}
	printf("# %d documents, %zu rejected by both\n", NRANDOM, rejected);
	CHECK(bad == 0);
	CHECK(lines_bad == 0);
	CHECK(rejected > NRANDOM / 10 && rejected < NRANDOM * 9 / 10);
	free(d.p);
}

/*
 * The fast path works on 64-byte words: every special byte (CR of a
 * CRLF, quotes opening and closing, a doubled quote, a NUL, a quoted
 * LF) is moved across the word edges, each layout checked against
 * libcsv.
 */
TEST(word_edges)
{
#define TAIL(s)	{ s, sizeof(s) - 1 }	/* sizeof: one holds a NUL */
	static const struct { const char *s; size_t len; } tails[] = {
		TAIL("a,\"b,c\",d\r\ne,f\r\n"),
		TAIL("\"x\"\"y\",z\n1,2\n"),
		TAIL("q,\"multi\nline\",r\n3,4\n"),
		TAIL("p\rq,r\n"),
		TAIL("a,b\"c,d\n"),
		TAIL("\"a\"b,c\n"),
		TAIL("n,\0,m\n1,2\n"),
		TAIL("\"\",\"\"\r\n\"\"\n"),
		TAIL("a,b"),
		TAIL("\"open,"),
	};
#undef TAIL
	char doc[512];
	size_t pad, t, len;
	int rej;

	for (t = 0; t < sizeof(tails) / sizeof(tails[0]); t++) {
		for (pad = 0; pad < 200; pad++) {
			memset(doc, 'x', pad);
			if (pad > 1)
				doc[pad - 1] = '\n';
			memcpy(doc + pad, tails[t].s, tails[t].len);
			len = pad + tails[t].len;
			if (!same_as_libcsv(doc, len, ',', pad, &rej))
				printf("# tail %zu pad %zu differs\n", t, pad);
			CHECK(same_as_libcsv(doc, len, ',', pad, &rej));
		}
	}
}

int
main(void)
{
	/* The mask makers: the CPU's best (AVX2 here), SSE2, a byte at a
	 * time (csvread.c's PED_CSV_SIMD). */
	static const char *const makers[] = { NULL, "sse2", "bytes" };
	size_t i;

	for (i = 0; i < sizeof(makers) / sizeof(makers[0]); i++) {
		if (makers[i] != NULL)
			setenv("PED_CSV_SIMD", makers[i], 1);
		printf("# masks: %s\n", makers[i] ? makers[i] : "best");
		RUN(quoting);
		RUN(doubled_quotes);
		RUN(embedded_newlines);
		RUN(line_endings);
		RUN(bom);
		RUN(delimiter_detection);
		RUN(empty_fields);
		RUN(missing_final_newline);
		RUN(errors);
		RUN(nul_bytes);
		RUN(many_fields);
		RUN(field_larger_than_buffer);
		RUN(record_too_large);
		RUN(real_samples);
		RUN(differential_random);
		RUN(word_edges);
	}
	return unit_end();
}
