/*
 * The normalised TSV (common/tsv.h) and what -v says about it.
 *
 * Records go through the duplicate policy (dups.c), which writes one
 * row per (hour, sensor_id) key; the statistics are of the rows written.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "fetch.h"
#include "htab.h"
#include "output.h"
#include "tsv.h"
#include "xalloc.h"

/*
 * Rows are assembled in a buffer written with one fwrite(3) per
 * OUT_SIZE bytes: per-field stdio calls cost a third of the run time.
 */
#define OUT_SIZE	65536
/* Sensor ids counted in a bitmap; larger ones in a table. */
#define SMALL_IDS	4096
/* The longest row but for its name. */
#define ROW_MAX		(PERIOD_BUFSZ + 2 * 21 + 4)

struct emitter {
	char			 out[OUT_SIZE];
	size_t			 outlen;
	struct dups		*dups;
	enum dup_policy		 policy;
	uint64_t		 smallids[SMALL_IDS / 64];	/* ids below */
	struct htab		 bigids;	/* the others */
	unsigned long long	 rows, nsensors;
	struct period		 first, last;
	uint64_t		 first_at, last_at;
	/* The previous row's period, formatted. */
	uint64_t		 prev_at;
	char			 prev[PERIOD_BUFSZ];
	size_t			 prevlen;
};

static dup_write_fn put_row;

struct emitter *
emit_new(int header, enum dup_policy policy)
{
	struct emitter *e = xcalloc(1, sizeof(*e));

	e->policy = policy;
	e->dups = dups_new(policy, put_row, e);
	htab_init(&e->bigids);
	if (header)
		puts(TSV_HEADER);
	return e;
}

static void
flush_out(struct emitter *e)
{
	fwrite(e->out, 1, e->outlen, stdout);
	e->outlen = 0;
	/* Now, while errno still says why (ENOSPC, EPIPE). */
	check_stdout();
}

void
emit_flush(struct emitter *e)
{
	flush_out(e);
}

void
emit_free(struct emitter *e)
{
	if (e == NULL)
		return;
	flush_out(e);
	dups_free(e->dups);
	htab_free(&e->bigids);
	free(e);
}

/* Appends v in decimal, two digits a division, straight into place. */
static char *
put_u64(char *p, uint64_t v)
{
	static const char pairs[] =
	    "00010203040506070809101112131415161718192021222324252627282930"
	    "31323334353637383940414243444546474849505152535455565758596061"
	    "62636465666768697071727374757677787980818283848586878889909192"
	    "93949596979899";
	uint64_t t;
	size_t n = 1;
	char *q;

	for (t = v; t >= 10; t /= 10)
		n++;
	q = p + n;
	while (v >= 100) {
		q -= 2;
		memcpy(q, pairs + 2 * (v % 100), 2);
		v /= 100;
	}
	if (v >= 10)
		memcpy(q - 2, pairs + 2 * v, 2);
	else
		q[-1] = (char)('0' + v);
	return p + n;
}

/*
 * Copies a name that needs no escaping to dst; returns NULL when it may
 * need some (any byte below 14 or a backslash: two compares a byte,
 * where the exact four would take four), else the end of the copy.
 */
static char *
copy_plain(char *dst, const char *s, size_t len)
{
	const uint64_t ones = 0x0101010101010101ull, highs = ones << 7;
	uint64_t w, b;
	size_t i;

	/* Eight bytes at a time: any below 14, or a backslash? */
	for (i = 0; i + 8 <= len; i += 8) {
		memcpy(&w, s + i, 8);
		b = w ^ (ones * '\\');
		if ((((w - ones * 14) & ~w) | ((b - ones) & ~b)) & highs)
			break;
		memcpy(dst + i, &w, 8);
	}
	/* The last 0..7 bytes: the last eight again, when there are. */
	if (i < len && len >= 8 && i + 8 > len) {
		memcpy(&w, s + len - 8, 8);
		b = w ^ (ones * '\\');
		if (!((((w - ones * 14) & ~w) | ((b - ones) & ~b)) & highs)) {
			memcpy(dst + len - 8, &w, 8);
			return dst + len;
		}
	}
	for (; i < len; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c < 14 || c == '\\')
			return NULL;
		dst[i] = (char)c;
	}
	return dst + len;
}

static void
count_row(struct emitter *e, const struct period *p, uint64_t sensor,
    uint64_t at)
{
	int isnew;

	if (sensor < SMALL_IDS) {
		if (!(e->smallids[sensor / 64] & 1ull << (sensor % 64))) {
			e->smallids[sensor / 64] |= 1ull << (sensor % 64);
			e->nsensors++;
		}
	} else {
		htab_put(&e->bigids, &sensor, sizeof(sensor), &isnew);
		e->nsensors += (unsigned long long)isnew;
	}
	if (e->rows == 0 || at < e->first_at) {
		e->first_at = at;
		e->first = *p;
	}
	if (e->rows == 0 || at > e->last_at) {
		e->last_at = at;
		e->last = *p;
	}
	e->rows++;
}

