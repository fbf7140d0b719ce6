/*
 * ped-fetch --history: the sources' addresses, the archive's last day as
 * far as it is known before reading it, and the cache of the archive.
 * The join itself (archive, then the live table from the next day) is
 * run by fetch.c.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "cache.h"
#include "fetch.h"
#include "history.h"
#include "xalloc.h"

static const char *
pick(const char *opt, const char *env, const char *def)
{
	const char *e;

	if (opt != NULL)
		return opt;
	if ((e = getenv(env)) != NULL && e[0] != '\0')
		return e;
	return def;
}

/* "_to_14_dec_2022" in the archive's name: its last day, or 0. */
static uint64_t
name_end(const char *url)
{
	static const char months[] = "janfebmaraprmayjunjulaugsepoctnovdec";
	const char *p;
	unsigned d, y, m;
	char mon[4];
	int n;

	for (p = url; (p = strstr(p, "to_")) != NULL; p++) {
		n = 0;
		if (sscanf(p, "to_%2u_%3[A-Za-z]_%4u%n", &d, mon, &y, &n) != 3 ||
		    n != 14)
			continue;
		for (m = 0; m < 3; m++)
			mon[m] = (char)tolower((unsigned char)mon[m]);
		for (m = 0; m < 12; m++)
			if (strncmp(months + 3 * m, mon, 3) == 0)
				break;
		if (m == 12 || d < 1 || d > period_days_in_month(y, m + 1) ||
		    y < 1)
			continue;
		return (uint64_t)y << 24 | (uint64_t)(m + 1) << 16 |
		    (uint64_t)d << 8;
	}
	return 0;
}

static char *
default_cache_dir(void)
{
	const char *x = getenv("XDG_CACHE_HOME"), *home = getenv("HOME");
	size_t n;
	char *p;

	if (x != NULL && x[0] == '/') {
		n = strlen(x) + sizeof("/ped");
		p = xmalloc(n);
		snprintf(p, n, "%s/ped", x);
		return p;
	}
	if (home == NULL || home[0] == '\0')
		return NULL;
	n = strlen(home) + sizeof("/.cache/ped");
	p = xmalloc(n);
	snprintf(p, n, "%s/.cache/ped", home);
	return p;
}

static int
is_http(const char *s)
{
	return strncasecmp(s, "http://", 7) == 0 ||
	    strncasecmp(s, "https://", 8) == 0;
}

void
history_init(struct history *h, const char *archive_url, const char *ods_url,
    const char *cache_dir, int no_cache, const struct fetch_options *o)
{
	uint64_t cached;

	memset(h, 0, sizeof(*h));
	h->archive_url = pick(archive_url, "PED_ARCHIVE_URL",
	    HISTORY_ARCHIVE_URL);
	h->ods_url = pick(ods_url, "PED_ODS_URL", ODS_DEFAULT_URL);
	if (!no_cache && is_http(h->archive_url)) {
		h->cache_dir = cache_dir != NULL ? xstrdup(cache_dir) :
		    default_cache_dir();
		if (h->cache_dir != NULL)
			h->cache = cache_new(h->cache_dir, h->archive_url, o);
	}
	h->known_end = name_end(h->archive_url);
	if ((cached = cache_last_day(h->cache, h->archive_url)) != 0)
		h->known_end = cached;
}

struct source *
history_open_archive(struct history *h, const struct fetch_options *o)
{
	if (h->cache == NULL)
		return source_open(h->archive_url, o);
	return source_decode(cache_fetch(h->cache, h->archive_url, o), o);
}

void
history_archive_read(struct history *h, uint64_t last_day)
{
	cache_set_last_day(h->cache, last_day);
}

void
history_free(struct history *h)
{
	cache_free(h->cache);
	free(h->cache_dir);
}

uint64_t
instant_next_hour(uint64_t t)
{
	unsigned hour = (unsigned)(t & 0xff);

	if (hour < 23)
		return t + 1;
	return instant_next_day(t);
}

uint64_t
instant_prev_hour(uint64_t t)
{
	unsigned y = (unsigned)(t >> 24), m = (unsigned)(t >> 16 & 0xff),
	    d = (unsigned)(t >> 8 & 0xff), hour = (unsigned)(t & 0xff);

	if (hour > 0)
		return t - 1;
	if (--d == 0) {
		if (--m == 0) {
			m = 12;
			y--;
		}
		d = period_days_in_month(y, m);
	}
	return (uint64_t)y << 24 | (uint64_t)m << 16 | (uint64_t)d << 8 | 23;
}

uint64_t
instant_next_day(uint64_t t)
{
	unsigned y = (unsigned)(t >> 24), m = (unsigned)(t >> 16 & 0xff),
	    d = (unsigned)(t >> 8 & 0xff);

	if (++d > period_days_in_month(y, m)) {
		d = 1;
		if (++m > 12) {
			m = 1;
			y++;
		}
	}
	return (uint64_t)y << 24 | (uint64_t)m << 16 | (uint64_t)d << 8;
}

void
instant_format(uint64_t t, int hour, char buf[PERIOD_BUFSZ])
{
	struct period p;

	period_from_key(t, &p);
	p.kind = hour ? PERIOD_HOUR : PERIOD_DAY;
	period_format(&p, buf);
}
