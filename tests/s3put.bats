#!/usr/bin/env bats
# ped-s3put against a real S3 server on 127.0.0.1 (@20minutes/s3rver, pinned
# in tests/s3), read back with Debian's awscli. tests/s3/s3proxy.py sits in
# front of it where a test needs a request log, injected faults or botocore's
# independent signature check; tests/s3/imds.py plays the EC2 metadata service.
load helper
load s3/s3rver

setup_file() {
	s3rver_start "$BATS_FILE_TMPDIR/s3rver" || return 1
	# Random bytes, so a misplaced part cannot go unnoticed.
	head -c $((50 * 1024 * 1024)) /dev/urandom >"$BATS_FILE_TMPDIR/big"
	head -c $((12 * 1024 * 1024 + 7)) /dev/urandom >"$BATS_FILE_TMPDIR/mid"
}

teardown_file() {
	s3rver_stop "$BATS_FILE_TMPDIR/s3rver"
}

setup() {
	unset AWS_REGION AWS_PROFILE AWS_SESSION_TOKEN AWS_ENDPOINT_URL \
	    AWS_ENDPOINT_URL_S3 AWS_CA_BUNDLE AWS_EC2_METADATA_SERVICE_ENDPOINT \
	    http_proxy https_proxy HTTP_PROXY HTTPS_PROXY all_proxy ALL_PROXY
	export AWS_ACCESS_KEY_ID=S3RVER AWS_SECRET_ACCESS_KEY=S3RVER \
	    AWS_DEFAULT_REGION=us-east-1 AWS_EC2_METADATA_DISABLED=true \
	    PED_RETRY_BASE_MS=1
	BIG="$BATS_FILE_TMPDIR/big" MID="$BATS_FILE_TMPDIR/mid"
	cd "$BATS_TEST_TMPDIR" || return 1
}

teardown() {
	local p
	for p in "$BATS_TEST_TMPDIR"/*.pid; do
		[ -f "$p" ] && kill "$(cat "$p")" 2>/dev/null
	done
	return 0
}

# start_py NAME SCRIPT ARGS...: runs a test server, waits for its port file.
start_py() {
	local name=$1 script=$2 i
	shift 2
	/usr/bin/python3 "$TESTS_DIR/s3/$script" --portfile "$name.port" \
	    --log "$name.log" "$@" >"$name.out" 2>&1 3>&- &
	echo $! >"$name.pid"
	for i in $(seq 300); do
		[ -s "$name.port" ] && return 0
		sleep 0.05
	done
	cat "$name.out" >&2
	return 1
}

# start_proxy [--fail SUBSTR STATUS COUNT]...: sets PX to its endpoint.
start_proxy() {
	start_py proxy s3proxy.py --upstream "$S3PORT" --secret S3RVER "$@"
	PX="http://127.0.0.1:$(cat proxy.port)"
}

# get KEY FILE: reads an object back with the AWS CLI.
get() {
	env -u AWS_SESSION_TOKEN -u AWS_PROFILE AWS_ACCESS_KEY_ID=S3RVER \
	    AWS_SECRET_ACCESS_KEY=S3RVER \
	    /usr/bin/aws --endpoint-url "$EP" s3 cp --quiet "s3://testbucket/$1" "$2"
}

# wait_for FILE PATTERN: waits (up to 20 s) until a line matches.
wait_for() {
	local i
	for i in $(seq 400); do
		grep -q -- "$2" "$1" 2>/dev/null && return 0
		sleep 0.05
	done
	return 1
}

@test "--help prints the usage on stdout and exits 0" {
	run -0 --separate-stderr ped-s3put --help
	assert_line --index 0 --partial 'usage: ped-s3put [-qv] [--content-type type]'
	assert_output --partial 'file|- s3://bucket/key'
	assert_equal "$stderr" ''
}

@test "--version" {
	run -0 ped-s3put --version
	assert_output "ped-s3put (ped) $(sed -n 's/.*PED_VERSION.*"\(.*\)".*/\1/p' "$ROOT/common/version.h")"
}

@test "--version to a full disk fails" {
	run -1 --separate-stderr sh -c 'ped-s3put --version >/dev/full'
	assert_stderr --partial 'ped-s3put: stdout: No space left on device'
}

@test "bad usage exits 64" {
	local -a cases=(
		''
		'x'
		'-z x s3://testbucket/k'
		'x s3://testbucket/k extra'
		'x http://testbucket/k'
		'x s3:///k'
		'x s3://bad:bucket/k'
		'- s3://testbucket/'
		'- s3://testbucket/dir/'
		'--part-size 1M x s3://testbucket/k'
		'--part-size 6G x s3://testbucket/k'
		'--part-size abc x s3://testbucket/k'
		'--jobs 0 x s3://testbucket/k'
		'--retries x x s3://testbucket/k'
		'--region a:b x s3://testbucket/k'
		'--endpoint ftp://h x s3://testbucket/k'
	)
	local c
	for c in "${cases[@]}"; do
		# shellcheck disable=SC2086
		run -64 --separate-stderr ped-s3put $c
		assert_stderr --regexp '^(usage: ped-s3put|ped-s3put: )'
	done
	run -64 --separate-stderr env PED_RETRY_BASE_MS=x ped-s3put x s3://testbucket/k
	assert_stderr --partial 'PED_RETRY_BASE_MS: invalid milliseconds "x"'
}

@test "a missing or unreadable input exits 1" {
	run -1 --separate-stderr ped-s3put --endpoint "$EP" nofile s3://testbucket/k
	assert_stderr 'ped-s3put: nofile: No such file or directory'
	run -1 --separate-stderr ped-s3put --endpoint "$EP" . s3://testbucket/k
	assert_stderr 'ped-s3put: .: is a directory'
}

