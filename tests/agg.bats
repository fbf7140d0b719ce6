#!/usr/bin/env bats
# ped-agg: sums by sensor and period.

load helper

setup() {
	cd "$BATS_TEST_TMPDIR"
	tsv 'period|sensor_id|sensor_name|count' \
	    '2021-07-31T23|15|State Library|10' \
	    '2021-08-01T00|15|State Library|20' \
	    '2021-08-01T01|66|State Library - New|5' \
	    '2021-08-02T09|15|State Library|1' \
	    '2022-01-03T00|15|State Library|100' >hours.tsv
}

@test "default is by day, with a header, sorted by period then sensor" {
	run ped-agg hours.tsv
	assert_success
	assert_output "$(tsv 'period|sensor_id|sensor_name|count' \
	    '2021-07-31|15|State Library|10' \
	    '2021-08-01|15|State Library|20' \
	    '2021-08-01|66|State Library - New|5' \
	    '2021-08-02|15|State Library|1' \
	    '2022-01-03|15|State Library|100')"
}

@test "-b hour keeps hours" {
	run ped-agg -b hour --no-header hours.tsv
	assert_success
	assert_line --index 0 "$(tsv '2021-07-31T23|15|State Library|10')"
	assert_equal "${#lines[@]}" 5
}

@test "-b month" {
	run ped-agg -b month --no-header hours.tsv
	assert_output "$(tsv '2021-07|15|State Library|10' \
	    '2021-08|15|State Library|21' '2021-08|66|State Library - New|5' \
	    '2022-01|15|State Library|100')"
}

@test "-b year" {
	run ped-agg --by year --no-header hours.tsv
	assert_output "$(tsv '2021|15|State Library|31' \
	    '2021|66|State Library - New|5' '2022|15|State Library|100')"
}

@test "-b weekday pools all dates, Monday to Sunday" {
	# 2021-07-31 Saturday, 2021-08-01 Sunday, 2021-08-02 and 2022-01-03 Monday
	run ped-agg -b weekday --no-header hours.tsv
	assert_output "$(tsv 'Monday|15|State Library|101' \
	    'Saturday|15|State Library|10' 'Sunday|15|State Library|20' \
	    'Sunday|66|State Library - New|5')"
}

@test "-b monthname pools all years, January to December" {
	run ped-agg -b monthname --no-header hours.tsv
	assert_output "$(tsv 'January|15|State Library|100' \
	    'July|15|State Library|10' 'August|15|State Library|21' \
	    'August|66|State Library - New|5')"
}

@test "input without a header, from stdin and from -" {
	tail -n +2 hours.tsv >nohead.tsv
	run ped-agg <nohead.tsv
	assert_success
	expected=$(ped-agg hours.tsv)
	assert_output "$expected"
	run ped-agg - <nohead.tsv
	assert_output "$expected"
}

@test "several files are one input; header lines anywhere are skipped" {
	head -3 hours.tsv >a.tsv
	{ head -1 hours.tsv; tail -n +4 hours.tsv; } >b.tsv
	run ped-agg a.tsv b.tsv
	assert_output "$(ped-agg hours.tsv)"
	run bash -c 'cat a.tsv b.tsv | ped-agg'
	assert_output "$(ped-agg hours.tsv)"
}

@test "output does not depend on input order" {
	python3 "$TESTS_DIR/ref/pedref.py" gen 7 5000 >g.tsv
	tail -n +2 g.tsv | sort -R >shuffled.tsv
	for by in hour day month year weekday monthname; do
		cmp <(ped-agg -b $by g.tsv | cut -f1,2,4) \
		    <(ped-agg -b $by shuffled.tsv | cut -f1,2,4)
	done
}

@test "time order, then a step back, then the latest period again" {
	# Groups of the latest period are found without a lookup only while
	# its rows come in one run; after a step back they are looked up.
	tsv '2021-08-02T00|1|a|1' '2021-08-02T01|2|b|2' '2021-08-01T00|1|a|4' \
	    '2021-08-02T03|1|a|8' '2021-08-02T04|2|b|16' '2021-08-03T00|2|b|32' \
	    '2021-08-03T01|2|b|64' '2021-08-02T05|2|b|128' >steps.tsv
	run ped-agg --no-header steps.tsv
	assert_output "$(tsv '2021-08-01|1|a|4' '2021-08-02|1|a|9' \
	    '2021-08-02|2|b|146' '2021-08-03|2|b|96')"
	run ped-agg -b hour --no-header steps.tsv
	assert_equal "${#lines[@]}" 8
}

