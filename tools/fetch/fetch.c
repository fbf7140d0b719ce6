/*
 * ped-fetch: read the City of Melbourne pedestrian counts in any of the
 * shapes they were published in (legacy Socrata CSV and SODA CSV/JSON,
 * three Opendatasoft generations, gzip or not, from a file, stdin or a
 * URL) and write the normalised TSV of common/tsv.h.
 *
 * Nothing is silently lost: a row that cannot be converted stops the
 * run (exit 65) unless --skip-bad, which skips it and says so.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "fetch.h"
#include "history.h"
#include "htab.h"
#include "num.h"
#include "output.h"
#include "progress.h"
#include "quote.h"
#include "soda.h"
#include "source.h"
#include "usage.h"
#include "version.h"
#include "xalloc.h"

#define SHOWN_BAD	5	/* skipped rows quoted verbatim */
#define VERBATIM_MAX	200	/* bytes of a skipped row quoted */

struct fetch {
	struct fetch_options	 o;
	enum schema		 schema;
	enum container		 container;
	int			 skip_bad;
	enum dup_policy		 dup_policy;
	struct source		*src;
	struct emitter		*em;
	unsigned long long	 read, skipped;
	int			 summary;	/* --summary: -v's last line only */
	/* --since/--until as day keys (period_instant), 0 when unset. */
	const char		*since, *until;
	uint64_t		 since_at, until_at;
	unsigned long long	 filtered;
	const char		*soda_url;	/* --soda URL */
	struct soda_options	 so;
	int			 ods;		/* --ods */
	const char		*locations_spec; /* --locations SOURCE */
	struct locations	*loc;
	unsigned long long	 renamed;
	/* --history and what one source of it gave (see run_history). */
	int			 history, no_cache, header;
	const char		*archive_url, *ods_url, *cache_dir;
	enum schema		 want_schema;
	enum container		 want_container;
	uint64_t		 after_at;	/* drop days up to this one */
	unsigned long long	 overlap;
	uint64_t		 seen_last;	/* all rows, before filters */
	uint64_t		 kept_first, kept_last;
	unsigned long long	 kept;
};

enum {
	OPT_SINCE = 256, OPT_UNTIL, OPT_SODA, OPT_PAGE_SIZE, OPT_JOBS,
	OPT_WHERE, OPT_ODS, OPT_LOCATIONS, OPT_MEMBER, OPT_HISTORY,
	OPT_ARCHIVE_URL, OPT_ODS_URL, OPT_CACHE, OPT_NO_CACHE, OPT_DUPLICATES,
	OPT_SUMMARY
};

static void	 parse_options(struct fetch *, int, char *[], int *);
static uint64_t	 date_option(const char *, const char *);
static void	 open_input(struct fetch *, const char *);
static void	 read_source(struct fetch *);
static void	 run_history(struct fetch *);
static size_t	 input_read(void *, void *, size_t);
static void	 run_csv(struct fetch *);
static void	 run_json(struct fetch *);
static int	 convert(struct fetch *, const struct row *, char *);
static void	 bad_row(struct fetch *, unsigned long, const char *,
		    const char *, size_t);
static noreturn void data_error(struct fetch *, unsigned long,
		    const char *);
static void	 finish(struct fetch *);
static noreturn void usage(int);