@test "an empty file is stored as an empty object" {
	: >empty
	run -0 ped-s3put --endpoint "$EP" empty s3://testbucket/empty
	assert_output ''
	echo stale >back
	get empty back
	assert_file_empty back
}

@test "a small file, with the key taken from its name and the type from its extension" {
	printf 'a,b\n1,2\n' >top_10_daily.csv
	run -0 ped-s3put --endpoint "$EP" top_10_daily.csv s3://testbucket/out/
	get out/top_10_daily.csv back
	cmp top_10_daily.csv back
	run -0 env AWS_ACCESS_KEY_ID=S3RVER AWS_SECRET_ACCESS_KEY=S3RVER \
	    /usr/bin/aws --endpoint-url "$EP" s3api head-object \
	    --bucket testbucket --key out/top_10_daily.csv
	assert_output --partial '"ContentType": "text/csv"'
}

@test "--content-type, the endpoint and region from the environment" {
	printf 'x\ty\n' >t.tsv
	AWS_ENDPOINT_URL_S3="$EP" AWS_REGION=ap-southeast-4 \
	    run -0 ped-s3put --content-type text/x-ped t.tsv s3://testbucket/t.tsv
	run -0 env AWS_ACCESS_KEY_ID=S3RVER AWS_SECRET_ACCESS_KEY=S3RVER \
	    /usr/bin/aws --endpoint-url "$EP" s3api head-object \
	    --bucket testbucket --key t.tsv
	assert_output --partial '"ContentType": "text/x-ped"'
	AWS_ENDPOINT_URL="$EP/" run -0 ped-s3put t.tsv s3://testbucket/t2.tsv
	get t2.tsv back
	cmp t.tsv back
}

@test "50 MiB go up in parts, each signed as botocore signs it" {
	start_proxy
	run -0 --separate-stderr ped-s3put -v --endpoint "$PX" "$BIG" s3://testbucket/big
	get big back
	cmp "$BIG" back
	# 16 MiB parts: four of them, then Complete.
	run grep -c '^PUT /testbucket/big?partNumber=[1-4]&uploadId=.* 200 sigv4=ok' proxy.log
	assert_output 4
	run grep -c 'sigv4=ok' proxy.log
	assert_output 6
	refute grep -q 'sigv4=bad' proxy.log
	grep -q '^POST /testbucket/big?uploads= 200' proxy.log
	grep -q '^POST /testbucket/big?uploadId=.* 200' proxy.log
	assert_equal "$(grep -c 'ETag' <<<"$stderr")" 1
}

@test "--part-size sets the parts; --jobs 1 sends them in order" {
	start_proxy
	run -0 ped-s3put --endpoint "$PX" --part-size 5M --jobs 1 "$MID" s3://testbucket/mid
	get mid back
	cmp "$MID" back
	run sed -n 's/^PUT .*partNumber=\([0-9]*\)&.*/\1/p' proxy.log
	assert_output "$(printf '1\n2\n3')"
}

@test "stdin is streamed in parts" {
	start_proxy
	run -0 sh -c 'cat "$1" | ped-s3put --endpoint "$2" --part-size 5M - s3://testbucket/stream' _ "$MID" "$PX"
	get stream back
	cmp "$MID" back
	run grep -c '^PUT /testbucket/stream?partNumber=' proxy.log
	assert_output 3
	refute grep -q 'sigv4=bad' proxy.log
}

@test "a short stdin goes in one PUT, an empty one too" {
	start_proxy
	run -0 sh -c 'echo hello | ped-s3put --endpoint "$1" - s3://testbucket/short' _ "$PX"
	get short back
	assert_equal "$(cat back)" hello
	run -0 sh -c 'ped-s3put --endpoint "$1" - s3://testbucket/none </dev/null' _ "$PX"
	get none back
	assert_file_empty back
	run grep -c '^PUT /testbucket/\(short\|none\) 200 sigv4=ok' proxy.log
	assert_output 2
	refute grep -q 'uploads' proxy.log
}

@test "keys with spaces, unicode and +()!*' are encoded and signed" {
	start_proxy
	local k
	printf 'data\n' >f
	for k in "sub dir/a b.csv" "é/München ü.tsv" "x+(1)!*'.bin" "a~b_c-d.e"; do
		run -0 ped-s3put --endpoint "$PX" f "s3://testbucket/$k"
		rm -f back
		get "$k" back
		cmp f back
	done
	run -0 ped-s3put --endpoint "$PX" --part-size 5M "$MID" "s3://testbucket/m é+(2)!*'"
	get "m é+(2)!*'" back
	cmp "$MID" back
	grep -q "^PUT /testbucket/x%2B%281%29%21%2A%27.bin 200 sigv4=ok" proxy.log
	grep -q '^PUT /testbucket/%C3%A9/M%C3%BCnchen%20%C3%BC.tsv 200' proxy.log
	refute grep -q 'sigv4=bad' proxy.log
}

@test "a wrong secret: 403 SignatureDoesNotMatch, exit 1" {
	printf 'x\n' >f
	AWS_SECRET_ACCESS_KEY=wrong run -1 --separate-stderr ped-s3put --endpoint "$EP" f s3://testbucket/f
	assert_stderr 'ped-s3put: s3://testbucket/f: 403 SignatureDoesNotMatch: "The request signature we calculated does not match the signature"...'
	AWS_SECRET_ACCESS_KEY=wrong run -1 --separate-stderr ped-s3put --endpoint "$EP" "$BIG" s3://testbucket/f
	assert_stderr --partial 's3://testbucket/f: 403 SignatureDoesNotMatch'
	AWS_ACCESS_KEY_ID=NOBODY run -1 --separate-stderr ped-s3put --endpoint "$EP" f s3://testbucket/f
	assert_stderr --partial 's3://testbucket/f: 403 InvalidAccessKeyId'
}

