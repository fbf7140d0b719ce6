#!/usr/bin/env bats
# ped-topn: the N largest sensors per period, ranked with SQL RANK().

load helper

setup() {
	cd "$BATS_TEST_TMPDIR"
	# July 2021: a real tie at rank 10 (sensors 15 and 66, 343527 each).
	grep -E '^(period|2021-07)' "$DATA/topn/reinasong_by_month.tsv" >july.tsv
}

@test "top 10 per period keeps both sensors tied at rank 10" {
	run ped-topn july.tsv
	assert_success
	assert_line --index 0 "$(tsv 'period|rank|sensor_id|sensor_name|count')"
	assert_line --index 1 "$(tsv '2021-07|1|41|Flinders La-Swanston St (West)|709195')"
	assert_line --index 10 "$(tsv '2021-07|10|15|State Library|343527')"
	assert_line --index 11 "$(tsv '2021-07|10|66|State Library - New|343527')"
	assert_equal "${#lines[@]}" 12
}

@test "--no-ties keeps exactly N, ties broken by sensor_id" {
	run ped-topn --no-ties july.tsv
	assert_equal "${#lines[@]}" 11
	assert_line --index 10 "$(tsv '2021-07|10|15|State Library|343527')"
	refute_output --partial 'State Library - New'
}

@test "reproduces the published top 10 of every month 2009-2021 (rank min, ties kept)" {
	run ped-topn "$DATA/topn/reinasong_by_month.tsv"
	assert_success
	assert_output "$(cat "$DATA/topn/reinasong_by_month.expected")"
}

@test "reproduces the Athena top 10 by weekday and by month name, in order" {
	for kind in weekday monthname; do
		ped-topn --no-header "$DATA/topn/tomjp90_by_$kind.tsv" |
		    cut -f1,3 >got
		# The published tables list Monday..Sunday / January..December
		# in that order once sorted our way; compare per period.
		for p in $(cut -f1 "$DATA/topn/tomjp90_by_$kind.tsv" | uniq); do
			cmp <(grep "^$p	" got | cut -f2) \
			    <(grep "^$p	" "$DATA/topn/tomjp90_by_$kind.tsv" | cut -f2)
		done
	done
	run ped-topn --no-header "$DATA/topn/tomjp90_by_weekday.tsv"
	assert_line --index 0 --regexp '^Monday	1	'
	assert_line --index 69 --regexp '^Sunday	10	'
}

@test "RANK(): 1, 2, 2, 4" {
	tsv 'Monday|1|a|9' 'Monday|2|b|7' 'Monday|3|c|7' 'Monday|4|d|5' >r.tsv
	run ped-topn --no-header r.tsv
	assert_output "$(tsv 'Monday|1|1|a|9' 'Monday|2|2|b|7' 'Monday|2|3|c|7' \
	    'Monday|4|4|d|5')"
	run ped-topn --no-header -n 2 r.tsv
	assert_output "$(tsv 'Monday|1|1|a|9' 'Monday|2|2|b|7' 'Monday|2|3|c|7')"
	run ped-topn --no-header -n 2 --no-ties r.tsv
	assert_output "$(tsv 'Monday|1|1|a|9' 'Monday|2|2|b|7')"
	run ped-topn --no-header -n 1 r.tsv
	assert_output "$(tsv 'Monday|1|1|a|9')"
}

@test "-n 0 keeps the full ranking" {
	run ped-topn -n 0 --no-header "$DATA/topn/reinasong_by_month.tsv"
	assert_equal "${#lines[@]}" 1471
}

@test "empty input gives the header alone" {
	run -0 ped-topn </dev/null
	assert_output "$(tsv 'period|rank|sensor_id|sensor_name|count')"
	run -0 ped-topn -n 0 --csv </dev/null
	assert_output "$(printf 'period,rank,sensor_id,sensor_name,count\r')"
}

@test "a period with fewer than N sensors outputs what it has" {
	tsv '2021-07-01|1|a|9' '2021-07-02|1|a|1' '2021-07-02|2|b|2' >f.tsv
	run ped-topn --no-header -n 5 f.tsv
	assert_output "$(tsv '2021-07-01|1|1|a|9' '2021-07-02|1|2|b|2' \
	    '2021-07-02|2|1|a|1')"
}

