#!/usr/bin/env bats
# ped-pipeline --plot: an SVG chart beside each table, drawn by gnuplot.

load helper

setup() {
	cd "$BATS_TEST_TMPDIR"
	P="$ROOT/scripts/pipeline.sh"
	# Four sensors over three months, names that SVG, CSV and gnuplot
	# treat specially; top 2 by month: Jan 1,2; Feb 1,3; Mar 3,2 (sensor 4
	# never).
	python3 - >g.csv <<'PY'
import csv, sys, datetime
names = {1: 'Bourke St & <Swanston> "North"', 2: 'QVM_T^2{x}@', 3: 'Flinders St, Elizabeth', 4: 'Never Top Lane'}
counts = {(2024, 1): {1: 900, 2: 800, 3: 100, 4: 50}, (2024, 2): {1: 700, 2: 60, 3: 650, 4: 55},
          (2024, 3): {1: 90, 2: 500, 3: 600, 4: 80}}
w = csv.writer(sys.stdout, lineterminator='\n')
w.writerow('ID,Date_Time,Year,Month,Mdate,Day,Time,Sensor_ID,Sensor_Name,Hourly_Counts'.split(','))
i = 1
for (y, m), c in counts.items():
    d = datetime.datetime(y, m, 15, 10)
    for s, n in c.items():
        w.writerow([i, d.strftime('%m/%d/%Y %I:%M:%S %p'), y, d.strftime('%B'), 15, d.strftime('%A'), 10, s, names[s], n])
        i += 1
PY
}

# svg_texts FILE: the text of every <text> element, one a line; fails when
# FILE is not well-formed XML.
svg_texts() {
	python3 -c '
import sys, xml.etree.ElementTree as E
root = E.parse(sys.argv[1]).getroot()
assert root.tag == "{http://www.w3.org/2000/svg}svg", root.tag
for t in root.iter("{http://www.w3.org/2000/svg}text"):
    s = "".join(t.itertext()).strip()
    if s: print(s)' "$1"
}

@test "--plot: an SVG per table, well-formed, with its titles and sensor names" {
	run -0 "$P" -s g.csv -o out -n 2 -p day,month,weekday --plot --quiet
	run ls out
	assert_output "$(printf '%s\n' top2_by_day.csv top2_by_day.svg top2_by_month.csv top2_by_month.svg top2_by_weekday.csv top2_by_weekday.svg)"
	# The month table: every sensor that reached the top 2, over time,
	# then the last month's top 2.
	run -0 svg_texts out/top2_by_month.svg
	assert_line 'Top 2 sensors by month: every month of each sensor that reached the top 2'
	assert_line "Bourke St & <Swanston> 'North'"
	assert_line 'QVM_T^2{x}@'
	assert_line 'Flinders St, Elizabeth'
	assert_line '2024-01'
	assert_line '2024-03'
	assert_line 'Top 2 sensors by month: 2024-03'
	refute_line 'Never Top Lane'
	# The last day's top 2 as bars, with their counts.
	run -0 svg_texts out/top2_by_day.svg
	assert_line 'Top 2 sensors by day: 2024-03-15'
	assert_line 'Flinders St, Elizabeth'
	assert_line 'QVM_T^2{x}@'
	assert_line 600
	assert_line 500
	refute_line "Bourke St & <Swanston> 'North'"
	run -0 svg_texts out/top2_by_weekday.svg
	assert_line 'Top 2 sensors by weekday: Friday'
	# The tables are the same with or without --plot.
	"$P" -s g.csv -o plain -n 2 -p day,month,weekday --quiet
	for f in top2_by_day.csv top2_by_month.csv top2_by_weekday.csv; do cmp "out/$f" "plain/$f"; done
}

@test "a chart renders to PNG" {
	command -v rsvg-convert >/dev/null || fail "rsvg-convert is not installed (make deps: librsvg2-bin)"
	"$P" -s "$ROOT/data/melbourne_ods_counts_50k_sample.csv.gz" -o out --plot --quiet
	for f in top10_by_month top10_by_day; do
		rsvg-convert "out/$f.svg" -o "$f.png"
		run python3 -c '
import struct, sys
b = open(sys.argv[1], "rb").read()
assert b[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
w, h = struct.unpack(">II", b[16:24])
print(w, h)' "$f.png"
		assert_success
		assert_output --regexp '^1100 [0-9]{3,4}$'
	done
	# The trend chart names the sensors of the month table.
	run -0 svg_texts out/top10_by_month.svg
	assert_line "$(sed -n 2p out/top10_by_month.csv | cut -d, -f4)"
}

@test "-n 0 and an empty table chart too" {
	run -0 "$P" -s g.csv -o out -n 0 -p month --plot --quiet
	run -0 svg_texts out/top_all_by_month.svg
	assert_line 'All sensors by month: every month of each sensor that has counts'
	assert_line 'Never Top Lane'
	head -1 g.csv >empty.csv
	run -0 --separate-stderr "$P" -s empty.csv -o out2 -p day,month --plot --quiet
	assert_stderr ''
	run -0 svg_texts out2/top10_by_day.svg
	assert_line 'no data'
	run -0 svg_texts out2/top10_by_month.svg
	assert_line 'no data'
	# One month, every count 0: no gnuplot warning about empty ranges.
	head -2 g.csv | sed 's/,900$/,0/' >zero.csv
	run -0 --separate-stderr "$P" -s zero.csv -o out3 -p day,month --plot --quiet
	assert_stderr ''
	run -0 svg_texts out3/top10_by_month.svg
	assert_line "Bourke St & <Swanston> 'North'"
}

@test "without gnuplot, --plot is an error naming the package; nothing else needs it" {
	mkdir nognu
	for d in /usr/local/bin /usr/bin /bin; do
		for f in "$d"/*; do
			case ${f##*/} in gnuplot*) continue ;; esac
			[ -e "nognu/${f##*/}" ] || ln -s "$f" "nognu/${f##*/}"
		done
	done
	run -1 --separate-stderr env PATH="$PED_BIN:$PWD/nognu" "$P" -s g.csv -o out --plot
	assert_stderr 'ped-pipeline: --plot needs gnuplot, which is not installed (Debian package gnuplot-nox)'
	assert [ ! -e out ]
	run -0 env PATH="$PED_BIN:$PWD/nognu" "$P" -s g.csv -o out --quiet
	assert_file_exists out/top10_by_month.csv
}

@test "a chart that fails publishes nothing: tables and charts are one set" {
	mkdir out fakebin
	echo old >out/top10_by_day.csv
	printf '#!/bin/sh\ncase "$*" in *top10_by_month.svg*) echo "gnuplot: broken" >&2; exit 1;; esac\nexec gnuplot "$@"\n' >fakebin/gnuplot
	sed -i "s|exec gnuplot|exec $(command -v gnuplot)|" fakebin/gnuplot
	chmod +x fakebin/gnuplot
	run -1 --separate-stderr env PATH="$PWD/fakebin:$PATH" "$P" -s g.csv -o out --plot
	assert_stderr --partial 'ped-pipeline: stage gnuplot (top10_by_month.svg) failed (exit 1); nothing written'
	run ls -A out
	assert_output top10_by_day.csv
	run cat out/top10_by_day.csv
	assert_output old
}

@test "a folder named like a chart is in the way" {
	mkdir -p out/top10_by_day.svg
	run -1 --separate-stderr "$P" -s g.csv -o out --plot
	assert_stderr 'ped-pipeline: "out/top10_by_day.svg" is in the way: it is not a file; nothing written'
}
