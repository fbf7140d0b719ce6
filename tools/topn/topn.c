/*
 * ped-topn: keep the N largest sensors of each period, ranked.
 *
 * Rank is SQL RANK() over count descending. Each period has a keeper:
 * an array sorted by (count desc, sensor_id asc) that never holds more
 * than N rows plus those tied with the N-th, so memory is bounded by
 * the number of periods, not of rows.
 */
#include <csv.h>
#include <getopt.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "htab.h"
#include "num.h"
#include "output.h"
#include "period.h"
#include "tsv.h"
#include "usage.h"
#include "version.h"
#include "xalloc.h"

#define TOPN_HEADER	"period\trank\tsensor_id\tsensor_name\tcount"

struct entry {
	uint64_t	 count;
	uint64_t	 sensor;
	char		*name;
	size_t		 name_len;
};

struct keeper {
	uint64_t	 key;		/* period_key() */
	struct entry	*e;
	size_t		 len, cap;
};

struct topn {
	uint64_t	 n;		/* 0: keep every row */
	int		 ties;		/* keep rows tied with the N-th */
	struct htab	 keepers_by_key;
	struct keeper	*keepers;
	size_t		 nkeepers, capkeepers;
	struct htab	 seen;		/* with -n 0: (period, sensor) seen */
};

static void	 add_record(const struct tsv_record *, const struct line_reader *,
		    void *);
static struct keeper *keeper_for(struct topn *, uint64_t);
static int	 entry_better(const struct entry *, const struct entry *);
static int	 entry_cmp(const void *, const void *);
static int	 keeper_cmp(const void *, const void *);
static void	 write_row(const struct keeper *, const struct entry *,
		    uint64_t, int);
static void	 write_field(const char *, size_t);
static void	 free_topn(struct topn *);
static noreturn void usage(int);

enum { OPT_NO_HEADER = 256, OPT_NO_TIES, OPT_CSV };

static const struct option longopts[] = {
	{ "csv",	no_argument,		NULL, OPT_CSV },
	{ "no-header",	no_argument,		NULL, OPT_NO_HEADER },
	{ "no-ties",	no_argument,		NULL, OPT_NO_TIES },
	{ "help",	no_argument,		NULL, 'h' },
	{ "version",	no_argument,		NULL, 'V' },
	{ NULL,		0,			NULL, 0 }
};

int
main(int argc, char *argv[])
{
	struct topn t;
	size_t i, j;
	uint64_t rank;
	int ch, header = 1, csv = 0;

	set_progname(argv[0]);
	output_init();
	memset(&t, 0, sizeof(t));
	t.n = 10;
	t.ties = 1;
	while ((ch = getopt_long(argc, argv, "n:", longopts, NULL)) != -1) {
		switch (ch) {
		case 'n':
			t.n = option_uint("-n", "count", optarg, 0,
			    PED_INT_MAX);
			break;
		case OPT_CSV:
			csv = 1;
			break;
		case OPT_NO_HEADER:
			header = 0;
			break;
		case OPT_NO_TIES:
			t.ties = 0;
			break;
		case 'h':
			usage(EXIT_OK);
		case 'V':
			print_version();
		default:
			usage(EXIT_USAGE);
		}
	}
	argc -= optind;
	argv += optind;

	htab_init(&t.keepers_by_key);
	htab_init(&t.seen);
	tsv_read_args(argc, argv, add_record, &t);

	if (t.nkeepers > 0)	/* qsort(3) takes no NULL, even for none */
		qsort(t.keepers, t.nkeepers, sizeof(*t.keepers), keeper_cmp);
	if (header)
		fputs(csv ? "period,rank,sensor_id,sensor_name,count\r\n" :
		    TOPN_HEADER "\n", stdout);
	for (i = 0; i < t.nkeepers; i++) {
		struct keeper *k = &t.keepers[i];

		if (t.n == 0)
			qsort(k->e, k->len, sizeof(*k->e), entry_cmp);
		for (j = 0, rank = 1; j < k->len; j++) {
			if (j > 0 && k->e[j].count != k->e[j - 1].count)
				rank = j + 1;
			write_row(k, &k->e[j], rank, csv);
		}
		check_stdout();
	}
	free_topn(&t);
	close_stdout();
	return EXIT_OK;
}

