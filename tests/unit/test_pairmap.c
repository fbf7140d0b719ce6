/* Unit tests for common/pairmap.c. */
#include <stdint.h>
#include <stdlib.h>

#include "pairmap.h"
#include "unit.h"

TEST(put_get_grow)
{
	struct pairmap m;
	size_t *v, i;
	int isnew, ok = 1;

	pairmap_init(&m);
	CHECK(pairmap_get(&m, 1, 2) == NULL);
	for (i = 0; i < 100000; i++) {
		v = pairmap_put(&m, i % 1000, i / 1000, &isnew);
		if (!isnew || *v != 0)
			ok = 0;
		*v = i;
	}
	CHECK(ok);
	CHECK(m.len == 100000 && m.len * 10 <= m.cap * 7);
	for (i = 0, ok = 1; i < 100000; i++) {
		v = pairmap_get(&m, i % 1000, i / 1000);
		if (v == NULL || *v != i)
			ok = 0;
	}
	CHECK(ok);
	v = pairmap_put(&m, 5, 0, &isnew);
	CHECK(!isnew && *v == 5);
	/* (a, b) and (b, a) are different keys. */
	CHECK(pairmap_get(&m, 0, 5) != NULL && *pairmap_get(&m, 0, 5) == 5000);
	CHECK(pairmap_get(&m, 1000, 0) == NULL);
	CHECK(pairmap_get(&m, UINT64_MAX, UINT64_MAX) == NULL);
	v = pairmap_put(&m, UINT64_MAX, UINT64_MAX, &isnew);
	CHECK(isnew);
	*v = 7;
	CHECK(*pairmap_get(&m, UINT64_MAX, UINT64_MAX) == 7);
	pairmap_free(&m);
	CHECK(m.cap == 0 && m.len == 0 && pairmap_get(&m, 0, 0) == NULL);
}

int
main(void)
{
	RUN(put_get_grow);
	return unit_end();
}
