#!/usr/bin/env bats
# ped-fetch: every real shape of the dataset from files, stdin and gzip
# into the normalised TSV. (HTTP(S) is tested in tests/fetch_http.bats.)

load helper

F="$DATA/fetch"
LEGACY_HDR='ID,Date_Time,Year,Month,Mdate,Day,Time,Sensor_ID,Sensor_Name,Hourly_Counts'
ODS23_HDR='SensingDateTime(Hour),LocationID,Direction_1,Direction_2,Total_of_Directions'
ODS_HDR='ID,Location_ID,Sensing_Date,HourDay,Direction_1,Direction_2,Total_of_Directions,Sensor_Name,Location'

# legacy ROW...: a legacy Socrata export with these rows after the header.
legacy() {
	printf '%s\n' "$LEGACY_HDR" "$@" > "$BATS_TEST_TMPDIR/in.csv"
}

# ods23 TIMESTAMP...: one SensingDateTime(Hour) row per timestamp, sensor
# ids 1, 2, 3, ... so that no key repeats.
ods23() {
	local ts i=0
	{
		printf '%s\n' "$ODS23_HDR"
		for ts in "$@"; do
			i=$((i + 1))
			printf '%s,%d,1,2,3\n' "$ts" "$i"
		done
	} > "$BATS_TEST_TMPDIR/in.csv"
}

# need_tz: skips the test when Python has no tz database to compare with.
need_tz() {
	python3 -c 'import zoneinfo; zoneinfo.ZoneInfo("Australia/Melbourne")' \
	    2>/dev/null || skip "no tz database for Python"
}

# periods: the period column of ped-fetch's output, without the header.
periods() {
	ped-fetch -q --no-header "$BATS_TEST_TMPDIR/in.csv" | cut -f1
}

# --- usage, version, exit 64 ----------------------------------------------

@test "--help prints the usage on stdout and exits 0" {
	run -0 --separate-stderr ped-fetch --help
	assert_line --index 0 --partial 'usage: ped-fetch [--format F] [--skip-bad] [--duplicates POLICY] [-q] [-v]'
	assert_output --partial '[--retries N]'
	assert_equal "$stderr" ''
}

@test "--version names ped" {
	run -0 ped-fetch --version
	assert_output --regexp '^ped-fetch \(ped\) [0-9]+\.[0-9]+\.[0-9]+$'
}

@test "bad usage: usage on stderr, exit 64" {
	run -64 --separate-stderr ped-fetch --bogus
	assert_stderr --partial 'usage: ped-fetch'
	run -64 --separate-stderr ped-fetch a.csv b.csv
	assert_stderr --partial 'usage: ped-fetch'
	assert_output ''
}

@test "bad option values exit 64 and name the option" {
	run -64 --separate-stderr ped-fetch --format xml "$F/soda.csv"
	assert_stderr 'ped-fetch: --format: unknown format "xml"'
	run -64 --separate-stderr ped-fetch --format socrata-xml "$F/soda.csv"
	assert_stderr --partial 'unknown format'
	run -64 --separate-stderr ped-fetch --retries x "$F/soda.csv"
	assert_stderr 'ped-fetch: --retries: invalid count "x"'
	run -64 --separate-stderr ped-fetch --max-time 0 "$F/soda.csv"
	assert_stderr 'ped-fetch: --max-time: invalid seconds "0"'
	run -64 --separate-stderr ped-fetch --connect-timeout -1 "$F/soda.csv"
	assert_stderr 'ped-fetch: --connect-timeout: invalid seconds "-1"'
}

# --- runtime errors, exit 1 ---------------------------------------------

@test "a missing file is a runtime error (exit 1)" {
	run -1 --separate-stderr ped-fetch "$BATS_TEST_TMPDIR/nope.csv"
	assert_stderr "ped-fetch: $BATS_TEST_TMPDIR/nope.csv: No such file or directory"
}

@test "a directory is a runtime error (exit 1)" {
	run -1 --separate-stderr ped-fetch "$BATS_TEST_TMPDIR"
	assert_stderr "ped-fetch: $BATS_TEST_TMPDIR: Is a directory"
}

@test "a full disk is a runtime error (exit 1)" {
	run -1 --separate-stderr bash -c "ped-fetch '$F/soda.csv' >/dev/full"
	assert_stderr 'ped-fetch: stdout: No space left on device'
}

