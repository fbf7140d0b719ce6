/* Open-addressing hash map keyed by two 64-bit integers. */
#include <stdlib.h>
#include <string.h>

#include "pairmap.h"
#include "xalloc.h"

void
pairmap_init(struct pairmap *m)
{
	memset(m, 0, sizeof(*m));
}

/* A multiply-xorshift mix of both halves (murmur3's finaliser). */
static uint64_t
hash(uint64_t a, uint64_t b)
{
	uint64_t h = a * 0x9e3779b97f4a7c15ULL ^ b * 0xc2b2ae3d27d4eb4fULL;

	h ^= h >> 33;
	h *= 0xff51afd7ed558ccdULL;
	h ^= h >> 33;
	h *= 0xc4ceb9fe1a85ec53ULL;
	h ^= h >> 33;
	return h;
}

static struct pairmap_slot *
find(const struct pairmap *m, uint64_t a, uint64_t b)
{
	size_t mask = m->cap - 1, i = (size_t)hash(a, b) & mask;

	for (;; i = (i + 1) & mask) {
		struct pairmap_slot *s = &m->slots[i];

		if (s->value == PAIRMAP_EMPTY || (s->a == a && s->b == b))
			return s;
	}
}

static void
grow(struct pairmap *m)
{
	struct pairmap_slot *old = m->slots;
	size_t oldcap = m->cap, i;

	m->cap = oldcap ? oldcap * 2 : 16;
	m->slots = xreallocarray(NULL, m->cap, sizeof(*m->slots));
	for (i = 0; i < m->cap; i++)
		m->slots[i].value = PAIRMAP_EMPTY;
	for (i = 0; i < oldcap; i++)
		if (old[i].value != PAIRMAP_EMPTY)
			*find(m, old[i].a, old[i].b) = old[i];
	free(old);
}

size_t *
pairmap_put(struct pairmap *m, uint64_t a, uint64_t b, int *isnew)
{
	struct pairmap_slot *s;

	if ((m->len + 1) * 10 > m->cap * 7)
		grow(m);
	s = find(m, a, b);
	*isnew = s->value == PAIRMAP_EMPTY;
	if (*isnew) {
		s->a = a;
		s->b = b;
		s->value = 0;
		m->len++;
	}
	return &s->value;
}

size_t *
pairmap_get(const struct pairmap *m, uint64_t a, uint64_t b)
{
	struct pairmap_slot *s;

	if (m->cap == 0)
		return NULL;
	s = find(m, a, b);
	return s->value != PAIRMAP_EMPTY ? &s->value : NULL;
}

void
pairmap_free(struct pairmap *m)
{
	free(m->slots);
	pairmap_init(m);
}
