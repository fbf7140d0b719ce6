/*
 * Quoting untrusted bytes (a bad field, a server's message, a file name)
 * for a message on a terminal: bounded, control bytes and invalid UTF-8
 * escaped, so data can never move the cursor or forge a line.
 */
#ifndef PED_QUOTE_H
#define PED_QUOTE_H

#include <stddef.h>

/* At most this many bytes of the data appear in a message. */
#define QUOTE_MAX	64

/*
 * Returns s[0..len) in double quotes: at most QUOTE_MAX bytes (never
 * half a UTF-8 character), then "..." after the closing quote when cut.
 * '"' and '\' are written \" and \\; \0 \t \n \r for those bytes; every
 * other C0 control, DEL, C1 control (U+0080..U+009F), invisible format
 * mark (byte order mark, zero-width and bidirectional controls) and byte
 * of invalid UTF-8 as \xNN. The result is one of QUOTE_SLOTS buffers per thread,
 * reused in turn, so up to that many may appear in one message.
 */
const char	*quote(const void *s, size_t len);
/* quote() of a NUL-terminated string; NULL gives "(null)". */
const char	*quote_str(const char *s);

#define QUOTE_SLOTS	4

#endif