static const struct option longopts[] = {
	{ "archive-url",	required_argument,	NULL, OPT_ARCHIVE_URL },
	{ "cache",		required_argument,	NULL, OPT_CACHE },
	{ "cacert",		required_argument,	NULL, 'C' },
	{ "connect-timeout",	required_argument,	NULL, 'T' },
	{ "duplicates",		required_argument,	NULL, OPT_DUPLICATES },
	{ "format",		required_argument,	NULL, 'F' },
	{ "help",		no_argument,		NULL, 'h' },
	{ "history",		no_argument,		NULL, OPT_HISTORY },
	{ "jobs",		required_argument,	NULL, OPT_JOBS },
	{ "locations",		required_argument,	NULL, OPT_LOCATIONS },
	{ "max-time",		required_argument,	NULL, 'M' },
	{ "member",		required_argument,	NULL, OPT_MEMBER },
	{ "no-cache",		no_argument,		NULL, OPT_NO_CACHE },
	{ "no-header",		no_argument,		NULL, 'H' },
	{ "ods",		no_argument,		NULL, OPT_ODS },
	{ "ods-url",		required_argument,	NULL, OPT_ODS_URL },
	{ "page-size",		required_argument,	NULL, OPT_PAGE_SIZE },
	{ "progress",		no_argument,		NULL, 'P' },
	{ "retries",		required_argument,	NULL, 'R' },
	{ "since",		required_argument,	NULL, OPT_SINCE },
	{ "skip-bad",		no_argument,		NULL, 'S' },
	{ "summary",		no_argument,		NULL, OPT_SUMMARY },
	{ "soda",		required_argument,	NULL, OPT_SODA },
	{ "until",		required_argument,	NULL, OPT_UNTIL },
	{ "version",		no_argument,		NULL, 'V' },
	{ "where",		required_argument,	NULL, OPT_WHERE },
	{ NULL,			0,			NULL, 0 }
};

int
main(int argc, char *argv[])
{
	struct fetch *f;
	int header = 1;

	set_progname(argv[0]);	/* first: even "out of memory" names us */
	f = xcalloc(1, sizeof(*f));
	output_init();
	parse_options(f, argc, argv, &header);
	f->want_schema = f->schema;
	f->want_container = f->container;
	f->header = header;
	if (f->locations_spec != NULL)
		f->loc = locations_load(f->locations_spec, &f->o);
	if (f->history)
		run_history(f);
	else {
		open_input(f, argv[optind]);
		read_source(f);
	}
	emit_finish(f->em);
	emit_flush(f->em);
	finish(f);
	emit_free(f->em);
	source_close(f->src);
	locations_free(f->loc);
	free(f);
	close_stdout();
	return EXIT_OK;
}

