/* Digits-only number parsing: no atoi, no silent truncation. */
#include <string.h>

#include "err.h"
#include "num.h"

int
parse_uint(const char *s, size_t len, uint64_t max, uint64_t *out)
{
	uint64_t v = 0;
	size_t i;

	if (len == 0)
		return -1;
	/* Up to 19 digits cannot overflow: the check waits for the end. */
	if (len <= 19) {
		for (i = 0; i < len; i++) {
			unsigned d = (unsigned char)s[i] - '0';

			if (d > 9)
				return -1;
			v = v * 10 + d;
		}
		if (v > max)
			return -1;
		*out = v;
		return 0;
	}
	for (i = 0; i < len; i++) {
		unsigned d = (unsigned char)s[i] - '0';

		if (d > 9 || d > max || v > (max - d) / 10)
			return -1;
		v = v * 10 + d;
	}
	*out = v;
	return 0;
}

uint64_t
option_uint(const char *opt, const char *what, const char *arg,
    uint64_t min, uint64_t max)
{
	uint64_t v;

	if (parse_uint(arg, strlen(arg), max, &v) != 0 || v < min)
		die(EXIT_USAGE, "%s: invalid %s \"%s\"", opt, what, arg);
	return v;
}