@test "botocore's check rejects a wrong signature too" {
	start_proxy
	printf 'x\n' >f
	AWS_SECRET_ACCESS_KEY=wrong run -1 --separate-stderr ped-s3put --endpoint "$PX" f s3://testbucket/f
	assert_stderr --partial '403 SignatureDoesNotMatch: "botocore: signature differs"'
	grep -q '^PUT /testbucket/f 403 sigv4=bad' proxy.log
}

@test "the botocore check is not vacuous: it catches curl 7.88's pitfalls" {
	command -v curl >/dev/null || skip "the curl command is not installed"
	start_proxy
	printf 'x' >f
	local sha
	sha=$(sha256sum f | cut -d' ' -f1)
	set -- curl -s -o /dev/null -w '%{http_code}' --aws-sigv4 aws:amz:us-east-1:s3 \
	    --user S3RVER:S3RVER -T f
	run -0 "$@" -H "x-amz-content-sha256: $sha" "$PX/testbucket/c1"
	assert_output 200
	# The query as written, not sorted (S3.md, section 4, item 3).
	run -0 "$@" -H "x-amz-content-sha256: $sha" "$PX/testbucket/c2?uploadId=abc&partNumber=3"
	assert_output 403
	# A payload hash that is not the body's.
	run -0 "$@" -H "x-amz-content-sha256: $(printf y | sha256sum | cut -d' ' -f1)" "$PX/testbucket/c3"
	assert_output 400
	run -0 cut -d' ' -f1-4 proxy.log
	assert_output "$(printf '%s\n' 'PUT /testbucket/c1 200 sigv4=ok' \
	    'PUT /testbucket/c2?uploadId=abc&partNumber=3 403 sigv4=bad' \
	    'PUT /testbucket/c3 400 sigv4=bad')"
}

@test "a missing bucket: 404 NoSuchBucket, exit 1" {
	printf 'x\n' >f
	run -1 --separate-stderr ped-s3put --endpoint "$EP" f s3://nosuchbucket/f
	assert_stderr 'ped-s3put: s3://nosuchbucket/f: 404 NoSuchBucket: "The specified bucket does not exist"'
	run -1 --separate-stderr ped-s3put --endpoint "$EP" "$BIG" s3://nosuchbucket/f
	assert_stderr --partial 'ped-s3put: s3://nosuchbucket/f: 404 NoSuchBucket'
}

@test "the session token is sent, signed, in every request" {
	start_proxy
	printf 'x\n' >f
	AWS_SESSION_TOKEN=tok-123 run -0 ped-s3put --endpoint "$PX" --region eu-central-1 f s3://testbucket/tok
	AWS_SESSION_TOKEN=tok-123 run -0 ped-s3put --endpoint "$PX" --part-size 5M "$MID" s3://testbucket/tok2
	run grep -c 'sigv4=ok token=tok-123$' proxy.log
	assert_output 6
	refute grep -q 'token=-' proxy.log
}

@test "credentials file with two profiles: --profile, AWS_PROFILE, default" {
	unset AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY
	cat >creds <<-EOF
	[default]
	aws_access_key_id = S3RVER
	aws_secret_access_key = not-the-secret

	[good]
	aws_access_key_id=S3RVER
	aws_secret_access_key=S3RVER
	EOF
	export AWS_SHARED_CREDENTIALS_FILE=$PWD/creds
	printf 'x\n' >f
	run -1 --separate-stderr ped-s3put --endpoint "$EP" f s3://testbucket/p
	assert_stderr --partial '403 SignatureDoesNotMatch'
	run -0 ped-s3put --endpoint "$EP" --profile good f s3://testbucket/p
	AWS_PROFILE=good run -0 ped-s3put --endpoint "$EP" f s3://testbucket/p
	# As in the AWS CLI, --profile outranks keys in the environment.
	AWS_ACCESS_KEY_ID=S3RVER AWS_SECRET_ACCESS_KEY=wrong \
	    run -0 ped-s3put --endpoint "$EP" --profile good f s3://testbucket/p
	run -1 --separate-stderr ped-s3put --endpoint "$EP" --profile nope f s3://testbucket/p
	assert_stderr 'ped-s3put: profile "nope" not found'
}

@test "~/.aws/credentials and the config file's [profile name]" {
	unset AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY AWS_SHARED_CREDENTIALS_FILE
	mkdir -p home/.aws
	printf '[good]\naws_access_key_id=S3RVER\naws_secret_access_key=S3RVER\n' >home/.aws/credentials
	printf '[profile cfg]\naws_access_key_id = S3RVER\naws_secret_access_key = S3RVER\n' >conf
	printf 'x\n' >f
	HOME=$PWD/home run -0 ped-s3put --endpoint "$EP" --profile good f s3://testbucket/h
	AWS_CONFIG_FILE=$PWD/conf run -0 ped-s3put --endpoint "$EP" --profile cfg f s3://testbucket/h
}

@test "partial or missing credentials exit 1" {
	printf 'x\n' >f
	unset AWS_SECRET_ACCESS_KEY
	run -1 --separate-stderr ped-s3put --endpoint "$EP" f s3://testbucket/f
	assert_stderr 'ped-s3put: AWS_ACCESS_KEY_ID is set but not AWS_SECRET_ACCESS_KEY'
	unset AWS_ACCESS_KEY_ID
	run -1 --separate-stderr ped-s3put --endpoint "$EP" f s3://testbucket/f
	assert_stderr --partial 'ped-s3put: no credentials:'
	# A metadata service that is not there counts as none.
	AWS_EC2_METADATA_DISABLED=false AWS_EC2_METADATA_SERVICE_ENDPOINT=http://127.0.0.1:1 \
	    run -1 --separate-stderr ped-s3put --endpoint "$EP" f s3://testbucket/f
	assert_stderr --partial 'ped-s3put: no credentials:'
}

