#!/usr/bin/env bats
# ped-fetch --duplicates: one row per (hour, sensor_id), checked against an
# independent Python computation; the warning, the -v summary, and the
# bounded memory of the check.

load helper

F="$DATA/fetch"
ODS23="$F/alysiayx_ods_2023-09-18_hourly_subset.csv"

# reference POLICY CSV: the TSV a policy should give for a CSV of
# Date_Time|SensingDateTime, id, ..., count (last column) rows, computed
# with Python's csv module: rows of a key that equal its first row are
# dropped, then first/last/max/sum of the rest; keys in first-seen order.
reference() {
	python3 - "$@" <<-'EOF'
	import csv, sys
	policy, path = sys.argv[1], sys.argv[2]
	rows = list(csv.reader(open(path, newline="")))
	hdr = [h.lower() for h in rows[0]]
	ts = 0
	idc = next(i for i, h in enumerate(hdr) if h.replace("_", "") in ("sensorid", "locationid"))
	keys = {}
	for r in rows[1:]:
	    k = (r[ts][:13].replace(" ", "T"), int(r[idc]))
	    c = int(r[-1])
	    keys.setdefault(k, [])
	    if keys[k] and c == keys[k][0]:
	        continue
	    keys[k].append(c)
	print("period\tsensor_id\tsensor_name\tcount")
	f = {"first": lambda v: v[0], "last": lambda v: v[-1], "max": max, "sum": sum}[policy]
	for (h, s), v in keys.items():
	    print(f"{h}\t{s}\t\t{f(v)}")
	EOF
}

@test "the Sept 2023 sample: first row of each (hour, location) by default, one warning" {
	reference first "$ODS23" > "$BATS_TEST_TMPDIR/want"
	# The independent computation: 243 keys twice, so 8716 - 243 rows.
	assert_equal "$(wc -l < "$BATS_TEST_TMPDIR/want")" 8474
	run -0 --separate-stderr ped-fetch "$ODS23"
	output_matches "$BATS_TEST_TMPDIR/want"
	assert_stderr 'ped-fetch: 243 hours had 2 conflicting rows (kept the first; e.g. 2023-09-01T00 location 2: 53, 22)'
	run -0 --separate-stderr ped-fetch --duplicates first -q "$ODS23"
	output_matches "$BATS_TEST_TMPDIR/want"
	assert_equal "$stderr" ''
}

@test "the Sept 2023 sample under last, max and sum" {
	local p
	for p in last max sum; do
		reference "$p" "$ODS23" > "$BATS_TEST_TMPDIR/want"
		run -0 --separate-stderr ped-fetch --duplicates "$p" "$ODS23"
		output_matches "$BATS_TEST_TMPDIR/want"
		assert_stderr --partial '243 hours had 2 conflicting rows'
	done
	run -0 --separate-stderr ped-fetch --duplicates sum "$ODS23"
	assert_line $'2023-09-01T00\t2\t\t75'
	assert_stderr --partial '(summed them; e.g.'
	run -0 --separate-stderr ped-fetch --duplicates max "$ODS23"
	assert_stderr --partial '(kept the largest; e.g.'
}

@test "-v: the summary line agrees with the warning" {
	run -0 --separate-stderr ped-fetch -v --duplicates last "$ODS23"
	assert_equal "${stderr_lines[0]}" 'ped-fetch: 243 hours had 2 conflicting rows (kept the last; e.g. 2023-09-01T00 location 2: 53, 22)'
	assert_equal "${stderr_lines[-1]}" 'ped-fetch: summary: rows read 8716, kept 8473, duplicate hours 243 (policy last), skipped 0, sensors 81, first 2023-04-01T00, last 2023-09-01T23'
	# -q keeps the summary, drops the warning.
	run -0 --separate-stderr ped-fetch -q -v "$ODS23"
	assert_stderr --partial $'format ods2023-csv\nped-fetch: summary: rows read 8716, kept 8473, duplicate hours 243 (policy first), skipped 0, sensors 81, first 2023-04-01T00, last 2023-09-01T23'
}

