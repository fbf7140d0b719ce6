/*
 * Opendatasoft Explore v2.1: the streaming CSV export URL of a dataset,
 * with the parameters ped-fetch relies on. The export endpoint has no
 * 10,000-row cap (the records endpoint does), and is asked explicitly
 * for ',' (its default is ';'), no BOM (v2.1 adds one by default) and
 * Melbourne time (its default is UTC).
 */
#include <string.h>

#include <curl/curl.h>

#include "err.h"
#include "fetch.h"
#include "xalloc.h"

#define ODS_API		"/api/explore/v2.1/catalog/datasets/"
#define ODS_API_V20	"/api/v2/catalog/datasets/"

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

int
ods_is_url(const char *spec)
{
	return spec != NULL && (strncmp(spec, "http://", 7) == 0 ||
	    strncmp(spec, "https://", 8) == 0) &&
	    (strstr(spec, ODS_API) != NULL || strstr(spec, ODS_API_V20) != NULL);
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

char *
ods_export_url(const char *url, const char *since, const char *until)
{
	struct buf b = { NULL, 0, 0 };
	char where[128];

	append(&b, url != NULL ? url : ODS_DEFAULT_URL);
	if (strstr(b.s, "/exports/") == NULL) {
		while (b.len > 0 && b.s[b.len - 1] == '/')
			b.s[--b.len] = '\0';
		append(&b, "/exports/csv");
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
