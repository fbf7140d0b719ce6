/*
 * Opendatasoft Explore v2.1: the streaming CSV export URL of a dataset,
 * with the parameters ped-fetch relies on. The export endpoint has no
 * 10,000-row cap (the records endpoint does), and is asked explicitly
 * for ',' (its default is ';'), no BOM (v2.1 adds one by default) and
 * Melbourne time (its default is UTC).
 */
#include <stdlib.h>
#include <string.h>

#include <curl/curl.h>

#include "err.h"
#include "fetch.h"
#include "xalloc.h"

/* The dataset URLs of the Explore API: v2.1, v2.0 and the older /api/v2/. */
static const char *const ods_apis[] = {
	"/api/explore/v2.1/catalog/datasets/",
	"/api/explore/v2.0/catalog/datasets/",
	"/api/v2/catalog/datasets/"
};

struct buf {
	char	*s;
	size_t	 len, cap;
};

static void
append(struct buf *b, const char *s)
{
	size_t n = strlen(s);

	if (b->len + n + 1 > b->cap) {
		b->cap = (b->len + n + 1) * 2;
		b->s = xreallocarray(b->s, b->cap, 1);
	}
	memcpy(b->s + b->len, s, n + 1);
	b->len += n;
}

/* Where the dataset id begins in url's path, or NULL. */
static const char *
ods_dataset(const char *url)
{
	const char *path, *end, *p;
	size_t i, n;

	/* "scheme://" first: a "://" in the query is no authority. */
	path = url + strcspn(url, ":/?#");
	if (strncmp(path, "://", 3) != 0)
		return NULL;
	path += 3;
	end = path + strcspn(path, "?#");
	if ((path = memchr(path, '/', end - path)) == NULL)
		return NULL;
	for (i = 0; i < sizeof(ods_apis) / sizeof(ods_apis[0]); i++) {
		n = strlen(ods_apis[i]);
		for (p = path; p + n <= end; p++)
			if (memcmp(p, ods_apis[i], n) == 0 && p + n < end &&
			    p[n] != '/')
				return p + n;
	}
	return NULL;
}

int
ods_is_url(const char *spec)
{
	return spec != NULL && (strncmp(spec, "http://", 7) == 0 ||
	    strncmp(spec, "https://", 8) == 0) && ods_dataset(spec) != NULL;
}

/* Appends "&name=value" unless the query already names it. */
static void
param(struct buf *b, const char *name, const char *value)
{
	const char *q = strchr(b->s, '?');
	size_t n = strlen(name);
	char *esc;

	for (; q != NULL; q = strchr(q + 1, '&'))
		if (strncmp(q + 1, name, n) == 0 && q[1 + n] == '=')
			return;
	append(b, strchr(b->s, '?') != NULL ? "&" : "?");
	append(b, name);
	append(b, "=");
	if ((esc = curl_easy_escape(NULL, value, 0)) == NULL)
		die(EXIT_RUNTIME, "out of memory");
	append(b, esc);
	curl_free(esc);
}

/*
 * The export URL: the dataset's path up to its id, then /exports/csv
 * (an /exports/ URL stays as it is), then the query the user gave
 * (?apikey=..., ?lang=en), then our parameters. A #fragment is never
 * sent to a server: it is dropped.
 */
char *
ods_export_url(const char *url, const char *since, const char *until)
{
	struct buf b = { NULL, 0, 0 };
	const char *id, *q, *end;
	char *path;
	size_t plen;
	int exports;
	char where[128];

	if (url == NULL)
		url = ODS_DEFAULT_URL;
	q = url + strcspn(url, "?#");
	end = q + (*q == '?' ? strcspn(q, "#") : 0);
	plen = (size_t)(q - url);
	id = ods_dataset(url);
	path = xmemdup(url, plen);
	append(&b, path);
	free(path);
	exports = strstr(b.s, "/exports/") != NULL;
	if (id != NULL && !exports && (size_t)(id - url) < plen) {
		b.len = (size_t)(id - url) + strcspn(id, "/?#");
		b.s[b.len] = '\0';
	}
	while (b.len > 0 && b.s[b.len - 1] == '/')
		b.s[--b.len] = '\0';
	if (!exports)
		append(&b, "/exports/csv");
	else if (b.len >= 8 && strcmp(b.s + b.len - 8, "/exports") == 0)
		append(&b, "/csv");	/* ".../exports/": no format named */
	if (end - q > 1) {
		path = xmemdup(q, (size_t)(end - q));
		append(&b, path);
		free(path);
		/* "?a=1&" and "?&" would leave an empty parameter. */
		while (b.len > 0 && (b.s[b.len - 1] == '&' ||
		    b.s[b.len - 1] == '?'))
			b.s[--b.len] = '\0';
	}
	param(&b, "delimiter", ",");
	param(&b, "with_bom", "false");
	param(&b, "timezone", "Australia/Melbourne");
	if (since != NULL || until != NULL) {
		snprintf(where, sizeof(where), "%s%s%s%s%s",
		    since ? "sensing_date>=date'" : "", since ? since : "",
		    since ? "'" : "", since && until ? " and " : "", "");
		if (until != NULL) {
			size_t w = strlen(where);

			snprintf(where + w, sizeof(where) - w,
			    "sensing_date<=date'%s'", until);
		}
		param(&b, "where", where);
	}
	return b.s;
}
