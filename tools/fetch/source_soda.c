/*
 * The SODA source: one count request, then pages of $limit rows ordered
 * by :id, up to `jobs` of them in flight on libcurl's multi interface.
 * Page k lives in slot k % (jobs + 1), so a page starts only when the
 * page jobs + 1 before it has been handed out: memory holds at most
 * jobs + 1 pages, and pages are handed out strictly in order whatever
 * order they finish in. Every page must hold exactly the rows the count
 * promised; a short page is fetched again, like a 429, a 202 or a 5xx.
 *
 * read() yields one document: for JSON "[", the objects of every page
 * joined by ",", "]"; for CSV the first page whole and the others
 * without their header.
 */
#include <ctype.h>
#include <limits.h>
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
#include "httputil.h"
#include "num.h"
#include "progress.h"
#include "quote.h"
#include "soda.h"
#include "source.h"
#include "version.h"
#include "xalloc.h"

#define POLL_MS		1000
#define WHERE_MAX	4096

enum state {
	P_IDLE,			/* free slot */
	P_RUNNING,		/* a transfer in the multi handle */
	P_WAITING,		/* backing off until not_before */
	P_FETCHED,		/* came before the count: judged after it */
	P_DONE			/* verified, waiting to be handed out */
};

struct page {
	enum state	 state;
	int		 is_count;	/* the $select=count(*) request */
	unsigned long long offset, want;	/* want: rows at least */
	int		 tail;		/* at or past the count's last page */
	unsigned long long rows;	/* rows of the page, once checked */
	CURL		*easy;
	char		*url;
	char		*buf;		/* the body */
	size_t		 len, cap;
	size_t		 from, to;	/* the slice handed out */
	unsigned	 tries;
	long		 hops;		/* redirects followed by hand */
	long long	 not_before;	/* monotonic ms */
	long		 status;
	char		 reason[64];
	long		 retry_after;	/* seconds, -1 when absent */
	char		 errbuf[CURL_ERROR_SIZE];
};

struct soda {
	struct source	 src;		/* first: what callers hold */
	const struct fetch_options *o;
	int		 json;		/* .json, else .csv */
	char		*safe;		/* the URL with secrets redacted */
	char		*base;		/* the URL and the $where, then & */
	CURLM		*multi;
	struct curl_slist *hdrs;
	struct page	*slot;		/* jobs + 1 of them */
	unsigned	 nslots;
	unsigned	 jobs;		/* requests in flight at most */
	unsigned long	 page_size;
	unsigned long long total, npages;
	unsigned long long counted_pages;	/* pages the count fills */
	int		 prev_full;	/* the page handed out last was full */
	struct idset	*ids;		/* row ids handed out */
	int		 counted;	/* total is known */
	unsigned long long started;	/* pages started so far */
	unsigned long long next;	/* the page handed out next */
	struct page	*cur;		/* the page being handed out */
	const char	*out;		/* bytes to hand out */
	size_t		 outlen;
	int		 phase;		/* 0 "[", 1 pages, 2 "]", 3 end */
	int		 objects;	/* JSON objects handed out yet */
	char		*header;	/* the first CSV page's header */
	size_t		 header_len;
	long long	 deadline_ms;	/* 0: no --max-time */
	long long	 hold_until;	/* no new page before: Retry-After */
};

static size_t	 soda_read(struct source *, void *, size_t);
static void	 soda_close(struct source *);
static void	 page_start(struct soda *, struct page *);
static void	 pump(struct soda *);
static int	 redirected(struct soda *, struct page *);
static noreturn void page_fail(struct soda *, struct page *, const char *,
		    ...) __attribute__((format(printf, 3, 4)));







