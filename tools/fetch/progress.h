/*
 * Progress on stderr: bytes, rows, rate, and ETA when the size is known.
 * Shown when stderr is a terminal or --progress, never with -q.
 */
#ifndef PED_FETCH_PROGRESS_H
#define PED_FETCH_PROGRESS_H

#include "source.h"

void	progress_start(const struct source *src, const struct fetch_options *o);
/* Cheap to call per row: redraws at most a few times a second. */
void	progress_tick(unsigned long long rows);
/* Clears the progress line before the summary or an error message. */
void	progress_end(void);

#endif
