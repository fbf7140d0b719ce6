/*
 * A hash map from pairs of 64-bit integers, such as (period key,
 * sensor_id), to size_t values (an index into the caller's array).
 * Open addressing, linear probing, 24 bytes a slot, grows at 70% load.
 */
#ifndef PED_PAIRMAP_H
#define PED_PAIRMAP_H

#include <stddef.h>
#include <stdint.h>

struct pairmap_slot {
	uint64_t	 a, b;
	size_t		 value;		/* PAIRMAP_EMPTY: unused slot */
};

#define PAIRMAP_EMPTY	SIZE_MAX

struct pairmap {
	struct pairmap_slot	*slots;
	size_t			 cap;	/* power of two, or 0 */
	size_t			 len;
};

void	 pairmap_init(struct pairmap *m);
/*
 * Finds (a, b), inserting it with value 0 when absent (*isnew set to 1).
 * Returns a pointer to its value, valid until the next insertion; the
 * caller never stores PAIRMAP_EMPTY there.
 */
size_t	*pairmap_put(struct pairmap *m, uint64_t a, uint64_t b, int *isnew);
/* Returns a pointer to the value of (a, b), or NULL. */
size_t	*pairmap_get(const struct pairmap *m, uint64_t a, uint64_t b);
void	 pairmap_free(struct pairmap *m);

#endif