static size_t
header_cb(char *line, size_t size, size_t n, void *arg)
{
	struct page *p = arg;
	char tmp[128], *sp;

	(void)size;
	header_value(line, n, tmp, sizeof(tmp));
	if (n >= 5 && strncmp(line, "HTTP/", 5) == 0) {
		/* A new response (after a redirect or a 100): reset. */
		p->status = 0;
		p->reason[0] = '\0';
		p->retry_after = -1;
		if ((sp = strchr(tmp, ' ')) == NULL)
			return n;
		p->status = strtol(sp + 1, NULL, 10);
		if ((sp = strchr(sp + 1, ' ')) != NULL)
			header_value(sp + 1, strlen(sp + 1), p->reason,
			    sizeof(p->reason));
		text_printable(p->reason, sizeof(p->reason));
	} else if (n > 12 && strncasecmp(line, "retry-after:", 12) == 0) {
		header_value(line + 12, n - 12, tmp, sizeof(tmp));
		p->retry_after = parse_retry_after(tmp);
	}
	return n;
}

/* Keeps the body of a 200; the bodies of errors are dropped. */
static size_t
write_cb(char *data, size_t size, size_t n, void *arg)
{
	struct page *p = arg;

	(void)size;
	if (p->status != 200)
		return n;
	if (p->cap - p->len < n + 2) {
		while (p->cap - p->len < n + 2)
			p->cap = p->cap == 0 ? 64 * 1024 : p->cap * 2;
		p->buf = xreallocarray(p->buf, p->cap, 1);
	}
	memcpy(p->buf + p->len, data, n);
	p->len += n;
	return n;
}

static const char *
page_name(const struct page *p, char *buf, size_t size)
{
	if (p->is_count)
		snprintf(buf, size, "count request");
	else
		snprintf(buf, size, "page at offset %llu", p->offset);
	return buf;
}

static void
page_fail(struct soda *s, struct page *p, const char *fmt, ...)
{
	char msg[CURL_ERROR_SIZE + 256], name[64];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	progress_end();
	die(EXIT_RUNTIME, "%s: %s%s%s", s->safe, page_name(p, name,
	    sizeof(name)), msg[0] == ' ' ? "" : ": ", msg);
}

static noreturn void
timed_out(struct soda *s)
{
	progress_end();
	die(EXIT_RUNTIME, "%s: timed out after %ld s (--max-time)", s->safe,
	    s->o->max_time);
}



/* Schedules another attempt of p, or ends the run when out of tries. */
static void
retry(struct soda *s, struct page *p, const char *why, long retry_after)
{
	long long delay;
	char name[64];

	if (p->tries >= s->o->retries) {
		if (p->tries == 0)
			page_fail(s, p, "%s", why);
		page_fail(s, p, "%s (gave up after %u retries)", why, p->tries);
	}
	p->tries++;
	delay = backoff_ms(p->tries);
	if (retry_after > HTTP_RETRY_AFTER_MAX)
		page_fail(s, p, "%s, and the server asks to wait %ld s", why,
		    retry_after);
	/* The server asked all of us to wait, not only this request. */
	if (retry_after >= 0) {
		delay = retry_after * 1000LL;
		if (now_ms() + delay > s->hold_until)
			s->hold_until = now_ms() + delay;
	}
	/* A wait past --max-time fails now, saying why: not "timed out". */
	if (s->deadline_ms != 0 && now_ms() + delay >= s->deadline_ms) {
		if (retry_after >= 0)
			page_fail(s, p, "%s, and the server asks to wait %ld s, "
			    "past --max-time %ld s", why, retry_after,
			    s->o->max_time);
		page_fail(s, p, "%s (no time left to retry within --max-time "
		    "%ld s)", why, s->o->max_time);
	}
	if (s->o->verbose && !s->o->quiet) {
		progress_end();
		warn_msg("%s: %s%s%s, retry %u/%u in %.1fs", s->safe,
		    page_name(p, name, sizeof(name)),
		    why[0] == ' ' ? "" : ": ", why, p->tries, s->o->retries,
		    delay / 1000.0);
	}
	p->len = 0;
	p->state = P_WAITING;
	p->not_before = now_ms() + delay;
}

/*
 * Makes the slice of a verified page that read() hands out: the JSON
 * objects after a ',', or the CSV records after a header that must be
 * the first page's.
 */
