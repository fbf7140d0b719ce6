/* Calendar arithmetic for the period column; no locale, no time zone. */
#include <string.h>

#include "period.h"

static const char *const kind_names[PERIOD_NKINDS] = {
	"hour", "day", "month", "year", "weekday", "monthname"
};

static const char *const weekday_names[8] = {
	"", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday",
	"Saturday", "Sunday"
};

static const char *const month_names[13] = {
	"", "January", "February", "March", "April", "May", "June", "July",
	"August", "September", "October", "November", "December"
};

/* Which kinds each kind can be truncated to, as bit masks. */
static const unsigned coarser[PERIOD_NKINDS] = {
	[PERIOD_HOUR] = 1u << PERIOD_HOUR | 1u << PERIOD_DAY |
	    1u << PERIOD_MONTH | 1u << PERIOD_YEAR | 1u << PERIOD_WEEKDAY |
	    1u << PERIOD_MONTHNAME,
	[PERIOD_DAY] = 1u << PERIOD_DAY | 1u << PERIOD_MONTH |
	    1u << PERIOD_YEAR | 1u << PERIOD_WEEKDAY | 1u << PERIOD_MONTHNAME,
	[PERIOD_MONTH] = 1u << PERIOD_MONTH | 1u << PERIOD_YEAR |
	    1u << PERIOD_MONTHNAME,
	[PERIOD_YEAR] = 1u << PERIOD_YEAR,
	[PERIOD_WEEKDAY] = 1u << PERIOD_WEEKDAY,
	[PERIOD_MONTHNAME] = 1u << PERIOD_MONTHNAME,
};

