/*
 * Telling JSON from CSV by the first bytes, without losing them: the
 * sniffed bytes are handed back to the reader before the rest.
 */
#include <stdlib.h>
#include <string.h>

#include "fetch.h"
#include "xalloc.h"

#define SNIFF_MAX	4096

struct sniffed {
	struct source	 src;
	struct source	*inner;
	char		 buf[SNIFF_MAX];
	size_t		 pos, len;
};

static size_t
sniffed_read(struct source *s, void *buf, size_t n)
{
	struct sniffed *sn = (struct sniffed *)s;
	size_t r;

	if (sn->pos == sn->len)
		r = sn->inner->read(sn->inner, buf, n);
	else {
		r = sn->len - sn->pos < n ? sn->len - sn->pos : n;
		memcpy(buf, sn->buf + sn->pos, r);
		sn->pos += r;
	}
	/* Progress reads these through the wrapper. */
	s->size = sn->inner->size;
	s->consumed = sn->inner->consumed;
	return r;
}

static void
sniffed_close(struct source *s)
{
	struct sniffed *sn = (struct sniffed *)s;

	source_close(sn->inner);
	free(sn);
}

/*
 * '[' or '{' past white space and a BOM is JSON, anything else CSV;
 * CONTAINER_AUTO when there is nothing but white space.
 */
static enum container
classify(struct sniffed *sn)
{
	static const char bom[] = "\xef\xbb\xbf";
	size_t i = 0, r;

	for (;;) {
		for (; i < sn->len; i++) {
			char c = sn->buf[i];

			if (c == '[' || c == '{')
				return CONTAINER_JSON;
			if (c != ' ' && c != '\t' && c != '\r' && c != '\n' &&
			    (i >= 3 || c != bom[i]))
				return CONTAINER_CSV;
		}
		if (sn->len == SNIFF_MAX)
			return CONTAINER_CSV;
		r = sn->inner->read(sn->inner, sn->buf + sn->len,
		    SNIFF_MAX - sn->len);
		if (r == 0)		/* nothing but white space */
			return CONTAINER_AUTO;
		sn->len += r;
	}
}

struct source *
source_sniff(struct source *inner, enum container *c)
{
	struct sniffed *sn = xcalloc(1, sizeof(*sn));

	sn->inner = inner;
	sn->src.name = inner->name;
	sn->src.read = sniffed_read;
	sn->src.close = sniffed_close;
	*c = classify(sn);
	sn->src.size = inner->size;
	sn->src.consumed = inner->consumed;
	return &sn->src;
}
