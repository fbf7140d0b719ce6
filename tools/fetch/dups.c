/*
 * The duplicate policy (--duplicates): one row per (hour, sensor_id)
 * key, in bounded memory.
 *
 * A key's rows are compared with its first row: a row with the same
 * count and name is an exact duplicate, dropped silently (an error
 * under "error"); any other is a conflicting row, counted, and the key
 * keeps the first, the last, the largest count or the sum of them.
 *
 * Memory. Keys live in "open" hours: per open hour, the list of its
 * keys (first count, name hash, kept count and name) and a 512-bit
 * filter of its sensor ids. Once SOFT_OPEN keys or SOFT_HOURS hours are
 * open, an hour is closed when it lies more than the window behind the
 * latest hour seen: WINDOW_HOURS, widened to twice the furthest any row
 * has lagged so far (unordered input keeps everything open); past
 * MAX_OPEN keys the oldest hours are closed whatever the window.
 * Closing writes the hour's kept rows (first: they were written as they
 * came) and moves the hour into the closed set: runs of consecutive
 * hours with the same bitmap of sensor ids (ids below 512, then the
 * first 512 larger ids seen), the bitmaps interned, plus a table of
 * the other ids. A row for a closed hour reopens it: a repeat of a key
 * already written is then dropped and counted as conflicting under
 * first (its first count is gone), and is an error under the other
 * policies (its row was written). When the closed set outgrows
 * MAX_RUNS runs, MAX_MAPS bitmaps or MAX_BIG other keys it is cleared,
 * and rows of hours it no longer knows are counted (dups_unchecked()).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "fetch.h"
#include "htab.h"
#include "num.h"
#include "xalloc.h"

/* The bounds (tests/fuzz/dups_small.c sets tiny ones). */
#ifndef WINDOW_HOURS
#define WINDOW_HOURS	168		/* a week of out-of-order rows */
#define SOFT_OPEN	(1u << 15)	/* keys held before any closes, */
#define SOFT_HOURS	4096		/* or hours */
#define MAX_OPEN	(400u * 1000)	/* keys held: about 22 MiB */
#define MAX_RUNS	(256u * 1024)
#define MAX_MAPS	(8u * 1024)
#define MAX_BIG		(256u * 1024)
#endif
#define FILT_BITS	512
/* Bits of a bitmap: ids 0..511, then the first 512 larger ids seen. */
#define MAP_BITS	1024
#define MAP_WORDS	(MAP_BITS / 64)
#define SMALL_IDS	512
#define NONE		UINT32_MAX
#define EXAMPLE_MAX	4		/* counts shown in the warning */

struct key {
	uint64_t	 sensor;
	uint64_t	 first;		/* count of the first row */
	uint64_t	 kept;		/* count to write (held policies) */
	uint64_t	 namehash;	/* name of the first row */
	uint64_t	 seq;		/* order of first appearance */
	uint32_t	 name;		/* interned kept name (held) */
	uint32_t	 rows;		/* first + conflicting rows */
	uint32_t	 written;	/* already written before a reopen */
};

struct ohour {
	uint32_t	 hour;		/* hour number; 0: free */
	uint32_t	 nkeys, capkeys;
	uint32_t	 nextfree;	/* free list of hours */
	struct key	*keys;		/* in the order they came; kept when
					   the hour is freed, for reuse */
	/* key index + 1 by sensor id, 0 empty; built at the first
	 * filter hit (more than 512 sensors, or a repeat), then kept */
	uint32_t	*ix;
	uint32_t	 ixcap;		/* a power of two; kept like keys */
	int		 ixon;
	int		 reopened;
	int		 unchecked;	/* may have been forgotten */
	struct period	 period;
	uint64_t	 filt[FILT_BITS / 64];	/* sensor % 512 of its keys */
	uint64_t	*done;		/* written before a reopen */
	uint64_t	 bits[MAP_WORDS];	/* its ids' bits (bitno) */
	uint32_t	 nconf;		/* keys with conflicting rows */
	uint32_t	 nother;	/* keys without a bit */
};

struct run {
	uint32_t	 first, last, map;
};

