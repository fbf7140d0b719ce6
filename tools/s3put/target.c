/*
 * Where the object goes: region, endpoint, bucket and key, turned into
 * the URL that is signed. Custom endpoints use path-style addressing
 * (what S3-compatible stores support); AWS gets virtual-hosted style
 * when the bucket name allows it.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "err.h"
#include "quote.h"
#include "s3put.h"
#include "xalloc.h"

#define KEY_MAX		1024	/* S3's limit, in bytes */

static const char *
env(const char *name)
{
	const char *v = getenv(name);

	return v != NULL && *v != '\0' ? v : NULL;
}

static int
all_of(const char *s, const char *extra, size_t max)
{
	size_t n = 0;

	for (; *s != '\0'; s++, n++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') ||
		    (*s >= '0' && *s <= '9') || strchr(extra, *s) != NULL))
			return 0;
	return n > 0 && n <= max;
}

static const char *
pick_region(const char *opt)
{
	const char *r = opt;

	if (r == NULL && (r = env("AWS_REGION")) == NULL &&
	    (r = env("AWS_DEFAULT_REGION")) == NULL)
		r = "us-east-1";
	/* It goes into curl's "aws:amz:REGION:s3": no colons. */
	if (!all_of(r, "-_", 63))
		die(EXIT_USAGE, "invalid region %s", quote_str(r));
	return r;
}

static const char *
default_type(const char *key)
{
	const char *dot = strrchr(key, '.');

	if (dot != NULL && strchr(dot, '/') == NULL) {
		if (strcasecmp(dot, ".csv") == 0)
			return "text/csv";
		if (strcasecmp(dot, ".tsv") == 0)
			return "text/tab-separated-values";
	}
	return "application/octet-stream";
}

/*
 * Bytes of the UTF-8 character at p (1 for ASCII), or 0 when it is not
 * one: S3 keys are UTF-8 (RFC 3629: no overlongs, surrogates or code
 * points above U+10FFFF).
 */
static size_t
utf8_char(const unsigned char *p)
{
	size_t n, i;
	unsigned long cp;

	if (p[0] < 0x80)
		return 1;
	n = p[0] >= 0xf0 ? 4 : p[0] >= 0xe0 ? 3 : p[0] >= 0xc0 ? 2 : 0;
	if (n == 0 || p[0] > 0xf4)
		return 0;
	cp = p[0] & (0x7f >> n);
	for (i = 1; i < n; i++) {
		if ((p[i] & 0xc0) != 0x80)
			return 0;
		cp = cp << 6 | (p[i] & 0x3f);
	}
	if (cp < (n == 2 ? 0x80UL : n == 3 ? 0x800UL : 0x10000UL) ||
	    cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
		return 0;
	return n;
}

/*
 * A key is sent byte for byte ("x/../y" included), but it must be UTF-8
 * (S3's rule) and without control characters (C0, DEL, C1), which break
 * listings, logs and terminals: refused. So a key, and the s3://bucket/key
 * name in messages, can be shown as is.
 */
static void
check_key(const char *bucket, const char *key)
{
	const unsigned char *p;
	size_t len = strlen(key), n;

	if (len > KEY_MAX || key[len - 1] == '/')
		die(EXIT_USAGE, "invalid key %s", quote(key, len));
	for (p = (const unsigned char *)key; *p != '\0'; p += n) {
		if ((n = utf8_char(p)) == 0)
			die(EXIT_USAGE, "s3://%s/%s: the key is not UTF-8",
			    bucket, quote(key, len));
		if (*p < 0x20 || *p == 0x7f || (p[0] == 0xc2 && p[1] <= 0x9f))
			die(EXIT_USAGE, "s3://%s/%s: control character in the key",
			    bucket, quote(key, len));
	}
}

/*
 * S3's bucket names: letters, digits, "-", "." (and "_" in old us-east-1
 * names), starting and ending with a letter or digit, so that "." and
 * ".." can never stand for a bucket.
 */
static int
bucket_ok(const char *b)
{
	size_t n = strlen(b);

	return all_of(b, "-._", 255) && isalnum((unsigned char)b[0]) &&
	    isalnum((unsigned char)b[n - 1]) && strstr(b, "..") == NULL;
}

/* Splits "s3://bucket/key"; an empty key or "dir/" gets the file's name. */
static void
split(const char *dest, const char *file, char **bucket, char **key)
{
	const char *slash, *base, *url = dest;
	size_t blen, n;

	if (strncmp(dest, "s3://", 5) != 0)
		die(EXIT_USAGE, "%s: not an s3://bucket/key URL",
		    quote_str(dest));
	dest += 5;
	slash = strchr(dest, '/');
	blen = slash != NULL ? (size_t)(slash - dest) : strlen(dest);
	*bucket = xmemdup(dest, blen);
	if (!bucket_ok(*bucket))
		die(EXIT_USAGE, "invalid bucket name %s", quote_str(*bucket));
	dest = slash != NULL ? slash + 1 : "";
	n = strlen(dest);
	if (n == 0 || dest[n - 1] == '/') {
		if (strcmp(file, "-") == 0)
			die(EXIT_USAGE, "%s: a key is needed for stdin",
			    quote_str(url));
		base = strrchr(file, '/') != NULL ? strrchr(file, '/') + 1 :
		    file;
		n += strlen(base) + 1;
		*key = xmalloc(n);
		snprintf(*key, n, "%s%s", dest, base);
	} else
		*key = xstrdup(dest);
	check_key(*bucket, *key);
}

static char *
object_url(const char *ep, const char *region, const char *bucket,
    const char *key)
{
	char *enc = uri_encode(key, 1), *url;
	size_t n, eplen;

	n = strlen(bucket) + strlen(enc) + strlen(region) + 64;
	if (ep == NULL) {
		url = xmalloc(n);
		if (all_of(bucket, "-", 63) && strpbrk(bucket, "ABCDEFGHIJKLM"
		    "NOPQRSTUVWXYZ") == NULL)
			snprintf(url, n, "https://%s.s3.%s.amazonaws.com/%s",
			    bucket, region, enc);
		else
			snprintf(url, n, "https://s3.%s.amazonaws.com/%s/%s",
			    region, bucket, enc);
	} else {
		if (strncasecmp(ep, "http://", 7) != 0 &&
		    strncasecmp(ep, "https://", 8) != 0)
			die(EXIT_USAGE, "invalid endpoint %s", quote_str(ep));
		eplen = strlen(ep);
		while (eplen > 0 && ep[eplen - 1] == '/')
			eplen--;
		n += eplen;
		url = xmalloc(n);
		snprintf(url, n, "%.*s/%s/%s", (int)eplen, ep, bucket, enc);
	}
	free(enc);
	return url;
}

void
target_setup(struct s3 *s3, struct config *cfg, const char *region_opt,
    const char *file, const char *dest)
{
	const char *ep = cfg->endpoint;
	char *bucket, *key;
	size_t n;

	cfg->region = pick_region(region_opt);
	split(dest, file, &bucket, &key);
	if (ep == NULL && (ep = env("AWS_ENDPOINT_URL_S3")) == NULL)
		ep = env("AWS_ENDPOINT_URL");
	s3->url = object_url(ep, cfg->region, bucket, key);
	n = strlen(bucket) + strlen(key) + 7;
	s3->name = xmalloc(n);
	snprintf(s3->name, n, "s3://%s/%s", bucket, key);
	if (cfg->content_type == NULL)
		cfg->content_type = default_type(key);
	free(bucket);
	free(key);
}
