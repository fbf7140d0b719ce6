/* Unit tests for common/htab.c. */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "htab.h"
#include "unit.h"

TEST(insert_find_grow)
{
	struct htab t;
	struct htab_slot *s;
	char key[32];
	size_t i, n = 100000;
	int isnew, ok = 1;

	htab_init(&t);
	CHECK(htab_get(&t, "x", 1) == NULL);
	for (i = 0; i < n; i++) {
		int len = snprintf(key, sizeof(key), "key-%zu", i);

		s = htab_put(&t, key, (size_t)len, &isnew);
		ok &= isnew && s->value == 0;
		s->value = i;
	}
	CHECK(ok);
	CHECK(t.len == n);
	for (i = 0; i < n; i++) {
		int len = snprintf(key, sizeof(key), "key-%zu", i);

		s = htab_get(&t, key, (size_t)len);
		ok &= s != NULL && s->value == i &&
		    memcmp(s->key, key, (size_t)len) == 0 &&
		    s->key[len] == '\0';
		s = htab_put(&t, key, (size_t)len, &isnew);
		ok &= !isnew && s->value == i;
	}
	CHECK(ok);
	CHECK(htab_get(&t, "key-", 4) == NULL);
	htab_free(&t);
}

TEST(binary_keys_and_empty_key)
{
	struct htab t;
	uint64_t a[2] = { 1, 2 }, b[2] = { 2, 1 };
	int isnew;

	htab_init(&t);
	htab_put(&t, a, sizeof(a), &isnew)->value = 10;
	htab_put(&t, b, sizeof(b), &isnew)->value = 20;
	CHECK(isnew);
	htab_put(&t, "", 0, &isnew)->value = 30;
	CHECK(isnew);
	CHECK(htab_get(&t, a, sizeof(a))->value == 10);
	CHECK(htab_get(&t, b, sizeof(b))->value == 20);
	CHECK(htab_get(&t, "", 0)->value == 30);
	CHECK(htab_get(&t, a, 8) == NULL);
	htab_free(&t);
}

TEST(large_keys_outgrow_an_arena_chunk)
{
	static char big[200000];
	struct htab t;
	int isnew;

	memset(big, 'z', sizeof(big));
	htab_init(&t);
	htab_put(&t, big, sizeof(big), &isnew)->value = 1;
	big[0] = 'y';
	htab_put(&t, big, sizeof(big), &isnew)->value = 2;
	CHECK(isnew && t.len == 2);
	CHECK(htab_get(&t, big, sizeof(big))->value == 2);
	htab_free(&t);
}

int
main(void)
{
	RUN(insert_find_grow);
	RUN(binary_keys_and_empty_key);
	RUN(large_keys_outgrow_an_arena_chunk);
	return unit_end();
}
