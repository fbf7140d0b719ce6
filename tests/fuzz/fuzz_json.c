/*
 * libFuzzer target: ped-fetch's JSON object scanner (tools/fetch/json.c),
 * read in chunks the first byte chooses. Checks: every object handed out
 * is a cJSON object without a repeated key whose numbers came as strings
 * of their digits (the input holds them verbatim); lines never go back;
 * after an error the reader stays in error; the same document read in
 * other chunk sizes gives the same objects and verdict.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../../tools/fetch/fetch.h"

struct src {
	const uint8_t	*p;
	size_t		 len, off, chunk;
};

static size_t
src_read(void *ctx, void *buf, size_t n)
{
	struct src *s = ctx;
	size_t k = s->chunk < n ? s->chunk : n;

	if (k > s->len - s->off)
		k = s->len - s->off;
	memcpy(buf, s->p + s->off, k);
	s->off += k;
	return k;
}

/* No number anywhere: json.c hands them over as strings. */
static void
check_value(const cJSON *v)
{
	const cJSON *c;

	if (cJSON_IsNumber(v))
		abort();
	for (c = v->child; c != NULL; c = c->next)
		check_value(c);
}

/* Reads the whole document; returns a digest of what it gave. */
static uint64_t
read_all(const uint8_t *p, size_t len, size_t chunk, int *verdict)
{
	struct src s = { p, len, 0, chunk };
	struct json_reader *j = json_reader_new(src_read, &s);
	const cJSON *a, *b;
	uint64_t h = 1469598103934665603ull;
	unsigned long line = 0;
	cJSON *obj;
	char *text;
	int rc;

	while ((rc = json_reader_next(j, &obj)) > 0) {
		if (obj == NULL || !cJSON_IsObject(obj) ||
		    json_reader_line(j) < line)
			abort();
		line = json_reader_line(j);
		for (a = obj->child; a != NULL; a = a->next)
			for (b = a->next; b != NULL; b = b->next)
				if (strcmp(a->string, b->string) == 0)
					abort();
		check_value(obj);
		if ((text = cJSON_PrintUnformatted(obj)) == NULL)
			abort();
		for (size_t i = 0; text[i] != '\0'; i++)
			h = (h ^ (uint8_t)text[i]) * 1099511628211ull;
		h = (h ^ line) * 1099511628211ull;
		free(text);
		cJSON_Delete(obj);
	}
	if (rc < 0) {
		if (json_reader_error(j) == NULL ||
		    json_reader_error(j)[0] == '\0' ||
		    json_reader_next(j, &obj) != -1 || obj != NULL)
			abort();
		h = (h ^ json_reader_line(j)) * 1099511628211ull;
	}
	*verdict = rc;
	json_reader_free(j);
	return h;
}

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const size_t chunks[] = { 1, 3, 7, 65536 };
	uint64_t a, b;
	int va, vb;

	if (size < 1)
		return 0;
	a = read_all(data + 1, size - 1, chunks[data[0] & 3], &va);
	b = read_all(data + 1, size - 1, 1 << 20, &vb);
	if (a != b || va != vb)
		abort();
	return 0;
}
