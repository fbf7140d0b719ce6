/*
 * One signed S3 request on a libcurl easy handle, with retries.
 *
 * libcurl 7.88 signs with CURLOPT_AWS_SIGV4 but needs help (S3.md,
 * section 4): x-amz-content-sha256 is always set here, the region is
 * always explicit, the caller writes query strings sorted and encoded,
 * and the body size is always given so no chunked encoding is used.
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include "backoff.h"
#include "err.h"
#include "quote.h"
#include "s3put.h"
#include "version.h"
#include "xalloc.h"

#define REPLY_MAX	(1024 * 1024)	/* S3's replies here are small */

struct xfer {
	struct s3	*s3;
	struct body	*b;
	struct response	*r;
};


double
s3_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

void
request_init(struct s3 *s3)
{
	double t = s3_now();

	snprintf(s3->sigv4, sizeof(s3->sigv4), "aws:amz:%s:s3",
	    s3->cfg->region);
	s3->deadline = s3->cfg->max_time > 0 ? t + s3->cfg->max_time : 0;
}

/*
 * How long an attempt may move no byte before it fails: STALL_SECS,
 * scaled down with PED_S3_NO_ANSWER_SECS, never more than the silence
 * still allowed (so a silent endpoint fails in about NO_ANSWER_SECS),
 * and brief for the Abort.
 */
static double
stall_secs(const struct s3 *s3, double silent)
{
	double stall = (double)STALL_SECS * s3->cfg->no_answer /
	    NO_ANSWER_SECS, left = s3->cfg->no_answer - silent;

	if (s3->cleanup)
		stall = 10;
	else if (stall > left)
		stall = left;
	return stall < 1 ? 1 : (double)(long)(stall + 0.5);
}

/* Seconds left of --max-time (an Abort gets a few more), or -1: none. */
static double
time_left(const struct s3 *s3)
{
	double left;

	if (s3->deadline == 0)
		return -1;
	left = s3->deadline - s3_now();
	if (s3->cleanup && left < 5)
		left = 5;
	return left > 0 ? left : 0;
}

/*
 * Why no more attempts: --max-time, or a server silent (no reply) for
 * NO_ANSWER_SECS over the attempts of this request.
 */
static int
out_of_time(const struct s3 *s3, struct response *r, double silent)
{
	if (s3->deadline != 0 && s3_now() >= s3->deadline) {
		if (s3->cleanup)	/* one brief try at the Abort */
			return 1;
		r->cc = CURLE_OPERATION_TIMEDOUT;
		snprintf(r->errbuf, sizeof(r->errbuf),
		    "--max-time of %u s reached", s3->cfg->max_time);
		return 1;
	}
	if (r->status == 0 && silent >= s3->cfg->no_answer && !s3->cleanup) {
		r->cc = CURLE_OPERATION_TIMEDOUT;
		snprintf(r->errbuf, sizeof(r->errbuf),
		    "no answer from the server in %u s", s3->cfg->no_answer);
		return 1;
	}
	return 0;
}

static size_t
read_cb(char *dst, size_t size, size_t nmemb, void *arg)
{
	struct xfer *x = arg;
	struct body *b = x->b;
	size_t want = size * nmemb;
	ssize_t n;

	if (atomic_load(&x->s3->stop))
		return CURL_READFUNC_ABORT;
	if (want > b->len - b->pos)
		want = b->len - b->pos;
	if (want == 0)
		return 0;
	if (b->mem != NULL) {
		memcpy(dst, b->mem + b->pos, want);
		n = want;
	} else {
		do
			n = pread(b->fd, dst, want, b->off + (off_t)b->pos);
		while (n < 0 && errno == EINTR);
		if (n <= 0)
			return CURL_READFUNC_ABORT;	/* error or shrunk */
	}
	b->pos += n;
	if (b->data)
		progress_add(n);
	return n;
}

/* libcurl rewinds the body when it must send it again. */
static int
seek_cb(void *arg, curl_off_t off, int origin)
{
	struct xfer *x = arg;

	if (origin != SEEK_SET || off < 0 || (uint64_t)off > x->b->len)
		return CURL_SEEKFUNC_CANTSEEK;
	if (x->b->data)
		progress_add((int64_t)off - (int64_t)x->b->pos);
	x->b->pos = off;
	return CURL_SEEKFUNC_OK;
}