static void
page_slice(struct soda *s, struct page *p)
{
	if (s->json) {
		if (soda_json_rows(p->buf, p->len, &p->from, &p->to) > 0 &&
		    s->objects++ > 0)
			p->buf[--p->from] = ',';	/* the '[' or a space */
		return;
	}
	soda_csv_rows(p->buf, p->len, &p->from);
	if (p->offset == 0) {
		s->header = xmemdup(p->buf, p->from);
		s->header_len = p->from;
		p->from = 0;
	} else if (p->from != s->header_len ||
	    memcmp(p->buf, s->header, p->from) != 0)
		page_fail(s, p, "header differs from the first page's");
	if (p->len > 0 && p->buf[p->len - 1] != '\n')
		p->buf[p->len++] = '\n';	/* write_cb kept room */
	p->to = p->len;
}

/* A 200 whose body is a SODA error object: the server's own words. */
static void
server_error(struct soda *s, struct page *p)
{
	char *msg, text[4 * QUOTE_MAX + 8];

	if ((msg = soda_error_message(p->buf, p->len)) == NULL)
		return;
	snprintf(text, sizeof(text), "%s", quote_str(msg));
	free(msg);
	page_fail(s, p, "the server reports an error: %s", text);
}

/*
 * Judges a finished 200: the rows promised, or a retry. A page before
 * the count's last must be full. The count's last page and those after
 * it may hold more rows than the count said (it went stale while we
 * paged), up to a full page; a full one means another page follows.
 * After the count's last page one more is always asked for: it must come
 * back empty, or bring rows beyond a stale count, and the paging ends
 * at the first page that is not full.
 */
static void
page_check(struct soda *s, struct page *p)
{
	char why[128];
	long long rows;
	unsigned long long k;
	uint64_t total;

	server_error(s, p);
	if (p->is_count) {
		if (soda_parse_count(s->json, p->buf, p->len, &total) != 0)
			page_fail(s, p, "unexpected reply (no count)");
		s->total = total;
		p->state = P_DONE;
		return;
	}
	if (!s->counted) {
		p->state = P_FETCHED;
		return;
	}
	/* The JSON slice is cut on hand-out; count it here to retry early. */
	rows = s->json ? soda_json_rows(p->buf, p->len, &p->from, &p->to) :
	    soda_csv_rows(p->buf, p->len, &p->from);
	if (rows < 0) {
		retry(s, p, s->json ? "not a JSON array" :
		    "not a CSV table", -1);
		return;
	}
	if ((unsigned long long)rows < p->want ||
	    (!p->tail && (unsigned long long)rows != p->want) ||
	    (unsigned long long)rows > s->page_size) {
		snprintf(why, sizeof(why), " has %lld rows, expected %llu",
		    rows, p->tail && (unsigned long long)rows > p->want ?
		    (unsigned long long)s->page_size : p->want);
		retry(s, p, why, -1);
		return;
	}
	k = p->offset / s->page_size;
	if (p->tail && (unsigned long long)rows == s->page_size &&
	    k + 1 == s->npages)
		s->npages++;
	p->rows = (unsigned long long)rows;
	p->state = P_DONE;
}

static void
page_done(struct soda *s, struct page *p, CURLcode cc)
{
	char why[CURL_ERROR_SIZE + 80];

	curl_multi_remove_handle(s->multi, p->easy);
	/*
	 * The first page failed before the count came: the count's own
	 * failure (a 403, a 404) is the one to report; if it succeeds,
	 * the page is tried again.
	 */
	if (!s->counted && !p->is_count && (cc != CURLE_OK ||
	    p->status != 200)) {
		p->state = P_WAITING;
		p->not_before = LLONG_MAX;
		return;
	}
	if (cc == CURLE_OPERATION_TIMEDOUT && s->deadline_ms != 0 &&
	    now_ms() >= s->deadline_ms - 50)
		timed_out(s);
	if (cc != CURLE_OK) {
		http_why(cc, p->errbuf, why, sizeof(why));
		if (!curl_transient(cc))
			page_fail(s, p, "%s", why);
		retry(s, p, why, -1);
		return;
	}
	if (p->status == 200) {
		page_check(s, p);
		return;
	}
	if (redirected(s, p))
		return;
	snprintf(why, sizeof(why), "HTTP %ld%s%s", p->status,
	    p->reason[0] != '\0' ? " " : "", p->reason);
	/* 202: the query is still being processed, ask again. */
	if (p->status == 202 || p->status == 429 ||
	    (p->status >= 500 && p->status <= 599))
		retry(s, p, why, p->retry_after);
	else
		page_fail(s, p, "%s", why);
}

