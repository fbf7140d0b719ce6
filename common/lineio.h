/* Line reading with large reads, tracking the name and line number. */
#ifndef PED_LINEIO_H
#define PED_LINEIO_H

#include <stddef.h>
#include <sys/types.h>

struct line_reader {
	int		 fd;
	const char	*name;		/* path, or "<stdin>", for messages */
	char		*buf;
	size_t		 cap;
	size_t		 start, end;	/* unread bytes: buf[start..end) */
	size_t		 scanned;	/* buf[start..scanned) holds no LF */
	size_t		 nul;		/* first NUL at or after start, or end */
	unsigned long	 lineno;
	size_t		 max_line;	/* 0: no limit */
	int		 allow_nul;	/* leave NUL bytes to the caller */
	int		 line_nul;	/* the last line holds a NUL byte */
	int		 eof;
};

/* Opens path ("-" is stdin); an unreadable file is fatal (exit 1). */
void	 lr_open(struct line_reader *lr, const char *path);
/*
 * Returns the next line's length with the LF (and a CR before it)
 * removed, or -1 at end of input; *line points into the reader's buffer
 * and is NUL-terminated. A read error is fatal (exit 1). A NUL byte is
 * bad data (exit 65) unless allow_nul is set, when line_nul tells.
 * A line longer than max_line bytes (when set) is bad data.
 */
ssize_t	 lr_next(struct line_reader *lr, char **line);
void	 lr_close(struct line_reader *lr);

#endif
