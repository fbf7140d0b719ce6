/* The ped release every tool reports with --version. */
#ifndef PED_VERSION_H
#define PED_VERSION_H

#define PED_VERSION	"0.1.0"

/* Prints "prog (ped) VERSION" on stdout and exits 0 after a checked close. */
#include <stdnoreturn.h>

noreturn void print_version(void);

#endif
