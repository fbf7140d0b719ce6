#!/usr/bin/env bats
# ped-fetch --soda: SODA paging with concurrent jobs, against the loopback
# emulator tests/servers/soda.py: exact rows in :id order, the app token,
# retries of 429/202/5xx/dropped/short pages, $where from --since/--until,
# and clear errors.

load helper
load servers/httpd

F=ch3t_soda_5000rows_2019-11.csv
SODA_PY="$TESTS_DIR/servers/soda.py"
RES=/resource/b2ak-trbp
# Retries in milliseconds, not seconds; and no proxy between us and 127.0.0.1.
export PED_RETRY_BASE_MS=1
unset http_proxy https_proxy HTTP_PROXY HTTPS_PROXY all_proxy ALL_PROXY
unset SODA_APP_TOKEN
export NO_PROXY='*'

# soda_start NAME [EMULATOR OPTIONS...]: starts an emulator in the
# background; sets NAME_URL (http://127.0.0.1:PORT), NAME_LOG, NAME_PID.
soda_start() {
	local name=$1 dir=$BATS_FILE_TMPDIR/$1 i pid
	shift
	mkdir -p "$dir"
	rm -f "$dir/port"
	: >"$dir/log"
	python3 "$SODA_PY" --data "$DATA/soda/$F" --port-file "$dir/port" \
	    --log "$dir/log" "$@" </dev/null >/dev/null 2>"$dir/err" 3>&- &
	pid=$!
	printf -v "${name}_PID" '%s' "$pid"
	for ((i = 0; i < 100; i++)); do
		[ -s "$dir/port" ] && break
		kill -0 "$pid" 2>/dev/null || { cat "$dir/err" >&2; return 1; }
		sleep 0.1
	done
	[ -s "$dir/port" ] || return 1
	printf -v "${name}_URL" 'http://127.0.0.1:%s' "$(<"$dir/port")"
	printf -v "${name}_LOG" '%s' "$dir/log"
}

soda_stop() {
	local var="${1}_PID"
	[ -n "${!var:-}" ] || return 0
	kill "${!var}" 2>/dev/null || true
	wait "${!var}" 2>/dev/null || true
}

setup_file() {
	local dir=$BATS_FILE_TMPDIR
	# The fixture's rows ordered by id (:id), converted from the file.
	{
		head -1 "$DATA/soda/$F"
		tail -n +2 "$DATA/soda/$F" | sort -t, -k2,2n
	} >"$dir/by_id.csv"
	ped-fetch "$dir/by_id.csv" >"$dir/expected"
	soda_start S
	export S_URL S_LOG S_PID
	httpd_start HTTP "$DATA/http"
}

teardown_file() {
	soda_stop S
	httpd_stop HTTP
}

teardown() {
	soda_stop T
}

# same_as_file: $output equals ped-fetch of the rows ordered by id.
same_as_file() {
	[ "$(wc -l <<<"$output")" -eq 5001 ] || fail "$(wc -l <<<"$output") lines"
	output_matches "$BATS_FILE_TMPDIR/expected"
}

# page_offsets LOG: the $offset of every page request, in log order.
page_offsets() {
	sed -n 's/.*[?&]$offset=\([0-9]*\).*/\1/p' "$1"
}

@test "fetch_soda: JSON pages in :id order equal the rows of the file" {
	: >"$S_LOG"
	run -0 --separate-stderr ped-fetch --soda "$S_URL$RES.json" \
	    --page-size 300 --jobs 4
	same_as_file
	assert_equal "$stderr" ""
	# The count first, then 17 pages and the empty one after them, each
	# once, each $order=:id.
	run -0 head -1 "$S_LOG"
	assert_output --partial "GET $RES.json?\$select=count(*) "
	run -0 grep -c '\$limit=300&\$offset=[0-9]*&\$order=:id ' "$S_LOG"
	assert_output 18
	run -0 bash -c "sed -n 's/.*[?&]\$offset=\([0-9]*\).*/\1/p' '$S_LOG' |
	    sort -n | uniq | tr '\n' ' '"
	assert_output "0 300 600 900 1200 1500 1800 2100 2400 2700 3000 3300 3600 3900 4200 4500 4800 5100 "
}