@test "IMDSv2: instance-role credentials from the metadata service" {
	unset AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY AWS_EC2_METADATA_DISABLED
	start_py imds imds.py --key S3RVER --secret S3RVER --token imds-tok
	start_proxy
	export AWS_EC2_METADATA_SERVICE_ENDPOINT="http://127.0.0.1:$(cat imds.port)"
	printf 'x\n' >f
	run -0 --separate-stderr ped-s3put -v --endpoint "$PX" f s3://testbucket/imds
	assert_stderr --partial 'credentials from imds'
	get imds back
	cmp f back
	assert_equal "$(cat imds.log)" "$(printf '%s\n' \
	    'PUT /latest/api/token 200' \
	    'GET /latest/meta-data/iam/security-credentials/ 200' \
	    'GET /latest/meta-data/iam/security-credentials/ped-role 200')"
	grep -q '^PUT /testbucket/imds 200 sigv4=ok token=imds-tok$' proxy.log
}

@test "a part failing once with 500 is retried alone and the upload succeeds" {
	start_proxy --fail 'partNumber=2&' 500 1
	run -0 ped-s3put --endpoint "$PX" --part-size 5M "$MID" s3://testbucket/retry
	get retry back
	cmp "$MID" back
	run grep -c '^PUT /testbucket/retry?partNumber=2&' proxy.log
	assert_output 2
	run grep -c '^PUT /testbucket/retry?partNumber=[13]&' proxy.log
	assert_output 2
}

@test "connection drops, 503 SlowDown and 429 are retried" {
	start_proxy --fail 'PUT /testbucket/drop' 0 2 --fail 'PUT /testbucket/slow' 503 2 \
	    --fail 'POST /testbucket/many?uploads=' 429 1
	printf 'x\n' >f
	run -0 ped-s3put --endpoint "$PX" f s3://testbucket/drop
	run -0 ped-s3put --endpoint "$PX" f s3://testbucket/slow
	run -0 ped-s3put --endpoint "$PX" --part-size 5M "$MID" s3://testbucket/many
	assert_equal "$(grep -c '^PUT /testbucket/drop ' proxy.log)" 3
	assert_equal "$(grep -c '^PUT /testbucket/slow ' proxy.log)" 3
	assert_equal "$(grep -c '^POST /testbucket/many?uploads= ' proxy.log)" 2
}

@test "retries end: the last error is reported, exit 1" {
	start_proxy --fail 'PUT /testbucket/down' 503 0 --fail 'PUT /testbucket/bad' 400 0
	printf 'x\n' >f
	run -1 --separate-stderr ped-s3put --endpoint "$PX" --retries 2 f s3://testbucket/down
	assert_stderr 'ped-s3put: s3://testbucket/down: 503 SlowDown: "injected by s3proxy.py"'
	assert_equal "$(grep -c '^PUT /testbucket/down ' proxy.log)" 3
	# A 4xx other than 429 is final at once.
	run -1 --separate-stderr ped-s3put --endpoint "$PX" f s3://testbucket/bad
	assert_stderr 'ped-s3put: s3://testbucket/bad: 400 BadRequest: "injected by s3proxy.py"'
	assert_equal "$(grep -c '^PUT /testbucket/bad ' proxy.log)" 1
}

@test "no server: the connection error is reported, exit 1" {
	printf 'x\n' >f
	run -1 --separate-stderr ped-s3put --endpoint http://127.0.0.1:1 --retries 1 f s3://testbucket/f
	assert_stderr --regexp '^ped-s3put: s3://testbucket/f: \(7\) '
}

@test "a part failing for good: the upload is aborted, exit 1" {
	start_proxy --fail 'partNumber=2&' 500 0
	run -1 --separate-stderr ped-s3put --endpoint "$PX" --part-size 5M --retries 3 "$MID" s3://testbucket/abort
	assert_equal "${stderr_lines[0]}" 'ped-s3put: s3://testbucket/abort: part 2: 500 InternalError: "injected by s3proxy.py"'
	# s3rver answers Abort with 405 (S3.md, section 7): it was sent all the same.
	assert_stderr --partial 'ped-s3put: s3://testbucket/abort: abort of the multipart upload failed: 405'
	assert_equal "$(grep -c '^PUT /testbucket/abort?partNumber=2&' proxy.log)" 4
	grep -q '^DELETE /testbucket/abort?uploadId=[0-9a-f]* 405 sigv4=ok' proxy.log
	refute grep -q '^POST /testbucket/abort?uploadId=' proxy.log
	run ! get abort back
}

@test "a failing Complete is aborted too" {
	start_proxy --fail 'POST /testbucket/fin?uploadId=' 400 0
	run -1 --separate-stderr ped-s3put --endpoint "$PX" --part-size 5M "$MID" s3://testbucket/fin
	assert_stderr --partial 'ped-s3put: s3://testbucket/fin: 400 BadRequest'
	grep -q '^DELETE /testbucket/fin?uploadId=' proxy.log
}

@test "a failing Create is reported, with nothing to abort" {
	start_proxy --fail 'uploads=' 403 0
	run -1 --separate-stderr ped-s3put --endpoint "$PX" --part-size 5M "$MID" s3://testbucket/cr
	assert_stderr 'ped-s3put: s3://testbucket/cr: 403 AccessDenied: "injected by s3proxy.py"'
	refute grep -q '^DELETE' proxy.log
}