/*
 * libcurl would send the token to any host a redirect names: with a
 * token, a redirect is followed here, and the token dropped for this
 * request once it leaves the user's scheme, host and port.
 */
static int
redirected(struct soda *s, struct page *p)
{
	char *next;
	int other;

	if (s->hdrs == NULL ||
	    (next = http_redirect(p->easy, p->status, p->url, &other)) == NULL)
		return 0;
	free(p->url);
	p->url = next;
	if (++p->hops > HTTP_MAX_REDIRS)
		page_fail(s, p, "more than %ld redirects", HTTP_MAX_REDIRS);
	if (other)
		setopt_check(curl_easy_setopt(p->easy, CURLOPT_HTTPHEADER,
		    NULL), "headers");
	page_start(s, p);
	return 1;
}

static void
easy_setup(struct soda *s, struct page *p)
{
	const struct fetch_options *o = s->o;
	CURL *e;

	if ((e = p->easy = curl_easy_init()) == NULL)
		die(EXIT_RUNTIME, "libcurl: cannot initialise");
	http_easy_defaults(e, o, p->errbuf, write_cb, header_cb, p);
	/*
	 * The token travels in a header, never in the URL we print; and
	 * with a token, redirects are followed by hand (redirected()).
	 */
	setopt_check(curl_easy_setopt(e, CURLOPT_HTTPHEADER, s->hdrs),
	    "headers");
	if (s->hdrs != NULL)
		setopt_check(curl_easy_setopt(e, CURLOPT_FOLLOWLOCATION, 0L),
		    "redirects");
}

/* A fresh attempt of the slot's request (its URL is already set). */
static void
page_start(struct soda *s, struct page *p)
{
	long long left;

	p->len = 0;
	p->status = 0;
	p->errbuf[0] = '\0';
	if (s->deadline_ms != 0) {
		if ((left = s->deadline_ms - now_ms()) <= 0)
			timed_out(s);
		setopt_check(curl_easy_setopt(p->easy, CURLOPT_TIMEOUT_MS,
		    (long)left), "timeout");
	}
	setopt_check(curl_easy_setopt(p->easy, CURLOPT_URL, p->url), "url");
	if (curl_multi_add_handle(s->multi, p->easy) != CURLM_OK)
		die(EXIT_RUNTIME, "libcurl: cannot add a transfer");
	p->state = P_RUNNING;
}

/*
 * Puts page k (offset k * page size) in its slot and starts it. ":id"
 * and "count(*)" go as they are: ':', '(', '*' and ')' are legal in a
 * query (RFC 3986) and are how the SODA documentation writes them.
 */
static void
page_new(struct soda *s, unsigned long long k)
{
	struct page *p = &s->slot[k % s->nslots];
	unsigned long long left;
	size_t n = strlen(s->base) + 80;

	p->offset = k * s->page_size;
	left = s->counted && s->total > p->offset ? s->total - p->offset : 0;
	p->want = left < s->page_size ? left : s->page_size;
	p->tail = s->counted && k + 1 >= s->counted_pages;
	p->is_count = 0;
	p->tries = 0;
	p->hops = 0;
	setopt_check(curl_easy_setopt(p->easy, CURLOPT_HTTPHEADER, s->hdrs),
	    "headers");
	free(p->url);
	p->url = xmalloc(n);
	snprintf(p->url, n, "%s$limit=%lu&$offset=%llu&$order=:id",
	    s->base, s->page_size, p->offset);
	page_start(s, p);
}

