/*
 * A progress line on stderr when it is a terminal (and not -q): bytes
 * sent, total, rate. Worker threads report bytes; whichever thread is
 * due redraws, at most four times a second.
 */
#include <pthread.h>
#include <stdio.h>
#include <time.h>
#include <unistd.h>

#include "s3put.h"

static struct {
	int		 on;
	const char	*name;
	uint64_t	 total;
	double		 t0;
	atomic_llong	 sent;
	atomic_llong	 next_ms;	/* time of the next redraw */
	atomic_int	 drawn;
	pthread_mutex_t	 lock;
} pg = { .lock = PTHREAD_MUTEX_INITIALIZER };

static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

void
progress_start(const struct s3 *s3, uint64_t total)
{
	pg.on = !s3->cfg->quiet && isatty(STDERR_FILENO);
	pg.name = s3->name;
	pg.total = total;
	pg.t0 = now();
}

static void
draw(void)
{
	double t = now() - pg.t0, mib = atomic_load(&pg.sent) / (double)MIB;

	if (pg.total > 0)
		fprintf(stderr, "\r%s: %.1f of %.1f MiB (%.0f%%), %.1f MiB/s ",
		    pg.name, mib, pg.total / (double)MIB,
		    100 * mib * MIB / pg.total, t > 0 ? mib / t : 0);
	else
		fprintf(stderr, "\r%s: %.1f MiB, %.1f MiB/s ", pg.name, mib,
		    t > 0 ? mib / t : 0);
	atomic_store(&pg.drawn, 1);
}

void
progress_add(int64_t n)
{
	long long ms;

	atomic_fetch_add(&pg.sent, n);
	if (!pg.on)
		return;
	ms = (long long)((now() - pg.t0) * 1000);
	if (ms < atomic_load(&pg.next_ms) ||
	    pthread_mutex_trylock(&pg.lock) != 0)
		return;
	atomic_store(&pg.next_ms, ms + 250);
	draw();
	pthread_mutex_unlock(&pg.lock);
}

/* Clears the line before a message or at the end. */
void
progress_end(void)
{
	if (!pg.on || !atomic_load(&pg.drawn))
		return;
	pthread_mutex_lock(&pg.lock);
	fputs("\r\033[K", stderr);
	atomic_store(&pg.drawn, 0);
	pthread_mutex_unlock(&pg.lock);
}

uint64_t
progress_bytes(void)
{
	return atomic_load(&pg.sent);
}