@test "periods in order: chronological, Monday..Sunday, January..December" {
	tsv 'Sunday|1|a|1' 'Monday|1|a|1' 'Friday|1|a|1' >wd.tsv
	run ped-topn --no-header wd.tsv
	assert_output "$(tsv 'Monday|1|1|a|1' 'Friday|1|1|a|1' 'Sunday|1|1|a|1')"
	tsv 'December|1|a|1' 'February|1|a|1' 'January|1|a|1' >mn.tsv
	run ped-topn --no-header mn.tsv
	assert_output "$(tsv 'January|1|1|a|1' 'February|1|1|a|1' 'December|1|1|a|1')"
	tsv '2021-10-01T00|1|a|1' '2021-09-30T23|1|a|1' '2021-10-01T09|1|a|1' >h.tsv
	run ped-topn --no-header h.tsv
	assert_output "$(tsv '2021-09-30T23|1|1|a|1' '2021-10-01T00|1|1|a|1' \
	    '2021-10-01T09|1|1|a|1')"
}

@test "input order does not matter" {
	python3 "$TESTS_DIR/ref/pedref.py" gen 4 6000 | ped-agg -b day >d.tsv
	tail -n +2 d.tsv | sort -R >shuffled.tsv
	tail -n +2 d.tsv | sort -t"$(printf '\t')" -k4,4n >ascending.tsv
	for n in 0 1 3 10; do
		cmp <(ped-topn -n $n d.tsv) <(ped-topn -n $n shuffled.tsv)
		cmp <(ped-topn -n $n d.tsv) <(ped-topn -n $n ascending.tsv)
		cmp <(ped-topn -n $n --no-ties d.tsv) \
		    <(ped-topn -n $n --no-ties ascending.tsv)
	done
}

@test "matches the independent reference, with and without ties" {
	for by in day month weekday monthname; do
		python3 "$TESTS_DIR/ref/pedref.py" gen 9 6000 | ped-agg -b $by >a.tsv
		for n in 0 1 2 5 10; do
			cmp <(ped-topn -n $n a.tsv) \
			    <(python3 "$TESTS_DIR/ref/pedref.py" topn $n <a.tsv)
			cmp <(ped-topn -n $n --no-ties a.tsv) \
			    <(python3 "$TESTS_DIR/ref/pedref.py" topn $n --no-ties <a.tsv)
		done
	done
}

