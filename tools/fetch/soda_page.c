/*
 * What the SODA pager reads in a page body, without libcurl (so a
 * fuzz target can reach it): its rows, their row ids, the count of a
 * $select=count(*) reply and the message of a JSON error object.
 */
#include <ctype.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <cjson/cJSON.h>

#include "num.h"
#include "soda.h"
#include "xalloc.h"

long long
soda_json_rows(const char *b, size_t n, size_t *from, size_t *to)
{
	size_t i = 0;
	long long rows = 0;
	int depth = 0, str = 0, esc = 0;

	while (i < n && isspace((unsigned char)b[i]))
		i++;
	if (i == n || b[i] != '[')
		return -1;
	*from = i + 1;
	for (; i < n; i++) {
		if (str) {
			if (esc)
				esc = 0;
			else if (b[i] == '\\')
				esc = 1;
			else if (b[i] == '"')
				str = 0;
		} else if (b[i] == '"')
			str = 1;
		else if (b[i] == '{' || b[i] == '[') {
			rows += depth == 1 && b[i] == '{';
			depth++;
		} else if ((b[i] == '}' || b[i] == ']') && --depth == 0)
			break;
	}
	if (i == n)
		return -1;
	for (*to = i++; i < n; i++)
		if (!isspace((unsigned char)b[i]))
			return -1;
	while (*from < *to && isspace((unsigned char)b[*from]))
		(*from)++;
	while (*to > *from && isspace((unsigned char)b[*to - 1]))
		(*to)--;
	return rows;
}

long long
soda_csv_rows(const char *b, size_t n, size_t *body)
{
	size_t i;
	long long recs = 0;
	int quoted = 0, any = 0;

	*body = n;
	for (i = 0; i < n; i++) {
		if (b[i] == '"')
			quoted = !quoted;
		if (quoted || (b[i] != '\n' && b[i] != '\r')) {
			any = 1;
			continue;
		}
		if (any && recs++ == 0)
			*body = i + 1 + (b[i] == '\r' && i + 1 < n &&
			    b[i + 1] == '\n');
		any = 0;
	}
	recs += any;
	if (quoted || recs == 0)
		return -1;
	return recs - 1;
}

/* The value of a JSON string or number at b[*i]; advances *i past it. */
static int
json_scalar(const char *b, size_t n, size_t *i, const char **v, size_t *vlen)
{
	size_t k = *i;

	if (k < n && b[k] == '"') {
		*v = b + ++k;
		while (k < n && b[k] != '"')
			k += b[k] == '\\' ? 2 : 1;
		if (k >= n)
			return -1;
		*vlen = (size_t)(b + k - *v);
		*i = k + 1;
		return 0;
	}
	*v = b + k;
	while (k < n && (isdigit((unsigned char)b[k]) || b[k] == '-' ||
	    b[k] == '+' || b[k] == '.' || b[k] == 'e' || b[k] == 'E'))
		k++;
	*vlen = (size_t)(b + k - *v);
	*i = k;
	return 0;
}

/*
 * JSON: the value of key "id" in each object of the array, found by a
 * scan that knows strings and nesting; a key is a string at depth 2
 * after '{' or ','.
 */
static int
json_ids(const char *b, size_t n, soda_id_fn *fn, void *arg)
{
	size_t i, ks = 0;
	int depth = 0, key = 0, rc;
	const char *v;
	size_t vlen;

	for (i = 0; i < n; i++) {
		char c = b[i];

		if (c == '"') {
			size_t s = i + 1;

			for (i = s; i < n && b[i] != '"'; i++)
				i += b[i] == '\\';
			if (i >= n)
				return 0;
			if (depth != 2 || !key)
				continue;
			key = 0;
			ks = s;
			if (i - ks != 2 || memcmp(b + ks, "id", 2) != 0)
				continue;
			for (i++; i < n && (isspace((unsigned char)b[i]) ||
			    b[i] == ':'); i++)
				;
			if (json_scalar(b, n, &i, &v, &vlen) != 0)
				return 0;
			if ((rc = fn(arg, v, vlen)) != 0)
				return rc;
			i--;
		} else if (c == '{' || c == '[') {
			depth++;
			key = depth == 2 && c == '{';
		} else if (c == '}' || c == ']')
			depth--;
		else if (c == ',')
			key = depth == 2;
	}
	return 0;
}

