/*
 * The HTTP(S) source: libcurl's multi interface driven from read(), so
 * the parser streams while the body downloads and memory stays bounded
 * by one small buffer. Retries with backoff, resumption with Range and
 * If-Range, and messages that never show credentials.
 */
#include <ctype.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include <curl/curl.h>

#include "err.h"
#include "gzmsg.h"
#include "httputil.h"
#include "num.h"
#include "progress.h"
#include "source.h"
#include "version.h"
#include "xalloc.h"

#define BUF_SIZE	(64 * 1024)	/* four of libcurl's write chunks */
#define DEADLINE_SLACK	50		/* ms: a timeout this close is ours */
#define VALIDATOR_MAX	256

/* Why an attempt ended badly, for the message and the retry decision. */
enum verdict {
	V_NONE,
	V_NO_RESUME,		/* a range request was not honoured */
	V_STATUS		/* a final status that is not 2xx */
};

struct http {
	struct source	 src;		/* first: what callers hold */
	const struct fetch_options *o;
	char		*url;
	char		*safe;		/* url with secrets redacted */
	char		*cur;		/* url, or where redirects led */
	struct curl_slist *token;	/* X-App-Token for a SODA URL */
	int		 token_off;	/* a redirect left the user's host */
	long		 hops;		/* redirects followed by hand */
	CURLM		*multi;
	CURL		*easy;
	struct curl_slist *hdrs;
	char		*buf;		/* body bytes not yet read */
	size_t		 cap, off, len;
	int		 paused;
	int		 finished;	/* the body is complete */
	long long	 got;		/* body bytes received, all attempts */
	long long	 start;		/* got when this attempt began */
	unsigned	 tries;		/* retries made */
	long long	 deadline_ms;	/* monotonic; 0: no --max-time */
	enum verdict	 verdict;
	/* The current response, reset by each status line. */
	long		 status;
	char		 reason[64];
	long		 retry_after;	/* seconds, -1 when absent */
	long long	 range_start;	/* from Content-Range, -1 if none */
	char		 etag[VALIDATOR_MAX];
	char		 lastmod[VALIDATOR_MAX];
	int		 ranges;	/* Accept-Ranges: bytes */
	int		 encoded;	/* Content-Encoding, not identity */
	int		 chunked;	/* Transfer-Encoding: chunked */
	/* From the response that began the body: what resuming needs. */
	int		 can_resume;
	char		 validator[VALIDATOR_MAX];
	int		 unchecked;	/* nothing tells a cut body from a whole */
	int		 excess;	/* bytes came past the Content-Length */
	unsigned char	 head[2], last;	/* the body's first and last bytes */
	char		 errbuf[CURL_ERROR_SIZE];
	struct http_cond *cond;		/* a conditional GET, or NULL */
};

static size_t	 http_read(struct source *, void *, size_t);
static void	 http_close(struct source *);
static void	 pump(struct http *);
static void	 attempt_start(struct http *);
static void	 attempt_done(struct http *, CURLcode);
static int	 redirected(struct http *);
static noreturn void fail(struct http *, const char *, ...)
		    __attribute__((format(printf, 2, 3)));







static void
response_reset(struct http *h, const char *line, size_t len)
{
	const char *sp;
	char tmp[128];

	h->status = 0;
	h->reason[0] = '\0';
	h->retry_after = -1;
	h->range_start = -1;
	h->etag[0] = h->lastmod[0] = '\0';
	h->ranges = h->encoded = h->chunked = 0;
	header_value(line, len, tmp, sizeof(tmp));
	/* "HTTP/1.1 404 Not Found", "HTTP/2 404" */
	if ((sp = strchr(tmp, ' ')) == NULL)
		return;
	h->status = strtol(sp + 1, NULL, 10);
	if ((sp = strchr(sp + 1, ' ')) != NULL)
		header_value(sp + 1, strlen(sp + 1), h->reason,
		    sizeof(h->reason));
	text_printable(h->reason, sizeof(h->reason));
}