@test "sensor_name is the latest record's, by period then input order" {
	tsv '2021-08-01T05|7|New name|1' '2021-08-01T03|7|Old name|1' \
	    '2021-08-02T00|8|B1|1' '2021-08-02T00|8|B2|1' >names.tsv
	run ped-agg -b month --no-header names.tsv
	assert_output "$(tsv '2021-08|7|New name|2' '2021-08|8|B2|2')"
}

@test "a renamed sensor has its latest name in every period (-b month, -b year)" {
	# Sensor 7 renamed on 2021-02-15: one name for all its rows.
	tsv '2021-01-10T05|7|Old name|1' '2021-01-10T05|8|Eight|2' \
	    '2021-02-14T23|7|Old name|3' '2021-02-15T00|7|New name|4' \
	    '2021-03-01T00|7|New name|5' '2022-01-01T00|8|Eight|6' >ren.tsv
	run ped-agg -b month --no-header ren.tsv
	assert_output "$(tsv '2021-01|7|New name|1' '2021-01|8|Eight|2' \
	    '2021-02|7|New name|7' '2021-03|7|New name|5' '2022-01|8|Eight|6')"
	run ped-agg -b year --no-header ren.tsv
	assert_output "$(tsv '2021|7|New name|13' '2021|8|Eight|2' \
	    '2022|8|Eight|6')"
	# Latest by period, not input order.
	tac ren.tsv >rev.tsv
	run ped-agg -b month --no-header rev.tsv
	assert_output "$(ped-agg -b month --no-header ren.tsv)"
	# ped-topn keeps the names it reads.
	run ped-topn --no-header -n 1 <(ped-agg -b month ren.tsv)
	assert_line --index 0 "$(tsv '2021-01|1|8|Eight|2')"
	assert_line --index 1 "$(tsv '2021-02|1|7|New name|7')"
}

@test "ped-fetch --locations names still win; without, the latest raw name" {
	printf '%s\n' 'ID,Date_Time,Year,Month,Mdate,Day,Time,Sensor_ID,Sensor_Name,Hourly_Counts' \
	    '1,"January 31, 2019 11:00:00 PM",2019,January,31,Thursday,23,34,Old Name,10' \
	    '2,"February 01, 2019 12:00:00 AM",2019,February,1,Friday,0,34,New Name,5' \
	    '3,"February 01, 2019 12:00:00 AM",2019,February,1,Friday,0,39,Alfred Place,7' >ren.csv
	printf '%s\n' 'location_id,sensor_description,sensor_name,installation_date,note,location_type,status,direction_1,direction_2,latitude,longitude,location' \
	    '34,Flinders St-Spark La,FliS_T,2014-01-01,,Outdoor,A,,,-37.8,144.9,x' >loc.csv
	run -0 bash -c 'ped-fetch ren.csv | ped-agg -b month --no-header'
	assert_output "$(tsv '2019-01|34|New Name|10' '2019-02|34|New Name|5' \
	    '2019-02|39|Alfred Place|7')"
	run -0 bash -c 'ped-fetch --locations loc.csv ren.csv | ped-agg -b month --no-header'
	assert_output "$(tsv '2019-01|34|Flinders St-Spark La|10' \
	    '2019-02|34|Flinders St-Spark La|5' '2019-02|39|Alfred Place|7')"
}

@test "renamed mid-month: the parts, aggregated and combined, give the same bytes" {
	# Sensor 3 renamed on 2021-01-16 12:00, the split falls on the 11th.
	awk 'BEGIN { for (d = 1; d <= 31; d++) for (h = 0; h < 24; h++)
	    for (s = 1; s <= 4; s++) {
		n = "Sensor " s
		if (s == 3 && (d > 16 || (d == 16 && h >= 12)))
			n = "Three (new)"
		printf "2021-01-%02dT%02d\t%d\t%s\t%d\n", d, h, s, n, d * h + s
	    }
	    printf "2021-02-01T00\t4\tFour, later\t1\n" }' >m.tsv
	head -n 960 m.tsv >a.tsv
	tail -n +961 m.tsv >b.tsv
	for by in day month year weekday monthname; do
		ped-agg -b $by a.tsv >a.$by
		ped-agg -b $by b.tsv >b.$by
		cmp <(ped-agg -b $by a.$by b.$by) <(ped-agg -b $by m.tsv)
		cmp <(cat a.$by b.$by | ped-agg -b $by) <(ped-agg -b $by m.tsv)
		# One name per sensor id in the output.
		[ "$(ped-agg -b $by m.tsv | tail -n +2 | cut -f2,3 | sort -u | wc -l)" -eq 4 ]
	done
	run ped-agg -b month --no-header a.tsv
	assert_line --index 2 "$(tsv '2021-01|3|Sensor 3|15900')"
	run ped-agg -b month --no-header a.month b.month
	assert_line --index 2 "$(tsv '2021-01|3|Three (new)|139128')"
	run ped-agg -b year --no-header m.tsv
	assert_output "$(tsv '2021|1|Sensor 1|137640' '2021|2|Sensor 2|138384' \
	    '2021|3|Three (new)|139128' '2021|4|Four, later|139873')"
}

