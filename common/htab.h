/*
 * A hash table from byte-string keys to size_t values (typically an
 * index into the caller's array). Keys are copied into the table.
 * Open addressing with linear probing; grows at 50% load.
 */
#ifndef PED_HTAB_H
#define PED_HTAB_H

#include <stddef.h>
#include <stdint.h>

struct htab_slot {
	uint64_t	 hash;
	const char	*key;		/* NULL: empty slot */
	size_t		 keylen;
	size_t		 value;
};

struct htab_chunk;

struct htab {
	struct htab_slot	*slots;
	size_t			 cap;	/* power of two */
	size_t			 len;
	struct htab_chunk	*keys;	/* arena of copied keys */
};

void	 htab_init(struct htab *t);
/*
 * Finds key, inserting a copy of it with value 0 when absent (*isnew
 * set to 1). Returns its slot, valid until the next insertion; the
 * slot's key copy (NUL-terminated) lives as long as the table.
 */
struct htab_slot *htab_put(struct htab *t, const void *key, size_t keylen,
		    int *isnew);
/* Returns key's slot, or NULL. */
struct htab_slot *htab_get(const struct htab *t, const void *key,
		    size_t keylen);
void	 htab_free(struct htab *t);
/* The 64-bit hash the table uses (exposed for tests). */
uint64_t htab_hash(const void *key, size_t len);

#endif