/* Requests running or waiting to be retried. */
static unsigned
in_flight(const struct soda *s)
{
	unsigned i, n = 0;

	for (i = 0; i < s->nslots; i++)
		n += s->slot[i].state == P_RUNNING ||
		    s->slot[i].state == P_WAITING;
	return n;
}

/*
 * Starts every page the window allows and every retry that is due. The
 * window has one slot more than jobs, so a page finished early does not
 * stall a request while it waits for its turn to be handed out.
 */
static long
start_due(struct soda *s)
{
	struct page *p;
	long long now = now_ms(), wait = POLL_MS;
	unsigned i;

	if (s->hold_until > now)
		wait = s->hold_until - now < wait ? s->hold_until - now : wait;
	else
		while (s->started < s->npages &&
		    s->started < s->next + s->nslots &&
		    s->slot[s->started % s->nslots].state == P_IDLE &&
		    in_flight(s) < s->jobs)
			page_new(s, s->started++);
	for (i = 0; i < s->nslots; i++) {
		p = &s->slot[i];
		if (p->state != P_WAITING)
			continue;
		if (p->not_before <= now)
			page_start(s, p);
		else if (p->not_before - now < wait)
			wait = p->not_before - now;
	}
	return (long)wait;
}

/* Moves every transfer on; returns after some progress or a poll. */
static void
pump(struct soda *s)
{
	CURLMsg *m;
	struct page *p;
	long wait;
	int left, running;

	wait = start_due(s);
	if (curl_multi_perform(s->multi, &running) != CURLM_OK)
		die(EXIT_RUNTIME, "libcurl: transfer failed");
	while ((m = curl_multi_info_read(s->multi, &left)) != NULL) {
		if (m->msg != CURLMSG_DONE)
			continue;
		curl_easy_getinfo(m->easy_handle, CURLINFO_PRIVATE, &p);
		s->src.consumed += (long long)p->len;
		page_done(s, p, m->data.result);
		wait = 0;
	}
	if (wait > 0 && curl_multi_poll(s->multi, NULL, 0, (int)wait,
	    NULL) != CURLM_OK)
		die(EXIT_RUNTIME, "libcurl: poll failed");
}

struct id_check {
	struct soda	*s;
	struct page	*p;
};

static int
seen_id(void *arg, const char *id, size_t len)
{
	struct id_check *c = arg;
	uint64_t v;

	/* Ids that are no number are not checked. */
	if (parse_uint(id, len, UINT64_MAX, &v) != 0 || idset_add(c->s->ids,
	    v))
		return 0;
	page_fail(c->s, c->p, "row id %s came already (the server repeated "
	    "rows)", quote(id, len));
}

/*
 * No row may come twice: a server that repeats a page (or shifts rows
 * between pages) would otherwise double counts silently. The ids seen
 * are kept as runs of consecutive ids (idset.c), small for the dense
 * row ids of the dataset.
 */
static void
check_ids(struct soda *s, struct page *p)
{
	struct id_check c = { s, p };

	soda_page_ids(s->json, p->buf, p->len, seen_id, &c);
}

/* Hands out the next page, or moves on to the closing bracket. */
static void
next_page(struct soda *s)
{
	struct page *p;

	if (s->cur != NULL) {
		s->cur->state = P_IDLE;
		s->cur = NULL;
		s->next++;
	}
	if (s->next == s->npages) {
		s->phase = 2;
		return;
	}
	p = &s->slot[s->next % s->nslots];
	while (p->state != P_DONE || p->offset != s->next * s->page_size)
		pump(s);
	/* Rows past a page that was not full: the rows moved meanwhile. */
	if (s->next > 0 && s->next >= s->counted_pages && !s->prev_full &&
	    p->rows > 0)
		page_fail(s, p, " has %llu rows after a page that was not full "
		    "(the data changed while it was paged)", p->rows);
	s->prev_full = p->rows == s->page_size;
	check_ids(s, p);
	page_slice(s, p);
	s->cur = p;
	s->out = p->buf + p->from;
	s->outlen = p->to - p->from;
}

