/* Open-addressing hash table with an arena for keys. */
#include <stdlib.h>
#include <string.h>

#include "htab.h"
#include "xalloc.h"

#define CHUNK_MIN	(64 * 1024)

struct htab_chunk {
	struct htab_chunk	*next;
	size_t			 used, cap;
	char			 data[];
};

void
htab_init(struct htab *t)
{
	memset(t, 0, sizeof(*t));
}

/* FNV-1a over 8-byte words, then a murmur3 finaliser for the low bits. */
uint64_t
htab_hash(const void *key, size_t len)
{
	const unsigned char *p = key;
	uint64_t h = 0xcbf29ce484222325ULL ^ len;
	uint64_t w;

	for (; len >= 8; p += 8, len -= 8) {
		memcpy(&w, p, 8);
		h = (h ^ w) * 0x100000001b3ULL;
	}
	for (; len > 0; p++, len--)
		h = (h ^ *p) * 0x100000001b3ULL;
	h ^= h >> 33;
	h *= 0xff51afd7ed558ccdULL;
	h ^= h >> 33;
	h *= 0xc4ceb9fe1a85ec53ULL;
	h ^= h >> 33;
	return h;
}

static const char *
keep_key(struct htab *t, const void *key, size_t len)
{
	struct htab_chunk *c = t->keys;
	char *p;

	if (c == NULL || c->cap - c->used < len + 1) {
		size_t cap = len + 1 > CHUNK_MIN ? len + 1 : CHUNK_MIN;

		c = xmalloc(sizeof(*c) + cap);
		c->next = t->keys;
		c->used = 0;
		c->cap = cap;
		t->keys = c;
	}
	p = c->data + c->used;
	memcpy(p, key, len);
	p[len] = '\0';
	c->used += len + 1;
	return p;
}

static struct htab_slot *
find(const struct htab *t, uint64_t h, const void *key, size_t len)
{
	size_t mask = t->cap - 1;
	size_t i = (size_t)h & mask;

	for (;; i = (i + 1) & mask) {
		struct htab_slot *s = &t->slots[i];

		if (s->key == NULL)
			return s;
		if (s->hash == h && s->keylen == len &&
		    memcmp(s->key, key, len) == 0)
			return s;
	}
}

static void
grow(struct htab *t)
{
	struct htab_slot *old = t->slots;
	size_t oldcap = t->cap, i;

	t->cap = oldcap ? oldcap * 2 : 64;
	t->slots = xcalloc(t->cap, sizeof(*t->slots));
	for (i = 0; i < oldcap; i++) {
		if (old[i].key != NULL)
			*find(t, old[i].hash, old[i].key, old[i].keylen) =
			    old[i];
	}
	free(old);
}

struct htab_slot *
htab_put(struct htab *t, const void *key, size_t keylen, int *isnew)
{
	uint64_t h = htab_hash(key, keylen);
	struct htab_slot *s;

	if ((t->len + 1) * 2 > t->cap)
		grow(t);
	s = find(t, h, key, keylen);
	*isnew = s->key == NULL;
	if (*isnew) {
		s->hash = h;
		s->key = keep_key(t, key, keylen);
		s->keylen = keylen;
		s->value = 0;
		t->len++;
	}
	return s;
}

struct htab_slot *
htab_get(const struct htab *t, const void *key, size_t keylen)
{
	struct htab_slot *s;

	if (t->cap == 0)
		return NULL;
	s = find(t, htab_hash(key, keylen), key, keylen);
	return s->key != NULL ? s : NULL;
}

void
htab_free(struct htab *t)
{
	struct htab_chunk *c, *next;

	for (c = t->keys; c != NULL; c = next) {
		next = c->next;
		free(c);
	}
	free(t->slots);
	htab_init(t);
}
