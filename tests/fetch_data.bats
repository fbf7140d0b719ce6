#!/usr/bin/env bats
# ped-fetch under hostile data (issue 12): empty timestamps, JSON numbers
# past 2^53, NUL and invalid UTF-8 in names, ambiguous headers, keys and
# locations, missing columns named, data in messages quoted.

load helper

HDR='Date_Time,Sensor_ID,Sensor_Name,Hourly_Counts'
GOOD='2019-11-01T17:00:00,1,A,5'

# csv LINE...: in.csv with these lines (printf %b: \0 and \xNN work).
csv() {
	local l
	for l in "$@"; do
		printf '%b\n' "$l"
	done > "$BATS_TEST_TMPDIR/in.csv"
}

@test "an empty timestamp is a bad row, also first, also with --since" {
	csv "$HDR" ',1,A,5' "$GOOD"
	run -65 --separate-stderr ped-fetch "$BATS_TEST_TMPDIR/in.csv"
	assert_stderr "ped-fetch: $BATS_TEST_TMPDIR/in.csv:2: bad date \"\""
	# Not "outside the range": --since must not hide it.
	run -65 --separate-stderr ped-fetch --since 2019-01-01 "$BATS_TEST_TMPDIR/in.csv"
	assert_stderr --partial 'in.csv:2: bad date ""'
	run -0 --separate-stderr ped-fetch --skip-bad --no-header "$BATS_TEST_TMPDIR/in.csv"
	assert_output $'2019-11-01T17\t1\tA\t5'
	assert_stderr --partial 'in.csv:2: bad date "", skipped: ",1,A,5"'
	# After a good row too, and in the ODS form.
	csv "$HDR" "$GOOD" ',2,A,5'
	run -65 --separate-stderr ped-fetch "$BATS_TEST_TMPDIR/in.csv"
	assert_stderr --partial 'in.csv:3: bad date ""'
	csv 'Location_ID,Sensing_Date,HourDay,Total_of_Directions' '1,,3,5'
	run -65 --separate-stderr ped-fetch "$BATS_TEST_TMPDIR/in.csv"
	assert_stderr --partial 'in.csv:2: bad date "" hour "3"'
}

@test "JSON numbers keep every digit; a count that is no integer is a bad row" {
	printf '%s\n' '[{"date_time": "2019-11-01T17:00:00", "sensor_id": 9007199254740993, "hourly_counts": 9007199254740993},' \
	    '{"date_time": "2019-11-01T17:00:00", "sensor_id": 2, "hourly_counts": 1.5},' \
	    '{"date_time": "2019-11-01T17:00:00", "sensor_id": 3, "hourly_counts": 3e2},' \
	    '{"date_time": "2019-11-01T18:00:00", "sensor_id": 4, "hourly_counts": 12, "loc": {"lat": -37.8, "lon": [144.9]}}]' \
	    > "$BATS_TEST_TMPDIR/in.json"
	run -65 --separate-stderr ped-fetch --no-header "$BATS_TEST_TMPDIR/in.json"
	assert_output $'2019-11-01T17\t9007199254740993\t\t9007199254740993'
	assert_stderr "ped-fetch: $BATS_TEST_TMPDIR/in.json:2: bad count \"1.5\""
	run -0 --separate-stderr ped-fetch --skip-bad --no-header "$BATS_TEST_TMPDIR/in.json"
	assert_output "$(tsv '2019-11-01T17|9007199254740993||9007199254740993' '2019-11-01T18|4||12')"
	assert_stderr --partial 'in.json:3: bad count "3e2"'
	# Malformed numbers are still malformed JSON.
	echo '[{"date_time": "2019-11-01T17:00:00", "sensor_id": 01, "hourly_counts": 1}]' > "$BATS_TEST_TMPDIR/bad.json"
	run -65 --separate-stderr ped-fetch "$BATS_TEST_TMPDIR/bad.json"
	assert_stderr --partial 'bad.json:1: bad JSON object'
	# cJSON takes "1." and "2e" as numbers; JSON does not (found by fuzz_json).
	for n in 1. 2e -; do
		echo "{\"date_time\": \"2019-11-01T17:00:00\", \"sensor_id\": \"1\", \"hourly_counts\": $n}" > "$BATS_TEST_TMPDIR/bad.json"
		run -65 --separate-stderr ped-fetch "$BATS_TEST_TMPDIR/bad.json"
		assert_stderr --partial 'bad.json:1: bad JSON object'
	done
}

