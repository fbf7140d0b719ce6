/*
 * Sources on the local side: a file or stdin read with read(2), and the
 * gzip decoder of the layer every source goes through (source_archive.c).
 * Compression is recognised by its magic bytes (1f 8b), not by the name,
 * so "zcat | ped-fetch", "ped-fetch x.csv.gz" and a .gz served over HTTP
 * all work.
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

struct gz_source {
	struct source	 src;
	struct source	*in;
	z_stream	 zs;
	int		 zinit;
	int		 in_eof;
	long long	 members;	/* gzip members decoded */
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
	struct source *s;
	int fd;

	if ((fd = open(path, O_RDONLY)) < 0)
		die_errno(EXIT_RUNTIME, "%s", path);
	s = open_fd(fd, path);
	if (s->size >= 0)
		s->path = path;
	return s;
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
	GZ_GARBAGE,	/* bytes after a member that start no member */
	GZ_CORRUPT	/* zlib refused the data */
};

static noreturn void
gz_bad(struct gz_source *g, enum gz_problem what)
{
	switch (what) {
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
	/* gzip inside gzip is undone by the next layer (source_archive.c). */
	n = want - g->zs.avail_out;
	g->out += n;
	return n;
}

static size_t
gz_read(struct source *s, void *buf, size_t n)
{
	struct gz_source *g = (struct gz_source *)s;

	return gz_inflate(g, buf, n);
}

static void
gz_close(struct source *s)
{
	struct gz_source *g = (struct gz_source *)s;

	inflateEnd(&g->zs);
	source_close(g->in);
	free(g->ibuf);
	free(g);
}

struct source *
source_gunzip(struct source *in)
{
	struct gz_source *g = xcalloc(1, sizeof(*g));

	g->in = in;
	g->ibuf = xmalloc(GZ_CHUNK);
	g->src.name = in->name;
	g->src.read = gz_read;
	g->src.close = gz_close;
	g->src.size = in->size;
	g->src.consumed = in->consumed;
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
	return source_decode(src, o);
}

void
source_close(struct source *src)
{
	if (src != NULL)
		src->close(src);
}
