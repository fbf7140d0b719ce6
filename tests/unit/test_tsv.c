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

int
main(void)
{
	RUN(split_counts_fields);
	RUN(unescape);
	RUN(escape_roundtrip);
	RUN(parse_uint_is_strict);
	return unit_end();
}