static size_t
soda_read(struct source *src, void *buf, size_t n)
{
	struct soda *s = (struct soda *)src;

	while (s->outlen == 0) {
		switch (s->phase) {
		case 0:
			s->phase = 1;
			if (s->json) {
				s->out = "[";
				s->outlen = 1;
			}
			break;
		case 1:
			next_page(s);
			break;
		case 2:
			s->phase = 3;
			if (s->json) {
				s->out = "]\n";
				s->outlen = 2;
			}
			break;
		default:
			return 0;
		}
	}
	if (n > s->outlen)
		n = s->outlen;
	memcpy(buf, s->out, n);
	s->out += n;
	s->outlen -= n;
	return n;
}

static void
soda_close(struct source *src)
{
	struct soda *s = (struct soda *)src;
	unsigned i;

	for (i = 0; i < s->nslots; i++) {
		if (s->slot[i].state == P_RUNNING)
			curl_multi_remove_handle(s->multi, s->slot[i].easy);
		curl_easy_cleanup(s->slot[i].easy);
		free(s->slot[i].buf);
		free(s->slot[i].url);
	}
	free(s->slot);
	free(s->header);
	idset_free(s->ids);
	curl_multi_cleanup(s->multi);
	curl_slist_free_all(s->hdrs);
	free(s->safe);
	free(s->base);
	free(s);
	curl_global_cleanup();
}

/* Checks YYYY-MM-DD; writes the same date, or the day after, to out. */
static void
parse_date(const char *opt, const char *d, int next, char *out)
{
	static const int mdays[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30,
	    31, 30, 31 };
	uint64_t y, m, day;
	int leap, last;

	if (strlen(d) != 10 || d[4] != '-' || d[7] != '-' ||
	    parse_uint(d, 4, 9999, &y) != 0 || y < 1 ||
	    parse_uint(d + 5, 2, 12, &m) != 0 || m < 1 ||
	    parse_uint(d + 8, 2, 31, &day) != 0 || day < 1)
		die(EXIT_USAGE, "%s: invalid date \"%s\"", opt, d);
	leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
	last = mdays[m - 1] + (m == 2 && leap);
	if ((int)day > last)
		die(EXIT_USAGE, "%s: invalid date \"%s\"", opt, d);
	if (next && (int)++day > last) {
		day = 1;
		if (++m > 12) {
			m = 1;
			y++;
		}
	}
	snprintf(out, 11, "%04d-%02d-%02d", (int)y, (int)m, (int)day);
}

/*
 * The $where of --since, --until and --where: inclusive local dates on
 * the floating date_time, so --until D means before the next midnight.
 */
static void
build_where(const struct soda_options *so, char *w, size_t size)
{
	char d[16];
	size_t n = 0;

	w[0] = '\0';
	if (so->where != NULL && so->where[0] != '\0')
		n += snprintf(w, size, so->since || so->until ? "(%s)" : "%s",
		    so->where);
	if (so->since != NULL && n < size) {
		parse_date("--since", so->since, 0, d);
		n += snprintf(w + n, size - n, "%sdate_time >= '%sT00:00:00'",
		    n > 0 ? " AND " : "", d);
	}
	if (so->until != NULL && n < size) {
		parse_date("--until", so->until, 1, d);
		n += snprintf(w + n, size - n, "%sdate_time < '%sT00:00:00'",
		    n > 0 ? " AND " : "", d);
	}
	if (n >= size)
		die(EXIT_USAGE, "--where: longer than %zu bytes", size - 1);
}