struct dups {
	enum dup_policy	 policy;
	dup_write_fn	*write;
	void		*ctx;
	uint32_t	 nopen;		/* keys in open hours */
	uint64_t	 seq;
	/* Open hours: array + index (linear probing) + min-heap. */
	struct ohour	*hours;
	uint32_t	 nhours, usedhours, caphours, freehour;
	uint32_t	*index;		/* hour slot + 1, 0 empty */
	size_t		 icap;
	uint32_t	*heap;		/* hour numbers */
	size_t		 heaplen, heapcap;
	uint32_t	 maxhour;
	uint32_t	 window;	/* hours kept open behind maxhour */
	struct ohour	*last;		/* the previous row's hour */
	/* Closed hours. */
	struct run	*runs;
	size_t		 nruns, capruns;
	struct htab	 maps;		/* bitmap -> id */
	const uint64_t	**mapv;
	size_t		 nmaps, capmaps;
	struct htab	 bigix;		/* sensor >= 512 -> its bit - 512 */
	struct htab	 big;		/* (hour, sensor) closed, others */
	int		 forgot;
	uint32_t	 closed_max;	/* the latest hour ever closed */
	uint32_t	 forgot_max;	/* ... when the set was cleared */
	unsigned long long unchecked;	/* rows of forgotten hours */
	/* Kept names (held policies). */
	struct htab	 names;
	const char	**namev;
	size_t		*namelen, nnames, capnames;
	/* Statistics. */
	unsigned long long conflicts, dropped;
	uint32_t	 minrows, maxrows;
	int		 have_example;
	struct period	 ex_period;
	uint64_t	 ex_sensor;
	uint64_t	 ex_counts[EXAMPLE_MAX];
	unsigned	 ex_n;
};

static const char *const policy_names[] = {
	[DUP_FIRST] = "first", [DUP_LAST] = "last", [DUP_MAX] = "max",
	[DUP_SUM] = "sum", [DUP_ERROR] = "error"
};

int
dup_policy_from_name(const char *s, enum dup_policy *p)
{
	size_t i;

	for (i = 0; i < sizeof(policy_names) / sizeof(policy_names[0]); i++)
		if (strcmp(s, policy_names[i]) == 0) {
			*p = (enum dup_policy)i;
			return 0;
		}
	return -1;
}

const char *
dup_policy_name(enum dup_policy p)
{
	return policy_names[p];
}

struct dups *
dups_new(enum dup_policy policy, dup_write_fn *write, void *ctx)
{
	struct dups *d = xcalloc(1, sizeof(*d));

	d->policy = policy;
	d->write = write;
	d->ctx = ctx;
	d->freehour = NONE;
	d->window = WINDOW_HOURS;
	d->icap = 64;
	d->index = xcalloc(d->icap, sizeof(*d->index));
	htab_init(&d->maps);
	htab_init(&d->big);
	htab_init(&d->bigix);
	htab_init(&d->names);
	return d;
}

void
dups_free(struct dups *d)
{
	size_t i;

	if (d == NULL)
		return;
	for (i = 0; i < d->usedhours; i++) {
		free(d->hours[i].keys);
		free(d->hours[i].ix);
		if (d->hours[i].hour != 0)
			free(d->hours[i].done);
	}
	free(d->hours);
	free(d->index);
	free(d->heap);
	free(d->runs);
	free(d->mapv);
	htab_free(&d->maps);
	htab_free(&d->big);
	htab_free(&d->bigix);
	htab_free(&d->names);
	free(d->namev);
	free(d->namelen);
	free(d);
}

/* The hour number of a period: hours since 0000-12-31T00, never 0. */
static uint32_t
hour_number(const struct period *p)
{
	return (uint32_t)((period_days_from_civil(p->year, p->month, p->day) +
	    719163) * 24 + p->hour);
}

/* --- the index of open hours ------------------------------------------- */

static size_t
islot(const struct dups *d, uint32_t hour)
{
	return (size_t)((hour * 0x9e3779b97f4a7c15ull) >> 32) &
	    (d->icap - 1);
}

static uint32_t *
ifind(const struct dups *d, uint32_t hour)
{
	size_t i = islot(d, hour);

	while (d->index[i] != 0 && d->hours[d->index[i] - 1].hour != hour)
		i = (i + 1) & (d->icap - 1);
	return &d->index[i];
}

