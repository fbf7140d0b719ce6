#include <stdio.h>
#include <stdlib.h>

#include "err.h"
#include "output.h"
#include "version.h"

void
print_version(void)
{
	printf("%s (ped) %s\n", get_progname(), PED_VERSION);
	close_stdout();
	exit(EXIT_OK);
}