@test "--locations JSON ids past 2^53 keep every digit" {
	printf '[{"sensor_id": 9007199254740993, "sensor_description": "Far"}, {"sensor_id": 9007199254740992, "sensor_description": "Near"}]\n' > "$BATS_TEST_TMPDIR/loc.json"
	csv 'Date_Time,Sensor_ID,Hourly_Counts' '2019-11-01T17:00:00,9007199254740993,1'
	run -0 ped-fetch --no-header --locations "$BATS_TEST_TMPDIR/loc.json" "$BATS_TEST_TMPDIR/in.csv"
	assert_output $'2019-11-01T17\t9007199254740993\tFar\t1'
}

@test "a name with NUL or invalid UTF-8 is a bad row (CSV and JSON)" {
	csv "$HDR" '2019-11-01T17:00:00,1,A\0B,5' '2019-11-01T17:00:00,2,\xff\xfe,5' \
	    '2019-11-01T17:00:00,3,\xc0\xaf,5' '2019-11-01T17:00:00,4,\xed\xa0\x80,5' \
	    '2019-11-01T17:00:00,5,Caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x9a\xb6,5'
	run -65 --separate-stderr ped-fetch "$BATS_TEST_TMPDIR/in.csv"
	assert_stderr "ped-fetch: $BATS_TEST_TMPDIR/in.csv:2: sensor_name \"A\\0B\" has a NUL character"
	run -0 --separate-stderr ped-fetch --skip-bad --no-header "$BATS_TEST_TMPDIR/in.csv"
	assert_output $'2019-11-01T17\t5\tCaf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x9a\xb6\t5'
	assert_stderr --partial 'in.csv:3: sensor_name "\xff\xfe" is not UTF-8, skipped: "2019-11-01T17:00:00,2,\xff\xfe,5"'
	assert_stderr --partial 'in.csv:4: sensor_name "\xc0\xaf" is not UTF-8'
	assert_stderr --partial 'in.csv:5: sensor_name "\xed\xa0\x80" is not UTF-8'
	printf '%s\n' '[{"date_time": "2019-11-01T17:00:00", "sensor_id": "1", "sensor_name": "A\u0000B", "hourly_counts": "5"},' \
	    '{"date_time": "2019-11-01T17:00:00", "sensor_id": "2", "sensor_name": "A\\u0000B", "hourly_counts": "6"}]' \
	    > "$BATS_TEST_TMPDIR/in.json"
	run -65 --separate-stderr ped-fetch "$BATS_TEST_TMPDIR/in.json"
	assert_stderr "ped-fetch: $BATS_TEST_TMPDIR/in.json:1: sensor_name \"A\\0B\" has a NUL character"
	# An escaped backslash before u0000 is text, not NUL.
	run -0 --separate-stderr ped-fetch --skip-bad --no-header "$BATS_TEST_TMPDIR/in.json"
	assert_output $'2019-11-01T17\t2\tA\\\\u0000B\t6'
}

@test "a header naming one column twice is an error" {
	csv 'Date_Time,Sensor_ID,Hourly_Counts,hourly_counts' '2019-11-01T17:00:00,1,5,6'
	run -65 --separate-stderr ped-fetch "$BATS_TEST_TMPDIR/in.csv"
	assert_stderr "ped-fetch: $BATS_TEST_TMPDIR/in.csv:1: the header names the count column twice (\"Hourly_Counts\" and \"hourly_counts\")"
	run -65 --separate-stderr ped-fetch --format socrata "$BATS_TEST_TMPDIR/in.csv"
	assert_stderr --partial 'names the count column twice'
	# Columns ped-fetch does not read may repeat.
	csv 'Date_Time,Sensor_ID,Hourly_Counts,x,x' '2019-11-01T17:00:00,1,5,6,7'
	run -0 ped-fetch --no-header "$BATS_TEST_TMPDIR/in.csv"
	assert_output $'2019-11-01T17\t1\t\t5'
}

@test "a JSON object with a repeated key is an error" {
	printf '%s\n' '[{"date_time": "2019-11-01T17:00:00", "sensor_id": "1", "hourly_counts": "5"},' \
	    '{"date_time": "2019-11-01T17:00:00", "sensor_id": "2", "hourly_counts": "5", "sensor_id": "3"}]' \
	    > "$BATS_TEST_TMPDIR/in.json"
	run -65 --separate-stderr ped-fetch --skip-bad --no-header "$BATS_TEST_TMPDIR/in.json"
	assert_output $'2019-11-01T17\t1\t\t5'
	assert_stderr "ped-fetch: $BATS_TEST_TMPDIR/in.json:2: the key \"sensor_id\" appears twice in an object"
}

