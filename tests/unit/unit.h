/* A minimal TAP producer for the C unit tests of common/. */
#ifndef PED_UNIT_H
#define PED_UNIT_H

#include <string.h>

void	unit_check(int ok, const char *expr, const char *file, int line);
void	unit_begin(const char *name);
int	unit_end(void);

/* A failed CHECK marks the current test "not ok" and names the expression. */
#define CHECK(e)	unit_check((e) != 0, #e, __FILE__, __LINE__)
#define CHECK_STR(a, b)	unit_check(strcmp((a), (b)) == 0, #a " == " #b, \
			    __FILE__, __LINE__)
#define TEST(name)	static void name(void)
#define RUN(name)	do { unit_begin(#name); name(); } while (0)

#endif
