/* Unit tests for common/tsv.c and common/num.c. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "num.h"
#include "tsv.h"
#include "unit.h"

static int
unescaped(const char *in, const char *want)
{
	char buf[64];
	size_t len = strlen(in);

	memcpy(buf, in, len + 1);
	if (tsv_unescape(buf, &len) != 0)
		return want == NULL;
	return want != NULL && len == strlen(want) && memcmp(buf, want, len) == 0;
}

TEST(split_counts_fields)
{
	char line[] = "a\tb\t\td";
	char *f[4];
	size_t l[4];

	CHECK(tsv_split(line, strlen(line), f, l, 4) == 4);
	CHECK(l[0] == 1 && l[1] == 1 && l[2] == 0 && l[3] == 1 && *f[3] == 'd');
	CHECK(tsv_split(line, 0, f, l, 4) == 1 && l[0] == 0);
	CHECK(tsv_split(line, strlen(line), f, l, 2) == 4);
}

TEST(unescape)
{
	CHECK(unescaped("plain", "plain"));
	CHECK(unescaped("a\\tb", "a\tb"));
	CHECK(unescaped("\\n\\r\\\\", "\n\r\\"));
	CHECK(unescaped("a\\\\tb", "a\\tb"));
	CHECK(unescaped("bad\\q", NULL));
	CHECK(unescaped("trailing\\", NULL));
	CHECK(unescaped("", ""));
}

TEST(escape_roundtrip)
{
	const char *in = "x\ty\nz\r\\ end";
	char *buf = NULL;
	size_t size = 0, len;
	FILE *fp = open_memstream(&buf, &size);

	tsv_put_escaped(fp, in, strlen(in));
	fclose(fp);
	CHECK_STR(buf, "x\\ty\\nz\\r\\\\ end");
	len = size;
	CHECK(tsv_unescape(buf, &len) == 0 && len == strlen(in) &&
	    memcmp(buf, in, len) == 0);
	free(buf);
}

TEST(parse_uint_is_strict)
{
	uint64_t v;

	CHECK(parse_uint("0", 1, PED_INT_MAX, &v) == 0 && v == 0);
	CHECK(parse_uint("007", 3, PED_INT_MAX, &v) == 0 && v == 7);
	CHECK(parse_uint("9223372036854775807", 19, PED_INT_MAX, &v) == 0 &&
	    v == PED_INT_MAX);
	CHECK(parse_uint("9223372036854775808", 19, PED_INT_MAX, &v) == -1);
	CHECK(parse_uint("18446744073709551615", 20, UINT64_MAX, &v) == 0 &&
	    v == UINT64_MAX);
	CHECK(parse_uint("18446744073709551616", 20, UINT64_MAX, &v) == -1);
	CHECK(parse_uint("", 0, PED_INT_MAX, &v) == -1);
	CHECK(parse_uint("-1", 2, PED_INT_MAX, &v) == -1);
	CHECK(parse_uint("+1", 2, PED_INT_MAX, &v) == -1);
	CHECK(parse_uint(" 1", 2, PED_INT_MAX, &v) == -1);
	CHECK(parse_uint("1e3", 3, PED_INT_MAX, &v) == -1);
	CHECK(parse_uint("10", 2, 9, &v) == -1);
	CHECK(parse_uint("9", 1, 5, &v) == -1);
	CHECK(parse_uint("5", 1, 5, &v) == 0 && v == 5);
}

/* tsv_parse's fast path and cache agree with the plain parser. */
static int
same_parse(struct tsv_parser *tp, const char *text, int want_ok)
{
	char a[256], b[256], ea[TSV_ERRSZ], eb[TSV_ERRSZ];
	struct tsv_record ra, rb;
	size_t len = strlen(text);
	int oka, okb;

	memcpy(a, text, len + 1);
	memcpy(b, text, len + 1);
	oka = tsv_parse(tp, a, len, 0, &ra, ea) == 0;
	okb = tsv_parse_slow(b, len, &rb, eb) == 0;
	if (oka != okb || oka != want_ok)
		return 0;
	if (!oka)
		return strcmp(ea, eb) == 0;
	return ra.sensor_id == rb.sensor_id && ra.count == rb.count &&
	    ra.name_len == rb.name_len &&
	    memcmp(ra.name, rb.name, ra.name_len) == 0 &&
	    ra.period_len == rb.period_len &&
	    period_key(&ra.period) == period_key(&rb.period);
}

TEST(parse_fast_and_slow_agree)
{
	struct tsv_parser tp;
	struct tsv_record r;
	char line[] = "2021-08-01T00\t1\txzy\t1", err[TSV_ERRSZ];

	memset(&tp, 0, sizeof(tp));
	CHECK(same_parse(&tp, "2021-08-01T00\t1\tname\t5", 1));
	CHECK(same_parse(&tp, "2021-08-01T00\t2\tname\\tx\t6", 1));
	CHECK(same_parse(&tp, "2021-08-01T00\t007\t\t0", 1));
	CHECK(same_parse(&tp, "2021-08-01T00\t1\tx\t9223372036854775807", 1));
	CHECK(same_parse(&tp, "2021-08-01T00\t1\tx\t9223372036854775808", 0));
	CHECK(same_parse(&tp, "2021-08-01T00\t1\tx\t1\t2", 0));
	CHECK(same_parse(&tp, "2021-08-01T00\t1\tx\\q\t1", 0));
	CHECK(same_parse(&tp, "2021-08-01T00\t1\tx\\q\t1\t3", 0));
	CHECK(same_parse(&tp, "2021-08-01T00\t\tx\t1", 0));
	CHECK(same_parse(&tp, "2021-08-01T00\t1\tx\t", 0));
	CHECK(same_parse(&tp, "2021-08-01T00\t1\tx\t1\r", 0));
	CHECK(same_parse(&tp, "2021-08-01T0\t1\tx\t1", 0));
	CHECK(same_parse(&tp, "2021-08-01T00x\t1\tx\t1", 0));
	CHECK(same_parse(&tp, "2021-08-02\t1\tx\t1", 1));
	CHECK(same_parse(&tp, "2021-08-02\t1\tx\t1", 1));
	CHECK(same_parse(&tp, "Monday\t1\tx\t1", 1));
	CHECK(same_parse(&tp, "\xef\xbb\xbfperiod\tsensor_id\tsensor_name\tcount", 0));
	/* The period cache: the same text is period_same. */
	memset(&tp, 0, sizeof(tp));
	CHECK(tsv_parse(&tp, line, strlen(line), 0, &r, err) == 0 &&
	    !r.period_same);
	memcpy(line, "2021-08-01T00\t2\txzy\t1", sizeof(line));
	CHECK(tsv_parse(&tp, line, strlen(line), 0, &r, err) == 0 &&
	    r.period_same && r.sensor_id == 2 && r.period.hour == 0);
	/* A NUL byte is reported, escaped. */
	memcpy(line, "2021-08-01T00\t2\txzy\t1", sizeof(line));
	line[17] = '\0';
	CHECK(tsv_parse(&tp, line, 21, 1, &r, err) == -1);
	CHECK_STR(err, "NUL byte in sensor_name \"x\\0y\"");
}

int
main(void)
{
	RUN(split_counts_fields);
	RUN(unescape);
	RUN(escape_roundtrip);
	RUN(parse_uint_is_strict);
	RUN(parse_fast_and_slow_agree);
	return unit_end();
}
