/*
 * Multipart upload: Create, parts on a few threads (each part retried
 * on its own), Complete with the parts in order, and Abort on any
 * final failure so that no stored parts stay behind (and billed).
 *
 * A regular file is never buffered: each part is hashed and sent
 * straight from the file with pread. A stream is read one part at a
 * time into each thread's buffer, so memory is jobs * part size.
 */
#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "err.h"
#include "num.h"
#include "quote.h"
#include "s3put.h"
#include "xalloc.h"

#define ETAG_SIZE	80

struct mp {
	struct s3	*s3;
	char		*q_id;		/* "?uploadId=ENCODED" */
	int		 fd;
	int		 seekable;
	uint64_t	 size;		/* seekable only */
	uint64_t	 part_size;
	unsigned	 max_parts;	/* 10,000, or PED_S3_MAX_PARTS */
	pthread_mutex_t	 lock;
	unsigned	 next;		/* next part number to hand out */
	unsigned	 nparts;	/* parts handed out (or all, seekable) */
	int		 eof;
	char		(*etags)[ETAG_SIZE];
	char		(*md5s)[33];	/* each part's MD5, hex */
	char		 err[1024];	/* the first failure */
};

struct worker {
	struct mp	*mp;
	pthread_t	 tid;
	char		*buf;		/* a stream's part, else NULL */
	unsigned	 part;
	uint64_t	 len;
	int		 have;		/* part holds a job */
};

/* Keeps the first failure and stops the other threads; lock held. */
static void
vfail_locked(struct mp *mp, const char *fmt, va_list ap)
{
	if (mp->err[0] == '\0')
		vsnprintf(mp->err, sizeof(mp->err), fmt, ap);
	atomic_store(&mp->s3->stop, 1);
}

static void
fail_locked(struct mp *mp, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vfail_locked(mp, fmt, ap);
	va_end(ap);
}

static void
fail(struct mp *mp, const char *fmt, ...)
{
	va_list ap;

	pthread_mutex_lock(&mp->lock);
	va_start(ap, fmt);
	vfail_locked(mp, fmt, ap);
	va_end(ap);
	pthread_mutex_unlock(&mp->lock);
}

/*
 * Reads up to n bytes of a stream (less only at its end); returns the
 * count, or -1. poll(2) with a timeout keeps a quiet stdin from hiding
 * a signal, which may have been delivered to another thread.
 */
ssize_t
read_part(const struct s3 *s3, int fd, char *buf, size_t n)
{
	struct pollfd pfd = { .fd = fd, .events = POLLIN };
	size_t done = 0;
	ssize_t r;

	while (done < n) {
		if (atomic_load(&s3_interrupted)) {
			errno = EINTR;
			return -1;
		}
		if (s3->deadline != 0 && s3_now() >= s3->deadline) {
			errno = ETIMEDOUT;	/* --max-time */
			return -1;
		}
		if (poll(&pfd, 1, 100) == 0)
			continue;
		if ((r = read(fd, buf + done, n - done)) == 0)
			break;
		if (r < 0 && errno != EINTR && errno != EAGAIN)
			return -1;
		if (r > 0)
			done += r;
	}
	return done;
}

/* Reads the next part of a stream; called with the lock held. */
static int
take_stream(struct worker *w)
{
	struct mp *mp = w->mp;
	ssize_t n;

	if (w->buf == NULL)
		w->buf = xmalloc(mp->part_size);
	if ((n = read_part(mp->s3, mp->fd, w->buf, mp->part_size)) < 0) {
		if (errno == ETIMEDOUT)
			fail_locked(mp, "--max-time of %u s reached while "
			    "reading the input", mp->s3->cfg->max_time);
		else
			fail_locked(mp, "read error: %s", strerror(errno));
		return 0;
	}
	if ((uint64_t)n < mp->part_size)
		mp->eof = 1;
	if (n == 0)
		return 0;
	if (mp->next > mp->max_parts) {
		fail_locked(mp, "more than %u parts of %llu bytes: use a larger "
		    "--part-size", mp->max_parts,
		    (unsigned long long)mp->part_size);
		return 0;
	}
	w->len = n;
	mp->etags = xreallocarray(mp->etags, mp->next, ETAG_SIZE);
	mp->md5s = xreallocarray(mp->md5s, mp->next, sizeof(*mp->md5s));
	return 1;
}