static void
igrow(struct dups *d)
{
	uint32_t *old = d->index;
	size_t i, oldcap = d->icap;

	d->icap *= 2;
	d->index = xcalloc(d->icap, sizeof(*d->index));
	for (i = 0; i < oldcap; i++)
		if (old[i] != 0)
			*ifind(d, d->hours[old[i] - 1].hour) = old[i];
	free(old);
}

/* Removes hour from the index (backward-shift deletion). */
static void
idel(struct dups *d, uint32_t hour)
{
	size_t i = (size_t)(ifind(d, hour) - d->index), j = i, k;

	d->index[i] = 0;
	for (;;) {
		j = (j + 1) & (d->icap - 1);
		if (d->index[j] == 0)
			return;
		k = islot(d, d->hours[d->index[j] - 1].hour);
		/* Move j back to i unless its home lies in (i, j]. */
		if (i <= j ? (i < k && k <= j) : (i < k || k <= j))
			continue;
		d->index[i] = d->index[j];
		d->index[j] = 0;
		i = j;
	}
}

/* --- the min-heap of open hour numbers ---------------------------------- */

static void
heap_push(struct dups *d, uint32_t h)
{
	size_t i;

	if (d->heaplen == d->heapcap) {
		d->heapcap = d->heapcap ? d->heapcap * 2 : 64;
		d->heap = xreallocarray(d->heap, d->heapcap, sizeof(*d->heap));
	}
	i = d->heaplen++;
	while (i > 0 && d->heap[(i - 1) / 2] > h) {
		d->heap[i] = d->heap[(i - 1) / 2];
		i = (i - 1) / 2;
	}
	d->heap[i] = h;
}

static uint32_t
heap_pop(struct dups *d)
{
	uint32_t top = d->heap[0], h = d->heap[--d->heaplen];
	size_t i = 0, c;

	while ((c = 2 * i + 1) < d->heaplen) {
		if (c + 1 < d->heaplen && d->heap[c + 1] < d->heap[c])
			c++;
		if (d->heap[c] >= h)
			break;
		d->heap[i] = d->heap[c];
		i = c;
	}
	if (d->heaplen > 0)
		d->heap[i] = h;
	return top;
}

/* --- the closed set --------------------------------------------------- */

static void
forget(struct dups *d)
{
	d->nruns = 0;
	d->nmaps = 0;
	htab_free(&d->maps);
	htab_init(&d->maps);
	htab_free(&d->big);
	htab_init(&d->big);
	d->forgot = 1;
	d->forgot_max = d->closed_max;
}

static uint32_t
map_intern(struct dups *d, const uint64_t *map)
{
	struct htab_slot *s;
	int isnew;

	s = htab_put(&d->maps, map, MAP_WORDS * 8, &isnew);
	if (isnew) {
		if (d->nmaps == d->capmaps) {
			d->capmaps = d->capmaps ? d->capmaps * 2 : 64;
			d->mapv = xreallocarray(d->mapv, d->capmaps,
			    sizeof(*d->mapv));
		}
		s->value = d->nmaps;
		d->mapv[d->nmaps++] = (const uint64_t *)(const void *)s->key;
	}
	return (uint32_t)s->value;
}

/* The index of the run covering hour, or of the first run after it. */
static size_t
run_search(const struct dups *d, uint32_t hour, int *covers)
{
	size_t lo = 0, hi = d->nruns, mid;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (d->runs[mid].last < hour)
			lo = mid + 1;
		else
			hi = mid;
	}
	*covers = lo < d->nruns && d->runs[lo].first <= hour;
	return lo;
}

static void
run_insert(struct dups *d, size_t at, uint32_t first, uint32_t last,
    uint32_t map)
{
	if (d->nruns == d->capruns) {
		d->capruns = d->capruns ? d->capruns * 2 : 256;
		d->runs = xreallocarray(d->runs, d->capruns, sizeof(*d->runs));
	}
	memmove(d->runs + at + 1, d->runs + at,
	    (d->nruns - at) * sizeof(*d->runs));
	d->runs[at].first = first;
	d->runs[at].last = last;
	d->runs[at].map = map;
	d->nruns++;
}

