/*
 * Benchmark of common/csvread.c against libcsv.
 *
 *	csvread_bench -g MB	writes about MB megabytes of CSV shaped like
 *				the legacy export (DATASET.md 1.1, 1.2 (a))
 *	csvread_bench file	parses file (held in memory) with both
 *				readers, best of 3 each, and prints
 *				"csvread: ped N MB/s, libcsv N MB/s (R.Rx)"
 *
 * Both readers see the same bytes from memory in 256 KiB pieces and do
 * the same work per field (count it, add its length and first byte), so
 * the numbers compare the parsers, not the disk.
 */
#include <csv.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "csvread.h"

#define CHUNK	(256 * 1024)
#define ROUNDS	3

struct mem {
	const char	*p;
	size_t		 len, off;
};

struct tally {
	uint64_t	 fields, records, bytes;
};

static const char *const names[] = {
	"Bourke Street Mall (North)", "Bourke Street Mall (South)",
	"Melbourne Central", "Town Hall (West)", "Princes Bridge",
	"Flinders Street Station Underpass", "Birrarung Marr",
	"Webb Bridge", "Southern Cross Station", "Victoria Point",
	"Waterfront City", "New Quay", "Sandridge Bridge", "State Library",
	"Collins Place (South)", "Collins Place (North)",
	"Chinatown-Swanston St (North)", "Chinatown-Lt Bourke St (South)",
	"Bourke St-Russell St (West)", "Flinders St-Elizabeth St (East)",
	"Spencer St-Collins St (South)", "Spencer St-Collins St (North)",
	"Melbourne Convention Exhibition Centre",
	"QV Market-Elizabeth St (West)", "QV Market-Peel St",
	"The Arts Centre", "St Kilda Rd-Alexandra Gardens",
	"Lonsdale St (South)", "Lygon St (West)", "Flinders St-Spark La",
	"Southbank", "Queen St (West)", "Lygon St (East)", "Alfred Place",
	"Lonsdale St-Spring St (West)", "Grattan St-Swanston St (West)",
	"Monash Rd-Swanston St (West)", "Tin Alley-Swanston St (West)",
	"Little Collins St-Swanston St (East)", "Pelham St (S)",
	"Melbourne Central-Elizabeth St (East)", "QVM-Queen St (East)",
	"QVM-Therry St (South)", "Faraday St-Lygon St (West)",
	"QVM-Franklin St (North)", "Elizabeth St-Lonsdale St (South)",
	"Collins St (North)", "Lincoln-Swanston(West)",
	"Elizabeth St-La Trobe St (East)",
	"Lonsdale St - Elizabeth St (North)", "Bourke St Bridge",
	"Bourke St - Spencer St (North)", "Swanston St - RMIT Building 80",
	"Swanston St - RMIT Building 14", "La Trobe St (North)",
};
#define NSENSORS	(sizeof(names) / sizeof(names[0]))

static const char *const months[] = { "January", "February", "March",
	"April", "May", "June", "July", "August", "September", "October",
	"November", "December" };
static const char *const wdays[] = { "Sunday", "Monday", "Tuesday",
	"Wednesday", "Thursday", "Friday", "Saturday" };

static int
mdays(int y, int m)
{
	static const int d[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30,
	    31 };

	if (m == 1 && y % 4 == 0 && (y % 100 != 0 || y % 400 == 0))
		return 29;
	return d[m];
}

/* Hourly rows for every sensor from 1 Nov 2019 (a Friday) on. */
static int
generate(unsigned long mb)
{
	unsigned long long want = mb * 1000000ULL, done = 0, id = 2887628;
	unsigned long rng = 12345;
	int y = 2019, m = 10, d = 1, wd = 5, h = 0, n;
	size_t s;

	printf("ID,Date_Time,Year,Month,Mdate,Day,Time,Sensor_ID,"
	    "Sensor_Name,Hourly_Counts\n");
	while (done < want) {
		for (s = 0; s < NSENSORS; s++) {
			rng = rng * 1103515245UL + 12345UL;
			n = printf("%llu,%02d/%02d/%04d %02d:00:00 %s,%d,%s,%d,"
			    "%s,%d,%zu,%s,%lu\n", id++, m + 1, d, y,
			    h % 12 == 0 ? 12 : h % 12, h < 12 ? "AM" : "PM",
			    y, months[m], d, wdays[wd], h, s + 1, names[s],
			    (rng >> 8) % (h < 6 ? 120 : 4000));
			if (n < 0)
				return 1;
			done += (unsigned long long)n;
		}
		if (++h < 24)
			continue;
		h = 0;
		wd = (wd + 1) % 7;
		if (++d <= mdays(y, m))
			continue;
		d = 1;
		if (++m == 12) {
			m = 0;
			y++;
		}
	}
	return fflush(stdout) != 0 || ferror(stdout);
}