@test "--duplicates error: the first repeated key is bad data" {
	run -65 --separate-stderr ped-fetch --duplicates error "$ODS23"
	assert_stderr "ped-fetch: $ODS23:654: hour 2023-09-01T00 location 2 appears twice (counts 53 and 22)"
	# Rows before it were written.
	assert_equal "${#lines[@]}" 653
}

@test "exact duplicate rows are dropped silently, except under error" {
	printf '%s\n' 'Date_Time,Sensor_ID,Sensor_Name,Hourly_Counts' \
	    '2019-11-01T17:00:00,1,A,5' '2019-11-01T17:00:00,2,B,6' \
	    '2019-11-01T17:00:00,1,A,5' '2019-11-01T18:00:00,1,A,7' \
	    > "$BATS_TEST_TMPDIR/in.csv"
	run -0 --separate-stderr ped-fetch -v --no-header "$BATS_TEST_TMPDIR/in.csv"
	assert_output "$(tsv '2019-11-01T17|1|A|5' '2019-11-01T17|2|B|6' '2019-11-01T18|1|A|7')"
	assert_stderr --partial 'summary: rows read 4, kept 3, duplicate hours 0 (policy first)'
	[[ $stderr != *conflicting* ]]
	run -0 --separate-stderr ped-fetch --duplicates sum --no-header "$BATS_TEST_TMPDIR/in.csv"
	assert_line $'2019-11-01T17\t1\tA\t5'
	run -65 --separate-stderr ped-fetch --duplicates error "$BATS_TEST_TMPDIR/in.csv"
	assert_stderr --partial 'in.csv:4: hour 2019-11-01T17 location 1 appears twice (counts 5 and 5)'
}

@test "a different name is a conflict; last keeps the last row's name" {
	printf '%s\n' 'Date_Time,Sensor_ID,Sensor_Name,Hourly_Counts' \
	    '2019-11-01T17:00:00,1,Old,5' '2019-11-01T17:00:00,1,New,5' \
	    '2019-11-01T17:00:00,1,Newer,9' > "$BATS_TEST_TMPDIR/in.csv"
	run -0 --separate-stderr ped-fetch --duplicates last --no-header "$BATS_TEST_TMPDIR/in.csv"
	assert_output $'2019-11-01T17\t1\tNewer\t9'
	assert_stderr 'ped-fetch: 1 hour had 3 conflicting rows (kept the last; e.g. 2019-11-01T17 location 1: 5, 5, 9)'
	run -0 --separate-stderr ped-fetch --duplicates max --no-header "$BATS_TEST_TMPDIR/in.csv"
	assert_output $'2019-11-01T17\t1\tNewer\t9'
	run -0 --separate-stderr ped-fetch --duplicates sum --no-header "$BATS_TEST_TMPDIR/in.csv"
	assert_output $'2019-11-01T17\t1\tOld\t19'
}

@test "repeats of large sensor ids are found too" {
	printf '%s\n' 'Date_Time,Sensor_ID,Hourly_Counts' \
	    '2019-11-01T17:00:00,100000,1' '2019-11-01T17:00:00,100512,2' \
	    '2019-11-01T17:00:00,100000,3' '2019-11-01T18:00:00,100000,4' \
	    '2019-11-01T17:00:00,100512,5' > "$BATS_TEST_TMPDIR/in.csv"
	run -0 --separate-stderr ped-fetch -v --duplicates sum --no-header "$BATS_TEST_TMPDIR/in.csv"
	assert_output "$(tsv '2019-11-01T17|100000||4' '2019-11-01T17|100512||7' '2019-11-01T18|100000||4')"
	assert_stderr --partial 'duplicate hours 2 (policy sum), skipped 0, sensors 2,'
}