/* Records that hour was written with the sensor ids < 512 in map. */
static void
closed_set(struct dups *d, uint32_t hour, const uint64_t *bits)
{
	uint32_t map;
	size_t i;
	int covers;
	struct run r;

	map = map_intern(d, bits);
	i = run_search(d, hour, &covers);
	if (covers) {
		r = d->runs[i];
		if (r.map == map)
			return;
		/* Split r around hour. */
		d->runs[i].last = hour;
		d->runs[i].first = hour;
		d->runs[i].map = map;
		if (r.last > hour)
			run_insert(d, i + 1, hour + 1, r.last, r.map);
		if (r.first < hour)
			run_insert(d, i, r.first, hour - 1, r.map);
		return;
	}
	if (i > 0 && d->runs[i - 1].last + 1 == hour &&
	    d->runs[i - 1].map == map) {
		d->runs[i - 1].last = hour;
		if (i < d->nruns && d->runs[i].first == hour + 1 &&
		    d->runs[i].map == map) {
			d->runs[i - 1].last = d->runs[i].last;
			memmove(d->runs + i, d->runs + i + 1,
			    (d->nruns - i - 1) * sizeof(*d->runs));
			d->nruns--;
		}
		return;
	}
	if (i < d->nruns && d->runs[i].first == hour + 1 &&
	    d->runs[i].map == map) {
		d->runs[i].first = hour;
		return;
	}
	run_insert(d, i, hour, hour, map);
}

/* The bitmap of a closed hour, or NULL when it is not closed. */
static const uint64_t *
closed_get(const struct dups *d, uint32_t hour)
{
	int covers;
	size_t i = run_search(d, hour, &covers);

	return covers ? d->mapv[d->runs[i].map] : NULL;
}

static int
big_closed(struct dups *d, uint32_t hour, uint64_t sensor, int add)
{
	uint64_t k[2] = { hour, sensor };
	int isnew;

	if (!add)
		return htab_get(&d->big, k, sizeof(k)) != NULL;
	htab_put(&d->big, k, sizeof(k), &isnew);
	return 0;
}

/* The bit of a sensor id in a bitmap, or -1 when it has none. */
static int
bitno(struct dups *d, uint64_t sensor)
{
	struct htab_slot *s;
	int isnew;

	if (sensor < SMALL_IDS)
		return (int)sensor;
	if ((s = htab_get(&d->bigix, &sensor, sizeof(sensor))) != NULL)
		return SMALL_IDS + (int)s->value;
	if (d->bigix.len >= MAP_BITS - SMALL_IDS)
		return -1;
	s = htab_put(&d->bigix, &sensor, sizeof(sensor), &isnew);
	s->value = d->bigix.len - 1;
	return SMALL_IDS + (int)s->value;
}

/* --- names kept by the held policies ---------------------------------- */

static uint32_t
name_intern(struct dups *d, const char *s, size_t len)
{
	struct htab_slot *slot;
	int isnew;

	slot = htab_put(&d->names, s, len, &isnew);
	if (isnew) {
		if (d->nnames == d->capnames) {
			d->capnames = d->capnames ? d->capnames * 2 : 64;
			d->namev = xreallocarray(d->namev, d->capnames,
			    sizeof(*d->namev));
			d->namelen = xreallocarray(d->namelen, d->capnames,
			    sizeof(*d->namelen));
		}
		slot->value = d->nnames;
		d->namev[d->nnames] = slot->key;
		d->namelen[d->nnames++] = len;
	}
	return (uint32_t)slot->value;
}

/* --- open hours ------------------------------------------------------- */

static void
write_key(struct dups *d, const struct ohour *h, const struct key *k)
{
	d->write(d->ctx, &h->period, k->sensor, d->namev[k->name],
	    d->namelen[k->name], k->kept);
}

/*
 * Closes the open hour number hour: writes and forgets its keys; at the
 * end (final) the rows were written already and nothing is kept.
 */
