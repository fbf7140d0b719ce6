/*
 * Upload integrity: the ETag S3 returns is checked against what was
 * sent. For a single PUT it is the body's MD5; for a multipart upload
 * the MD5 of the parts' binary MD5s, "-" and the part count. Objects
 * under SSE-KMS or SSE-C get ETags that are not MD5s (S3 says so in a
 * reply header): there the Content-MD5 that S3 checked on every request
 * is the guarantee, and only the presence of an ETag is checked.
 */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include <openssl/evp.h>

#include "quote.h"
#include "s3put.h"

/* The ETag without its quotes (S3 sends "abc", some stores abc). */
static size_t
bare(const char *etag, const char **p)
{
	size_t n = strlen(etag);

	*p = etag;
	if (n >= 2 && etag[0] == '"' && etag[n - 1] == '"') {
		(*p)++;
		n -= 2;
	}
	return n;
}

const char *
etag_show(const char *etag)
{
	const char *p;
	size_t n = bare(etag, &p);

	return quote(p, n);
}

int
etag_check(const struct response *r, const char *etag, const char *want,
    char *msg, size_t size)
{
	const char *p;
	size_t n;

	if (etag == NULL || (n = bare(etag, &p)) == 0) {
		snprintf(msg, size, "no ETag in the reply: the upload is not "
		    "confirmed");
		return -1;
	}
	if (r->sse_opaque)
		return 0;
	if (n != strlen(want) || strncasecmp(p, want, n) != 0) {
		snprintf(msg, size, "ETag %s does not match %s computed from "
		    "the data: the stored object may be damaged",
		    quote(p, n), want);
		return -1;
	}
	return 0;
}

void
etag_multipart(const char (*md5s)[33], unsigned n, char *out, size_t size)
{
	static const char digits[] = "0123456789abcdef";
	unsigned char bin[16], d[EVP_MAX_MD_SIZE];
	unsigned int dlen = 0, i, j;
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	char hex[2 * EVP_MAX_MD_SIZE + 1];

	if (ctx == NULL || !EVP_DigestInit_ex(ctx, EVP_md5(), NULL)) {
		EVP_MD_CTX_free(ctx);
		snprintf(out, size, "?");
		return;
	}
	for (i = 0; i < n; i++) {
		for (j = 0; j < 16; j++) {
			const char *hi = strchr(digits, md5s[i][2 * j]);
			const char *lo = strchr(digits, md5s[i][2 * j + 1]);

			bin[j] = (unsigned char)((hi - digits) << 4 |
			    (lo - digits));
		}
		EVP_DigestUpdate(ctx, bin, sizeof(bin));
	}
	EVP_DigestFinal_ex(ctx, d, &dlen);
	EVP_MD_CTX_free(ctx);
	for (i = 0; i < dlen; i++) {
		hex[2 * i] = digits[d[i] >> 4];
		hex[2 * i + 1] = digits[d[i] & 15];
	}
	hex[2 * dlen] = '\0';
	snprintf(out, size, "%s-%u", hex, n);
}