@test "past 512 sensors an hour (ids sharing a filter bit), every policy is exact" {
	# 1500 sensors an hour: ids 1..1500 share their bit id % 512 with two
	# others; repeats and conflicts are spread over them and shuffled
	# within each hour. (Each hour's keys were once scanned in full on
	# every filter hit: quadratic in sensors.)
	python3 - "$BATS_TEST_TMPDIR/in.csv" <<-'EOF'
	import random, sys
	random.seed(11)
	with open(sys.argv[1], "w") as f:
	    f.write("Date_Time,Sensor_ID,Hourly_Counts\n")
	    for h in range(6):
	        rows = []
	        for s in range(1, 1501):
	            for _ in range(random.choice([1] * 8 + [2, 3])):
	                rows.append((s, random.randrange(3)))
	        random.shuffle(rows)
	        for s, c in rows:
	            f.write(f"2019-11-01T{h:02d}:00:00,{s},{c}\n")
	EOF
	local p
	for p in first last max sum; do
		reference "$p" "$BATS_TEST_TMPDIR/in.csv" > "$BATS_TEST_TMPDIR/want"
		ped-fetch -q --duplicates "$p" "$BATS_TEST_TMPDIR/in.csv" > "$BATS_TEST_TMPDIR/got"
		cmp "$BATS_TEST_TMPDIR/want" "$BATS_TEST_TMPDIR/got"
	done
	run -65 --separate-stderr ped-fetch --duplicates error "$BATS_TEST_TMPDIR/in.csv"
	assert_stderr --regexp 'in\.csv:[0-9]+: '
}

@test "a sum too large for a count is bad data" {
	printf '%s\n' 'Date_Time,Sensor_ID,Hourly_Counts' \
	    '2019-11-01T17:00:00,1,9223372036854775807' '2019-11-01T17:00:00,1,1' \
	    > "$BATS_TEST_TMPDIR/in.csv"
	run -65 --separate-stderr ped-fetch --duplicates sum "$BATS_TEST_TMPDIR/in.csv"
	assert_stderr --partial 'in.csv:3: hour 2019-11-01T17 location 1: the sum of its counts is too large'
}

@test "an unknown policy is a usage error" {
	run -64 --separate-stderr ped-fetch --duplicates "sum\e]" "$ODS23"
	assert_stderr 'ped-fetch: --duplicates: unknown policy "sum\\e]" (first, last, max, sum or error)'
}

