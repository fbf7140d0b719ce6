/*
 * libFuzzer target: ped-s3put's reading of S3's replies (tools/s3put/
 * s3err.c, etag.c). The document is untrusted server text: xml_text()
 * must stay inside the first len bytes (no NUL is appended here, so
 * ASan sees any overread), return at most what lies between the tags,
 * unescaped, and etag_check()/etag_show() must accept any bytes.
 * The first input byte picks the element; the rest is the reply.
 */
#include <ctype.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../../tools/s3put/s3put.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static const char want[] = "d41d8cd98f00b204e9800998ecf8427e";

/* etag is want, with or without one pair of quotes, in any case. */
static int
same_etag(const char *etag, const char *hex)
{
	size_t n = strlen(etag), i;

	if (n == 34 && etag[0] == '"' && etag[33] == '"')
		etag++, n -= 2;
	if (n != strlen(hex))
		return 0;
	for (i = 0; i < n; i++)
		if (tolower((unsigned char)etag[i]) != hex[i])
			return 0;
	return 1;
}

/* Is needle in the first len bytes of s? (memmem is not POSIX.) */
static int
contains(const char *s, size_t len, const char *needle)
{
	size_t n = strlen(needle), i;

	for (i = 0; n <= len && i <= len - n; i++)
		if (memcmp(s + i, needle, n) == 0)
			return 1;
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const tags[] = {
		"Code", "Message", "UploadId", "ETag"
	};
	struct response r;
	const char *tag;
	char *doc, *text, msg[512], open[16];
	size_t len;

	if (size < 1)
		return 0;
	tag = tags[data[0] & 3];
	len = size - 1;
	if ((doc = malloc(len > 0 ? len : 1)) == NULL)
		abort();
	memcpy(doc, data + 1, len);
	text = xml_text(doc, len, tag);
	if (text != NULL) {
		/* The text came from between the tags: never longer. */
		size_t n = strlen(text);

		snprintf(open, sizeof(open), "<%s>", tag);
		if (n + 2 * strlen(open) + 1 > len + 1 ||
		    !contains(doc, len, open))
			abort();
		memset(&r, 0, sizeof(r));
		r.sse_opaque = data[0] >> 7;
		/* Accepted: the ETag is the MD5, quotes and case aside. */
		if (etag_check(&r, text, want, msg, sizeof(msg)) == 0 &&
		    !r.sse_opaque && !same_etag(text, want))
			abort();
		if (strlen(etag_show(text)) == 0)
			abort();
		free(text);
	}
	free(doc);
	return 0;
}
