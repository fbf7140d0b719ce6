/* Unit tests for common/quote.c. */
#include <string.h>

#include "quote.h"
#include "unit.h"

TEST(plain_text_is_quoted_as_is)
{
	CHECK_STR(quote("abc", 3), "\"abc\"");
	CHECK_STR(quote("", 0), "\"\"");
	CHECK_STR(quote_str("Flinders St (East)"), "\"Flinders St (East)\"");
	CHECK_STR(quote_str(NULL), "(null)");
}

TEST(control_bytes_are_escaped)
{
	CHECK_STR(quote("5\r", 2), "\"5\\r\"");
	CHECK_STR(quote("a\0b", 3), "\"a\\0b\"");
	CHECK_STR(quote("\x1b[2J", 4), "\"\\x1b[2J\"");
	CHECK_STR(quote("\t\n\x7f\x01", 4), "\"\\t\\n\\x7f\\x01\"");
	CHECK_STR(quote("say \"hi\" \\", 10), "\"say \\\"hi\\\" \\\\\"");
}

TEST(utf8_passes_invalid_utf8_is_escaped)
{
	CHECK_STR(quote_str("Caf\xc3\xa9 \xe2\x82\xac"), "\"Caf\xc3\xa9 \xe2\x82\xac\"");
	CHECK_STR(quote("\xff\xfe", 2), "\"\\xff\\xfe\"");
	CHECK_STR(quote("\xc3", 1), "\"\\xc3\"");		/* truncated */
	CHECK_STR(quote("\xc0\xaf", 2), "\"\\xc0\\xaf\"");	/* overlong */
	CHECK_STR(quote("\xed\xa0\x80", 3), "\"\\xed\\xa0\\x80\"");	/* surrogate */
	CHECK_STR(quote("\xc2\x9b" "31m", 5), "\"\\xc2\\x9b31m\"");	/* C1 CSI */
	CHECK_STR(quote("\xc2\xa0", 2), "\"\xc2\xa0\"");	/* NBSP is text */
	CHECK_STR(quote("\xef\xbb\xbfperiod", 9), "\"\\xef\\xbb\\xbfperiod\"");	/* BOM */
	CHECK_STR(quote("a\xe2\x80\xae" "b", 5), "\"a\\xe2\\x80\\xae" "b\"");	/* RLO */
	CHECK_STR(quote("\xe2\x81\xa6x", 4), "\"\\xe2\\x81\\xa6x\"");	/* LRI */
	CHECK_STR(quote("\xe2\x80\x8b", 3), "\"\\xe2\\x80\\x8b\"");	/* ZWSP */
	CHECK_STR(quote("\xe2\x80\x94", 3), "\"\xe2\x80\x94\"");	/* em dash is text */
}

TEST(long_data_is_cut_with_an_ellipsis)
{
	char big[1000];
	const char *q;

	memset(big, 'x', sizeof(big));
	q = quote(big, sizeof(big));
	CHECK(strlen(q) == QUOTE_MAX + 2 + 3);
	CHECK(strcmp(q + QUOTE_MAX + 2, "...") == 0);
	q = quote(big, QUOTE_MAX);
	CHECK(strlen(q) == QUOTE_MAX + 2);
	/* a 2-byte character straddling the limit is not split */
	memset(big, 'x', QUOTE_MAX - 1);
	memcpy(big + QUOTE_MAX - 1, "\xc3\xa9", 2);
	q = quote(big, QUOTE_MAX + 1);
	CHECK(strlen(q) == QUOTE_MAX - 1 + 2 + 3);
	/* worst case fits: all bytes escaped */
	memset(big, 1, sizeof(big));
	q = quote(big, sizeof(big));
	CHECK(strlen(q) == QUOTE_MAX * 4 + 2 + 3);
}

TEST(slots_rotate)
{
	const char *a = quote("a", 1), *b = quote("b", 1);

	CHECK_STR(a, "\"a\"");
	CHECK_STR(b, "\"b\"");
}

int
main(void)
{
	RUN(plain_text_is_quoted_as_is);
	RUN(control_bytes_are_escaped);
	RUN(utf8_passes_invalid_utf8_is_escaped);
	RUN(long_data_is_cut_with_an_ellipsis);
	RUN(slots_rotate);
	return unit_end();
}
