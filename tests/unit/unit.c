/* TAP output: one "ok N - name" or "not ok N - name" per test. */
#include <stdio.h>

#include "unit.h"

static int	 ntests, nfailed, current_failed;
static const char *current;

static void
finish_current(void)
{
	if (current == NULL)
		return;
	printf("%sok %d - %s\n", current_failed ? "not " : "", ntests,
	    current);
	nfailed += current_failed;
	current = NULL;
}

void
unit_begin(const char *name)
{
	finish_current();
	ntests++;
	current = name;
	current_failed = 0;
}

void
unit_check(int ok, const char *expr, const char *file, int line)
{
	if (ok)
		return;
	current_failed = 1;
	printf("# %s:%d: check failed: %s\n", file, line, expr);
}

int
unit_end(void)
{
	finish_current();
	printf("1..%d\n", ntests);
	fflush(stdout);
	return nfailed != 0;
}
