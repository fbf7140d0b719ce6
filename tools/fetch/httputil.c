/*
 * What ped-fetch's HTTP sources share: libcurl defaults, retry timing
 * (full-jitter backoff, Retry-After), header values, and URLs fit to
 * print (no credentials, no tokens).
 */
#include <ctype.h>
#include <stdio.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "backoff.h"
#include "err.h"
#include "gzmsg.h"
#include "httputil.h"
#include "num.h"
#include "version.h"
#include "xalloc.h"

/* Query parameters whose values look like secrets: matched anywhere. */
static const char *const secret_words[] = {
	"token", "key", "secret", "pass", "pwd", "auth", "sig",
	"credential", "session"
};

long long
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

void
setopt_check(CURLcode cc, const char *what)
{
	if (cc != CURLE_OK)
		die(EXIT_RUNTIME, "libcurl: %s: %s", what,
		    curl_easy_strerror(cc));
}

static int
hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c = tolower(c);
	return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

/*
 * Whether a parameter name looks like a secret's, after undoing its
 * percent-encoding and '+' (a server decodes "tok%65n" to "token").
 */
static int
secret_name(const char *name, size_t len)
{
	char buf[256];
	size_t i, j, k = 0, w;
	int hi, lo;

	for (i = 0; i < len && k < sizeof(buf); i++) {
		if (name[i] == '%' && i + 2 < len &&
		    (hi = hexval((unsigned char)name[i + 1])) >= 0 &&
		    (lo = hexval((unsigned char)name[i + 2])) >= 0) {
			buf[k++] = (char)(hi * 16 + lo);
			i += 2;
		} else
			buf[k++] = name[i] == '+' ? ' ' : name[i];
	}
	for (i = 0; i < sizeof(secret_words) / sizeof(secret_words[0]); i++) {
		w = strlen(secret_words[i]);
		for (j = 0; j + w <= k; j++)
			if (strncasecmp(buf + j, secret_words[i], w) == 0)
				return 1;
	}
	return 0;
}

static void	 url_printable_in(char *, size_t);

/*
 * Returns url with the userinfo and the values of token-like parameters
 * replaced by "***", for messages: a Socrata URL may carry $$app_token,
 * a presigned one X-Amz-Signature, an OAuth redirect #access_token=.
 * The parameters of the query and of the fragment are both looked at.
 */
char *
url_redact(const char *url)
{
	const char *p, *auth, *end, *at, *q, *eq;
	char *out, *o;

	out = o = xmalloc(4 * strlen(url) + 4);
	p = url;
	if ((auth = strstr(p, "://")) != NULL) {
		auth += 3;
		end = auth + strcspn(auth, "/?#");
		at = NULL;
		for (q = auth; q < end; q++)
			if (*q == '@')
				at = q;
		memcpy(o, p, auth - p);
		o += auth - p;
		if (at != NULL) {
			memcpy(o, "***", 3);
			o += 3;
			auth = at;
		}
		p = auth;
	}
	/* p: up to the query, copied as is. */
	q = p + strcspn(p, "?#");
	memcpy(o, p, q - p);
	o += q - p;
	p = q;
	/* name=value pairs split by '&' (or ';'), after '?' then '#'. */
	while (*p == '?' || *p == '&' || *p == '#' || *p == ';') {
		*o++ = *p++;
		end = p + strcspn(p, "&;#");
		eq = memchr(p, '=', end - p);
		if (eq != NULL && secret_name(p, eq - p)) {
			memcpy(o, p, eq + 1 - p);
			o += eq + 1 - p;
			memcpy(o, "***", 3);
			o += 3;
		} else {
			memcpy(o, p, end - p);
			o += end - p;
		}
		p = end;
	}
	*o = '\0';
	url_printable_in(out, 4 * strlen(url) + 4);
	return out;
}

/*
 * Percent-encodes, in place, what a terminal must not get raw: control
 * bytes, DEL and bytes of 0x80 and up (the buffer has room: url_redact
 * allocates four bytes a byte).
 */
static void
url_printable_in(char *s, size_t room)
{
	static const char hex[] = "0123456789ABCDEF";
	size_t i, n = strlen(s), bad = 0;
	unsigned char c;

	for (i = 0; i < n; i++) {
		c = (unsigned char)s[i];
		bad += c < 0x20 || c >= 0x7f;
	}
	if (bad == 0 || n + 2 * bad + 1 > room)
		return;
	s[n + 2 * bad] = '\0';
	for (i = n; i-- > 0;) {
		c = (unsigned char)s[i];
		if (c < 0x20 || c >= 0x7f) {
			bad--;
			s[i + 2 * bad] = '%';
			s[i + 2 * bad + 1] = hex[c >> 4];
			s[i + 2 * bad + 2] = hex[c & 15];
		} else
			s[i + 2 * bad] = (char)c;
	}
}