@test "fetch_soda: CSV endpoint, later pages without their header" {
	run -0 --separate-stderr ped-fetch --soda "$S_URL$RES.csv" \
	    --page-size 700 --jobs 3
	same_as_file
	assert_equal "$stderr" ""
}

@test "fetch_soda: default page size and jobs: one page, then the empty one after it" {
	: >"$S_LOG"
	run -0 --separate-stderr ped-fetch -v --soda "$S_URL$RES.json"
	same_as_file
	assert_stderr --partial "$RES.json: 5000 rows in 1 pages of 50000, 4 jobs"
	run -0 grep -c . "$S_LOG"
	assert_output 3
	run -0 grep -c '\$offset=50000&' "$S_LOG"
	assert_output 1
}

@test "fetch_soda: a count that is a multiple of the page size: one more page, empty" {
	: >"$S_LOG"
	run -0 --separate-stderr ped-fetch --soda "$S_URL$RES.json" \
	    --page-size 1000 --jobs 1
	same_as_file
	run -0 bash -c "grep -c '\$offset=' '$S_LOG'"
	assert_output 6
	run -0 grep -c '\$offset=5000&' "$S_LOG"
	assert_output 1
	run -1 grep '\$offset=6000' "$S_LOG"
}

@test "fetch_soda: random latency, pages finish out of order, rows keep :id order" {
	soda_start T --latency 0-60 --seed 7
	run -0 --separate-stderr ped-fetch --soda "$T_URL$RES.json" \
	    --page-size 100 --jobs 6
	same_as_file
	run -0 --separate-stderr ped-fetch --soda "$T_URL$RES.csv" \
	    --page-size 100 --jobs 6
	same_as_file
}

@test "fetch_soda: a slow page holds back the window: jobs + 1 pages at most" {
	# Page 0 is held for a second; pages 1 and 2 (jobs 2, one spare slot)
	# go on meanwhile, but page 3 must wait until page 0 is handed out.
	soda_start T --slow 0:1000
	run -0 --separate-stderr ped-fetch --soda "$T_URL$RES.json" \
	    --page-size 300 --jobs 2
	same_as_file
	run -0 grep -n -m1 '^SEND .*\$offset=0&' "$T_LOG"
	local sent=${output%%:*}
	run -0 grep -n -m1 '^GET .*\$offset=600&' "$T_LOG"
	[ "${output%%:*}" -lt "$sent" ] || fail "page 2 waited for page 0"
	run -0 grep -n -m1 '^GET .*\$offset=900&' "$T_LOG"
	[ "${output%%:*}" -gt "$sent" ] || fail "page 3 started before page 0 was out"
}

@test "fetch_soda: HTTPS with --cacert; without it the certificate fails, exit 1" {
	local pem=$BATS_FILE_TMPDIR/tls.pem
	openssl req -x509 -newkey rsa:2048 -nodes -days 1 \
	    -keyout "$pem.key" -out "$pem.crt" -subj /CN=127.0.0.1 \
	    -addext subjectAltName=IP:127.0.0.1 2>/dev/null
	cat "$pem.crt" "$pem.key" >"$pem"
	soda_start T --cert "$pem"
	local url="https://${T_URL#http://}$RES.csv"
	run -0 --separate-stderr ped-fetch --cacert "$pem.crt" --soda "$url" \
	    --page-size 2000
	same_as_file
	run -1 --separate-stderr ped-fetch -v --soda "$url"
	assert_stderr --regexp "^ped-fetch: $url: count request: SSL certificate problem"
	[[ $stderr != *retry* ]] || fail "retried: $stderr"
}

@test "fetch_soda: SODA_APP_TOKEN sent as X-App-Token, never printed" {
	soda_start T --token 'tok-Secret-123' --throttle 3
	SODA_APP_TOKEN=tok-Secret-123 run -0 --separate-stderr ped-fetch -v \
	    --soda "$T_URL$RES.json" --page-size 2000 --jobs 2
	same_as_file
	run -0 grep -c 'token=ok ' "$T_LOG"
	assert_output 6
	run -1 grep -v 'token=ok ' "$T_LOG"
	[[ $stderr == *"retry 1/5"* ]] || fail "no retry in: $stderr"
	[[ $stderr != *tok-Secret-123* ]] || fail "token printed: $stderr"
}

