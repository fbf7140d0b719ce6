/*
 * The normalised TSV (common/tsv.h) and what -v says about it.
 *
 * Every record is written, in input order. Duplicate (period,
 * sensor_id) keys are counted, not dropped: ped-agg sums them, and the
 * count tells the user that it did (DATASET.md 5.3).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "fetch.h"
#include "output.h"
#include "tsv.h"
#include "xalloc.h"

/*
 * Rows are assembled in a buffer written with one fwrite(3) per
 * OUT_SIZE bytes: per-field stdio calls cost a third of the run time.
 */
#define OUT_SIZE	65536
/* The longest row but for its name. */
#define ROW_MAX		(PERIOD_BUFSZ + 2 * 21 + 4)

struct emitter {
	char			 out[OUT_SIZE];
	size_t			 outlen;
	struct keyset		*keys;
	struct keyset		*sensors;	/* ids of a pseudo-hour */
	unsigned long long	 rows, dup_rows, dup_keys, nsensors;
	struct period		 first, last;
	uint64_t		 first_at, last_at;
	/* The previous row's period, formatted. */
	uint64_t		 prev_at;
	char			 prev[PERIOD_BUFSZ];
	size_t			 prevlen;
};

struct emitter *
emit_new(int header)
{
	struct emitter *e = xcalloc(1, sizeof(*e));

	e->keys = keyset_new();
	e->sensors = keyset_new();
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
	keyset_free(e->keys);
	keyset_free(e->sensors);
	free(e);
}

/* Appends v in decimal. */
static char *
put_u64(char *p, uint64_t v)
{
	uint64_t t = v;
	char *end;

	do
		p++;
	while ((t /= 10) != 0);
	end = p;
	do {
		*--p = (char)('0' + v % 10);
		v /= 10;
	} while (v != 0);
	return end;
}

/*
 * Copies a name that needs no escaping to dst; returns NULL when it may
 * need some (any byte below 14 or a backslash: two compares a byte,
 * where the exact four would take four), else the end of the copy.
 */
static char *
copy_plain(char *dst, const char *s, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c < 14 || c == '\\')
			return NULL;
		dst[i] = (char)c;
	}
	return dst + len;
}

static void
count_keys(struct emitter *e, const struct record *r, uint64_t at)
{
	if (!keyset_add(e->keys, at, r->sensor_id)) {
		e->dup_rows++;
		e->dup_keys += keyset_mark_dup(e->keys, at, r->sensor_id);
	}
	e->nsensors += keyset_add(e->sensors, 1, r->sensor_id);
	if (e->rows == 0 || at < e->first_at) {
		e->first_at = at;
		e->first = r->period;
	}
	if (e->rows == 0 || at > e->last_at) {
		e->last_at = at;
		e->last = r->period;
	}
}

void
emit_record(struct emitter *e, const struct record *r)
{
	uint64_t at = period_instant(&r->period);
	char *p, *q;

	count_keys(e, r, at);
	e->rows++;
	if (e->outlen + ROW_MAX + r->name_len > OUT_SIZE)
		flush_out(e);
	p = e->out + e->outlen;
	/* Rows come in runs of one period: format it once a run. */
	if (at != e->prev_at) {
		e->prevlen = period_format(&r->period, e->prev);
		e->prev_at = at;
	}
	memcpy(p, e->prev, PERIOD_BUFSZ);
	p += e->prevlen;
	*p++ = '\t';
	p = put_u64(p, r->sensor_id);
	*p++ = '\t';
	if (r->name_len > OUT_SIZE - ROW_MAX ||
	    (q = copy_plain(p, r->name, r->name_len)) == NULL) {
		e->outlen = (size_t)(p - e->out);
		flush_out(e);
		tsv_put_escaped(stdout, r->name, r->name_len);
		p = e->out;
	} else
		p = q;
	*p++ = '\t';
	p = put_u64(p, r->count);
	*p++ = '\n';
	e->outlen = (size_t)(p - e->out);
}

unsigned long long
emit_rows(const struct emitter *e)
{
	return e->rows;
}

unsigned long long
emit_dup_rows(const struct emitter *e)
{
	return e->dup_rows;
}

unsigned long long
emit_dup_keys(const struct emitter *e)
{
	return e->dup_keys;
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
	fprintf(stderr, "%s: rows read %llu, emitted %llu, skipped %llu\n",
	    get_progname(), read, e->rows, skipped);
	fprintf(stderr, "%s: duplicate keys %llu%s (%llu rows), sensors %llu, "
	    "periods %s to %s\n", get_progname(), e->dup_keys,
	    keyset_forgot(e->keys) ? " or more" : "", e->dup_rows,
	    e->nsensors, first, last);
}