static void
add_record(const struct tsv_record *rec, const struct line_reader *lr,
    void *arg)
{
	struct topn *t = arg;
	struct keeper *k = keeper_for(t, period_key(&rec->period));
	struct entry e, *last;
	size_t lo, hi, mid;

	e.count = rec->count;
	e.sensor = rec->sensor_id;
	if (t->n == 0) {
		uint64_t key[2] = { k->key, rec->sensor_id };
		int isnew;

		htab_put(&t->seen, key, sizeof(key), &isnew);
		if (!isnew)
			goto duplicate;
	} else if (k->len >= t->n) {
		/* Not better than the N-th: out, unless tied and kept. */
		last = &k->e[t->n - 1];
		if (!entry_better(&e, last) &&
		    !(t->ties && e.count == last->count))
			return;
	}
	/* Keepers are small: a linear scan finds a sensor seen twice. */
	for (lo = 0; t->n != 0 && lo < k->len; lo++)
		if (k->e[lo].sensor == e.sensor)
			goto duplicate;

	/* Binary search for the insertion point (append with -n 0). */
	lo = 0;
	hi = k->len;
	while (t->n != 0 && lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (entry_better(&k->e[mid], &e))
			lo = mid + 1;
		else
			hi = mid;
	}
	if (t->n == 0)
		lo = k->len;
	if (k->len == k->cap) {
		k->cap = k->cap ? k->cap * 2 : 16;
		k->e = xreallocarray(k->e, k->cap, sizeof(*k->e));
	}
	memmove(&k->e[lo + 1], &k->e[lo], (k->len - lo) * sizeof(*k->e));
	e.name = xmemdup(rec->name, rec->name_len);
	e.name_len = rec->name_len;
	k->e[lo] = e;
	k->len++;

	/* Drop rows now ranked past N. */
	while (t->n != 0 && k->len > t->n) {
		last = &k->e[k->len - 1];
		if (t->ties && last->count == k->e[t->n - 1].count)
			break;
		free(last->name);
		k->len--;
	}
	return;
duplicate:
	die_data(lr->name, lr->lineno, "sensor %llu appears twice in period "
	    "\"%.*s\" (aggregate with ped-agg first)",
	    (unsigned long long)rec->sensor_id, (int)rec->period_len,
	    rec->period_text);
}

static struct keeper *
keeper_for(struct topn *t, uint64_t key)
{
	struct htab_slot *slot;
	struct keeper *k;
	int isnew;

	slot = htab_put(&t->keepers_by_key, &key, sizeof(key), &isnew);
	if (!isnew)
		return &t->keepers[slot->value];
	if (t->nkeepers == t->capkeepers) {
		t->capkeepers = t->capkeepers ? t->capkeepers * 2 : 256;
		t->keepers = xreallocarray(t->keepers, t->capkeepers,
		    sizeof(*t->keepers));
	}
	slot->value = t->nkeepers;
	k = &t->keepers[t->nkeepers++];
	memset(k, 0, sizeof(*k));
	k->key = key;
	return k;
}

/* Higher count first; among equal counts, lower sensor_id first. */
static int
entry_better(const struct entry *a, const struct entry *b)
{
	if (a->count != b->count)
		return a->count > b->count;
	return a->sensor < b->sensor;
}

static int
entry_cmp(const void *a, const void *b)
{
	return entry_better(a, b) ? -1 : entry_better(b, a) ? 1 : 0;
}

static int
keeper_cmp(const void *a, const void *b)
{
	const struct keeper *x = a, *y = b;

	return x->key < y->key ? -1 : x->key > y->key;
}

/*
 * One output row: TSV with the name escaped, or RFC 4180 CSV with CRLF
 * line ends and the name quoted by libcsv when it needs it.
 */
static void
write_row(const struct keeper *k, const struct entry *e, uint64_t rank,
    int csv)
{
	char pbuf[PERIOD_BUFSZ], sep = csv ? ',' : '\t';
	struct period p;

	period_from_key(k->key, &p);
	fwrite(pbuf, 1, period_format(&p, pbuf), stdout);
	printf("%c%llu%c%llu%c", sep, (unsigned long long)rank, sep,
	    (unsigned long long)e->sensor, sep);
	if (csv)
		write_field(e->name, e->name_len);
	else
		tsv_put_escaped(stdout, e->name, e->name_len);
	printf("%c%llu%s", sep, (unsigned long long)e->count,
	    csv ? "\r\n" : "\n");
}

static void
write_field(const char *s, size_t len)
{
	if (len > 0 && strcspn(s, ",\"\r\n") == len && s[0] != ' ' &&
	    s[len - 1] != ' ')
		fwrite(s, 1, len, stdout);
	else
		csv_fwrite(stdout, s, len);
}

static void
free_topn(struct topn *t)
{
	size_t i, j;

	for (i = 0; i < t->nkeepers; i++) {
		for (j = 0; j < t->keepers[i].len; j++)
			free(t->keepers[i].e[j].name);
		free(t->keepers[i].e);
	}
	free(t->keepers);
	htab_free(&t->keepers_by_key);
	htab_free(&t->seen);
}

static void
usage(int status)
{
	usage_exit(status,
	    "usage: ped-topn [-n N] [--no-ties] [--csv] [--no-header] "
	    "[file ...]",
	    "  -n N             keep ranks 1..N of each period (default 10;\n"
	    "                   0 keeps the full ranking)\n"
	    "      --no-ties    keep exactly N rows, ties broken by lower sensor_id\n"
	    "      --csv        write RFC 4180 CSV (CRLF) instead of TSV\n"
	    "      --no-header  write no header line\n"
	    "      --help       print this help and exit\n"
	    "      --version    print the version and exit\n"
	    "Reads ped-agg's TSV from the files or stdin (-); see ped-topn(1).\n");
}