@test "fetch_soda: a wrong token is a 403, not retried, token not printed" {
	soda_start T --token right
	SODA_APP_TOKEN=wrong-Secret-9 run -1 --separate-stderr ped-fetch -v \
	    --soda "$T_URL$RES.json"
	assert_output ""
	assert_stderr "ped-fetch: $T_URL$RES.json: count request: HTTP 403 Forbidden"
	run -0 grep -c 'count(\*) .*token=bad' "$T_LOG"
	assert_output 1
	run -1 grep -v 'token=bad' "$T_LOG"
}

@test "fetch_soda: no token where one is needed: 403, exit 1" {
	soda_start T --token right
	run -1 --separate-stderr ped-fetch --soda "$T_URL$RES.csv"
	assert_stderr --partial "count request: HTTP 403 Forbidden"
	run -0 grep -c 'count(\*) .*token=none' "$T_LOG"
	assert_output 1
	run -1 grep -v 'token=none' "$T_LOG"
}

@test "fetch_soda: 429 waits Retry-After, retries visible with -v" {
	soda_start T --throttle 2
	run -0 --separate-stderr ped-fetch -v --soda "$T_URL$RES.json" \
	    --page-size 2500 --jobs 1
	same_as_file
	assert_stderr --partial "$RES.json: page at offset 0: HTTP 429 Too Many Requests, retry 1/5 in 1.0s"
	run -0 bash -c "grep -c '\$offset=0&' '$T_LOG'"
	assert_output 2
}

@test "fetch_soda: 500, 202, a dropped connection and a short page are retried" {
	soda_start T --fail 2 --accepted 4 --drop 5 --short 6 --latency 0-20
	run -0 --separate-stderr ped-fetch -v --soda "$T_URL$RES.json" \
	    --page-size 250 --jobs 1
	same_as_file
	assert_stderr --partial "page at offset 0: HTTP 500 Internal Server Error, retry 1/5"
	assert_stderr --partial "page at offset 250: HTTP 202 Accepted, retry 1/5"
	assert_stderr --partial "page at offset 250: transfer closed with"
	assert_stderr --partial "retry 2/5"
	assert_stderr --partial "page at offset 250 has 249 rows, expected 250, retry 3/5"
}

@test "fetch_soda: the first page goes with the count, judged after it" {
	soda_start T --short 1 --short 2 --latency 0-40
	run -0 --separate-stderr ped-fetch -v --soda "$T_URL$RES.json" \
	    --page-size 300 --jobs 3
	same_as_file
	assert_stderr --partial "page at offset 0 has 299 rows, expected 300, retry 1/5"
	run -0 bash -c "head -2 '$T_LOG' | grep -c 'count(\*)\|offset=0&'"
	assert_output 2
}

@test "fetch_soda: retries are quiet without -v" {
	soda_start T --fail 3 --short 4
	run -0 --separate-stderr ped-fetch --soda "$T_URL$RES.csv" \
	    --page-size 1000 --jobs 2
	same_as_file
	assert_equal "$stderr" ""
}

@test "fetch_soda: a short page that stays short is an error, exit 1" {
	soda_start T --short 3
	run -1 --separate-stderr ped-fetch --retries 0 \
	    --soda "$T_URL$RES.json" --page-size 300 --jobs 1
	assert_stderr --partial "ped-fetch: $T_URL$RES.json: page at offset 300 has 299 rows, expected 300"
}

@test "fetch_soda: out of retries: the last reason and the count" {
	soda_start T --fail 2 --fail 3
	run -1 --separate-stderr ped-fetch --retries 1 \
	    --soda "$T_URL$RES.csv" --jobs 1 --page-size 3000
	assert_stderr "ped-fetch: $T_URL$RES.csv: page at offset 0: HTTP 500 Internal Server Error (gave up after 1 retries)"
}

@test "fetch_soda: --since/--until reach the server as \$where on date_time" {
	: >"$S_LOG"
	run -0 --separate-stderr ped-fetch --soda "$S_URL$RES.json" \
	    --since 2019-11-02 --until 2019-11-03 --page-size 1000
	# 2019-11-02 has 55 sensors x 24 hours, 2019-11-03 53 x 24.
	assert_equal "${#lines[@]}" 2593
	run -1 bash -c "grep -v \"where=date_time >= '2019-11-02T00:00:00' AND date_time < '2019-11-04T00:00:00' \" '$S_LOG'"
	assert_output ""
	run -0 grep -c '\$where=date_time%20%3E%3D%20%272019-11-02T00%3A00%3A00%27%20AND%20' "$S_LOG"
	assert_output 5
}

