/*
 * Lines from a named input: read(2) in 1 MiB blocks into one buffer,
 * memchr(3) for the line ends, any line length (or a bounded one).
 */
#define _GNU_SOURCE		/* F_SETPIPE_SZ */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "err.h"
#include "lineio.h"
#include "xalloc.h"

#define READ_BUFSZ	(1024 * 1024)

void
lr_open(struct line_reader *lr, const char *path)
{
	memset(lr, 0, sizeof(*lr));
	if (strcmp(path, "-") == 0) {
		lr->fd = STDIN_FILENO;
		lr->name = "<stdin>";
#ifdef F_SETPIPE_SZ
		/* A bigger pipe, fewer switches with the writer; best effort. */
		(void)fcntl(lr->fd, F_SETPIPE_SZ, READ_BUFSZ);
#endif
	} else {
		lr->name = path;
		if ((lr->fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
			die_errno(EXIT_RUNTIME, "%s", path);
	}
	lr->cap = READ_BUFSZ;
	lr->buf = xmalloc(lr->cap + 1);
}

/* Reads one more block after the unread bytes; returns 0 at end of input. */
static int
fill(struct line_reader *lr)
{
	ssize_t n;
	char *nul;

	if (lr->start > 0) {
		size_t keep = lr->end - lr->start;

		memmove(lr->buf, lr->buf + lr->start, keep);
		lr->scanned -= lr->start;
		lr->nul -= lr->start;
		lr->start = 0;
		lr->end = keep;
	}
	if (lr->cap - lr->end < READ_BUFSZ / 2) {
		lr->cap *= 2;
		lr->buf = xreallocarray(lr->buf, lr->cap + 1, 1);
	}
	do
		n = read(lr->fd, lr->buf + lr->end, lr->cap - lr->end);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		die_errno(EXIT_RUNTIME, "%s", lr->name);
	if (n == 0)
		return 0;
	/* One pass over the block finds NUL bytes for every line in it. */
	if (lr->nul == lr->end &&
	    (nul = memchr(lr->buf + lr->end, '\0', (size_t)n)) == NULL)
		lr->nul = lr->end + (size_t)n;
	else if (lr->nul == lr->end)
		lr->nul = (size_t)(nul - lr->buf);
	lr->end += (size_t)n;
	return 1;
}

/* After the line ending at lr->start: where is the next NUL? */
static void
next_nul(struct line_reader *lr)
{
	char *nul;

	if (lr->nul >= lr->start)
		return;
	nul = memchr(lr->buf + lr->start, '\0', lr->end - lr->start);
	lr->nul = nul != NULL ? (size_t)(nul - lr->buf) : lr->end;
}

ssize_t
lr_next(struct line_reader *lr, char **line)
{
	char *s, *nl;
	size_t len;

	for (;;) {
		nl = memchr(lr->buf + lr->scanned, '\n',
		    lr->end - lr->scanned);
		if (nl != NULL)
			break;
		lr->scanned = lr->end;
		/* One byte more for a CR, which is no part of the line. */
		if (lr->max_line > 0 && lr->end - lr->start > lr->max_line + 1)
			die_data(lr->name, lr->lineno + 1, "line longer than "
			    "%zu bytes", lr->max_line);
		if (lr->eof || !fill(lr)) {
			lr->eof = 1;
			if (lr->start == lr->end)
				return -1;
			nl = lr->buf + lr->end;
			break;
		}
	}
	s = lr->buf + lr->start;
	len = (size_t)(nl - s);
	lr->lineno++;
	if (lr->max_line > 0 && len > lr->max_line &&
	    (len > lr->max_line + 1 || s[len - 1] != '\r'))
		die_data(lr->name, lr->lineno, "line longer than %zu bytes",
		    lr->max_line);
	lr->line_nul = lr->nul < lr->start + len;
	if (lr->line_nul && !lr->allow_nul)
		die_data(lr->name, lr->lineno, "NUL byte in line");
	lr->start += len + (nl < lr->buf + lr->end);
	lr->scanned = lr->start;
	next_nul(lr);
	if (len > 0 && s[len - 1] == '\r')
		len--;
	s[len] = '\0';
	*line = s;
	return (ssize_t)len;
}

void
lr_close(struct line_reader *lr)
{
	if (lr->fd != STDIN_FILENO && lr->buf != NULL)
		close(lr->fd);
	free(lr->buf);
	lr->buf = NULL;
	lr->fd = -1;
}
