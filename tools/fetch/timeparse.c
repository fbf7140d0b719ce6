/*
 * Timestamps of every dataset generation to a Melbourne wall-clock hour.
 *
 * Floating timestamps (no zone) already are Melbourne wall clock and are
 * kept as they are, including the 02:00 that does not exist on a
 * spring-forward day. A timestamp with an offset names an instant; it is
 * converted with the Victorian daylight-saving rules below rather than
 * the system's tz database, which a minimal system may lack (and then
 * localtime_r silently gives UTC).
 */
#include <stdint.h>
#include <string.h>
#include <strings.h>

#include "fetch.h"

struct cur {
	const char	*p, *end;
};

struct civil {
	unsigned	 year, month, day, hour, min, sec;
};

static const char *const month_names[12] = {
	"january", "february", "march", "april", "may", "june", "july",
	"august", "september", "october", "november", "december"
};

static void
civil_from_days(int64_t z, struct civil *c)
{
	int64_t era, doe, yoe, y, doy, mp;

	z += 719468;
	era = (z >= 0 ? z : z - 146096) / 146097;
	doe = z - era * 146097;
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	y = yoe + era * 400;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	c->day = (unsigned)(doy - (153 * mp + 2) / 5 + 1);
	c->month = (unsigned)(mp < 10 ? mp + 3 : mp - 9);
	c->year = (unsigned)(y + (c->month <= 2));
}

/* 0 = Sunday. */
static unsigned
weekday(unsigned y, unsigned m, unsigned d)
{
	return period_weekday(y, m, d) % 7;
}

/*
 * The UTC second of a Victorian transition: 02:00 standard time (AEST,
 * +10) on the first Sunday on or after day `from` of the month, or on
 * the month's last Sunday when from is 0.
 */
static int64_t
transition(unsigned y, unsigned m, unsigned from)
{
	unsigned d;

	if (from == 0) {
		d = period_days_in_month(y, m);
		d -= weekday(y, m, d);
	} else
		d = from + (7 - weekday(y, m, from)) % 7;
	return period_days_from_civil(y, m, d) * 86400 + (2 - 10) * 3600;
}

/*
 * The tz database's "AV" rules (Victoria) since DST began in 1971: when
 * daylight saving ends in year y (March/April) and starts (October,
 * August in the Olympic year 2000). A zero month means none that year.
 */
static void
av_rules(unsigned y, unsigned *em, unsigned *ed, unsigned *sm, unsigned *sd)
{
	*em = 3, *ed = 1, *sm = 10, *sd = 0;
	if (y < 1972)
		*em = 0;
	else if (y == 1972)
		*em = 2, *ed = 0;
	else if (y >= 1986 && y <= 1990)
		*ed = 15;
	else if ((y >= 1995 && y <= 2005) || y == 2007)
		*ed = 0;
	else if (y == 2006 || y >= 2008)
		*em = 4, *ed = 1;
	if (y < 1971)
		*sm = 0;
	else if (y == 1986 || y == 1987)
		*sd = 15;
	else if (y == 2000)
		*sm = 8;
	else if (y >= 2008)
		*sd = 1;
}

/* Melbourne's UTC offset in seconds at the instant utc. */
static int64_t
melbourne_offset(int64_t utc)
{
	struct civil c;
	unsigned em, ed, sm, sd;
	int dst;

	civil_from_days((utc + 10 * 3600) / 86400 -
	    ((utc + 10 * 3600) % 86400 < 0), &c);
	av_rules(c.year, &em, &ed, &sm, &sd);
	dst = (em != 0 && utc < transition(c.year, em, ed)) ||
	    (sm != 0 && utc >= transition(c.year, sm, sd));
	return dst ? 11 * 3600 : 10 * 3600;
}

/* Reads min..max decimal digits. */
static int
num(struct cur *c, int min, int max, unsigned *v)
{
	int n = 0;

	*v = 0;
	while (n < max && c->p < c->end && *c->p >= '0' && *c->p <= '9') {
		*v = *v * 10 + (unsigned)(*c->p++ - '0');
		n++;
	}
	return n >= min ? 0 : -1;
}

static int
lit(struct cur *c, char ch)
{
	if (c->p == c->end || *c->p != ch)
		return -1;
	c->p++;
	return 0;
}

