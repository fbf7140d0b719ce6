/*
 * The decoding layer every source goes through: gzip (zlib, see
 * source_file.c), ZIP, bzip2, xz and zstd (libarchive), recognised by
 * their magic bytes and undone as the bytes arrive. libarchive pulls its
 * input through a read callback that reads the source below, so a ZIP
 * served over HTTP streams from its local file headers with no
 * temporary file and no thread: libcurl is driven from that read.
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <archive.h>
#include <archive_entry.h>

#include "err.h"
#include "progress.h"
#include "quote.h"
#include "source.h"
#include "xalloc.h"

#define PEEK_MAX	8
#define ARC_CHUNK	(64 * 1024)
#define DECODE_DEPTH	4	/* x.csv.gz.gz still reads; no deeper */
#define LISTED_MAX	16	/* member names an error message lists */
#define EOCD_SIZE	22	/* end of central directory, no comment */
#define TAIL_MAX	(EOCD_SIZE + 65535)	/* and the longest comment */

/* The first bytes of a source, handed back before the rest. */
struct peek {
	struct source	 src;
	struct source	*in;
	unsigned char	 buf[PEEK_MAX];
	size_t		 pos, len;
};

enum kind { K_PLAIN, K_GZIP, K_ZIP, K_BZIP2, K_XZ, K_ZSTD };

struct arc {
	struct source	 src;
	struct source	*in;
	struct archive	*a;
	const char	*what;		/* "zip", "bzip2", ... for messages */
	const char	*member;	/* --member NAME, or NULL */
	int		 zip;
	int		 in_eof;
	int		 done;		/* the member's data has ended */
	char		*chosen;	/* the member being read */
	char		*listed[LISTED_MAX];
	size_t		 nlisted, nmembers, ncandidates;
	char		*ibuf;
	unsigned char	*tail;		/* a ZIP's last TAIL_MAX bytes */
	size_t		 tlen;
};

/*
 * The outermost layer decode() has built so far: what an error while it
 * builds leaves allocated (ped-fetch exits there; the fuzz target frees
 * it with source_decode_abandon()).
 */
static struct source *building;

static size_t
peek_read(struct source *s, void *buf, size_t n)
{
	struct peek *p = (struct peek *)s;
	size_t r;

	if (p->pos == p->len)
		r = p->in->read(p->in, buf, n);
	else {
		r = p->len - p->pos < n ? p->len - p->pos : n;
		memcpy(buf, p->buf + p->pos, r);
		p->pos += r;
	}
	s->size = p->in->size;
	s->consumed = p->in->consumed;
	return r;
}

static void
peek_close(struct source *s)
{
	struct peek *p = (struct peek *)s;

	source_close(p->in);
	free(p);
}

static enum kind
kind_of(const unsigned char *b, size_t n)
{
	if (n >= 2 && b[0] == 0x1f && b[1] == 0x8b)
		return K_GZIP;
	if (n >= 4 && b[0] == 'P' && b[1] == 'K' &&
	    ((b[2] == 3 && b[3] == 4) || (b[2] == 5 && b[3] == 6) ||
	    (b[2] == 7 && b[3] == 8)))
		return K_ZIP;
	if (n >= 4 && memcmp(b, "BZh", 3) == 0 && b[3] >= '1' && b[3] <= '9')
		return K_BZIP2;
	if (n >= 6 && memcmp(b, "\xfd" "7zXZ\0", 6) == 0)
		return K_XZ;
	if (n >= 4 && memcmp(b, "\x28\xb5\x2f\xfd", 4) == 0)
		return K_ZSTD;
	return K_PLAIN;
}

/* A name that promises compression its bytes do not have. */
static const char *
promised(const char *name)
{
	static const char *const ext[] = { ".zip", ".gz", ".bz2", ".xz",
	    ".zst" };
	size_t i, n = strlen(name), e;

	for (i = 0; i < sizeof(ext) / sizeof(ext[0]); i++) {
		e = strlen(ext[i]);
		if (n > e && strcasecmp(name + n - e, ext[i]) == 0)
			return ext[i] + 1;
	}
	return NULL;
}

