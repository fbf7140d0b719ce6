/*
 * Where the object goes: region, endpoint, bucket and key, turned into
 * the URL that is signed. Custom endpoints use path-style addressing
 * (what S3-compatible stores support); AWS gets virtual-hosted style
 * when the bucket name allows it.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "err.h"
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
		die(EXIT_USAGE, "invalid region \"%s\"", r);
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

/* Splits "s3://bucket/key"; an empty key or "dir/" gets the file's name. */
static void
split(const char *dest, const char *file, char **bucket, char **key)
{
	const char *slash, *base;
	size_t blen, n;

	if (strncmp(dest, "s3://", 5) != 0)
		die(EXIT_USAGE, "%s: not an s3://bucket/key URL", dest);
	dest += 5;
	slash = strchr(dest, '/');
	blen = slash != NULL ? (size_t)(slash - dest) : strlen(dest);
	*bucket = xmemdup(dest, blen);
	if (!all_of(*bucket, "-._", 255))
		die(EXIT_USAGE, "invalid bucket name \"%s\"", *bucket);
	dest = slash != NULL ? slash + 1 : "";
	n = strlen(dest);
	if (n == 0 || dest[n - 1] == '/') {
		if (strcmp(file, "-") == 0)
			die(EXIT_USAGE, "s3://%s/%s: a key is needed for stdin",
			    *bucket, dest);
		base = strrchr(file, '/') != NULL ? strrchr(file, '/') + 1 :
		    file;
		n += strlen(base) + 1;
		*key = xmalloc(n);
		snprintf(*key, n, "%s%s", dest, base);
	} else
		*key = xstrdup(dest);
	if (strlen(*key) > KEY_MAX || (*key)[strlen(*key) - 1] == '/')
		die(EXIT_USAGE, "invalid key \"%s\"", *key);
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
			die(EXIT_USAGE, "invalid endpoint \"%s\"", ep);
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
