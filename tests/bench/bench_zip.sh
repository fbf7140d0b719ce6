#!/usr/bin/env bash
# ped-fetch reading a ZIP itself (libarchive, streamed) against
# "unzip -p FILE.zip | ped-fetch" on the same legacy-shaped CSV, the
# archive's Date_Time form ("November 01, 2019 05:00:00 PM"); prints
#   zip: ped-fetch FILE.zip N s, unzip -p | ped-fetch N s = Rx (ROWS rows, N MB zipped)
# ROWS sets the size (default 4.5 M rows, the archive's); the files are kept
# in $BENCH_DIR (build/bench).
set -eu
cd "$(dirname "$0")/../.."
. tests/bench/lib.sh
: "${BENCH_DIR:=$PWD/build/bench}" "${PED_BIN:=$PWD/bin}" "${ROWS:=4500000}"
export LC_ALL=C
mkdir -p "$BENCH_DIR"
csv=$BENCH_DIR/archive_${ROWS}.csv
zip=$BENCH_DIR/archive_${ROWS}.zip
if [ ! -s "$zip" ]; then
	# 80 sensors an hour from 2009-05-01, in the archive's columns.
	awk -v rows="$ROWS" 'BEGIN {
		print "ID,Date_Time,Year,Month,Mdate,Day,Time,Sensor_ID,Sensor_Name,Hourly_Counts"
		split("January February March April May June July August September October November December", mn, " ")
		split("31 28 31 30 31 30 31 31 30 31 30 31", dim, " ")
		split("Friday Saturday Sunday Monday Tuesday Wednesday Thursday", wd, " ")
		srand(7); y = 2009; m = 5; d = 1; h = 0; s = 0; w = 1
		for (i = 1; i <= rows; i++) {
			h12 = h % 12; if (h12 == 0) h12 = 12
			printf "%d,\"%s %02d, %d %02d:00:00 %s\",%d,%s,%d,%s,%d,%d,Sensor %d name,%d\n",
			    i, mn[m], d, y, h12, (h < 12 ? "AM" : "PM"), y, mn[m], d,
			    wd[w], h, s + 1, s + 1, int(rand() * 3000)
			if (++s < 80) continue
			s = 0
			if (++h < 24) continue
			h = 0; w = w % 7 + 1
			if (++d <= dim[m] + (m == 2 && y % 4 == 0)) continue
			d = 1
			if (++m <= 12) continue
			m = 1; y++
		}
	}' >"$csv.tmp"
	mv "$csv.tmp" "$csv"
	rm -f "$zip"
	(cd "$BENCH_DIR" && zip -q "$zip.tmp.zip" "${csv##*/}" && mv "$zip.tmp.zip" "$zip")
fi

# The output must be the same both ways before speed means anything.
"$PED_BIN/ped-fetch" -q "$zip" | cksum >"$BENCH_DIR/zip.sum"
unzip -p "$zip" | "$PED_BIN/ped-fetch" -q | cksum >"$BENCH_DIR/unzip.sum"
cmp -s "$BENCH_DIR/zip.sum" "$BENCH_DIR/unzip.sum" ||
    { echo "zip: outputs differ" >&2; exit 1; }

t_zip=$(best_of 3 "$PED_BIN/ped-fetch" -q "$zip")
t_pipe=$(best_of 3 bash -c 'unzip -p "$1" | "$2" -q' _ "$zip" "$PED_BIN/ped-fetch")
mb=$(awk -v b="$(wc -c <"$zip")" 'BEGIN { printf "%.1f", b / 1e6 }')
echo "zip: ped-fetch FILE.zip ${t_zip}s, unzip -p | ped-fetch ${t_pipe}s" \
    "= $(ratio "$t_pipe" "$t_zip")x ($ROWS rows, $mb MB zipped, best of 3)"