@test "large sensor ids group and name like small ones" {
	tsv '2021-08-01T00|9223372036854775807|big|1' '2021-08-01T00|70000|mid|2' \
	    '2021-08-02T00|70000|mid2|3' '2021-08-01T01|9223372036854775807|big|4' \
	    '2021-08-01T00|65535|edge|5' >ids.tsv
	run ped-agg --no-header ids.tsv
	assert_output "$(tsv '2021-08-01|65535|edge|5' '2021-08-01|70000|mid2|2' \
	    '2021-08-01|9223372036854775807|big|5' '2021-08-02|70000|mid2|3')"
}

@test "names with escapes survive, grouped by id not name" {
	tsv '2021-08-01T05|7|a\tb\\c|1' '2021-08-01T06|7|a\tb\\c|2' >esc.tsv
	run ped-agg --no-header esc.tsv
	assert_output "$(tsv '2021-08-01|7|a\tb\\c|3')"
}

@test "re-aggregating coarser gives the same bytes (day->month, hour->day->year, day->weekday)" {
	python3 "$TESTS_DIR/ref/pedref.py" gen 11 8000 >g.tsv
	cmp <(ped-agg -b day g.tsv | ped-agg -b month) <(ped-agg -b month g.tsv)
	cmp <(ped-agg -b hour g.tsv | ped-agg -b day | ped-agg -b year) \
	    <(ped-agg -b year g.tsv)
	cmp <(ped-agg -b day g.tsv | ped-agg -b weekday) <(ped-agg -b weekday g.tsv)
	cmp <(ped-agg -b month g.tsv | ped-agg -b monthname) \
	    <(ped-agg -b monthname g.tsv)
}

@test "split, aggregate the parts, aggregate again: same bytes (combiner)" {
	# Chronological input, the way batch runs split it.
	python3 "$TESTS_DIR/ref/pedref.py" gen 3 9000 | tail -n +2 | sort >g.tsv
	split -l 1000 g.tsv part.
	for by in day month year weekday monthname; do
		for p in part.??; do ped-agg -b $by "$p" >"$p.$by"; done
		cmp <(ped-agg -b $by part.*.$by) <(ped-agg -b $by g.tsv)
		cmp <(cat part.*.$by | ped-agg -b $by) <(ped-agg -b $by g.tsv)
	done
}

@test "matches the independent reference on random input, every period" {
	for seed in 1 2; do
		python3 "$TESTS_DIR/ref/pedref.py" gen $seed 6000 >g.tsv
		for by in hour day month year weekday monthname; do
			cmp <(ped-agg -b $by g.tsv) \
			    <(python3 "$TESTS_DIR/ref/pedref.py" agg $by <g.tsv)
		done
	done
}

@test "a finer or calendar period from a coarser or pooled one is an error" {
	tsv '2021-08-01|7|x|1' >day.tsv
	run -65 --separate-stderr ped-agg -b hour day.tsv
	assert_stderr 'ped-agg: day.tsv:1: cannot aggregate day period "2021-08-01" by hour'
	tsv 'Monday|7|x|1' >wd.tsv
	run -65 --separate-stderr ped-agg -b month wd.tsv
	assert_stderr 'ped-agg: wd.tsv:1: cannot aggregate weekday period "Monday" by month'
	tsv 'July|7|x|1' >mn.tsv
	run -65 --separate-stderr ped-agg -b weekday mn.tsv
	assert_stderr --partial 'cannot aggregate monthname period "July" by weekday'
	tsv '2021-08|7|x|1' >m.tsv
	run -65 --separate-stderr ped-agg -b weekday m.tsv
	assert_stderr --partial 'cannot aggregate month period "2021-08" by weekday'
}

