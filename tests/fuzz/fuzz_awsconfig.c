/*
 * libFuzzer target: ped-s3put's credential parsers (tools/s3put/creds.c):
 * the AWS CLI's INI files (credentials, config) and the instance
 * metadata service's JSON document. Both are read from untrusted-shaped
 * files; values must come back trimmed, one line each, and a profile
 * that is absent must give no keys. The first input byte picks the
 * section looked for; the rest is the file (and, NUL-ended, the JSON).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <ctype.h>

#include "../../tools/s3put/s3put.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static void
check_value(const char *v)
{
	size_t n;

	if (v == NULL)
		return;
	n = strlen(v);
	if (strchr(v, '\n') != NULL || (n > 0 &&
	    (isspace((unsigned char)v[0]) || isspace((unsigned char)v[n - 1]))))
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const sections[] = {
		"default", "profile p", "p", "profile default"
	};
	struct creds cr;
	char *keys[3] = { NULL, NULL, NULL }, *json;
	FILE *fp;
	int found, i;

	if (size < 1)
		return 0;
	if (size > 1) {
		if ((fp = fmemopen((void *)(data + 1), size - 1, "r")) == NULL)
			abort();
		found = creds_ini_read(fp, sections[data[0] & 3], keys);
		fclose(fp);
		for (i = 0; i < 3; i++) {
			if (!found && keys[i] != NULL)
				abort();
			check_value(keys[i]);
			free(keys[i]);
		}
	}
	if ((json = malloc(size)) == NULL)
		abort();
	memcpy(json, data + 1, size - 1);
	json[size - 1] = '\0';
	memset(&cr, 0, sizeof(cr));
	if (creds_from_json(&cr, json) && (cr.akid == NULL ||
	    *cr.akid == '\0' || cr.secret == NULL || *cr.secret == '\0' ||
	    (cr.token != NULL && *cr.token == '\0')))
		abort();
	creds_free(&cr);
	free(json);
	return 0;
}