/* "hh:mm[:ss] AM" (12-hour clock, as Socrata writes it). */
static int
time12(struct cur *c, struct civil *t)
{
	unsigned h;

	if (num(c, 1, 2, &h) || lit(c, ':') || num(c, 2, 2, &t->min))
		return -1;
	if (c->p < c->end && *c->p == ':' &&
	    (lit(c, ':') || num(c, 2, 2, &t->sec)))
		return -1;
	if (lit(c, ' ') || c->end - c->p != 2 || (c->p[1] | 0x20) != 'm')
		return -1;
	if (h < 1 || h > 12)
		return -1;
	switch (c->p[0] | 0x20) {
	case 'a':
		t->hour = h % 12;
		break;
	case 'p':
		t->hour = h % 12 + 12;
		break;
	default:
		return -1;
	}
	c->p += 2;
	return 0;
}

/* "11/01/2019 05:00:00 PM": month first. */
static int
parse_us(struct cur *c, struct civil *t)
{
	if (num(c, 1, 2, &t->month) || lit(c, '/') ||
	    num(c, 1, 2, &t->day) || lit(c, '/') ||
	    num(c, 4, 4, &t->year) || lit(c, ' '))
		return -1;
	return time12(c, t);
}

/* "November 01, 2019 05:00:00 PM" (or "Nov 01, 2019 ..."). */
static int
parse_named(struct cur *c, struct civil *t)
{
	const char *w = c->p;
	size_t len;
	unsigned m;

	while (c->p < c->end && *c->p != ' ')
		c->p++;
	len = (size_t)(c->p - w);
	for (m = 0; m < 12; m++)
		if ((len == 3 || len == strlen(month_names[m])) &&
		    strncasecmp(w, month_names[m], len) == 0)
			break;
	if (m == 12)
		return -1;
	t->month = m + 1;
	if (lit(c, ' ') || num(c, 1, 2, &t->day) || lit(c, ',') ||
	    lit(c, ' ') || num(c, 4, 4, &t->year) || lit(c, ' '))
		return -1;
	return time12(c, t);
}

/* "+10:00", "+1000", "+10", "-03:30", "Z": seconds east of UTC. */
static int
parse_offset(struct cur *c, int64_t *off)
{
	unsigned h, m = 0;
	int sign;

	if (c->p < c->end && (*c->p == 'Z' || *c->p == 'z')) {
		c->p++;
		*off = 0;
		return 0;
	}
	if (c->p == c->end || (*c->p != '+' && *c->p != '-'))
		return -1;
	sign = *c->p++ == '-' ? -1 : 1;
	if (num(c, 2, 2, &h))
		return -1;
	if (c->p < c->end) {
		if (*c->p == ':')
			c->p++;
		if (num(c, 2, 2, &m))
			return -1;
	}
	if (h > 23 || m > 59)
		return -1;
	*off = sign * (int64_t)(h * 3600 + m * 60);
	return 0;
}

/*
 * "2019-11-01T17:00:00.000" (floating) or "2023-04-02T02:00:00+10:00".
 * *zoned tells whether an offset was given, in *off.
 */
static int
parse_iso(struct cur *c, struct civil *t, int *zoned, int64_t *off)
{
	unsigned frac;

	*zoned = 0;
	if (num(c, 4, 4, &t->year) || lit(c, '-') ||
	    num(c, 2, 2, &t->month) || lit(c, '-') ||
	    num(c, 2, 2, &t->day))
		return -1;
	if (c->p == c->end || (*c->p != 'T' && *c->p != ' '))
		return -1;
	c->p++;
	if (num(c, 2, 2, &t->hour) || lit(c, ':') || num(c, 2, 2, &t->min))
		return -1;
	if (c->p < c->end && *c->p == ':' &&
	    (lit(c, ':') || num(c, 2, 2, &t->sec)))
		return -1;
	if (c->p < c->end && *c->p == '.' &&
	    (lit(c, '.') || num(c, 1, 9, &frac)))
		return -1;
	if (c->p == c->end)
		return 0;
	*zoned = 1;
	return parse_offset(c, off);
}