static void
close_hour(struct dups *d, uint32_t hour, int final)
{
	uint32_t *slot = ifind(d, hour), hi = *slot - 1, i;
	struct ohour *h = &d->hours[hi];
	uint64_t bits[MAP_WORDS];
	struct key *k;

	/* Room for the hour in the closed set, else it starts again. */
	if (!final && (d->nruns + 2 > MAX_RUNS || d->nmaps >= MAX_MAPS ||
	    d->big.len + h->nother > MAX_BIG))
		forget(d);
	memcpy(bits, h->bits, sizeof(bits));
	if (h->done != NULL)
		for (i = 0; i < MAP_WORDS; i++)
			bits[i] |= h->done[i];
	free(h->done);
	h->done = NULL;
	/* Most hours of time-ordered input need no look at their keys. */
	for (i = 0; (h->nconf > 0 || h->nother > 0 || (!final &&
	    d->policy != DUP_FIRST && d->policy != DUP_ERROR)) &&
	    i < h->nkeys; i++) {
		k = &h->keys[i];
		if (k->rows > 1) {
			if (d->minrows == 0 || k->rows < d->minrows)
				d->minrows = k->rows;
			if (k->rows > d->maxrows)
				d->maxrows = k->rows;
		}
		if (final)
			continue;
		if (h->nother > 0 && bitno(d, k->sensor) < 0)
			big_closed(d, hour, k->sensor, 1);
		if (d->policy != DUP_FIRST && d->policy != DUP_ERROR &&
		    !k->written)
			write_key(d, h, k);
	}
	d->nopen -= h->nkeys;
	h->nkeys = 0;
	if (!final) {
		closed_set(d, hour, bits);
		if (hour > d->closed_max)
			d->closed_max = hour;
	}
	idel(d, hour);
	if (d->last == h)
		d->last = NULL;
	h->hour = 0;
	h->nextfree = d->freehour;
	d->freehour = hi;
	d->nhours--;
}

static struct ohour *
open_hour(struct dups *d, const struct period *p, uint32_t hour)
{
	uint32_t *slot = ifind(d, hour), hi, cap, *ix, ixcap;
	const uint64_t *done;
	struct ohour *h;
	struct key *keys;

	if (*slot != 0)
		return &d->hours[*slot - 1];
	if ((size_t)(d->nhours + 1) * 2 > d->icap) {
		igrow(d);
		slot = ifind(d, hour);
	}
	if (d->freehour != NONE) {
		hi = d->freehour;
		d->freehour = d->hours[hi].nextfree;
	} else {
		if (d->usedhours == d->caphours) {
			d->caphours = d->caphours ? d->caphours * 2 : 64;
			d->hours = xreallocarray(d->hours, d->caphours,
			    sizeof(*d->hours));
			d->last = NULL;
		}
		hi = d->usedhours++;
		d->hours[hi].keys = NULL;
		d->hours[hi].capkeys = 0;
		d->hours[hi].ix = NULL;
		d->hours[hi].ixcap = 0;
	}
	d->nhours++;
	h = &d->hours[hi];
	keys = h->keys;
	cap = h->capkeys;
	ix = h->ix;
	ixcap = h->ixcap;
	memset(h, 0, sizeof(*h));
	h->keys = keys;
	h->capkeys = cap;
	h->ix = ix;
	h->ixcap = ixcap;
	h->hour = hour;
	h->period = *p;
	if ((done = closed_get(d, hour)) != NULL) {
		h->reopened = 1;
		h->done = xreallocarray(NULL, MAP_WORDS, sizeof(*h->done));
		memcpy(h->done, done, MAP_WORDS * sizeof(*h->done));
	} else if (d->forgot && hour <= d->forgot_max)
		h->unchecked = 1;
	*slot = hi + 1;
	heap_push(d, hour);
	return h;
}

/* Closes the hours that fell out of the window or over the budget. */
static void
close_old(struct dups *d)
{
	while (d->heaplen > 0 && (((d->nopen >= SOFT_OPEN ||
	    d->nhours >= SOFT_HOURS) &&
	    d->heap[0] + d->window < d->maxhour) || d->nopen >= MAX_OPEN))
		close_hour(d, heap_pop(d), 0);
}

static void
note_conflict(struct dups *d, struct ohour *h, struct key *k,
    uint64_t count)
{
	if (k->rows == 1) {
		d->conflicts++;
		h->nconf++;
		if (!d->have_example && !k->written) {
			d->have_example = 1;
			d->ex_period = h->period;
			d->ex_sensor = k->sensor;
			d->ex_counts[0] = k->first;
			d->ex_n = 1;
		}
	}
	if (k->rows < UINT32_MAX)
		k->rows++;
	if (d->have_example && d->ex_sensor == k->sensor &&
	    hour_number(&d->ex_period) == h->hour) {
		if (d->ex_n < EXAMPLE_MAX)
			d->ex_counts[d->ex_n] = count;
		if (d->ex_n <= EXAMPLE_MAX)
			d->ex_n++;
	}
}