@test "rows out of time order within a week: every policy is exact" {
	python3 - "$BATS_TEST_TMPDIR/in.csv" <<-'EOF'
	import datetime, random, sys
	random.seed(7)
	t0 = datetime.datetime(2019, 1, 1)
	rows = []
	for h in range(2000):
	    for s in range(1, 6):
	        for _ in range(random.choice([1, 1, 1, 2, 3])):
	            rows.append((h, s, random.randrange(4)))
	# Shuffle within blocks of 150 hours (less than the 168-hour window).
	rows.sort(key=lambda r: (r[0] // 150, random.random()))
	with open(sys.argv[1], "w") as f:
	    f.write("Date_Time,Sensor_ID,Hourly_Counts\n")
	    for h, s, c in rows:
	        t = t0 + datetime.timedelta(hours=h)
	        f.write(t.strftime("%Y-%m-%dT%H:00:00") + f",{s},{c}\n")
	EOF
	local p
	for p in first last max sum; do
		reference "$p" "$BATS_TEST_TMPDIR/in.csv" | sort > "$BATS_TEST_TMPDIR/want"
		ped-fetch -q --duplicates "$p" "$BATS_TEST_TMPDIR/in.csv" | sort > "$BATS_TEST_TMPDIR/got"
		cmp "$BATS_TEST_TMPDIR/want" "$BATS_TEST_TMPDIR/got"
	done
	# first keeps input order.
	reference first "$BATS_TEST_TMPDIR/in.csv" > "$BATS_TEST_TMPDIR/want"
	run -0 ped-fetch -q "$BATS_TEST_TMPDIR/in.csv"
	output_matches "$BATS_TEST_TMPDIR/want"
}

@test "a repeat long after its hour was written: dropped under first, an error under last" {
	# 600 hours of 120 sensors in time order (more keys than are held
	# before hours are closed), then a new key and a repeat of hour 0.
	python3 - "$BATS_TEST_TMPDIR/in.csv" <<-'EOF'
	import datetime, sys
	t0 = datetime.datetime(2019, 1, 1)
	with open(sys.argv[1], "w") as f:
	    f.write("Date_Time,Sensor_ID,Hourly_Counts\n")
	    for h in range(600):
	        ts = (t0 + datetime.timedelta(hours=h)).strftime("%Y-%m-%dT%H:00:00")
	        for s in range(1, 121):
	            f.write(f"{ts},{s},{h}\n")
	    f.write("2019-01-01T00:00:00,500,7\n2019-01-01T00:00:00,1,9\n")
	EOF
	run -0 --separate-stderr ped-fetch -v --no-header "$BATS_TEST_TMPDIR/in.csv"
	assert_equal "${#lines[@]}" 72001
	assert_equal "${lines[-1]}" $'2019-01-01T00\t500\t\t7'
	assert_stderr --partial 'ped-fetch: 1 hour had 2 conflicting rows (kept the first)'
	assert_stderr --partial 'rows read 72002, kept 72001, duplicate hours 1 (policy first)'
	run -65 --separate-stderr ped-fetch --duplicates last "$BATS_TEST_TMPDIR/in.csv"
	assert_stderr --partial 'in.csv:72003: hour 2019-01-01T00 location 1 repeats after that hour was written (rows too far out of time order)'
	# Out of order from the start: the window widens, every policy is exact.
	{ head -1 "$BATS_TEST_TMPDIR/in.csv"; tail -n +2 "$BATS_TEST_TMPDIR/in.csv" | shuf --random-source=<(yes); } > "$BATS_TEST_TMPDIR/shuf.csv"
	for p in first last max sum; do
		reference "$p" "$BATS_TEST_TMPDIR/shuf.csv" | sort > "$BATS_TEST_TMPDIR/want"
		ped-fetch -q --duplicates "$p" "$BATS_TEST_TMPDIR/shuf.csv" | sort > "$BATS_TEST_TMPDIR/got"
		cmp "$BATS_TEST_TMPDIR/want" "$BATS_TEST_TMPDIR/got"
	done
}

@test "memory is bounded: 25 years of hours, the first key repeated at the end" {
	[ -x /usr/bin/time ] || skip "no /usr/bin/time"
	skip_if_instrumented
	python3 - "$BATS_TEST_TMPDIR/in.csv" <<-'EOF'
	import datetime, sys
	t = datetime.datetime(2000, 1, 1)
	with open(sys.argv[1], "w") as f:
	    f.write("Date_Time,Sensor_ID,Hourly_Counts\n")
	    for i in range(25 * 8766):
	        ts = t.strftime("%Y-%m-%dT%H:00:00")
	        # Sensors come and go: 3 sets of sensor ids.
	        for s in (1, 2, 600) if i % 3000 < 1000 else (1, 3) if i % 3000 < 2000 else (4,):
	            f.write(f"{ts},{s},1\n")
	        t += datetime.timedelta(hours=1)
	    f.write("2000-01-01T00:00:00,1,2\n2000-01-01T00:00:00,600,2\n")
	EOF
	run -0 --separate-stderr /usr/bin/time -f 'rss %M' \
	    sh -c 'ped-fetch -v "$1" > /dev/null' sh "$BATS_TEST_TMPDIR/in.csv"
	# Both late repeats are found (the record of written hours holds
	# runs of hours with the same sensors), in a bounded RSS: ped-fetch
	# itself is about 8 MiB; the per-hour table of old took 36 MiB.
	assert_stderr --partial 'duplicate hours 2 (policy first)'
	local rss=${stderr##*rss }
	[ "$rss" -lt 16384 ] || fail "peak RSS $rss KiB"
}
