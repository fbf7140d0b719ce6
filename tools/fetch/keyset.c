/*
 * The set of (hour, sensor) keys seen so far, to count duplicates.
 *
 * Keys per hour are few (under a hundred sensors), so the set is a hash
 * table of hours, each with a 512-bit map of sensor ids: 72 bytes an
 * hour (the 120,000 hours of the 2009-2022 legacy history fit the
 * largest table, 19 MB), and a time-ordered input touches one entry
 * for many rows in a row. Sensor
 * ids of 512 and above, and the keys already counted as duplicates,
 * go to a common/htab keyed by both numbers.
 *
 * Memory is bounded: when the table of hours reaches MAX_HOURS (about
 * 22 years of hours) or a key table MAX_KEYS, that table is cleared and
 * counting starts again, so a duplicate whose first occurrence was
 * forgotten is no longer seen. keyset_forgot() tells -v to say so.
 */
#include <stdlib.h>
#include <string.h>

#include "fetch.h"
#include "htab.h"
#include "xalloc.h"

#define MAP_BITS	512
#define MAP_WORDS	(MAP_BITS / 64)
#define MAX_HOURS	(1u << 18)	/* slots; at most 3/4 used */
#define MAX_KEYS	(1u << 20)

struct hour {
	uint64_t	 hour;		/* 0: empty slot (no year 0) */
	uint64_t	 map[MAP_WORDS];
};

struct keyset {
	struct hour	*slots;
	size_t		 cap, len;
	struct hour	*last;		/* the previous key's hour */
	struct htab	 big;		/* sensors >= MAP_BITS */
	struct htab	 dups;		/* keys seen repeated */
	int		 forgot;
};

struct keyset *
keyset_new(void)
{
	struct keyset *k = xcalloc(1, sizeof(*k));

	k->cap = 1024;
	k->slots = xcalloc(k->cap, sizeof(*k->slots));
	htab_init(&k->big);
	htab_init(&k->dups);
	return k;
}

void
keyset_free(struct keyset *k)
{
	if (k == NULL)
		return;
	free(k->slots);
	htab_free(&k->big);
	htab_free(&k->dups);
	free(k);
}

int
keyset_forgot(const struct keyset *k)
{
	return k->forgot;
}

static size_t
hour_hash(uint64_t h, size_t cap)
{
	h *= 0x9e3779b97f4a7c15ull;
	return (size_t)(h >> 32) & (cap - 1);
}

static struct hour *
find(struct hour *slots, size_t cap, uint64_t hour)
{
	size_t i = hour_hash(hour, cap);

	while (slots[i].hour != 0 && slots[i].hour != hour)
		i = (i + 1) & (cap - 1);
	return &slots[i];
}

static void
grow(struct keyset *k)
{
	struct hour *old = k->slots;
	size_t i, oldcap = k->cap;

	if (k->cap >= MAX_HOURS) {
		/* Forget every hour rather than grow without bound. */
		memset(k->slots, 0, k->cap * sizeof(*k->slots));
		k->len = 0;
		k->forgot = 1;
		return;
	}
	k->cap *= 2;
	k->slots = xcalloc(k->cap, sizeof(*k->slots));
	for (i = 0; i < oldcap; i++)
		if (old[i].hour != 0)
			*find(k->slots, k->cap, old[i].hour) = old[i];
	free(old);
}

/* Adds the key to t; 1 when it was new. */
static int
htab_add(struct keyset *k, struct htab *t, uint64_t hour, uint64_t sensor)
{
	uint64_t key[2] = { hour, sensor };
	int isnew;

	if (t->len >= MAX_KEYS && htab_get(t, key, sizeof(key)) == NULL) {
		htab_free(t);
		htab_init(t);
		k->forgot = 1;
	}
	htab_put(t, key, sizeof(key), &isnew);
	return isnew;
}

int
keyset_add(struct keyset *k, uint64_t hour, uint64_t sensor)
{
	struct hour *h = k->last;
	uint64_t bit;

	if (sensor >= MAP_BITS)
		return htab_add(k, &k->big, hour, sensor);
	if (h == NULL || h->hour != hour) {
		h = find(k->slots, k->cap, hour);
		if (h->hour == 0) {
			if ((k->len + 1) * 4 > k->cap * 3) {
				grow(k);
				h = find(k->slots, k->cap, hour);
			}
			h->hour = hour;
			k->len++;
		}
		k->last = h;
	}
	bit = 1ull << (sensor % 64);
	if (h->map[sensor / 64] & bit)
		return 0;
	h->map[sensor / 64] |= bit;
	return 1;
}

int
keyset_mark_dup(struct keyset *k, uint64_t hour, uint64_t sensor)
{
	return htab_add(k, &k->dups, hour, sensor);
}