/* Writes one row (the duplicate policy's dup_write_fn). */
static void
put_row(void *ctx, const struct period *period, uint64_t sensor,
    const char *name, size_t name_len, uint64_t count)
{
	struct emitter *e = ctx;
	uint64_t at = period_instant(period);
	char *p, *q;

	count_row(e, period, sensor, at);
	if (e->outlen + ROW_MAX + name_len > OUT_SIZE)
		flush_out(e);
	p = e->out + e->outlen;
	/* Rows come in runs of one period: format it once a run. */
	if (at != e->prev_at) {
		e->prevlen = period_format(period, e->prev);
		e->prev_at = at;
	}
	memcpy(p, e->prev, PERIOD_BUFSZ);
	p += e->prevlen;
	*p++ = '\t';
	p = put_u64(p, sensor);
	*p++ = '\t';
	if (name_len > OUT_SIZE - ROW_MAX ||
	    (q = copy_plain(p, name, name_len)) == NULL) {
		e->outlen = (size_t)(p - e->out);
		flush_out(e);
		tsv_put_escaped(stdout, name, name_len);
		p = e->out;
	} else
		p = q;
	*p++ = '\t';
	p = put_u64(p, count);
	*p++ = '\n';
	e->outlen = (size_t)(p - e->out);
}

int
emit_record(struct emitter *e, const struct record *r, char *why)
{
	return dups_add(e->dups, r, why);
}

void
emit_finish(struct emitter *e)
{
	dups_finish(e->dups);
}

unsigned long long
emit_rows(const struct emitter *e)
{
	return e->rows;
}

/*
 * "243 hours had 2 or 3 conflicting rows (kept the first; e.g.
 * 2023-09-01T00 location 1: 74, 42)".
 */
void
emit_warn_dups(const struct emitter *e)
{
	static const char *const kept[] = {
		[DUP_FIRST] = "kept the first", [DUP_LAST] = "kept the last",
		[DUP_MAX] = "kept the largest", [DUP_SUM] = "summed them",
		[DUP_ERROR] = "",
	};
	char hour[PERIOD_BUFSZ], rows[48], ex[160];
	const uint64_t *counts;
	struct period p;
	uint64_t sensor;
	unsigned min, max, n, i;
	size_t o;

	if (dups_unchecked(e->dups) > 0)
		warn_msg("%llu rows came more than a week out of time order "
		    "for hours no longer remembered: not checked for "
		    "duplicates", dups_unchecked(e->dups));
	if (dups_conflicts(e->dups) == 0)
		return;
	dups_rows_range(e->dups, &min, &max);
	if (min == max)
		snprintf(rows, sizeof(rows), "%u", min);
	else
		snprintf(rows, sizeof(rows), max == min + 1 ? "%u or %u" :
		    "%u to %u", min, max);
	ex[0] = '\0';
	if (dups_example(e->dups, &p, &sensor, &counts, &n)) {
		period_format(&p, hour);
		o = (size_t)snprintf(ex, sizeof(ex), "; e.g. %s location "
		    "%llu:", hour, (unsigned long long)sensor);
		for (i = 0; i < n && i < 4 && o < sizeof(ex); i++)
			o += (size_t)snprintf(ex + o, sizeof(ex) - o, "%s %llu",
			    i > 0 ? "," : "", (unsigned long long)counts[i]);
		if (n > 4 && o < sizeof(ex))
			snprintf(ex + o, sizeof(ex) - o, ", ...");
	}
	fflush(stdout);
	warn_msg("%llu hour%s had %s conflicting rows (%s%s)",
	    dups_conflicts(e->dups), dups_conflicts(e->dups) == 1 ? "" : "s",
	    rows, kept[e->policy], ex);
}

void
emit_summary(const struct emitter *e, unsigned long long read,
    unsigned long long skipped)
{
	char first[PERIOD_BUFSZ] = "-", last[PERIOD_BUFSZ] = "-";

	if (e->rows > 0) {
		period_format(&e->first, first);
		period_format(&e->last, last);
	}
	/* Keep the summary after any output still buffered. */
	fflush(stdout);
	fprintf(stderr, "%s: summary: rows read %llu, kept %llu, duplicate "
	    "hours %llu (policy %s), skipped %llu, sensors %llu, first %s, "
	    "last %s\n", get_progname(), read, e->rows,
	    dups_conflicts(e->dups), dup_policy_name(e->policy), skipped,
	    e->nsensors, first, last);
}
