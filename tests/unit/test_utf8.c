/* Unit tests for common/utf8.c. */
#include <string.h>

#include "unit.h"
#include "utf8.h"

static size_t
dec(const char *s, size_t n, uint32_t *cp)
{
	return utf8_decode((const unsigned char *)s, n, cp);
}

TEST(valid_sequences_decode)
{
	uint32_t cp = 0;

	CHECK(dec("A", 1, &cp) == 1 && cp == 'A');
	CHECK(dec("\xc3\xa9", 2, &cp) == 2 && cp == 0xe9);
	CHECK(dec("\xe2\x82\xac", 3, &cp) == 3 && cp == 0x20ac);
	CHECK(dec("\xf0\x9f\x9a\xb6", 4, &cp) == 4 && cp == 0x1f6b6);
	CHECK(dec("\xf4\x8f\xbf\xbf", 4, &cp) == 4 && cp == 0x10ffff);
	CHECK(dec("\0", 1, &cp) == 1 && cp == 0);
}

TEST(invalid_sequences_are_refused)
{
	uint32_t cp;

	CHECK(dec("\x80", 1, &cp) == 0);		/* lone continuation */
	CHECK(dec("\xc0\xaf", 2, &cp) == 0);		/* overlong */
	CHECK(dec("\xe0\x80\xaf", 3, &cp) == 0);	/* overlong */
	CHECK(dec("\xed\xa0\x80", 3, &cp) == 0);	/* surrogate */
	CHECK(dec("\xf4\x90\x80\x80", 4, &cp) == 0);	/* past U+10FFFF */
	CHECK(dec("\xe2\x82", 2, &cp) == 0);		/* cut short */
	CHECK(dec("\xe2\x82\xac", 2, &cp) == 0);	/* cut by n */
	CHECK(dec("\xff", 1, &cp) == 0);
}

TEST(prefix_stops_at_the_first_bad_byte)
{
	CHECK(utf8_prefix((const unsigned char *)"", 0) == 0);
	CHECK(utf8_prefix((const unsigned char *)"Caf\xc3\xa9", 5) == 5);
	CHECK(utf8_prefix((const unsigned char *)"ab\xff" "cd", 5) == 2);
	CHECK(utf8_prefix((const unsigned char *)"ab\xe2\x82", 4) == 2);
}

int
main(void)
{
	RUN(valid_sequences_decode);
	RUN(invalid_sequences_are_refused);
	RUN(prefix_stops_at_the_first_bad_byte);
	return unit_end();
}