void
text_printable(char *s, size_t size)
{
	static const char hex[] = "0123456789abcdef";
	char tmp[256];
	size_t i, o = 0;
	unsigned char c;

	for (i = 0; s[i] != '\0' && o + 5 < sizeof(tmp); i++) {
		c = (unsigned char)s[i];
		if (c >= 0x20 && c < 0x7f && c != '\\') {
			tmp[o++] = (char)c;
			continue;
		}
		tmp[o++] = '\\';
		if (c == '\\') {
			tmp[o++] = '\\';
			continue;
		}
		tmp[o++] = 'x';
		tmp[o++] = hex[c >> 4];
		tmp[o++] = hex[c & 15];
	}
	tmp[o] = '\0';
	if (o >= size)
		o = size - 1;
	memcpy(s, tmp, o);
	s[o] = '\0';
}

/* Copies the header value after "Name:" without spaces or CRLF. */
void
header_value(const char *v, size_t len, char *dst, size_t size)
{
	while (len > 0 && (*v == ' ' || *v == '\t')) {
		v++;
		len--;
	}
	while (len > 0 && isspace((unsigned char)v[len - 1]))
		len--;
	if (len >= size)
		len = 0;	/* too long to be a useful validator */
	memcpy(dst, v, len);
	dst[len] = '\0';
}

/* Retry-After: delay-seconds or an HTTP-date (RFC 9110 10.2.3). */
long
parse_retry_after(const char *s)
{
	char *end;
	long v;
	time_t t;

	if (isdigit((unsigned char)*s)) {
		v = strtol(s, &end, 10);
		return *end == '\0' && v >= 0 ? v : -1;
	}
	if ((t = curl_getdate(s, NULL)) == -1)
		return -1;
	t -= time(NULL);
	return t > 0 ? (long)t : 0;
}

/* Errors worth another attempt: the network, not the request. */
int
curl_transient(CURLcode cc)
{
	switch (cc) {
	case CURLE_COULDNT_CONNECT:
	case CURLE_OPERATION_TIMEDOUT:
	case CURLE_PARTIAL_FILE:
	case CURLE_RECV_ERROR:
	case CURLE_SEND_ERROR:
	case CURLE_GOT_NOTHING:
	case CURLE_HTTP2:
	case CURLE_HTTP2_STREAM:
	case CURLE_BAD_CONTENT_ENCODING:	/* a gzip body cut short */
		return 1;
	default:
		return 0;
	}
}

long long
backoff_ms(unsigned n)
{
	static unsigned long long base;
	static int known;

	if (!known++)
		base = backoff_base_ms(HTTP_BASE_MS);
	return (long long)backoff_delay_ms(base, n);
}

void
sleep_ms(long long ms)
{
	struct timespec ts;

	ts.tv_sec = ms / 1000;
	ts.tv_nsec = (ms % 1000) * 1000000;
	while (nanosleep(&ts, &ts) == -1)
		;
}

void
http_easy_defaults(CURL *e, const struct fetch_options *o, char *errbuf,
    curl_write_callback body, curl_write_callback header, void *arg)
{
	/* Neither the URL nor a redirect may reach file:// or others. */
	setopt_check(curl_easy_setopt(e, CURLOPT_PROTOCOLS_STR, "http,https"),
	    "protocols");
	setopt_check(curl_easy_setopt(e, CURLOPT_REDIR_PROTOCOLS_STR,
	    "http,https"), "protocols");
	setopt_check(curl_easy_setopt(e, CURLOPT_FOLLOWLOCATION, 1L),
	    "redirects");
	setopt_check(curl_easy_setopt(e, CURLOPT_MAXREDIRS, HTTP_MAX_REDIRS),
	    "redirects");
	setopt_check(curl_easy_setopt(e, CURLOPT_SSL_VERIFYPEER, 1L), "tls");
	setopt_check(curl_easy_setopt(e, CURLOPT_SSL_VERIFYHOST, 2L), "tls");
	if (o->cacert != NULL)
		setopt_check(curl_easy_setopt(e, CURLOPT_CAINFO, o->cacert),
		    "cacert");
	if (o->connect_timeout > 0)
		setopt_check(curl_easy_setopt(e, CURLOPT_CONNECTTIMEOUT,
		    o->connect_timeout), "connect timeout");
	/* A body that stops flowing is retried, not waited on. */
	setopt_check(curl_easy_setopt(e, CURLOPT_LOW_SPEED_LIMIT, 1L), "stall");
	setopt_check(curl_easy_setopt(e, CURLOPT_LOW_SPEED_TIME,
	    http_stall_secs()), "stall");
	setopt_check(curl_easy_setopt(e, CURLOPT_ACCEPT_ENCODING, ""),
	    "encoding");
	setopt_check(curl_easy_setopt(e, CURLOPT_USERAGENT,
	    "ped-fetch/" PED_VERSION), "user agent");
	setopt_check(curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L), "signals");
	setopt_check(curl_easy_setopt(e, CURLOPT_ERRORBUFFER, errbuf),
	    "error buffer");
	setopt_check(curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, body),
	    "write");
	setopt_check(curl_easy_setopt(e, CURLOPT_WRITEDATA, arg), "write");
	setopt_check(curl_easy_setopt(e, CURLOPT_HEADERFUNCTION, header),
	    "header");
	setopt_check(curl_easy_setopt(e, CURLOPT_HEADERDATA, arg), "header");
}