@test "a truncated gzip file is a runtime error (exit 1)" {
	head -c 20000 "$F/exploreMel_ods_counts_per_hour_50k_sample.csv.gz" \
	    > "$BATS_TEST_TMPDIR/cut.gz"
	run -1 --separate-stderr ped-fetch -q "$BATS_TEST_TMPDIR/cut.gz"
	assert_stderr "ped-fetch: $BATS_TEST_TMPDIR/cut.gz: gzip: the compressed data ends too early (a truncated file or transfer)"
}

@test "corrupt gzip data is a runtime error (exit 1)" {
	{ head -c 100 "$F/exploreMel_ods_counts_per_hour_50k_sample.csv.gz"
	  head -c 3000 /dev/zero; } > "$BATS_TEST_TMPDIR/bad.gz"
	run -1 --separate-stderr ped-fetch -q "$BATS_TEST_TMPDIR/bad.gz"
	assert_stderr --partial "ped-fetch: $BATS_TEST_TMPDIR/bad.gz: gzip: "
}

# --- golden outputs of the real samples --------------------------------

@test "bonatoc SODA JSON (seed test vectors) matches its golden output" {
	run -0 --separate-stderr ped-fetch "$F/bonatoc_test_stats.json"
	assert_output "$(cat "$F/bonatoc.expected")"
	# Checked by hand against the JSON: the first and the last record.
	assert_line --index 1 $'2019-11-01T17\t34\tFlinders St-Spark La\t300'
	assert_line --index 1000 $'2019-11-02T11\t36\tQueen St (West)\t145'
	assert_equal "$stderr" ''
}

@test "ch3t SODA CSV with a pandas index column matches its golden output" {
	run -0 bash -c "ped-fetch '$F/ch3t_soda_5000rows_2019-11.csv' | sha256sum"
	assert_output --partial 038b8c9147f3fcd6a61dd440e42648a5f7b6af98608b54b60cf1419047c558a2
	run -0 ped-fetch "$F/ch3t_soda_5000rows_2019-11.csv"
	# Rows 3998 and 4999 of the input, checked by hand.
	assert_line --index 3999 $'2019-11-04T19\t44\tTin Alley-Swanston St (West)\t119'
	assert_line --index 5000 $'2019-11-05T14\t5\tPrinces Bridge\t2177'
	assert_equal "${#lines[@]}" 5001
}

@test "exploreMel ODS 50k gzip sample matches its golden output" {
	run -0 bash -c "ped-fetch '$F/exploreMel_ods_counts_per_hour_50k_sample.csv.gz' | sha256sum"
	assert_output --partial fc94042045447c79723240d5e05a0a6b4fa4bed14fa72f5a7d569ebdfb032d70
	run -0 ped-fetch "$F/exploreMel_ods_counts_per_hour_50k_sample.csv.gz"
	assert_line --index 1 $'2024-02-14T23\t48\tQVMQ_T\t137'
	assert_line --index 29999 $'2025-05-11T05\t25\tMCEC_T\t18'
	assert_line --index 50000 $'2024-04-02T09\t47\tEli250_T\t733'
	assert_equal "${#lines[@]}" 50001
}

@test "alysiayx ODS 2023 offsets sample matches its golden output" {
	run -0 --separate-stderr ped-fetch "$F/alysiayx_ods_2023-09-18_hourly_subset.csv"
	assert_equal "$(printf '%s\n' "$output" | sha256sum | cut -d' ' -f1)" \
	    ce9d2831331adf84f941c7486508b5c46c3009d8555b52741ff53c2e51c02be0
	# One row per key (fetch_dups.bats); input lines 1900 and 1903: +10:00
	# after the fall back; no name column.
	assert_line $'2023-04-02T20\t55\t\t2005'
	assert_line $'2023-04-02T02\t56\t\t189'
	assert_line --index 1 $'2023-08-31T02\t1\t\t30'
}

@test "gzip is recognised by its magic bytes on stdin too" {
	run -0 bash -c "ped-fetch < '$F/exploreMel_ods_counts_per_hour_50k_sample.csv.gz' | sha256sum"
	assert_output --partial fc94042045447c79723240d5e05a0a6b4fa4bed14fa72f5a7d569ebdfb032d70
	run -0 bash -c "cat '$F/bonatoc_test_stats.json' | ped-fetch -"
	assert_output "$(cat "$F/bonatoc.expected")"
}

@test "concatenated gzip members are read as one stream" {
	{ head -3 "$F/legacy_export.csv" | gzip
	  tail -n +4 "$F/legacy_export.csv" | gzip; } > "$BATS_TEST_TMPDIR/two.gz"
	run -0 ped-fetch "$BATS_TEST_TMPDIR/two.gz"
	assert_output "$(cat "$F/socrata200.expected")"
}

