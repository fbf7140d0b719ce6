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
#include "num.h"
#include "output.h"
#include "pairmap.h"
#include "period.h"
#include "quote.h"
#include "tsv.h"
#include "usage.h"
#include "version.h"
#include "xalloc.h"

struct group {
	uint64_t	 key;		/* period_key() of the truncated period */
	uint64_t	 sensor_id;
	uint64_t	 count;
};

/*
 * A sensor id names all its groups: the latest name (by period, then
 * input order) of the whole input. Replaced names are freed, so memory
 * grows with sensors and groups, not rows.
 */
struct sensor {
	uint64_t	 id;
	char		*name;		/* owned; escaped before the output */
	size_t		 name_len, name_cap;
	uint64_t	 name_at;	/* the name row's instant (0: pooled) */
	uint64_t	 last_key;	/* the group last added to */
	size_t		 last_group;	/* index + 1; 0: none yet */
};

/* Sensor ids below this are found by index, the rest by hash. */
#define DIRECT_MAX	65536

/*
 * Time-ordered input needs no lookup of groups by key: while the period
 * is the latest yet and its rows have come in one run, a sensor's group
 * is its last one or a new one. Such groups go into groups_by_key only
 * when a row out of order needs it (groups[0..indexed) are there).
 */
struct agg {
	enum period_kind by;
	struct pairmap	 groups_by_key;	/* (period key, sensor_id) -> group */
	size_t		 indexed;
	struct group	*groups;
	size_t		 ngroups, capgroups;
	uint64_t	 max_key;	/* the latest period key yet */
	int		 fresh;		/* cur_key is max_key, in one run */
	int		 started;
	size_t		*direct;	/* sensor_id -> index + 1 */
	struct pairmap	 sensors_by_id;	/* (sensor_id, 0) -> index */
	struct sensor	*sensors;
	size_t		 nsensors, capsensors;
	uint64_t	 cur_key;	/* the last record's truncated period */
	uint64_t	 cur_at;	/* and the instant naming goes by */
};

static void	 add_record(const struct tsv_record *, const struct line_reader *,
		    void *);
static struct sensor *sensor_for(struct agg *, uint64_t);
static struct sensor *sensor_get(const struct agg *, uint64_t);
static struct group *new_group(struct agg *, uint64_t);
static void	 set_name(struct sensor *, const char *, size_t);
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
				die(EXIT_USAGE, "-b: unknown period %s "
				    "(hour, day, month, year, weekday, "
				    "monthname)", quote_str(optarg));
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
	pairmap_init(&agg.groups_by_key);
	pairmap_init(&agg.sensors_by_id);
	agg.direct = xcalloc(DIRECT_MAX, sizeof(*agg.direct));
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
	struct sensor *s;
	uint64_t prev = agg->cur_key;
	size_t *slot;
	int isnew;

	/* Time-ordered input repeats a period for every sensor. */
	if (!rec->period_same || !agg->started) {
		if (period_truncate(&rec->period, agg->by, &p) != 0)
			die_data(lr->name, lr->lineno, "cannot aggregate %s "
			    "period %s by %s",
			    period_kind_name(rec->period.kind),
			    quote(rec->period_text, rec->period_len),
			    period_kind_name(agg->by));
		agg->cur_key = period_key(&p);
		/*
		 * Pooled periods have no order in time: input order names
		 * them, so aggregated parts combine like the whole.
		 */
		agg->cur_at = rec->period.kind == PERIOD_WEEKDAY ||
		    rec->period.kind == PERIOD_MONTHNAME ? 0 :
		    period_instant(&rec->period);
		if (!agg->started || agg->cur_key > agg->max_key) {
			agg->max_key = agg->cur_key;
			agg->fresh = 1;
		} else if (agg->cur_key != prev)
			agg->fresh = 0;
		agg->started = 1;
	}
	s = sensor_for(agg, rec->sensor_id);
	if (s->last_group != 0 && s->last_key == agg->cur_key) {
		g = &agg->groups[s->last_group - 1];
	} else if (agg->fresh) {
		g = new_group(agg, rec->sensor_id);
		s->last_key = agg->cur_key;
		s->last_group = agg->ngroups;
	} else {
		for (; agg->indexed < agg->ngroups; agg->indexed++) {
			g = &agg->groups[agg->indexed];
			*pairmap_put(&agg->groups_by_key, g->key, g->sensor_id,
			    &isnew) = agg->indexed;
		}
		slot = pairmap_put(&agg->groups_by_key, agg->cur_key,
		    rec->sensor_id, &isnew);
		if (isnew) {
			*slot = agg->ngroups;
			g = new_group(agg, rec->sensor_id);
			agg->indexed = agg->ngroups;
		} else
			g = &agg->groups[*slot];
		s->last_key = agg->cur_key;
		s->last_group = (size_t)(g - agg->groups) + 1;
	}
	if (rec->count > PED_INT_MAX - g->count)
		die_data(lr->name, lr->lineno, "count overflow: sensor %llu "
		    "sums past %lld", (unsigned long long)g->sensor_id,
		    (long long)PED_INT_MAX);
	g->count += rec->count;
	/* The latest record names the sensor; a tie goes to the later row. */
	if (agg->cur_at >= s->name_at) {
		s->name_at = agg->cur_at;
		if (s->name_len != rec->name_len ||
		    memcmp(s->name, rec->name, rec->name_len) != 0)
			set_name(s, rec->name, rec->name_len);
	}
}