static int
repeat(struct dups *d, struct ohour *h, struct key *k,
    const struct record *r, uint64_t namehash, char *why)
{
	char hp[PERIOD_BUFSZ];
	int exact = !k->written && r->count == k->first &&
	    namehash == k->namehash;

	if (d->policy == DUP_ERROR || (k->written && d->policy != DUP_FIRST)) {
		period_format(&h->period, hp);
		if (k->written)
			snprintf(why, WHY_SIZE, "hour %s location %llu repeats "
			    "after that hour was written (rows too far out "
			    "of time order)", hp,
			    (unsigned long long)k->sensor);
		else
			snprintf(why, WHY_SIZE, "hour %s location %llu "
			    "appears twice (counts %llu and %llu)", hp,
			    (unsigned long long)k->sensor,
			    (unsigned long long)k->first,
			    (unsigned long long)r->count);
		return -1;
	}
	d->dropped++;
	if (exact)
		return 0;
	note_conflict(d, h, k, r->count);
	switch (d->policy) {
	case DUP_LAST:
		k->kept = r->count;
		k->name = name_intern(d, r->name, r->name_len);
		break;
	case DUP_MAX:
		if (r->count > k->kept) {
			k->kept = r->count;
			k->name = name_intern(d, r->name, r->name_len);
		}
		break;
	case DUP_SUM:
		if (r->count > (uint64_t)PED_INT_MAX - k->kept) {
			period_format(&h->period, hp);
			snprintf(why, WHY_SIZE, "hour %s location %llu: the "
			    "sum of its counts is too large", hp,
			    (unsigned long long)k->sensor);
			return -1;
		}
		k->kept += r->count;
		break;
	default:
		break;
	}
	return 0;
}

/* --- a busy hour's index of its keys -------------------------------- */

static size_t
ix_home(const struct ohour *h, uint64_t sensor)
{
	return (size_t)((sensor * 0x9e3779b97f4a7c15ull) >> 32) &
	    (h->ixcap - 1);
}

static void
ix_put(struct ohour *h, uint32_t k)
{
	size_t i = ix_home(h, h->keys[k].sensor);

	while (h->ix[i] != 0)
		i = (i + 1) & (h->ixcap - 1);
	h->ix[i] = k + 1;
}

/* (Re)builds the index, at most half full, from the hour's keys. */
static void
ix_build(struct ohour *h)
{
	uint32_t cap = h->ixcap > 0 ? h->ixcap : 64, k;

	while ((size_t)cap < 2 * ((size_t)h->nkeys + 1))
		cap *= 2;
	if (cap != h->ixcap) {
		h->ix = xreallocarray(h->ix, cap, sizeof(*h->ix));
		h->ixcap = cap;
	}
	memset(h->ix, 0, (size_t)cap * sizeof(*h->ix));
	for (k = 0; k < h->nkeys; k++)
		ix_put(h, k);
	h->ixon = 1;
}

static struct key *
ix_find(const struct ohour *h, uint64_t sensor)
{
	size_t i = ix_home(h, sensor);
	uint32_t s;

	for (; (s = h->ix[i]) != 0; i = (i + 1) & (h->ixcap - 1))
		if (h->keys[s - 1].sensor == sensor)
			return &h->keys[s - 1];
	return NULL;
}

