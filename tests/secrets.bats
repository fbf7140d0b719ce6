#!/usr/bin/env bats
# No secret ever reaches an output: every tool is run with canary secrets
# (AWS secret key and session token, SODA app token, a URL password and
# a token in a URL's query and fragment), with -v and with progress on a
# pseudo-terminal (script(1)), succeeding and failing; stdout, stderr and
# the terminal's typescript are grepped for every canary.
load helper
load s3/s3rver
load servers/httpd

PASS=PASS-CANARY-7e21 QTOK=QTOK-CANARY-90af FTOK=FTOK-CANARY-44d2
SODA_TOK=SODA-CANARY-d3c9 AWS_TOK=AWSTOK-CANARY-1b8e

setup_file() {
	mkdir -p "$BATS_FILE_TMPDIR/www"
	cp "$DATA/csv/ch3t_soda_5000rows_2019-11.csv" "$BATS_FILE_TMPDIR/www/counts.csv"
	httpd_start WWW "$BATS_FILE_TMPDIR/www"
	s3rver_start "$BATS_FILE_TMPDIR/s3rver"
}

teardown_file() {
	httpd_stop WWW
	s3rver_stop "$BATS_FILE_TMPDIR/s3rver"
}

setup() {
	unset http_proxy https_proxy HTTP_PROXY HTTPS_PROXY all_proxy ALL_PROXY \
	    AWS_PROFILE AWS_ENDPOINT_URL AWS_ENDPOINT_URL_S3
	export NO_PROXY='*' PED_RETRY_BASE_MS=1 AWS_DEFAULT_REGION=us-east-1 \
	    AWS_EC2_METADATA_DISABLED=true
	cd "$BATS_TEST_TMPDIR" || return 1
}

# leaks COMMAND...: runs COMMAND twice, with its outputs in files and on a
# pseudo-terminal, then fails naming every canary found in either.
leaks() {
	local c found=""
	"$@" >out 2>err || true
	# The command from a file: script(1) writes its command line to the
	# typescript, and that line would hold the canaries.
	printf '%q ' "$@" >cmd
	script -q -e -c "bash cmd" typescript >/dev/null 2>&1 </dev/null || true
	[ -s typescript ] || fail "script(1) recorded nothing"
	for c in "$PASS" "$QTOK" "$FTOK" "$SODA_TOK" "$AWS_TOK" "$AWS_SECRET_ACCESS_KEY"; do
		if grep -qF -e "$c" out err typescript; then
			found="$found $c"
		fi
	done
	[ -z "$found" ] || fail "$1 printed:$found ($(cat err typescript | head -c 600))"
}

aws_canaries() {
	export AWS_ACCESS_KEY_ID=S3RVER AWS_SECRET_ACCESS_KEY=S3RVER \
	    AWS_SESSION_TOKEN=$AWS_TOK
}

@test "ped-fetch: URL password and tokens, -v and progress, success and failure" {
	local base="http://user:$PASS@127.0.0.1:$WWW_PORT"
	export AWS_SECRET_ACCESS_KEY=unused-$PASS
	leaks ped-fetch -v --progress "$base/plain/counts.csv?token=$QTOK#access_token=$FTOK"
	leaks ped-fetch -v --progress "$base/plain/missing.csv?token=$QTOK#access_token=$FTOK"
	leaks ped-fetch -v --progress "http://user:$PASS@127.0.0.1:1/x.csv?tok%65n=$QTOK"
}

@test "ped-fetch --soda: the app token, -v and progress, success and failure" {
	export AWS_SECRET_ACCESS_KEY=unused-$PASS SODA_APP_TOKEN=$SODA_TOK
	leaks ped-fetch -v --progress --soda "http://127.0.0.1:$WWW_PORT/resource/none.json?\$\$app_token=$QTOK"
	leaks ped-fetch -v --progress --locations "http://127.0.0.1:$WWW_PORT/resource/loc.json" \
	    "http://127.0.0.1:$WWW_PORT/plain/counts.csv"
}

@test "ped-s3put: secret key and session token, -v and progress, success and failure" {
	aws_canaries
	printf 'a,b\n1,2\n' >f.csv
	# s3rver ignores the session token; the signature still covers it.
	leaks ped-s3put -v --endpoint "$EP" f.csv s3://testbucket/secrets/f.csv
	AWS_SECRET_ACCESS_KEY=$PASS leaks ped-s3put -v --endpoint "$EP" f.csv s3://testbucket/secrets/g.csv
	leaks ped-s3put -v --endpoint "http://127.0.0.1:1" f.csv s3://testbucket/secrets/h.csv
}

@test "ped-pipeline --s3: no secret in its messages either" {
	aws_canaries
	export AWS_ENDPOINT_URL=$EP
	leaks "$ROOT/scripts/pipeline.sh" -s "$DATA/csv/ch3t_soda_5000rows_2019-11.csv" -o o1 \
	    --s3 s3://testbucket/secrets/p/
	leaks "$ROOT/scripts/pipeline.sh" -s "http://u:$PASS@127.0.0.1:$WWW_PORT/nothere.csv?token=$QTOK" -o o2
}
