#!/usr/bin/env bats
# ped-pipeline --s3: every output, then a _SUCCESS manifest last; a failed
# upload says what was uploaded and that no manifest was written.

load helper

setup_file() {
	load s3/s3rver
	s3rver_start "$BATS_FILE_TMPDIR/s3" || return 1
	echo "$EP" >"$BATS_FILE_TMPDIR/ep"
}

teardown_file() {
	load s3/s3rver
	s3rver_stop "$BATS_FILE_TMPDIR/s3"
}

setup() {
	cd "$BATS_TEST_TMPDIR"
	P="$ROOT/scripts/pipeline.sh"
	SEED="$DATA/pipeline/bonatoc_test_stats.json"
	EP=$(cat "$BATS_FILE_TMPDIR/ep")
	export AWS_ACCESS_KEY_ID=S3RVER AWS_SECRET_ACCESS_KEY=S3RVER \
	    AWS_DEFAULT_REGION=us-east-1 AWS_ENDPOINT_URL="$EP" \
	    AWS_EC2_METADATA_DISABLED=true
	# ped-s3put that logs each target, fails for the one named in $FAIL_ON,
	# and hangs in a child process for the one named in $HANG_ON.
	mkdir fakebin
	for t in ped-fetch ped-agg ped-topn; do ln -s "$PED_BIN/$t" fakebin/$t; done
	cat >fakebin/ped-s3put <<EOF2
#!/bin/sh
for a; do last=\$a; done
echo "\$last" >>"$PWD/uploads"
case "\$last" in *"\${FAIL_ON:-/nothing/}") echo "ped-s3put: \$last: NoSuchBucket" >&2; exit 1;; esac
case "\$last" in *"\${HANG_ON:-/nothing/}") sleep 600 & echo \$! >"$PWD/sleep.pid"; wait;; esac
exec "$PED_BIN/ped-s3put" "\$@"
EOF2
	chmod +x fakebin/ped-s3put
}

s3() { /usr/bin/aws --endpoint-url "$EP" s3 "$@"; }

@test "--s3: the tables and charts, then the _SUCCESS manifest with sizes and MD5s" {
	run -0 env PED_BIN="$PWD/fakebin" "$P" -s "$SEED" -o out --seed --plot --quiet --s3 s3://testbucket/run1/
	run cat uploads
	assert_output "$(printf 's3://testbucket/run1/%s\n' top10_by_day.csv top10_by_month.csv \
	    top_10_daily.csv top_all_daily.csv top_10_monthly.csv top_all_monthly.csv \
	    top10_by_day.svg top10_by_month.svg _SUCCESS)"
	s3 cp --quiet s3://testbucket/run1/_SUCCESS manifest
	run cat manifest
	assert_line --index 0 "$(printf 'name\tbytes\tmd5')"
	assert_equal "${#lines[@]}" 9
	local name bytes md5
	while IFS=$'\t' read -r name bytes md5; do
		[ "$name" != name ] || continue
		assert_equal "$bytes" "$(stat -c %s "out/$name")"
		assert_equal "$md5" "$(md5sum <"out/$name" | cut -d' ' -f1)"
		s3 cp --quiet "s3://testbucket/run1/$name" got
		cmp got "out/$name"
	done <manifest
}

@test "a failed upload names what was uploaded; no manifest" {
	run -1 --separate-stderr env PED_BIN="$PWD/fakebin" FAIL_ON=top10_by_month.svg "$P" -s "$SEED" -o out --plot --s3 s3://testbucket/run2/
	assert_stderr --partial 'ped-s3put: s3://testbucket/run2/top10_by_month.svg: NoSuchBucket'
	assert_stderr --partial 'ped-pipeline: stage ped-s3put "out/top10_by_month.svg" failed; uploaded: top10_by_day.csv top10_by_month.csv top10_by_day.svg; no _SUCCESS manifest was written; the files are in "out"'
	refute_regex "$stderr" 'summary'
	run s3 ls s3://testbucket/run2/
	refute_output --partial _SUCCESS
	assert_output --partial top10_by_day.svg
	# The tables are published locally all the same.
	assert_file_exists out/top10_by_month.svg
	# Nothing uploaded at all: said so.
	run -1 --separate-stderr env PED_BIN="$PWD/fakebin" FAIL_ON=top10_by_day.csv "$P" -s "$SEED" -o out --s3 s3://testbucket/run3/
	assert_stderr --partial 'uploaded: none; no _SUCCESS manifest was written'
}

@test "the manifest's own upload failing is named" {
	run -1 --separate-stderr env PED_BIN="$PWD/fakebin" FAIL_ON=_SUCCESS "$P" -s "$SEED" -o out --s3 s3://testbucket/run4/
	assert_stderr --partial 'ped-pipeline: stage ped-s3put of the _SUCCESS manifest failed; every file was uploaded, but no manifest'
}

@test "SIGTERM while uploading: the upload's whole process tree stops; no manifest" {
	env PED_BIN="$PWD/fakebin" HANG_ON=top10_by_month.csv "$P" -s "$SEED" -o out --s3 s3://testbucket/run5/ 2>err 3>&- &
	pid=$!
	for i in $(seq 400); do [ -s sleep.pid ] && break; sleep 0.05; done
	[ -s sleep.pid ] || fail "the upload did not start"
	kill -TERM "$pid"
	st=0
	wait "$pid" || st=$?
	assert_equal "$st" 143
	run cat err
	assert_output 'ped-pipeline: interrupted by SIGTERM while uploading; uploaded: top10_by_day.csv; no _SUCCESS manifest was written'
	# The hanging child of ped-s3put went with it.
	sleeper=$(cat sleep.pid)
	for i in $(seq 200); do kill -0 "$sleeper" 2>/dev/null || break; sleep 0.05; done
	! kill -0 "$sleeper" 2>/dev/null || { kill "$sleeper"; fail "ped-s3put's child still runs"; }
	run s3 ls s3://testbucket/run5/
	refute_output --partial _SUCCESS
	run ls -A out
	assert_output "$(printf 'top10_by_day.csv\ntop10_by_month.csv')"
}