/* CSV: the field of the header's "id" column, in every record. */
static int
csv_ids(const char *b, size_t n, soda_id_fn *fn, void *arg)
{
	size_t i = 0, start, col = 0, idcol = SIZE_MAX, rec = 0;
	int quoted, rc;

	while (i <= n) {
		/* One field: b[start..i), quotes included. */
		start = i;
		quoted = 0;
		while (i < n && (quoted || (b[i] != ',' && b[i] != '\n' &&
		    b[i] != '\r'))) {
			if (b[i] == '"')
				quoted = !quoted;
			i++;
		}
		{
			const char *f = b + start;
			size_t flen = i - start;

			if (flen >= 2 && f[0] == '"' && f[flen - 1] == '"') {
				f++;
				flen -= 2;
			}
			if (rec == 0 && flen == 2 &&
			    strncasecmp(f, "id", 2) == 0 && idcol == SIZE_MAX)
				idcol = col;
			else if (rec > 0 && col == idcol &&
			    (rc = fn(arg, f, flen)) != 0)
				return rc;
		}
		if (i >= n)
			break;
		if (b[i] == ',') {
			col++;
			i++;
			continue;
		}
		/* A line end: \n, \r or \r\n; blank lines are no record. */
		i += b[i] == '\r' && i + 1 < n && b[i + 1] == '\n' ? 2 : 1;
		if (rec == 0 && idcol == SIZE_MAX)
			return 0;
		rec++;
		col = 0;
		while (i < n && (b[i] == '\n' || b[i] == '\r'))
			i++;
		if (i == n)
			break;
	}
	return 0;
}

int
soda_page_ids(int json, const char *b, size_t n, soda_id_fn *fn, void *arg)
{
	return json ? json_ids(b, n, fn, arg) : csv_ids(b, n, fn, arg);
}

char *
soda_error_message(const char *b, size_t n)
{
	cJSON *o, *e, *m;
	char *msg = NULL;
	size_t i = 0;

	while (i < n && isspace((unsigned char)b[i]))
		i++;
	if (i == n || b[i] != '{' ||
	    (o = cJSON_ParseWithLength(b + i, n - i)) == NULL)
		return NULL;
	e = cJSON_GetObjectItemCaseSensitive(o, "error");
	m = cJSON_GetObjectItemCaseSensitive(o, "message");
	if (cJSON_IsString(m) && (cJSON_IsTrue(e) || cJSON_IsString(e)))
		msg = xstrdup(m->valuestring);
	else if (cJSON_IsString(e))
		msg = xstrdup(e->valuestring);
	else if (e != NULL || m != NULL)
		msg = xstrdup(cJSON_IsString(m) ? m->valuestring : "");
	cJSON_Delete(o);
	return msg;
}

int
soda_parse_count(int json, char *buf, size_t len, uint64_t *count)
{
	const char *b, *e;
	uint64_t v;

	if (len == 0)
		return -1;
	buf[len] = '\0';	/* the caller kept room */
	b = buf + strspn(buf, " \t\r\n");
	if (json) {
		if (strncmp(b, "[", 1) != 0 ||
		    (b = strstr(b, "\"count")) == NULL ||
		    (b = strchr(b + 1, '"')) == NULL)
			return -1;
		b += strspn(b + 1, " \t\r\n") + 1;
		if (*b++ != ':')
			return -1;
	} else {
		b += *b == '"';
		if (strncmp(b, "count", 5) != 0)
			return -1;
		b += strcspn(b, "\n");
	}
	b += strspn(b, " \t\r\n");
	b += *b == '"';
	e = b + strspn(b, "0123456789");
	if (parse_uint(b, (size_t)(e - b), PED_INT_MAX, &v) != 0)
		return -1;
	e += *e == '"';
	if (!json && e[strspn(e, "\r\n")] != '\0')
		return -1;
	*count = v;
	return 0;
}