@test "--csv: RFC 4180, header row, CRLF, names quoted when needed" {
	tsv '2021-07|1|Plain|5' '2021-07|2|Comma, here|4' \
	    '2021-07|3|Say "hi"|3' '2021-07|4|tab\there|2' >c.tsv
	run ped-topn --csv c.tsv
	assert_success
	assert_output "$(printf '%s\r\n' 'period,rank,sensor_id,sensor_name,count' \
	    '2021-07,1,1,Plain,5' '2021-07,2,2,"Comma, here",4' \
	    '2021-07,3,3,"Say ""hi""",3' "2021-07,4,4,tab	here,2")"
	run ped-topn --csv --no-header c.tsv
	assert_line --index 0 "$(printf '2021-07,1,1,Plain,5\r')"
}

@test "--csv output parses back to the same fields with Python's csv module" {
	tsv '2021-07|1|a,b|5' '2021-07|2|q"q|4' '2021-07|3|x\ny|3' '2021-07|4||1' >c.tsv
	ped-topn --csv c.tsv >out.csv
	run python3 -c 'import csv,sys
for r in csv.reader(open("out.csv", newline="")): print("|".join(r))'
	assert_output "$(printf '%s\n' 'period|rank|sensor_id|sensor_name|count' \
	    '2021-07|1|1|a,b|5' '2021-07|2|2|q"q|4' '2021-07|3|3|x' 'y|3' \
	    '2021-07|4|4||1')"
}

@test "a sensor twice in one period is an error (input must be aggregated)" {
	tsv '2021-07|1|a|5' '2021-07|1|a|6' >dup.tsv
	run -65 --separate-stderr ped-topn dup.tsv
	assert_stderr 'ped-topn: dup.tsv:2: sensor 1 appears twice in period "2021-07" (aggregate with ped-agg first)'
	run -65 --separate-stderr ped-topn -n 0 dup.tsv
	assert_stderr --partial 'dup.tsv:2: sensor 1 appears twice'
}

@test "a sensor twice in a period is found whatever -n is" {
	# The repeat is not among the rows kept: -n 1 keeps sensor 2 alone.
	tsv '2021-07|1|a|5' '2021-07|2|b|9' '2021-07|1|a|1' >dup.tsv
	for n in 0 1 2 3; do
		run -65 --separate-stderr ped-topn -n $n dup.tsv
		assert_stderr 'ped-topn: dup.tsv:3: sensor 1 appears twice in period "2021-07" (aggregate with ped-agg first)'
		run -65 --separate-stderr ped-topn -n $n --no-ties dup.tsv
		assert_stderr --partial 'dup.tsv:3: sensor 1 appears twice'
	done
	# Past the rows a keeper scans, and after rows were dropped.
	for s in $(seq 1 40); do tsv "2021-07-01|$s|s$s|$s"; done >many.tsv
	tsv '2021-07-01|3|s3|0' >>many.tsv
	for n in 0 1 5 39; do
		run -65 --separate-stderr ped-topn -n $n many.tsv
		assert_stderr 'ped-topn: many.tsv:41: sensor 3 appears twice in period "2021-07-01" (aggregate with ped-agg first)'
	done
	# Large ids too (past the per-period bitmap), mixed with small ones.
	for s in $(seq 1 30); do tsv "2021-07-01|$((s * 997))|s$s|$s"; done >big.tsv
	tsv '2021-07-01|1|one|0' '2021-07-01|5982|s6|0' >>big.tsv
	for n in 0 1 5 30; do
		run -65 --separate-stderr ped-topn -n $n big.tsv
		assert_stderr --partial 'big.tsv:32: sensor 5982 appears twice'
	done
	# The same sensor in other periods is fine.
	for p in 01 02 03; do tsv "2021-07-$p|3|s3|1"; done >ok.tsv
	run -0 ped-topn -n 1 --no-header ok.tsv
	assert_equal "${#lines[@]}" 3
}

@test "a million one-row periods stay small" {
	skip_if_instrumented
	python3 -c 'import datetime, sys
d, one = datetime.date(1000, 1, 1), datetime.timedelta(days=1)
w = sys.stdout.write
for i in range(1000000):
    w("%s\t%d\tsensor %d\t%d\n" % (d.isoformat(), i % 97, i % 97, i)); d += one' >one.tsv
	run --separate-stderr /usr/bin/time -f %M ped-topn -n 10 one.tsv
	assert_success
	assert_equal "${#lines[@]}" 1000001
	# Peak RSS in KiB (669 MB before keepers started small).
	[ "$stderr" -lt 163840 ]
}

@test "bytes of bad data are escaped in messages" {
	{ printf '\357\273\277'; tsv 'period|sensor_id|sensor_name|count'; } >bom.tsv
	run -65 --separate-stderr ped-topn bom.tsv
	assert_stderr 'ped-topn: bom.tsv:1: bad period "\xef\xbb\xbfperiod" (a UTF-8 byte order mark)'
	printf '2021-07\t1\tx\t5\r\r\n' >cr.tsv
	run -65 --separate-stderr ped-topn cr.tsv
	assert_stderr 'ped-topn: cr.tsv:1: bad count "5\r"'
	printf '2021-07\t1\tx\t5\0009\n' >nul.tsv
	run -65 --separate-stderr ped-topn nul.tsv
	assert_stderr 'ped-topn: nul.tsv:1: bad count "5\09"'
	printf '2021-07\t1\tx\t1\n2021-07\t1\tx\t2\n' >dup.tsv
	printf '\033[31m\t1\tx\t1\n' >esc.tsv
	run -65 --separate-stderr ped-topn esc.tsv
	assert_stderr 'ped-topn: esc.tsv:1: bad period "\x1b[31m"'
}

@test "bad input: exit 65 with FILE:LINE: reason" {
	while IFS='|' read -r row message; do
		printf '%b\n' '2021-07\t1\tok\t1' "$row" >bad.tsv
		run -65 --separate-stderr ped-topn bad.tsv
		assert_stderr "ped-topn: bad.tsv:2: $message"
	done <<'EOF_TABLE'
2021-07\t2\tx|expected 4 fields, found 3
2021-07\t2\tx\t1\t1|expected 4 fields, found 5
2021-7\t2\tx\t1|bad period "2021-7"
Mon\t2\tx\t1|bad period "Mon"
2021-07\tx\tx\t1|bad sensor_id "x"
2021-07\t2\tx\t-1|bad count "-1"
2021-07\t2\tx\t12a|bad count "12a"
2021-07\t2\tx\t99999999999999999999|bad count "99999999999999999999"
EOF_TABLE
	run -65 --separate-stderr ped-topn - <<<"bad"
	assert_stderr 'ped-topn: <stdin>:1: expected 4 fields, found 1'
}

@test "usage errors exit 64" {
	for n in x -1 1.5 ''; do
		run -64 --separate-stderr ped-topn -n "$n" july.tsv
		assert_stderr --partial "ped-topn: -n: invalid count \"$n\""
	done
	run -64 --separate-stderr ped-topn --ties
	assert_stderr --partial 'usage: ped-topn'
}

@test "--help and --version" {
	run -0 ped-topn --help
	assert_line --index 0 'usage: ped-topn [-n N] [--no-ties] [--csv | --bars] [--no-header] [file ...]'
	assert_output --partial '--bars'
	run -0 ped-topn --version
	assert_output --regexp '^ped-topn \(ped\) [0-9.]+$'
}

@test "I/O errors exit 1" {
	run -1 --separate-stderr ped-topn nosuch.tsv
	assert_stderr 'ped-topn: nosuch.tsv: No such file or directory'
	run -1 --separate-stderr bash -c 'ped-topn july.tsv >/dev/full'
	assert_stderr 'ped-topn: stdout: No space left on device'
	run -1 --separate-stderr bash -c 'ped-topn --csv july.tsv >/dev/full'
	assert_stderr 'ped-topn: stdout: No space left on device'
}

@test "a closed pipe ends quietly" {
	run --separate-stderr bash -c "ped-topn -n 0 '$DATA/topn/reinasong_by_month.tsv' | head -1"
	assert_success
	assert_stderr ''
}

@test "ped-agg | ped-topn end to end, by day and by month" {
	python3 "$TESTS_DIR/ref/pedref.py" gen 21 4000 >g.tsv
	for by in day month; do
		cmp <(ped-agg -b $by g.tsv | ped-topn) \
		    <(python3 "$TESTS_DIR/ref/pedref.py" agg $by <g.tsv |
		      python3 "$TESTS_DIR/ref/pedref.py" topn 10)
	done
}

# bars_input: a small ranking with a tie, a long name, non-ASCII names.
bars_input() {
	tsv 'period|sensor_id|sensor_name|count' \
	    '2021-07|1|Bourke Street Mall (North)|800' \
	    '2021-07|2|Princes Bridge|403' '2021-07|3|Southbank|403' \
	    '2021-07|4|A very long sensor name that will not fit at all|97' \
	    '2021-07|5|QVM|1' \
	    '2021-08|1|Bourke Street Mall (North)|10' '2021-08|6|Café Σ|7'
}

@test "--bars: UTF-8 blocks in eighths, scaled to COLUMNS, rank, name, count" {
	bars_input >b.tsv
	LC_ALL=C.UTF-8 COLUMNS=60 run -0 ped-topn --bars -n 4 b.tsv
	assert_output "2021-07
1 Bourke Street Mall (North)      ██████████████████████ 800
2 Princes Bridge                  ███████████▏ 403
2 Southbank                       ███████████▏ 403
4 A very long sensor name that w… ██▋ 97

2021-08
1 Bourke Street Mall (North) ████████████████████████████ 10
2 Café Σ                     ███████████████████▋ 7"
	# LANG decides when LC_ALL and LC_CTYPE are unset.
	run -0 env -u LC_ALL -u LC_CTYPE LANG=en_AU.utf8 COLUMNS=60 \
	    ped-topn --bars -n 4 b.tsv
	assert_line --index 2 '2 Princes Bridge                  ███████████▏ 403'
}

@test "--bars: ASCII when the locale is not UTF-8" {
	bars_input >b.tsv
	LC_ALL=C COLUMNS=60 run -0 ped-topn --bars -n 4 b.tsv
	assert_output "2021-07
1 Bourke Street Mall (North)      ###################### 800
2 Princes Bridge                  ########### 403
2 Southbank                       ########### 403
4 A very long sensor name that... ### 97

2021-08
1 Bourke Street Mall (North) ############################ 10
2 Caf? ?                     #################### 7"
	run -0 env -u LC_ALL LC_CTYPE=POSIX LANG=en_AU.UTF-8 COLUMNS=60 \
	    ped-topn --bars b.tsv
	refute_output --partial '█'
	# Without COLUMNS and without a terminal: 80 columns.
	run -0 env -u COLUMNS ped-topn --bars b.tsv
	assert_line --index 1 --regexp '^1 Bourke Street Mall \(North\) +#+ 800$'
	[ "${#lines[1]}" -eq 80 ]
}

@test "--bars: the terminal's width when COLUMNS is unset, piped or not" {
	command -v script >/dev/null || skip "no script(1)"
	bars_input >b.tsv
	for pipe in '' '| cat'; do
		env -u COLUMNS script -qec "stty cols 50; ped-topn --bars b.tsv $pipe" \
		    /dev/null | tr -d '\r' >out
		run sed -n 2p out
		assert_output '1 Bourke Street Mall (No... ################## 800'
		[ "${#output}" -eq 50 ]
	done
}

@test "--bars: no line is wider than COLUMNS, in display columns" {
	bars_input >b.tsv
	tsv '2021-09|7|東京 Station ﾃｽﾄ|5' '2021-09|8|Zero̸ width|9' \
	    '2021-09|9|x|2147483647' >>b.tsv
	for cols in 20 33 40 60 61 80 132; do
		for loc in C.UTF-8 C; do
			LC_ALL=$loc COLUMNS=$cols ped-topn --bars -n 0 b.tsv >out
			python3 -c '
import sys, unicodedata
def width(s):
    return sum(0 if unicodedata.combining(c) else
               2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in s)
cols = int(sys.argv[1])
for line in open("out", encoding="utf-8"):
    w = width(line.rstrip("\n"))
    assert w <= cols, (cols, w, line)
' "$cols"
		done
	done
	# The top bar takes the whole width.
	LC_ALL=C.UTF-8 COLUMNS=61 ped-topn --bars b.tsv | sed -n 2p >top
	run python3 -c 'import sys; print(len(open("top", encoding="utf-8").read()) - 1)'
	assert_output 61
	run grep -c '█ 800$' top
	assert_output 1
}

@test "--bars: names are shown safe, read through a pager" {
	printf '2021-07\t1\ta\\tb\033[2J\t5\n' >ctl.tsv
	printf '2021-07\t2\tbad \377 utf8\t3\n' >>ctl.tsv
	LC_ALL=C.UTF-8 COLUMNS=40 run -0 ped-topn --bars ctl.tsv
	assert_line --index 1 '1 a�b�[2J    █████████████████████████ 5'
	assert_line --index 2 '2 bad � utf8 ███████████████ 3'
	LC_ALL=C COLUMNS=40 run -0 bash -c 'ped-topn --bars ctl.tsv | less -FX'
	assert_line --index 1 '1 a?b?[2J    ######################### 5'
	assert_line --index 2 '2 bad ? utf8 ############### 3'
}

@test "--bars excludes --csv; --no-header changes nothing" {
	run -64 --separate-stderr ped-topn --bars --csv july.tsv
	assert_stderr 'ped-topn: --bars and --csv exclude each other'
	cmp <(COLUMNS=50 ped-topn --bars july.tsv) \
	    <(COLUMNS=50 ped-topn --bars --no-header july.tsv)
	run -0 ped-topn --bars /dev/null
	assert_output ''
}