static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static size_t
mem_read(void *ctx, void *buf, size_t n)
{
	struct mem *m = ctx;

	if (n > m->len - m->off)
		n = m->len - m->off;
	memcpy(buf, m->p + m->off, n);
	m->off += n;
	return n;
}

static int
run_ped(const char *p, size_t len, struct tally *t)
{
	struct mem m = { p, len, 0 };
	struct csv_reader *r = csv_reader_new(mem_read, &m, ',');
	struct csv_field *f;
	size_t n, i;
	int rc;

	while ((rc = csv_reader_next(r, &f, &n)) == 1) {
		t->records++;
		for (i = 0; i < n; i++) {
			t->fields++;
			t->bytes += f[i].len + (unsigned char)f[i].s[0];
		}
	}
	csv_reader_free(r);
	return rc;
}

static void
lc_field(void *s, size_t len, void *data)
{
	struct tally *t = data;

	t->fields++;
	t->bytes += len + *(unsigned char *)s;
}

static void
lc_record(int c, void *data)
{
	struct tally *t = data;

	(void)c;
	t->records++;
}

static int
no_space(unsigned char c)
{
	(void)c;
	return 0;
}

static int
run_libcsv(const char *p, size_t len, struct tally *t)
{
	struct csv_parser cp;
	size_t off, n;
	int rc = 0;

	if (csv_init(&cp, CSV_STRICT | CSV_STRICT_FINI | CSV_APPEND_NULL))
		return -1;
	csv_set_space_func(&cp, no_space);
	for (off = 0; off < len && rc == 0; off += n) {
		n = len - off < CHUNK ? len - off : CHUNK;
		if (csv_parse(&cp, p + off, n, lc_field, lc_record, t) != n)
			rc = -1;
	}
	if (rc == 0 && csv_fini(&cp, lc_field, lc_record, t) != 0)
		rc = -1;
	csv_free(&cp);
	return rc;
}

/* The best of ROUNDS runs, in MB/s; both must agree on the tally. */
static double
best(int (*fn)(const char *, size_t, struct tally *), const char *p,
    size_t len, struct tally *t)
{
	double t0, secs, min = 1e30;
	int i;

	for (i = 0; i < ROUNDS; i++) {
		memset(t, 0, sizeof(*t));
		t0 = now();
		if (fn(p, len, t) < 0) {
			fprintf(stderr, "csvread_bench: parse error\n");
			exit(1);
		}
		if ((secs = now() - t0) < min)
			min = secs;
	}
	return (double)len / 1e6 / min;
}

static char *
slurp(const char *path, size_t *len)
{
	FILE *fp;
	char *p;
	long size;

	if ((fp = fopen(path, "rb")) == NULL || fseek(fp, 0, SEEK_END) != 0 ||
	    (size = ftell(fp)) < 0 || fseek(fp, 0, SEEK_SET) != 0) {
		perror(path);
		exit(1);
	}
	if ((p = malloc((size_t)size + 1)) == NULL ||
	    fread(p, 1, (size_t)size, fp) != (size_t)size) {
		perror(path);
		exit(1);
	}
	fclose(fp);
	*len = (size_t)size;
	return p;
}

int
main(int argc, char *argv[])
{
	struct tally a, b;
	double ped, lc;
	size_t len;
	char *p;

	if (argc == 3 && strcmp(argv[1], "-g") == 0)
		return generate(strtoul(argv[2], NULL, 10));
	if (argc != 2) {
		fprintf(stderr, "usage: csvread_bench -g MB | file\n");
		return 64;
	}
	p = slurp(argv[1], &len);
	ped = best(run_ped, p, len, &a);
	lc = best(run_libcsv, p, len, &b);
	if (memcmp(&a, &b, sizeof(a)) != 0) {
		fprintf(stderr, "csvread_bench: the readers disagree\n");
		return 1;
	}
	printf("csvread: ped %.0f MB/s, libcsv %.0f MB/s (%.1fx)\n", ped, lc,
	    ped / lc);
	free(p);
	return 0;
}
