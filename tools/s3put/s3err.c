/*
 * S3's XML replies: error documents (<Code>, <Message>), the upload id
 * of CreateMultipartUpload. The few elements needed are flat text, so a
 * search for the tag does; no general XML parser is worth linking.
 */
#include <stdio.h>
#include <string.h>

#include "s3put.h"
#include "xalloc.h"

static const struct {
	const char	*ent;
	char		 c;
} entities[] = {
	{ "&amp;", '&' }, { "&lt;", '<' }, { "&gt;", '>' },
	{ "&quot;", '"' }, { "&apos;", '\'' }
};

/* Finds needle in the first len bytes of s (memmem is not POSIX). */
static const char *
find(const char *s, size_t len, const char *needle)
{
	size_t n = strlen(needle), i;

	for (i = 0; n <= len && i <= len - n; i++)
		if (memcmp(s + i, needle, n) == 0)
			return s + i;
	return NULL;
}

static void
unescape(char *s)
{
	char *w = s;
	size_t i;

	while (*s != '\0') {
		for (i = 0; i < sizeof(entities) / sizeof(entities[0]); i++)
			if (strncmp(s, entities[i].ent,
			    strlen(entities[i].ent)) == 0)
				break;
		if (i < sizeof(entities) / sizeof(entities[0])) {
			*w++ = entities[i].c;
			s += strlen(entities[i].ent);
		} else
			*w++ = *s++;
	}
	*w = '\0';
}

char *
xml_text(const char *xml, size_t len, const char *tag)
{
	char open[64], close[64];
	const char *start, *end;
	char *text;
	int n;

	n = snprintf(open, sizeof(open), "<%s>", tag);
	if (n < 0 || (size_t)n >= sizeof(open) || xml == NULL)
		return NULL;
	snprintf(close, sizeof(close), "</%s>", tag);
	if ((start = find(xml, len, open)) == NULL)
		return NULL;
	start += n;
	end = find(start, len - (start - xml), close);
	if (end == NULL)
		return NULL;
	text = xmemdup(start, end - start);
	unescape(text);
	return text;
}
