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
#include "num.h"
#include "output.h"
#include "pairmap.h"
#include "period.h"
#include "quote.h"
#include "topn.h"
#include "tsv.h"
#include "usage.h"
#include "version.h"
#include "xalloc.h"

#define TOPN_HEADER	"period\trank\tsensor_id\tsensor_name\tcount"

/*
 * A keeper finds a sensor seen twice by a scan while it has kept every
 * row it saw and at most this many; past that, or once it has dropped
 * a row, its sensors go into the seen set.
 */
#define SCAN_MAX	16
/* Sensor ids below this are marked seen in a bitmap per period. */
#define SEEN_BITS_MAX	1024

struct topn {
	uint64_t	 n;		/* 0: keep every row */
	int		 ties;		/* keep rows tied with the N-th */
	uint32_t	*index;		/* hash of keys: keeper index + 1 */
	size_t		 capindex;	/* power of two, or 0 */
	struct keeper	*keepers;
	size_t		 nkeepers, capkeepers;
	size_t		 last;		/* the last record's keeper + 1 */
	struct pairmap	 seen;		/* (period key, sensor) of tracked
					   keepers, for ids past the bitmaps */
};

static void	 add_record(const struct tsv_record *, const struct line_reader *,
		    void *);
static struct keeper *keeper_for(struct topn *, uint64_t);
static struct entry *grow(struct keeper *);
static int	 seen_before(struct topn *, struct keeper *, uint64_t);
static void	 track(struct topn *, struct keeper *);
static int	 mark_seen(struct topn *, struct keeper *, uint64_t);
static int	 entry_better(const struct entry *, const struct entry *);
static int	 entry_cmp(const void *, const void *);
static int	 keeper_cmp(const void *, const void *);
static void	 write_row(const struct keeper *, const struct entry *,
		    uint64_t, int);
static void	 write_field(const char *, size_t);
static void	 free_topn(struct topn *);
static noreturn void usage(int);

enum { OPT_NO_HEADER = 256, OPT_NO_TIES, OPT_CSV, OPT_BARS };

static const struct option longopts[] = {
	{ "bars",	no_argument,		NULL, OPT_BARS },
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
	size_t i, j, cols = 0;
	uint64_t rank;
	int ch, header = 1, csv = 0, bars = 0, utf8 = 0;

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
		case OPT_BARS:
			bars = 1;
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
	if (bars && csv)
		die(EXIT_USAGE, "--bars and --csv exclude each other");
	if (bars) {
		cols = bars_columns();
		utf8 = bars_utf8_locale();
	}

	pairmap_init(&t.seen);
	tsv_read_args(argc, argv, add_record, &t);

	if (t.nkeepers > 0)	/* qsort(3) takes no NULL, even for none */
		qsort(t.keepers, t.nkeepers, sizeof(*t.keepers), keeper_cmp);
	if (header && !bars)
		fputs(csv ? "period,rank,sensor_id,sensor_name,count\r\n" :
		    TOPN_HEADER "\n", stdout);
	for (i = 0; i < t.nkeepers; i++) {
		struct keeper *k = &t.keepers[i];

		if (t.n == 0)
			qsort(KEEPER_E(k), k->len, sizeof(struct entry),
			    entry_cmp);
		if (bars)
			bars_write(k, i == 0, cols, utf8);
		else
			for (j = 0, rank = 1; j < k->len; j++) {
				rank = entry_rank(k, j, rank);
				write_row(k, &KEEPER_E(k)[j], rank, csv);
			}
		check_stdout();
	}
	free_topn(&t);
	close_stdout();
	return EXIT_OK;
}

uint64_t
entry_rank(const struct keeper *k, size_t i, uint64_t prev)
{
	const struct entry *e = KEEPER_E(k);

	if (i == 0)
		return 1;
	return e[i].count != e[i - 1].count ? i + 1 : prev;
}

static void
add_record(const struct tsv_record *rec, const struct line_reader *lr,
    void *arg)
{
	struct topn *t = arg;
	struct keeper *k;
	struct entry e, *last, *ke;
	size_t lo, hi, mid;

	if (rec->period_same && t->last != 0)
		k = &t->keepers[t->last - 1];
	else
		k = keeper_for(t, period_key(&rec->period));
	e.count = rec->count;
	e.sensor = rec->sensor_id;
	if (seen_before(t, k, e.sensor))
		die_data(lr->name, lr->lineno, "sensor %llu appears twice in "
		    "period %s (aggregate with ped-agg first)",
		    (unsigned long long)rec->sensor_id,
		    quote(rec->period_text, rec->period_len));
	ke = KEEPER_E(k);
	if (t->n != 0 && k->len >= t->n) {
		/* Not better than the N-th: out, unless tied and kept. */
		last = &ke[t->n - 1];
		if (!entry_better(&e, last) &&
		    !(t->ties && e.count == last->count))
			return;
	}

	/* Binary search for the insertion point (append with -n 0). */
	lo = 0;
	hi = k->len;
	while (t->n != 0 && lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (entry_better(&ke[mid], &e))
			lo = mid + 1;
		else
			hi = mid;
	}
	if (t->n == 0)
		lo = k->len;
	if (k->len == k->cap)
		ke = grow(k);
	memmove(&ke[lo + 1], &ke[lo], (k->len - lo) * sizeof(*ke));
	e.name = xmemdup(rec->name, rec->name_len);
	e.name_len = rec->name_len;
	ke[lo] = e;
	k->len++;

	/* Drop rows now ranked past N. */
	while (t->n != 0 && k->len > t->n) {
		last = &ke[k->len - 1];
		if (t->ties && last->count == ke[t->n - 1].count)
			break;
		free(last->name);
		k->len--;
	}
}

