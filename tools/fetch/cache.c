/*
 * The download cache of the archive (--history): DIR/NAME.body holds the
 * body as the server sent it, DIR/NAME.meta its URL, ETag,
 * Last-Modified, size, CRC-32 and the last day of data it held. A later
 * run revalidates with If-None-Match / If-Modified-Since and reads the
 * body from disk on a 304. The download is written to a temporary file
 * while it streams into the parser and renamed when complete, so an
 * interrupted one never becomes an entry; an entry whose size or
 * checksum disagrees with its metadata is dropped and fetched again.
 * A cache that cannot be written is a warning: the run goes on without.
 */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>

#include "cache.h"
#include "err.h"
#include "quote.h"
#include "xalloc.h"

#define META_MAX	512	/* a validator is at most 255 bytes */

struct meta {
	char		 url[4096];
	char		 etag[256];
	char		 lastmod[256];
	long long	 size;
	unsigned long	 crc;
	uint64_t	 last_day;
};

struct cache {
	char		*dir;
	char		*body, *meta;	/* the paths of the entry */
	char		*tmp;		/* the download being written */
	struct meta	 m;		/* the entry (valid when have) */
	int		 have;
	const struct fetch_options *o;
};

/* The tee: the download, copied to the cache as it is read. */
struct tee {
	struct source	 src;
	struct source	*in;
	struct cache	*c;
	int		 fd;		/* -1 once caching was given up */
	long long	 size;
	unsigned long	 crc;
	struct http_cond cond;
};

static char *tmp_pending;	/* unlinked at exit unless renamed */
static int atexit_done;

static void
unlink_pending(void)
{
	if (tmp_pending != NULL)
		unlink(tmp_pending);
}

static char *
path_join(const char *dir, const char *name, const char *ext)
{
	size_t n = strlen(dir) + strlen(name) + strlen(ext) + 2;
	char *p = xmalloc(n);

	snprintf(p, n, "%s/%s%s", dir, name, ext);
	return p;
}

/* mkdir -p, mode 0700 for what it creates. */
static int
make_dirs(const char *dir)
{
	char *p = xstrdup(dir), *s, c;
	int rc = 0;

	for (s = p + 1; rc == 0; s++) {
		if (*s != '/' && *s != '\0')
			continue;
		c = *s;
		*s = '\0';
		if (mkdir(p, 0700) != 0 && errno != EEXIST)
			rc = -1;
		*s = c;
		if (c == '\0')
			break;
	}
	free(p);
	return rc;
}

struct cache *
cache_new(const char *dir, const char *url, const struct fetch_options *o)
{
	struct cache *c;
	char name[32];
	uint64_t h = 14695981039346656037ULL;	/* FNV-1a of the URL */
	const char *u;
	struct stat st;

	if (make_dirs(dir) != 0 || stat(dir, &st) != 0 ||
	    !S_ISDIR(st.st_mode)) {
		if (!o->quiet)
			warn_msg("cache %s: %s; going on without a cache",
			    quote_str(dir), strerror(errno != 0 ? errno :
			    ENOTDIR));
		return NULL;
	}
	c = xcalloc(1, sizeof(*c));
	c->dir = xstrdup(dir);
	c->o = o;
	for (u = url; *u != '\0'; u++)
		h = (h ^ (unsigned char)*u) * 1099511628211ULL;
	snprintf(name, sizeof(name), "archive-%016" PRIx64, h);
	c->body = path_join(dir, name, ".body");
	c->meta = path_join(dir, name, ".meta");
	return c;
}

static void
copy_field(char *dst, size_t size, const char *v)
{
	size_t n = strcspn(v, "\r\n");

	if (n >= size)
		n = size - 1;
	memcpy(dst, v, n);
	dst[n] = '\0';
}

