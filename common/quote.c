/* One place that turns untrusted bytes into a safe, bounded message part. */
#include <stdint.h>
#include <string.h>

#include "quote.h"
#include "utf8.h"

/* Worst case: every byte as \xNN, two quotes, "...", NUL. */
#define QUOTE_BUFSZ	(QUOTE_MAX * 4 + 2 + 3 + 1)

static _Thread_local char slots[QUOTE_SLOTS][QUOTE_BUFSZ];
static _Thread_local unsigned next_slot;

static char *
put_hex(char *o, unsigned char c)
{
	static const char hex[] = "0123456789abcdef";

	*o++ = '\\';
	*o++ = 'x';
	*o++ = hex[c >> 4];
	*o++ = hex[c & 0xf];
	return o;
}

/*
 * Invisible code points that change how a line reads: the byte order
 * mark, zero-width characters, bidirectional marks, embeddings,
 * overrides and isolates (the "Trojan Source" set), line and paragraph
 * separators. p is a valid 3-byte sequence.
 */
static int
is_invisible(const unsigned char *p)
{
	uint32_t cp = (uint32_t)(p[0] & 0x0f) << 12 |
	    (uint32_t)(p[1] & 0x3f) << 6 | (p[2] & 0x3f);

	return cp == 0xfeff || cp == 0x061c || (cp >= 0x200b && cp <= 0x200f) ||
	    (cp >= 0x2028 && cp <= 0x202e) || (cp >= 0x2060 && cp <= 0x2069);
}

static char *
put_byte(char *o, unsigned char c)
{
	switch (c) {
	case '"':	*o++ = '\\'; *o++ = '"'; return o;
	case '\\':	*o++ = '\\'; *o++ = '\\'; return o;
	case '\0':	*o++ = '\\'; *o++ = '0'; return o;
	case '\t':	*o++ = '\\'; *o++ = 't'; return o;
	case '\n':	*o++ = '\\'; *o++ = 'n'; return o;
	case '\r':	*o++ = '\\'; *o++ = 'r'; return o;
	}
	if (c < 0x20 || c == 0x7f)
		return put_hex(o, c);
	*o++ = (char)c;
	return o;
}

const char *
quote(const void *s, size_t len)
{
	const unsigned char *p = s;
	char *buf = slots[next_slot++ % QUOTE_SLOTS], *o = buf;
	size_t i = 0, n, k;
	uint32_t cp;

	*o++ = '"';
	while (i < len) {
		n = utf8_decode(p + i, len - i, &cp);
		if (i + (n ? n : 1) > QUOTE_MAX)
			break;
		if (n <= 1)
			o = n ? put_byte(o, p[i]) : put_hex(o, p[i]);
		else if ((n == 2 && p[i] == 0xc2 && p[i + 1] < 0xa0) ||
		    (n == 3 && is_invisible(p + i)))
			/* C1 controls (CSI and kin), invisible format marks */
			for (k = 0; k < n; k++)
				o = put_hex(o, p[i + k]);
		else {
			memcpy(o, p + i, n);
			o += n;
		}
		i += n ? n : 1;
	}
	*o++ = '"';
	if (i < len) {
		memcpy(o, "...", 3);
		o += 3;
	}
	*o = '\0';
	return buf;
}

const char *
quote_str(const char *s)
{
	return s == NULL ? "(null)" : quote(s, strlen(s));
}
