/* Messages in the err(3) style: "prog: message[: strerror]". */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "err.h"

static const char *progname = "ped";
void (*die_hook)(int status);

/*
 * Shortens argv0 in place to its base name, so that getopt(3), which
 * prints argv[0], says "ped-agg:" like every other message.
 */
void
set_progname(char *argv0)
{
	char *slash;

	if (argv0 == NULL || *argv0 == '\0')
		return;
	if ((slash = strrchr(argv0, '/')) != NULL)
		memmove(argv0, slash + 1, strlen(slash + 1) + 1);
	progname = argv0;
}

const char *
get_progname(void)
{
	return progname;
}

static void
vmessage(int errnum, const char *fmt, va_list ap)
{
	/* stdout may hold buffered output; keep messages after it. */
	fflush(stdout);
	fprintf(stderr, "%s: ", progname);
	vfprintf(stderr, fmt, ap);
	if (errnum != 0)
		fprintf(stderr, ": %s", strerror(errnum));
	fputc('\n', stderr);
}

void
die_errno(int status, const char *fmt, ...)
{
	va_list ap;
	int errnum = errno;

	if (die_hook != NULL)
		die_hook(status);
	va_start(ap, fmt);
	vmessage(errnum, fmt, ap);
	va_end(ap);
	exit(status);
}

void
die(int status, const char *fmt, ...)
{
	va_list ap;

	if (die_hook != NULL)
		die_hook(status);
	va_start(ap, fmt);
	vmessage(0, fmt, ap);
	va_end(ap);
	exit(status);
}

void
die_data(const char *name, unsigned long line, const char *fmt, ...)
{
	va_list ap;

	if (die_hook != NULL)
		die_hook(EXIT_DATA);
	fflush(stdout);
	fprintf(stderr, "%s: %s:%lu: ", progname, name, line);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(EXIT_DATA);
}

void
warn_errno(const char *fmt, ...)
{
	va_list ap;
	int errnum = errno;

	va_start(ap, fmt);
	vmessage(errnum, fmt, ap);
	va_end(ap);
}

void
warn_msg(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vmessage(0, fmt, ap);
	va_end(ap);
}
