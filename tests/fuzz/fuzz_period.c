/*
 * libFuzzer target: period parsing, truncation, formatting and keys
 * (common/period.c). The first byte splits the rest into two texts.
 * For every period that parses: it formats back to its text, its key
 * turns back into it, truncation is idempotent
 * (truncate(truncate(x, k), k) == truncate(x, k)), formats to a period
 * that parses to itself, never moves a calendar period later, and its
 * weekday agrees with Zeller's congruence. Two periods of one kind order
 * by key as their texts order (ISO) or as their names' indexes do.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "period.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static int
same(const struct period *a, const struct period *b)
{
	return a->kind == b->kind && a->year == b->year &&
	    a->month == b->month && a->day == b->day && a->hour == b->hour &&
	    a->weekday == b->weekday;
}

/* Zeller's congruence, ISO numbering (1 = Monday): no shared code. */
static unsigned
zeller(unsigned y, unsigned m, unsigned d)
{
	unsigned h;

	if (m < 3) {
		m += 12;
		y--;
	}
	h = (d + 13 * (m + 1) / 5 + y + y / 4 - y / 100 + y / 400) % 7;
	return (h + 5) % 7 + 1;
}

static int
is_iso(enum period_kind k)
{
	return k == PERIOD_HOUR || k == PERIOD_DAY || k == PERIOD_MONTH ||
	    k == PERIOD_YEAR;
}

static void
check_one(const char *s, size_t len, struct period *p, int *ok)
{
	char buf[PERIOD_BUFSZ], buf2[PERIOD_BUFSZ];
	struct period q, t, tt, back;
	size_t n;
	int k;

	*ok = period_parse(s, len, p) == 0;
	if (!*ok)
		return;
	n = period_format(p, buf);
	if (n != len || memcmp(buf, s, n) != 0 || buf[n] != '\0')
		abort();
	period_from_key(period_key(p), &q);
	if (!same(p, &q))
		abort();
	if (period_truncate(p, p->kind, &t) != 0 || !same(p, &t))
		abort();
	for (k = 0; k < PERIOD_NKINDS; k++) {
		if (period_truncate(p, (enum period_kind)k, &t) != 0)
			continue;
		if (t.kind != (enum period_kind)k ||
		    period_truncate(&t, (enum period_kind)k, &tt) != 0 ||
		    !same(&t, &tt))
			abort();
		n = period_format(&t, buf2);
		if (period_parse(buf2, n, &back) != 0 || !same(&t, &back))
			abort();
		if (is_iso(p->kind) && is_iso(t.kind) &&
		    period_instant(&t) > period_instant(p))
			abort();
		/* Truncating a calendar period keeps its text's prefix. */
		if (is_iso(p->kind) && is_iso(t.kind) &&
		    memcmp(buf2, s, n) != 0)
			abort();
		if (t.kind == PERIOD_WEEKDAY && p->kind != PERIOD_WEEKDAY &&
		    t.weekday != zeller(p->year, p->month, p->day))
			abort();
		if (t.kind == PERIOD_MONTHNAME && t.month != p->month)
			abort();
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct period a, b;
	const char *s = (const char *)data + 1;
	size_t split;
	int oka, okb, c;
	uint64_t ka, kb;

	if (size < 1)
		return 0;
	split = data[0] % size;
	check_one(s, split, &a, &oka);
	check_one(s + split, size - 1 - split, &b, &okb);
	if (!oka || !okb)
		return 0;
	ka = period_key(&a);
	kb = period_key(&b);
	if ((ka == kb) != same(&a, &b))
		abort();
	if (a.kind != b.kind) {
		if ((ka < kb) != (a.kind < b.kind))
			abort();
		return 0;
	}
	if (is_iso(a.kind)) {
		c = memcmp(s, s + split, split);
		if ((c < 0) != (ka < kb) || (c == 0) != (ka == kb))
			abort();
	}
	return 0;
}
