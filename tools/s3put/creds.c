/*
 * The AWS CLI's credential chain: the environment, the shared
 * credentials file (then the config file), then the EC2 instance
 * metadata service with an IMDSv2 session token. Secrets are kept in
 * memory only and never printed.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <cjson/cJSON.h>
#include <curl/curl.h>

#include "err.h"
#include "quote.h"
#include "s3put.h"
#include "xalloc.h"

#define IMDS_DEFAULT	"http://169.254.169.254"
#define IMDS_REPLY_MAX	(64 * 1024)
#define CREDS_PATH	"/.aws/credentials"
#define CONFIG_PATH	"/.aws/config"

struct reply {
	char	*data;
	size_t	 len;
};

static int
set(struct creds *cr, const char *akid, const char *secret,
    const char *token, const char *source)
{
	if (akid == NULL || *akid == '\0' || secret == NULL || *secret == '\0')
		return 0;
	cr->akid = xstrdup(akid);
	cr->secret = xstrdup(secret);
	cr->token = token != NULL && *token != '\0' ? xstrdup(token) : NULL;
	cr->source = source;
	return 1;
}

static int
from_env(struct creds *cr)
{
	const char *id = getenv("AWS_ACCESS_KEY_ID");
	const char *secret = getenv("AWS_SECRET_ACCESS_KEY");

	if ((id == NULL || *id == '\0') && (secret == NULL || *secret == '\0'))
		return 0;
	if (id == NULL || *id == '\0')
		die(EXIT_RUNTIME, "AWS_SECRET_ACCESS_KEY is set but not "
		    "AWS_ACCESS_KEY_ID");
	if (secret == NULL || *secret == '\0')
		die(EXIT_RUNTIME, "AWS_ACCESS_KEY_ID is set but not "
		    "AWS_SECRET_ACCESS_KEY");
	return set(cr, id, secret, getenv("AWS_SESSION_TOKEN"), "environment");
}

static char *
trim(char *s)
{
	char *e;

	while (isspace((unsigned char)*s))
		s++;
	e = s + strlen(s);
	while (e > s && isspace((unsigned char)e[-1]))
		*--e = '\0';
	return s;
}

/* Is line "[section]" (with optional inner blanks) the one wanted? */
static int
is_section(char *line, const char *want)
{
	size_t len = strlen(line);

	if (len < 2 || line[len - 1] != ']')
		return 0;
	line[len - 1] = '\0';
	return strcmp(trim(line + 1), want) == 0;
}

/*
 * Reads the keys of [section] from an INI stream (the AWS CLI's files):
 * "#" and ";" comment lines, "key = value" with blanks trimmed, later
 * keys win. Returns 1 when the section is there, else 0, and -2 when
 * the stream failed (errno says why); keys[] get what was found (free
 * them).
 */
int
creds_ini_read(FILE *fp, const char *section, char *keys[3])
{
	static const char *const names[3] = {
		"aws_access_key_id", "aws_secret_access_key",
		"aws_session_token"
	};
	char *buf = NULL, *line, *eq;
	size_t cap = 0, i;
	int in = 0, found = 0;

	while (getline(&buf, &cap, fp) != -1) {
		line = trim(buf);
		if (*line == '#' || *line == ';' || *line == '\0')
			continue;
		if (*line == '[') {
			in = is_section(line, section);
			found |= in;
			continue;
		}
		if (!in || (eq = strchr(line, '=')) == NULL)
			continue;
		*eq = '\0';
		for (i = 0; i < 3; i++)
			if (strcmp(trim(line), names[i]) == 0) {
				free(keys[i]);
				keys[i] = xstrdup(trim(eq + 1));
			}
	}
	if (buf != NULL)
		explicit_bzero(buf, cap);
	free(buf);
	/* getline's -1 is also a read error or "out of memory". */
	if (ferror(fp) || !feof(fp))
		return -2;
	return found;
}

/* creds_ini_read() of a file; -1 when it cannot be read. */
static int
ini_section(const char *path, const char *section, char *keys[3])
{
	FILE *fp;
	int found;

	if ((fp = fopen(path, "r")) == NULL)
		return -1;
	found = creds_ini_read(fp, section, keys);
	if (found == -2)
		die_errno(EXIT_RUNTIME, "%s", path);
	fclose(fp);
	return found;
}

static char *
home_path(const char *env, const char *rel)
{
	const char *home = getenv("HOME");
	char *p;
	size_t n;

	if (getenv(env) != NULL)
		return xstrdup(getenv(env));
	if (home == NULL)
		return NULL;
	n = strlen(home) + strlen(rel) + 1;
	p = xmalloc(n);
	snprintf(p, n, "%s%s", home, rel);
	return p;
}

/* The credentials file's [name], then the config file's [profile name]. */
static int
from_files(struct creds *cr, const char *profile, int explicit)
{
	char *keys[3] = { NULL, NULL, NULL }, *path, section[256];
	int found = 0, ok, i;

	if ((path = home_path("AWS_SHARED_CREDENTIALS_FILE", CREDS_PATH)))
		found = ini_section(path, profile, keys) > 0;
	free(path);
	if (keys[0] == NULL || keys[1] == NULL) {
		snprintf(section, sizeof(section), "%s%s",
		    strcmp(profile, "default") == 0 ? "" : "profile ",
		    profile);
		if ((path = home_path("AWS_CONFIG_FILE", CONFIG_PATH)))
			found |= ini_section(path, section, keys) > 0;
		free(path);
	}
	if (explicit && !found)
		die(EXIT_RUNTIME, "profile %s not found", quote_str(profile));
	ok = set(cr, keys[0], keys[1], keys[2], "file");
	for (i = 0; i < 3; i++) {
		if (keys[i] != NULL)
			explicit_bzero(keys[i], strlen(keys[i]));
		free(keys[i]);
	}
	return ok;
}