@test "fetch_soda: --until across a month, a year and a leap day" {
	: >"$S_LOG"
	run -0 ped-fetch --soda "$S_URL$RES.csv" --until 2019-10-31
	run -0 ped-fetch --soda "$S_URL$RES.csv" --until 2019-12-31
	run -0 ped-fetch --soda "$S_URL$RES.csv" --until 2020-02-28
	run -0 ped-fetch --soda "$S_URL$RES.csv" --until 2020-02-29
	run -0 bash -c "grep -o \"where=[^=]*'\" '$S_LOG' | uniq"
	assert_output "where=date_time < '2019-11-01T00:00:00'
where=date_time < '2020-01-01T00:00:00'
where=date_time < '2020-02-29T00:00:00'
where=date_time < '2020-03-01T00:00:00'"
}

@test "fetch_soda: --where is ANDed raw with --since" {
	: >"$S_LOG"
	run -0 --separate-stderr ped-fetch --soda "$S_URL$RES.json" \
	    --where "date_time < '2019-11-03T00:00:00'" --since 2019-11-02
	assert_equal "${#lines[@]}" 1321
	run -0 head -1 "$S_LOG"
	assert_output --partial "where=(date_time < '2019-11-03T00:00:00') AND date_time >= '2019-11-02T00:00:00' "
}

@test "fetch_soda: no rows in range: the header only, exit 0" {
	run -0 --separate-stderr ped-fetch --soda "$S_URL$RES.json" \
	    --since 2030-01-01
	assert_output "$(printf 'period\tsensor_id\tsensor_name\tcount')"
	run -0 --separate-stderr ped-fetch --soda "$S_URL$RES.csv" \
	    --since 2030-01-01
	assert_output "$(printf 'period\tsensor_id\tsensor_name\tcount')"
}

@test "fetch_soda: bad dates are usage errors, exit 64" {
	local d
	for d in 2019-02-29 2019-13-01 2019-1-01 20191101 2019-11-00 x; do
		run -64 --separate-stderr ped-fetch --soda "$S_URL$RES.json" \
		    --since "$d"
		assert_stderr --partial "ped-fetch: --since: invalid date \"$d\""
	done
	run -64 --separate-stderr ped-fetch --soda "$S_URL$RES.json" \
	    --until 2019-04-31
	assert_stderr --partial "ped-fetch: --until: invalid date \"2019-04-31\""
}

@test "fetch_soda: bad --jobs, --page-size and a SOURCE with --soda, exit 64" {
	run -64 --separate-stderr ped-fetch --soda "$S_URL$RES.json" --jobs 0
	assert_stderr --partial '--jobs'
	run -64 --separate-stderr ped-fetch --soda "$S_URL$RES.json" --jobs 65
	assert_stderr --partial '--jobs'
	run -64 --separate-stderr ped-fetch --soda "$S_URL$RES.json" \
	    --page-size x
	assert_stderr --partial '--page-size'
	run -64 --separate-stderr ped-fetch --soda "$S_URL$RES.json" \
	    "$DATA/soda/$F"
	assert_stderr --partial '--soda'
	run -64 --separate-stderr ped-fetch --jobs 2 "$DATA/soda/$F"
	assert_stderr --partial '--soda'
}

@test "fetch_soda: an unknown resource is an error, not retried" {
	: >"$S_LOG"
	run -1 --separate-stderr ped-fetch --soda "$S_URL/resource/nope.json"
	assert_stderr "ped-fetch: $S_URL/resource/nope.json: count request: HTTP 404 Not Found"
	run -0 grep -c 'count(\*)' "$S_LOG"
	assert_output 1
	# The first page may have gone out with the count, once.
	run -0 bash -c "grep -c -v 'count(\*)' '$S_LOG' || true"
	[ "$output" -le 1 ] || fail "$output page requests"
}