@test "bad input: each row gives exit 65 and FILE:LINE: reason" {
	while IFS='|' read -r row message; do
		{ echo 'period	sensor_id	sensor_name	count'
		  echo '2021-08-01T00	1	ok	1'
		  printf '%b\n' "$row"; } >bad.tsv
		run -65 --separate-stderr ped-agg bad.tsv
		assert_stderr "ped-agg: bad.tsv:3: $message"
		assert_output ''
	done <<'EOF_TABLE'
2021-08-01T00\t1\tx|expected 4 fields, found 3
2021-08-01T00\t1\tx\t1\t2|expected 4 fields, found 5
|expected 4 fields, found 1
2021-13-01T00\t1\tx\t1|bad period "2021-13-01T00"
2021-02-29\t1\tx\t1|bad period "2021-02-29"
2021-08-01T24\t1\tx\t1|bad period "2021-08-01T24"
2021/08/01\t1\tx\t1|bad period "2021/08/01"
2021-08-01 00\t1\tx\t1|bad period "2021-08-01 00"
monday\t1\tx\t1|bad period "monday"
2021-08-01T00\t-1\tx\t1|bad sensor_id "-1"
2021-08-01T00\tabc\tx\t1|bad sensor_id "abc"
2021-08-01T00\t1\tx\t-5|bad count "-5"
2021-08-01T00\t1\tx\tx|bad count "x"
2021-08-01T00\t1\tx\t1.5|bad count "1.5"
2021-08-01T00\t1\tx\t1,234|bad count "1,234"
2021-08-01T00\t1\tx\t 1|bad count " 1"
2021-08-01T00\t1\tx\t9223372036854775808|bad count "9223372036854775808"
2021-08-01T00\t1\ta\\qb\t1|bad escape in sensor_name
2021-08-01T00\t1\tab\\\t1|bad escape in sensor_name
EOF_TABLE
}

@test "empty input, or a header alone, gives the header alone" {
	run -0 ped-agg </dev/null
	assert_output "$(tsv 'period|sensor_id|sensor_name|count')"
	run -0 ped-agg --no-header - <<<"$(tsv 'period|sensor_id|sensor_name|count')"
	assert_output ''
}

@test "leap day is a valid period" {
	tsv '2020-02-29T23|1|x|1' >leap.tsv
	run ped-agg --no-header -b weekday leap.tsv
	assert_output "$(tsv 'Saturday|1|x|1')"
}

@test "count overflow is an error, not a wrap" {
	tsv '2021-08-01T00|1|x|9223372036854775807' \
	    '2021-08-01T01|1|x|1' >big.tsv
	run -65 --separate-stderr ped-agg big.tsv
	assert_stderr 'ped-agg: big.tsv:2: count overflow: sensor 1 sums past 9223372036854775807'
	run -0 ped-agg -b hour --no-header big.tsv
	assert_line --index 0 "$(tsv '2021-08-01T00|1|x|9223372036854775807')"
}

@test "a NUL byte in the input is bad data, shown escaped" {
	printf '2021-08-01T00\t1\tx\000y\t1\n' >nul.tsv
	run -65 --separate-stderr ped-agg nul.tsv
	assert_stderr 'ped-agg: nul.tsv:1: NUL byte in sensor_name "x\0y"'
	printf '2021-08-01T00\t1\tx\t5\0001\n' >nulcount.tsv
	run -65 --separate-stderr ped-agg nulcount.tsv
	assert_stderr 'ped-agg: nulcount.tsv:1: bad count "5\01"'
	printf '2021-08-01T00\000\t1\tx\t1\n' >nulperiod.tsv
	run -65 --separate-stderr ped-agg nulperiod.tsv
	assert_stderr 'ped-agg: nulperiod.tsv:1: bad period "2021-08-01T00\0"'
}

@test "bytes of bad data are escaped: a BOM before the header, CR, escape sequences" {
	{ printf '\357\273\277'; tsv 'period|sensor_id|sensor_name|count' \
	    '2021-08-01T00|1|x|1'; } >bom.tsv
	run -65 --separate-stderr ped-agg bom.tsv
	assert_stderr 'ped-agg: bom.tsv:1: bad period "\xef\xbb\xbfperiod" (a UTF-8 byte order mark)'
	printf '2021-08-01T00\t1\tx\t5\r\r\n' >cr.tsv
	run -65 --separate-stderr ped-agg cr.tsv
	assert_stderr 'ped-agg: cr.tsv:1: bad count "5\r"'
	printf '2021-08-01T00\t1\tx\t5\033[2J\n' >esc.tsv
	run -65 --separate-stderr ped-agg esc.tsv
	assert_stderr 'ped-agg: esc.tsv:1: bad count "5\x1b[2J"'
	printf '\033]0;x\a\t1\tx\t5\n' >osc.tsv
	run -65 --separate-stderr ped-agg -b month osc.tsv
	assert_stderr 'ped-agg: osc.tsv:1: bad period "\x1b]0;x\x07"'
}

