/* Unit tests for common/lineio.c. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lineio.h"
#include "unit.h"

static char path[] = "/tmp/ped-lineio-XXXXXX";

static void
write_file(const char *data, size_t len)
{
	FILE *fp = fopen(path, "w");

	fwrite(data, 1, len, fp);
	fclose(fp);
}

TEST(lines_crlf_and_missing_final_newline)
{
	struct line_reader lr;
	char *line;

	write_file("one\ntwo\r\n\nlast", 14);
	lr_open(&lr, path);
	CHECK(lr_next(&lr, &line) == 3 && strcmp(line, "one") == 0);
	CHECK(lr_next(&lr, &line) == 3 && strcmp(line, "two") == 0);
	CHECK(lr_next(&lr, &line) == 0 && lr.lineno == 3);
	CHECK(lr_next(&lr, &line) == 4 && strcmp(line, "last") == 0);
	CHECK(lr_next(&lr, &line) == -1 && lr.lineno == 4);
	CHECK(strcmp(lr.name, path) == 0);
	lr_close(&lr);
}

TEST(no_line_length_limit)
{
	struct line_reader lr;
	size_t n = 3 * 1024 * 1024;
	char *big = malloc(n + 1), *line;

	memset(big, 'a', n);
	big[n] = '\n';
	write_file(big, n + 1);
	lr_open(&lr, path);
	CHECK(lr_next(&lr, &line) == (ssize_t)n && line[n - 1] == 'a');
	lr_close(&lr);
	free(big);
}

int
main(void)
{
	int fd = mkstemp(path);

	if (fd < 0)
		return 1;
	close(fd);
	RUN(lines_crlf_and_missing_final_newline);
	RUN(no_line_length_limit);
	unlink(path);
	return unit_end();
}