static int
meta_read(const char *path, struct meta *m)
{
	char line[4096 + 16];
	FILE *fp;
	int ok = 0;

	memset(m, 0, sizeof(*m));
	m->size = -1;
	if ((fp = fopen(path, "r")) == NULL)
		return -1;
	while (fgets(line, sizeof(line), fp) != NULL) {
		if (strncmp(line, "url ", 4) == 0) {
			copy_field(m->url, sizeof(m->url), line + 4);
			ok = 1;
		} else if (strncmp(line, "etag ", 5) == 0)
			copy_field(m->etag, sizeof(m->etag), line + 5);
		else if (strncmp(line, "last-modified ", 14) == 0)
			copy_field(m->lastmod, sizeof(m->lastmod), line + 14);
		else if (strncmp(line, "size ", 5) == 0)
			m->size = strtoll(line + 5, NULL, 10);
		else if (strncmp(line, "crc32 ", 6) == 0)
			m->crc = strtoul(line + 6, NULL, 16);
		else if (strncmp(line, "last-day ", 9) == 0)
			m->last_day = strtoull(line + 9, NULL, 10);
	}
	fclose(fp);
	return ok && m->size >= 0 ? 0 : -1;
}

/* Writes the metadata to a temporary file and renames it in place. */
static int
meta_write(struct cache *c, const struct meta *m)
{
	char *tmp = path_join(c->dir, ".meta", ".XXXXXX");
	FILE *fp;
	int fd, rc = -1;

	if ((fd = mkstemp(tmp)) < 0 || (fp = fdopen(fd, "w")) == NULL) {
		if (fd >= 0)
			close(fd);
		goto out;
	}
	fprintf(fp, "url %s\netag %s\nlast-modified %s\nsize %lld\n"
	    "crc32 %08lx\nlast-day %" PRIu64 "\n", m->url, m->etag,
	    m->lastmod, m->size, m->crc, m->last_day);
	if (fclose(fp) == 0 && rename(tmp, c->meta) == 0)
		rc = 0;
out:
	if (rc != 0 && !c->o->quiet)
		warn_msg("cache %s: %s", quote_str(c->dir), strerror(errno));
	if (rc != 0)
		unlink(tmp);
	free(tmp);
	return rc;
}

/* The CRC-32 and size of a file; -1 when it cannot be read. */
static int
file_crc(const char *path, unsigned long *crc, long long *size)
{
	unsigned char buf[65536];
	ssize_t r;
	int fd;

	if ((fd = open(path, O_RDONLY)) < 0)
		return -1;
	*crc = crc32(0L, Z_NULL, 0);
	*size = 0;
	while ((r = read(fd, buf, sizeof(buf))) > 0) {
		*crc = crc32(*crc, buf, (uInt)r);
		*size += r;
	}
	close(fd);
	return r < 0 ? -1 : 0;
}

/* Loads the entry of the URL; a damaged one is removed. */
static void
entry_load(struct cache *c, const char *url)
{
	struct meta m;
	unsigned long crc;
	long long size;
	struct stat st;

	c->have = 0;
	if (meta_read(c->meta, &m) != 0 || strcmp(m.url, url) != 0)
		return;
	if (stat(c->body, &st) != 0 || st.st_size != m.size ||
	    file_crc(c->body, &crc, &size) != 0 || crc != m.crc ||
	    size != m.size) {
		if (!c->o->quiet)
			warn_msg("cache %s: the copy of %s is damaged (size or "
			    "checksum); fetching it again", quote_str(c->dir),
			    quote_str(url));
		unlink(c->meta);
		unlink(c->body);
		return;
	}
	c->m = m;
	c->have = 1;
}

uint64_t
cache_last_day(struct cache *c, const char *url)
{
	if (c == NULL)
		return 0;
	entry_load(c, url);
	return c->have ? c->m.last_day : 0;
}

void
cache_set_last_day(struct cache *c, uint64_t day)
{
	if (c == NULL || !c->have || c->m.last_day == day)
		return;
	c->m.last_day = day;
	meta_write(c, &c->m);
}

static void
tee_stop(struct tee *t, int err)
{
	if (t->fd < 0)
		return;
	if (err != 0 && !t->c->o->quiet)
		warn_msg("cache %s: %s; going on without a cache",
		    quote_str(t->c->dir), strerror(err));
	close(t->fd);
	t->fd = -1;
	unlink(t->c->tmp);
	tmp_pending = NULL;
}

