/*
 * ped-s3put: upload a file or a stream to S3 (or an S3-compatible
 * store) the way the AWS CLI does: SigV4-signed through libcurl, the
 * AWS credential chain, multipart upload above a threshold with
 * Abort on failure, retries with backoff, S3's error codes reported.
 */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <libgen.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include <openssl/crypto.h>

#include "backoff.h"
#include "err.h"
#include "num.h"
#include "output.h"
#include "quote.h"
#include "s3put.h"
#include "usage.h"
#include "version.h"
#include "xalloc.h"

#define PART_DEFAULT	(16 * MIB)
#define JOBS_DEFAULT	4
#define RETRIES_DEFAULT	5
#define BASE_MS_DEFAULT	200

atomic_int s3_interrupted;

static struct s3 *running;	/* for the signal handler */

static unsigned	 no_answer_secs(void);
static uint64_t	 part_size(const char *);
static int	 upload(struct s3 *, const char *);
static noreturn void usage(int);

static const struct option longopts[] = {
	{ "content-type",	required_argument,	NULL, 'c' },
	{ "endpoint",		required_argument,	NULL, 'e' },
	{ "endpoint-url",	required_argument,	NULL, 'e' },
	{ "help",		no_argument,		NULL, 'h' },
	{ "jobs",		required_argument,	NULL, 'j' },
	{ "max-time",		required_argument,	NULL, 'm' },
	{ "part-size",		required_argument,	NULL, 'p' },
	{ "profile",		required_argument,	NULL, 'P' },
	{ "quiet",		no_argument,		NULL, 'q' },
	{ "region",		required_argument,	NULL, 'r' },
	{ "retries",		required_argument,	NULL, 'R' },
	{ "verbose",		no_argument,		NULL, 'v' },
	{ "version",		no_argument,		NULL, 'V' },
	{ NULL,			0,			NULL, 0 }
};

int
main(int argc, char *argv[])
{
	struct config cfg = { .part_size = PART_DEFAULT, .jobs = JOBS_DEFAULT,
	    .retries = RETRIES_DEFAULT };
	struct s3 s3 = { .cfg = &cfg };
	const char *region_opt = NULL;
	int ch, rc;

	set_progname(argv[0]);
	output_init();
	while ((ch = getopt_long(argc, argv, "qv", longopts, NULL)) != -1) {
		switch (ch) {
		case 'c':
			cfg.content_type = optarg;
			break;
		case 'e':
			cfg.endpoint = optarg;
			break;
		case 'h':
			usage(EXIT_OK);
		case 'j':
			cfg.jobs = option_uint("--jobs", "count", optarg, 1, 64);
			break;
		case 'm':
			cfg.max_time = option_uint("--max-time", "seconds",
			    optarg, 1, 7 * 24 * 3600);
			break;
		case 'p':
			cfg.part_size = part_size(optarg);
			break;
		case 'P':
			cfg.profile = optarg;
			break;
		case 'q':
			cfg.quiet = 1;
			break;
		case 'r':
			region_opt = optarg;
			break;
		case 'R':
			cfg.retries = option_uint("--retries", "count", optarg,
			    0, 100);
			break;
		case 'v':
			cfg.verbose = 1;
			break;
		case 'V':
			print_version();
		default:
			usage(EXIT_USAGE);
		}
	}
	argc -= optind;
	argv += optind;
	if (argc != 2)
		usage(EXIT_USAGE);

	cfg.base_ms = (unsigned)backoff_base_ms(BASE_MS_DEFAULT);
	cfg.no_answer = no_answer_secs();
	target_setup(&s3, &cfg, region_opt, argv[0], argv[1]);
	request_init(&s3);
	/*
	 * OpenSSL sets itself up on first use and does not survive an
	 * allocation failing in the middle (a NULL lock, a crash later):
	 * set it up here, where a failure can still be reported.
	 */
	if (!OPENSSL_init_crypto(0, NULL) || !hash_ready())
		die(EXIT_RUNTIME, "cannot initialise OpenSSL: out of memory");
	if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK)
		die(EXIT_RUNTIME, "cannot initialise libcurl");
	rc = upload(&s3, argv[0]);

	creds_free(&s3.cr);
	free(s3.name);
	free(s3.url);
	curl_global_cleanup();
	close_stdout();
	return rc == 0 ? EXIT_OK : EXIT_RUNTIME;
}

static void
on_signal(int sig)
{
	(void)sig;
	atomic_store(&s3_interrupted, 1);
	if (running != NULL)
		atomic_store(&running->stop, 1);
}

static void
catch_signals(struct s3 *s3)
{
	struct sigaction sa;

	running = s3;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	/* No SA_RESTART: a read of a quiet stdin must return. */
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	/*
	 * With CURLOPT_NOSIGNAL (needed with threads) libcurl leaves
	 * SIGPIPE alone; a server closing a TLS connection must give an
	 * error to retry, not kill the process. Nothing goes to stdout.
	 */
	signal(SIGPIPE, SIG_IGN);
}

static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* One PUT of a whole file, or of a stream that fit in one part. */
static int
single_put(struct s3 *s3, struct body *b)
{
	struct response r;
	char msg[512];
	CURL *h;
	int rc;

	if (body_hash(b) != 0) {
		warn_errno("%s: read error", s3->name);
		return -1;
	}
	if ((h = curl_easy_init()) == NULL)
		die(EXIT_RUNTIME, "cannot create a curl handle");
	rc = s3_request(s3, h, "PUT", "", b, s3->cfg->content_type, &r);
	curl_easy_cleanup(h);
	progress_end();
	if (rc != 0) {
		if (atomic_load(&s3_interrupted))
			snprintf(msg, sizeof(msg), "interrupted");
		else
			response_error(&r, msg, sizeof(msg));
		warn_msg("%s: %s", s3->name, msg);
	} else if ((rc = etag_check(&r, r.etag, b->md5hex, msg,
	    sizeof(msg))) != 0)
		warn_msg("%s: %s", s3->name, msg);
	else if (s3->cfg->verbose)
		warn_msg("%s: ETag %s %s", s3->name, etag_show(r.etag),
		    r.sse_opaque ? "(encrypted: not an MD5, not checked)" :
		    "verified");
	response_free(&r);
	return rc;
}

