/* UTF-8 as RFC 3629 has it: no overlong forms, surrogates or code points
 * past U+10FFFF. */
#ifndef PED_UTF8_H
#define PED_UTF8_H

#include <stddef.h>
#include <stdint.h>

/*
 * The length (1 to 4) of the valid UTF-8 sequence at p, with n > 0 bytes
 * left, and its code point in *cp; 0 when the bytes there are not one
 * (invalid, or cut short by n).
 */
size_t	 utf8_decode(const unsigned char *p, size_t n, uint32_t *cp);
/* The length of the longest valid UTF-8 prefix of s. */
size_t	 utf8_prefix(const unsigned char *s, size_t len);

#endif
