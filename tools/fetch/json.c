/*
 * The objects of a SODA or Opendatasoft JSON export, one at a time.
 *
 * A whole export can be hundreds of megabytes, so it is never parsed as
 * one document: a small scanner finds each top-level {...} (honouring
 * strings and escapes), and only that object goes to cJSON. Memory is
 * bounded by the largest object. Accepted: an array of objects, or a
 * stream of objects (JSON lines).
 *
 * cJSON reads numbers through a double (9007199254740993 would become
 * ...992) and ends strings at a \u0000, so the object's text is first
 * rewritten: every number becomes a string of its own digits (callers
 * parse it exactly), and \u0000 becomes the bytes C0 80, which no
 * valid UTF-8 holds (the row check rejects it). An object with a
 * repeated key is an error: which value is meant is unknowable.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fetch.h"
#include "quote.h"
#include "xalloc.h"

#define JSON_CHUNK	65536
/* A record is a few hundred bytes: this is not one. */
#define JSON_MAX_OBJECT	(16u << 20)

enum jstate {
	J_START,	/* before '[' or the first '{' */
	J_ELEM,		/* in the array, before an element */
	J_AFTER,	/* in the array, after an element: ',' or ']' */
	J_STREAM,	/* between the objects of a stream */
	J_END,		/* after ']': only white space */
	J_ERROR
};

struct json_reader {
	csv_read_fn	*rd;
	void		*ctx;
	char		*buf;		/* input chunk */
	size_t		 pos, len;
	int		 eof;
	char		*obj;		/* the object collected */
	size_t		 objlen, objcap;
	char		*text;		/* obj rewritten for cJSON */
	size_t		 textcap;
	enum jstate	 state;
	unsigned long	 line;		/* line of buf[pos] */
	unsigned long	 objline;
	char		 err[160];
};

struct json_reader *
json_reader_new(csv_read_fn *rd, void *ctx)
{
	struct json_reader *j = xcalloc(1, sizeof(*j));

	j->rd = rd;
	j->ctx = ctx;
	j->buf = xmalloc(JSON_CHUNK);
	j->line = 1;
	return j;
}

void
json_reader_free(struct json_reader *j)
{
	if (j == NULL)
		return;
	free(j->buf);
	free(j->obj);
	free(j->text);
	free(j);
}

unsigned long
json_reader_line(const struct json_reader *j)
{
	return j->objline;
}

const char *
json_reader_error(const struct json_reader *j)
{
	return j->err;
}

static int
fail(struct json_reader *j, const char *msg)
{
	snprintf(j->err, sizeof(j->err), "%s", msg);
	j->objline = j->line;
	j->state = J_ERROR;
	return -1;
}

/* Makes buf[pos] available; 0 at the end of input. */
static int
fill(struct json_reader *j)
{
	if (j->pos < j->len)
		return 1;
	if (j->eof)
		return 0;
	j->pos = 0;
	j->len = j->rd(j->ctx, j->buf, JSON_CHUNK);
	if (j->len == 0)
		j->eof = 1;
	return j->len > 0;
}

/* Makes n bytes from buf[pos] available if the input has them. */
static void
fill_n(struct json_reader *j, size_t n)
{
	size_t r;

	if (j->len - j->pos >= n || j->eof)
		return;
	memmove(j->buf, j->buf + j->pos, j->len - j->pos);
	j->len -= j->pos;
	j->pos = 0;
	while (j->len < n && !j->eof) {
		r = j->rd(j->ctx, j->buf + j->len, JSON_CHUNK - j->len);
		if (r == 0)
			j->eof = 1;
		j->len += r;
	}
}

/* The next byte that is not white space (not consumed), or -1 at end. */
static int
peek_token(struct json_reader *j)
{
	static const char bom[] = "\xef\xbb\xbf";

	while (fill(j)) {
		char ch = j->buf[j->pos];

		if (ch == '\n')
			j->line++;
		else if (ch != ' ' && ch != '\t' && ch != '\r') {
			/* A BOM may open the document (in any reads). */
			if (j->state == J_START && ch == bom[0])
				fill_n(j, 3);
			if (j->state == J_START && ch == bom[0] &&
			    j->len - j->pos >= 3 &&
			    memcmp(j->buf + j->pos, bom, 3) == 0) {
				j->pos += 3;
				continue;
			}
			return (unsigned char)ch;
		}
		j->pos++;
	}
	return -1;
}

static void
append(struct json_reader *j, const char *s, size_t n)
{
	if (j->objlen + n > j->objcap) {
		while (j->objlen + n > j->objcap)
			j->objcap = j->objcap ? j->objcap * 2 : 4096;
		j->obj = xreallocarray(j->obj, j->objcap, 1);
	}
	memcpy(j->obj + j->objlen, s, n);
	j->objlen += n;
}

/* Copies one balanced {...} from buf[pos] (a '{') into obj. */
static int
collect(struct json_reader *j)
{
	int depth = 0, instr = 0, esc = 0;

	j->objlen = 0;
	j->objline = j->line;
	while (fill(j)) {
		size_t start = j->pos;

		for (; j->pos < j->len; j->pos++) {
			char ch = j->buf[j->pos];

			if (ch == '\n')
				j->line++;
			if (instr) {
				if (esc)
					esc = 0;
				else if (ch == '\\')
					esc = 1;
				else if (ch == '"')
					instr = 0;
			} else if (ch == '"')
				instr = 1;
			else if (ch == '{' || ch == '[')
				depth++;
			else if ((ch == '}' || ch == ']') && --depth == 0) {
				j->pos++;
				append(j, j->buf + start, j->pos - start);
				return 0;
			}
		}
		append(j, j->buf + start, j->pos - start);
		if (j->objlen > JSON_MAX_OBJECT)
			return fail(j, "object larger than 16 MiB");
	}
	j->line = j->objline;
	return fail(j, "unterminated object");
}