static int
header_is(const char *line, size_t len, const char *name, const char **val)
{
	size_t n = strlen(name);

	if (len <= n || line[n] != ':' || strncasecmp(line, name, n) != 0)
		return 0;
	*val = line + n + 1;
	return 1;
}

static void
header_field(struct http *h, const char *line, size_t len)
{
	const char *v;
	char tmp[VALIDATOR_MAX];
	size_t vlen;

	if (!header_is(line, len, "etag", &v) &&
	    !header_is(line, len, "last-modified", &v) &&
	    !header_is(line, len, "accept-ranges", &v) &&
	    !header_is(line, len, "content-encoding", &v) &&
	    !header_is(line, len, "content-range", &v) &&
	    !header_is(line, len, "retry-after", &v) &&
	    !header_is(line, len, "transfer-encoding", &v))
		return;
	vlen = len - (v - line);
	header_value(v, vlen, tmp, sizeof(tmp));
	switch (tolower((unsigned char)line[0])) {
	case 'e':
		memcpy(h->etag, tmp, sizeof(tmp));
		break;
	case 'l':
		memcpy(h->lastmod, tmp, sizeof(tmp));
		break;
	case 'a':
		h->ranges = strcasecmp(tmp, "bytes") == 0;
		break;
	case 'r':
		h->retry_after = parse_retry_after(tmp);
		break;
	case 't':
		/* "gzip, chunked": chunked comes last when it is there. */
		vlen = strlen(tmp);
		h->chunked = vlen >= 7 &&
		    strcasecmp(tmp + vlen - 7, "chunked") == 0;
		break;
	default:	/* content-... */
		if (tolower((unsigned char)line[8]) == 'e')
			h->encoded = tmp[0] != '\0' &&
			    strcasecmp(tmp, "identity") != 0;
		else if (strncasecmp(tmp, "bytes ", 6) == 0)
			h->range_start = strtoll(tmp + 6, NULL, 10);
		break;
	}
}

static size_t
header_cb(char *line, size_t size, size_t n, void *arg)
{
	struct http *h = arg;

	(void)size;
	if (n >= 5 && strncmp(line, "HTTP/", 5) == 0)
		response_reset(h, line, n);
	else
		header_field(h, line, n);
	return n;
}

/*
 * The 2xx response that starts the body fixes what a resumption needs:
 * a strong ETag (weak ones may not be used with If-Range) or else
 * Last-Modified.
 * Content-encoded bodies are never resumed: Range offsets count the
 * encoded bytes while we count decoded ones, and a gzip stream cannot
 * be decoded from its middle anyway.
 */
static void
first_response(struct http *h)
{
	curl_off_t cl = -1;

	if (h->etag[0] != '\0' && strncmp(h->etag, "W/", 2) != 0)
		memcpy(h->validator, h->etag, sizeof(h->validator));
	else
		memcpy(h->validator, h->lastmod, sizeof(h->validator));
	h->can_resume = h->ranges && !h->encoded && h->validator[0] != '\0';
	if (h->cond != NULL) {
		memcpy(h->cond->etag_out, h->etag, sizeof(h->etag));
		memcpy(h->cond->lastmod_out, h->lastmod, sizeof(h->lastmod));
	}
	curl_easy_getinfo(h->easy, CURLINFO_CONTENT_LENGTH_DOWNLOAD_T, &cl);
	h->src.size = h->encoded || cl < 0 ? -1 : (long long)cl;
	/*
	 * libcurl checks a Content-Length and the end of a chunked body,
	 * but a body that ends when the connection closes may be cut
	 * anywhere, and a Content-Encoding stream cut short decodes to a
	 * prefix without complaint.
	 */
	h->unchecked = h->encoded || (cl < 0 && !h->chunked);
}

/*
 * Compressed formats whose decoders notice a cut: gzip and xz (trailers),
 * ZIP (the central directory), bzip2 and zstd (end of stream marks).
 */