static size_t
reply_cb(char *src, size_t size, size_t nmemb, void *arg)
{
	struct reply *r = arg;
	size_t n = size * nmemb;

	if (r->len + n > IMDS_REPLY_MAX)
		return 0;
	r->data = xreallocarray(r->data, r->len + n + 1, 1);
	memcpy(r->data + r->len, src, n);
	r->len += n;
	r->data[r->len] = '\0';
	return n;
}

/* One metadata request; returns the body of a 200 reply, or NULL. */
static char *
imds_call(CURL *h, const char *base, const char *path, const char *hdr,
    int put)
{
	struct curl_slist *hl = NULL;
	struct reply r = { NULL, 0 };
	char url[1024];
	long status = 0;
	CURLcode cc;

	snprintf(url, sizeof(url), "%s%s", base, path);
	curl_easy_reset(h);
	curl_easy_setopt(h, CURLOPT_URL, url);
	curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
	/* As the AWS CLI: a host that is not on EC2 costs about a second. */
	curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS, 1000L);
	curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, 2000L);
	curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, reply_cb);
	curl_easy_setopt(h, CURLOPT_WRITEDATA, &r);
	if (put)
		curl_easy_setopt(h, CURLOPT_CUSTOMREQUEST, "PUT");
	hl = curl_slist_append(hl, hdr);
	curl_easy_setopt(h, CURLOPT_HTTPHEADER, hl);
	cc = curl_easy_perform(h);
	curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &status);
	curl_slist_free_all(hl);
	if (cc != CURLE_OK || status != 200 || r.data == NULL) {
		free(r.data);
		return NULL;
	}
	return r.data;
}

int
creds_from_json(struct creds *cr, const char *json)
{
	cJSON *root, *code;
	int ok = 0;

	if ((root = cJSON_Parse(json)) == NULL)
		return 0;
	code = cJSON_GetObjectItemCaseSensitive(root, "Code");
	if (code == NULL || (cJSON_IsString(code) &&
	    strcmp(code->valuestring, "Success") == 0))
		ok = set(cr, cJSON_GetStringValue(cJSON_GetObjectItem(root,
		    "AccessKeyId")), cJSON_GetStringValue(cJSON_GetObjectItem(
		    root, "SecretAccessKey")), cJSON_GetStringValue(
		    cJSON_GetObjectItem(root, "Token")), "imds");
	cJSON_Delete(root);
	return ok;
}

static int
from_imds(struct creds *cr)
{
	const char *base = getenv("AWS_EC2_METADATA_SERVICE_ENDPOINT");
	const char *off = getenv("AWS_EC2_METADATA_DISABLED");
	static const char dir[] = "/latest/meta-data/iam/security-credentials/";
	char *token, *role, hdr[1024], path[512];
	CURL *h;
	int ok = 0;

	if (off != NULL && strcasecmp(off, "true") == 0)
		return 0;
	if (base == NULL || *base == '\0')
		base = IMDS_DEFAULT;
	if ((h = curl_easy_init()) == NULL)
		return 0;
	token = imds_call(h, base, "/latest/api/token",
	    "X-aws-ec2-metadata-token-ttl-seconds: 21600", 1);
	if (token != NULL) {
		snprintf(hdr, sizeof(hdr), "X-aws-ec2-metadata-token: %s",
		    trim(token));
		if ((role = imds_call(h, base, dir, hdr, 0)) != NULL) {
			role[strcspn(role, "\r\n")] = '\0';
			snprintf(path, sizeof(path), "%s%s", dir, trim(role));
			free(role);
			if ((role = imds_call(h, base, path, hdr, 0)) != NULL) {
				ok = creds_from_json(cr, role);
				explicit_bzero(role, strlen(role));
				free(role);
			}
		}
		free(token);
	}
	curl_easy_cleanup(h);
	return ok;
}

void
creds_load(struct creds *cr, const struct config *cfg)
{
	const char *profile = cfg->profile;
	int explicit = profile != NULL;

	memset(cr, 0, sizeof(*cr));
	/* As in the AWS CLI, --profile outranks the environment's keys. */
	if (profile == NULL && from_env(cr))
		return;
	if (profile == NULL) {
		profile = getenv("AWS_PROFILE");
		explicit = profile != NULL && *profile != '\0';
		if (!explicit)
			profile = "default";
	}
	if (from_files(cr, profile, explicit) || from_imds(cr))
		return;
	die(EXIT_RUNTIME, "no credentials: set AWS_ACCESS_KEY_ID and "
	    "AWS_SECRET_ACCESS_KEY, use a credentials file or an instance role");
}

void
creds_free(struct creds *cr)
{
	if (cr->secret != NULL)
		explicit_bzero(cr->secret, strlen(cr->secret));
	if (cr->token != NULL)
		explicit_bzero(cr->token, strlen(cr->token));
	free(cr->akid);
	free(cr->secret);
	free(cr->token);
	memset(cr, 0, sizeof(*cr));
}
