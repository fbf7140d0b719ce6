/* Unit tests for common/backoff.c. */
#include <stdlib.h>

#include "backoff.h"
#include "unit.h"

TEST(delays_stay_within_the_doubling_window)
{
	unsigned attempt, i;
	int ok = 1;

	for (attempt = 0; attempt < 20; attempt++) {
		unsigned long long cap = 100ULL << attempt;

		if (cap > BACKOFF_CAP_MS)
			cap = BACKOFF_CAP_MS;
		for (i = 0; i < 200; i++)
			ok &= backoff_delay_ms(100, attempt) <= cap;
	}
	CHECK(ok);
	CHECK(backoff_delay_ms(0, 5) == 0);
}

TEST(delays_are_spread_out)
{
	unsigned long long seen_low = 0, seen_high = 0, d;
	int i;

	for (i = 0; i < 1000; i++) {
		d = backoff_delay_ms(1000, 0);
		seen_low += d < 250;
		seen_high += d > 750;
	}
	/* Uniform on [0, 1000]: about a quarter each side. */
	CHECK(seen_low > 150 && seen_high > 150);
}

TEST(base_from_the_environment)
{
	unsetenv("PED_RETRY_BASE_MS");
	CHECK(backoff_base_ms(500) == 500);
	setenv("PED_RETRY_BASE_MS", "7", 1);
	CHECK(backoff_base_ms(500) == 7);
	setenv("PED_RETRY_BASE_MS", "0", 1);
	CHECK(backoff_base_ms(500) == 0);
	unsetenv("PED_RETRY_BASE_MS");
}

int
main(void)
{
	RUN(base_from_the_environment);
	RUN(delays_stay_within_the_doubling_window);
	RUN(delays_are_spread_out);
	return unit_end();
}
