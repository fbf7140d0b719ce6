/*
 * libFuzzer target: the Opendatasoft export URL builder (tools/fetch/
 * ods.c) and the redaction of URLs for messages (httputil.c). The first
 * byte picks --since/--until; the rest is the URL. Checks what the
 * builder promises: the export path comes before the query, the query
 * is one ?...&..., no fragment is sent, each export parameter appears
 * once; and a redacted URL never shows the value of a token parameter.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../../tools/fetch/fetch.h"
#include "../../tools/fetch/httputil.h"

static size_t
count(const char *s, const char *what)
{
	size_t n = 0, w = strlen(what);

	for (; (s = strstr(s, what)) != NULL; s += w)
		n++;
	return n;
}

static void
check_export(const char *url, const char *since, const char *until)
{
	char *out = ods_export_url(url, since, until);
	char *q = strchr(out, '?');
	const char *given = url != NULL ? url : "";
	size_t plen = q != NULL ? (size_t)(q - out) : strlen(out);
	char *path = strndup(out, plen);

	if (path == NULL)
		abort();
	/* The export path, then one query, and no fragment. */
	if (strstr(path, "/exports/") == NULL || strchr(out, '#') != NULL ||
	    (q != NULL && strchr(q + 1, '?') != NULL && strstr(given, "?") ==
	    NULL))
		abort();
	if (q == NULL || count(q, "delimiter=") < 1 ||
	    count(q, "with_bom=") < 1 || count(q, "timezone=") < 1)
		abort();
	/* Ours are added once: never twice when the user gave none. */
	if (strstr(given, "delimiter") == NULL && count(q, "delimiter=") != 1)
		abort();
	if ((since != NULL || until != NULL) && strstr(given, "where") == NULL &&
	    count(q, "&where=") + count(q, "?where=") != 1)
		abort();
	free(path);
	free(out);
}

/*
 * An http(s) URL whose query begins with token=VALUE comes out with
 * token=*** there; the user name and password never come out.
 */
static void
check_redact(const char *url)
{
	char *out = url_redact(url);
	const char *q = strchr(url, '?'), *oq = strchr(out, '?');
	const char *auth = strstr(url, "://");
	size_t alen;

	if (strncmp(url, "http://", 7) != 0 && strncmp(url, "https://", 8) != 0)
		goto done;
	if (q != NULL && strncmp(q, "?token=", 7) == 0 &&
	    (size_t)(q - url) <= strcspn(url, "#") &&
	    (oq == NULL || strncmp(oq, "?token=***", 10) != 0))
		abort();
	/* http://USER:PASS@host: nothing of the userinfo is kept. */
	auth += 3;
	alen = strcspn(auth, "/?#");
	if (memchr(auth, '@', alen) != NULL &&
	    strncmp(out + (auth - url), "***@", 4) != 0)
		abort();
done:
	free(out);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *url;
	const char *since = NULL, *until = NULL;

	if (size < 1)
		return 0;
	if (data[0] & 1)
		since = "2024-03-01";
	if (data[0] & 2)
		until = "2024-03-31";
	url = strndup((const char *)data + 1, size - 1);
	if (url == NULL)
		abort();
	check_export(url, since, until);
	if (data[0] & 4)
		check_export(NULL, since, until);
	(void)ods_is_url(url);
	check_redact(url);
	free(url);
	return 0;
}
