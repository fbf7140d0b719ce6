/*
 * Sources on the local side: a file or stdin read with read(2), and the
 * gzip layer every source goes through. Compression is recognised by
 * its magic bytes (1f 8b), not by the name, so "zcat | ped-fetch",
 * "ped-fetch x.csv.gz" and a .gz served over HTTP all work.
 */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>
#include <zlib.h>

#include "err.h"
#include "gzmsg.h"
#include "source.h"
#include "xalloc.h"

#define GZ_CHUNK	65536

struct file_source {
	struct source	 src;
	int		 fd;
};

enum gz_mode {
	GZ_SNIFF,	/* nothing read yet */
	GZ_PLAIN,	/* not gzip: pass the bytes through */
	GZ_INFLATE
};

struct gz_source {
	struct source	 src;
	struct source	*in;
	enum gz_mode	 mode;
	z_stream	 zs;
	int		 zinit;
	int		 in_eof;
	int		 members;	/* gzip members ended so far */
	unsigned long long out;		/* bytes inflated so far */
	unsigned char	*ibuf;
	size_t		 ipos, ilen;	/* ibuf[ipos..ilen) unread */
};

static size_t
file_read(struct source *s, void *buf, size_t n)
{
	struct file_source *f = (struct file_source *)s;
	ssize_t r;

	while ((r = read(f->fd, buf, n)) < 0)
		if (errno != EINTR)
			die_errno(EXIT_RUNTIME, "%s", s->name);
	s->consumed += r;
	return (size_t)r;
}

static void
file_close(struct source *s)
{
	struct file_source *f = (struct file_source *)s;

	if (f->fd != STDIN_FILENO)
		close(f->fd);
	free(f);
}

static struct source *
open_fd(int fd, const char *name)
{
	struct file_source *f = xcalloc(1, sizeof(*f));
	struct stat st;

	f->fd = fd;
	f->src.name = name;
	f->src.read = file_read;
	f->src.close = file_close;
	f->src.size = fstat(fd, &st) == 0 && S_ISREG(st.st_mode) ?
	    (long long)st.st_size : -1;
	return &f->src;
}

struct source *
source_open_file(const char *path)
{
	int fd;

	if ((fd = open(path, O_RDONLY)) < 0)
		die_errno(EXIT_RUNTIME, "%s", path);
	return open_fd(fd, path);
}

/* Reads into ibuf[ilen..); 0 at the end of the input. */
static size_t
gz_fill(struct gz_source *g)
{
	size_t r;

	if (g->in_eof)
		return 0;
	r = g->in->read(g->in, g->ibuf + g->ilen, GZ_CHUNK - g->ilen);
	if (r == 0)
		g->in_eof = 1;
	g->ilen += r;
	g->src.consumed = g->in->consumed;
	g->src.size = g->in->size;
	return r;
}

static noreturn void
gz_fail(struct gz_source *g, const char *why)
{
	die(EXIT_RUNTIME, "%s: gzip: %s", g->src.name, why);
}

/*
 * What went wrong in the gzip layer, in a user's words (zlib's own are
 * "incorrect header check" and the like): all gzip messages are here.
 */
enum gz_problem {
	GZ_TWICE,	/* the data inflated is gzip again */
	GZ_GARBAGE,	/* bytes after a member that start no member */
	GZ_CORRUPT	/* zlib refused the data */
};

static noreturn void
gz_bad(struct gz_source *g, enum gz_problem what)
{
	switch (what) {
	case GZ_TWICE:
		die(EXIT_RUNTIME, "%s: gzip: " GZ_MSG_TWICE, g->src.name);
	case GZ_GARBAGE:
		die(EXIT_RUNTIME, "%s: gzip: " GZ_MSG_GARBAGE " (%llu bytes "
		    "inflated, then bytes that are no gzip member)",
		    g->src.name, g->out);
	default:
		die(EXIT_RUNTIME, "%s: gzip: " GZ_MSG_CORRUPT " after %llu "
		    "bytes inflated (zlib: %s)", g->src.name, g->out,
		    g->zs.msg != NULL ? g->zs.msg : "data error");
	}
}

/* After a member: another one, zeros to the end (padding), or garbage. */
static void
gz_next_member(struct gz_source *g)
{
	size_t i;

	for (;;) {
		if (g->zs.avail_in >= 2 || (g->zs.avail_in == 1 &&
		    g->zs.next_in[0] != 0x1f)) {
			if (g->zs.next_in[0] == 0x1f &&
			    g->zs.next_in[1] == 0x8b)
				return;
			break;
		}
		/* Keep a lone 0x1f and read on. */
		memmove(g->ibuf, g->zs.next_in, g->zs.avail_in);
		g->ipos = 0;
		g->ilen = g->zs.avail_in;
		if (gz_fill(g) == 0) {
			if (g->ilen == 0)
				return;		/* the end: fine */
			gz_bad(g, GZ_GARBAGE);
		}
		g->zs.next_in = g->ibuf;
		g->zs.avail_in = (uInt)g->ilen;
	}
	/* gzip(1) ignores zero padding after the last member. */
	for (;;) {
		for (i = 0; i < g->zs.avail_in; i++)
			if (g->zs.next_in[i] != 0)
				gz_bad(g, GZ_GARBAGE);
		g->ipos = g->ilen = 0;
		if (gz_fill(g) == 0) {
			g->zs.avail_in = 0;
			g->in_eof = 2;		/* padding read: the end */
			return;
		}
		g->zs.next_in = g->ibuf;
		g->zs.avail_in = (uInt)g->ilen;
	}
}

