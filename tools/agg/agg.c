/*
 * ped-agg: sum the normalised TSV's counts by sensor and period.
 *
 * Reads hourly (or already aggregated) rows, truncates each period to
 * the one asked for and sums count per (period, sensor_id). Its output
 * is valid input again, so it is its own combiner.
 */
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

struct group {
	uint64_t	 key;		/* period_key() of the truncated period */
	uint64_t	 sensor;
	uint64_t	 count;
	uint64_t	 name_at;	/* period_instant() of the name's row */
	size_t		 name;		/* index into names */
};

struct name {
	const char	*s;		/* owned by the names table */
	size_t		 len;
};

/* Sensor ids below this get a one-entry cache of their last group. */
#define RECENT_MAX	4096

struct recent {
	uint64_t	 key;
	size_t		 group;		/* index + 1; 0: none yet */
};

struct agg {
	enum period_kind by;
	struct recent	 recent[RECENT_MAX];
	struct htab	 groups_by_key;	/* (period key, sensor) -> group */
	struct group	*groups;
	size_t		 ngroups, capgroups;
	struct htab	 names_by_text;	/* name -> index into names */
	struct name	*names;
	size_t		 nnames, capnames;
};

static void	 add_record(const struct tsv_record *, const struct line_reader *,
		    void *);
static size_t	 intern_name(struct agg *, const char *, size_t);
static int	 group_cmp(const void *, const void *);
static void	 write_groups(struct agg *, int);
static void	 free_agg(struct agg *);
static noreturn void usage(int);

static const struct option longopts[] = {
	{ "by",		required_argument,	NULL, 'b' },
	{ "no-header",	no_argument,		NULL, 'H' },
	{ "help",	no_argument,		NULL, 'h' },
	{ "version",	no_argument,		NULL, 'V' },
	{ NULL,		0,			NULL, 0 }
};