@test "-q drops the note of a successful abort" {
	start_proxy --fail 'partNumber=1&' 500 0 --fail 'DELETE' 204 0
	run -1 --separate-stderr ped-s3put --endpoint "$PX" --retries 0 --part-size 5M "$MID" s3://testbucket/q
	assert_stderr --partial 'ped-s3put: s3://testbucket/q: multipart upload aborted'
	run -1 --separate-stderr ped-s3put -q --endpoint "$PX" --retries 0 --part-size 5M "$MID" s3://testbucket/q
	assert_stderr 'ped-s3put: s3://testbucket/q: part 1: 500 InternalError: "injected by s3proxy.py"'
}

@test "a file too big for the part limit gets larger parts; a stream fails" {
	start_proxy
	# 12 MiB in at most 2 parts: 6 MiB and more each, rounded up to 7 MiB.
	PED_S3_MAX_PARTS=2 run -0 ped-s3put --endpoint "$PX" --part-size 5M "$MID" s3://testbucket/grow
	get grow back
	cmp "$MID" back
	run -0 sh -c "sed -n 's/^PUT .*grow?partNumber=\\([0-9]*\\)&.*/\\1/p' proxy.log | sort -n"
	assert_output "$(printf '1\n2')"
	PED_S3_MAX_PARTS=2 run -1 --separate-stderr sh -c 'cat "$2" | ped-s3put --endpoint "$1" --part-size 5M --jobs 1 - s3://testbucket/many' _ "$PX" "$MID"
	assert_equal "${stderr_lines[0]}" 'ped-s3put: s3://testbucket/many: more than 2 parts of 5242880 bytes: use a larger --part-size'
	grep -q '^DELETE /testbucket/many?uploadId=' proxy.log
	PED_S3_MAX_PARTS=0 run -64 --separate-stderr ped-s3put --endpoint "$PX" --part-size 5M "$MID" s3://testbucket/x
	assert_stderr 'ped-s3put: PED_S3_MAX_PARTS: invalid count "0"'
}

@test "progress on a terminal's stderr, none with -q" {
	script -qec "ped-s3put --endpoint $EP --part-size 5M $MID s3://testbucket/tty" /dev/null >tty.out
	grep -q 'MiB (.*%), .* MiB/s' tty.out
	grep -q "$(printf '\r\033\\[K')" tty.out
	script -qec "ped-s3put -q --endpoint $EP --part-size 5M $MID s3://testbucket/tty" /dev/null >tty.out
	assert_file_empty tty.out
}

@test "SIGTERM during a streamed upload aborts it, exit 1" {
	start_proxy
	mkfifo fifo
	ped-s3put --endpoint "$PX" --part-size 5M - s3://testbucket/sig <fifo 2>err 3>&- &
	local pid=$!
	exec 4>fifo
	head -c $((6 * 1024 * 1024)) /dev/zero >&4
	wait_for proxy.log '^PUT /testbucket/sig?partNumber=1&.* 200'
	kill -TERM "$pid"
	local rc=0
	wait "$pid" || rc=$?
	exec 4>&-
	assert_equal "$rc" 1
	run cat err
	assert_line --index 0 'ped-s3put: s3://testbucket/sig: interrupted'
	grep -q '^DELETE /testbucket/sig?uploadId=' proxy.log
	refute grep -q '^POST /testbucket/sig?uploadId=' proxy.log
}

@test "secrets never appear in any output, -v included" {
	local secret=S3RVER canary=SECRET-CANARY-5b1f token=TOKEN-CANARY-c03e all=all.out
	start_py imds imds.py --key S3RVER --secret S3RVER --token "$token"
	start_proxy --fail 'partNumber=2&' 500 0
	printf 'x\n' >f
	printf '[p]\naws_access_key_id=S3RVER\naws_secret_access_key=%s\naws_session_token=%s\n' \
	    "$canary" "$token" >creds
	{
		AWS_SESSION_TOKEN=$token ped-s3put -v --endpoint "$EP" f s3://testbucket/s1
		AWS_SESSION_TOKEN=$token ped-s3put -v --endpoint "$EP" --part-size 5M "$MID" s3://testbucket/s2
		AWS_SESSION_TOKEN=$token ped-s3put -v --endpoint "$PX" --part-size 5M "$MID" s3://testbucket/s3
		cat "$MID" | AWS_SESSION_TOKEN=$token ped-s3put -v --endpoint "$EP" --part-size 5M - s3://testbucket/s4
		AWS_SECRET_ACCESS_KEY=$canary AWS_SESSION_TOKEN=$token ped-s3put -v --endpoint "$EP" f s3://testbucket/s5
		AWS_SECRET_ACCESS_KEY=$canary ped-s3put -v --endpoint "$EP" "$BIG" s3://testbucket/s6
		AWS_SHARED_CREDENTIALS_FILE=$PWD/creds ped-s3put -v --endpoint "$EP" --profile p f s3://testbucket/s7
		env -u AWS_ACCESS_KEY_ID -u AWS_SECRET_ACCESS_KEY AWS_EC2_METADATA_DISABLED=false \
		    AWS_EC2_METADATA_SERVICE_ENDPOINT="http://127.0.0.1:$(cat imds.port)" \
		    ped-s3put -v --endpoint "$EP" f s3://testbucket/s8
		AWS_SESSION_TOKEN=$token ped-s3put -v --endpoint "$EP" f s3://nosuchbucket/s9
		AWS_SESSION_TOKEN=$token ped-s3put -v --endpoint http://127.0.0.1:1 --retries 0 f s3://testbucket/s10
	} >"$all" 2>&1 || true
	# Every scenario ran and said something under -v.
	assert_equal "$(grep -c 'credentials from' "$all")" 4
	grep -q 'SignatureDoesNotMatch' "$all"
	grep -q 'NoSuchBucket' "$all"
	grep -q 'part 2: 500' "$all"
	run grep -e "$secret" -e "$canary" -e "$token" "$all"
	assert_failure 1
	assert_output ''
}