static void
gz_start(struct gz_source *g)
{
	memset(&g->zs, 0, sizeof(g->zs));
	/* 16 + MAX_WBITS: a gzip header and trailer, nothing else. */
	if (inflateInit2(&g->zs, 16 + MAX_WBITS) != Z_OK)
		gz_fail(g, "cannot initialise zlib");
	g->zinit = 1;
	g->zs.next_in = g->ibuf + g->ipos;
	g->zs.avail_in = (uInt)(g->ilen - g->ipos);
	g->mode = GZ_INFLATE;
}

static void
gz_sniff(struct gz_source *g)
{
	while (g->ilen < 2 && gz_fill(g) > 0)
		continue;
	if (g->ilen >= 2 && g->ibuf[0] == 0x1f && g->ibuf[1] == 0x8b)
		gz_start(g);
	else
		g->mode = GZ_PLAIN;
}

static size_t
gz_plain(struct gz_source *g, void *buf, size_t n)
{
	size_t r;

	if (g->ipos == g->ilen) {
		r = g->in->read(g->in, buf, n);
		g->src.consumed = g->in->consumed;
		g->src.size = g->in->size;
		return r;
	}
	r = g->ilen - g->ipos < n ? g->ilen - g->ipos : n;
	memcpy(buf, g->ibuf + g->ipos, r);
	g->ipos += r;
	return r;
}

/* Inflates until some bytes come out or the input ends. */
static size_t
gz_inflate(struct gz_source *g, void *buf, size_t size)
{
	uInt want = size > UINT_MAX ? UINT_MAX : (uInt)size;
	size_t n;
	int z;

	g->zs.next_out = buf;
	g->zs.avail_out = want;
	while (g->zs.avail_out == want) {
		if (g->in_eof == 2)
			return 0;
		if (g->zs.avail_in == 0) {
			g->ipos = g->ilen = 0;
			if (gz_fill(g) == 0) {
				if (g->zinit)
					gz_fail(g, GZ_MSG_SHORT);
				return 0;
			}
			g->zs.next_in = g->ibuf;
			g->zs.avail_in = (uInt)g->ilen;
		}
		if (!g->zinit) {
			/* Another member follows: gzip(1) concatenates. */
			gz_next_member(g);
			if (g->zs.avail_in == 0)
				continue;
			if (inflateReset(&g->zs) != Z_OK)
				gz_fail(g, "cannot reset zlib");
			g->zinit = 1;
		}
		z = inflate(&g->zs, Z_NO_FLUSH);
		if (z == Z_STREAM_END) {
			g->zinit = 0;
			g->members++;
		} else if (z != Z_OK && z != Z_BUF_ERROR)
			gz_bad(g, GZ_CORRUPT);
	}
	n = want - g->zs.avail_out;
	/* A gzip member's data that starts with the gzip magic again. */
	if (g->out == 0 && n >= 2 && ((unsigned char *)buf)[0] == 0x1f &&
	    ((unsigned char *)buf)[1] == 0x8b)
		gz_bad(g, GZ_TWICE);
	g->out += n;
	return n;
}

static size_t
gz_read(struct source *s, void *buf, size_t n)
{
	struct gz_source *g = (struct gz_source *)s;

	if (g->mode == GZ_SNIFF)
		gz_sniff(g);
	if (g->mode == GZ_PLAIN)
		return gz_plain(g, buf, n);
	return gz_inflate(g, buf, n);
}

static void
gz_close(struct source *s)
{
	struct gz_source *g = (struct gz_source *)s;

	if (g->mode == GZ_INFLATE)
		inflateEnd(&g->zs);
	source_close(g->in);
	free(g->ibuf);
	free(g);
}

static struct gz_source *
gz_wrap(struct source *in)
{
	struct gz_source *g = xcalloc(1, sizeof(*g));

	g->in = in;
	g->ibuf = xmalloc(GZ_CHUNK);
	g->src.name = in->name;
	g->src.read = gz_read;
	g->src.close = gz_close;
	g->src.size = in->size;
	g->src.consumed = in->consumed;
	return g;
}

struct source *
source_gunzip(struct source *src)
{
	struct gz_source *g = gz_wrap(src);

	gz_start(g);
	return &g->src;
}

struct source *
source_open(const char *spec, const struct fetch_options *o)
{
	struct source *src;

	if (spec == NULL || strcmp(spec, "-") == 0)
		src = open_fd(STDIN_FILENO, "<stdin>");
	else if (strncasecmp(spec, "http://", 7) == 0 ||
	    strncasecmp(spec, "https://", 8) == 0)
		src = source_open_http(spec, o);
	else
		src = source_open_file(spec);
	return &gz_wrap(src)->src;
}

void
source_close(struct source *src)
{
	if (src != NULL)
		src->close(src);
}