@test "fetch_soda: secrets in the URL are redacted in messages" {
	run -1 --separate-stderr ped-fetch --soda \
	    "http://me:pw-Secret@${S_URL#http://}$RES.json?\$\$app_token=tk-Secret"
	assert_stderr "ped-fetch: http://***@${S_URL#http://}$RES.json?\$\$app_token=***: count request: HTTP 400 Bad Request"
}

@test "fetch_soda: connection refused: retried, then exit 1" {
	local port
	port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
	run -1 --separate-stderr ped-fetch -v --retries 1 \
	    --soda "http://127.0.0.1:$port$RES.json"
	assert_stderr --partial "count request: Failed to connect"
	assert_stderr --partial "retry 1/1"
	assert_stderr --partial "(gave up after 1 retries)"
}

@test "fetch_soda: --max-time bounds the whole paging" {
	soda_start T --latency 3000-3000
	run -1 --separate-stderr ped-fetch --max-time 1 \
	    --soda "$T_URL$RES.json"
	assert_stderr "ped-fetch: $T_URL$RES.json: timed out after 1 s (--max-time)"
}

@test "fetch_soda: a reply without a count is an error" {
	: >"$S_LOG"
	run -1 --separate-stderr ped-fetch --soda "$S_URL/rows.csv"
	assert_stderr "ped-fetch: $S_URL/rows.csv: count request: unexpected reply (no count)"
}

@test "fetch_soda: gzip replies (Accept-Encoding), a dropped gzip page retried" {
	soda_start T --gzip --drop 3
	run -0 --separate-stderr ped-fetch -v --soda "$T_URL$RES.csv" \
	    --page-size 1200 --jobs 2
	same_as_file
	assert_stderr --partial "retry 1/5"
	run -1 grep -v 'ae=.*gzip' "$T_LOG"
}

@test "fetch_soda: a CSV page whose header differs is an error" {
	soda_start T --badheader 4
	run -1 --separate-stderr ped-fetch --soda "$T_URL$RES.csv" \
	    --page-size 1000 --jobs 1
	assert_stderr "ped-fetch: $T_URL$RES.csv: page at offset 2000: header differs from the first page's"
}

@test "fetch_soda: rows beyond a stale count (a multiple of the page size) are fetched" {
	# The count says 4000 of the 5000 rows: the pages after it bring them.
	soda_start T --stale-count 1000
	run -0 --separate-stderr ped-fetch --soda "$T_URL$RES.json" \
	    --page-size 1000 --jobs 3
	same_as_file
	run -0 grep -c '\$offset=5000&' "$T_LOG"
	assert_output 1
	run -0 --separate-stderr ped-fetch --soda "$T_URL$RES.csv" \
	    --page-size 1000 --jobs 2
	same_as_file
}

@test "fetch_soda: a stale count inside the last page: the full page is kept" {
	soda_start T --stale-count 500
	run -0 --separate-stderr ped-fetch --soda "$T_URL$RES.json" \
	    --page-size 1000 --jobs 2
	same_as_file
}

@test "fetch_soda: a server repeating a page is an error, not doubled rows" {
	# The third request (page at offset 1000) brings the rows of page 0.
	soda_start T --repeat-page 3
	run -1 --separate-stderr ped-fetch --retries 0 \
	    --soda "$T_URL$RES.json" --page-size 1000 --jobs 1
	assert_stderr --regexp "^ped-fetch: $T_URL$RES.json: page at offset 1000: row id \"[0-9]+\" came already \(the server repeated rows\)\$"
	soda_stop T
	soda_start T --repeat-page 4
	run -1 --separate-stderr ped-fetch --retries 0 \
	    --soda "$T_URL$RES.csv" --page-size 1000 --jobs 1
	assert_stderr --regexp "page at offset 2000: row id \"[0-9]+\" came already"
}

@test "fetch_soda: a 200 with a SODA error object reports the server's message, quoted" {
	soda_start T --error200 1 --error-message $'query timed out\e[2J'
	run -1 --separate-stderr ped-fetch --soda "$T_URL$RES.json"
	assert_stderr "ped-fetch: $T_URL$RES.json: count request: the server reports an error: \"query timed out\\x1b[2J\""
	soda_stop T
	soda_start T --error200 3
	run -1 --separate-stderr ped-fetch --soda "$T_URL$RES.csv" \
	    --page-size 2000 --jobs 1
	assert_stderr "ped-fetch: $T_URL$RES.csv: page at offset 2000: the server reports an error: \"query timed out\""
}