int
period_is_leap(unsigned y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

unsigned
period_days_in_month(unsigned y, unsigned m)
{
	static const unsigned char dim[13] = {
		0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31
	};

	if (m < 1 || m > 12)
		return 0;
	return m == 2 && period_is_leap(y) ? 29 : dim[m];
}

/* Howard Hinnant's days_from_civil. */
int64_t
period_days_from_civil(int64_t y, unsigned m, unsigned d)
{
	int64_t era, yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

unsigned
period_weekday(unsigned y, unsigned m, unsigned d)
{
	/* 1970-01-01 was a Thursday. */
	int64_t wd = (period_days_from_civil(y, m, d) + 3) % 7;

	return (unsigned)(wd < 0 ? wd + 7 : wd) + 1;
}

static int
digits(const char *s, size_t n, unsigned *out)
{
	unsigned v = 0;
	size_t i;

	for (i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (unsigned)(s[i] - '0');
	}
	*out = v;
	return 0;
}

static int
parse_name(const char *s, size_t len, const char *const names[], int n)
{
	int i;

	for (i = 1; i < n; i++)
		if (strlen(names[i]) == len && memcmp(names[i], s, len) == 0)
			return i;
	return -1;
}

int
period_parse(const char *s, size_t len, struct period *p)
{
	int i;

	memset(p, 0, sizeof(*p));
	if (len > 0 && (s[0] < '0' || s[0] > '9')) {
		if ((i = parse_name(s, len, weekday_names, 8)) > 0) {
			p->kind = PERIOD_WEEKDAY;
			p->weekday = (unsigned)i;
			return 0;
		}
		if ((i = parse_name(s, len, month_names, 13)) > 0) {
			p->kind = PERIOD_MONTHNAME;
			p->month = (unsigned)i;
			return 0;
		}
		return -1;
	}
	switch (len) {
	case 13:
		if (s[10] != 'T' || digits(s + 11, 2, &p->hour) != 0 ||
		    p->hour > 23)
			return -1;
		p->kind = PERIOD_HOUR;
		/* FALLTHROUGH */
	case 10:
		if (s[7] != '-' || digits(s + 8, 2, &p->day) != 0)
			return -1;
		if (len == 10)
			p->kind = PERIOD_DAY;
		/* FALLTHROUGH */
	case 7:
		if (s[4] != '-' || digits(s + 5, 2, &p->month) != 0 ||
		    p->month < 1 || p->month > 12)
			return -1;
		if (len == 7)
			p->kind = PERIOD_MONTH;
		/* FALLTHROUGH */
	case 4:
		if (digits(s, 4, &p->year) != 0 || p->year < 1)
			return -1;
		if (len == 4)
			p->kind = PERIOD_YEAR;
		break;
	default:
		return -1;
	}
	if (len >= 10 &&
	    (p->day < 1 || p->day > period_days_in_month(p->year, p->month)))
		return -1;
	return 0;
}

int
period_kind_from_name(const char *name)
{
	int k;

	for (k = 0; k < PERIOD_NKINDS; k++)
		if (strcmp(kind_names[k], name) == 0)
			return k;
	return -1;
}

const char *
period_kind_name(enum period_kind kind)
{
	return kind_names[kind];
}

int
period_truncate(const struct period *in, enum period_kind kind,
    struct period *out)
{
	if (!(coarser[in->kind] & 1u << kind))
		return -1;
	*out = *in;
	out->kind = kind;
	switch (kind) {
	case PERIOD_YEAR:
		out->month = 0;
		/* FALLTHROUGH */
	case PERIOD_MONTH:
		out->day = 0;
		out->weekday = 0;
		/* FALLTHROUGH */
	case PERIOD_DAY:
		out->hour = 0;
		/* FALLTHROUGH */
	case PERIOD_HOUR:
		break;
	case PERIOD_WEEKDAY:
		/* Computed here only: most rows are never asked for it. */
		if (in->kind != PERIOD_WEEKDAY)
			out->weekday = period_weekday(in->year, in->month,
			    in->day);
		out->year = out->month = out->day = out->hour = 0;
		break;
	case PERIOD_MONTHNAME:
		out->year = out->day = out->hour = out->weekday = 0;
		break;
	case PERIOD_NKINDS:
		return -1;
	}
	return 0;
}

/* Writes v as exactly width digits; v < 10^width. */
static char *
put_digits(char *b, unsigned v, int width)
{
	int i;

	for (i = width - 1; i >= 0; i--) {
		b[i] = (char)('0' + v % 10);
		v /= 10;
	}
	return b + width;
}

size_t
period_format(const struct period *p, char buf[PERIOD_BUFSZ])
{
	char *b = buf;
	const char *name = NULL;

	if (p->kind == PERIOD_WEEKDAY)
		name = weekday_names[p->weekday];
	else if (p->kind == PERIOD_MONTHNAME)
		name = month_names[p->month];
	if (name != NULL) {
		memcpy(buf, name, strlen(name) + 1);
		return strlen(name);
	}
	b = put_digits(b, p->year, 4);
	if (p->kind != PERIOD_YEAR) {
		*b++ = '-';
		b = put_digits(b, p->month, 2);
	}
	if (p->kind == PERIOD_DAY || p->kind == PERIOD_HOUR) {
		*b++ = '-';
		b = put_digits(b, p->day, 2);
	}
	if (p->kind == PERIOD_HOUR) {
		*b++ = 'T';
		b = put_digits(b, p->hour, 2);
	}
	*b = '\0';
	return (size_t)(b - buf);
}

uint64_t
period_instant(const struct period *p)
{
	return (uint64_t)p->year << 24 | (uint64_t)p->month << 16 |
	    (uint64_t)p->day << 8 | p->hour;
}

uint64_t
period_key(const struct period *p)
{
	uint64_t v;

	if (p->kind == PERIOD_WEEKDAY)
		v = p->weekday;
	else
		v = period_instant(p);
	return (uint64_t)p->kind << 56 | v;
}

void
period_from_key(uint64_t key, struct period *p)
{
	memset(p, 0, sizeof(*p));
	p->kind = (enum period_kind)(key >> 56);
	if (p->kind == PERIOD_WEEKDAY) {
		p->weekday = (unsigned)(key & 0xff);
		return;
	}
	p->year = (unsigned)(key >> 24 & 0xffff);
	p->month = (unsigned)(key >> 16 & 0xff);
	p->day = (unsigned)(key >> 8 & 0xff);
	p->hour = (unsigned)(key & 0xff);
}
