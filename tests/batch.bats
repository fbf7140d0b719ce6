#!/usr/bin/env bats
# examples/batch.mk: month-by-month batch runs with make.

load helper

setup() {
	cd "$BATS_TEST_TMPDIR"
	SAMPLE="$ROOT/data/melbourne_ods_counts_50k_sample.csv.gz"
	MK="$ROOT/examples/batch.mk"
}

batch() {
	make --no-print-directory -f "$MK" SOURCE="$SAMPLE" OUT=out "$@"
}

@test "tables equal one pass over the same months" {
	run batch MONTHS='2024-01 2024-02 2024-03'
	assert_success
	ped-fetch -q --since 2024-01-01 --until 2024-03-31 "$SAMPLE" | ped-agg -b day >all.tsv
	cmp out/daily.tsv all.tsv
	cmp out/top10_by_day.csv <(ped-topn --csv all.tsv)
	cmp out/top10_by_month.csv <(ped-agg -b month all.tsv | ped-topn --csv)
	run awk -F, 'NR > 1 { print substr($1, 1, 7) }' out/top10_by_month.csv
	assert_output "$(printf '2024-01\n%.0s' {1..10})
$(printf '2024-02\n%.0s' {1..10})
$(printf '2024-03\n%.0s' {1..10})"
}

@test "a second run does nothing; a new month is fetched alone" {
	batch MONTHS='2024-01 2024-02'
	run batch -q MONTHS='2024-01 2024-02'
	assert_success
	run batch MONTHS='2024-01 2024-02'
	assert_output --partial 'Nothing to be done'
	run batch -n MONTHS='2024-01 2024-02 2024-03'
	assert_output --partial 'out/raw/2024-03.tsv.gz'
	refute_output --partial 'out/raw/2024-01.tsv.gz'
	refute_output --partial 'out/raw/2024-02.tsv.gz'
}

@test "a failed step leaves no stale target" {
	run batch SOURCE=/nonexistent MONTHS='2024-01'
	assert_failure
	assert_file_not_exists out/raw/2024-01.tsv.gz
	assert_file_not_exists out/daily/2024-01.tsv
	assert_file_not_exists out/top10_by_day.csv
}

@test "refresh refetches one month" {
	batch MONTHS='2024-01 2024-02'
	touch -d '2000-01-01' out/raw/2024-02.tsv.gz
	run batch refresh MONTH=2024-02 MONTHS='2024-01 2024-02'
	assert_success
	run find out/raw -newer out/raw/2024-01.tsv.gz -name '2024-02.tsv.gz'
	assert_output out/raw/2024-02.tsv.gz
}
