/*
 * libFuzzer target: the SODA pager's page reading (tools/fetch/
 * soda_page.c) and its set of row ids (idset.c). The first byte picks
 * JSON or CSV; the rest is a page body. Checks that every slice and id
 * lies inside the body, that the count parser and the error-object
 * reader take anything, and that the id set agrees with a plain bitmap
 * (ids taken from the body's bytes, two at a time).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../../tools/fetch/soda.h"

struct ctx {
	const char	*b;
	size_t		 n;
	struct idset	*ids;
	unsigned long	 calls;
};

static int
on_id(void *arg, const char *id, size_t len)
{
	struct ctx *c = arg;
	uint64_t v = 0;
	size_t i;

	if (id < c->b || len > c->n || id + len > c->b + c->n)
		abort();
	for (i = 0; i < len && i < 18; i++)
		v = v * 31 + (unsigned char)id[i];
	(void)idset_add(c->ids, v);
	c->calls++;
	return 0;
}

/* idset against a bitmap of 16-bit ids, and its runs stay few. */
static void
check_idset(const uint8_t *d, size_t n)
{
	static unsigned char seen[65536 / 8];
	struct idset *s = idset_new();
	size_t i, added = 0;

	memset(seen, 0, sizeof(seen));
	for (i = 0; i + 1 < n; i += 2) {
		unsigned id = (unsigned)d[i] << 8 | d[i + 1];
		int isnew = !(seen[id / 8] & (1u << (id % 8)));

		seen[id / 8] |= (unsigned char)(1u << (id % 8));
		if (idset_add(s, id) != isnew)
			abort();
		added += isnew;
	}
	if (idset_runs(s) > added)
		abort();
	/* Near the top of the range: no overflow in id + 1. */
	if (idset_add(s, UINT64_MAX) != 1 || idset_add(s, UINT64_MAX) != 0 ||
	    idset_add(s, UINT64_MAX - 1) != 1)
		abort();
	idset_free(s);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ctx c;
	const char *b;
	char *copy, *msg;
	size_t n, from = 0, to = 0, body = 0;
	long long rows;
	uint64_t count;
	int json;

	if (size < 1)
		return 0;
	json = data[0] & 1;
	b = (const char *)data + 1;
	n = size - 1;
	/* A private copy: out-of-bounds reads show under ASan. */
	if ((copy = malloc(n + 1)) == NULL)
		abort();
	memcpy(copy, b, n);
	rows = soda_json_rows(copy, n, &from, &to);
	if (rows >= 0 && (from > to || to > n))
		abort();
	rows = soda_csv_rows(copy, n, &body);
	if (body > n || rows < -1)
		abort();
	c.b = copy;
	c.n = n;
	c.ids = idset_new();
	c.calls = 0;
	(void)soda_page_ids(json, copy, n, on_id, &c);
	if (c.calls > n + 1)
		abort();
	idset_free(c.ids);
	msg = soda_error_message(copy, n);
	free(msg);
	(void)soda_parse_count(json, copy, n, &count);
	free(copy);
	if (data[0] & 2)
		check_idset(data + 1, n);
	return 0;
}
