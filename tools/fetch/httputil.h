/*
 * Shared by ped-fetch's HTTP sources (source_http.c, source_soda.c).
 */
#ifndef PED_FETCH_HTTPUTIL_H
#define PED_FETCH_HTTPUTIL_H

#include <stddef.h>

#include <curl/curl.h>

#include "source.h"

#define HTTP_MAX_REDIRS		10L
#define HTTP_BASE_MS		500	/* first backoff step */
#define HTTP_RETRY_AFTER_MAX	300	/* seconds; a longer wait fails */
#define HTTP_STALL_SECS		60L	/* no byte for this long: retry */
#define HTTP_DEADLINE_SLACK	50	/* ms: a timeout this close is --max-time */

/* A monotonic clock in milliseconds. */
long long	 now_ms(void);
void		 sleep_ms(long long ms);
/* A failed curl_easy_setopt is fatal: it means a libcurl too old. */
void		 setopt_check(CURLcode cc, const char *what);
/*
 * The URL for messages, allocated: userinfo and the values of token-like
 * query parameters ($$app_token, X-Amz-Signature) become "***"; control
 * bytes and bytes of 0x80 and up are percent-encoded.
 */
char		*url_redact(const char *url);
/*
 * Rewrites the NUL-terminated server text s (a reason phrase) in place
 * so a terminal shows it as is: control bytes, DEL, bytes of 0x80 and
 * up and '\' escaped as \xNN and \\, cut to size.
 */
void		 text_printable(char *s, size_t size);
/* Retry-After in seconds (delay-seconds or an HTTP-date), or -1. */
long		 parse_retry_after(const char *s);
/* Copies a header value without the white space around it; too long: "". */
void		 header_value(const char *v, size_t len, char *dst,
		    size_t size);
/* Errors of the network, worth another attempt. */
int		 curl_transient(CURLcode cc);
/* The wait before retry n: common/backoff.h from HTTP_BASE_MS. */
long long	 backoff_ms(unsigned n);
/*
 * The options every transfer gets: http(s) only, bounded redirects, TLS
 * verification, --cacert, --connect-timeout, stall detection, gzip, the
 * User-Agent, no signals, errbuf (CURL_ERROR_SIZE) for messages, and the
 * body and header callbacks, both called with arg.
 */
void		 http_easy_defaults(CURL *e, const struct fetch_options *o,
		    char *errbuf, curl_write_callback body,
		    curl_write_callback header, void *arg);

/*
 * The X-App-Token header of SODA_APP_TOKEN, or NULL when unset; a token
 * with a line break is a usage error. The header goes only to the host
 * the user named: after a redirect elsewhere it is dropped.
 */
struct curl_slist *soda_token_header(void);
/* Nonzero for a Socrata API URL (/resource/ID, /api/views/ID). */
int		 soda_resource_url(const char *url);
/*
 * For a 3xx response of e (run without CURLOPT_FOLLOWLOCATION): the URL
 * it points to, allocated, with *other set when that URL has another
 * scheme, host or port than from. NULL when there is no redirect.
 */
char		*http_redirect(CURL *e, long status, const char *from,
		    int *other);

/* Seconds without a byte that make a stall: PED_STALL_SECS (tests) or 60. */
long		 http_stall_secs(void);
/*
 * The reason a transfer failed, in a user's words: a stall says "no
 * data for N s", an over-long header line says so; else libcurl's text.
 * The --max-time deadline is the caller's to tell apart first.
 */
void		 http_why(CURLcode cc, const char *errbuf, char *why,
		    size_t size);

#endif