/* The length of the JSON number at s[0..n), or 0 when there is none. */
static size_t
number_len(const char *s, size_t n)
{
	size_t i = 0, d;

	if (i < n && s[i] == '-')
		i++;
	if (i < n && s[i] == '0')
		i++;
	else if (i < n && s[i] >= '1' && s[i] <= '9')
		while (i < n && s[i] >= '0' && s[i] <= '9')
			i++;
	else
		return 0;
	if (i < n && s[i] == '.') {
		for (d = ++i; i < n && s[i] >= '0' && s[i] <= '9'; i++)
			continue;
		if (i == d)
			return 0;
	}
	if (i < n && (s[i] == 'e' || s[i] == 'E')) {
		i++;
		if (i < n && (s[i] == '+' || s[i] == '-'))
			i++;
		for (d = i; i < n && s[i] >= '0' && s[i] <= '9'; i++)
			continue;
		if (i == d)
			return 0;
	}
	return i;
}

/*
 * Rewrites obj[0..objlen) into text for cJSON: numbers quoted, \u0000
 * as C0 80 (see the top). Anything malformed is copied as it is, for
 * cJSON to reject, but for numbers cJSON is lax about ("1.", "01",
 * "1e"). Returns the length, or (size_t)-1 for such a number.
 */
static size_t
rewrite(struct json_reader *j)
{
	const char *s = j->obj;
	size_t n = j->objlen, i = 0, o = 0, k;
	int instr = 0;

	/* At most two quotes per byte ("0" for each 0 of 000) are added. */
	if (j->textcap < 3 * n + 1) {
		j->textcap = 3 * n + 1;
		j->text = xreallocarray(j->text, j->textcap, 1);
	}
	while (i < n) {
		char ch = s[i];

		if (instr) {
			if (ch == '\\' && i + 5 < n &&
			    memcmp(s + i + 1, "u0000", 5) == 0) {
				j->text[o++] = (char)0xc0;
				j->text[o++] = (char)0x80;
				i += 6;
				continue;
			}
			if (ch == '\\' && i + 1 < n) {
				j->text[o++] = s[i++];
			} else if (ch == '"')
				instr = 0;
			j->text[o++] = s[i++];
			continue;
		}
		if (ch == '"')
			instr = 1;
		else if (ch == '-' || (ch >= '0' && ch <= '9')) {
			/* cJSON would take "1." or "01": not JSON. */
			k = number_len(s + i, n - i);
			if (k == 0 || (i + k < n && strchr("0123456789+-.eE",
			    s[i + k]) != NULL && s[i + k] != '\0'))
				return (size_t)-1;
			j->text[o++] = '"';
			memcpy(j->text + o, s + i, k);
			o += k;
			j->text[o++] = '"';
			i += k;
			continue;
		}
		j->text[o++] = s[i++];
	}
	return o;
}

/* A key that appears twice in obj; NULL when there is none. */
static const char *
repeated_key(const cJSON *obj)
{
	const cJSON *a, *b;

	for (a = obj->child; a != NULL; a = a->next)
		for (b = a->next; b != NULL; b = b->next)
			if (strcmp(a->string, b->string) == 0)
				return a->string;
	return NULL;
}

static int
parse_object(struct json_reader *j, cJSON **obj)
{
	unsigned long line = j->line;
	const char *key;
	size_t len;

	if (collect(j) != 0)
		return -1;
	len = rewrite(j);
	*obj = len == (size_t)-1 ? NULL :
	    cJSON_ParseWithLength(j->text, len);
	if (*obj == NULL || !cJSON_IsObject(*obj)) {
		cJSON_Delete(*obj);
		*obj = NULL;
		j->line = line;
		return fail(j, "bad JSON object");
	}
	if ((key = repeated_key(*obj)) != NULL) {
		snprintf(j->err, sizeof(j->err), "the key %s appears twice in "
		    "an object", quote_str(key));
		cJSON_Delete(*obj);
		*obj = NULL;
		j->objline = line;
		j->state = J_ERROR;
		return -1;
	}
	return 1;
}

/* Moves through the punctuation around objects to the next one. */
static int
next_object(struct json_reader *j, cJSON **obj)
{
	int ch;

	for (;;) {
		ch = peek_token(j);
		switch (j->state) {
		case J_START:
			if (ch == '[') {
				j->pos++;
				j->state = J_ELEM;
				if (peek_token(j) == ']') {
					j->pos++;
					j->state = J_END;
				}
				continue;
			}
			j->state = J_STREAM;
			/* FALLTHROUGH */
		case J_STREAM:
			if (ch == -1)
				return 0;
			if (ch != '{')
				return fail(j, "expected an object");
			return parse_object(j, obj);
		case J_ELEM:
			if (ch != '{')
				return fail(j, ch == -1 ? "unterminated array" :
				    "expected an object");
			j->state = J_AFTER;
			return parse_object(j, obj);
		case J_AFTER:
			if (ch == ',')
				j->state = J_ELEM;
			else if (ch == ']')
				j->state = J_END;
			else
				return fail(j, ch == -1 ? "unterminated array" :
				    "expected ',' or ']'");
			j->pos++;
			continue;
		case J_END:
			if (ch == -1)
				return 0;
			return fail(j, "text after the array");
		case J_ERROR:
			return -1;
		}
	}
}

int
json_reader_next(struct json_reader *j, cJSON **obj)
{
	*obj = NULL;
	return next_object(j, obj);
}
