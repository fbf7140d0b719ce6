#include <stdio.h>
#include <stdlib.h>

#include "output.h"
#include "usage.h"

void
usage_exit(int status, const char *synopsis, const char *options)
{
	if (status != 0) {
		fprintf(stderr, "%s\n", synopsis);
		exit(status);
	}
	printf("%s\n", synopsis);
	if (options != NULL && *options != '\0')
		printf("\n%s", options);
	close_stdout();
	exit(0);
}