/* Keeps the last TAIL_MAX bytes of a ZIP, where its end record is. */
static void
keep_tail(struct arc *g, const char *p, size_t n)
{
	if (n >= TAIL_MAX) {
		memcpy(g->tail, p + n - TAIL_MAX, TAIL_MAX);
		g->tlen = TAIL_MAX;
		return;
	}
	if (g->tlen + n > TAIL_MAX) {
		memmove(g->tail, g->tail + (g->tlen + n - TAIL_MAX),
		    TAIL_MAX - n);
		g->tlen = TAIL_MAX - n;
	}
	memcpy(g->tail + g->tlen, p, n);
	g->tlen += n;
}

/*
 * A complete ZIP ends with its end of central directory record, whose
 * comment reaches the last byte. Streaming reads stop at the central
 * directory, so this is how a cut in it is noticed.
 */
static int
has_end_record(const struct arc *g)
{
	size_t i, clen;

	for (i = g->tlen >= EOCD_SIZE ? g->tlen - EOCD_SIZE + 1 : 0; i-- > 0;)
		if (memcmp(g->tail + i, "PK\5\6", 4) == 0) {
			clen = g->tail[i + 20] | (size_t)g->tail[i + 21] << 8;
			if (i + EOCD_SIZE + clen == g->tlen)
				return 1;
		}
	return 0;
}

static la_ssize_t
arc_in(struct archive *a, void *ctx, const void **buf)
{
	struct arc *g = ctx;
	size_t r;

	(void)a;
	*buf = g->ibuf;
	if (g->in_eof)
		return 0;
	r = g->in->read(g->in, g->ibuf, ARC_CHUNK);
	if (r == 0)
		g->in_eof = 1;
	if (g->zip)
		keep_tail(g, g->ibuf, r);
	g->src.size = g->in->size;
	g->src.consumed = g->in->consumed;
	return (la_ssize_t)r;
}

static noreturn void
arc_fail(struct arc *g)
{
	const char *why = archive_error_string(g->a);

	progress_end();
	if (g->in_eof)
		die(EXIT_RUNTIME, "%s: %s: unexpected end of data",
		    g->src.name, g->what);
	die(EXIT_RUNTIME, "%s: %s: corrupt data: %s", g->src.name, g->what,
	    why != NULL ? quote_str(why) : "unknown error");
}

/* The members an error lists: "a.csv", "b.csv" (and N more). */
static void
members_text(const struct arc *g, char *out, size_t size)
{
	size_t i, o = 0;
	int w;

	out[0] = '\0';
	for (i = 0; i < g->nlisted && o < size; i++) {
		w = snprintf(out + o, size - o, "%s%s", i > 0 ? ", " : "",
		    quote_str(g->listed[i]));
		if (w < 0)
			break;
		o += (size_t)w;
	}
	if (g->nmembers > g->nlisted && o < size)
		snprintf(out + o, size - o, " and %zu more",
		    g->nmembers - g->nlisted);
	if (g->nmembers == 0)
		snprintf(out, size, "none");
}

static void
note_member(struct arc *g, const char *name)
{
	if (g->nlisted < LISTED_MAX)
		g->listed[g->nlisted++] = xstrdup(name);
	g->nmembers++;
}

static int
ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), k = strlen(suffix);

	return n >= k && strcasecmp(s + n - k, suffix) == 0;
}

/* A member --member NAME names: its path, or its last component. */
static int
named(const char *path, const char *want)
{
	const char *base = strrchr(path, '/');

	return strcmp(path, want) == 0 ||
	    (base != NULL && strcmp(base + 1, want) == 0);
}

/*
 * Without --member: a CSV or JSON file, or a name with no extension
 * ("-" when zip(1) wrote from a pipe); not macOS metadata.
 */
static int
candidate(const char *path)
{
	const char *base = strrchr(path, '/');

	base = base != NULL ? base + 1 : path;
	if (strncmp(path, "__MACOSX/", 9) == 0 || base[0] == '.')
		return 0;
	return strchr(base, '.') == NULL ||
	    ends_with(base, ".csv") || ends_with(base, ".json") ||
	    ends_with(base, ".jsonl") || ends_with(base, ".ndjson");
}