# --- every published shape gives the same records -------------------------

@test "legacy export, archive, Excel, semicolon and SODA CSV shapes agree" {
	local f
	for f in legacy_export legacy_archive legacy_excel legacy_semicolon soda; do
		run -0 --separate-stderr ped-fetch "$F/$f.csv"
		assert_output "$(cat "$F/socrata200.expected")"
		assert_equal "$stderr" ''
	done
}

@test "the Excel variant's thousands separators are dropped, not misread" {
	run -0 ped-fetch --no-header "$F/legacy_excel.csv"
	grep -q ',[0-9][0-9][0-9]"' "$F/legacy_excel.csv"
	assert_line --index 2 $'2019-11-01T17\t37\tLygon St (East)\t216'
	run -0 bash -c "ped-fetch --no-header '$F/legacy_excel.csv' | awk -F'\t' '\$4 >= 1000' | wc -l"
	assert_output 69
}

@test "ODS API field names: JSON with numbers, JSON lines, ';' CSV with BOM" {
	local f
	for f in ods_api.json ods_api.jsonl ods_api_semicolon.csv; do
		run -0 --separate-stderr ped-fetch "$F/$f"
		assert_output "$(cat "$F/ods200.expected")"
	done
	assert_line --index 2 $'2025-08-06T06\t30\tLon189_T\t44'
}

@test "ODS 2023 timestamps in UTC (Z and +00:00) give the same wall clock" {
	run -0 ped-fetch -q "$F/ods2023_offsets.csv"
	assert_output "$(cat "$F/ods2023_subset.expected")"
	run -0 ped-fetch -q "$F/ods2023_utc.csv"
	assert_output "$(cat "$F/ods2023_subset.expected")"
}

@test "every sample agrees with the independent Python reference" {
	local f
	need_tz
	for f in bonatoc_test_stats.json ch3t_soda_5000rows_2019-11.csv \
	    exploreMel_ods_counts_per_hour_50k_sample.csv.gz \
	    alysiayx_ods_2023-09-18_hourly_subset.csv legacy_archive.csv \
	    legacy_excel.csv legacy_semicolon.csv soda.csv ods_api.json \
	    ods_api.jsonl ods_api_semicolon.csv ods2023_utc.csv; do
		python3 "$F/fetchref.py" "$F/$f" > "$BATS_TEST_TMPDIR/ref"
		ped-fetch -q "$F/$f" > "$BATS_TEST_TMPDIR/out"
		run cmp "$BATS_TEST_TMPDIR/ref" "$BATS_TEST_TMPDIR/out"
		assert_success
	done
}

@test "ODS dates written as instants give the Melbourne date" {
	printf '%s\n' '[{"location_id": 1, "sensing_date": "2024-02-14T00:00:00+00:00", "hourday": 7, "pedestriancount": 1},' \
	    '{"location_id": 2, "sensing_date": "2024-02-13T13:00:00Z", "hourday": 7, "pedestriancount": 2},' \
	    '{"location_id": 3, "sensing_date": "2024-07-13T14:00:00Z", "hourday": 0, "pedestriancount": 3},' \
	    '{"location_id": 4, "sensing_date": "2024-07-14T00:00:00+10:00", "hourday": 23, "pedestriancount": 4},' \
	    '{"location_id": 5, "sensing_date": "2024-07-14T00:00:00", "hourday": 5, "pedestriancount": 5}]' \
	    > "$BATS_TEST_TMPDIR/in.json"
	run -0 ped-fetch --no-header "$BATS_TEST_TMPDIR/in.json"
	assert_output "$(tsv '2024-02-14T07|1||1' '2024-02-14T07|2||2' \
	    '2024-07-14T00|3||3' '2024-07-14T23|4||4' '2024-07-14T05|5||5')"
}

@test "--format forces a container or a schema" {
	run -0 ped-fetch --format socrata-json "$F/bonatoc_test_stats.json"
	assert_output "$(cat "$F/bonatoc.expected")"
	run -0 ped-fetch --format csv "$F/soda.csv"
	assert_output "$(cat "$F/socrata200.expected")"
	run -0 ped-fetch --format ods "$F/ods_api.jsonl"
	assert_output "$(cat "$F/ods200.expected")"
}

# --- seed test vectors (DATASET.md section 8) ------------------------------