static int
checks_its_end(const unsigned char head[2])
{
	return (head[0] == 0x1f && head[1] == 0x8b) ||
	    (head[0] == 'P' && head[1] == 'K') ||
	    (head[0] == 'B' && head[1] == 'Z') ||
	    (head[0] == 0xfd && head[1] == '7') ||
	    (head[0] == 0x28 && head[1] == 0xb5);
}

/*
 * A body without a length to check ends where the connection closed:
 * a cut that leaves a record without its line end would pass for a
 * shorter last row ("276" read as "2"). Data that ends with a line end
 * and compressed data (its decoder checks the end) are whole.
 */
static void
check_whole(struct http *h)
{
	if ((!h->unchecked && !h->excess) || h->got == 0 ||
	    h->last == '\n' || (h->got >= 2 && checks_its_end(h->head)))
		return;
	if (h->excess)
		fail(h, "transfer cut short: the server sent more than its "
		    "Content-Length of %lld bytes, and the body ends there in "
		    "the middle of a line", h->got);
	fail(h, "transfer cut short: the body ends in the middle of a line "
	    "after %lld bytes, and the server sent no length to check it "
	    "against", h->got);
}

/*
 * libcurl stops at the Content-Length and only mentions the bytes that
 * came past it ("Excess found") in its verbose text: a length that is
 * too short would otherwise cut the body silently.
 */
static int
debug_cb(CURL *e, curl_infotype type, char *text, size_t n, void *arg)
{
	struct http *h = arg;

	(void)e;
	if (type == CURLINFO_TEXT && n >= 12 &&
	    strncmp(text, "Excess found", 12) == 0)
		h->excess = 1;
	return 0;
}

/* Judges the final response before its first body byte is kept. */
static int
response_ok(struct http *h)
{
	if (h->status < 200 || h->status > 299) {
		h->verdict = V_STATUS;
		return 0;
	}
	if (h->start == 0) {
		first_response(h);
		return 1;
	}
	/* A resumption: only a 206 for exactly our offset will do. */
	if (h->status != 206 || h->range_start != h->got || h->encoded ||
	    (h->etag[0] != '\0' && h->validator[0] == '"' &&
	    strcmp(h->etag, h->validator) != 0)) {
		h->verdict = V_NO_RESUME;
		return 0;
	}
	return 1;
}

static size_t
write_cb(char *data, size_t size, size_t n, void *arg)
{
	struct http *h = arg;

	(void)size;
	if (h->got == h->start && h->verdict == V_NONE && !response_ok(h))
		return 0;	/* aborts the transfer: a write error */
	if (h->off > 0 && h->cap - h->len < n) {
		memmove(h->buf, h->buf + h->off, h->len - h->off);
		h->len -= h->off;
		h->off = 0;
	}
	if (h->cap - h->len < n) {
		if (h->len > 0) {
			h->paused = 1;
			return CURL_WRITEFUNC_PAUSE;
		}
		/* Never expected: a chunk larger than the whole buffer. */
		h->buf = xreallocarray(h->buf, n, 1);
		h->cap = n;
	}
	memcpy(h->buf + h->len, data, n);
	h->len += n;
	if (h->got < 2 && n > 0) {
		h->head[h->got] = (unsigned char)data[0];
		if (h->got == 0 && n > 1)
			h->head[1] = (unsigned char)data[1];
	}
	if (n > 0)
		h->last = (unsigned char)data[n - 1];
	h->got += (long long)n;
	h->src.consumed = h->got;
	return n;
}