/*
 * Walks the headers: with chosen NULL, to the member to read; after it,
 * to the end, counting the other candidates. 1 when positioned on a
 * member to read, 0 at the end.
 */
static int
walk(struct arc *g)
{
	struct archive_entry *e;
	const char *path;
	int rc;

	for (;;) {
		rc = archive_read_next_header(g->a, &e);
		if (rc == ARCHIVE_EOF)
			return 0;
		if (rc != ARCHIVE_OK && rc != ARCHIVE_WARN)
			arc_fail(g);
		if (!g->zip) {		/* bzip2, xz, zstd: one stream */
			g->chosen = xstrdup("data");
			return 1;
		}
		path = archive_entry_pathname(e);
		if (path == NULL)
			path = "";
		if (archive_entry_filetype(e) != AE_IFREG)
			continue;
		note_member(g, path);
		if (g->member != NULL ? named(path, g->member) :
		    candidate(path)) {
			g->ncandidates++;
			if (g->chosen == NULL) {
				g->chosen = xstrdup(path);
				return 1;
			}
		}
		if (archive_read_data_skip(g->a) != ARCHIVE_OK)
			arc_fail(g);
	}
}

/*
 * A ZIP file on disk: its central directory, read first, tells whether
 * the member to read exists and is the only candidate, so that error
 * comes before any row. A directory that cannot be read is left to the
 * stream, which then says what is wrong.
 */
static void
precheck(struct arc *g, const char *path)
{
	struct archive *a;
	struct archive_entry *e;
	const char *name;
	char list[1024];
	int rc;

	if ((a = archive_read_new()) == NULL)
		return;
	archive_read_support_format_zip_seekable(a);
	if (archive_read_open_filename(a, path, ARC_CHUNK) == ARCHIVE_OK)
		while ((rc = archive_read_next_header(a, &e)) == ARCHIVE_OK ||
		    rc == ARCHIVE_WARN) {
			name = archive_entry_pathname(e);
			if (name == NULL ||
			    archive_entry_filetype(e) != AE_IFREG)
				continue;
			note_member(g, name);
			if (g->member != NULL ? named(name, g->member) :
			    candidate(name))
				g->ncandidates++;
		}
	else
		rc = ARCHIVE_FATAL;
	archive_read_free(a);
	if (rc != ARCHIVE_EOF || (g->member == NULL && g->ncandidates < 2)) {
		/* Nothing to say before the stream is read. */
		while (g->nlisted > 0)
			free(g->listed[--g->nlisted]);
		g->nmembers = g->ncandidates = 0;
		return;
	}
	members_text(g, list, sizeof(list));
	if (g->ncandidates == 0)
		die(EXIT_DATA, "%s: no member %s in the ZIP archive; members: %s",
		    g->src.name, quote_str(g->member), list);
	if (g->member == NULL)
		die(EXIT_DATA, "%s: the ZIP archive holds %zu CSV/JSON members, "
		    "pick one with --member NAME: %s", g->src.name,
		    g->ncandidates, list);
	/* The member is there: the stream counts again from nothing. */
	while (g->nlisted > 0)
		free(g->listed[--g->nlisted]);
	g->nmembers = g->ncandidates = 0;
}

/* After the member: the rest of the archive must agree with the choice. */
static void
finish(struct arc *g)
{
	char list[1024];
	char buf[4096];
	size_t r;

	g->done = 1;
	if (g->zip) {
		walk(g);
		if (g->member == NULL && g->ncandidates > 1) {
			progress_end();
			members_text(g, list, sizeof(list));
			die(EXIT_DATA, "%s: the ZIP archive holds %zu CSV/JSON "
			    "members, pick one with --member NAME: %s",
			    g->src.name, g->ncandidates, list);
		}
	}
	/* What libarchive left unread (a ZIP's central directory) is read
	 * too, so the transfer completes and a cache sees the whole body. */
	while (!g->in_eof && (r = g->in->read(g->in, buf, sizeof(buf))) > 0)
		if (g->zip)
			keep_tail(g, buf, r);
	g->in_eof = 1;
	if (g->zip && !has_end_record(g)) {
		progress_end();
		die(EXIT_RUNTIME, "%s: zip: unexpected end of data (no end of "
		    "central directory record)", g->src.name);
	}
}