@test "seed vectors: top 5 by weekday reproduce DATASET.md" {
	run -0 bash -c "ped-fetch '$F/bonatoc_test_stats.json' | ped-agg -b weekday |
	    ped-topn -n 5 | cut -f1,2,4,5"
	assert_line --index 0 $'period\trank\tsensor_name\tcount'
	assert_equal "$(printf '%s\n' "${lines[@]:1}")" "$(cat "$F/seed_weekday_top5.expected")"
	assert_line $'Friday\t5\tFlinders Street Station Underpass\t12895'
	assert_line $'Sunday\t2\tNew Quay\t323'
	assert_line $'Saturday\t1\tFlinders St-Elizabeth St (East)\t7828'
}

@test "seed vectors: top 5 by month name reproduce DATASET.md" {
	run -0 bash -c "ped-fetch '$F/bonatoc_test_stats.json' | ped-agg -b monthname |
	    ped-topn -n 5 | cut -f1,2,4,5"
	assert_equal "$(printf '%s\n' "${lines[@]:1}")" "$(cat "$F/seed_monthname_top5.expected")"
	assert_line $'November\t5\tPrinces Bridge\t17332'
	assert_line $'September\t1\tBirrarung Marr\t418'
}

@test "seed vectors: Saturday rank 55 and November rank 32" {
	run -0 bash -c "ped-fetch '$F/bonatoc_test_stats.json' | ped-agg -b weekday |
	    ped-topn -n 60 | cut -f1,2,4,5"
	assert_line $'Saturday\t55\tWaterfront City\t85'
	run -0 bash -c "ped-fetch '$F/bonatoc_test_stats.json' | ped-agg -b monthname |
	    ped-topn -n 60 | cut -f1,2,4,5"
	assert_line $'November\t32\tLonsdale St-Spring St (West)\t3342'
}

# --- time: three legacy shapes, offsets, DST ---------------------------------

@test "the three legacy Date_Time shapes give the same hour" {
	legacy '1,11/01/2019 05:00:00 PM,2019,November,1,Friday,17,34,A,300' \
	    '2,"November 01, 2019 05:00:00 PM",2019,November,1,Friday,17,35,A,300' \
	    '3,2019-11-01T17:00:00.000,2019,November,1,Friday,17,36,A,300' \
	    '4,11/01/2019 12:00:00 AM,2019,November,1,Friday,0,34,A,1' \
	    '5,11/01/2019 12:00:00 PM,2019,November,1,Friday,12,34,A,1' \
	    '6,"Dec 31, 2019 11:00:00 PM",2019,December,31,Tuesday,23,34,A,1'
	run -0 periods
	assert_output "$(printf '%s\n' 2019-11-01T17 2019-11-01T17 2019-11-01T17 \
	    2019-11-01T00 2019-11-01T12 2019-12-31T23)"
}

@test "DST fall back 2023-04-02: both 02:00 land on 02, days stay right" {
	ods23 2023-04-02T00:00:00+11:00 2023-04-02T01:00:00+11:00 \
	    2023-04-02T02:00:00+11:00 2023-04-02T02:00:00+10:00 \
	    2023-04-02T03:00:00+10:00 2023-04-01T14:00:00Z 2023-04-01T15:00:00Z \
	    2023-04-01T16:00:00Z 2023-04-01T17:00:00+00:00 2023-03-31T13:00:00Z \
	    2023-04-02T13:59:59Z 2023-04-02T14:00:00Z
	run -0 periods
	assert_output "$(printf '%s\n' 2023-04-02T00 2023-04-02T01 2023-04-02T02 \
	    2023-04-02T02 2023-04-02T03 2023-04-02T01 2023-04-02T02 2023-04-02T02 \
	    2023-04-02T03 2023-04-01T00 2023-04-02T23 2023-04-03T00)"
}

@test "DST spring forward 2023-10-01: 02:00 does not exist" {
	ods23 2023-10-01T01:00:00+10:00 2023-10-01T03:00:00+11:00 \
	    2023-09-30T14:00:00Z 2023-09-30T15:00:00Z 2023-09-30T16:00:00Z \
	    2023-10-01T02:00:00+10:00 2023-09-30T13:59:00Z \
	    2023-06-30T14:00:00Z 2023-12-31T13:00:00Z 2023-12-31T12:59:59Z
	run -0 periods
	assert_output "$(printf '%s\n' 2023-10-01T01 2023-10-01T03 2023-10-01T00 \
	    2023-10-01T01 2023-10-01T03 2023-10-01T03 2023-09-30T23 \
	    2023-07-01T00 2024-01-01T00 2023-12-31T23)"
}