/* The whole body arrived: it becomes the entry. */
static void
tee_commit(struct tee *t)
{
	struct cache *c = t->c;
	struct meta m;
	int fd = t->fd;

	t->fd = -1;
	if (fsync(fd) != 0 || close(fd) != 0) {
		if (!c->o->quiet)
			warn_msg("cache %s: %s", quote_str(c->dir),
			    strerror(errno));
		unlink(c->tmp);
		tmp_pending = NULL;
		return;
	}
	memset(&m, 0, sizeof(m));
	copy_field(m.url, sizeof(m.url), c->m.url);
	copy_field(m.etag, sizeof(m.etag), t->cond.etag_out);
	copy_field(m.lastmod, sizeof(m.lastmod), t->cond.lastmod_out);
	m.size = t->size;
	m.crc = t->crc;
	unlink(c->meta);
	if (rename(c->tmp, c->body) != 0) {
		if (!c->o->quiet)
			warn_msg("cache %s: %s", quote_str(c->dir),
			    strerror(errno));
		unlink(c->tmp);
		tmp_pending = NULL;
		return;
	}
	tmp_pending = NULL;
	if (meta_write(c, &m) == 0) {
		c->m = m;
		c->have = 1;
	}
}

static size_t
tee_read(struct source *s, void *buf, size_t n)
{
	struct tee *t = (struct tee *)s;
	size_t r = t->in->read(t->in, buf, n), off = 0;
	ssize_t w;

	s->size = t->in->size;
	s->consumed = t->in->consumed;
	if (t->fd < 0)
		return r;
	if (r == 0) {
		tee_commit(t);
		return 0;
	}
	t->crc = crc32(t->crc, buf, (uInt)r);
	t->size += (long long)r;
	while (off < r) {
		if ((w = write(t->fd, (char *)buf + off, r - off)) < 0) {
			if (errno == EINTR)
				continue;
			tee_stop(t, errno);
			break;
		}
		off += (size_t)w;
	}
	return r;
}

static void
tee_close(struct source *s)
{
	struct tee *t = (struct tee *)s;

	tee_stop(t, 0);		/* read not to the end: no entry */
	source_close(t->in);
	free(t);
}

struct source *
cache_fetch(struct cache *c, const char *url, const struct fetch_options *o)
{
	struct tee *t = xcalloc(1, sizeof(*t));
	struct source *in;

	if (!c->have)
		entry_load(c, url);
	if (c->have) {
		t->cond.etag = c->m.etag;
		t->cond.lastmod = c->m.lastmod;
	}
	in = source_open_http_cond(url, o, &t->cond);
	if (t->cond.not_modified) {
		source_close(in);
		free(t);
		if (o->verbose)
			warn_msg("%s: not modified, reading the cached copy %s",
			    quote_str(url), c->body);
		return source_open_file(c->body);
	}
	c->have = 0;
	copy_field(c->m.url, sizeof(c->m.url), url);
	t->in = in;
	t->c = c;
	t->crc = crc32(0L, Z_NULL, 0);
	t->src.name = in->name;
	t->src.read = tee_read;
	t->src.close = tee_close;
	t->src.size = in->size;
	t->src.consumed = in->consumed;
	free(c->tmp);
	c->tmp = path_join(c->dir, ".body", ".XXXXXX");
	if ((t->fd = mkstemp(c->tmp)) < 0) {
		if (!o->quiet)
			warn_msg("cache %s: %s; going on without a cache",
			    quote_str(c->dir), strerror(errno));
	} else {
		if (!atexit_done)
			atexit(unlink_pending);
		atexit_done = 1;
		tmp_pending = c->tmp;
	}
	return &t->src;
}

void
cache_free(struct cache *c)
{
	if (c == NULL)
		return;
	if (tmp_pending == c->tmp)
		tmp_pending = NULL;
	free(c->dir);
	free(c->body);
	free(c->meta);
	free(c->tmp);
	free(c);
}