static int
valid(const struct civil *t)
{
	return t->year >= 1 && t->year <= 9999 && t->month >= 1 &&
	    t->month <= 12 && t->day >= 1 &&
	    t->day <= period_days_in_month(t->year, t->month) && t->hour <= 23 &&
	    t->min <= 59 && t->sec <= 59;
}

/* The Melbourne wall clock of an instant given as local time + offset. */
static int
to_melbourne(struct civil *t, int64_t off)
{
	int64_t utc, local, days;

	utc = period_days_from_civil(t->year, t->month, t->day) * 86400 +
	    t->hour * 3600 + t->min * 60 + t->sec - off;
	local = utc + melbourne_offset(utc);
	days = local / 86400 - (local % 86400 < 0);
	civil_from_days(days, t);
	t->hour = (unsigned)((local - days * 86400) / 3600);
	return t->year >= 1 && t->year <= 9999 ? 0 : -1;
}

static void
to_period(const struct civil *t, struct period *p)
{
	memset(p, 0, sizeof(*p));
	p->kind = PERIOD_HOUR;
	p->year = t->year;
	p->month = t->month;
	p->day = t->day;
	p->hour = t->hour;
}

static int
parse_datetime(const char *s, size_t len, struct period *p)
{
	struct cur c = { s, s + len };
	struct civil t;
	int64_t off = 0;
	int zoned = 0, r;

	memset(&t, 0, sizeof(t));
	if (len > 4 && s[4] == '-')
		r = parse_iso(&c, &t, &zoned, &off);
	else if (len > 0 && s[0] >= '0' && s[0] <= '9')
		r = parse_us(&c, &t);
	else
		r = parse_named(&c, &t);
	if (r != 0 || c.p != c.end || !valid(&t))
		return -1;
	if (zoned && to_melbourne(&t, off) != 0)
		return -1;
	to_period(&t, p);
	return 0;
}

/*
 * Consecutive rows of an export share their timestamp (one row per
 * sensor), so the last one parsed is remembered: a memcmp instead of a
 * parse for most rows.
 */
int
time_parse_datetime(const char *s, size_t len, struct period *p)
{
	static char last[40];
	static size_t lastlen;
	static struct period lastp;

	/* lastlen 0: nothing cached (an empty timestamp is no time). */
	if (len == lastlen && len > 0 && same_bytes(s, last, len)) {
		*p = lastp;
		return 0;
	}
	if (parse_datetime(s, len, p) != 0)
		return -1;
	if (len <= sizeof(last)) {
		memcpy(last, s, len);
		lastlen = len;
		lastp = *p;
	}
	return 0;
}

/*
 * Sensing_Date is the local date. JSON exports may write it as an
 * instant: "2025-01-22T00:00:00+00:00", whose offset means nothing
 * (DATASET.md 2.3), or Melbourne midnight seen from elsewhere
 * ("2025-01-21T13:00:00Z" with timezone=UTC). Both instants fall on the
 * local date in Melbourne, so with an offset the date is the Melbourne
 * date of the instant; without one, only midnight is accepted.
 */
static int
parse_date(const char *d, size_t dlen, struct civil *t)
{
	struct cur c = { d, d + dlen };
	int64_t off;
	int zoned;

	if (dlen <= 10)
		return num(&c, 4, 4, &t->year) || lit(&c, '-') ||
		    num(&c, 2, 2, &t->month) || lit(&c, '-') ||
		    num(&c, 2, 2, &t->day) || c.p != c.end || !valid(t) ?
		    -1 : 0;
	if (parse_iso(&c, t, &zoned, &off) != 0 || c.p != c.end || !valid(t))
		return -1;
	if (zoned)
		return to_melbourne(t, off);
	return t->hour == 0 && t->min == 0 && t->sec == 0 ? 0 : -1;
}

/* Sensing_Date plus HourDay (0..23, Melbourne wall clock). */
int
time_parse_date_hour(const char *d, size_t dlen, const char *h, size_t hlen,
    struct period *p)
{
	struct cur ch = { h, h + hlen };
	struct civil t;
	unsigned hour;

	memset(&t, 0, sizeof(t));
	if (parse_date(d, dlen, &t) != 0 || num(&ch, 1, 2, &hour) != 0 ||
	    ch.p != ch.end || hour > 23)
		return -1;
	t.hour = hour;
	to_period(&t, p);
	return 0;
}
