/*
 * ped-topn --bars: each period's ranking as horizontal bars for a
 * terminal or a pager. UTF-8 block characters in eighths of a column
 * when the locale is UTF-8, '#' otherwise; no escape sequences, and
 * every name shown safe (control bytes and invalid UTF-8 replaced), so
 * "| less" shows it as a terminal would.
 *
 *	2021-07
 *	 1 Flinders La-Swanston St (West) ████████████████▍ 709195
 *	 2 Princes Bridge                 ████████████▊ 540328
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "num.h"
#include "period.h"
#include "topn.h"
#include "utf8.h"

#define DEFAULT_COLUMNS	80

/* U+2588 FULL BLOCK, then U+258F..U+2589: one to seven eighths. */
static const char *const eighths[8] = {
	"\xe2\x96\x88", "\xe2\x96\x8f", "\xe2\x96\x8e", "\xe2\x96\x8d",
	"\xe2\x96\x8c", "\xe2\x96\x8b", "\xe2\x96\x8a", "\xe2\x96\x89"
};
#define ELLIPSIS	"\xe2\x80\xa6"	/* U+2026 */
#define REPLACEMENT	"\xef\xbf\xbd"	/* U+FFFD */

size_t
bars_columns(void)
{
	const char *env = getenv("COLUMNS");
	struct winsize ws;
	uint64_t v;
	int fd;

	if (env != NULL && parse_uint(env, strlen(env), 100000, &v) == 0 &&
	    v > 0)
		return (size_t)v;
	/* Piped into less, stdout is a pipe but stderr the terminal. */
	for (fd = STDOUT_FILENO; fd <= STDERR_FILENO; fd++)
		if (ioctl(fd, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0)
			return ws.ws_col;
	return DEFAULT_COLUMNS;
}

int
bars_utf8_locale(void)
{
	static const char *const vars[] = { "LC_ALL", "LC_CTYPE", "LANG" };
	const char *v, *dot;
	size_t i;

	for (i = 0; i < sizeof(vars) / sizeof(vars[0]); i++) {
		if ((v = getenv(vars[i])) == NULL || *v == '\0')
			continue;
		if ((dot = strchr(v, '.')) == NULL)
			return 0;
		dot++;
		return strncasecmp(dot, "UTF-8", 5) == 0 ||
		    strncasecmp(dot, "utf8", 4) == 0;
	}
	return 0;
}

/*
 * Display columns of a code point, for the scripts street names use:
 * 0 for combining marks and zero-width characters, 2 for East Asian wide
 * ones and emoji, 1 otherwise (no locale: the same everywhere).
 */
static int
cp_width(uint32_t cp)
{
	if ((cp >= 0x300 && cp <= 0x36f) || (cp >= 0x200b && cp <= 0x200f) ||
	    (cp >= 0x20d0 && cp <= 0x20ff) || (cp >= 0xfe00 && cp <= 0xfe0f) ||
	    cp == 0xfeff)
		return 0;
	if ((cp >= 0x1100 && cp <= 0x115f) || (cp >= 0x2e80 && cp <= 0xa4cf &&
	    cp != 0x303f) || (cp >= 0xac00 && cp <= 0xd7a3) ||
	    (cp >= 0xf900 && cp <= 0xfaff) || (cp >= 0xfe30 && cp <= 0xfe4f) ||
	    (cp >= 0xff00 && cp <= 0xff60) || (cp >= 0xffe0 && cp <= 0xffe6) ||
	    (cp >= 0x1f300 && cp <= 0x1f64f) ||
	    (cp >= 0x1f900 && cp <= 0x1faff) ||
	    (cp >= 0x20000 && cp <= 0x3fffd))
		return 2;
	return 1;
}

/*
 * Splits the name into display units: each safe character as it is (in
 * UTF-8) or '?' (in ASCII, or a control byte, or invalid UTF-8 as
 * U+FFFD). Calls put (when non-NULL) for each unit that fits in max
 * columns, and returns the columns used.
 */
static size_t
name_units(const char *s, size_t len, int utf8, size_t max, FILE *put)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0, used = 0, n;
	uint32_t cp;

	while (i < len) {
		const char *unit;
		size_t ulen;
		int w;

		n = utf8_decode(p + i, len - i, &cp);
		if (n == 0 || cp < 0x20 || (cp >= 0x7f && cp < 0xa0)) {
			unit = utf8 ? REPLACEMENT : "?";
			ulen = utf8 ? 3 : 1;
			w = 1;
			n = n ? n : 1;
		} else if (!utf8 && cp >= 0x80) {
			unit = "?";
			ulen = 1;
			w = 1;
		} else {
			unit = s + i;
			ulen = n;
			w = cp_width(cp);
		}
		if (used + (size_t)w > max)
			break;
		if (put != NULL)
			fwrite(unit, 1, ulen, put);
		used += (size_t)w;
		i += n;
	}
	return used;
}