/* Hands the next part to w; returns 0 when there is none (or a failure). */
static int
take_part(struct worker *w)
{
	struct mp *mp = w->mp;
	int ok = 0;

	pthread_mutex_lock(&mp->lock);
	if (!atomic_load(&mp->s3->stop)) {
		if (!mp->seekable)
			ok = !mp->eof && take_stream(w);
		else if ((ok = mp->next <= mp->nparts)) {
			w->len = mp->size - (mp->next - 1) * mp->part_size;
			if (w->len > mp->part_size)
				w->len = mp->part_size;
		}
	}
	if (ok) {
		w->part = mp->next++;
		if (!mp->seekable)
			mp->nparts = w->part;
	}
	pthread_mutex_unlock(&mp->lock);
	return ok;
}

static int
send_part(struct worker *w, CURL *h)
{
	struct mp *mp = w->mp;
	struct body b = { .mem = w->buf, .fd = mp->fd, .len = w->len,
	    .off = (off_t)(w->part - 1) * (off_t)mp->part_size, .data = 1 };
	struct response r;
	size_t qlen = strlen(mp->q_id) + sizeof("?partNumber=10000&");
	char *q, msg[512];
	int rc;

	if (body_hash(&b) != 0) {
		fail(mp, "read error: %s", strerror(errno));
		return -1;
	}
	/* The query sorted by hand: curl 7.88 signs it as written. */
	q = xmalloc(qlen);
	snprintf(q, qlen, "?partNumber=%u&%s", w->part, mp->q_id + 1);
	rc = s3_request(mp->s3, h, "PUT", q, &b, NULL, &r);
	free(q);
	if (rc != 0 || etag_check(&r, r.etag, b.md5hex, msg, sizeof(msg))) {
		if (rc != 0)
			response_error(&r, msg, sizeof(msg));
		fail(mp, "part %u: %s", w->part, msg);
		response_free(&r);
		return -1;
	}
	pthread_mutex_lock(&mp->lock);
	memcpy(mp->etags[w->part - 1], r.etag, ETAG_SIZE);
	memcpy(mp->md5s[w->part - 1], b.md5hex, sizeof(b.md5hex));
	pthread_mutex_unlock(&mp->lock);
	response_free(&r);
	return 0;
}

static void *
worker_main(void *arg)
{
	struct worker *w = arg;
	CURL *h;

	if ((h = curl_easy_init()) == NULL) {
		fail(w->mp, "cannot create a curl handle");
		return NULL;
	}
	while ((w->have || take_part(w)) && send_part(w, h) == 0)
		w->have = 0;
	curl_easy_cleanup(h);
	return NULL;
}

/* Creates the upload; returns 0 and sets mp->q_id, or -1. */
static int
create(struct mp *mp, CURL *h)
{
	struct body b = { .mem = "", .len = 0 };
	struct response r;
	char *id, *enc;
	size_t n;

	body_hash(&b);
	if (s3_request(mp->s3, h, "POST", "?uploads=", &b,
	    mp->s3->cfg->content_type, &r) != 0 ||
	    (id = xml_text(r.data, r.len, "UploadId")) == NULL) {
		if (r.cc == CURLE_OK && r.status < 300)
			snprintf(mp->err, sizeof(mp->err),
			    "no UploadId in the reply");
		else
			response_error(&r, mp->err, sizeof(mp->err));
		response_free(&r);
		return -1;
	}
	enc = uri_encode(id, 0);
	n = strlen(enc) + sizeof("?uploadId=");
	mp->q_id = xmalloc(n);
	snprintf(mp->q_id, n, "?uploadId=%s", enc);
	free(enc);
	free(id);
	response_free(&r);
	return 0;
}

