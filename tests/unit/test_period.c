/* Unit tests for common/period.c. */
#include <string.h>

#include "period.h"
#include "unit.h"

static int
parse(const char *s, struct period *p)
{
	return period_parse(s, strlen(s), p);
}

static const char *
roundtrip(const char *s, enum period_kind to)
{
	static char buf[PERIOD_BUFSZ];
	struct period p, q;

	if (parse(s, &p) != 0 || period_truncate(&p, to, &q) != 0)
		return "ERROR";
	period_format(&q, buf);
	return buf;
}

TEST(parses_every_form)
{
	struct period p;

	CHECK(parse("2019-11-01T17", &p) == 0 && p.kind == PERIOD_HOUR &&
	    p.year == 2019 && p.month == 11 && p.day == 1 && p.hour == 17);
	CHECK(parse("2019-11-01", &p) == 0 && p.kind == PERIOD_DAY);
	CHECK(parse("2019-11", &p) == 0 && p.kind == PERIOD_MONTH);
	CHECK(parse("2019", &p) == 0 && p.kind == PERIOD_YEAR);
	CHECK(parse("Sunday", &p) == 0 && p.kind == PERIOD_WEEKDAY &&
	    p.weekday == 7);
	CHECK(parse("September", &p) == 0 && p.kind == PERIOD_MONTHNAME &&
	    p.month == 9);
}

TEST(rejects_what_is_not_a_period)
{
	static const char *bad[] = {
		"", "2019-11-01T24", "2019-13", "2019-00", "2019-11-00",
		"2019-11-31", "2019-02-29", "1900-02-29", "0000", "201",
		"2019-11-01T1", "2019-11-01 17", "2019/11/01", "2019-1-01",
		"sunday", "Sun", "Sept", "2019-11-01T17:00", "+019",
		"2019-11-01t17", "x019-11", "20a9",
	};
	struct period p;
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		CHECK(parse(bad[i], &p) == -1);
}

TEST(leap_years)
{
	struct period p;

	CHECK(parse("2020-02-29", &p) == 0);
	CHECK(parse("2000-02-29", &p) == 0);
	CHECK(parse("2100-02-29", &p) == -1);
}

TEST(weekdays_of_known_dates)
{
	CHECK_STR(roundtrip("2019-11-01T17", PERIOD_WEEKDAY), "Friday");
	CHECK_STR(roundtrip("2019-09-29", PERIOD_WEEKDAY), "Sunday");
	CHECK_STR(roundtrip("1970-01-01", PERIOD_WEEKDAY), "Thursday");
	CHECK_STR(roundtrip("2000-02-29", PERIOD_WEEKDAY), "Tuesday");
	CHECK_STR(roundtrip("0001-01-01", PERIOD_WEEKDAY), "Monday");
	CHECK_STR(roundtrip("9999-12-31", PERIOD_WEEKDAY), "Friday");
	CHECK_STR(roundtrip("2026-11-27", PERIOD_WEEKDAY), "Friday");
}

TEST(truncation_matrix)
{
	CHECK_STR(roundtrip("2019-11-01T17", PERIOD_HOUR), "2019-11-01T17");
	CHECK_STR(roundtrip("2019-11-01T17", PERIOD_DAY), "2019-11-01");
	CHECK_STR(roundtrip("2019-11-01T17", PERIOD_MONTH), "2019-11");
	CHECK_STR(roundtrip("2019-11-01T17", PERIOD_YEAR), "2019");
	CHECK_STR(roundtrip("2019-11-01T17", PERIOD_MONTHNAME), "November");
	CHECK_STR(roundtrip("2019-11-01", PERIOD_HOUR), "ERROR");
	CHECK_STR(roundtrip("2019-11", PERIOD_DAY), "ERROR");
	CHECK_STR(roundtrip("2019-11", PERIOD_WEEKDAY), "ERROR");
	CHECK_STR(roundtrip("2019-11", PERIOD_MONTHNAME), "November");
	CHECK_STR(roundtrip("2019", PERIOD_MONTH), "ERROR");
	CHECK_STR(roundtrip("2019", PERIOD_MONTHNAME), "ERROR");
	CHECK_STR(roundtrip("Monday", PERIOD_WEEKDAY), "Monday");
	CHECK_STR(roundtrip("Monday", PERIOD_DAY), "ERROR");
	CHECK_STR(roundtrip("May", PERIOD_MONTHNAME), "May");
	CHECK_STR(roundtrip("May", PERIOD_MONTH), "ERROR");
	CHECK_STR(roundtrip("May", PERIOD_WEEKDAY), "ERROR");
}

TEST(keys_order_and_invert)
{
	static const char *sorted[] = {
		"2019-12-31T23", "2020-01-01T00", "2020-01-01T01",
		"2019-12-31", "2020-01-01", "2020-02-01",
		"2019-12", "2020-01", "2019", "2020",
		"Monday", "Tuesday", "Sunday", "January", "February", "December",
	};
	struct period p, q;
	uint64_t prev = 0, key;
	char buf[PERIOD_BUFSZ];
	size_t i;

	for (i = 0; i < sizeof(sorted) / sizeof(sorted[0]); i++) {
		CHECK(parse(sorted[i], &p) == 0);
		key = period_key(&p);
		CHECK(i == 0 || key > prev);
		prev = key;
		period_from_key(key, &q);
		period_format(&q, buf);
		CHECK_STR(buf, sorted[i]);
		CHECK(q.weekday == p.weekday);
	}
}

TEST(instant_orders_across_kinds)
{
	struct period a, b;

	CHECK(parse("2020-01", &a) == 0 && parse("2020-01-01", &b) == 0);
	CHECK(period_instant(&a) < period_instant(&b));
	CHECK(parse("2020-01-01T05", &a) == 0 && parse("2020-01-02", &b) == 0);
	CHECK(period_instant(&a) < period_instant(&b));
}

TEST(kind_names)
{
	CHECK(period_kind_from_name("hour") == PERIOD_HOUR);
	CHECK(period_kind_from_name("monthname") == PERIOD_MONTHNAME);
	CHECK(period_kind_from_name("week") == -1);
	CHECK(period_kind_from_name("") == -1);
	CHECK_STR(period_kind_name(PERIOD_WEEKDAY), "weekday");
}

int
main(void)
{
	RUN(parses_every_form);
	RUN(rejects_what_is_not_a_period);
	RUN(leap_years);
	RUN(weekdays_of_known_dates);
	RUN(truncation_matrix);
	RUN(keys_order_and_invert);
	RUN(instant_orders_across_kinds);
	RUN(kind_names);
	return unit_end();
}
