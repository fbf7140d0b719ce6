#!/usr/bin/env bats
# scripts/pipeline.sh (ped-pipeline): fetch once, tables per period, all or nothing.

load helper

setup() {
	cd "$BATS_TEST_TMPDIR"
	P="$ROOT/scripts/pipeline.sh"
	SAMPLE="$ROOT/data/melbourne_ods_counts_50k_sample.csv.gz"
	SEED="$DATA/pipeline/bonatoc_test_stats.json"
}

@test "day and month tables from the bundled sample equal the tools run by hand" {
	run --separate-stderr "$P" -s "$SAMPLE" -o out
	assert_success
	assert_output ''
	assert_stderr --regexp '^ped-pipeline: summary: rows read 50000, kept 50000, '
	run ls -A out
	assert_output "$(printf 'top10_by_day.csv\ntop10_by_month.csv')"
	ped-fetch "$SAMPLE" >h.tsv
	cmp out/top10_by_day.csv <(ped-agg -b day h.tsv | ped-topn --csv)
	cmp out/top10_by_month.csv <(ped-agg -b month h.tsv | ped-topn --csv)
	# ... and the independent reference, on the same hourly rows.
	cmp <(tr -d '\r' <out/top10_by_month.csv | tr , '\t' | tail -n +2) \
	    <(python3 "$TESTS_DIR/ref/pedref.py" agg month <h.tsv |
	      python3 "$TESTS_DIR/ref/pedref.py" topn 10 | tail -n +2)
}

@test "exact rows for a few periods" {
	"$P" -s "$SAMPLE" -o out -p month,weekday -n 3
	run grep '^2024-07,' out/top3_by_month.csv
	assert_output "$(ped-fetch "$SAMPLE" | ped-agg -b month | ped-topn -n 3 --csv | grep '^2024-07,')"
	assert_equal "${#lines[@]}" 3
	run head -1 out/top3_by_weekday.csv
	assert_output "$(printf 'period,rank,sensor_id,sensor_name,count\r')"
	run sed -n 2p out/top3_by_weekday.csv
	assert_output --regexp '^Monday,1,[0-9]+,'
}

@test "-l names the sensors from a locations file" {
	run "$P" -s "$SAMPLE" -l "$ROOT/data/melbourne_sensor_locations_2023-09.csv" -o out -p month
	assert_success
	cmp out/top10_by_month.csv <(ped-fetch --locations "$ROOT/data/melbourne_sensor_locations_2023-09.csv" "$SAMPLE" | ped-agg -b month | ped-topn --csv)
	run grep -c 'Southbank' out/top10_by_month.csv
	assert_output --regexp '^[1-9]'
}

@test "-n 0 writes the full ranking as top_all_by_PERIOD.csv" {
	"$P" -s "$SEED" -o out -n 0 -p weekday
	run wc -l <out/top_all_by_weekday.csv
	# Friday 55 + Saturday 55 + Sunday 5 sensors, plus the header
	assert_output 116
}

@test "--seed writes the original solution's four files, matching its test vectors" {
	run "$P" -s "$SEED" -o out --seed -p day
	assert_success
	for f in top_10_daily.csv top_all_daily.csv top_10_monthly.csv top_all_monthly.csv; do
		assert_file_exists "out/$f"
	done
	run head -1 out/top_10_daily.csv
	assert_output 'day,sensor_name,hourly_counts,rank'
	run head -1 out/top_10_monthly.csv
	assert_output 'month,sensor_name,hourly_counts,rank'
	run grep -c '' out/top_10_daily.csv
	assert_output 26	# Friday 10, Saturday 10, Sunday 5, header
	grep -qx 'Friday,Flinders Street Station Underpass,12895,5' out/top_10_daily.csv
	grep -qx 'Sunday,New Quay,323,2' out/top_10_daily.csv
	grep -qx 'Saturday,Flinders St-Elizabeth St (East),7828,1' out/top_10_daily.csv
	grep -qx 'Saturday,Waterfront City,85,55' out/top_all_daily.csv
	grep -qx 'September,Birrarung Marr,418,1' out/top_10_monthly.csv
	grep -qx 'November,Princes Bridge,17332,5' out/top_10_monthly.csv
	grep -qx 'November,Lonsdale St-Spring St (West),3342,32' out/top_all_monthly.csv
}

@test "--keep-staged keeps the fetched TSV, gzip-compressed" {
	"$P" -s "$SEED" -o out --keep-staged
	cmp <(gzip -dc out/staged.tsv.gz) <(ped-fetch "$SEED")
}

@test "--s3 uploads every table after all were written" {
	load s3/s3rver
	s3rver_start "$BATS_TEST_TMPDIR/s3" || return 1
	export AWS_ACCESS_KEY_ID=S3RVER AWS_SECRET_ACCESS_KEY=S3RVER \
	    AWS_DEFAULT_REGION=us-east-1 AWS_ENDPOINT_URL="$EP" \
	    AWS_EC2_METADATA_DISABLED=true
	run "$P" -s "$SEED" -o "out dir" --seed --s3 "s3://testbucket/ped run/"
	assert_success
	for f in top10_by_day.csv top10_by_month.csv top_10_daily.csv \
	    top_all_daily.csv top_10_monthly.csv top_all_monthly.csv; do
		/usr/bin/aws --endpoint-url "$EP" s3 cp --quiet \
		    "s3://testbucket/ped run/$f" "got-$f"
		cmp "got-$f" "out dir/$f"
	done
	# A failing upload fails the pipeline, naming the stage; the tables stay.
	run -1 --separate-stderr "$P" -s "$SEED" -o out2 --s3 s3://nosuchbucket/x/
	assert_stderr --partial 'NoSuchBucket'
	assert_stderr --partial 'stage ped-s3put'
	assert_file_exists out2/top10_by_day.csv
	s3rver_stop "$BATS_TEST_TMPDIR/s3"
}