/* Complete's body: every part in ascending order with its ETag. */
static char *
complete_xml(const struct mp *mp, size_t *len)
{
	static const char head[] = "<CompleteMultipartUpload>";
	static const char tail[] = "</CompleteMultipartUpload>";
	size_t cap = sizeof(head) + sizeof(tail) +
	    (size_t)mp->nparts * (64 + ETAG_SIZE), n;
	char *x = xmalloc(cap);
	unsigned i;

	n = snprintf(x, cap, "%s", head);
	for (i = 0; i < mp->nparts; i++)
		n += snprintf(x + n, cap - n, "<Part><PartNumber>%u"
		    "</PartNumber><ETag>%s</ETag></Part>", i + 1, mp->etags[i]);
	n += snprintf(x + n, cap - n, "%s", tail);
	*len = n;
	return x;
}

/*
 * Checks the new object's ETag against the one computed from the parts.
 * Complete's reply carries it; radosgw's is empty, so the object's HEAD
 * is asked then. Returns 0, or -1 after printing why.
 */
static int
verify(struct mp *mp, CURL *h, const struct response *done)
{
	struct body b = { .mem = "", .len = 0 };
	struct response r;
	char want[64], msg[512], *etag;
	int rc;

	etag_multipart((const char (*)[33])mp->md5s, mp->nparts, want,
	    sizeof(want));
	etag = xml_text(done->data, done->len, "ETag");
	if (etag != NULL && *etag != '\0' && strcmp(etag, "\"\"") != 0)
		rc = etag_check(done, etag, want, msg, sizeof(msg));
	else {
		free(etag);
		body_hash(&b);
		if ((rc = s3_request(mp->s3, h, "HEAD", "", &b, NULL, &r)) != 0)
			response_error(&r, msg, sizeof(msg));
		else
			rc = etag_check(&r, r.etag, want, msg, sizeof(msg));
		etag = xstrdup(r.etag);
		response_free(&r);
	}
	progress_end();
	if (rc != 0)
		warn_msg("%s: %s", mp->s3->name, msg);
	else if (mp->s3->cfg->verbose)
		warn_msg("%s: ETag %s %s, %u parts", mp->s3->name,
		    etag_show(etag), done->sse_opaque ? "(encrypted: not an "
		    "MD5, not checked)" : "verified", mp->nparts);
	free(etag);
	return rc;
}

/* Returns 0, -1 when Complete failed (abort), -2 when its ETag is wrong. */
static int
complete(struct mp *mp, CURL *h)
{
	struct body b = { 0 };
	struct response r;
	char *xml;
	int rc;

	xml = complete_xml(mp, &b.len);
	b.mem = xml;
	body_hash(&b);
	rc = s3_request(mp->s3, h, "POST", mp->q_id, &b, "application/xml", &r);
	if (rc != 0)
		response_error(&r, mp->err, sizeof(mp->err));
	else if (verify(mp, h, &r) != 0)
		rc = -2;
	response_free(&r);
	free(xml);
	return rc;
}

/* Reports the failure, then aborts the upload and reports that too. */
static void
abort_upload(struct mp *mp, CURL *h)
{
	struct body b = { .mem = "", .len = 0 };
	struct response r;
	char msg[512];

	progress_end();
	warn_msg("%s: %s", mp->s3->name, atomic_load(&s3_interrupted) ?
	    "interrupted" : mp->err);
	/*
	 * The abort must go out even after a signal, a failed part or
	 * --max-time (it gets a few more seconds).
	 */
	atomic_store(&mp->s3->stop, 0);
	mp->s3->cleanup = 1;
	body_hash(&b);
	if (s3_request(mp->s3, h, "DELETE", mp->q_id, &b, NULL, &r) != 0) {
		response_error(&r, msg, sizeof(msg));
		warn_msg("%s: abort of the multipart upload failed: %s",
		    mp->s3->name, msg);
	} else if (!mp->s3->cfg->quiet)
		warn_msg("%s: multipart upload aborted", mp->s3->name);
	response_free(&r);
}