/* The name in exactly width columns: cut with an ellipsis, or padded. */
static void
put_name(const char *s, size_t len, int utf8, size_t width)
{
	size_t full = name_units(s, len, utf8, SIZE_MAX, NULL), used;
	size_t mark = utf8 ? 1 : 3;

	if (full <= width)
		used = name_units(s, len, utf8, width, stdout);
	else if (width > mark) {
		used = name_units(s, len, utf8, width - mark, stdout);
		fputs(utf8 ? ELLIPSIS : "...", stdout);
		used += mark;
	} else
		used = name_units(s, len, utf8, width, stdout);
	for (; used < width; used++)
		putchar(' ');
}

static size_t
ndigits(uint64_t v)
{
	size_t n = 1;

	while (v >= 10) {
		v /= 10;
		n++;
	}
	return n;
}

void
bars_write(const struct keeper *k, int first, size_t cols, int utf8)
{
	char pbuf[PERIOD_BUFSZ];
	struct period p;
	const struct entry *e;
	uint64_t rank = 1, top, maxrank = 1;
	size_t i, j, rankw, countw, namew = 0, fixed, avail, barw, w;

	if (!first)
		putchar('\n');
	period_from_key(k->key, &p);
	period_format(&p, pbuf);
	puts(pbuf);
	if (k->len == 0)
		return;
	e = KEEPER_E(k);
	top = e[0].count;
	for (i = 0; i < k->len; i++) {
		maxrank = entry_rank(k, i, maxrank);
		w = name_units(e[i].name, e[i].name_len, utf8,
		    SIZE_MAX, NULL);
		if (w > namew)
			namew = w;
	}
	rankw = ndigits(maxrank);
	countw = ndigits(top);
	/* rank, space, name, space, bar, space, count */
	fixed = rankw + 1 + 1 + 1 + countw;
	avail = cols > fixed ? cols - fixed : 0;
	/* Names take what they need, up to 3/5; the bars the rest. */
	if (namew > avail * 3 / 5)
		namew = avail * 3 / 5;
	barw = avail - namew;
	for (i = 0; i < k->len; i++) {
		uint64_t units, per = utf8 ? 8 : 1;

		rank = entry_rank(k, i, rank);
		printf("%*llu ", (int)rankw, (unsigned long long)rank);
		put_name(e[i].name, e[i].name_len, utf8, namew);
		putchar(' ');
		/* Rounded to the nearest eighth (or column) of the top bar. */
		units = top == 0 ? 0 : (uint64_t)((double)e[i].count / top *
		    (double)(barw * per) + 0.5);
		if (units > barw * per)
			units = barw * per;
		for (j = 0; j + per <= units; j += per)
			fputs(utf8 ? eighths[0] : "#", stdout);
		if (units % per != 0)
			fputs(eighths[units % per], stdout);
		if (units > 0)
			putchar(' ');
		printf("%llu\n", (unsigned long long)e[i].count);
	}
}
