/* Reading and writing the normalised TSV contract. */
#include <string.h>

#include "err.h"
#include "num.h"
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

static void
parse_line(char *line, size_t len, const struct line_reader *lr,
    struct tsv_record *rec)
{
	char *f[TSV_NFIELDS];
	size_t fl[TSV_NFIELDS], n;

	n = tsv_split(line, len, f, fl, TSV_NFIELDS);
	if (n != TSV_NFIELDS)
		die_data(lr->name, lr->lineno, "expected %d fields, found %zu",
		    TSV_NFIELDS, n);
	if (period_parse(f[0], fl[0], &rec->period) != 0)
		die_data(lr->name, lr->lineno, "bad period \"%.*s\"",
		    (int)fl[0], f[0]);
	if (parse_uint(f[1], fl[1], PED_INT_MAX, &rec->sensor_id) != 0)
		die_data(lr->name, lr->lineno, "bad sensor_id \"%.*s\"",
		    (int)fl[1], f[1]);
	if (tsv_unescape(f[2], &fl[2]) != 0)
		die_data(lr->name, lr->lineno, "bad escape in sensor_name");
	if (parse_uint(f[3], fl[3], PED_INT_MAX, &rec->count) != 0)
		die_data(lr->name, lr->lineno, "bad count \"%.*s\"",
		    (int)fl[3], f[3]);
	rec->period_text = f[0];
	rec->period_len = fl[0];
	rec->name = f[2];
	rec->name_len = fl[2];
}

void
tsv_read(const char *path, tsv_record_fn *fn, void *arg)
{
	struct line_reader lr;
	struct tsv_record rec;
	char *line;
	ssize_t len;

	lr_open(&lr, path);
	while ((len = lr_next(&lr, &line)) >= 0) {
		if ((size_t)len == sizeof(TSV_HEADER) - 1 &&
		    memcmp(line, TSV_HEADER, (size_t)len) == 0)
			continue;
		parse_line(line, (size_t)len, &lr, &rec);
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