@test "other offsets and older rules (2000 Olympics, 2006, 2007) convert" {
	ods23 2019-11-01T06:00:00+00:00 2019-11-01T01:00:00-05:00 \
	    2019-11-01T11:30:00+05:30 2000-08-26T15:00:00Z 2000-08-26T16:00:00Z \
	    2006-04-01T15:00:00Z 2006-04-01T16:00:00Z 2007-03-24T15:00:00Z \
	    2007-03-24T16:00:00Z 2019-11-01T17:00:00
	run -0 periods
	assert_output "$(printf '%s\n' 2019-11-01T17 2019-11-01T17 2019-11-01T17 \
	    2000-08-27T01 2000-08-27T03 2006-04-02T02 2006-04-02T02 \
	    2007-03-25T02 2007-03-25T02 2019-11-01T17)"
}

@test "floating legacy time keeps the 02:00 that DST skipped (2019-10-06)" {
	legacy '1,10/06/2019 02:00:00 AM,2019,October,6,Sunday,2,34,A,0'
	run -0 periods
	assert_output 2019-10-06T02
}

@test "every UTC hour 1995-2040 matches the system tz database" {
	need_tz
	python3 - "$BATS_TEST_TMPDIR" <<-'EOF'
	import datetime, sys, zoneinfo
	z = zoneinfo.ZoneInfo("Australia/Melbourne")
	t = datetime.datetime(1995, 1, 1, tzinfo=datetime.timezone.utc)
	end = datetime.datetime(2041, 1, 1, tzinfo=datetime.timezone.utc)
	with open(sys.argv[1] + "/in.csv", "w") as i, \
	    open(sys.argv[1] + "/want", "w") as w:
	    i.write("SensingDateTime(Hour),LocationID,Total_of_Directions\n")
	    n = 0
	    while t < end:
	        # Two sensors in turn: the fall-back hour is no duplicate.
	        n += 1
	        i.write(t.strftime("%Y-%m-%dT%H:%M:%SZ,") + f"{n % 2 + 1},1\n")
	        w.write(t.astimezone(z).strftime("%Y-%m-%dT%H\n"))
	        t += datetime.timedelta(hours=1)
	EOF
	periods > "$BATS_TEST_TMPDIR/got"
	run cmp "$BATS_TEST_TMPDIR/want" "$BATS_TEST_TMPDIR/got"
	assert_success
	assert_equal "$(wc -l < "$BATS_TEST_TMPDIR/got")" 403248
}

# --- CSV shapes ------------------------------------------------------------

@test "quoted names: commas, doubled quotes, newlines, tabs, backslashes" {
	legacy '1,2019-11-01T17:00:00.000,2019,November,1,Friday,17,1,"Say ""hi"", ok",1' \
	    '2,2019-11-01T17:00:00.000,2019,November,1,Friday,17,2,"two' \
	    'lines",2' \
	    $'3,2019-11-01T17:00:00.000,2019,November,1,Friday,17,3,"a\tb\\\\c",3'
	run -0 ped-fetch --no-header "$BATS_TEST_TMPDIR/in.csv"
	assert_line --index 0 $'2019-11-01T17\t1\tSay "hi", ok\t1'
	assert_line --index 1 $'2019-11-01T17\t2\ttwo\\nlines\t2'
	assert_line --index 2 $'2019-11-01T17\t3\ta\\tb\\\\\\\\c\t3'
}

@test "CRLF, a BOM and no final newline" {
	printf '\xef\xbb\xbf%s\r\n%s\r\n%s' "$ODS_HDR" \
	    '1,48,2024-02-14,23,63,74,137,QVMQ_T,"-37.8, 144.9"' \
	    '2,48,2024-02-14,0,1,2,3,QVMQ_T,"-37.8, 144.9"' > "$BATS_TEST_TMPDIR/in.csv"
	run -0 ped-fetch "$BATS_TEST_TMPDIR/in.csv"
	assert_output "$(tsv 'period|sensor_id|sensor_name|count' \
	    '2024-02-14T23|48|QVMQ_T|137' '2024-02-14T00|48|QVMQ_T|3')"
}

@test "a header alone gives the header alone; --no-header drops it" {
	legacy
	run -0 ped-fetch "$BATS_TEST_TMPDIR/in.csv"
	assert_output $'period\tsensor_id\tsensor_name\tcount'
	run -0 ped-fetch --no-header "$BATS_TEST_TMPDIR/in.csv"
	assert_output ''
	echo '[]' > "$BATS_TEST_TMPDIR/empty.json"
	run -0 ped-fetch --no-header "$BATS_TEST_TMPDIR/empty.json"
	assert_output ''
}

