#!/usr/bin/env bats
# ped-fetch over HTTP(S), against the loopback server tests/servers/httpd.py:
# streaming, gzip, chunked, redirects, status errors, retries with backoff,
# Retry-After, resumption with Range/If-Range, timeouts, TLS, redaction.

load helper
load servers/httpd

F=ch3t_soda_5000rows_2019-11.csv
# Retries in milliseconds, not seconds; and no proxy between us and 127.0.0.1.
export PED_RETRY_BASE_MS=1
unset http_proxy https_proxy HTTP_PROXY HTTPS_PROXY all_proxy ALL_PROXY
export NO_PROXY='*'

setup_file() {
	local dir=$BATS_FILE_TMPDIR
	openssl req -x509 -newkey rsa:2048 -nodes -days 1 \
	    -keyout "$dir/key.pem" -out "$dir/cert.pem" -subj /CN=127.0.0.1 \
	    -addext subjectAltName=IP:127.0.0.1 2>/dev/null
	httpd_start HTTP "$DATA/http"
	httpd_start HTTPS "$DATA/http" "$dir/cert.pem" "$dir/key.pem"
	ped-fetch "$DATA/http/$F" >"$dir/expected"
}

teardown_file() {
	httpd_stop HTTP
	httpd_stop HTTPS
}

setup() {
	URL="http://127.0.0.1:$HTTP_PORT"
	SURL="https://127.0.0.1:$HTTPS_PORT"
	CERT="$BATS_FILE_TMPDIR/cert.pem"
}

# same_as_file: $output equals ped-fetch of the file itself, byte for byte.
same_as_file() {
	[ "$(wc -l <<<"$output")" -gt 5000 ] || fail "only $(wc -l <<<"$output") lines"
	output_matches "$BATS_FILE_TMPDIR/expected"
}

# refute_stderr_retry: no retry message in $stderr.
refute_stderr_retry() {
	[[ $stderr != *retry* ]] || fail "unexpected stderr: $stderr"
}

# requests PATH: how many requests the plain server logged for PATH.
requests() {
	grep -c "^GET $1 " "$HTTP_LOG" || true
}

@test "fetch_http: plain HTTP equals the file; User-Agent ped-fetch/VERSION" {
	run -0 --separate-stderr ped-fetch "$URL/plain/$F"
	same_as_file
	assert_equal "$stderr" ""
	run grep "^GET /plain/$F " "$HTTP_LOG"
	assert_output --regexp "ua=ped-fetch/[0-9]+\.[0-9]+"
}

@test "fetch_http: gzip Content-Encoding is decoded" {
	run -0 --separate-stderr ped-fetch "$URL/gzip/$F"
	same_as_file
}

@test "fetch_http: chunked transfer encoding" {
	run -0 --separate-stderr ped-fetch "$URL/chunked/$F"
	same_as_file
}

@test "fetch_http: redirects are followed" {
	run -0 --separate-stderr ped-fetch "$URL/redirect/3/$F"
	same_as_file
	assert_equal "$(requests "/redirect/1/$F")" 1
}

@test "fetch_http: too many redirects is exit 1" {
	run -1 --separate-stderr ped-fetch "$URL/redirect/30/$F"
	assert_stderr --partial "ped-fetch: $URL/redirect/30/$F: "
	assert_stderr --partial "redirects"
}

@test "fetch_http: 404 names the status and the URL, no retry" {
	run -1 --separate-stderr ped-fetch "$URL/status/404"
	assert_stderr "ped-fetch: $URL/status/404: HTTP 404 Not Found"
	assert_output ""
	assert_equal "$(requests /status/404)" 1
}

@test "fetch_http: 500 then OK is retried, -v says so" {
	run -0 --separate-stderr ped-fetch -v "$URL/flaky/a/2/500/$F"
	same_as_file
	assert_stderr --partial \
	    "ped-fetch: $URL/flaky/a/2/500/$F: HTTP 500 Internal Server Error, retry 1/5 in "
	assert_stderr --partial "retry 2/5 in "
	assert_equal "$(requests "/flaky/a/2/500/$F")" 3
}

@test "fetch_http: retries are silent without -v" {
	run -0 --separate-stderr ped-fetch "$URL/flaky/b/1/502/$F"
	same_as_file
	refute_stderr_retry
}

