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

TEST(lines_across_blocks_and_nul_bytes)
{
	struct line_reader lr;
	size_t n = 3 * 1024 * 1024 + 17, i, lines = 0, total = 0, nul = 0;
	char *data = malloc(n), *line;
	ssize_t len;
	int ok = 1;

	/* Lines of 1 to 97 bytes, some with a NUL, over several blocks. */
	for (i = 0; i < n; i++)
		data[i] = i % 97 == 96 ? '\n' : i % 1001 == 5 ? '\0' : 'x';
	write_file(data, n);
	lr_open(&lr, path);
	lr.allow_nul = 1;
	while ((len = lr_next(&lr, &line)) >= 0) {
		if (line[len] != '\0' || (len != 96 && lr.lineno != n / 97 + 1))
			ok = 0;
		if (lr.line_nul != (memchr(line, '\0', (size_t)len) != NULL))
			ok = 0;
		nul += lr.line_nul;
		total += (size_t)len + 1;
		lines++;
	}
	CHECK(ok);
	CHECK(lines == n / 97 + 1 && total == n + 1);
	for (i = 0; i < n; i++)
		nul -= data[i] == '\0';
	CHECK(nul == 0);
	lr_close(&lr);
	free(data);
}

TEST(max_line)
{
	struct line_reader lr;
	char *line;

	write_file("12345\n123456\n123456\r\n", 21);
	lr_open(&lr, path);
	lr.max_line = 6;
	CHECK(lr_next(&lr, &line) == 5);
	CHECK(lr_next(&lr, &line) == 6);
	CHECK(lr_next(&lr, &line) == 6);
	CHECK(lr_next(&lr, &line) == -1);
	lr_close(&lr);
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
	RUN(lines_across_blocks_and_nul_bytes);
	RUN(max_line);
	unlink(path);
	return unit_end();
}
