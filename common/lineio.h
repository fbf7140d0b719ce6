/* Line reading with no length limit, tracking the name and line number. */
#ifndef PED_LINEIO_H
#define PED_LINEIO_H

#include <stdio.h>
#include <sys/types.h>

struct line_reader {
	FILE		*fp;
	const char	*name;		/* path, or "<stdin>", for messages */
	char		*buf;
	size_t		 cap;
	unsigned long	 lineno;
};

/* Opens path ("-" is stdin); an unreadable file is fatal (exit 1). */
void	 lr_open(struct line_reader *lr, const char *path);
/*
 * Returns the next line's length with the LF (and a CR before it)
 * removed, or -1 at end of input; *line points into the reader's buffer.
 * A read error is fatal; a NUL byte is bad data (exit 65).
 */
ssize_t	 lr_next(struct line_reader *lr, char **line);
void	 lr_close(struct line_reader *lr);

#endif
