/* Closing stdout with a check, as sbase's fshut() and jq do. */
#include <errno.h>
#include <signal.h>
#include <stdio.h>

#include "err.h"
#include "output.h"

void
output_init(void)
{
	signal(SIGPIPE, SIG_DFL);
}

static void
output_failed(int errnum)
{
	if (errnum == EPIPE) {
		/* The reader went away: end as a SIGPIPE'd filter would. */
		signal(SIGPIPE, SIG_DFL);
		raise(SIGPIPE);
	}
	errno = errnum;
	die_errno(EXIT_RUNTIME, "stdout");
}

void
check_stdout(void)
{
	if (ferror(stdout))
		output_failed(errno ? errno : EIO);
}

void
close_stdout(void)
{
	errno = 0;
	if (fflush(stdout) != 0 || ferror(stdout))
		output_failed(errno ? errno : EIO);
	if (fclose(stdout) != 0)
		output_failed(errno ? errno : EIO);
}