@test "fetch_http: -q silences the retry messages of -v" {
	run -0 --separate-stderr ped-fetch -q -v "$URL/flaky/q/1/503/$F"
	same_as_file
	refute_stderr_retry
}

@test "fetch_http: 503 every time gives up after --retries" {
	run -1 --separate-stderr ped-fetch --retries 2 "$URL/flaky/c/99/503/$F"
	assert_stderr --partial \
	    "$URL/flaky/c/99/503/$F: HTTP 503 Service Unavailable (gave up after 2 retries)"
	assert_equal "$(requests "/flaky/c/99/503/$F")" 3
}

@test "fetch_http: --retries 0 makes one attempt" {
	run -1 --separate-stderr ped-fetch --retries 0 "$URL/flaky/d/99/500/$F"
	assert_stderr "ped-fetch: $URL/flaky/d/99/500/$F: HTTP 500 Internal Server Error"
	assert_equal "$(requests "/flaky/d/99/500/$F")" 1
}

@test "fetch_http: 429 with Retry-After: 1 waits as told, then OK" {
	run -0 --separate-stderr ped-fetch -v "$URL/flaky/e/1/429/$F?ra=1"
	same_as_file
	assert_stderr --partial "HTTP 429 Too Many Requests, retry 1/5 in 1.0s"
}

@test "fetch_http: Retry-After as an HTTP-date" {
	run -0 --separate-stderr ped-fetch -v "$URL/flaky/f/1/503/$F?ra=date"
	same_as_file
	assert_stderr --regexp "HTTP 503 Service Unavailable, retry 1/5 in [12]\.0s"
}

@test "fetch_http: a Retry-After beyond reason fails at once" {
	run -1 --separate-stderr ped-fetch "$URL/flaky/g/1/429/$F?ra=99999"
	assert_stderr --partial "HTTP 429 Too Many Requests, and the server asks to wait 99999 s"
	assert_equal "$(requests "/flaky/g/1/429/$F?ra=99999")" 1
}

@test "fetch_http: a cut mid-body resumes with Range and If-Range" {
	run -0 --separate-stderr ped-fetch -v "$URL/cutonce/a/1000/$F"
	same_as_file
	assert_stderr --partial "retry 1/5 in "
	assert_stderr --partial "from byte 1000"
	run grep "^GET /cutonce/a/1000/$F " "$HTTP_LOG"
	assert_line --index 0 --partial "range=- if-range=-"
	assert_line --index 1 --regexp 'range=bytes=1000- if-range="[0-9a-f]+"'
}

@test "fetch_http: a transfer cut every 100000 bytes still arrives whole" {
	run -0 --separate-stderr ped-fetch "$URL/cut/a/100000/$F"
	same_as_file
	assert_equal "$(requests "/cut/a/100000/$F")" 5
}

@test "fetch_http: a weak ETag resumes with Last-Modified" {
	run -0 --separate-stderr ped-fetch "$URL/cutweak/a/5000/$F"
	same_as_file
	run grep "^GET /cutweak/a/5000/$F " "$HTTP_LOG"
	assert_line --index 1 --partial \
	    "range=bytes=5000- if-range=Tue, 05 Nov 2019 03:00:00 GMT"
}

@test "fetch_http: a cut before any byte is retried from the start" {
	run -0 --separate-stderr ped-fetch -v "$URL/cut-early/a/$F"
	same_as_file
	assert_stderr --partial "Empty reply from server, retry 1/5"
}

@test "fetch_http: a cut without Accept-Ranges cannot resume: exit 1" {
	run -1 --separate-stderr ped-fetch "$URL/cut-norange/1000/$F"
	assert_stderr --partial \
	    "ped-fetch: $URL/cut-norange/1000/$F: connection lost after 1000 bytes and the server cannot resume"
	assert_equal "$(requests "/cut-norange/1000/$F")" 1
}

@test "fetch_http: a cut gzip body is not resumed: exit 1" {
	run -1 --separate-stderr ped-fetch "$URL/cut-gzip/1000/$F"
	assert_stderr --regexp "connection lost after [0-9]+ bytes and the server cannot resume"
	assert_equal "$(requests "/cut-gzip/1000/$F")" 1
}

@test "fetch_http: a 200 to the range request (file changed) is exit 1" {
	run -1 --separate-stderr ped-fetch "$URL/cut-changed/1000/$F"
	assert_stderr --partial \
	    "connection lost after 1000 bytes and the server cannot resume"
	run grep "^GET /cut-changed/1000/$F " "$HTTP_LOG"
	assert_line --index 1 --partial "range=bytes=1000-"
}

