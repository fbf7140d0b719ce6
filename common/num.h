/* Strict decimal parsing, in the spirit of strtonum(3). */
#ifndef PED_NUM_H
#define PED_NUM_H

#include <stddef.h>
#include <stdint.h>

/* Largest count or id: every value fits a signed 64-bit column. */
#define PED_INT_MAX	INT64_MAX

/*
 * Parses s[0..len) as digits only (no sign, no space) into *out.
 * Returns 0, or -1 when empty, not all digits, or above max.
 */
int		parse_uint(const char *s, size_t len, uint64_t max, uint64_t *out);
/* Parses an option argument; on failure "prog: opt: invalid what "arg"", exit 64. */
uint64_t	option_uint(const char *opt, const char *what, const char *arg,
		    uint64_t min, uint64_t max);

#endif
