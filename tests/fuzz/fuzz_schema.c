/*
 * libFuzzer target: ped-fetch's header detection and row conversion
 * (tools/fetch/schema.c), then the duplicate policy (tools/fetch/dups.c).
 * The first byte forces a schema (or not) and picks the policy; the rest
 * is a CSV document. Checks: a converted row has a real hour, ids and
 * counts in range, a name that is UTF-8 without NUL; a refusal says why;
 * the policy (built with tiny bounds, tests/fuzz/dups_small.c, so that
 * hours are closed, reopened and forgotten) never writes one (hour,
 * sensor_id) twice unless it said it could not check, writes every key
 * it took, with the count an independent computation of the policy
 * gives, and writes nothing after an error.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../../tools/fetch/fetch.h"
#include "num.h"

#define MAX_KEYS	4096

struct src {
	const uint8_t	*p;
	size_t		 len, off;
};

struct seen {
	uint64_t	 hour[MAX_KEYS], sensor[MAX_KEYS];
	uint64_t	 count[MAX_KEYS];	/* written, or expected */
	uint64_t	 first[MAX_KEYS];	/* first row's count */
	uint64_t	 name[MAX_KEYS];	/* its name's FNV-1a */
	int		 have[MAX_KEYS];
	size_t		 n;
};

static struct dups *cur;
static enum dup_policy policy;

static struct seen written, taken;

static size_t
src_read(void *ctx, void *buf, size_t n)
{
	struct src *s = ctx;
	size_t k = n < 4096 ? n : 4096;

	if (k > s->len - s->off)
		k = s->len - s->off;
	memcpy(buf, s->p + s->off, k);
	s->off += k;
	return k;
}

/* The index of a key, or -1. */
static long
find(const struct seen *s, uint64_t hour, uint64_t sensor)
{
	size_t i;

	for (i = 0; i < s->n; i++)
		if (s->hour[i] == hour && s->sensor[i] == sensor)
			return (long)i;
	return -1;
}

static long
add(struct seen *s, uint64_t hour, uint64_t sensor)
{
	long i = find(s, hour, sensor);

	if (i < 0 && s->n < MAX_KEYS) {
		i = (long)s->n++;
		s->hour[i] = hour;
		s->sensor[i] = sensor;
		s->have[i] = 0;
	}
	return i;
}

/* The policy, computed apart from dups.c, as rows are taken. */
static void
reference(long i, const struct record *r)
{
	uint64_t h = 14695981039346656037ull;
	size_t k;

	if (i < 0)
		return;
	for (k = 0; k < r->name_len; k++)
		h = (h ^ (unsigned char)r->name[k]) * 1099511628211ull;
	if (!taken.have[i]) {
		taken.have[i] = 1;
		taken.first[i] = taken.count[i] = r->count;
		taken.name[i] = h;
		return;
	}
	if (r->count == taken.first[i] && h == taken.name[i])
		return;	/* an exact duplicate */
	if (policy == DUP_LAST)
		taken.count[i] = r->count;
	else if (policy == DUP_MAX && r->count > taken.count[i])
		taken.count[i] = r->count;
	else if (policy == DUP_SUM)
		taken.count[i] += r->count;
}

/* Strict UTF-8 (RFC 3629), written apart from schema.c's. */
static int
utf8_ok(const unsigned char *s, size_t n)
{
	size_t i = 0;
	uint32_t cp, min;
	int k;

	while (i < n) {
		if (s[i] < 0x80) {
			i++;
			continue;
		}
		if ((s[i] & 0xe0) == 0xc0)
			k = 1, cp = s[i] & 0x1f, min = 0x80;
		else if ((s[i] & 0xf0) == 0xe0)
			k = 2, cp = s[i] & 0x0f, min = 0x800;
		else if ((s[i] & 0xf8) == 0xf0)
			k = 3, cp = s[i] & 0x07, min = 0x10000;
		else
			return 0;
		if (n - i <= (size_t)k)
			return 0;
		for (int j = 1; j <= k; j++) {
			if ((s[i + j] & 0xc0) != 0x80)
				return 0;
			cp = cp << 6 | (s[i + j] & 0x3f);
		}
		if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
			return 0;
		i += (size_t)k + 1;
	}
	return 1;
}