/* Runs the part threads; returns 0 when every part was stored. */
static int
run_workers(struct mp *mp, char *first, size_t firstlen)
{
	struct worker *w;
	unsigned i, n = mp->s3->cfg->jobs;
	int rc;

	if (mp->seekable && n > mp->nparts)
		n = mp->nparts;
	w = xcalloc(n, sizeof(*w));
	for (i = 0; i < n; i++)
		w[i].mp = mp;
	if (first != NULL) {	/* the stream's first part, already read */
		mp->etags = xreallocarray(NULL, 1, ETAG_SIZE);
		mp->md5s = xreallocarray(NULL, 1, sizeof(*mp->md5s));
		w[0].buf = first;
		w[0].part = 1;
		w[0].len = firstlen;
		w[0].have = 1;
		mp->next = 2;
		mp->nparts = 1;
	}
	for (i = 0; i < n; i++)
		if ((rc = pthread_create(&w[i].tid, NULL, worker_main, &w[i]))) {
			errno = rc;
			die_errno(EXIT_RUNTIME, "pthread_create");
		}
	for (i = 0; i < n; i++) {
		pthread_join(w[i].tid, NULL);
		free(w[i].buf);
	}
	free(w);
	return mp->err[0] == '\0' && !atomic_load(&s3_interrupted) ? 0 : -1;
}

/* PED_S3_MAX_PARTS lowers S3's limit, so tests can reach it. */
static unsigned
max_parts(void)
{
	const char *s = getenv("PED_S3_MAX_PARTS");
	uint64_t v;

	if (s == NULL)
		return PARTS_MAX;
	if (parse_uint(s, strlen(s), PARTS_MAX, &v) != 0 || v == 0)
		die(EXIT_USAGE, "PED_S3_MAX_PARTS: invalid count %s", quote_str(s));
	return v;
}

int
multipart_upload(struct s3 *s3, int fd, uint64_t size, int seekable,
    char *first, size_t firstlen)
{
	struct mp mp = { .s3 = s3, .fd = fd, .seekable = seekable,
	    .size = size, .part_size = s3->cfg->part_size, .next = 1 };
	CURL *h;
	int rc = -1;

	pthread_mutex_init(&mp.lock, NULL);
	if ((h = curl_easy_init()) == NULL)
		die(EXIT_RUNTIME, "cannot create a curl handle");
	mp.max_parts = max_parts();
	/* Grow the parts so a big file fits in 10,000 of them. */
	if (seekable && mp.part_size < (size + mp.max_parts - 1) / mp.max_parts)
		mp.part_size = ((size + mp.max_parts - 1) / mp.max_parts +
		    MIB - 1) / MIB * MIB;
	if (seekable) {
		mp.nparts = (size + mp.part_size - 1) / mp.part_size;
		mp.etags = xcalloc(mp.nparts, ETAG_SIZE);
		mp.md5s = xcalloc(mp.nparts, sizeof(*mp.md5s));
	}
	if (create(&mp, h) != 0) {
		progress_end();
		warn_msg("%s: %s", s3->name, mp.err);
		free(first);
	} else if (run_workers(&mp, first, firstlen) != 0 ||
	    (rc = complete(&mp, h)) == -1) {
		abort_upload(&mp, h);
		rc = -1;
	}
	free(mp.q_id);
	free(mp.etags);
	free(mp.md5s);
	curl_easy_cleanup(h);
	pthread_mutex_destroy(&mp.lock);
	return rc;
}
