/*
 * Byte sources ped-fetch reads: a file, stdin, or an HTTP(S) URL, with
 * gzip, ZIP, bzip2, xz and zstd undone transparently. The CSV/JSON readers pull bytes through
 * source->read and never know where they come from.
 */
#ifndef PED_FETCH_SOURCE_H
#define PED_FETCH_SOURCE_H

#include <stddef.h>

struct fetch_options {
	const char	*cacert;		/* --cacert FILE, or NULL */
	long		 connect_timeout;	/* --connect-timeout SECS, 0: default */
	long		 max_time;		/* --max-time SECS, 0: no limit */
	unsigned	 retries;		/* --retries N, default 5 */
	int		 progress;		/* -1 auto (stderr a tty), 0 off, 1 on */
	int		 quiet;			/* -q */
	int		 verbose;		/* -v */
	const char	*member;		/* --member NAME of a ZIP */
};

struct source {
	const char	*name;		/* path, "<stdin>" or URL, for messages */
	/*
	 * Reads up to n bytes into buf; returns 0 only at the end of the
	 * data. A failure is fatal: "ped-fetch: NAME: reason", exit 1.
	 */
	size_t		(*read)(struct source *src, void *buf, size_t n);
	void		(*close)(struct source *src);
	long long	 size;		/* total bytes when known, else -1 */
	long long	 consumed;	/* raw bytes read from the origin so far */
	const char	*path;		/* a regular file's path, else NULL */
};

/* Dispatches on spec: "-" or NULL stdin, http(s):// URL, else a path. */
struct source	*source_open(const char *spec, const struct fetch_options *o);
struct source	*source_open_file(const char *path);
struct source	*source_open_http(const char *url,
		    const struct fetch_options *o);
/*
 * A conditional GET (source_open_http_cond): the validators to send, if
 * any; on return not_modified says a 304 came (the source then reads
 * nothing), and the *_out fields hold the response's validators.
 */
struct http_cond {
	const char	*etag;		/* If-None-Match, or NULL */
	const char	*lastmod;	/* If-Modified-Since, or NULL */
	int		 not_modified;
	char		 etag_out[256];
	char		 lastmod_out[256];
};
struct source	*source_open_http_cond(const char *url,
		    const struct fetch_options *o, struct http_cond *cond);
/* Wraps src so reads return the gunzipped bytes. */
struct source	*source_gunzip(struct source *src);
/*
 * Wraps src in the decoders its magic bytes call for (gzip, ZIP, bzip2,
 * xz, zstd; nested ones too); a plain source is only peeked at.
 * source_open() applies it.
 */
struct source	*source_decode(struct source *src,
		    const struct fetch_options *o);
/* After an error inside source_decode() (die_hook): frees what it built. */
void		 source_decode_abandon(void);
void		 source_close(struct source *src);

#endif