@test "fetch_http: a stalled server and --max-time 2 is exit 1, timed out" {
	run -1 --separate-stderr ped-fetch --max-time 2 "$URL/stall"
	assert_stderr "ped-fetch: $URL/stall: timed out after 2 s (--max-time)"
}

@test "fetch_http: connection refused is retried, then exit 1" {
	local port
	# a port that was free a moment ago: nothing listens there
	port=$(python3 -c 'import socket; s = socket.socket()
s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
	run -1 --separate-stderr ped-fetch -v --retries 2 \
	    "http://127.0.0.1:$port/x.csv"
	assert_stderr --partial "ped-fetch: http://127.0.0.1:$port/x.csv: "
	assert_stderr --partial "retry 2/2 in "
	assert_stderr --partial "(gave up after 2 retries)"
}

@test "fetch_http: HTTPS with a self-signed certificate is refused" {
	run -1 --separate-stderr ped-fetch "$SURL/plain/$F"
	assert_stderr --partial "ped-fetch: $SURL/plain/$F: "
	assert_stderr --partial "certificate"
	assert_output ""
}

@test "fetch_http: HTTPS with --cacert is accepted" {
	run -0 --separate-stderr ped-fetch --cacert "$CERT" "$SURL/plain/$F"
	same_as_file
}

@test "fetch_http: HTTPS checks the host name even with --cacert" {
	run -1 --separate-stderr ped-fetch --cacert "$CERT" \
	    "https://localhost:$HTTPS_PORT/plain/$F"
	assert_stderr --partial "localhost"
}

@test "fetch_http: HTTPS resumes a cut transfer too" {
	run -0 --separate-stderr ped-fetch --cacert "$CERT" "$SURL/cut/s/150000/$F"
	same_as_file
}

@test "fetch_http: --cacert FILE that does not exist is exit 1" {
	run -1 --separate-stderr ped-fetch --cacert "$BATS_TEST_TMPDIR/none.pem" \
	    "$SURL/plain/$F"
	assert_stderr --partial "none.pem"
}

@test "fetch_http: messages redact credentials and tokens" {
	local q='?$$app_token=T0KEN&limit=5&X-Amz-Signature=abc'
	local safe='?$$app_token=***&limit=5&X-Amz-Signature=***'
	run -1 --separate-stderr ped-fetch \
	    "http://alice:s3cret@127.0.0.1:$HTTP_PORT/status/403$q"
	assert_stderr \
	    "ped-fetch: http://***@127.0.0.1:$HTTP_PORT/status/403$safe: HTTP 403 Forbidden"
}

@test "fetch_http: --progress draws bytes, rows, rate and ETA on stderr" {
	run -0 --separate-stderr ped-fetch --progress "$URL/slow/1500/$F"
	same_as_file
	assert_stderr --regexp "KiB of 455\.8 KiB, [0-9]+ rows, .*/s, ETA [0-9]+:[0-9][0-9]"
	# the line is cleared at the end
	assert_stderr --regexp $'\r\e\\[K$'
}

@test "fetch_http: no progress when stderr is not a terminal, or with -q" {
	run -0 --separate-stderr ped-fetch "$URL/slow/600/$F"
	same_as_file
	assert_equal "$stderr" ""
	run -0 --separate-stderr ped-fetch -q --progress "$URL/slow/600/$F"
	same_as_file
	assert_equal "$stderr" ""
}

@test "fetch_http: an empty 200 body is empty input (exit 65)" {
	run -65 --separate-stderr ped-fetch "$URL/status/200"
	assert_stderr --partial "$URL/status/200: empty input"
}

@test "fetch_http: a body ended by closing the connection is whole when it ends a line" {
	run -0 --separate-stderr ped-fetch "$URL/eof/0/$F"
	same_as_file
}

@test "fetch_http: a body without a length cut in a record is a truncated transfer, exit 1" {
	# 1000 bytes end in the middle of a row: its count would read short.
	run -1 --separate-stderr ped-fetch "$URL/eof/1000/$F"
	assert_stderr "ped-fetch: $URL/eof/1000/$F: transfer cut short: the body ends in the middle of a line after 1000 bytes, and the server sent no length to check it against"
}

@test "fetch_http: a gzip Content-Encoding body cut short is a truncated transfer, exit 1" {
	run -1 --separate-stderr ped-fetch "$URL/eof-gzip/20000/$F"
	assert_stderr --partial "$URL/eof-gzip/20000/$F: transfer cut short: the body ends in the middle of a line"
}

@test "fetch_http: a Content-Length or chunked body cut in a record is never a shorter row" {
	run -1 --separate-stderr ped-fetch --retries 0 "$URL/cut-norange/1000/$F"
	assert_stderr --partial "connection lost after 1000 bytes"
	run -1 --separate-stderr ped-fetch --retries 0 "$URL/cut-gzip/1000/$F"
	assert_stderr --partial "connection lost after"
}

@test "fetch_http: SODA_APP_TOKEN goes with a Socrata --locations URL, only to the user's host" {
	local L=legacy_locations_soda.csv
	export SODA_APP_TOKEN=tok-L0c-Secret
	run -0 --separate-stderr ped-fetch -v --locations "$URL/resource/$L" "$DATA/http/$F"
	run -0 grep "^GET /resource/$L " "$HTTP_LOG"
	assert_output --partial "host=127.0.0.1:$HTTP_PORT token=yes"
	# A redirect on the same host keeps it; one to another host drops it.
	: >"$HTTP_LOG"
	run -0 --separate-stderr ped-fetch --locations \
	    "$URL/goto/127.0.0.1:$HTTP_PORT/resource/$L" "$DATA/http/$F"
	run -0 grep -c "token=yes" "$HTTP_LOG"
	assert_output 2
	: >"$HTTP_LOG"
	run -0 --separate-stderr ped-fetch --locations \
	    "$URL/goto/localhost:$HTTP_PORT/resource/$L?x=1" "$DATA/http/$F"
	run -0 cat "$HTTP_LOG"
	assert_line --index 0 --partial "GET /goto/localhost:$HTTP_PORT/resource/$L?x=1 "
	assert_line --index 0 --partial "host=127.0.0.1:$HTTP_PORT token=yes"
	assert_line --index 1 --partial "GET /resource/$L?x=1 "
	assert_line --index 1 --partial "host=localhost:$HTTP_PORT token=no"
	# A plain (non-Socrata) URL never gets the token.
	: >"$HTTP_LOG"
	run -0 --separate-stderr ped-fetch "$URL/plain/$F"
	run -1 grep "token=yes" "$HTTP_LOG"
}

@test "fetch_http: a redirect loop with a token ends after 10 redirects" {
	SODA_APP_TOKEN=tok-x run -1 --separate-stderr ped-fetch \
	    "$URL/goto/127.0.0.1:$HTTP_PORT/goto/127.0.0.1:$HTTP_PORT/goto/127.0.0.1:$HTTP_PORT/goto/127.0.0.1:$HTTP_PORT/goto/127.0.0.1:$HTTP_PORT/goto/127.0.0.1:$HTTP_PORT/goto/127.0.0.1:$HTTP_PORT/goto/127.0.0.1:$HTTP_PORT/goto/127.0.0.1:$HTTP_PORT/goto/127.0.0.1:$HTTP_PORT/goto/127.0.0.1:$HTTP_PORT/resource/$F"
	assert_stderr --partial ": more than 10 redirects"
}

@test "fetch_http: #access_token fragments and percent-encoded names are redacted" {
	run -1 --separate-stderr ped-fetch --retries 0 \
	    "$URL/status/403?tok%65n=Pct-Secret&a=1#access_token=Frag-Secret&state=s"
	assert_stderr "ped-fetch: $URL/status/403?tok%65n=***&a=1#access_token=***&state=s: HTTP 403 Forbidden"
}

@test "fetch_http: no secret in any output: -v, retries, --progress on a terminal" {
	local secrets='tok-Env-Secret|pw-Url-Secret|Frag-Secret|Pct-Secret|Q-Secret'
	local q='?tok%65n=Pct-Secret&$$app_token=Q-Secret#access_token=Frag-Secret'
	local u="http://me:pw-Url-Secret@127.0.0.1:$HTTP_PORT"
	local out=$BATS_TEST_TMPDIR/all
	export SODA_APP_TOKEN=tok-Env-Secret
	{
		ped-fetch -v "$u/flaky/sec/1/503/$F$q"
		ped-fetch -v --progress "$u/slow/600/$F$q"
		ped-fetch -v --retries 1 "$u/status/404$q"
		ped-fetch -v --retries 1 "$u/cut-norange/1000/$F$q"
		ped-fetch -v --retries 0 "$u/eof/1000/$F$q"
		ped-fetch -v --locations "$u/resource/legacy_locations_soda.csv$q" \
		    "$u/goto/localhost:$HTTP_PORT/resource/$F$q"
		script -q -e -c "ped-fetch -v '$u/slow/600/$F$q' >/dev/null" /dev/null
		script -q -e -c "ped-fetch -v '$u/status/500$q' >/dev/null" /dev/null
	} >"$out" 2>&1 || true
	[ "$(grep -c 'ped-fetch: ' "$out")" -gt 5 ] || fail "too little output: $(cat "$out")"
	grep -q $'\r' "$out" || fail "no progress drawn on the terminal"
	run -1 grep -E -a "$secrets" "$out"
}

@test "fetch_http: a stall says no data for N s, not a timeout" {
	PED_STALL_SECS=1 run -1 --separate-stderr ped-fetch --retries 0 "$URL/stall"
	assert_stderr "ped-fetch: $URL/stall: no data for 1 s (the transfer stalled)"
	PED_STALL_SECS=1 run -1 --separate-stderr ped-fetch "$URL/stall-after/5000/$F"
	assert_stderr "ped-fetch: $URL/stall-after/5000/$F: no data for 1 s after 5000 bytes (the transfer stalled) and the server cannot resume"
	run -64 --separate-stderr env PED_STALL_SECS=0 ped-fetch "$URL/plain/$F"
	assert_stderr 'ped-fetch: PED_STALL_SECS: invalid seconds "0"'
}

@test "fetch_http: a 1 MiB response header line is named as such" {
	run -1 --separate-stderr ped-fetch "$URL/bighdr/$F"
	assert_stderr "ped-fetch: $URL/bighdr/$F: a response header line longer than libcurl accepts (100 KiB)"
}

@test "fetch_http: a Retry-After past --max-time fails at once and says so" {
	run -1 --separate-stderr ped-fetch --max-time 5 "$URL/flaky/ma/1/429/$F?ra=30"
	assert_stderr "ped-fetch: $URL/flaky/ma/1/429/$F?ra=30: HTTP 429 Too Many Requests, and the server asks to wait 30 s, past --max-time 5 s"
}

@test "fetch_http: a Content-Length too short for the body cuts no row short" {
	# The server sends all of a small file under a length 2 bytes short:
	# the last row's count would read short. libcurl reads no further
	# than the length, so this is seen when the excess comes in the same
	# read as the body's end (as here), not in general.
	local S=small_4rows.csv size
	size=$(wc -c <"$DATA/http/$S")
	run -1 --separate-stderr ped-fetch "$URL/short-length/2/$S"
	assert_stderr "ped-fetch: $URL/short-length/2/$S: transfer cut short: the server sent more than its Content-Length of $((size - 2)) bytes, and the body ends there in the middle of a line"
}

@test "fetch_http: garbage JSON over HTTP is bad data, exit 65" {
	run -65 --separate-stderr ped-fetch "$URL/garbage-json"
	assert_stderr --partial "ped-fetch: $URL/garbage-json:1: "
}

@test "fetch_http: a reason phrase and a URL with control bytes are shown escaped" {
	run -1 --separate-stderr ped-fetch --retries 0 "$URL/badreason"
	assert_stderr 'ped-fetch: '"$URL"'/badreason: HTTP 500 Oops\x1b[2J\xff'
	run -1 --separate-stderr ped-fetch --retries 0 "$URL/status/404"$'\e[2J\x01'
	assert_stderr --partial "ped-fetch: $URL/status/404%1B[2J%01: "
	[[ $stderr != *$'\e'* ]] || fail "raw escape in: $stderr"
}

@test "fetch_http: a Content-Encoding body with trailing garbage or corrupt data says so" {
	run -1 --separate-stderr ped-fetch "$URL/gzip-garbage/$F"
	assert_stderr "ped-fetch: $URL/gzip-garbage/$F: Content-Encoding: trailing garbage after the compressed data"
	run -1 --separate-stderr ped-fetch --retries 0 "$URL/gzip-corrupt/$F"
	assert_stderr --regexp "^ped-fetch: $URL/gzip-corrupt/$F: Content-Encoding: corrupt compressed data \(.+\)\$"
}
