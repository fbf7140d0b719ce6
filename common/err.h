/* Error and warning messages prefixed with the program name; exit codes. */
#ifndef PED_ERR_H
#define PED_ERR_H

#include <stdnoreturn.h>

/* The exit-status table every ped tool documents. */
enum {
	EXIT_OK = 0,
	EXIT_RUNTIME = 1,	/* I/O, network, system failure */
	EXIT_USAGE = 64,	/* bad command line */
	EXIT_DATA = 65		/* bad input data */
};

/* Call first in main: set_progname(argv[0]); argv[0] becomes the base name. */
void		 set_progname(char *argv0);
const char	*get_progname(void);

/* "prog: message: strerror(errno)" then exit(status). */
noreturn void	 die_errno(int status, const char *fmt, ...)
		    __attribute__((format(printf, 2, 3)));
/* "prog: message" then exit(status). */
noreturn void	 die(int status, const char *fmt, ...)
		    __attribute__((format(printf, 2, 3)));
/* "prog: name:line: message" then exit(EXIT_DATA). */
noreturn void	 die_data(const char *name, unsigned long line,
		    const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/*
 * When set, die*() call it first, with the exit status, instead of
 * printing and exiting; it must not return (the fuzz targets longjmp).
 * NULL, the default, in every tool.
 */
extern void	(*die_hook)(int status);
void		 warn_errno(const char *fmt, ...)
		    __attribute__((format(printf, 1, 2)));
void		 warn_msg(const char *fmt, ...)
		    __attribute__((format(printf, 1, 2)));

#endif
