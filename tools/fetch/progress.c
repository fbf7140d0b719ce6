/*
 * One self-redrawing line on stderr: bytes, rows, rate, and the ETA when
 * the size is known. The parser calls progress_tick() per row, so the
 * common path is a counter and a clock read every few dozen rows.
 */
#include <stdio.h>
#include <time.h>
#include <unistd.h>

#include "httputil.h"
#include "progress.h"

#define REDRAW_MS	250	/* at most four redraws a second */
#define TICK_STRIDE	64	/* rows between clock reads */

static const struct source *src;
static int	 enabled;
static int	 drawn;
static long long t0_ms, last_ms;
static unsigned	 calls;

void
progress_start(const struct source *s, const struct fetch_options *o)
{
	src = s;
	if (o->quiet)
		enabled = 0;
	else if (o->progress < 0)
		enabled = isatty(STDERR_FILENO);
	else
		enabled = o->progress != 0;
	t0_ms = last_ms = now_ms();
	calls = 0;
	drawn = 0;
}

/* "12.3 MiB": one decimal, binary units. */
static void
fmt_bytes(char *buf, size_t size, double v)
{
	static const char *const unit[] = { "B", "KiB", "MiB", "GiB", "TiB" };
	size_t u = 0;

	while (v >= 1024 && u < sizeof(unit) / sizeof(unit[0]) - 1) {
		v /= 1024;
		u++;
	}
	if (u == 0)
		snprintf(buf, size, "%.0f B", v);
	else
		snprintf(buf, size, "%.1f %s", v, unit[u]);
}

static void
draw(unsigned long long rows, long long now)
{
	char got[32], total[32], rate[32], eta[32];
	double secs = (now - t0_ms) / 1000.0, bps;
	long long left;

	bps = secs > 0 ? src->consumed / secs : 0;
	fmt_bytes(got, sizeof(got), (double)src->consumed);
	fmt_bytes(rate, sizeof(rate), bps);
	total[0] = eta[0] = '\0';
	if (src->size > 0) {
		snprintf(total, sizeof(total), " of ");
		fmt_bytes(total + 4, sizeof(total) - 4, (double)src->size);
		if (bps > 0 && src->size >= src->consumed) {
			left = (long long)((src->size - src->consumed) / bps);
			snprintf(eta, sizeof(eta), ", ETA %lld:%02lld",
			    left / 60, left % 60);
		}
	}
	fprintf(stderr, "\r%s%s, %llu rows, %s/s%s\033[K", got, total, rows,
	    rate, eta);
	fflush(stderr);
	drawn = 1;
}

void
progress_tick(unsigned long long rows)
{
	long long now;

	if (!enabled || src == NULL || ++calls % TICK_STRIDE != 0)
		return;
	now = now_ms();
	if (now - last_ms < REDRAW_MS)
		return;
	last_ms = now;
	draw(rows, now);
}

/*
 * Clears the line; a later tick may draw it again, so the HTTP source
 * also calls this before a retry message.
 */
void
progress_end(void)
{
	if (!drawn)
		return;
	fputs("\r\033[K", stderr);
	fflush(stderr);
	drawn = 0;
}