static size_t
write_cb(char *src, size_t size, size_t nmemb, void *arg)
{
	struct response *r = arg;
	size_t n = size * nmemb, keep = n;

	if (r->len + keep > REPLY_MAX)
		keep = REPLY_MAX - r->len;
	if (keep > 0) {
		r->data = xreallocarray(r->data, r->len + keep + 1, 1);
		memcpy(r->data + r->len, src, keep);
		r->len += keep;
		r->data[r->len] = '\0';
	}
	return n;
}

static int
has_prefix(const char *line, size_t n, const char *prefix)
{
	size_t len = strlen(prefix);

	return n >= len && strncasecmp(line, prefix, len) == 0;
}

static size_t
header_cb(char *line, size_t size, size_t nmemb, void *arg)
{
	struct response *r = arg;
	size_t n = size * nmemb, len;
	const char *v;

	if (n > 5 && strncasecmp(line, "etag:", 5) == 0) {
		v = line + 5;
		len = n - 5;
		while (len > 0 && (*v == ' ' || *v == '\t'))
			v++, len--;
		while (len > 0 && (v[len - 1] == '\r' || v[len - 1] == '\n' ||
		    v[len - 1] == ' '))
			len--;
		if (len < sizeof(r->etag)) {
			memcpy(r->etag, v, len);
			r->etag[len] = '\0';
		}
	} else if (has_prefix(line, n, "x-amz-server-side-encryption: aws:kms") ||
	    has_prefix(line, n, "x-amz-server-side-encryption-customer-"
	    "algorithm:"))
		r->sse_opaque = 1;	/* the ETag is not an MD5 */
	return n;
}

static struct curl_slist *
add_header(struct curl_slist *list, const char *name, const char *value)
{
	struct curl_slist *l;
	char *h;
	size_t n = strlen(name) + strlen(value) + 3;

	h = xmalloc(n);
	snprintf(h, n, "%s: %s", name, value);
	l = curl_slist_append(list, h);
	free(h);
	if (l == NULL)
		die(EXIT_RUNTIME, "out of memory");
	return l;
}

static struct curl_slist *
headers(struct s3 *s3, const struct body *b, const char *ctype)
{
	struct curl_slist *l = NULL;

	l = add_header(l, "x-amz-content-sha256", b->sha256);
	if (b->len > 0)
		l = add_header(l, "Content-MD5", b->md5);
	if (ctype != NULL)
		l = add_header(l, "Content-Type", ctype);
	if (s3->cr.token != NULL)
		l = add_header(l, "x-amz-security-token", s3->cr.token);
	return l;
}

static void
setup(struct s3 *s3, CURL *h, const char *method, const char *url,
    struct xfer *x, double stall)
{
	double left;