# --- -v (duplicates: tests/fetch_dups.bats) ---------------------------------

@test "-v prints the summary" {
	run -0 --separate-stderr ped-fetch -v "$F/bonatoc_test_stats.json"
	assert_stderr "$(printf '%s\n' \
	    "ped-fetch: $F/bonatoc_test_stats.json: format socrata-json" \
	    'ped-fetch: summary: rows read 1000, kept 1000, duplicate hours 0 (policy first), skipped 0, sensors 55, first 2019-09-29T10, last 2019-11-02T11')"
	run -0 --separate-stderr ped-fetch -v "$F/exploreMel_ods_counts_per_hour_50k_sample.csv.gz"
	assert_stderr --partial 'format ods-csv'
	assert_stderr --partial 'sensors 100, first 2023-10-18T00, last 2025-10-17T03'
}

# --- bad input: exit 65 with SOURCE:LINE ------------------------------------

@test "bad rows: each gives exit 65 and SOURCE:LINE: reason" {
	local row why
	while IFS='|' read -r row why; do
		legacy '1,2019-11-01T17:00:00.000,2019,November,1,Friday,17,1,A,1' "$row"
		run -65 --separate-stderr ped-fetch "$BATS_TEST_TMPDIR/in.csv"
		assert_stderr "ped-fetch: $BATS_TEST_TMPDIR/in.csv:3: $why"
	done <<-'EOF'
	2,2019-11-01T17:00:00.000,2019,November,1,Friday,17,1,A|expected 10 fields, found 9
	2,2019-11-01T17:00:00.000,2019,November,1,Friday,17,1,A,1,x|expected 10 fields, found 11
	2,13/01/2019 05:00:00 PM,2019,November,1,Friday,17,1,A,1|bad date "13/01/2019 05:00:00 PM"
	2,02/30/2019 05:00:00 PM,2019,November,1,Friday,17,1,A,1|bad date "02/30/2019 05:00:00 PM"
	2,11/01/2019 13:00:00 PM,2019,November,1,Friday,17,1,A,1|bad date "11/01/2019 13:00:00 PM"
	2,2019-11-01 17h,2019,November,1,Friday,17,1,A,1|bad date "2019-11-01 17h"
	2,2019-11-01T17:00:00+1:00,2019,November,1,Friday,17,1,A,1|bad date "2019-11-01T17:00:00+1:00"
	2,,2019,November,1,Friday,17,1,A,1|bad date ""
	2,2019-11-01T17:00:00.000,2019,November,1,Friday,17,1,A,x|bad count "x"
	2,2019-11-01T17:00:00.000,2019,November,1,Friday,17,1,A,-5|bad count "-5"
	2,2019-11-01T17:00:00.000,2019,November,1,Friday,17,1,A,|bad count ""
	2,2019-11-01T17:00:00.000,2019,November,1,Friday,17,1,A,1.5|bad count "1.5"
	2,2019-11-01T17:00:00.000,2019,November,1,Friday,17,1,A,"1,23"|bad count "1,23"
	2,2019-11-01T17:00:00.000,2019,November,1,Friday,17,1,A,"1234,567"|bad count "1234,567"
	2,2019-11-01T17:00:00.000,2019,November,1,Friday,17,1,A,",123"|bad count ",123"
	2,2019-11-01T17:00:00.000,2019,November,1,Friday,17,1,A,"1,,234"|bad count "1,,234"
	2,2019-11-01T17:00:00.000,2019,November,1,Friday,17,1,A,99999999999999999999|bad count "99999999999999999999"
	2,2019-11-01T17:00:00.000,2019,November,1,Friday,17,S1,A,1|bad sensor_id "S1"
	2,2019-11-01T17:00:00.000,2019,November,1,Friday,17, 1,A,1|bad sensor_id " 1"
	EOF
}

@test "bad ODS rows: hour, date and count" {
	local row why
	while IFS='|' read -r row why; do
		printf '%s\n%s\n' "$ODS_HDR" "$row" > "$BATS_TEST_TMPDIR/in.csv"
		run -65 --separate-stderr ped-fetch "$BATS_TEST_TMPDIR/in.csv"
		assert_stderr "ped-fetch: $BATS_TEST_TMPDIR/in.csv:2: $why"
	done <<-'EOF'
	1,48,2024-02-14,24,1,2,3,Q,x|bad date "2024-02-14" hour "24"
	1,48,2024-02-14,007,1,2,3,Q,x|bad date "2024-02-14" hour "007"
	1,48,2024-02-30,7,1,2,3,Q,x|bad date "2024-02-30" hour "7"
	1,48,14/02/2024,7,1,2,3,Q,x|bad date "14/02/2024" hour "7"
	1,48,2024-02-14T05:00:00,7,1,2,3,Q,x|bad date "2024-02-14T05:00:00" hour "7"
	1,48,2024-02-14T00:00:00+25:00,7,1,2,3,Q,x|bad date "2024-02-14T00:00:00+25:00" hour "7"
	1,48,2024-02-14,7,1,2,-3,Q,x|bad count "-3"
	EOF
}