static struct group *
new_group(struct agg *agg, uint64_t sensor_id)
{
	struct group *g;

	if (agg->ngroups == agg->capgroups) {
		agg->capgroups = agg->capgroups ? agg->capgroups * 2 : 1024;
		agg->groups = xreallocarray(agg->groups, agg->capgroups,
		    sizeof(*agg->groups));
	}
	g = &agg->groups[agg->ngroups++];
	g->key = agg->cur_key;
	g->sensor_id = sensor_id;
	g->count = 0;
	return g;
}

/* The sensor of an id seen before. */
static struct sensor *
sensor_get(const struct agg *agg, uint64_t id)
{
	if (id < DIRECT_MAX)
		return &agg->sensors[agg->direct[id] - 1];
	return &agg->sensors[*pairmap_get(&agg->sensors_by_id, id, 0)];
}

static struct sensor *
sensor_for(struct agg *agg, uint64_t id)
{
	struct sensor *s;
	size_t *slot, i;
	int isnew;

	if (id < DIRECT_MAX) {
		if (agg->direct[id] != 0)
			return &agg->sensors[agg->direct[id] - 1];
		slot = NULL;
	} else {
		slot = pairmap_put(&agg->sensors_by_id, id, 0, &isnew);
		if (!isnew)
			return &agg->sensors[*slot];
	}
	if (agg->nsensors == agg->capsensors) {
		agg->capsensors = agg->capsensors ? agg->capsensors * 2 : 256;
		agg->sensors = xreallocarray(agg->sensors, agg->capsensors,
		    sizeof(*agg->sensors));
	}
	i = agg->nsensors++;
	if (slot != NULL)
		*slot = i;
	else
		agg->direct[id] = i + 1;
	s = &agg->sensors[i];
	memset(s, 0, sizeof(*s));
	s->id = id;
	/* The first row names it whatever its instant. */
	s->name = xmalloc(1);
	return s;
}

/* Replaces the name, reusing its memory unless far too big for it. */
static void
set_name(struct sensor *s, const char *name, size_t len)
{
	if (len > s->name_cap || len < s->name_cap / 4) {
		free(s->name);
		s->name = xmalloc(len + 1);
		s->name_cap = len;
	}
	memcpy(s->name, name, len);
	s->name_len = len;
}

