/*
 * ped-s3put's modules: credentials (creds.c), signed requests with
 * retries (request.c), S3's XML replies (s3err.c), multipart upload
 * (multipart.c), hashing and encoding (hash.c), progress (progress.c).
 */
#ifndef PED_S3PUT_H
#define PED_S3PUT_H

#include <sys/types.h>

#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>

#include <curl/curl.h>

#define MIB		(1024ULL * 1024)
#define PART_MIN	(5 * MIB)		/* S3's smallest part but the last */
#define PART_MAX	(5 * 1024 * MIB)	/* and its largest */
#define PARTS_MAX	10000
#define OBJECT_MAX	(5 * 1024 * 1024 * MIB)	/* largest object: 5 TiB */
/*
 * An endpoint that never answers: an attempt that moves no byte for
 * STALL_SECS fails (and is retried), and once a request's attempts have
 * had no reply for NO_ANSWER_SECS in all (30 + 30 + 30 + 10) it fails,
 * retries left or not. So a silent endpoint fails in NO_ANSWER_SECS plus
 * the backoff waits (a few seconds), within the two minutes ped-s3put(1)
 * promises. PED_S3_NO_ANSWER_SECS scales both down for the tests.
 */
#define STALL_SECS	30
#define NO_ANSWER_SECS	100

struct creds {
	char		*akid;
	char		*secret;
	char		*token;		/* session token, or NULL */
	const char	*source;	/* "environment", "file", "imds" */
};

struct config {
	const char	*region;
	const char	*endpoint;	/* custom endpoint, or NULL for AWS */
	const char	*profile;	/* --profile, or NULL */
	const char	*content_type;
	uint64_t	 part_size;
	unsigned	 jobs;
	unsigned	 retries;
	unsigned	 base_ms;	/* first backoff step */
	unsigned	 max_time;	/* --max-time seconds, 0: none */
	unsigned	 no_answer;	/* NO_ANSWER_SECS, or PED_S3_NO_ANSWER_SECS */
	int		 quiet;
	int		 verbose;
};

/* Everything a request needs; read-only while transfers run. */
struct s3 {
	const struct config *cfg;
	struct creds	 cr;
	char		*name;		/* "s3://bucket/key", for messages */
	char		*url;		/* the object's URL, key encoded */
	char		 sigv4[128];	/* "aws:amz:REGION:s3" */
	atomic_int	 stop;		/* set on a failure or a signal */
	double		 deadline;	/* end of --max-time (s3_now()), or 0 */
	int		 cleanup;	/* the Abort: allowed past the deadline */
};

/* A request body: bytes in memory, or a range of a file read by pread. */
struct body {
	const char	*mem;		/* NULL: read from fd */
	int		 fd;
	off_t		 off;
	uint64_t	 len;
	uint64_t	 pos;		/* bytes handed to libcurl so far */
	int		 data;		/* the object's bytes: shown in progress */
	char		 sha256[65];	/* lower-case hex */
	char		 md5[25];	/* base64 */
	char		 md5hex[33];	/* lower-case hex */
};

struct response {
	long		 status;	/* HTTP status, 0 when none */
	CURLcode	 cc;
	char		 etag[80];	/* quotes kept */
	int		 sse_opaque;	/* SSE-KMS or SSE-C: ETag is no MD5 */
	char		*data;		/* the reply body, capped */
	size_t		 len;
	char		 errbuf[CURL_ERROR_SIZE];
};

/* Set by SIGINT or SIGTERM: stop, abort a multipart upload, exit 1. */
extern atomic_int s3_interrupted;

/* creds.c: the AWS CLI's chain; exits 1 when nothing is found. */
void	 creds_load(struct creds *cr, const struct config *cfg);
void	 creds_free(struct creds *cr);
/* The parsers, exposed for the fuzz target (tests/fuzz/fuzz_awsconfig.c). */
int	 creds_ini_read(FILE *fp, const char *section, char *keys[3]);
/* An IMDS credentials document; returns 1 when cr was set, else 0. */
int	 creds_from_json(struct creds *cr, const char *json);

/* hash.c */
/* Fills b->sha256 and b->md5; returns -1 with errno on a read error. */
int	 body_hash(struct body *b);
/* Sets OpenSSL up for the digests, checked: 0 when it cannot. */
int	 hash_ready(void);
/* Returns s percent-encoded (RFC 3986); keep_slash leaves "/" as is. */
char	*uri_encode(const char *s, int keep_slash);

/* request.c */
/* Starts the clocks of --max-time and of NO_ANSWER_SECS. */
void	 request_init(struct s3 *s3);
/* CLOCK_MONOTONIC in seconds. */
double	 s3_now(void);
/*
 * Sends one signed request, retrying connection errors, 5xx, 429 and
 * SlowDown with exponential backoff and jitter. url_query is appended
 * to the object URL. Returns 0 on a 2xx reply without <Error>, else -1;
 * r keeps the reply either way (free with response_free).
 */
int	 s3_request(struct s3 *s3, CURL *h, const char *method,
	    const char *url_query, struct body *b, const char *ctype,
	    struct response *r);
/* Writes "403 Code: Message" or "(7) curl's message" into buf. */
void	 response_error(const struct response *r, char *buf, size_t size);
void	 response_free(struct response *r);

/* etag.c */
/*
 * Checks an ETag (NULL or "" when there was none) against the hex MD5
 * (or multipart ETag) want; returns 0, or -1 with the reason in msg.
 */
int	 etag_check(const struct response *r, const char *etag,
	    const char *want, char *msg, size_t size);
/* The ETag for a message: quote() of it without its own quotes. */
const char *etag_show(const char *etag);
/* S3's ETag of a multipart object from the parts' hex MD5s. */
void	 etag_multipart(const char (*md5s)[33], unsigned n, char *out,
	    size_t size);

/* s3err.c: the text of the first <tag> in xml, unescaped, or NULL. */
char	*xml_text(const char *xml, size_t len, const char *tag);

/* multipart.c */
/*
 * Reads a stream's next n bytes (fewer at its end); -1 on error, signal
 * (errno EINTR) or --max-time (ETIMEDOUT).
 */
ssize_t	 read_part(const struct s3 *s3, int fd, char *buf, size_t n);
/* Uploads in parts; returns 0, or -1 after printing the error. */
int	 multipart_upload(struct s3 *s3, int fd, uint64_t size, int seekable,
	    char *first, size_t firstlen);

/* progress.c: a line on a terminal stderr, unless -q. */
void	 progress_start(const struct s3 *s3, uint64_t total);
void	 progress_add(int64_t n);
void	 progress_end(void);
/* Bytes handed to libcurl so far, less those sent again on retries. */
uint64_t progress_bytes(void);

/*
 * target.c: sets cfg's region and default content type, s3's name
 * and URL from "s3://bucket/key" (a key ending in "/" takes the file's
 * base name); a bad argument is a usage error (exit 64).
 */
void	 target_setup(struct s3 *s3, struct config *cfg,
	    const char *region_opt, const char *file, const char *dest);

#endif
