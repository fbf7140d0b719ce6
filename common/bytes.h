/* Byte-string helpers small enough to inline on hot paths. */
#ifndef PED_BYTES_H
#define PED_BYTES_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

/*
 * Whether the len bytes at a and b are the same: for the short memo
 * checks of the hot paths (a timestamp, a name, a period), where eight
 * bytes at a time inline beat a call to memcmp.
 */
static inline int
same_bytes(const char *a, const char *b, size_t len)
{
	uint64_t x, y;
	size_t i;

	for (i = 0; i + 8 <= len; i += 8) {
		memcpy(&x, a + i, 8);
		memcpy(&y, b + i, 8);
		if (x != y)
			return 0;
	}
	if (len >= 8 && i < len) {	/* the last eight again */
		memcpy(&x, a + len - 8, 8);
		memcpy(&y, b + len - 8, 8);
		return x == y;
	}
	for (; i < len; i++)
		if (a[i] != b[i])
			return 0;
	return 1;
}

#endif