/* Escapes a name for the output, once per sensor. */
static void
escape_name(struct sensor *s)
{
	size_t i, extra = 0;
	char *e, *w;

	for (i = 0; i < s->name_len; i++)
		if (memchr("\t\n\r\\", s->name[i], 4) != NULL)
			extra++;
	if (extra == 0)
		return;
	e = w = xmalloc(s->name_len + extra + 1);
	for (i = 0; i < s->name_len; i++) {
		char c = s->name[i];

		switch (c) {
		case '\t': *w++ = '\\'; *w++ = 't'; break;
		case '\n': *w++ = '\\'; *w++ = 'n'; break;
		case '\r': *w++ = '\\'; *w++ = 'r'; break;
		case '\\': *w++ = '\\'; *w++ = '\\'; break;
		default:   *w++ = c; break;
		}
	}
	free(s->name);
	s->name = e;
	s->name_len = s->name_cap = (size_t)(w - e);
}

static int
group_cmp(const void *a, const void *b)
{
	const struct group *x = a, *y = b;

	if (x->key != y->key)
		return x->key < y->key ? -1 : 1;
	if (x->sensor_id != y->sensor_id)
		return x->sensor_id < y->sensor_id ? -1 : 1;
	return 0;
}

/* Output in 1 MiB blocks: one fwrite(3) for thousands of rows. */
#define OUT_BUFSZ	(1024 * 1024)

struct out {
	char	*buf;
	size_t	 len;
};

static void
out_flush(struct out *o)
{
	fwrite(o->buf, 1, o->len, stdout);
	o->len = 0;
	check_stdout();
}

static void
out_put(struct out *o, const void *p, size_t n)
{
	if (o->len + n > OUT_BUFSZ) {
		out_flush(o);
		if (n > OUT_BUFSZ) {
			fwrite(p, 1, n, stdout);
			return;
		}
	}
	memcpy(o->buf + o->len, p, n);
	o->len += n;
}

/* Writes '\t', v in decimal, then end (one byte). */
static void
out_num(struct out *o, uint64_t v, char end)
{
	char b[24], *e = b + sizeof(b), *q = e;

	*--q = end;
	do
		*--q = (char)('0' + v % 10);
	while ((v /= 10) != 0);
	*--q = '\t';
	out_put(o, q, (size_t)(e - q));
}

static void
write_groups(struct agg *agg, int header)
{
	char pbuf[PERIOD_BUFSZ];
	struct period p;
	struct out o;
	uint64_t key = 0;
	size_t i, plen = 0;

	for (i = 1; i < agg->ngroups; i++)
		if (group_cmp(&agg->groups[i - 1], &agg->groups[i]) > 0)
			break;
	if (i < agg->ngroups)	/* time-ordered input is sorted already */
		qsort(agg->groups, agg->ngroups, sizeof(*agg->groups),
		    group_cmp);
	for (i = 0; i < agg->nsensors; i++)
		escape_name(&agg->sensors[i]);
	o.buf = xmalloc(OUT_BUFSZ);
	o.len = 0;
	if (header)
		out_put(&o, TSV_HEADER "\n", sizeof(TSV_HEADER));
	for (i = 0; i < agg->ngroups; i++) {
		const struct group *g = &agg->groups[i];
		const struct sensor *s = sensor_get(agg, g->sensor_id);

		if (i == 0 || g->key != key) {
			key = g->key;
			period_from_key(key, &p);
			plen = period_format(&p, pbuf);
		}
		out_put(&o, pbuf, plen);
		out_num(&o, g->sensor_id, '\t');
		out_put(&o, s->name, s->name_len);
		out_num(&o, g->count, '\n');
	}
	out_flush(&o);
	free(o.buf);
}

static void
free_agg(struct agg *agg)
{
	size_t i;

	for (i = 0; i < agg->nsensors; i++)
		free(agg->sensors[i].name);
	pairmap_free(&agg->groups_by_key);
	pairmap_free(&agg->sensors_by_id);
	free(agg->groups);
	free(agg->sensors);
	free(agg->direct);
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