int
dups_add(struct dups *d, const struct record *r, char *why)
{
	struct period p = r->period;
	uint32_t hour;
	struct ohour *h = d->last;
	struct key *k;
	uint64_t namehash, bit;
	int seen, was_done = 0, b;

	if (h == NULL || h->period.year != p.year || h->period.month !=
	    p.month || h->period.day != p.day || h->period.hour != p.hour) {
		hour = hour_number(&p);
		/* Unordered input widens the window to twice its lateness. */
		if (hour + d->window / 2 < d->maxhour)
			d->window = (d->maxhour - hour) * 2;
		if (hour > d->maxhour)
			d->maxhour = hour;
		close_old(d);
		h = open_hour(d, &p, hour);
		d->last = h;
	}
	namehash = r->namehash;
	bit = 1ull << (r->sensor_id % 64);
	seen = (h->filt[r->sensor_id % FILT_BITS / 64] & bit) != 0;
	/* A filter hit: a repeat, or another id with the same bit. Those
	 * are common past 512 sensors, and a scan of the hour's keys for
	 * each made 737 sensors an hour cost 900 instructions a row. */
	if (seen) {
		if (!h->ixon)
			ix_build(h);
		if ((k = ix_find(h, r->sensor_id)) != NULL)
			return repeat(d, h, k, r, namehash, why);
	}
	if (h->reopened) {
		b = bitno(d, r->sensor_id);
		was_done = b >= 0 ? (h->done[b / 64] >> (b % 64) & 1) != 0 :
		    big_closed(d, h->hour, r->sensor_id, 0);
	}
	if (h->nkeys == h->capkeys) {
		h->capkeys = h->capkeys ? h->capkeys * 2 : 16;
		h->keys = xreallocarray(h->keys, h->capkeys, sizeof(*h->keys));
	}
	k = &h->keys[h->nkeys++];
	d->nopen++;
	memset(k, 0, sizeof(*k));
	k->sensor = r->sensor_id;
	if (h->ixon) {
		if ((size_t)h->nkeys * 2 > h->ixcap)
			ix_build(h);
		else
			ix_put(h, h->nkeys - 1);
	}
	k->first = k->kept = r->count;
	k->namehash = namehash;
	k->seq = d->seq++;
	k->rows = 1;
	k->written = was_done;
	h->filt[r->sensor_id % FILT_BITS / 64] |= bit;
	if ((b = bitno(d, r->sensor_id)) >= 0)
		h->bits[b / 64] |= 1ull << (b % 64);
	else
		h->nother++;
	if (was_done)
		return repeat(d, h, k, r, namehash, why);
	d->unchecked += (unsigned long long)h->unchecked;
	if (d->policy == DUP_FIRST || d->policy == DUP_ERROR)
		d->write(d->ctx, &p, r->sensor_id, r->name, r->name_len,
		    r->count);
	else
		k->name = name_intern(d, r->name, r->name_len);
	if (d->nopen >= MAX_OPEN)
		close_old(d);
	return 0;
}

static int
by_seq(const void *a, const void *b)
{
	const uint64_t *x = a, *y = b;

	return (x[0] > y[0]) - (x[0] < y[0]);
}

void
dups_finish(struct dups *d)
{
	uint64_t (*order)[2];
	size_t n = 0, j;
	uint32_t hi, i;
	struct key *k;

	if (d->policy != DUP_FIRST && d->policy != DUP_ERROR) {
		/* The rows still held, in the order their keys came. */
		order = xreallocarray(NULL, (size_t)d->nopen + 1,
		    sizeof(*order));
		for (hi = 0; hi < d->usedhours; hi++) {
			if (d->hours[hi].hour == 0)
				continue;
			for (i = 0; i < d->hours[hi].nkeys; i++) {
				k = &d->hours[hi].keys[i];
				if (!k->written) {
					order[n][0] = k->seq;
					order[n++][1] = (uint64_t)hi << 32 | i;
				}
			}
		}
		qsort(order, n, sizeof(*order), by_seq);
		for (j = 0; j < n; j++)
			write_key(d, &d->hours[order[j][1] >> 32],
			    &d->hours[order[j][1] >> 32].keys[(uint32_t)
			    order[j][1]]);
		free(order);
	}
	while (d->heaplen > 0)
		close_hour(d, heap_pop(d), 1);
}

unsigned long long
dups_conflicts(const struct dups *d)
{
	return d->conflicts;
}

/* The fewest and most rows a conflicting key had. */
void
dups_rows_range(const struct dups *d, unsigned *min, unsigned *max)
{
	*min = d->minrows;
	*max = d->maxrows;
}

/* The first conflicting key and its counts; 0 when there is none. */
int
dups_example(const struct dups *d, struct period *p, uint64_t *sensor,
    const uint64_t **counts, unsigned *n)
{
	*p = d->ex_period;
	*sensor = d->ex_sensor;
	*counts = d->ex_counts;
	*n = d->ex_n;
	return d->have_example;
}

unsigned long long
dups_dropped(const struct dups *d)
{
	return d->dropped;
}

unsigned long long
dups_unchecked(const struct dups *d)
{
	return d->unchecked;
}