# s3api ARGS...: the AWS CLI's low-level commands against s3rver itself.
s3api() {
	env -u AWS_SESSION_TOKEN -u AWS_PROFILE AWS_ACCESS_KEY_ID=S3RVER \
	    AWS_SECRET_ACCESS_KEY=S3RVER AWS_CONFIG_FILE=/dev/null \
	    AWS_SHARED_CREDENTIALS_FILE=/dev/null \
	    /usr/bin/aws --endpoint-url "$EP" s3api "$@"
}

# keys BUCKET: the bucket's keys, one a line, as the AWS CLI lists them.
keys() {
	s3api list-objects-v2 --bucket "$1" --query 'Contents[].Key' --output text |
	    tr '\t' '\n' | sed '/^None$/d'
}

# silent: a server that takes connections and never answers, logging one
# line per connection to silent.log; sets SILENT to its URL.
silent() {
	/usr/bin/python3 -c 'import os, socket, sys
s = socket.socket(); s.bind(("127.0.0.1", 0)); s.listen(16)
open(sys.argv[1] + ".tmp", "w").write("%d\n" % s.getsockname()[1])
os.rename(sys.argv[1] + ".tmp", sys.argv[1])
held = []
while True:
    c, _ = s.accept(); held.append(c)
    with open("silent.log", "a") as f: f.write("connection\n")' silent.port 3>&- &
	echo $! >silent.pid
	local i
	for i in $(seq 300); do
		[ -s silent.port ] && break
		sleep 0.05
	done
	SILENT="http://127.0.0.1:$(cat silent.port)"
}

@test "keys with . and .. segments are sent and stored byte for byte" {
	start_proxy
	printf 'dots\n' >f
	local k
	for k in 'd/../y' 'd/./z' 'd//w' 'd/..' 'd/.'; do
		run -0 ped-s3put --endpoint "$PX" f "s3://testbucket/$k"
	done
	# The request line carried the key as is, signed as botocore signs it
	# (S3 never normalises a key: S3SigV4Auth signs the raw path).
	run -0 cut -d' ' -f1-4 proxy.log
	assert_output "$(printf '%s\n' 'PUT /testbucket/d/../y 200 sigv4=ok' \
	    'PUT /testbucket/d/./z 200 sigv4=ok' 'PUT /testbucket/d//w 200 sigv4=ok' \
	    'PUT /testbucket/d/.. 200 sigv4=ok' 'PUT /testbucket/d/. 200 sigv4=ok')"
	# The AWS CLI lists the literal keys and reads them back.
	run -0 keys testbucket
	assert_line 'd/../y'
	assert_line 'd/./z'
	assert_line 'd//w'
	refute_line 'y'
	refute_line 'd/z'
	s3api get-object --bucket testbucket --key 'd/../y' back >/dev/null
	cmp f back
}

@test "s3://b/../other/k stays in bucket b; s3://b/../new creates no bucket" {
	s3api create-bucket --bucket otherbucket >/dev/null
	printf 'x\n' >f
	: >empty
	run -0 ped-s3put --endpoint "$EP" f s3://testbucket/../otherbucket/k
	run -0 ped-s3put --endpoint "$EP" empty s3://testbucket/../newbucket
	run -0 keys otherbucket
	assert_output ''
	run -0 s3api list-buckets --query 'Buckets[].Name' --output text
	refute_output --partial newbucket
	run -0 keys testbucket
	assert_line '../otherbucket/k'
	assert_line '../newbucket'
}

@test "keys with control characters or not UTF-8, bucket names . and .. are usage errors" {
	start_proxy
	printf 'x\n' >f
	local k
	for k in $'a\nb' $'a\x01b' $'a\x7fb' $'a\xc2\x85b' $'a\rb' $'\tb'; do
		run -64 --separate-stderr ped-s3put --endpoint "$PX" f "s3://testbucket/$k"
		assert_stderr --regexp '^ped-s3put: s3://testbucket/"a?\\(n|x01|x7f|xc2\\x85|r|t)b": control character in the key$'
	done
	for k in $'a\xff' $'a\xc0\x80' $'\xed\xa0\x80'; do
		run -64 --separate-stderr ped-s3put --endpoint "$PX" f "s3://testbucket/$k"
		assert_stderr --regexp '^ped-s3put: s3://testbucket/"(a\\xff|a\\xc0\\x80|\\xed\\xa0\\x80)": the key is not UTF-8$'
	done
	for k in . .. .x x. a..b; do
		run -64 --separate-stderr ped-s3put --endpoint "$PX" f "s3://$k/k"
		assert_stderr "ped-s3put: invalid bucket name \"$k\""
	done
	# A key taken from the file's name is checked the same way.
	printf 'x\n' >$'x\ny'
	run -64 --separate-stderr ped-s3put --endpoint "$PX" $'x\ny' s3://testbucket/dir/
	assert_stderr 'ped-s3put: s3://testbucket/"dir/x\ny": control character in the key'
	run -64 --separate-stderr ped-s3put --endpoint "$PX" f $'s3://b\x1b[2J/k'
	assert_stderr 'ped-s3put: invalid bucket name "b\x1b[2J"'
	assert_file_empty proxy.log
}