static void
fail(struct http *h, const char *fmt, ...)
{
	char msg[CURL_ERROR_SIZE + 256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	progress_end();
	die(EXIT_RUNTIME, "%s: %s", h->safe, msg);
}

static noreturn void
timed_out(struct http *h)
{
	fail(h, "timed out after %ld s (--max-time)", h->o->max_time);
}

static noreturn void
cannot_resume(struct http *h, int stalled)
{
	if (stalled)
		fail(h, "no data for %ld s after %lld bytes (the transfer "
		    "stalled) and the server cannot resume", http_stall_secs(),
		    h->got);
	fail(h, "connection lost after %lld bytes and the server cannot resume",
	    h->got);
}





static void
retry(struct http *h, const char *why, long retry_after)
{
	long long delay;

	if (h->tries >= h->o->retries) {
		if (h->tries == 0)
			fail(h, "%s", why);
		fail(h, "%s (gave up after %u retries)", why, h->tries);
	}
	h->tries++;
	delay = backoff_ms(h->tries);
	if (retry_after > HTTP_RETRY_AFTER_MAX)
		fail(h, "%s, and the server asks to wait %ld s", why,
		    retry_after);
	if (retry_after >= 0)
		delay = retry_after * 1000LL;
	/* A wait past --max-time fails now, saying why: not "timed out". */
	if (h->deadline_ms != 0 && now_ms() + delay >= h->deadline_ms) {
		if (retry_after >= 0)
			fail(h, "%s, and the server asks to wait %ld s, past "
			    "--max-time %ld s", why, retry_after,
			    h->o->max_time);
		fail(h, "%s (no time left to retry within --max-time %ld s)",
		    why, h->o->max_time);
	}
	if (h->o->verbose && !h->o->quiet) {
		progress_end();
		if (h->got > 0)
			warn_msg("%s: %s, retry %u/%u in %.1fs from byte %lld",
			    h->safe, why, h->tries, h->o->retries,
			    delay / 1000.0, h->got);
		else
			warn_msg("%s: %s, retry %u/%u in %.1fs", h->safe, why,
			    h->tries, h->o->retries, delay / 1000.0);
	}
	sleep_ms(delay);
	attempt_start(h);
}

static void
attempt_done(struct http *h, CURLcode cc)
{
	char why[CURL_ERROR_SIZE + 80];

	curl_multi_remove_handle(h->multi, h->easy);
	h->paused = 0;
	/* Retries bound attempts that make no progress: a long download
	 * over a link that drops now and then still completes. */
	if (h->got > h->start)
		h->tries = 0;
	/* Not Modified: the caller's copy is current. */
	if (h->cond != NULL && h->status == 304 && cc == CURLE_OK &&
	    h->got == 0 && h->verdict == V_NONE) {
		h->cond->not_modified = 1;
		h->finished = 1;
		return;
	}
	/* An empty body has not been judged by write_cb yet. */
	if (h->verdict == V_NONE && cc == CURLE_OK &&
	    (h->got > h->start || response_ok(h))) {
		check_whole(h);
		h->finished = 1;
		return;
	}
	if (h->verdict == V_NO_RESUME)
		cannot_resume(h, 0);
	if (h->verdict == V_STATUS && redirected(h))
		return;
	if (h->verdict == V_STATUS) {
		snprintf(why, sizeof(why), "HTTP %ld%s%s", h->status,
		    h->reason[0] != '\0' ? " " : "", h->reason);
		if (h->status == 429 || (h->status >= 500 && h->status <= 599))
			retry(h, why, h->retry_after);
		else
			fail(h, "%s", why);
		return;
	}
	if (cc == CURLE_OPERATION_TIMEDOUT && h->deadline_ms != 0 &&
	    now_ms() >= h->deadline_ms - DEADLINE_SLACK)
		timed_out(h);
	/*
	 * libcurl's decoder of a Content-Encoding fails with a write error
	 * and no text when bytes follow the compressed data.
	 */
	if (cc == CURLE_WRITE_ERROR && h->encoded)
		fail(h, "Content-Encoding: " GZ_MSG_GARBAGE);
	http_why(cc, h->errbuf, why, sizeof(why));
	if (!curl_transient(cc))
		fail(h, "%s", why);
	if (h->got > 0 && !h->can_resume)
		cannot_resume(h, cc == CURLE_OPERATION_TIMEDOUT);
	retry(h, why, -1);
}

/*
 * Starts (or restarts) the transfer. A restart after body bytes asks
 * for the rest only, without compression so the offsets stay those of
 * the first, identity-encoded response.
 */
static struct curl_slist *
if_range(struct curl_slist *l, const char *validator)
{
	char hdr[VALIDATOR_MAX + 16];
	struct curl_slist *n;

	snprintf(hdr, sizeof(hdr), "If-Range: %s", validator);
	if ((n = curl_slist_append(l, hdr)) == NULL)
		die(EXIT_RUNTIME, "out of memory");
	return n;
}

static struct curl_slist *add_header(struct curl_slist *, const char *,
		    const char *);

/*
 * The request headers: the app token while on the user's host, and
 * If-Range when resuming after body bytes, else the conditional GET's
 * If-None-Match and If-Modified-Since.
 */
static void
set_headers(struct http *h)
{
	struct http_cond *c = h->cond;
	struct curl_slist *l = NULL;

	if (h->token != NULL && !h->token_off &&
	    (l = curl_slist_append(NULL, h->token->data)) == NULL)
		die(EXIT_RUNTIME, "out of memory");
	if (h->got > 0)
		l = if_range(l, h->validator);
	else if (c != NULL) {
		if (c->etag != NULL && c->etag[0] != '\0')
			l = add_header(l, "If-None-Match", c->etag);
		if (c->lastmod != NULL && c->lastmod[0] != '\0')
			l = add_header(l, "If-Modified-Since", c->lastmod);
	}
	curl_slist_free_all(h->hdrs);
	h->hdrs = l;
	setopt_check(curl_easy_setopt(h->easy, CURLOPT_HTTPHEADER, h->hdrs),
	    "headers");
}

static void
attempt_start(struct http *h)
{
	char range[32];
	long long left;

	h->start = h->got;
	h->verdict = V_NONE;
	h->status = 0;
	h->errbuf[0] = '\0';
	if (h->deadline_ms != 0) {
		if ((left = h->deadline_ms - now_ms()) <= 0)
			timed_out(h);
		setopt_check(curl_easy_setopt(h->easy, CURLOPT_TIMEOUT_MS,
		    (long)left), "timeout");
	}
	set_headers(h);
	if (h->got > 0) {
		snprintf(range, sizeof(range), "%lld-", h->got);
		setopt_check(curl_easy_setopt(h->easy, CURLOPT_RANGE, range),
		    "range");
		setopt_check(curl_easy_setopt(h->easy, CURLOPT_ACCEPT_ENCODING,
		    NULL), "encoding");
	}
	if (curl_multi_add_handle(h->multi, h->easy) != CURLM_OK)
		die(EXIT_RUNTIME, "libcurl: cannot add a transfer");
}

static struct curl_slist *
add_header(struct curl_slist *l, const char *name, const char *value)
{
	char hdr[VALIDATOR_MAX + 32];
	struct curl_slist *n;

	snprintf(hdr, sizeof(hdr), "%s: %s", name, value);
	if ((n = curl_slist_append(l, hdr)) == NULL)
		die(EXIT_RUNTIME, "out of memory");
	return n;
}

/*
 * With a token libcurl does not follow redirects: it would send the
 * token to whatever host a redirect names. Here it goes on only to the
 * host the user gave (scheme, host and port alike).
 */
static int
redirected(struct http *h)
{
	char *next;
	int other;

	if (h->token == NULL ||
	    (next = http_redirect(h->easy, h->status, h->cur, &other)) == NULL)
		return 0;
	if (++h->hops > HTTP_MAX_REDIRS) {
		free(next);
		fail(h, "more than %ld redirects", HTTP_MAX_REDIRS);
	}
	h->token_off |= other;
	free(h->cur);
	h->cur = next;
	setopt_check(curl_easy_setopt(h->easy, CURLOPT_URL, h->cur), "url");
	attempt_start(h);
	return 1;
}

static void
easy_setup(struct http *h)
{
	const struct fetch_options *o = h->o;
	CURL *e = h->easy;

	setopt_check(curl_easy_setopt(e, CURLOPT_URL, h->url), "url");
	http_easy_defaults(e, o, h->errbuf, write_cb, header_cb, h);
	setopt_check(curl_easy_setopt(e, CURLOPT_DEBUGFUNCTION, debug_cb),
	    "debug");
	setopt_check(curl_easy_setopt(e, CURLOPT_DEBUGDATA, h), "debug");
	setopt_check(curl_easy_setopt(e, CURLOPT_VERBOSE, 1L), "debug");
	if (h->token != NULL)
		setopt_check(curl_easy_setopt(e, CURLOPT_FOLLOWLOCATION, 0L),
		    "redirects");
}

/* Moves the transfer on until it has bytes for us or has ended. */
static void
pump(struct http *h)
{
	CURLMsg *m;
	int left, running;

	if (h->paused) {
		/* The buffer is empty now; libcurl redelivers what it kept. */
		h->paused = 0;
		curl_easy_pause(h->easy, CURLPAUSE_CONT);
		if (h->len > h->off)
			return;
	}
	if (curl_multi_perform(h->multi, &running) != CURLM_OK)
		die(EXIT_RUNTIME, "libcurl: transfer failed");
	while ((m = curl_multi_info_read(h->multi, &left)) != NULL)
		if (m->msg == CURLMSG_DONE) {
			attempt_done(h, m->data.result);
			return;
		}
	if (h->len > h->off || h->paused)
		return;
	if (curl_multi_poll(h->multi, NULL, 0, 1000, NULL) != CURLM_OK)
		die(EXIT_RUNTIME, "libcurl: poll failed");
}

static size_t
http_read(struct source *src, void *buf, size_t n)
{
	struct http *h = (struct http *)src;
	size_t k;

	while (h->off == h->len) {
		if (h->finished)
			return 0;
		pump(h);
	}
	k = h->len - h->off;
	if (k > n)
		k = n;
	memcpy(buf, h->buf + h->off, k);
	h->off += k;
	if (h->off == h->len)
		h->off = h->len = 0;
	return k;
}

static void
http_close(struct source *src)
{
	struct http *h = (struct http *)src;

	if (!h->finished)
		curl_multi_remove_handle(h->multi, h->easy);
	curl_easy_cleanup(h->easy);
	curl_multi_cleanup(h->multi);
	curl_slist_free_all(h->hdrs);
	free(h->buf);
	free(h->url);
	free(h->cur);
	curl_slist_free_all(h->token);
	free(h->safe);
	free(h);
	curl_global_cleanup();
}

struct source *
source_open_http(const char *url, const struct fetch_options *o)
{
	return source_open_http_cond(url, o, NULL);
}

struct source *
source_open_http_cond(const char *url, const struct fetch_options *o,
    struct http_cond *cond)
{
	struct http *h;

	if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK)
		die(EXIT_RUNTIME, "libcurl: cannot initialise");
	srandom((unsigned)time(NULL) ^ (unsigned)getpid());
	h = xcalloc(1, sizeof(*h));
	h->o = o;
	h->cond = cond;
	h->url = xstrdup(url);
	h->cur = xstrdup(url);
	h->safe = url_redact(url);
	/* SODA_APP_TOKEN: for Socrata URLs (--locations, SOURCE) too. */
	if (soda_resource_url(url))
		h->token = soda_token_header();
	h->src.name = h->safe;
	h->src.read = http_read;
	h->src.close = http_close;
	h->src.size = -1;
	h->cap = BUF_SIZE;
	h->buf = xmalloc(h->cap);
	if (o->max_time > 0)
		h->deadline_ms = now_ms() + o->max_time * 1000LL;
	if ((h->multi = curl_multi_init()) == NULL ||
	    (h->easy = curl_easy_init()) == NULL)
		die(EXIT_RUNTIME, "libcurl: cannot initialise");
	easy_setup(h);
	attempt_start(h);
	/* Wait for the first bytes: a 404 or a TLS error comes before any
	 * output, and the size is known when progress starts. */
	while (h->off == h->len && !h->finished)
		pump(h);
	return &h->src;
}
