/* Standard output: SIGPIPE semantics and a checked close. */
#ifndef PED_OUTPUT_H
#define PED_OUTPUT_H

/*
 * Restores the default SIGPIPE action, so "ped-x | head -1" ends the
 * writer quietly even when the parent ignored the signal.
 */
void	output_init(void);
/*
 * Flushes and closes stdout; a failure prints "prog: stdout: reason"
 * and exits 1. A closed pipe ends the process by SIGPIPE, quietly.
 */
void	close_stdout(void);
/* Checks stdout for an earlier write error and fails the same way. */
void	check_stdout(void);

#endif