int
main(int argc, char *argv[])
{
	struct agg agg;
	int ch, header = 1, by = PERIOD_DAY;

	set_progname(argv[0]);
	output_init();
	while ((ch = getopt_long(argc, argv, "b:", longopts, NULL)) != -1) {
		switch (ch) {
		case 'b':
			if ((by = period_kind_from_name(optarg)) < 0)
				die(EXIT_USAGE, "-b: unknown period \"%s\" "
				    "(hour, day, month, year, weekday, "
				    "monthname)", optarg);
			break;
		case 'H':
			header = 0;
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

	memset(&agg, 0, sizeof(agg));
	agg.by = (enum period_kind)by;
	htab_init(&agg.groups_by_key);
	htab_init(&agg.names_by_text);
	tsv_read_args(argc, argv, add_record, &agg);
	write_groups(&agg, header);
	free_agg(&agg);
	close_stdout();
	return EXIT_OK;
}

static void
add_record(const struct tsv_record *rec, const struct line_reader *lr,
    void *arg)
{
	struct agg *agg = arg;
	struct period p;
	struct group *g;
	struct htab_slot *slot;
	struct recent *rc;
	uint64_t k[2], at;
	int isnew;

	if (period_truncate(&rec->period, agg->by, &p) != 0)
		die_data(lr->name, lr->lineno, "cannot aggregate %s period "
		    "\"%.*s\" by %s", period_kind_name(rec->period.kind),
		    (int)rec->period_len, rec->period_text,
		    period_kind_name(agg->by));
	k[0] = period_key(&p);
	k[1] = rec->sensor_id;
	at = period_instant(&rec->period);
	/* Time-ordered input hits the same group many rows in a row. */
	rc = k[1] < RECENT_MAX ? &agg->recent[k[1]] : NULL;
	if (rc != NULL && rc->group != 0 && rc->key == k[0]) {
		g = &agg->groups[rc->group - 1];
		goto add;
	}
	slot = htab_put(&agg->groups_by_key, k, sizeof(k), &isnew);
	if (isnew) {
		if (agg->ngroups == agg->capgroups) {
			agg->capgroups = agg->capgroups ? agg->capgroups * 2 :
			    1024;
			agg->groups = xreallocarray(agg->groups,
			    agg->capgroups, sizeof(*agg->groups));
		}
		slot->value = agg->ngroups;
		g = &agg->groups[agg->ngroups++];
		g->key = k[0];
		g->sensor = k[1];
		g->count = 0;
		g->name_at = 0;
		g->name = intern_name(agg, rec->name, rec->name_len);
	} else
		g = &agg->groups[slot->value];
	if (rc != NULL) {
		rc->key = k[0];
		rc->group = (size_t)(g - agg->groups) + 1;
	}
add:
	if (rec->count > PED_INT_MAX - g->count)
		die_data(lr->name, lr->lineno, "count overflow: sensor %llu "
		    "sums past %lld", (unsigned long long)g->sensor,
		    (long long)PED_INT_MAX);
	g->count += rec->count;
	/* The latest record names the group; a tie goes to the later row. */
	if (at >= g->name_at) {
		const struct name *cur = &agg->names[g->name];

		g->name_at = at;
		if (cur->len != rec->name_len ||
		    memcmp(cur->s, rec->name, rec->name_len) != 0)
			g->name = intern_name(agg, rec->name, rec->name_len);
	}
}

/* Names repeat across groups: keep one copy of each. */
static size_t
intern_name(struct agg *agg, const char *s, size_t len)
{
	struct htab_slot *slot;
	int isnew;

	slot = htab_put(&agg->names_by_text, s, len, &isnew);
	if (!isnew)
		return slot->value;
	if (agg->nnames == agg->capnames) {
		agg->capnames = agg->capnames ? agg->capnames * 2 : 256;
		agg->names = xreallocarray(agg->names, agg->capnames,
		    sizeof(*agg->names));
	}
	/* The table's copy of the key outlives every group. */
	agg->names[agg->nnames].s = slot->key;
	agg->names[agg->nnames].len = len;
	slot->value = agg->nnames;
	return agg->nnames++;
}

static int
group_cmp(const void *a, const void *b)
{
	const struct group *x = a, *y = b;

	if (x->key != y->key)
		return x->key < y->key ? -1 : 1;
	if (x->sensor != y->sensor)
		return x->sensor < y->sensor ? -1 : 1;
	return 0;
}

static void
write_groups(struct agg *agg, int header)
{
	char pbuf[PERIOD_BUFSZ];
	struct period p;
	size_t i;

	if (agg->ngroups > 0)	/* qsort(3) takes no NULL, even for none */
		qsort(agg->groups, agg->ngroups, sizeof(*agg->groups),
		    group_cmp);
	if (header)
		puts(TSV_HEADER);
	for (i = 0; i < agg->ngroups; i++) {
		const struct group *g = &agg->groups[i];
		const struct name *n = &agg->names[g->name];

		period_from_key(g->key, &p);
		fwrite(pbuf, 1, period_format(&p, pbuf), stdout);
		printf("\t%llu\t", (unsigned long long)g->sensor);
		tsv_put_escaped(stdout, n->s, n->len);
		printf("\t%llu\n", (unsigned long long)g->count);
	}
}

static void
free_agg(struct agg *agg)
{
	htab_free(&agg->groups_by_key);
	htab_free(&agg->names_by_text);
	free(agg->groups);
	free(agg->names);
}

static void
usage(int status)
{
	usage_exit(status,
	    "usage: ped-agg [-b hour|day|month|year|weekday|monthname] "
	    "[--no-header] [file ...]",
	    "  -b, --by PERIOD   period to sum by: hour, day (default), month, year,\n"
	    "                    weekday or monthname\n"
	    "      --no-header   write no header line\n"
	    "      --help        print this help and exit\n"
	    "      --version     print the version and exit\n"
	    "Reads normalised TSV from the files or stdin (-); see ped-agg(1).\n");
}
