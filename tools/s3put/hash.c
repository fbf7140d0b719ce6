/* Payload hashes (SHA-256 for SigV4, MD5 for Content-MD5) and URI encoding. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/evp.h>

#include "s3put.h"
#include "xalloc.h"

#define CHUNK	(256 * 1024)

static void
hex(const unsigned char *in, size_t n, char *out)
{
	static const char digits[] = "0123456789abcdef";
	size_t i;

	for (i = 0; i < n; i++) {
		out[2 * i] = digits[in[i] >> 4];
		out[2 * i + 1] = digits[in[i] & 15];
	}
	out[2 * n] = '\0';
}

/* Feeds the body to both digests; a file range is read with pread. */
static int
digest_body(const struct body *b, EVP_MD_CTX *sha, EVP_MD_CTX *md5)
{
	char *buf;
	uint64_t done = 0;
	ssize_t n;

	if (b->mem != NULL) {
		EVP_DigestUpdate(sha, b->mem, b->len);
		EVP_DigestUpdate(md5, b->mem, b->len);
		return 0;
	}
	buf = xmalloc(CHUNK);
	while (done < b->len) {
		size_t want = b->len - done < CHUNK ? b->len - done : CHUNK;

		n = pread(b->fd, buf, want, b->off + (off_t)done);
		if (n <= 0) {
			if (n == 0)
				errno = EIO;	/* the file shrank */
			else if (errno == EINTR)
				continue;
			free(buf);
			return -1;
		}
		EVP_DigestUpdate(sha, buf, n);
		EVP_DigestUpdate(md5, buf, n);
		done += n;
	}
	free(buf);
	return 0;
}

/*
 * Fetches the two digests once, so that OpenSSL's provider and lock
 * set-up happens, checked, before any upload; 0 when it failed.
 */
int
hash_ready(void)
{
	EVP_MD_CTX *c = EVP_MD_CTX_new();
	int ok = c != NULL && EVP_DigestInit_ex(c, EVP_sha256(), NULL) &&
	    EVP_DigestInit_ex(c, EVP_md5(), NULL);

	EVP_MD_CTX_free(c);
	return ok;
}

int
body_hash(struct body *b)
{
	EVP_MD_CTX *sha, *md5;
	unsigned char d[EVP_MAX_MD_SIZE];
	unsigned int dlen;
	int rc;

	sha = EVP_MD_CTX_new();
	md5 = EVP_MD_CTX_new();
	if (sha == NULL || md5 == NULL ||
	    !EVP_DigestInit_ex(sha, EVP_sha256(), NULL) ||
	    !EVP_DigestInit_ex(md5, EVP_md5(), NULL)) {
		EVP_MD_CTX_free(sha);
		EVP_MD_CTX_free(md5);
		errno = ENOMEM;
		return -1;
	}
	rc = digest_body(b, sha, md5);
	if (rc == 0) {
		EVP_DigestFinal_ex(sha, d, &dlen);
		hex(d, dlen, b->sha256);
		EVP_DigestFinal_ex(md5, d, &dlen);
		hex(d, dlen, b->md5hex);
		EVP_EncodeBlock((unsigned char *)b->md5, d, dlen);
	}
	EVP_MD_CTX_free(sha);
	EVP_MD_CTX_free(md5);
	return rc;
}

/*
 * curl 7.88 signs the path exactly as given and curl_easy_escape also
 * encodes "/", so keys are encoded here: unreserved bytes stay, every
 * other byte becomes %XX with upper-case hex, as SigV4 wants.
 */
char *
uri_encode(const char *s, int keep_slash)
{
	static const char digits[] = "0123456789ABCDEF";
	size_t len = strlen(s), i;
	char *out, *p;

	out = p = xmalloc(3 * len + 1);
	for (i = 0; i < len; i++) {
		unsigned char c = s[i];

		if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
		    (c >= '0' && c <= '9') || c == '-' || c == '.' ||
		    c == '_' || c == '~' || (c == '/' && keep_slash)) {
			*p++ = c;
		} else {
			*p++ = '%';
			*p++ = digits[c >> 4];
			*p++ = digits[c & 15];
		}
	}
	*p = '\0';
	return out;
}
