/*
 * libFuzzer target: ped-fetch's timestamp parsers (tools/fetch/timeparse.c).
 *
 * A first byte below 0xc0: the rest is a timestamp (and, split at the
 * first '|', a Sensing_Date and HourDay); whatever it is, a parse that
 * succeeds gives a real hour. From 0xc0: the bytes choose an instant
 * 1971-2100 and a UTC offset, the timestamp is written in one of the
 * shapes the exports use, and the Melbourne hour must equal the one
 * computed from tz_melbourne.h, a table of the tz database's offsets
 * (tests/fuzz/gen_tz_melbourne.py, Python zoneinfo). Floating times and
 * dates must come back unchanged.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../tools/fetch/fetch.h"
#include "tz_melbourne.h"

struct civ {
	long long	 y;
	unsigned	 m, d, h, mi, s;
};

/* H. Hinnant's civil_from_days, written afresh, with the time of day. */
static void
civil(long long t, struct civ *c)
{
	long long z = (t >= 0 ? t : t - 86399) / 86400, s = t - z * 86400;
	long long era, doe, yoe, doy, mp;

	z += 719468;
	era = (z >= 0 ? z : z - 146096) / 146097;
	doe = z - era * 146097;
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	c->d = (unsigned)(doy - (153 * mp + 2) / 5 + 1);
	c->m = (unsigned)(mp < 10 ? mp + 3 : mp - 9);
	c->y = yoe + era * 400 + (c->m <= 2);
	c->h = (unsigned)(s / 3600);
	c->mi = (unsigned)(s % 3600 / 60);
	c->s = (unsigned)(s % 60);
}

/* The tz database's offset of Melbourne at UTC second t. */
static int
tz_offset(long long t)
{
	size_t lo = 0, hi = sizeof(tz_melbourne) / sizeof(tz_melbourne[0]);

	while (hi - lo > 1) {
		size_t mid = lo + (hi - lo) / 2;

		if (tz_melbourne[mid].utc <= t)
			lo = mid;
		else
			hi = mid;
	}
	return tz_melbourne[lo].off;
}

static unsigned
dim(long long y, unsigned m)
{
	static const unsigned n[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31,
	    30, 31 };

	return m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0) ?
	    29 : n[m - 1];
}

static void
check_period(const struct period *p)
{
	if (p->kind != PERIOD_HOUR || p->year < 1 || p->year > 9999 ||
	    p->month < 1 || p->month > 12 || p->day < 1 ||
	    p->day > dim(p->year, p->month) || p->hour > 23)
		abort();
}

static void
expect(const struct period *p, const struct civ *c)
{
	if (p->year != (unsigned)c->y || p->month != c->m || p->day != c->d ||
	    p->hour != c->h) {
		fprintf(stderr, "got %u-%02u-%02uT%02u, want %lld-%02u-%02uT%02u\n",
		    p->year, p->month, p->day, p->hour, c->y, c->m, c->d, c->h);
		abort();
	}
}

static uint64_t
take(const uint8_t **p, size_t *n, unsigned bytes)
{
	uint64_t v = 0;

	while (bytes-- > 0) {
		v = v << 8 | (*n > 0 ? **p : 0);
		if (*n > 0)
			(*p)++, (*n)--;
	}
	return v;
}

static void
structured(const uint8_t *data, size_t size)
{
	char s[64], date[16], hour[4];
	struct civ loc, mel;
	struct period p;
	long long t, span = TZ_END - TZ_FIRST - 3 * 86400;
	int off, form, len, ah, am;
	uint64_t v = take(&data, &size, 5);

	t = TZ_FIRST + 86400 + (long long)(v % (uint64_t)span);
	form = (int)take(&data, &size, 1);
	/* An offset of -23:59..+23:59, often a real one. */
	v = take(&data, &size, 2);
	if (v % 4 == 0)
		off = tz_offset(t);
	else if (v % 4 == 1)
		off = 0;
	else
		off = (int)(v % (2 * 1439 + 1)) * 60 - 1439 * 60;
	civil(t + off, &loc);
	ah = abs(off) / 3600;
	am = abs(off) % 3600 / 60;
	len = snprintf(s, sizeof(s), "%04lld-%02u-%02u%c%02u:%02u", loc.y,
	    loc.m, loc.d, form & 1 ? ' ' : 'T', loc.h, loc.mi);
	if (form & 2)
		len += snprintf(s + len, sizeof(s) - (size_t)len, ":%02u%s",
		    loc.s, form & 4 ? ".000" : "");
	/* Floating: the wall clock as written. */
	if ((form >> 3) % 5 == 4) {
		if (time_parse_datetime(s, (size_t)len, &p) != 0)
			abort();
		expect(&p, &loc);
	} else {
		switch ((form >> 3) % 5) {
		case 0:
			len += snprintf(s + len, sizeof(s) - (size_t)len,
			    "%c%02d:%02d", off < 0 ? '-' : '+', ah, am);
			break;
		case 1:
			len += snprintf(s + len, sizeof(s) - (size_t)len,
			    "%c%02d%02d", off < 0 ? '-' : '+', ah, am);
			break;
		case 2:
			if (am == 0)
				len += snprintf(s + len, sizeof(s) -
				    (size_t)len, "%c%02d", off < 0 ? '-' : '+',
				    ah);
			else
				len += snprintf(s + len, sizeof(s) -
				    (size_t)len, "%c%02d:%02d", off < 0 ? '-' :
				    '+', ah, am);
			break;
		default:
			if (off == 0)
				len += snprintf(s + len, sizeof(s) -
				    (size_t)len, "Z");
			else
				len += snprintf(s + len, sizeof(s) -
				    (size_t)len, "%c%02d:%02d", off < 0 ? '-' :
				    '+', ah, am);
			break;
		}
		/* The instant is t - (seconds below the minute, dropped). */
		t -= loc.s * (form & 2 ? 0 : 1);
		civil(t + tz_offset(t), &mel);
		if (time_parse_datetime(s, (size_t)len, &p) != 0) {
			fprintf(stderr, "rejected %s\n", s);
			abort();
		}
		expect(&p, &mel);
	}
	/* A Sensing_Date and an HourDay: the date and hour as written. */
	snprintf(date, sizeof(date), "%04lld-%02u-%02u", loc.y, loc.m, loc.d);
	snprintf(hour, sizeof(hour), "%u", loc.h);
	if (time_parse_date_hour(date, strlen(date), hour, strlen(hour), &p) !=
	    0)
		abort();
	expect(&p, &loc);
}

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *s = (const char *)data + 1, *bar;
	struct period p;
	size_t n;

	if (size < 1)
		return 0;
	if (data[0] >= 0xc0) {
		structured(data + 1, size - 1);
		return 0;
	}
	n = size - 1;
	if (time_parse_datetime(s, n, &p) == 0) {
		check_period(&p);
		if (n == 0)
			abort();
	}
	if ((bar = memchr(s, '|', n)) != NULL &&
	    time_parse_date_hour(s, (size_t)(bar - s), bar + 1,
	    n - (size_t)(bar - s) - 1, &p) == 0)
		check_period(&p);
	return 0;
}