@test "a long bad field is quoted in at most 64 bytes" {
	awk 'BEGIN { s = "x"; while (length(s) < 1000000) s = s s
	    printf "2021-08-01T00\t1\tname\t%s\n", s }' >long.tsv
	run -65 --separate-stderr ped-agg long.tsv
	assert_stderr "ped-agg: long.tsv:1: bad count \"$(printf 'x%.0s' {1..64})\"..."
}

@test "a line longer than 16 MiB is bad data; 16 MiB is not" {
	skip_if_instrumented
	# 50 MB of one line: refused once 16 MiB are read, no copy in the message.
	run -65 --separate-stderr bash -c '{ echo "2021-08-01T00	1	a	1"
	    head -c 50000000 /dev/zero | tr "\0" x; echo; } | ped-agg'
	assert_stderr 'ped-agg: <stdin>:2: line longer than 16777216 bytes'
	assert_output ''
	# A name of 16 MiB less the other fields is fine.
	run bash -c '{ printf "2021-08-01T00\t1\t"
	    head -c $((16777216 - 18)) /dev/zero | tr "\0" y; printf "\t7\n"; } |
	    ped-agg --no-header | cut -f4'
	assert_success
	assert_output 7
}

@test "CRLF line ends are accepted" {
	printf '2021-08-01T00\t1\tx\t1\r\n2021-08-01T01\t1\tx\t2\r\n' >crlf.tsv
	run ped-agg --no-header crlf.tsv
	assert_output "$(tsv '2021-08-01|1|x|3')"
}

@test "usage errors exit 64" {
	run -64 --separate-stderr ped-agg -b week hours.tsv
	assert_stderr --partial 'ped-agg: -b: unknown period "week"'
	run -64 --separate-stderr ped-agg --bogus
	assert_stderr --partial "ped-agg: unrecognized option '--bogus'"
	assert_stderr --partial 'usage: ped-agg'
	run -64 --separate-stderr ped-agg -b
	assert_stderr --partial 'usage: ped-agg'
}

@test "--help and --version" {
	run -0 ped-agg --help
	assert_output --partial 'usage: ped-agg [-b hour|day|month|year|weekday|monthname] [--no-header] [file ...]'
	run -0 ped-agg --version
	assert_output --regexp '^ped-agg \(ped\) [0-9]+\.[0-9]+\.[0-9]+$'
}

@test "a missing file is a runtime error, exit 1" {
	run -1 --separate-stderr ped-agg nosuch.tsv
	assert_stderr 'ped-agg: nosuch.tsv: No such file or directory'
}

@test "a full disk is reported, exit 1" {
	run -1 --separate-stderr ped-agg hours.tsv '>/dev/full'
	run -1 --separate-stderr bash -c 'ped-agg hours.tsv >/dev/full'
	assert_stderr 'ped-agg: stdout: No space left on device'
}

@test "a closed pipe ends quietly" {
	python3 "$TESTS_DIR/ref/pedref.py" gen 5 20000 >g.tsv
	run --separate-stderr bash -c 'ped-agg -b hour g.tsv | head -1'
	assert_success
	assert_output "$(tsv 'period|sensor_id|sensor_name|count')"
	assert_stderr ''
}

@test "replaced names are freed: 2 M rows of one sensor, each a new name" {
	skip_if_instrumented
	awk 'BEGIN { for (i = 0; i < 2000000; i++)
	    printf "2021-08-01T%02d\t1\tname number %d of a sensor renamed on every row\t1\n",
	    i % 24, i }' >renamed.tsv
	run --separate-stderr /usr/bin/time -f %M ped-agg -b hour --no-header renamed.tsv
	assert_success
	assert_line --index 23 "$(tsv '2021-08-01T23|1|name number 1999991 of a sensor renamed on every row|83333')"
	# The latest by period (hour 23), not the last row (hour 7).
	# Peak RSS in KiB: the 269 MB of kept names are gone.
	[ "$stderr" -lt 16384 ]
}

@test "memory grows with groups, not rows" {
	skip_if_instrumented
	# 2 million rows, 24 groups, under a 64 MiB address-space limit.
	run bash -c 'ulimit -v 65536; awk "BEGIN { for (i = 0; i < 2000000; i++)
	    printf \"2021-08-01T%02d\t%d\tsensor\t1\n\", i % 24, i % 24 }" |
	    ped-agg -b hour --no-header | wc -l'
	assert_success
	assert_output 24
}