@test "the line of a bad row counts the lines of quoted newlines" {
	legacy '1,2019-11-01T17:00:00.000,2019,November,1,Friday,17,1,"a' \
	    'b",1' '2,2019-11-01T17:00:00.000,2019,November,1,Friday,17,1,A,x'
	run -65 --separate-stderr ped-fetch "$BATS_TEST_TMPDIR/in.csv"
	assert_stderr "ped-fetch: $BATS_TEST_TMPDIR/in.csv:4: bad count \"x\""
	# The rows before the bad one are written.
	assert_output $'period\tsensor_id\tsensor_name\tcount\n2019-11-01T17\t1\ta\\nb\t1'
}

@test "malformed CSV stops the run even with --skip-bad" {
	legacy '1,2019-11-01T17:00:00.000,2019,November,1,Friday,17,1,A,1' \
	    '2,2019-11-01T17:00:00.000,2019,November,1,Friday,17,1,"A,1'
	run -65 --separate-stderr ped-fetch --skip-bad "$BATS_TEST_TMPDIR/in.csv"
	assert_stderr "ped-fetch: $BATS_TEST_TMPDIR/in.csv:3: unterminated quoted field"
}

@test "an unknown header (a real sensor-locations file) is exit 65" {
	run -65 --separate-stderr ped-fetch "$F/tomjp90_sensor_locations_h57g-5234_soda.csv"
	assert_stderr "ped-fetch: $F/tomjp90_sensor_locations_h57g-5234_soda.csv:1: unknown header \"sensor_id,sensor_description,sensor_name,installation_date,statu\"... (see FORMATS in ped-fetch(1))"
}

@test "a forced format the header does not match is exit 65" {
	run -65 --separate-stderr ped-fetch --format ods "$F/soda.csv"
	assert_stderr "ped-fetch: $F/soda.csv:1: no sensing_date column (Sensing_Date) for format ods"
	run -65 --separate-stderr ped-fetch --format json "$F/soda.csv"
	assert_stderr "ped-fetch: $F/soda.csv:1: expected an object"
}

@test "empty input is exit 65, not an empty dataset" {
	: > "$BATS_TEST_TMPDIR/empty"
	run -65 --separate-stderr ped-fetch "$BATS_TEST_TMPDIR/empty"
	assert_stderr "ped-fetch: $BATS_TEST_TMPDIR/empty: empty input"
	run -65 --separate-stderr bash -c "printf ' \n\n' | ped-fetch"
	assert_stderr 'ped-fetch: <stdin>: empty input'
}