static void
parse_options(struct fetch *f, int argc, char *argv[], int *header)
{
	int ch;

	f->o.retries = 5;
	f->o.progress = -1;
	while ((ch = getopt_long(argc, argv, "qv", longopts, NULL)) != -1) {
		switch (ch) {
		case 'C':
			f->o.cacert = optarg;
			break;
		case 'F':
			if (schema_from_name(optarg, &f->schema,
			    &f->container) != 0)
				die(EXIT_USAGE,
				    "--format: unknown format %s",
				    quote_str(optarg));
			break;
		case 'H':
			*header = 0;
			break;
		case 'M':
			f->o.max_time = (long)option_uint("--max-time",
			    "seconds", optarg, 1, 1000000);
			break;
		case 'P':
			f->o.progress = 1;
			break;
		case 'R':
			f->o.retries = (unsigned)option_uint("--retries",
			    "count", optarg, 0, 100);
			break;
		case 'S':
			f->skip_bad = 1;
			break;
		case 'T':
			f->o.connect_timeout = (long)option_uint(
			    "--connect-timeout", "seconds", optarg, 1, 1000000);
			break;
		case 'h':
			usage(EXIT_OK);
		case 'q':
			f->o.quiet = 1;
			break;
		case 'v':
			f->o.verbose = 1;
			break;
		case OPT_SUMMARY:
			f->summary = 1;
			break;
		case 'V':
			print_version();
		case OPT_SINCE:
			f->since = optarg;
			f->since_at = date_option("--since", optarg);
			break;
		case OPT_UNTIL:
			f->until = optarg;
			f->until_at = date_option("--until", optarg);
			break;
		case OPT_SODA:
			f->soda_url = optarg;
			break;
		case OPT_PAGE_SIZE:
			f->so.page_size = (unsigned long)option_uint(
			    "--page-size", "page size", optarg, 1, 10000000);
			break;
		case OPT_JOBS:
			f->so.jobs = (unsigned)option_uint("--jobs", "count",
			    optarg, 1, SODA_JOBS_MAX);
			break;
		case OPT_WHERE:
			f->so.where = optarg;
			break;
		case OPT_ODS:
			f->ods = 1;
			break;
		case OPT_LOCATIONS:
			f->locations_spec = optarg;
			break;
		case OPT_MEMBER:
			f->o.member = optarg;
			break;
		case OPT_HISTORY:
			f->history = 1;
			break;
		case OPT_ARCHIVE_URL:
			f->archive_url = optarg;
			break;
		case OPT_ODS_URL:
			f->ods_url = optarg;
			break;
		case OPT_CACHE:
			f->cache_dir = optarg;
			break;
		case OPT_NO_CACHE:
			f->no_cache = 1;
			break;
		case OPT_DUPLICATES:
			if (dup_policy_from_name(optarg, &f->dup_policy) != 0)
				die(EXIT_USAGE, "--duplicates: unknown policy "
				    "%s (first, last, max, sum or error)",
				    quote_str(optarg));
			break;
		default:
			usage(EXIT_USAGE);
		}
	}
	if (argc - optind > 1)
		usage(EXIT_USAGE);
	/* --soda URL is the source: a SOURCE as well is ambiguous. */
	if (f->soda_url != NULL && (argc - optind > 0 || f->ods))
		usage(EXIT_USAGE);
	/* --history reads its own two sources. */
	if (f->history && (argc - optind > 0 || f->ods || f->soda_url != NULL))
		usage(EXIT_USAGE);
	if ((f->archive_url || f->ods_url || f->cache_dir || f->no_cache) &&
	    !f->history)
		die(EXIT_USAGE, "--archive-url, --ods-url, --cache and "
		    "--no-cache go with --history");
	if ((f->so.page_size || f->so.jobs || f->so.where) &&
	    f->soda_url == NULL)
		die(EXIT_USAGE, "--page-size, --jobs and --where go with --soda");
	if (f->since_at && f->until_at && f->since_at > f->until_at)
		die(EXIT_USAGE, "--since %s is after --until %s", f->since,
		    f->until);
	if (f->o.quiet)
		f->o.progress = 0;
}

/* A YYYY-MM-DD option as a day key; a bad date is a usage error. */
static uint64_t
date_option(const char *opt, const char *arg)
{
	struct period p;

	if (period_parse(arg, strlen(arg), &p) != 0 ||
	    p.kind != PERIOD_DAY)
		die(EXIT_USAGE, "%s: invalid date %s", opt, quote_str(arg));
	return period_instant(&p);
}

/*
 * The source: --soda pages the SODA API, --ods or an Explore API URL
 * streams an Opendatasoft export (--since/--until pushed to the server
 * in both), anything else is a file, stdin or URL read as it is.
 */
static void
open_input(struct fetch *f, const char *spec)
{
	char *url;

	if (f->soda_url != NULL) {
		f->so.since = f->since;
		f->so.until = f->until;
		if (f->so.page_size == 0)
			f->so.page_size = SODA_PAGE_SIZE;
		if (f->so.jobs == 0)
			f->so.jobs = SODA_JOBS;
		f->src = source_open_soda(f->soda_url, &f->so, &f->o);
	} else if ((f->ods && spec == NULL) || ods_is_url(spec)) {
		url = ods_export_url(spec, f->since, f->until);
		f->src = source_open(url, &f->o);
		free(url);
	} else
		f->src = source_open(spec, &f->o);
}

/* Reads f->src to its end, in the schema its header or keys show. */
static void
read_source(struct fetch *f)
{
	enum container container;

	f->src = source_sniff(f->src, &container);
	if (container == CONTAINER_AUTO)
		/* An empty download must not pass for an empty dataset. */
		die(EXIT_DATA, "%s: empty input", f->src->name);
	progress_start(f->src, &f->o);
	if (f->em == NULL)	/* not before the first source answered */
		f->em = emit_new(f->header, f->dup_policy);
	f->schema = f->want_schema;
	f->container = f->want_container != CONTAINER_AUTO ?
	    f->want_container : container;
	f->seen_last = f->kept_first = f->kept_last = 0;
	f->kept = 0;
	if (f->container == CONTAINER_JSON)
		run_json(f);
	else
		run_csv(f);
	progress_end();
}

