#!/usr/bin/env bats
# ped-pipeline: ped-fetch's warnings pass through, one summary line at the
# end (--quiet: none), --duplicates and the default source reach ped-fetch.

load helper

setup() {
	cd "$BATS_TEST_TMPDIR"
	P="$ROOT/scripts/pipeline.sh"
	SEED="$DATA/pipeline/bonatoc_test_stats.json"
	DUPS="$DATA/fetch/alysiayx_ods_2023-09-18_hourly_subset.csv"
}

# fake_fetch: bin/ped-fetch that logs its arguments to fetch.args, then
# plays a ped-fetch with the agreed --summary line: the seed fixture's
# rows, a warning, the summary.
fake_fetch() {
	mkdir -p fakebin
	for t in ped-agg ped-topn ped-s3put; do ln -sf "$PED_BIN/$t" fakebin/$t; done
	cat >fakebin/ped-fetch <<EOF
#!/bin/sh
printf '%s\n' "\$@" >"$PWD/fetch.args"
echo 'ped-fetch: 3 hours had 2 conflicting rows (kept the first; e.g. 2019-11-01T00 location 1: 5, 7)' >&2
"$PED_BIN/ped-fetch" -q "$SEED" || exit
case " \$* " in *" --summary "*)
	echo 'ped-fetch: summary: rows read 1003, kept 1000, duplicate hours 3 (policy first), skipped 0, sensors 55, first 2019-09-29T10, last 2019-11-02T11' >&2 ;;
esac
EOF
	chmod +x fakebin/ped-fetch
}

@test "ped-fetch runs with --summary: its warnings pass, its summary comes last" {
	mkdir -p fakebin
	for t in ped-agg ped-topn; do ln -sf "$PED_BIN/$t" fakebin/$t; done
	cat >fakebin/ped-fetch <<EOF
#!/bin/sh
case " \$* " in *" --summary "*) ;; *) echo "no --summary: \$*" >&2; exit 1 ;; esac
"$PED_BIN/ped-fetch" -q "$SEED" || exit
cat >&2 <<'EOT'
ped-fetch: summary: rows read 4564230, kept 4564206, duplicate hours 0 (policy first), skipped 0, sensors 82, first 2009-05-01T00, last 2023-03-01T00
ped-fetch: warning: no data from 2022-12-15 to 2022-12-31T23 in either source
ped-fetch: https://o/exports/csv: HTTP 503, retry 1/5 in 0.5s
EOT
EOF
	chmod +x fakebin/ped-fetch
	run -0 --separate-stderr env PED_BIN="$PWD/fakebin" "$P" -o out
	assert_stderr "$(printf '%s\n' \
	    'ped-fetch: warning: no data from 2022-12-15 to 2022-12-31T23 in either source' \
	    'ped-fetch: https://o/exports/csv: HTTP 503, retry 1/5 in 0.5s' \
	    'ped-pipeline: summary: rows read 4564230, kept 4564206, duplicate hours 0 (policy first), skipped 0, sensors 82, first 2009-05-01T00, last 2023-03-01T00')"
}

@test "one summary line at the end, from ped-fetch --summary" {
	run -0 --separate-stderr "$P" -s "$SEED" -o out
	assert_output ''
	assert_stderr --regexp '^ped-pipeline: summary: rows read 1000, kept 1000, duplicate hours 0 \(policy [a-z]+\), skipped 0, sensors 55, first 2019-09-29T10, last 2019-11-02T11$'
}

@test "ped-fetch's summary line is passed on as ped-pipeline's, after its warnings" {
	fake_fetch
	run -0 --separate-stderr env PED_BIN="$PWD/fakebin" "$P" -s whatever -o out --duplicates first
	assert_equal "${#stderr_lines[@]}" 2
	assert_equal "${stderr_lines[0]}" 'ped-fetch: 3 hours had 2 conflicting rows (kept the first; e.g. 2019-11-01T00 location 1: 5, 7)'
	assert_equal "${stderr_lines[1]}" 'ped-pipeline: summary: rows read 1003, kept 1000, duplicate hours 3 (policy first), skipped 0, sensors 55, first 2019-09-29T10, last 2019-11-02T11'
	run cat fetch.args
	assert_output "$(printf '%s\n' --summary --duplicates first -- whatever)"
}

@test "--quiet: no summary line, the warnings still" {
	fake_fetch
	run -0 --separate-stderr env PED_BIN="$PWD/fakebin" "$P" -s whatever -o out --quiet
	assert_stderr 'ped-fetch: 3 hours had 2 conflicting rows (kept the first; e.g. 2019-11-01T00 location 1: 5, 7)'
	run cat fetch.args
	assert_output "$(printf '%s\n' -- whatever)"
	run -0 --separate-stderr "$P" -s "$SEED" -o out --quiet
	assert_stderr ''
}

@test "ped-fetch's warnings on real data reach the user, and agree with the summary" {
	run -0 --separate-stderr "$P" -s "$DUPS" -o out -p month
	assert_equal "${#stderr_lines[@]}" 2
	assert_regex "${stderr_lines[0]}" '^ped-fetch: .*243 .*'
	assert_regex "${stderr_lines[1]}" '^ped-pipeline: summary: rows read 8716, kept [0-9]+, duplicate hours 243 \(policy [a-z]+\), skipped 0, sensors 81, first 2023-04-01T00, last 2023-09-01T23$'
}

@test "no summary when a stage failed" {
	run -1 --separate-stderr "$P" -s nosuch.csv -o out
	refute_regex "$stderr" 'summary'
}

@test "--duplicates: only the policies ped-fetch knows" {
	run -64 --separate-stderr "$P" --duplicates mean
	assert_stderr 'ped-pipeline: --duplicates: unknown policy "mean" (first, last, max, sum, error)'
	fake_fetch
	for policy in first last max sum error; do
		run -0 env PED_BIN="$PWD/fakebin" "$P" -s x -o out --duplicates $policy --quiet
		run cat fetch.args
		assert_output "$(printf '%s\n' --duplicates $policy -- x)"
	done
}

@test "without -s the source is ped-fetch --history" {
	fake_fetch
	run -0 env PED_BIN="$PWD/fakebin" "$P" -o out -l locs.csv
	run cat fetch.args
	assert_output "$(printf '%s\n' --summary --locations locs.csv --history)"
}