@test "--locations: an id twice with two descriptions is an error, the same twice is fine" {
	csv 'Date_Time,Sensor_ID,Hourly_Counts' '2019-11-01T17:00:00,7,1'
	printf 'Location_ID,Sensor_Description\n7,Town Hall\n7,Town Hall\n' > "$BATS_TEST_TMPDIR/loc.csv"
	run -0 ped-fetch --no-header --locations "$BATS_TEST_TMPDIR/loc.csv" "$BATS_TEST_TMPDIR/in.csv"
	assert_output $'2019-11-01T17\t7\tTown Hall\t1'
	printf 'Location_ID,Sensor_Description\n7,Town Hall\n8,Other\n7,Town Hall (West)\n' > "$BATS_TEST_TMPDIR/loc.csv"
	run -65 --separate-stderr ped-fetch --locations "$BATS_TEST_TMPDIR/loc.csv" "$BATS_TEST_TMPDIR/in.csv"
	assert_stderr "ped-fetch: $BATS_TEST_TMPDIR/loc.csv:4: sensor id 7 has two descriptions: \"Town Hall\" and \"Town Hall (West)\""
	printf '[{"location_id": 7, "sensor_description": "A"}, {"location_id": "7", "sensor_description": "B"}]' > "$BATS_TEST_TMPDIR/loc.json"
	run -65 --separate-stderr ped-fetch --locations "$BATS_TEST_TMPDIR/loc.json" "$BATS_TEST_TMPDIR/in.csv"
	assert_stderr --partial 'loc.json:1: sensor id 7 has two descriptions: "A" and "B"'
}

@test "--locations: a description is held to sensor_name's rules (NUL, UTF-8, length)" {
	local d=$BATS_TEST_TMPDIR
	csv 'Date_Time,Sensor_ID,Hourly_Counts' '2019-11-01T17:00:00,7,1'
	printf 'Location_ID,Sensor_Description\n7,Town\000Hall\n' >"$d/loc.csv"
	run -65 --separate-stderr ped-fetch --locations "$d/loc.csv" "$d/in.csv"
	assert_stderr "ped-fetch: $d/loc.csv:2: sensor_name \"Town\\0Hall\" has a NUL character"
	printf 'Location_ID,Sensor_Description\n8,ok\n7,Town \377 Hall\n' >"$d/loc.csv"
	run -65 --separate-stderr ped-fetch --locations "$d/loc.csv" "$d/in.csv"
	assert_stderr "ped-fetch: $d/loc.csv:3: sensor_name \"Town \\xff Hall\" is not UTF-8"
	{ printf 'Location_ID,Sensor_Description\n7,'; head -c 1025 /dev/zero | tr '\0' A; echo; } >"$d/loc.csv"
	run -65 --separate-stderr ped-fetch --locations "$d/loc.csv" "$d/in.csv"
	assert_stderr --partial "ped-fetch: $d/loc.csv:2: sensor_name of 1025 bytes, longer than 1024:"
	printf '[{"location_id": 7, "sensor_description": "A\\u0000B"}]' >"$d/loc.json"
	run -65 --separate-stderr ped-fetch --locations "$d/loc.json" "$d/in.csv"
	assert_stderr --partial 'loc.json:1: sensor_name "A\0B" has a NUL character'
	{ printf 'Location_ID,Sensor_Description\n7,'; head -c 1024 /dev/zero | tr '\0' A; echo; } >"$d/loc.csv"
	run -0 ped-fetch -q --no-header --locations "$d/loc.csv" "$d/in.csv"
}

