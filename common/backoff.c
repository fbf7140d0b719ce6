/* Exponential backoff with full jitter. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "backoff.h"
#include "err.h"
#include "num.h"

unsigned long long
backoff_base_ms(unsigned long long dflt)
{
	const char *s = getenv("PED_RETRY_BASE_MS");
	struct timespec ts;
	uint64_t v;

	/* Jitter spreads out clients only if each draws its own numbers. */
	clock_gettime(CLOCK_REALTIME, &ts);
	srandom((unsigned)(ts.tv_nsec ^ ts.tv_sec ^ getpid()));
	if (s == NULL)
		return dflt;
	if (parse_uint(s, strlen(s), 60000, &v) != 0)
		die(EXIT_USAGE, "PED_RETRY_BASE_MS: invalid milliseconds "
		    "\"%s\"", s);
	return v;
}

unsigned long long
backoff_delay_ms(unsigned long long base, unsigned attempt)
{
	unsigned long long step = base;

	while (attempt-- > 0 && step < BACKOFF_CAP_MS)
		step *= 2;
	if (step > BACKOFF_CAP_MS)
		step = BACKOFF_CAP_MS;
	/* random(3) is thread-safe in glibc; ped-s3put uploads in threads. */
	return step == 0 ? 0 : (unsigned long long)random() % (step + 1);
}
