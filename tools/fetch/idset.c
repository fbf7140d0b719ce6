/*
 * A set of 64-bit row ids kept as sorted, disjoint runs [lo, hi]: the
 * SODA pager checks that no row id comes twice (a server repeating a
 * page) without one entry per row. Row ids of the dataset are dense
 * (they count the rows as they were added), so a run per gap is small:
 * memory grows with the gaps in the ids, not with the rows.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "soda.h"
#include "xalloc.h"

struct run {
	uint64_t	 lo, hi;
};

struct idset {
	struct run	*r;
	size_t		 n, cap;
	size_t		 hint;		/* the run of the last id added */
};

struct idset *
idset_new(void)
{
	return xcalloc(1, sizeof(struct idset));
}

void
idset_free(struct idset *s)
{
	if (s == NULL)
		return;
	free(s->r);
	free(s);
}

size_t
idset_runs(const struct idset *s)
{
	return s->n;
}

/* The first run whose hi >= id (n when none). */
static size_t
find(const struct idset *s, uint64_t id)
{
	size_t lo = 0, hi = s->n, mid;

	if (s->hint < s->n && s->r[s->hint].hi >= id &&
	    (s->hint == 0 || s->r[s->hint - 1].hi < id))
		return s->hint;
	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (s->r[mid].hi < id)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

int
idset_add(struct idset *s, uint64_t id)
{
	size_t i = find(s, id);
	int after, before;

	if (i < s->n && s->r[i].lo <= id)
		return 0;
	/* id lies between run i - 1 and run i: extend or join them. */
	after = i > 0 && s->r[i - 1].hi + 1 == id;
	before = i < s->n && id != UINT64_MAX && s->r[i].lo == id + 1;
	if (after && before) {
		s->r[i - 1].hi = s->r[i].hi;
		memmove(s->r + i, s->r + i + 1, (s->n - i - 1) * sizeof(*s->r));
		s->n--;
		s->hint = i - 1;
	} else if (after) {
		s->r[i - 1].hi = id;
		s->hint = i - 1;
	} else if (before) {
		s->r[i].lo = id;
		s->hint = i;
	} else {
		if (s->n == s->cap) {
			s->cap = s->cap ? s->cap * 2 : 64;
			s->r = xreallocarray(s->r, s->cap, sizeof(*s->r));
		}
		memmove(s->r + i + 1, s->r + i, (s->n - i) * sizeof(*s->r));
		s->r[i].lo = s->r[i].hi = id;
		s->n++;
		s->hint = i;
	}
	return 1;
}