static int stopped;

static void
on_write(void *ctx, const struct period *p, uint64_t sensor,
    const char *name, size_t len, uint64_t count)
{
	uint64_t hour = period_instant(p);

	(void)ctx;
	if (stopped || p->kind != PERIOD_HOUR || count > PED_INT_MAX ||
	    memchr(name, '\0', len) != NULL)
		abort();
	if (written.n < MAX_KEYS && find(&written, hour, sensor) >= 0 &&
	    dups_unchecked(cur) == 0)
		abort();
	if (find(&written, hour, sensor) < 0) {
		long i = add(&written, hour, sensor);

		if (i >= 0)
			written.count[i] = count;
	}
}

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const enum schema forced[] = { SCHEMA_AUTO, SCHEMA_SOCRATA,
	    SCHEMA_ODS2023, SCHEMA_ODS };
	struct src s;
	struct csv_reader *r;
	struct csv_field *fl;
	struct schema_map m;
	struct record rec;
	struct row row;
	struct dups *d;
	char why[WHY_SIZE];
	size_t n, i;
	int c, rc;

	if (size < 1)
		return 0;
	s.p = data + 1;
	s.len = size - 1;
	s.off = 0;
	written.n = taken.n = 0;
	stopped = 0;
	r = csv_reader_new(src_read, &s, 0);
	if (csv_reader_next(r, &fl, &n) <= 0) {
		csv_reader_free(r);
		return 0;
	}
	memset(why, 0, sizeof(why));
	if (schema_detect(fl, n, forced[data[0] & 3], &m, why) != 0) {
		if (why[0] == '\0' || memchr(why, '\0', WHY_SIZE) == NULL)
			abort();
		csv_reader_free(r);
		return 0;
	}
	policy = (enum dup_policy)((data[0] >> 2) % 5);
	cur = d = dups_new(policy, on_write, NULL);
	while ((rc = csv_reader_next(r, &fl, &n)) > 0) {
		if (n != m.width)
			continue;
		for (c = 0; c < NCOLS; c++) {
			row.f[c].s = m.col[c] >= 0 ? fl[m.col[c]].s : NULL;
			row.f[c].len = m.col[c] >= 0 ? fl[m.col[c]].len : 0;
		}
		row.line = csv_reader_line(r);
		why[0] = '\0';
		if (row_convert(m.schema, &row, &rec, why) != 0) {
			if (why[0] == '\0')
				abort();
			continue;
		}
		if (rec.period.month < 1 || rec.period.month > 12 ||
		    rec.period.day < 1 || rec.period.day > 31 ||
		    rec.period.hour > 23 || rec.sensor_id > PED_INT_MAX ||
		    rec.count > PED_INT_MAX ||
		    !utf8_ok((const unsigned char *)rec.name, rec.name_len) ||
		    memchr(rec.name, '\0', rec.name_len) != NULL)
			abort();
		if (dups_add(d, &rec, why) != 0) {
			if (why[0] == '\0')
				abort();
			stopped = 1;
			break;
		}
		reference(add(&taken, period_instant(&rec.period),
		    rec.sensor_id), &rec);
	}
	if (!stopped) {
		dups_finish(d);
		/* Every key taken was written, with the policy's count. */
		if (taken.n < MAX_KEYS)
			for (i = 0; i < taken.n; i++) {
				long w = find(&written, taken.hour[i],
				    taken.sensor[i]);

				if (w < 0 || (dups_unchecked(d) == 0 &&
				    written.count[w] != taken.count[i]))
					abort();
			}
	}
	dups_free(d);
	csv_reader_free(r);
	return 0;
}