/* base: the URL, then "?" or "&", then "$where=...&" when filtered. */
static void
build_base(struct soda *s, const char *url, const struct soda_options *so)
{
	char where[WHERE_MAX], *esc = NULL;
	const char *sep = strchr(url, '?') != NULL ? "&" : "?";
	size_t n;

	build_where(so, where, sizeof(where));
	if (where[0] != '\0' &&
	    (esc = curl_easy_escape(s->slot[0].easy, where, 0)) == NULL)
		die(EXIT_RUNTIME, "out of memory");
	n = strlen(url) + (esc != NULL ? strlen(esc) : 0) + 16;
	s->base = xmalloc(n);
	snprintf(s->base, n, "%s%s%s%s%s", url, sep, esc ? "$where=" : "",
	    esc ? esc : "", esc ? "&" : "");
	curl_free(esc);
}

/* The endpoint's format, from the path: .../ID.json or .../ID.csv. */
static int
is_json(const char *url)
{
	size_t n = strcspn(url, "?#");

	if (n >= 4 && strncasecmp(url + n - 4, ".csv", 4) == 0)
		return 0;
	return 1;
}

/*
 * Runs the count request in the spare slot and sizes the paging from it.
 * The first page is needed whatever the count: with two jobs or more it
 * is fetched alongside, and judged once the count is known.
 */
static void
count_rows(struct soda *s)
{
	struct page *p = &s->slot[s->nslots - 1], *first = &s->slot[0];
	size_t n = strlen(s->base) + 32;

	p->is_count = 1;
	p->url = xmalloc(n);
	snprintf(p->url, n, "%s$select=count(*)", s->base);
	page_start(s, p);
	s->npages = 1;
	while (p->state != P_DONE)
		pump(s);
	p->state = P_IDLE;
	s->counted = 1;
	/*
	 * The pages the count fills, and one more that must come back
	 * empty: rows beyond a count gone stale are not lost (with no rows
	 * at all, that page is the CSV header or "[]").
	 */
	s->counted_pages = (s->total + s->page_size - 1) / s->page_size;
	s->npages = s->counted_pages + 1;
	first->want = s->total < s->page_size ? s->total : s->page_size;
	first->tail = s->counted_pages <= 1;
	if (first->state == P_FETCHED)
		page_check(s, first);
	else if (first->state == P_WAITING)
		first->not_before = now_ms();
	if (s->o->verbose && !s->o->quiet)
		warn_msg("%s: %llu rows in %llu pages of %lu, %u jobs",
		    s->safe, s->total, s->counted_pages, s->page_size, s->jobs);
}

struct source *
source_open_soda(const char *url, const struct soda_options *so,
    const struct fetch_options *o)
{
	struct soda *s;
	unsigned i;

	if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK)
		die(EXIT_RUNTIME, "libcurl: cannot initialise");
	srandom((unsigned)time(NULL) ^ (unsigned)getpid());
	s = xcalloc(1, sizeof(*s));
	s->o = o;
	s->jobs = so->jobs == 0 ? 1 : so->jobs;
	s->page_size = so->page_size == 0 ? SODA_PAGE_SIZE : so->page_size;
	s->json = is_json(url);
	s->safe = url_redact(url);
	s->src.name = s->safe;
	s->src.read = soda_read;
	s->src.close = soda_close;
	s->src.size = -1;
	s->hdrs = soda_token_header();
	s->ids = idset_new();
	if ((s->multi = curl_multi_init()) == NULL)
		die(EXIT_RUNTIME, "libcurl: cannot initialise");
	s->nslots = s->jobs + 1;
	s->slot = xcalloc(s->nslots, sizeof(*s->slot));
	for (i = 0; i < s->nslots; i++) {
		easy_setup(s, &s->slot[i]);
		setopt_check(curl_easy_setopt(s->slot[i].easy,
		    CURLOPT_PRIVATE, &s->slot[i]), "private");
	}
	build_base(s, url, so);
	if (o->max_time > 0)
		s->deadline_ms = now_ms() + o->max_time * 1000LL;
	count_rows(s);
	return &s->src;
}
