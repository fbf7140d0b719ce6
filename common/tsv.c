/* Reading and writing the normalised TSV contract. */
#include <stdio.h>
#include <string.h>

#include "bytes.h"
#include "err.h"
#include "num.h"
#include "quote.h"
#include "tsv.h"

size_t
tsv_split(char *line, size_t len, char *fields[], size_t lens[], size_t max)
{
	char *p = line, *end = line + len, *tab;
	size_t n = 0;

	for (;;) {
		tab = memchr(p, '\t', (size_t)(end - p));
		if (n < max) {
			fields[n] = p;
			lens[n] = (size_t)((tab ? tab : end) - p);
		}
		n++;
		if (tab == NULL)
			return n;
		p = tab + 1;
	}
}

int
tsv_unescape(char *s, size_t *len)
{
	char *r = memchr(s, '\\', *len), *w, *end = s + *len;

	if (r == NULL)
		return 0;
	for (w = r; r < end; r++) {
		if (*r != '\\') {
			*w++ = *r;
			continue;
		}
		if (++r == end)
			return -1;
		switch (*r) {
		case 't':  *w++ = '\t'; break;
		case 'n':  *w++ = '\n'; break;
		case 'r':  *w++ = '\r'; break;
		case '\\': *w++ = '\\'; break;
		default:   return -1;
		}
	}
	*len = (size_t)(w - s);
	return 0;
}

void
tsv_put_escaped(FILE *fp, const char *s, size_t len)
{
	const char *end = s + len, *run = s;

	for (; s < end; s++) {
		char esc;

		switch (*s) {
		case '\t': esc = 't'; break;
		case '\n': esc = 'n'; break;
		case '\r': esc = 'r'; break;
		case '\\': esc = '\\'; break;
		default:   continue;
		}
		fwrite(run, 1, (size_t)(s - run), fp);
		putc('\\', fp);
		putc(esc, fp);
		run = s + 1;
	}
	fwrite(run, 1, (size_t)(end - run), fp);
}

/* A UTF-8 byte order mark: quote() would show it as it is, invisibly. */
#define BOM	"\xef\xbb\xbf"

int
tsv_parse_slow(char *line, size_t len, struct tsv_record *rec,
    char err[TSV_ERRSZ])
{
	char *f[TSV_NFIELDS];
	size_t fl[TSV_NFIELDS], n;

	n = tsv_split(line, len, f, fl, TSV_NFIELDS);
	if (n != TSV_NFIELDS) {
		snprintf(err, TSV_ERRSZ, "expected %d fields, found %zu",
		    TSV_NFIELDS, n);
		return -1;
	}
	if (fl[0] >= 3 && memcmp(f[0], BOM, 3) == 0) {
		snprintf(err, TSV_ERRSZ, "bad period \"\\xef\\xbb\\xbf%s "
		    "(a UTF-8 byte order mark)", quote(f[0] + 3, fl[0] - 3) + 1);
		return -1;
	}
	if (period_parse(f[0], fl[0], &rec->period) != 0) {
		snprintf(err, TSV_ERRSZ, "bad period %s", quote(f[0], fl[0]));
		return -1;
	}
	if (parse_uint(f[1], fl[1], PED_INT_MAX, &rec->sensor_id) != 0) {
		snprintf(err, TSV_ERRSZ, "bad sensor_id %s",
		    quote(f[1], fl[1]));
		return -1;
	}
	if (memchr(f[2], '\0', fl[2]) != NULL) {
		snprintf(err, TSV_ERRSZ, "NUL byte in sensor_name %s",
		    quote(f[2], fl[2]));
		return -1;
	}
	if (tsv_unescape(f[2], &fl[2]) != 0) {
		snprintf(err, TSV_ERRSZ, "bad escape in sensor_name");
		return -1;
	}
	if (parse_uint(f[3], fl[3], PED_INT_MAX, &rec->count) != 0) {
		snprintf(err, TSV_ERRSZ, "bad count %s", quote(f[3], fl[3]));
		return -1;
	}
	rec->period_text = f[0];
	rec->period_len = fl[0];
	rec->name = f[2];
	rec->name_len = fl[2];
	rec->period_same = 0;
	return 0;
}

/*
 * Digits only, 1 to 18 of them (below PED_INT_MAX without a check);
 * stops at the first non-digit and returns where, or NULL.
 */