/* -v: what one source of --history gave. */
static void
source_report(struct fetch *f, const char *what)
{
	char a[PERIOD_BUFSZ], b[PERIOD_BUFSZ];

	if (!f->o.verbose)
		return;
	if (f->kept == 0) {
		warn_msg("%s %s: no rows kept", what, f->src->name);
		return;
	}
	instant_format(f->kept_first, 1, a);
	instant_format(f->kept_last, 1, b);
	warn_msg("%s %s: %llu rows, %s to %s", what, f->src->name, f->kept,
	    a, b);
}

/*
 * Always said, whatever -q: whole days from the first day the live table
 * was asked for (the day after the archive's, or --since) that neither
 * source has. A hole in the history is not a detail.
 */
static void
gap_warning(struct fetch *f, uint64_t from)
{
	char a[PERIOD_BUFSZ], b[PERIOD_BUFSZ];

	if (from == 0)
		return;
	instant_format(from, 0, a);
	if (f->kept > 0 && (f->kept_first & ~(uint64_t)0xff) > from) {
		instant_format(instant_prev_hour(f->kept_first &
		    ~(uint64_t)0xff), 0, b);
		warn_msg("warning: no data from %s to %s in either source", a,
		    b);
	} else if (f->kept == 0 && f->until_at)
		warn_msg("warning: no data from %s to %s in either source", a,
		    f->until);
	else if (f->kept == 0)
		warn_msg("warning: no data from %s on in either source", a);
}

/*
 * --history: the archive, then the live table from the day after the
 * archive's last day, so each hour comes from one source. --since and
 * --until decide which are read: a range before the archive's end never
 * asks the live API, one after it never downloads the archive.
 */
static void
run_history(struct fetch *f)
{
	struct history h;
	struct source *archive = NULL;
	uint64_t end, from;
	char day[PERIOD_BUFSZ];
	char *url;
	int live;

	history_init(&h, f->archive_url, f->ods_url, f->cache_dir,
	    f->no_cache, &f->o);
	end = h.known_end;
	if (!(f->since_at && end && f->since_at > end)) {
		f->src = history_open_archive(&h, &f->o);
		read_source(f);
		if (f->seen_last != 0) {
			end = f->seen_last & ~(uint64_t)0xff;
			history_archive_read(&h, end);
		}
		source_report(f, "archive");
		archive = f->src;
	} else if (f->o.verbose)
		warn_msg("archive: not read, --since is after its last day");
	live = !(f->until_at && end && f->until_at <= end);
	if (live) {
		from = end ? instant_next_day(end) : 0;
		if (f->since_at > from)
			from = f->since_at;
		if (from)
			instant_format(from, 0, day);
		url = ods_export_url(h.ods_url, from ? day : NULL, f->until);
		f->after_at = end;
		f->src = source_open(url, &f->o);
		free(url);
		read_source(f);
		source_report(f, "live");
		if (f->o.verbose && f->overlap > 0)
			warn_msg("live %s: %llu rows on or before the archive's "
			    "last day left out", f->src->name, f->overlap);
		gap_warning(f, from);
		source_close(archive);	/* f->src stays open for finish() */
	} else if (f->o.verbose)
		warn_msg("live: not read, --until is before the archive's "
		    "last day");
	history_free(&h);
}

/* The readers' byte source. */
static size_t
input_read(void *ctx, void *buf, size_t n)
{
	struct fetch *f = ctx;

	return f->src->read(f->src, buf, n);
}