@test "fetch_soda: the token never follows a redirect to another host" {
	soda_start T --token tok-R3dir-Secret
	local port=${T_URL##*:}
	# 127.0.0.1:P1 -> localhost:P2 is another host: no token, so a 403.
	: >"$T_LOG"
	: >"$HTTP_LOG"
	SODA_APP_TOKEN=tok-R3dir-Secret run -1 --separate-stderr ped-fetch \
	    --soda "http://127.0.0.1:$HTTP_PORT/goto/localhost:$port$RES.json"
	assert_stderr --partial "count request: HTTP 403 Forbidden"
	[[ $stderr != *tok-R3dir-Secret* ]] || fail "token printed: $stderr"
	run -0 grep -c 'token=none' "$T_LOG"
	[ "$output" -ge 1 ] || fail "no request reached the other host"
	run -1 grep 'token=ok' "$T_LOG"
	run -0 grep -c 'count(\*) .*token=yes' "$HTTP_LOG"
	assert_output 1
}

@test "fetch_soda: garbage pages are retried, then an error; a stalled page says so" {
	soda_start T --garbage 3
	run -0 --separate-stderr ped-fetch -v --soda "$T_URL$RES.json" \
	    --page-size 2000 --jobs 1
	same_as_file
	assert_stderr --partial "page at offset 2000: not a JSON array, retry 1/5"
	soda_stop T
	soda_start T --garbage 2
	run -1 --separate-stderr ped-fetch --retries 0 --soda "$T_URL$RES.csv" \
	    --page-size 2000 --jobs 1
	assert_stderr "ped-fetch: $T_URL$RES.csv: page at offset 0: not a CSV table"
	soda_stop T
	# The page at offset 2000 sends nothing for 3 s; 1 s makes a stall.
	soda_start T --slow 2000:3000
	PED_STALL_SECS=1 run -0 --separate-stderr ped-fetch -v \
	    --soda "$T_URL$RES.json" --page-size 2000 --jobs 1
	same_as_file
	assert_stderr --partial "page at offset 2000: no data for 1 s (the transfer stalled), retry 1/5"
}

@test "fetch_soda: no secret in any output: -v, retries, --progress on a terminal" {
	soda_start T --token tok-Pty-Secret --throttle 3 --fail 4
	local u="http://me:pw-Soda-Secret@${T_URL#http://}$RES"
	local q='?tok%65n=Pct-Soda-Secret#access_token=Frag-Soda-Secret'
	local out=$BATS_TEST_TMPDIR/all
	export SODA_APP_TOKEN=tok-Pty-Secret
	{
		ped-fetch -v --soda "$u.json$q" --page-size 1000 --jobs 2
		ped-fetch -v --progress --soda "$u.csv" --page-size 1000
		ped-fetch -v --retries 0 --soda "$u.json?\$\$app_token=Q-Soda-Secret"
		script -q -e -c "ped-fetch -v --soda '$u.json' --page-size 500 >/dev/null" /dev/null
		SODA_APP_TOKEN=wrong-Soda-Secret ped-fetch -v --soda "$u.csv"
	} >"$out" 2>&1 || true
	[ "$(grep -c 'ped-fetch: ' "$out")" -ge 3 ] || fail "too little output: $(cat "$out")"
	run -1 grep -E -a 'Soda-Secret|tok-Pty-Secret' "$out"
}

@test "fetch_soda: rows added while paging: kept when they follow, an error after a short page" {
	# The count and the first pages miss the last 500 rows; the later
	# pages see them: the full page after the count brings them.
	soda_start T --grow 6:500
	run -0 --separate-stderr ped-fetch --soda "$T_URL$RES.json" \
	    --page-size 1000 --jobs 1
	same_as_file
	soda_stop T
	# 1500 rows come after the count's short last page: rows would be
	# lost between the pages, so it is an error.
	soda_start T --grow 6:1500
	run -1 --separate-stderr ped-fetch --retries 0 \
	    --soda "$T_URL$RES.json" --page-size 1000 --jobs 1
	assert_stderr "ped-fetch: $T_URL$RES.json: page at offset 4000 has 1000 rows after a page that was not full (the data changed while it was paged)"
}