static const char *
fast_uint(const char *s, const char *end, uint64_t *out)
{
	const char *p = s;
	uint64_t v = 0;
	unsigned d;

	while (p < end && (d = (unsigned char)*p - '0') <= 9) {
		v = v * 10 + d;
		p++;
	}
	if (p == s || p - s > 18)
		return NULL;
	*out = v;
	return p;
}

/*
 * The first tab or backslash in [p, end), eight bytes at a time, or
 * NULL: a name's end, and whether it needs unescaping, in one pass.
 */
static char *
tab_or_backslash(char *p, char *end)
{
	const uint64_t ones = 0x0101010101010101ull, highs = ones << 7;
	uint64_t w, t, b, m;

	for (; end - p >= 8; p += 8) {
		memcpy(&w, p, 8);
		t = w ^ (ones * '\t');
		b = w ^ (ones * '\\');
		/* The lowest flagged byte is exact (a borrow only runs up). */
		if ((m = (((t - ones) & ~t) | ((b - ones) & ~b)) & highs) != 0)
			return p + __builtin_ctzll(m) / 8;
	}
	for (; p < end; p++)
		if (*p == '\t' || *p == '\\')
			return p;
	return NULL;
}

/*
 * The common case in one pass: a period like the last one, plain digits,
 * a name without NUL. Anything else goes to tsv_parse_slow(), which
 * finds the same record or the first reason in the documented order.
 */
int
tsv_parse(struct tsv_parser *tp, char *line, size_t len, int has_nul,
    struct tsv_record *rec, char err[TSV_ERRSZ])
{
	char *end = line + len, *p, *name, *tab;
	size_t plen, nlen;
	const char *q;
	int escaped;

	if (has_nul)
		goto slow;
	plen = tp->plen;
	if (plen > 0 && plen < len && line[plen] == '\t' &&
	    same_bytes(line, tp->ptext, plen)) {
		rec->period_same = 1;
	} else {
		if ((tab = memchr(line, '\t', len)) == NULL)
			goto slow;
		plen = (size_t)(tab - line);
		if (plen >= PERIOD_BUFSZ ||
		    period_parse(line, plen, &tp->p) != 0) {
			tp->plen = 0;
			goto slow;
		}
		memcpy(tp->ptext, line, plen);
		tp->plen = plen;
		rec->period_same = 0;
	}
	p = line + plen + 1;
	if ((q = fast_uint(p, end, &rec->sensor_id)) == NULL || q == end ||
	    *q != '\t')
		goto slow;
	name = (char *)q + 1;
	if ((tab = tab_or_backslash(name, end)) == NULL)
		goto slow;
	escaped = *tab == '\\';
	if (escaped && (tab = memchr(tab, '\t', (size_t)(end - tab))) == NULL)
		goto slow;
	if ((q = fast_uint(tab + 1, end, &rec->count)) != end)
		goto slow;
	nlen = (size_t)(tab - name);
	if (escaped && tsv_unescape(name, &nlen) != 0) {
		/* Every other field is fine: this is the first reason. */
		snprintf(err, TSV_ERRSZ, "bad escape in sensor_name");
		return -1;
	}
	rec->period = tp->p;
	rec->period_text = line;
	rec->period_len = plen;
	rec->name = name;
	rec->name_len = nlen;
	return 0;
slow:
	if (tsv_parse_slow(line, len, rec, err) != 0)
		return -1;
	return 0;
}

void
tsv_read(const char *path, tsv_record_fn *fn, void *arg)
{
	struct line_reader lr;
	struct tsv_parser tp;
	struct tsv_record rec;
	char *line, err[TSV_ERRSZ];
	ssize_t len;

	memset(&tp, 0, sizeof(tp));
	lr_open(&lr, path);
	lr.max_line = TSV_MAX_LINE;
	lr.allow_nul = 1;
	while ((len = lr_next(&lr, &line)) >= 0) {
		if ((size_t)len == sizeof(TSV_HEADER) - 1 &&
		    memcmp(line, TSV_HEADER, (size_t)len) == 0)
			continue;
		if (tsv_parse(&tp, line, (size_t)len, lr.line_nul, &rec,
		    err) != 0)
			die_data(lr.name, lr.lineno, "%s", err);
		fn(&rec, &lr, arg);
	}
	lr_close(&lr);
}

void
tsv_read_args(int argc, char *argv[], tsv_record_fn *fn, void *arg)
{
	if (argc == 0)
		tsv_read("-", fn, arg);
	for (; argc > 0; argc--, argv++)
		tsv_read(*argv, fn, arg);
}