@test "bad JSON: each gives exit 65 and SOURCE:LINE: reason" {
	local json line why
	while IFS='|' read -r json line why; do
		printf '%b' "$json" > "$BATS_TEST_TMPDIR/in.json"
		run -65 --separate-stderr ped-fetch "$BATS_TEST_TMPDIR/in.json"
		assert_stderr "ped-fetch: $BATS_TEST_TMPDIR/in.json:$line: $why"
	done <<-'EOF'
	[1, 2]|1|expected an object
	[\n{"date_time": "2019-11-01T17:00:00", "sensor_id": "1", "hourly_counts": "1"},\n{"a": }\n]|3|bad JSON object
	[\n{"date_time": "2019-11-01T17:00:00", "sensor_id": "1", "hourly_counts": "1"}\n|3|unterminated array
	[{"date_time": "2019-11-01T17:00:00", "sensor_id": "1", "hourly_counts": "1"\n|1|unterminated object
	[{"date_time": "2019-11-01T17:00:00", "sensor_id": "1", "hourly_counts": "1"} {}]|1|expected ',' or ']'
	[]\nx|2|text after the array
	[{"date_time": "2019-11-01T17:00:00", "sensor_id": "1", "hourly_counts": true}]|1|bad value for "hourly_counts"
	[{"date_time": "2019-11-01T17:00:00", "sensor_id": "1", "hourly_counts": "1"},\n{"date_time": "2019-11-01T18:00:00", "sensor_id": "1"}]|2|missing count
	[{"date_time": "2019-11-01T17:00:00", "sensor_id": "1", "hourly_counts": -1}]|1|bad count "-1"
	[{"date_time": "2019-11-01T17:00:00", "sensor_id": "1", "hourly_counts": 12.5}]|1|bad count "12.5"
	[{"sensor": "1", "count": 1}]|1|unknown header "sensor,count" (see FORMATS in ped-fetch(1))
	EOF
}

@test "a JSON record larger than 16 MiB is refused (bounded memory)" {
	python3 -c 'print("[{\"date_time\": \"" + "x" * (17 << 20) + "\"}]")' \
	    > "$BATS_TEST_TMPDIR/big.json"
	run -65 --separate-stderr ped-fetch "$BATS_TEST_TMPDIR/big.json"
	assert_stderr "ped-fetch: $BATS_TEST_TMPDIR/big.json:1: object larger than 16 MiB"
}

@test "JSON with a BOM and leading white space" {
	{ printf '\xef\xbb\xbf \n'; cat "$F/bonatoc_test_stats.json"; } > "$BATS_TEST_TMPDIR/in.json"
	run -0 ped-fetch "$BATS_TEST_TMPDIR/in.json"
	assert_output "$(cat "$F/bonatoc.expected")"
}

@test "JSON: null values, key order and strings with braces" {
	printf '%s\n' '[{"sensor_name": "a {b} [c] \"d\"", "hourly_counts": "5",' \
	    '  "date_time": "2019-11-01T17:00:00.000", "sensor_id": "3"},' \
	    ' {"date_time": "2019-11-01T18:00:00.000", "sensor_id": "3",' \
	    '  "sensor_name": null, "hourly_counts": 6}]' > "$BATS_TEST_TMPDIR/in.json"
	run -0 ped-fetch --no-header "$BATS_TEST_TMPDIR/in.json"
	assert_output "$(tsv '2019-11-01T17|3|a {b} [c] "d"|5' '2019-11-01T18|3||6')"
}

# --- --skip-bad --------------------------------------------------------------

@test "--skip-bad skips, quotes the first 5 rows, then gives the count" {
	local i rows=()
	for i in 1 2 3 4 5 6 7; do
		rows+=("$i,2019-11-01T17:00:00.000,2019,November,1,Friday,17,$i,\"N,$i\",x$i")
	done
	legacy "${rows[@]:0:3}" '8,2019-11-01T17:00:00.000,2019,November,1,Friday,17,8,A,8' \
	    "${rows[@]:3}"
	run -0 --separate-stderr ped-fetch --skip-bad "$BATS_TEST_TMPDIR/in.csv"
	assert_output "$(tsv 'period|sensor_id|sensor_name|count' '2019-11-01T17|8|A|8')"
	assert_equal "$(grep -c 'skipped: ' <<<"$stderr")" 5
	# The row as read, through quote() as all data in messages.
	assert_stderr --partial 'in.csv:2: bad count "x1", skipped: "1,2019-11-01T17:00:00.000,2019,November,1,Friday,17,1,\"N,1\",x1"'
	assert_stderr --partial "in.csv:7: bad count \"x5\", skipped: "
	[[ $stderr != *x6* ]]
	assert_stderr --partial "ped-fetch: $BATS_TEST_TMPDIR/in.csv: skipped 7 bad rows"
	run -0 --separate-stderr ped-fetch -v --skip-bad "$BATS_TEST_TMPDIR/in.csv"
	assert_stderr --partial 'rows read 8, kept 1, duplicate hours 0 (policy first), skipped 7,'
	run -0 --separate-stderr ped-fetch -q --skip-bad "$BATS_TEST_TMPDIR/in.csv"
	assert_equal "$stderr" ''
}

@test "--skip-bad quotes a skipped JSON object" {
	printf '%s\n' '[{"date_time": "2019-11-01T17:00:00", "sensor_id": "1", "hourly_counts": "x"},' \
	    '{"date_time": "2019-11-01T17:00:00", "sensor_id": "2", "hourly_counts": "2"}]' \
	    > "$BATS_TEST_TMPDIR/in.json"
	run -0 --separate-stderr ped-fetch --skip-bad --no-header "$BATS_TEST_TMPDIR/in.json"
	assert_output $'2019-11-01T17\t2\t\t2'
	assert_stderr --partial 'in.json:1: bad count "x", skipped: "{\"date_time\":\"2019-11-01T17:00:00\",\"sensor_id\":\"1\",\"hourly_count"...'
}