static size_t
arc_read(struct source *s, void *buf, size_t n)
{
	struct arc *g = (struct arc *)s;
	la_ssize_t r;

	if (g->done)
		return 0;
	if ((r = archive_read_data(g->a, buf, n)) < 0)
		arc_fail(g);
	if (r == 0)
		finish(g);
	return (size_t)r;
}

static void
arc_close(struct source *s)
{
	struct arc *g = (struct arc *)s;
	size_t i;

	archive_read_free(g->a);
	source_close(g->in);
	for (i = 0; i < g->nlisted; i++)
		free(g->listed[i]);
	free(g->chosen);
	free(g->ibuf);
	free(g->tail);
	free(g);
}

static struct source *
arc_open(struct source *in, enum kind k, const struct fetch_options *o)
{
	static const char *const what[] = { "", "gzip", "zip", "bzip2", "xz",
	    "zstd" };
	struct arc *g = xcalloc(1, sizeof(*g));
	char list[1024];

	g->in = in;
	g->what = what[k];
	g->zip = k == K_ZIP;
	g->member = o->member;
	g->ibuf = xmalloc(ARC_CHUNK);
	if (g->zip)
		g->tail = xmalloc(TAIL_MAX);
	g->src.name = in->name;
	g->src.read = arc_read;
	g->src.close = arc_close;
	g->src.size = in->size;
	g->src.consumed = in->consumed;
	building = &g->src;
	if (g->zip && in->path != NULL)
		precheck(g, in->path);
	if ((g->a = archive_read_new()) == NULL)
		die(EXIT_RUNTIME, "libarchive: cannot initialise");
	if (g->zip)
		archive_read_support_format_zip_streamable(g->a);
	else {
		archive_read_support_filter_bzip2(g->a);
		archive_read_support_filter_xz(g->a);
		archive_read_support_filter_zstd(g->a);
		archive_read_support_format_raw(g->a);
	}
	if (archive_read_open(g->a, g, NULL, arc_in, NULL) != ARCHIVE_OK)
		arc_fail(g);
	if (walk(g) == 0) {
		progress_end();
		members_text(g, list, sizeof(list));
		if (g->member != NULL)
			die(EXIT_DATA, "%s: no member %s in the ZIP archive; "
			    "members: %s", g->src.name, quote_str(g->member),
			    list);
		die(EXIT_DATA, "%s: no CSV or JSON member in the ZIP archive; "
		    "members: %s", g->src.name, list);
	}
	if (o->verbose && g->zip)
		warn_msg("%s: reading member %s", g->src.name,
		    quote_str(g->chosen));
	return &g->src;
}

static struct source *
decode(struct source *in, const struct fetch_options *o, int depth)
{
	struct peek *p = xcalloc(1, sizeof(*p));
	const char *ext;
	enum kind k;
	size_t r;

	p->in = in;
	p->src.name = in->name;
	p->src.read = peek_read;
	p->src.close = peek_close;
	p->src.path = in->path;
	building = &p->src;
	while (p->len < PEEK_MAX &&
	    (r = in->read(in, p->buf + p->len, PEEK_MAX - p->len)) > 0)
		p->len += r;
	p->src.size = in->size;
	p->src.consumed = in->consumed;
	k = depth < DECODE_DEPTH ? kind_of(p->buf, p->len) : K_PLAIN;
	switch (k) {
	case K_PLAIN:
		if (depth == 0 && p->len > 0 && !o->quiet &&
		    (ext = promised(in->name)) != NULL)
			warn_msg("%s: no %s signature, read as it is",
			    in->name, ext);
		return &p->src;
	case K_GZIP:
		building = source_gunzip(&p->src);
		return decode(building, o, depth + 1);
	default:
		return decode(arc_open(&p->src, k, o), o, depth + 1);
	}
}

struct source *
source_decode(struct source *src, const struct fetch_options *o)
{
	struct source *s = decode(src, o, 0);

	building = NULL;
	return s;
}

void
source_decode_abandon(void)
{
	struct source *b = building;

	building = NULL;
	source_close(b);
}