/* Writes a CSV row back, as far as VERBATIM_MAX bytes; the length. */
static size_t
csv_verbatim(const struct csv_field *fl, size_t n, char delim, char *out)
{
	size_t i, j, o = 0;

	for (i = 0; i < n && o < VERBATIM_MAX; i++) {
		int q = memchr(fl[i].s, delim, fl[i].len) != NULL ||
		    memchr(fl[i].s, '"', fl[i].len) != NULL ||
		    memchr(fl[i].s, '\n', fl[i].len) != NULL;

		if (i > 0)
			out[o++] = delim;
		if (q)
			out[o++] = '"';
		for (j = 0; j < fl[i].len && o < VERBATIM_MAX; j++) {
			if (fl[i].s[j] == '"')
				out[o++] = '"';
			out[o++] = fl[i].s[j] == '\n' ? ' ' : fl[i].s[j];
		}
		if (q)
			out[o++] = '"';
	}
	out[o] = '\0';
	return o;
}

static void
csv_header(struct fetch *f, struct csv_reader *r, struct schema_map *m)
{
	struct csv_field *fl;
	size_t n;
	char why[WHY_SIZE];
	int rc;

	if ((rc = csv_reader_next(r, &fl, &n)) == 0) {
		progress_end();
		die(EXIT_DATA, "%s: empty input", f->src->name);
	}
	if (rc < 0 || schema_detect(fl, n, f->schema, m, why) != 0)
		data_error(f, csv_reader_line(r),
		    rc < 0 ? csv_reader_error(r) : why);
	f->schema = m->schema;
}

static void
run_csv(struct fetch *f)
{
	struct csv_reader *r = csv_reader_new(input_read, f, 0);
	struct schema_map m;
	struct csv_field *fl;
	struct row row;
	size_t n, len;
	char why[WHY_SIZE], text[VERBATIM_MAX + 8];
	int c, rc, used[NCOLS], nused = 0, i;

	csv_header(f, r, &m);
	/* The columns this header has; the others stay NULL in every row. */
	memset(row.f, 0, sizeof(row.f));
	for (c = 0; c < NCOLS; c++)
		if (m.col[c] >= 0)
			used[nused++] = c;
	while ((rc = csv_reader_next(r, &fl, &n)) > 0) {
		row.line = csv_reader_line(r);
		if (n != m.width) {
			snprintf(why, sizeof(why), "expected %zu fields, "
			    "found %zu", m.width, n);
			len = csv_verbatim(fl, n, csv_reader_delim(r), text);
			f->read++;
			bad_row(f, row.line, why, text, len);
			continue;
		}
		for (i = 0; i < nused; i++)
			row.f[used[i]] = fl[m.col[used[i]]];
		if (convert(f, &row, why) != 0) {
			len = csv_verbatim(fl, n, csv_reader_delim(r), text);
			bad_row(f, row.line, why, text, len);
		}
	}
	if (rc < 0)
		data_error(f, csv_reader_line(r), csv_reader_error(r));
	csv_reader_free(r);
}

/*
 * Takes a JSON value as text: strings, and numbers, which json.c hands
 * over as strings of their own digits (ODS exports write counts so).
 */
static int
json_field(const cJSON *v, struct csv_field *out)
{
	if (cJSON_IsString(v)) {
		out->s = v->valuestring;
		out->len = strlen(v->valuestring);
	} else if (!cJSON_IsNull(v))
		return -1;
	return 0;
}

/* The row of an object whose keys name columns of f->schema. */
static int
json_row(struct fetch *f, const cJSON *obj, struct row *row, char *why)
{
	const cJSON *v;
	int c;

	memset(row->f, 0, sizeof(row->f));
	cJSON_ArrayForEach(v, obj) {
		c = schema_column(f->schema, v->string, strlen(v->string));
		if (c < 0 || row->f[c].s != NULL)
			continue;
		if (json_field(v, &row->f[c]) != 0) {
			snprintf(why, WHY_SIZE, "bad value for %s",
			    quote_str(v->string));
			return -1;
		}
	}
	return 0;
}

