/*
 * libFuzzer target: the normalised TSV record parser (common/tsv.c).
 * The input is a document; each line goes through tsv_parse() (fast path
 * and period cache, state kept across lines, as tsv_read() does) and
 * through tsv_parse_slow(), the plain parser: same verdict, same record
 * or the same message. A record's period formats back to its text, its
 * name escapes and unescapes back to itself, and its numbers are below
 * 2^63; a message is bounded and holds no control byte. A document
 * whose size is a multiple of 8 is also read through common/lineio.c
 * (from a memfd): the same lines, CR before LF dropped, and the same
 * verdict on NUL bytes.
 */
#define _GNU_SOURCE		/* memfd_create */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "lineio.h"
#include "num.h"
#include "period.h"
#include "tsv.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static void
check_message(const char *err)
{
	size_t i, len = strlen(err);

	/* 64 bytes of data at most 4 bytes each, and the words around. */
	if (len == 0 || len > 64 * 4 + 100)
		abort();
	for (i = 0; i < len; i++)
		if ((unsigned char)err[i] < 0x20 || err[i] == 0x7f)
			abort();
}

static void
check_record(const struct tsv_record *r, const char *line, size_t len)
{
	char pbuf[PERIOD_BUFSZ], *esc = NULL, *copy;
	size_t n, size = 0;
	FILE *fp;

	if (r->period_text != line || r->period_len > len ||
	    r->sensor_id > PED_INT_MAX || r->count > PED_INT_MAX)
		abort();
	n = period_format(&r->period, pbuf);
	if (n != r->period_len || memcmp(pbuf, r->period_text, n) != 0)
		abort();
	if (memchr(r->name, '\0', r->name_len) != NULL)
		abort();
	/* A name with nothing to escape is written as it is. */
	for (n = 0; n < r->name_len; n++)
		if (strchr("\t\n\r\\", r->name[n]) != NULL)
			break;
	if (n == r->name_len)
		return;
	if ((fp = open_memstream(&esc, &size)) == NULL)
		abort();
	tsv_put_escaped(fp, r->name, r->name_len);
	if (fclose(fp) != 0 || memchr(esc, '\t', size) != NULL ||
	    memchr(esc, '\n', size) != NULL)
		abort();
	n = size;
	if ((copy = malloc(n + 1)) == NULL)
		abort();
	memcpy(copy, esc, n);
	if (tsv_unescape(copy, &n) != 0 || n != r->name_len ||
	    memcmp(copy, r->name, n) != 0)
		abort();
	free(copy);
	free(esc);
}

static void
one_line(struct tsv_parser *tp, const uint8_t *p, size_t len)
{
	static char *a, *b;	/* reused: allocations dominate the run */
	static size_t cap;
	char ea[TSV_ERRSZ], eb[TSV_ERRSZ];
	struct tsv_record ra, rb;
	int oka, okb, nul;

	if (len + 1 > cap) {
		cap = 2 * (len + 1);
		free(a);
		free(b);
		if ((a = malloc(cap)) == NULL || (b = malloc(cap)) == NULL)
			abort();
	}
	memcpy(a, p, len);
	memcpy(b, p, len);
	a[len] = b[len] = '\0';
	nul = memchr(p, '\0', len) != NULL;
	oka = tsv_parse(tp, a, len, nul, &ra, ea) == 0;
	okb = tsv_parse_slow(b, len, &rb, eb) == 0;
	if (oka != okb)
		abort();
	if (!oka) {
		if (strcmp(ea, eb) != 0)
			abort();
		check_message(ea);
	} else {
		if (ra.sensor_id != rb.sensor_id || ra.count != rb.count ||
		    ra.period_len != rb.period_len ||
		    period_key(&ra.period) != period_key(&rb.period) ||
		    ra.name_len != rb.name_len ||
		    memcmp(ra.name, rb.name, ra.name_len) != 0)
			abort();
		check_record(&ra, a, len);
	}
}

/* lineio's lines are the document's lines split at LF, CR dropped. */
static void
check_lines(const uint8_t *data, size_t size)
{
	const uint8_t *p = data, *end = data + size, *nl;
	struct line_reader lr;
	char path[64], *line;
	ssize_t len, got;
	size_t want;
	int fd;

	if ((fd = memfd_create("fuzz_tsv", 0)) < 0)
		abort();
	if (size > 0 && write(fd, data, size) != (ssize_t)size)
		abort();
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	lr_open(&lr, path);
	lr.allow_nul = 1;
	while (p < end) {
		nl = memchr(p, '\n', (size_t)(end - p));
		want = (size_t)((nl ? nl : end) - p);
		got = lr_next(&lr, &line);
		len = (ssize_t)want;
		if (want > 0 && p[want - 1] == '\r')
			len--;
		if (got != len)
			abort();
		if (lr.line_nul != (memchr(p, '\0', want) != NULL))
			abort();
		if (memcmp(line, p, (size_t)len) != 0 || line[len] != '\0')
			abort();
		p = nl ? nl + 1 : end;
	}
	if (lr_next(&lr, &line) != -1)
		abort();
	lr_close(&lr);
	close(fd);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct tsv_parser tp;
	const uint8_t *p = data, *end = data + size, *nl;

	/* A reader costs an open and a 1 MiB buffer: one input in eight. */
	if (size % 8 == 0)
		check_lines(data, size);
	memset(&tp, 0, sizeof(tp));
	while (p < end) {
		nl = memchr(p, '\n', (size_t)(end - p));
		one_line(&tp, p, (size_t)((nl ? nl : end) - p));
		p = nl ? nl + 1 : end;
	}
	return 0;
}