struct curl_slist *
soda_token_header(void)
{
	const char *t = getenv("SODA_APP_TOKEN");
	struct curl_slist *l;
	char *h;
	size_t n;

	if (t == NULL || t[0] == '\0')
		return NULL;
	if (strpbrk(t, "\r\n") != NULL)
		die(EXIT_USAGE, "SODA_APP_TOKEN: invalid token");
	n = strlen(t) + 16;
	h = xmalloc(n);
	snprintf(h, n, "X-App-Token: %s", t);
	if ((l = curl_slist_append(NULL, h)) == NULL)
		die(EXIT_RUNTIME, "out of memory");
	memset(h, 0, n);
	free(h);
	return l;
}

int
soda_resource_url(const char *url)
{
	const char *path = strstr(url, "://");
	size_t n;

	if (path == NULL || (path = strchr(path + 3, '/')) == NULL)
		return 0;
	n = strcspn(path, "?#");
	for (; n >= 10; path++, n--)
		if (strncmp(path, "/resource/", 10) == 0 ||
		    (n >= 11 && strncmp(path, "/api/views/", 11) == 0))
			return 1;
	return 0;
}

/* scheme://host:port of url, lower case, in buf; -1 when unparsable. */
static int
origin(const char *url, char *buf, size_t size)
{
	CURLU *u;
	char *scheme = NULL, *host = NULL, *port = NULL;
	int rc = -1;
	size_t i;

	if ((u = curl_url()) == NULL)
		die(EXIT_RUNTIME, "out of memory");
	if (curl_url_set(u, CURLUPART_URL, url, 0) == CURLUE_OK &&
	    curl_url_get(u, CURLUPART_SCHEME, &scheme, 0) == CURLUE_OK &&
	    curl_url_get(u, CURLUPART_HOST, &host, 0) == CURLUE_OK &&
	    curl_url_get(u, CURLUPART_PORT, &port, CURLU_DEFAULT_PORT) ==
	    CURLUE_OK && (size_t)snprintf(buf, size, "%s://%s:%s", scheme,
	    host, port) < size) {
		for (i = 0; buf[i] != '\0'; i++)
			buf[i] = (char)tolower((unsigned char)buf[i]);
		rc = 0;
	}
	curl_free(scheme);
	curl_free(host);
	curl_free(port);
	curl_url_cleanup(u);
	return rc;
}

char *
http_redirect(CURL *e, long status, const char *from, int *other)
{
	char *to = NULL, a[512], b[512];

	if (status < 300 || status > 399 ||
	    curl_easy_getinfo(e, CURLINFO_REDIRECT_URL, &to) != CURLE_OK ||
	    to == NULL)
		return NULL;
	*other = origin(from, a, sizeof(a)) != 0 ||
	    origin(to, b, sizeof(b)) != 0 || strcmp(a, b) != 0;
	return xstrdup(to);
}

long
http_stall_secs(void)
{
	static long secs;
	const char *s;
	uint64_t v;

	if (secs != 0)
		return secs;
	secs = HTTP_STALL_SECS;
	if ((s = getenv("PED_STALL_SECS")) != NULL) {
		if (parse_uint(s, strlen(s), 3600, &v) != 0 || v == 0)
			die(EXIT_USAGE, "PED_STALL_SECS: invalid seconds \"%s\"",
			    s);
		secs = (long)v;
	}
	return secs;
}

void
http_why(CURLcode cc, const char *errbuf, char *why, size_t size)
{
	switch (cc) {
	case CURLE_OPERATION_TIMEDOUT:
		/* Not the --max-time deadline (callers check it first): the
		 * low-speed limit, i.e. a stall. */
		snprintf(why, size, "no data for %ld s (the transfer stalled)",
		    http_stall_secs());
		return;
	case CURLE_BAD_CONTENT_ENCODING:
		snprintf(why, size, "Content-Encoding: " GZ_MSG_CORRUPT " (%s)",
		    errbuf[0] != '\0' ? errbuf : curl_easy_strerror(cc));
		return;
	case CURLE_OUT_OF_MEMORY:
		/* What libcurl says of a header line over its limit. */
		snprintf(why, size, "a response header line longer than "
		    "libcurl accepts (100 KiB)");
		return;
	default:
		snprintf(why, size, "%s", errbuf[0] != '\0' ? errbuf :
		    curl_easy_strerror(cc));
	}
}