/*
 * Whether sensor was in k's period before, recording it: every row
 * counts, kept or not, so a repeat is found whatever -n is.
 */
static int
seen_before(struct topn *t, struct keeper *k, uint64_t sensor)
{
	const struct entry *e = KEEPER_E(k);
	size_t i;

	if (!k->tracked) {
		for (i = 0; i < k->len; i++)
			if (e[i].sensor == sensor)
				return 1;
		/* The scan stays exact while no row is ever left out. */
		if ((t->n == 0 || k->len < t->n) && k->len < SCAN_MAX)
			return 0;
		track(t, k);
	}
	return mark_seen(t, k, sensor);
}

/*
 * Records sensor as seen in k's period; returns whether it was already.
 * Small ids (all of the city's) take a bit in the keeper's bitmap, the
 * rest an entry in the shared set.
 */
static int
mark_seen(struct topn *t, struct keeper *k, uint64_t sensor)
{
	size_t w = (size_t)(sensor / 64), n = k->seen ? k->seen[0] : 0, cap;
	uint64_t bit = 1ULL << (sensor % 64), *words;
	int isnew;

	if (sensor >= SEEN_BITS_MAX) {
		pairmap_put(&t->seen, k->key, sensor, &isnew);
		return !isnew;
	}
	if (w >= n) {
		for (cap = n ? n : 1; cap <= w; cap *= 2)
			;
		k->seen = xreallocarray(k->seen, cap + 1, sizeof(*k->seen));
		memset(k->seen + 1 + n, 0, (cap - n) * sizeof(*k->seen));
		k->seen[0] = cap;
	}
	words = k->seen + 1;
	if (words[w] & bit)
		return 1;
	words[w] |= bit;
	return 0;
}

/* From now on k's sensors are marked as they come. */
static void
track(struct topn *t, struct keeper *k)
{
	const struct entry *e = KEEPER_E(k);
	size_t i;

	for (i = 0; i < k->len; i++)
		mark_seen(t, k, e[i].sensor);
	k->tracked = 1;
}

/* Room for one more row: the first in the keeper, then an array. */
static struct entry *
grow(struct keeper *k)
{
	struct entry one;

	if (k->cap == 0) {
		k->cap = 1;
		return &k->u.one;
	}
	if (k->cap >= 1u << 30)
		die(EXIT_RUNTIME, "more than %u rows in one period", 1u << 30);
	if (k->cap == 1) {
		one = k->u.one;
		k->u.many = xreallocarray(NULL, 2, sizeof(*k->u.many));
		k->u.many[0] = one;
	} else
		k->u.many = xreallocarray(k->u.many, k->cap * 2,
		    sizeof(*k->u.many));
	k->cap *= 2;
	return k->u.many;
}

/*
 * The slot of key in the index: its keeper's, or the empty one where it
 * goes. 4 bytes a slot, so a million one-row periods stay small.
 */
static uint32_t *
index_slot(const struct topn *t, uint64_t key)
{
	size_t mask = t->capindex - 1;
	size_t i = (size_t)((key * 0x9e3779b97f4a7c15ULL) >> 20) & mask;

	while (t->index[i] != 0 && t->keepers[t->index[i] - 1].key != key)
		i = (i + 1) & mask;
	return &t->index[i];
}

static struct keeper *
keeper_for(struct topn *t, uint64_t key)
{
	struct keeper *k;
	uint32_t *slot;
	size_t i;

	if ((t->nkeepers + 1) * 2 > t->capindex) {
		if (t->nkeepers >= UINT32_MAX / 2)
			die(EXIT_RUNTIME, "more than %u periods", UINT32_MAX / 2);
		free(t->index);
		t->capindex = t->capindex ? t->capindex * 2 : 1024;
		t->index = xcalloc(t->capindex, sizeof(*t->index));
		for (i = 0; i < t->nkeepers; i++)
			*index_slot(t, t->keepers[i].key) = (uint32_t)i + 1;
	}
	slot = index_slot(t, key);
	if (*slot != 0) {
		t->last = *slot;
		return &t->keepers[*slot - 1];
	}
	if (t->nkeepers == t->capkeepers) {
		t->capkeepers = t->capkeepers ? t->capkeepers * 2 : 256;
		t->keepers = xreallocarray(t->keepers, t->capkeepers,
		    sizeof(*t->keepers));
	}
	*slot = (uint32_t)t->nkeepers + 1;
	t->last = t->nkeepers + 1;
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
		struct keeper *k = &t->keepers[i];

		for (j = 0; j < k->len; j++)
			free(KEEPER_E(k)[j].name);
		if (k->cap > 1)
			free(k->u.many);
		free(k->seen);
	}
	free(t->keepers);
	free(t->index);
	pairmap_free(&t->seen);
}

static void
usage(int status)
{
	usage_exit(status,
	    "usage: ped-topn [-n N] [--no-ties] [--csv | --bars] [--no-header] "
	    "[file ...]",
	    "  -n N             keep ranks 1..N of each period (default 10;\n"
	    "                   0 keeps the full ranking)\n"
	    "      --no-ties    keep exactly N rows, ties broken by lower sensor_id\n"
	    "      --csv        write RFC 4180 CSV (CRLF) instead of TSV\n"
	    "      --bars       draw each period's ranking as bars, terminal wide\n"
	    "      --no-header  write no header line\n"
	    "      --help       print this help and exit\n"
	    "      --version    print the version and exit\n"
	    "Reads ped-agg's TSV from the files or stdin (-); see ped-topn(1).\n");
}