@test "a missing required column is named, as the schema spells it" {
	csv 'Date_Time,Sensor_ID,Sensor_Name' '2019-11-01T17:00:00,1,A'
	run -65 --separate-stderr ped-fetch "$BATS_TEST_TMPDIR/in.csv"
	assert_stderr "ped-fetch: $BATS_TEST_TMPDIR/in.csv:1: no count column (Hourly_Counts)"
	csv 'SensingDateTime(Hour),LocationID,Direction_1' '2023-08-31T02:00:00+10:00,1,2'
	run -65 --separate-stderr ped-fetch "$BATS_TEST_TMPDIR/in.csv"
	assert_stderr --partial 'in.csv:1: no count column (Total_of_Directions)'
	csv 'Location_ID,Sensing_Date,Total_of_Directions' '1,2024-01-01,2'
	run -65 --separate-stderr ped-fetch "$BATS_TEST_TMPDIR/in.csv"
	assert_stderr --partial 'in.csv:1: no hourday column (HourDay)'
	echo '[{"date_time": "2019-11-01T17:00:00", "hourly_counts": "5"}]' > "$BATS_TEST_TMPDIR/in.json"
	run -65 --separate-stderr ped-fetch "$BATS_TEST_TMPDIR/in.json"
	assert_stderr --partial 'in.json:1: no sensor_id column (Sensor_ID)'
}

@test "data in messages is quoted: control bytes escaped, cut at 64 bytes" {
	csv "$HDR" '2019-11-01T17:00:00\e[31m,1,A,5'
	run -65 --separate-stderr ped-fetch "$BATS_TEST_TMPDIR/in.csv"
	assert_stderr --partial 'in.csv:2: bad date "2019-11-01T17:00:00\x1b[31m"'
	csv "$HDR" "2019-11-01T17:00:00,$(printf '9%.0s' {1..100}),A,5"
	run -65 --separate-stderr ped-fetch "$BATS_TEST_TMPDIR/in.csv"
	assert_stderr --partial "bad sensor_id \"$(printf '9%.0s' {1..64})\"..."
	csv 'Date_Time,\e]0;x\a' '1,2'
	run -65 --separate-stderr ped-fetch "$BATS_TEST_TMPDIR/in.csv"
	assert_stderr --partial 'unknown header "Date_Time,\x1b]0;x\x07" (see FORMATS'
	echo '[{"date_time": "2019-11-01T17:00:00", "sensor_id": "1", "hourly_counts": true, "\u001b": 1}]' > "$BATS_TEST_TMPDIR/in.json"
	run -65 --separate-stderr ped-fetch "$BATS_TEST_TMPDIR/in.json"
	assert_stderr --partial 'in.json:1: bad value for "hourly_counts"'
	# Option values are data too.
	run -64 --separate-stderr ped-fetch --since $'2019\e[2J' "$BATS_TEST_TMPDIR/in.json"
	assert_stderr 'ped-fetch: --since: invalid date "2019\x1b[2J"'
	run -64 --separate-stderr ped-fetch --format $'csv\r' "$BATS_TEST_TMPDIR/in.json"
	assert_stderr 'ped-fetch: --format: unknown format "csv\r"'
}

@test "fuzz_timeparse's table of Melbourne offsets is the tz database's" {
	python3 -c 'import zoneinfo; zoneinfo.ZoneInfo("Australia/Melbourne")' \
	    2>/dev/null || skip "no tz database for Python"
	python3 "$ROOT/tests/fuzz/gen_tz_melbourne.py" > "$BATS_TEST_TMPDIR/tz.h"
	run cmp "$ROOT/tests/fuzz/tz_melbourne.h" "$BATS_TEST_TMPDIR/tz.h"
	assert_success
}

@test "names of every length with an escape at every place are escaped (emit.c's 8-byte copy)" {
	python3 - "$BATS_TEST_TMPDIR" <<-'EOF'
	import csv, sys
	d = sys.argv[1]
	rows, want, i = [], [], 0
	for n in range(0, 26):
	    for pos in range(-1, n):
	        for ch in "\t\n\r\\\x01":
	            i += 1
	            name = "".join("abcdefghijklmnopqrstuvwxyz"[k] for k in range(n))
	            if pos >= 0:
	                name = name[:pos] + ch + name[pos + 1:]
	            rows.append(["2019-11-01T17:00:00", i, name, 5])
	            esc = name.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")
	            want.append(f"2019-11-01T17\t{i}\t{esc}\t5\n")
	with open(d + "/in.csv", "w", newline="") as f:
	    w = csv.writer(f, lineterminator="\n", quoting=csv.QUOTE_ALL)
	    w.writerow(["Date_Time", "Sensor_ID", "Sensor_Name", "Hourly_Counts"])
	    w.writerows(rows)
	open(d + "/want", "w").write("".join(want))
	EOF
	ped-fetch -q --no-header "$BATS_TEST_TMPDIR/in.csv" > "$BATS_TEST_TMPDIR/got"
	run cmp "$BATS_TEST_TMPDIR/want" "$BATS_TEST_TMPDIR/got"
	assert_success
}