@test "-v prints the ETag verified against the data's MD5, single and multipart" {
	printf 'verified\n' >f
	run -0 --separate-stderr ped-s3put -v --endpoint "$EP" f s3://testbucket/v1
	assert_stderr --partial "ped-s3put: s3://testbucket/v1: ETag \"$(md5sum <f | cut -d' ' -f1)\" verified"
	# S3's multipart ETag: the MD5 of the parts' binary MD5s, "-3".
	local want
	want=$(/usr/bin/python3 -c 'import hashlib, sys
d = open(sys.argv[1], "rb").read(); n = 5 << 20
p = [hashlib.md5(d[i:i + n]).digest() for i in range(0, len(d), n)]
print("%s-%d" % (hashlib.md5(b"".join(p)).hexdigest(), len(p)))' "$MID")
	run -0 --separate-stderr ped-s3put -v --endpoint "$EP" --part-size 5M "$MID" s3://testbucket/v2
	assert_stderr --partial "ped-s3put: s3://testbucket/v2: ETag \"$want\" verified, 3 parts"
	run -0 --separate-stderr sh -c 'ped-s3put -v --endpoint "$1" --part-size 5M - s3://testbucket/v3 <"$2"' _ "$EP" "$MID"
	assert_stderr --partial "ped-s3put: s3://testbucket/v3: ETag \"$want\" verified, 3 parts"
}

@test "a wrong or missing ETag fails the upload" {
	start_proxy --header 'PUT /testbucket/wrong' ETag '"0123456789abcdef0123456789abcdef"' \
	    --header 'PUT /testbucket/none' ETag - \
	    --sub 'PUT /testbucket/none' '^$' '<html><body>Welcome</body></html>' \
	    --header 'PUT /testbucket/blank' ETag '""' \
	    --header 'PUT /testbucket/part?partNumber=2&' ETag '"ffffffffffffffffffffffffffffffff"' \
	    --sub 'POST /testbucket/final?uploadId=' '<ETag>[^<]*</ETag>' '<ETag>"00000000000000000000000000000000-3"</ETag>'
	printf 'x\n' >f
	run -1 --separate-stderr ped-s3put --endpoint "$PX" f s3://testbucket/wrong
	assert_stderr "ped-s3put: s3://testbucket/wrong: ETag \"0123456789abcdef0123456789abcdef\" does not match $(md5sum <f | cut -d' ' -f1) computed from the data: the stored object may be damaged"
	run -1 --separate-stderr ped-s3put --endpoint "$PX" f s3://testbucket/none
	assert_stderr 'ped-s3put: s3://testbucket/none: no ETag in the reply: the upload is not confirmed'
	run -1 --separate-stderr ped-s3put --endpoint "$PX" f s3://testbucket/blank
	assert_stderr 'ped-s3put: s3://testbucket/blank: no ETag in the reply: the upload is not confirmed'
	run -1 --separate-stderr ped-s3put --endpoint "$PX" --part-size 5M --retries 0 "$MID" s3://testbucket/part
	assert_equal "${stderr_lines[0]}" 'ped-s3put: s3://testbucket/part: part 2: ETag "ffffffffffffffffffffffffffffffff" does not match '"$(head -c $((10 << 20)) "$MID" | tail -c $((5 << 20)) | md5sum | cut -d' ' -f1)"' computed from the data: the stored object may be damaged'
	grep -q '^DELETE /testbucket/part?uploadId=' proxy.log
	run -1 --separate-stderr ped-s3put --endpoint "$PX" --part-size 5M "$MID" s3://testbucket/final
	assert_stderr --regexp '^ped-s3put: s3://testbucket/final: ETag "00000000000000000000000000000000-3" does not match [0-9a-f]{32}-3 computed from the data: the stored object may be damaged$'
}

@test "an empty ETag from Complete (radosgw): the object's HEAD is checked" {
	start_proxy --sub 'POST /testbucket/rgw' '<ETag>[^<]*</ETag>' '<ETag></ETag>' \
	    --header 'HEAD /testbucket/rgw2' ETag '"00000000000000000000000000000000-3"'
	run -0 --separate-stderr ped-s3put -v --endpoint "$PX" --part-size 5M "$MID" s3://testbucket/rgw
	assert_stderr --regexp 'ped-s3put: s3://testbucket/rgw: ETag "[0-9a-f]{32}-3" verified, 3 parts'
	grep -q '^HEAD /testbucket/rgw 200 sigv4=ok' proxy.log
	run -1 --separate-stderr ped-s3put --endpoint "$PX" --part-size 5M "$MID" s3://testbucket/rgw2
	assert_stderr --regexp '^ped-s3put: s3://testbucket/rgw2: ETag "00000000000000000000000000000000-3" does not match [0-9a-f]{32}-3 computed'
}

@test "SSE-KMS: an ETag that is not an MD5 is accepted, said so under -v" {
	start_proxy --header 'PUT /testbucket/kms' ETag '"not-an-md5"' \
	    --header 'PUT /testbucket/kms' x-amz-server-side-encryption aws:kms
	printf 'x\n' >f
	run -0 --separate-stderr ped-s3put -v --endpoint "$PX" f s3://testbucket/kms
	assert_stderr --partial 'ped-s3put: s3://testbucket/kms: ETag "not-an-md5" (encrypted: not an MD5, not checked)'
}

@test "--endpoint-url is --endpoint as the AWS CLI spells it" {
	printf 'url\n' >f
	run -0 ped-s3put --endpoint-url "$EP" f s3://testbucket/url
	get url back
	cmp f back
}

@test "--max-time bounds the upload: a silent endpoint fails, exit 1" {
	silent
	printf 'x\n' >f
	run -1 --separate-stderr ped-s3put --endpoint "$SILENT" --max-time 1 f s3://testbucket/slow
	assert_stderr 'ped-s3put: s3://testbucket/slow: (28) --max-time of 1 s reached'
	run -1 --separate-stderr ped-s3put --endpoint "$SILENT" --max-time 1 --part-size 5M "$MID" s3://testbucket/slow
	assert_stderr --partial 'ped-s3put: s3://testbucket/slow: (28) --max-time of 1 s reached'
	run -64 --separate-stderr ped-s3put --max-time 0 f s3://testbucket/slow
	assert_stderr --partial 'ped-s3put: --max-time: '
}

@test "--max-time bounds a stream that stops coming; a multipart one is aborted" {
	start_proxy
	mkfifo fifo
	local pid rc=0
	ped-s3put --endpoint "$PX" --max-time 1 - s3://testbucket/quiet <fifo 2>err 3>&- &
	pid=$!
	exec 4>fifo
	wait "$pid" || rc=$?
	exec 4>&-
	assert_equal "$rc" 1
	run cat err
	assert_output 'ped-s3put: s3://testbucket/quiet: --max-time of 1 s reached while reading <stdin>'
	# Part 1 goes up, then the input stalls: the upload is aborted.
	rc=0
	ped-s3put --endpoint "$PX" --max-time 3 --part-size 5M - s3://testbucket/quiet2 <fifo 2>err 3>&- &
	pid=$!
	exec 4>fifo
	head -c $((6 * 1024 * 1024)) /dev/zero >&4
	wait "$pid" || rc=$?
	exec 4>&-
	assert_equal "$rc" 1
	run cat err
	assert_line --index 0 --partial 'ped-s3put: s3://testbucket/quiet2: '
	assert_output --partial '--max-time of 3 s reached'
	grep -q '^DELETE /testbucket/quiet2?uploadId=' proxy.log
	refute grep -q '^POST /testbucket/quiet2?uploadId=' proxy.log
}

@test "an endpoint that never answers fails without --max-time, within 2 minutes" {
	# The limit is a documented constant below two minutes, not a wait here.
	local secs
	secs=$(sed -n 's/^#define NO_ANSWER_SECS[[:space:]]*\([0-9]*\).*/\1/p' "$ROOT/tools/s3put/s3put.h")
	[ -n "$secs" ] && [ "$secs" -lt 118 ]
	grep -q 'never answers fails within two minutes' "$ROOT/tools/s3put/ped-s3put.1"
	run -64 --separate-stderr env PED_S3_NO_ANSWER_SECS=$((secs + 1)) ped-s3put x s3://testbucket/k
	assert_stderr "ped-s3put: PED_S3_NO_ANSWER_SECS: invalid seconds \"$((secs + 1))\""
	# The mechanism, with the limit lowered to 3 s (stalls of 1 s): three
	# silent attempts and no more, whatever retries are left.
	silent
	printf 'x\n' >f
	PED_S3_NO_ANSWER_SECS=3 run -1 --separate-stderr ped-s3put --endpoint "$SILENT" --retries 100 f s3://testbucket/silent
	assert_stderr 'ped-s3put: s3://testbucket/silent: (28) no answer from the server in 3 s'
	assert_equal "$(wc -l <silent.log)" 3
}

@test "S3 error text with control bytes is printed escaped" {
	start_proxy --fail 'PUT /testbucket/esc' 400 0 \
	    --sub 'PUT /testbucket/esc' 'injected by s3proxy.py' $'\e]0;pwned\a\e[2J\r\nped-s3put: forged' \
	    --fail 'PUT /testbucket/code' 403 0 \
	    --sub 'PUT /testbucket/code' '<Code>AccessDenied</Code>' $'<Code>Access\e[31mDenied</Code>'
	printf 'x\n' >f
	run -1 --separate-stderr ped-s3put --endpoint "$PX" f s3://testbucket/esc
	assert_stderr 'ped-s3put: s3://testbucket/esc: 400 BadRequest: "\x1b]0;pwned\x07\x1b[2J\r\nped-s3put: forged"'
	run -1 --separate-stderr ped-s3put --endpoint "$PX" f s3://testbucket/code
	assert_stderr 'ped-s3put: s3://testbucket/code: 403 "Access\x1b[31mDenied": "injected by s3proxy.py"'
}

@test "secrets never appear on a terminal either: -v and the progress line" {
	local canary=SECRET-CANARY-9d2a token=TOKEN-CANARY-71fe
	start_proxy --fail 'PUT /testbucket/t3?partNumber=2&' 500 0
	printf 'x\n' >f
	printf '[p]\naws_access_key_id=S3RVER\naws_secret_access_key=%s\naws_session_token=%s\n' \
	    "$canary" "$token" >creds
	cat >run.sh <<-EOF2
	export AWS_SESSION_TOKEN=$token
	ped-s3put -v --endpoint $EP --part-size 5M $BIG s3://testbucket/t1
	cat $MID | ped-s3put -v --endpoint $EP --part-size 5M - s3://testbucket/t2
	ped-s3put -v --endpoint $PX --part-size 5M --retries 1 $MID s3://testbucket/t3
	AWS_SECRET_ACCESS_KEY=$canary ped-s3put -v --endpoint $EP --part-size 5M $MID s3://testbucket/t4
	AWS_SHARED_CREDENTIALS_FILE=$PWD/creds ped-s3put -v --endpoint $EP --profile p $MID s3://testbucket/t5
	ped-s3put -v --endpoint http://127.0.0.1:1 --retries 0 f s3://testbucket/t6
	EOF2
	script -qec "sh run.sh" /dev/null >tty.out 2>&1 || true
	# The terminal saw progress lines, -v lines and every scenario's end.
	grep -q 'MiB/s' tty.out
	grep -q "$(printf '\r\033\\[K')" tty.out
	assert_equal "$(grep -c 'credentials from' tty.out)" 2
	grep -q 'part 2: 500' tty.out
	grep -q 'SignatureDoesNotMatch' tty.out
	grep -q 't6: (7)' tty.out
	grep -q "token=$token" proxy.log
	run grep -a -e S3RVER -e "$canary" -e "$token" tty.out
	assert_failure 1
	assert_output ''
}