@test "a failing stage publishes nothing to S3 either" {
	load s3/s3rver
	s3rver_start "$BATS_TEST_TMPDIR/s3" || return 1
	export AWS_ACCESS_KEY_ID=S3RVER AWS_SECRET_ACCESS_KEY=S3RVER \
	    AWS_DEFAULT_REGION=us-east-1 AWS_ENDPOINT_URL="$EP" \
	    AWS_EC2_METADATA_DISABLED=true
	run -1 "$P" -s nosuch.json -o out --s3 s3://testbucket/fail/
	run /usr/bin/aws --endpoint-url "$EP" s3 ls s3://testbucket/fail/
	assert_output ''
	s3rver_stop "$BATS_TEST_TMPDIR/s3"
}

@test "paths with spaces" {
	mkdir "in dir"
	cp "$SEED" "in dir/my counts.json"
	run "$P" -s "in dir/my counts.json" -o "out dir/x y"
	assert_success
	assert_file_exists "out dir/x y/top10_by_day.csv"
}

@test "a bad source fails, names the stage, and leaves no outputs" {
	run -1 --separate-stderr "$P" -s nosuch.csv -o out
	assert_stderr --partial 'stage ped-fetch failed'
	run ls -A out
	assert_output ''
}

@test "bad data in the middle of the stream publishes nothing, old tables stay" {
	mkdir out
	echo old >out/top10_by_day.csv
	{ gzip -dc "$SAMPLE" | head -20000; echo '1,2,2024-13-45,99,1,1,2,X,"1, 2"'; gzip -dc "$SAMPLE" | tail -n +20001; } >bad.csv
	run -1 --separate-stderr "$P" -s bad.csv -o out
	assert_stderr --partial 'bad.csv:20001: bad date'
	assert_stderr --partial 'stage ped-fetch failed'
	run ls -A out
	assert_output top10_by_day.csv
	run cat out/top10_by_day.csv
	assert_output old
}

@test "a failing ped-agg or ped-topn stage is named; nothing is published" {
	mkdir fakebin
	for t in ped-fetch ped-agg ped-topn; do ln -s "$PED_BIN/$t" fakebin/$t; done
	rm fakebin/ped-topn
	printf '#!/bin/sh\ncase "$*" in *"-n 7"*) exit 3;; esac\nexec "%s/ped-topn" "$@"\n' "$PED_BIN" >fakebin/ped-topn
	chmod +x fakebin/ped-topn
	run -1 --separate-stderr env PED_BIN="$PWD/fakebin" "$P" -s "$SEED" -o out -n 7
	# Both tables' ped-topn fail: either is named.
	assert_stderr --regexp 'stage ped-topn -n 7 \(by (day|month)\) failed \(exit 3\); nothing written'
	run ls -A out
	assert_output ''
	rm fakebin/ped-agg
	printf '#!/bin/sh\ncase "$*" in *month*) exit 4;; esac\nexec "%s/ped-agg" "$@"\n' "$PED_BIN" >fakebin/ped-agg
	chmod +x fakebin/ped-agg
	run -1 --separate-stderr env PED_BIN="$PWD/fakebin" "$P" -s "$SEED" -o out
	assert_stderr --partial 'stage ped-agg -b month failed (exit 4)'
	run ls -A out
	assert_output ''
}

@test "an unwritable output folder fails cleanly" {
	run -1 --separate-stderr "$P" -s "$SEED" -o /proc/ped-nowhere
	assert_stderr --partial 'ped-pipeline: "/proc/ped-nowhere": cannot create the output folder'
}

@test "a full disk fails cleanly and leaves no outputs" {
	command -v unshare >/dev/null && unshare -rm true 2>/dev/null || skip "needs a mount namespace"
	run -1 --separate-stderr unshare -rm bash -c "mkdir -p small && mount -t tmpfs -o size=64k tmpfs small && '$P' -s '$SAMPLE' -o small/out; r=\$?; ls -A small/out; exit \$r"
	assert_output ''
	assert_stderr --partial 'No space left on device'
}

@test "usage errors exit 64; --help on stdout" {
	run -64 --separate-stderr "$P" -p days
	assert_stderr --partial 'unknown period "days"'
	run -64 --separate-stderr "$P" -n x
	assert_stderr --partial '-n: invalid count "x"'
	run -64 --separate-stderr "$P" --s3 s3://bucket/noslash
	assert_stderr --partial 'ending in /'
	run -64 --separate-stderr "$P" --bogus
	assert_stderr --partial 'usage: ped-pipeline'
	run -0 "$P" --help
	assert_line --index 0 --partial 'usage: ped-pipeline '
}

@test "clean under shellcheck" {
	command -v shellcheck >/dev/null || fail "shellcheck is not installed (make deps)"
	shellcheck "$P" "$ROOT"/examples/*.sh "$ROOT"/scripts/*.sh
}
