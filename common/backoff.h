/*
 * Retry timing shared by the network tools (ped-fetch, ped-s3put):
 * exponential backoff with full jitter, and the test knob
 * PED_RETRY_BASE_MS.
 */
#ifndef PED_BACKOFF_H
#define PED_BACKOFF_H

#define BACKOFF_CAP_MS	30000ULL	/* longest step */

/*
 * The first step in milliseconds: PED_RETRY_BASE_MS when set (tests
 * make retries fast with it), else dflt. A malformed value is a usage
 * error (exit 64). Call it once, before any thread starts: it also
 * seeds the jitter.
 */
unsigned long long	backoff_base_ms(unsigned long long dflt);
/*
 * Full jitter (AWS Architecture Blog, 2015): a uniform random wait in
 * [0, min(BACKOFF_CAP_MS, base * 2^attempt)] milliseconds.
 */
unsigned long long	backoff_delay_ms(unsigned long long base,
			    unsigned attempt);

#endif