static int
upload_stream(struct s3 *s3, int fd, const char *name)
{
	struct body b = { 0 };
	char *buf = xmalloc(s3->cfg->part_size);
	ssize_t n;
	int rc;

	progress_start(s3, 0);
	if ((n = read_part(s3, fd, buf, s3->cfg->part_size)) < 0) {
		if (atomic_load(&s3_interrupted))
			warn_msg("%s: interrupted", s3->name);
		else if (errno == ETIMEDOUT)
			warn_msg("%s: --max-time of %u s reached while reading "
			    "%s", s3->name, s3->cfg->max_time, name);
		else
			warn_errno("%s", name);
		free(buf);
		return -1;
	}
	if ((uint64_t)n == s3->cfg->part_size)	/* more may follow */
		return multipart_upload(s3, fd, 0, 0, buf, n);
	b.mem = buf;
	b.len = n;
	b.data = 1;
	rc = single_put(s3, &b);
	free(buf);
	return rc;
}

static int
upload(struct s3 *s3, const char *path)
{
	struct body b = { 0 };
	struct stat st;
	const char *name = strcmp(path, "-") == 0 ? "<stdin>" : path;
	int fd = STDIN_FILENO, rc;
	double t0 = now();

	if (strcmp(path, "-") != 0 && (fd = open(path, O_RDONLY)) < 0)
		die_errno(EXIT_RUNTIME, "%s", path);
	if (fstat(fd, &st) != 0)
		die_errno(EXIT_RUNTIME, "%s", name);
	if (S_ISDIR(st.st_mode))
		die(EXIT_RUNTIME, "%s: is a directory", name);
	if (S_ISREG(st.st_mode) && (uint64_t)st.st_size > OBJECT_MAX)
		die(EXIT_RUNTIME, "%s: larger than S3's limit of 5 TiB", name);
	creds_load(&s3->cr, s3->cfg);
	catch_signals(s3);
	if (!S_ISREG(st.st_mode))
		rc = upload_stream(s3, fd, name);
	else {
		progress_start(s3, st.st_size);
		if ((uint64_t)st.st_size > s3->cfg->part_size)
			rc = multipart_upload(s3, fd, st.st_size, 1, NULL, 0);
		else {
			b.fd = fd;
			b.len = st.st_size;
			b.data = 1;
			rc = single_put(s3, &b);
		}
	}
	progress_end();
	if (rc == 0 && s3->cfg->verbose)
		warn_msg("%s: %llu bytes in %.3f s, credentials from %s",
		    s3->name, (unsigned long long)progress_bytes(),
		    now() - t0, s3->cr.source);
	if (fd != STDIN_FILENO)
		close(fd);
	return rc;
}

/* PED_S3_NO_ANSWER_SECS lowers NO_ANSWER_SECS, so tests need not wait. */
static unsigned
no_answer_secs(void)
{
	const char *s = getenv("PED_S3_NO_ANSWER_SECS");
	uint64_t v;

	if (s == NULL)
		return NO_ANSWER_SECS;
	if (parse_uint(s, strlen(s), NO_ANSWER_SECS, &v) != 0 || v == 0)
		die(EXIT_USAGE, "PED_S3_NO_ANSWER_SECS: invalid seconds %s",
		    quote_str(s));
	return v;
}

/* A size in bytes, with an optional K, M or G (binary) suffix. */
static uint64_t
part_size(const char *arg)
{
	size_t len = strlen(arg);
	uint64_t v, mult = 1;

	if (len > 0 && strchr("kKmMgG", arg[len - 1]) != NULL) {
		mult = arg[len - 1] == 'k' || arg[len - 1] == 'K' ? 1024 :
		    arg[len - 1] == 'm' || arg[len - 1] == 'M' ? MIB :
		    1024 * MIB;
		len--;
	}
	if (parse_uint(arg, len, PART_MAX, &v) != 0 || v * mult < PART_MIN ||
	    v * mult > PART_MAX)
		die(EXIT_USAGE, "--part-size: invalid size %s (5M to 5G)",
		    quote_str(arg));
	return v * mult;
}

static void
usage(int status)
{
	usage_exit(status,
	    "usage: ped-s3put [-qv] [--content-type type] [--endpoint url] "
	    "[--jobs n] [--max-time secs]\n"
	    "                 [--part-size size] [--profile name] "
	    "[--region region] [--retries n]\n"
	    "                 file|- s3://bucket/key",
	    "  -q, --quiet              errors only\n"
	    "  -v, --verbose            print the ETag and timings\n"
	    "      --content-type type  Content-Type (default from the extension)\n"
	    "      --endpoint url       S3-compatible endpoint (path-style)\n"
	    "      --endpoint-url url   the same, as the AWS CLI spells it\n"
	    "      --jobs n             parts uploaded at once (default 4)\n"
	    "      --max-time secs      give up when the upload takes longer\n"
	    "      --part-size size     multipart part size (default 16M)\n"
	    "      --profile name       AWS profile (default: AWS_PROFILE, default)\n"
	    "      --region region      AWS region (default: AWS_REGION, us-east-1)\n"
	    "      --retries n          retries per request (default 5)\n"
	    "      --help               print this help and exit\n"
	    "      --version            print the version and exit\n"
	    "See ped-s3put(1).\n");
}