	curl_easy_reset(h);
	curl_easy_setopt(h, CURLOPT_URL, url);
	/*
	 * The key goes out byte for byte, as the AWS CLI sends it: "x/../y"
	 * is a key, not a path to resolve (which would write "y", or into
	 * another bucket for "../other/k"). libcurl signs the path it sends.
	 */
	curl_easy_setopt(h, CURLOPT_PATH_AS_IS, 1L);
	curl_easy_setopt(h, CURLOPT_USERAGENT, "ped-s3put/" PED_VERSION);
	curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
	/*
	 * A stalled server counts as a connection error: retried, but never
	 * past NO_ANSWER_SECS of silence nor past --max-time.
	 */
	curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS,
	    (long)(stall < 10 ? stall * 1000 : 10000));
	curl_easy_setopt(h, CURLOPT_LOW_SPEED_LIMIT, 1L);
	curl_easy_setopt(h, CURLOPT_LOW_SPEED_TIME, (long)stall);
	if ((left = time_left(s3)) > 0)
		curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, (long)(left * 1000) + 1);
	curl_easy_setopt(h, CURLOPT_AWS_SIGV4, s3->sigv4);
	curl_easy_setopt(h, CURLOPT_USERNAME, s3->cr.akid);
	curl_easy_setopt(h, CURLOPT_PASSWORD, s3->cr.secret);
	curl_easy_setopt(h, CURLOPT_ERRORBUFFER, x->r->errbuf);
	curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, write_cb);
	curl_easy_setopt(h, CURLOPT_WRITEDATA, x->r);
	curl_easy_setopt(h, CURLOPT_HEADERFUNCTION, header_cb);
	curl_easy_setopt(h, CURLOPT_HEADERDATA, x->r);
	curl_easy_setopt(h, CURLOPT_READFUNCTION, read_cb);
	curl_easy_setopt(h, CURLOPT_READDATA, x);
	curl_easy_setopt(h, CURLOPT_SEEKFUNCTION, seek_cb);
	curl_easy_setopt(h, CURLOPT_SEEKDATA, x);
	curl_easy_setopt(h, CURLOPT_UPLOAD_BUFFERSIZE, 512L * 1024);
	if (getenv("AWS_CA_BUNDLE") != NULL)
		curl_easy_setopt(h, CURLOPT_CAINFO, getenv("AWS_CA_BUNDLE"));
	if (strcmp(method, "PUT") == 0) {
		curl_easy_setopt(h, CURLOPT_UPLOAD, 1L);
		curl_easy_setopt(h, CURLOPT_INFILESIZE_LARGE,
		    (curl_off_t)x->b->len);
	} else if (strcmp(method, "POST") == 0) {
		curl_easy_setopt(h, CURLOPT_POST, 1L);
		curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE_LARGE,
		    (curl_off_t)x->b->len);
	} else if (strcmp(method, "HEAD") == 0)
		curl_easy_setopt(h, CURLOPT_NOBODY, 1L);
	else
		curl_easy_setopt(h, CURLOPT_CUSTOMREQUEST, method);
}

static int
retryable_code(const char *code)
{
	static const char *const codes[] = {
		"SlowDown", "InternalError", "RequestTimeout",
		"ServiceUnavailable", "Throttling", "ThrottlingException"
	};
	size_t i;

	for (i = 0; code != NULL && i < sizeof(codes) / sizeof(codes[0]); i++)
		if (strcmp(code, codes[i]) == 0)
			return 1;
	return 0;
}

/* Returns 0 done, 1 failed and worth retrying, -1 failed for good. */
static int
classify(const struct response *r)
{
	char *code;
	int retry;

	switch (r->cc) {
	case CURLE_OK:
		break;
	case CURLE_COULDNT_RESOLVE_HOST:
	case CURLE_COULDNT_CONNECT:
	case CURLE_OPERATION_TIMEDOUT:
	case CURLE_SEND_ERROR:
	case CURLE_RECV_ERROR:
	case CURLE_GOT_NOTHING:
	case CURLE_PARTIAL_FILE:
	case CURLE_SSL_CONNECT_ERROR:
	case CURLE_HTTP2:
	case CURLE_HTTP2_STREAM:
		return 1;
	default:
		return -1;
	}
	code = xml_text(r->data, r->len, "Code");
	/* S3 may answer 200 and report the error in the body. */
	if (r->status >= 200 && r->status < 300 &&
	    (r->data == NULL || strstr(r->data, "<Error>") == NULL)) {
		free(code);
		return 0;
	}
	retry = r->status >= 500 || r->status == 429 || retryable_code(code);
	free(code);
	return retry ? 1 : -1;
}

/* Full jitter: a random wait in [0, min(cap, base * 2^attempt)]. */
static void
backoff(const struct s3 *s3, unsigned attempt)
{
	unsigned long long ms = backoff_delay_ms(s3->cfg->base_ms, attempt);
	double left = time_left(s3);
	struct timespec ts;

	/* Never sleep past --max-time. */
	if (left >= 0 && ms > left * 1000)
		ms = (unsigned long long)(left * 1000);
	ts.tv_sec = ms / 1000;
	ts.tv_nsec = (long)(ms % 1000) * 1000000;
	while (nanosleep(&ts, &ts) != 0 && errno == EINTR &&
	    !atomic_load(&s3->stop))
		;
}


