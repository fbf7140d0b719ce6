/*
 * tools/fetch/dups.c with tiny bounds, so that fuzz_schema's small
 * inputs close, reopen and forget hours as gigabytes would.
 */
#define WINDOW_HOURS	3
#define SOFT_OPEN	4u
#define SOFT_HOURS	3
#define MAX_OPEN	12u
#define MAX_RUNS	8u
#define MAX_MAPS	4u
#define MAX_BIG		6u

#include "../../tools/fetch/dups.c"