/* The first object's keys decide the schema, as a CSV header does. */
static void
json_schema(struct fetch *f, const cJSON *obj, unsigned long line)
{
	struct csv_field *names;
	struct schema_map m;
	const cJSON *v;
	size_t n = 0;
	char why[WHY_SIZE];

	names = xreallocarray(NULL, (size_t)cJSON_GetArraySize(obj) + 1,
	    sizeof(*names));
	cJSON_ArrayForEach(v, obj) {
		names[n].s = v->string;
		names[n++].len = strlen(v->string);
	}
	if (schema_detect(names, n, f->schema, &m, why) != 0) {
		data_error(f, line, why);
	}
	free(names);
	f->schema = m.schema;
}

static size_t
json_verbatim(const cJSON *obj, char *out)
{
	char *s = cJSON_PrintUnformatted(obj);
	size_t len = s ? strlen(s) : 0;

	if (len > VERBATIM_MAX)
		len = VERBATIM_MAX;
	memcpy(out, s ? s : "", len);
	out[len] = '\0';
	free(s);
	return len;
}

static void
run_json(struct fetch *f)
{
	struct json_reader *j = json_reader_new(input_read, f);
	struct row row;
	size_t len;
	cJSON *obj;
	char why[WHY_SIZE], text[VERBATIM_MAX + 8];
	int rc, first = 1;

	while ((rc = json_reader_next(j, &obj)) > 0) {
		row.line = json_reader_line(j);
		if (first)
			json_schema(f, obj, row.line);
		first = 0;
		if (json_row(f, obj, &row, why) != 0) {
			f->read++;
			len = json_verbatim(obj, text);
			bad_row(f, row.line, why, text, len);
		} else if (convert(f, &row, why) != 0) {
			len = json_verbatim(obj, text);
			bad_row(f, row.line, why, text, len);
		}
		cJSON_Delete(obj);
	}
	if (rc < 0) {
		data_error(f, json_reader_line(j), json_reader_error(j));
	}
	json_reader_free(j);
}

/* Converts and writes a row; -1 with the reason in why. */
static int
convert(struct fetch *f, const struct row *row, char *why)
{
	struct record rec;

	const char *name;
	uint64_t at, day;
	size_t len;

	f->read++;
	if (row_convert(f->schema, row, &rec, why) != 0)
		return -1;
	at = period_instant(&rec.period);
	if (at > f->seen_last)
		f->seen_last = at;
	day = at & ~(uint64_t)0xff;
	if ((f->since_at && day < f->since_at) ||
	    (f->until_at && day > f->until_at)) {
		f->filtered++;
		return 0;
	}
	if (f->after_at && day <= f->after_at) {
		f->overlap++;
		return 0;
	}
	if (f->kept++ == 0 || at < f->kept_first)
		f->kept_first = at;
	if (at > f->kept_last)
		f->kept_last = at;
	if (f->loc != NULL &&
	    (name = locations_name(f->loc, rec.sensor_id, &len)) != NULL) {
		rec.name = name;
		rec.name_len = len;
		rec.namehash = htab_hash(name, len);
		f->renamed++;
	}
	if (emit_record(f->em, &rec, why) != 0)
		data_error(f, row->line, why);
	progress_tick(f->read);
	return 0;
}

static void
bad_row(struct fetch *f, unsigned long line, const char *why,
    const char *text, size_t len)
{
	if (!f->skip_bad)
		data_error(f, line, why);
	if (++f->skipped <= SHOWN_BAD && !f->o.quiet) {
		progress_end();		/* a later tick draws it again */
		warn_msg("%s:%lu: %s, skipped: %s", f->src->name, line, why,
		    quote(text, len));
	}
}

/* Ends the run at bad data, after the rows already converted. */
static noreturn void
data_error(struct fetch *f, unsigned long line, const char *why)
{
	progress_end();
	if (f->em != NULL)
		emit_flush(f->em);
	die_data(f->src->name, line, "%s", why);
}