static void
verbose(const struct s3 *s3, const char *method, const char *q,
    const struct response *r, double secs)
{
	char msg[512];

	if (!s3->cfg->verbose)
		return;
	progress_end();
	if (r->cc == CURLE_OK && r->status < 300)
		snprintf(msg, sizeof(msg), "%ld", r->status);
	else
		response_error(r, msg, sizeof(msg));
	warn_msg("%s %s%s: %s in %.3f s", method, s3->name, q, msg, secs);
}

static int
attempt(struct s3 *s3, CURL *h, const char *method, const char *q,
    struct body *b, const char *ctype, struct response *r, double stall)
{
	struct curl_slist *hdrs;
	struct xfer x = { s3, b, r };
	char *url;
	size_t n = strlen(s3->url) + strlen(q) + 1;
	double t0 = s3_now();

	response_free(r);
	if (b->data)
		progress_add(-(int64_t)b->pos);
	b->pos = 0;
	url = xmalloc(n);
	snprintf(url, n, "%s%s", s3->url, q);
	setup(s3, h, method, url, &x, stall);
	hdrs = headers(s3, b, ctype);
	curl_easy_setopt(h, CURLOPT_HTTPHEADER, hdrs);
	r->cc = curl_easy_perform(h);
	curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &r->status);
	if (r->cc == CURLE_OPERATION_TIMEDOUT && time_left(s3) == 0 &&
	    !s3->cleanup)
		snprintf(r->errbuf, sizeof(r->errbuf),
		    "--max-time of %u s reached", s3->cfg->max_time);
	curl_slist_free_all(hdrs);
	free(url);
	verbose(s3, method, q, r, s3_now() - t0);
	return classify(r);
}

int
s3_request(struct s3 *s3, CURL *h, const char *method, const char *q,
    struct body *b, const char *ctype, struct response *r)
{
	unsigned i;
	int rc;
	double silent = 0, stall, t0, took;

	memset(r, 0, sizeof(*r));
	for (i = 0;; i++) {
		/* Past --max-time no request starts (but one Abort). */
		if ((i > 0 || !s3->cleanup) && out_of_time(s3, r, silent)) {
			rc = -1;
			break;
		}
		stall = stall_secs(s3, silent);
		t0 = s3_now();
		rc = attempt(s3, h, method, q, b, ctype, r, stall);
		/*
		 * Silence: attempts without a reply, each counted for at most
		 * its stall time (a long upload cut at its end is no silence).
		 */
		took = s3_now() - t0;
		if (r->status != 0)
			silent = 0;
		else
			silent += took < stall ? took : stall;
		if (rc <= 0 || i >= s3->cfg->retries ||
		    atomic_load(&s3->stop))
			break;
		backoff(s3, i);
	}
	return rc == 0 ? 0 : -1;
}

/* An error code as is when it is a plain word (they all are), else quoted. */
static const char *
code_text(const char *code)
{
	const char *p;

	for (p = code; *p != '\0'; p++)
		if (!isalnum((unsigned char)*p) && *p != '.')
			return quote_str(code);
	return *code != '\0' ? code : quote_str(code);
}

/* Server text is untrusted: quote() escapes control bytes and bounds it. */
void
response_error(const struct response *r, char *buf, size_t size)
{
	char *code, *msg;

	if (r->cc != CURLE_OK) {
		snprintf(buf, size, "(%d) %s", (int)r->cc,
		    r->errbuf[0] != '\0' ? r->errbuf :
		    curl_easy_strerror(r->cc));
		return;
	}
	code = xml_text(r->data, r->len, "Code");
	msg = xml_text(r->data, r->len, "Message");
	if (code != NULL && msg != NULL)
		snprintf(buf, size, "%ld %s: %s", r->status, code_text(code),
		    quote_str(msg));
	else if (code != NULL)
		snprintf(buf, size, "%ld %s", r->status, code_text(code));
	else
		snprintf(buf, size, "%ld HTTP error", r->status);
	free(code);
	free(msg);
}

void
response_free(struct response *r)
{
	free(r->data);
	r->data = NULL;
	r->len = 0;
	r->status = 0;
	r->cc = CURLE_OK;
	r->etag[0] = '\0';
	r->sse_opaque = 0;
	r->errbuf[0] = '\0';
}
