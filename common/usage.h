/* usage() for every tool: the synopsis, and with --help the options. */
#ifndef PED_USAGE_H
#define PED_USAGE_H

#include <stdnoreturn.h>

/*
 * status 0 (--help): writes synopsis and options on stdout, closes it
 * with a check (">/dev/full" is exit 1 with a message) and exits 0.
 * Otherwise writes the synopsis alone on stderr and exits status.
 * synopsis is the man page's SYNOPSIS, starting "usage: "; options has
 * one line per option, each ending in a newline.
 */
noreturn void	usage_exit(int status, const char *synopsis,
		    const char *options);

#endif