static void
finish(struct fetch *f)
{
	if (!f->o.quiet)
		emit_warn_dups(f->em);
	if (!f->o.quiet && f->skipped > 0)
		warn_msg("%s: skipped %llu bad rows", f->src->name,
		    f->skipped);
	if (f->o.verbose) {
		warn_msg("%s: format %s-%s", f->src->name,
		    schema_name(f->schema),
		    f->container == CONTAINER_JSON ? "json" : "csv");
		if (f->since_at || f->until_at)
			warn_msg("%s: %llu rows outside --since/--until",
			    f->src->name, f->filtered);
		if (f->loc != NULL)
			warn_msg("%s: %zu locations; %llu rows named, %llu "
			    "sensor ids without a location kept their name",
			    locations_source(f->loc), locations_count(f->loc),
			    f->renamed, locations_unknown(f->loc));
	}
	/* Last: ped-pipeline ends with this line. */
	if (f->o.verbose || f->summary)
		emit_summary(f->em, f->read, f->skipped);
}

static void
usage(int status)
{
	usage_exit(status,
	    "usage: ped-fetch [--format F] [--skip-bad] [--duplicates POLICY] "
	    "[-q] [-v] [--summary] [--progress]\n"
	    "                 [--cacert FILE] [--connect-timeout SECS] "
	    "[--max-time SECS] [--retries N]\n"
	    "                 [--no-header] [--since DATE] [--until DATE] "
	    "[--locations SOURCE]\n"
	    "                 [--member NAME]\n"
	    "                 [--ods | --soda URL [--page-size N] [--jobs N] "
	    "[--where SOQL] |\n"
	    "                  --history [--archive-url URL] [--ods-url URL] "
	    "[--cache DIR | --no-cache]]\n"
	    "                 [SOURCE]",
	    "SOURCE is a file, - (stdin, the default) or an http(s):// URL.\n"
	    "      --format F            force the schema: socrata, ods2023, ods\n"
	    "      --skip-bad            skip rows that cannot be converted (warn)\n"
	    "      --duplicates POLICY   one row per hour and sensor: first (default),\n"
	    "                            last, max, sum or error\n"
	    "  -q                        no warnings or progress, errors only\n"
	    "  -v                        print the format, notes and a summary line\n"
	    "      --summary             print only -v's summary line\n"
	    "      --progress            show progress even when stderr is no terminal\n"
	    "      --cacert FILE         trust the CA certificates in FILE\n"
	    "      --connect-timeout SECS  give up connecting after SECS\n"
	    "      --max-time SECS       give up the whole fetch after SECS\n"
	    "      --retries N           retry failed requests N times (default 5)\n"
	    "      --no-header           write no header line\n"
	    "      --since DATE          only rows on or after DATE (YYYY-MM-DD)\n"
	    "      --until DATE          only rows on or before DATE (YYYY-MM-DD)\n"
	    "      --locations SOURCE    name sensors from a sensor-locations dataset\n"
	    "      --member NAME         the member of a ZIP archive to read\n"
	    "      --ods                 read the Opendatasoft export (default: the\n"
	    "                            live City of Melbourne dataset)\n"
	    "      --soda URL            page a Socrata SODA endpoint\n"
	    "      --page-size N         SODA rows per page (default 50000)\n"
	    "      --jobs N              SODA pages fetched at once (default 4)\n"
	    "      --where SOQL          extra SODA $where clause\n"
	    "      --history             the 2009-2022 archive, then the live table\n"
	    "      --archive-url URL     the archive (default: the City's ZIP)\n"
	    "      --ods-url URL         the live Explore v2.1 dataset URL\n"
	    "      --cache DIR           cache the archive in DIR (default\n"
	    "                            $XDG_CACHE_HOME/ped)\n"
	    "      --no-cache            download the archive every time\n"
	    "      --help                print this help and exit\n"
	    "      --version             print the version and exit\n"
	    "See ped-fetch(1).\n");
}
