/*
 * A main() for the libFuzzer targets built without clang: feeds each file
 * named on the command line (or each file in each folder) to
 * LLVMFuzzerTestOneInput once, so make test replays the seed corpora and
 * every crash ever found (tests/fuzz/regress/) with the normal compiler.
 * Prints one TAP line per folder or file.
 */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static size_t ran;

static void
run_file(const char *path)
{
	FILE *fp;
	uint8_t *buf = NULL;
	size_t len = 0, cap = 0, n;

	if ((fp = fopen(path, "rb")) == NULL) {
		perror(path);
		exit(1);
	}
	do {
		if (len == cap) {
			cap = cap ? 2 * cap : 65536;
			if ((buf = realloc(buf, cap)) == NULL)
				abort();
		}
		n = fread(buf + len, 1, cap - len, fp);
		len += n;
	} while (n > 0);
	fclose(fp);
	LLVMFuzzerTestOneInput(buf, len);
	free(buf);
	ran++;
}

int
main(int argc, char *argv[])
{
	struct stat st;
	struct dirent *de;
	DIR *d;
	char path[4096];
	int i, t = 0;

	for (i = 1; i < argc; i++) {
		if (stat(argv[i], &st) == -1)
			continue;	/* no regressions yet for this target */
		ran = 0;
		if (S_ISDIR(st.st_mode)) {
			if ((d = opendir(argv[i])) == NULL) {
				perror(argv[i]);
				return 1;
			}
			while ((de = readdir(d)) != NULL) {
				if (de->d_name[0] == '.')
					continue;
				if (snprintf(path, sizeof(path), "%s/%s", argv[i],
				    de->d_name) >= (int)sizeof(path))
					abort();
				run_file(path);
			}
			closedir(d);
		} else
			run_file(argv[i]);
		printf("ok %d - %s: %zu inputs\n", ++t, argv[i], ran);
	}
	printf("1..%d\n", t);
	return 0;
}
