#!/usr/bin/env bash
# ped-fetch on about 200 MB of legacy Socrata CSV (the shape of the full
# export) against cat (the I/O floor), a naive mawk converter (splits at
# every comma: no quoting, no checks) and Python's csv module; prints
#   fetch: N MB/s legacy CSV->TSV (cat N MB/s, mawk N MB/s = Rx, python3 csv N MB/s = Rx)
# The CSV comes from tests/bench/csvread_bench.c's generator, shared with
# bench_csvread.sh, in $BENCH_DIR (build/bench). MB sets its size.
set -eu
cd "$(dirname "$0")/../.."
. tests/bench/lib.sh
: "${BENCH_DIR:=$PWD/build/bench}" "${PED_BIN:=$PWD/bin}" "${MB:=200}"
: "${BUILD:=build}" "${CC:=cc}"
export LC_ALL=C
mkdir -p "$BENCH_DIR"
csv=$BENCH_DIR/legacy_${MB}mb.csv
if [ ! -s "$csv" ]; then
	[ -f "$BUILD/libped.a" ] || make -s BUILD="$BUILD" "$BUILD/libped.a"
	$CC -std=c11 -O2 -D_POSIX_C_SOURCE=200809L -Icommon \
	    -o "$BENCH_DIR/csvread_bench" tests/bench/csvread_bench.c \
	    "$BUILD/libped.a" -lcsv
	"$BENCH_DIR/csvread_bench" -g "$MB" >"$csv.tmp"
	mv "$csv.tmp" "$csv"
fi
mb=$(awk -v b="$(wc -c <"$csv")" 'BEGIN { printf "%.1f", b / 1e6 }')
rate() { awk -v m="$1" -v t="$2" 'BEGIN { printf "%.0f", (t > 0 ? m / t : 0) }'; }

# The output must be right before its speed means anything.
"$PED_BIN/ped-fetch" -q "$csv" | head -2 | tail -1 | grep -q '^2019-11-01T00	1	' ||
    { echo "fetch: unexpected output" >&2; exit 1; }

t_ped=$(best_of 3 "$PED_BIN/ped-fetch" -q "$csv")
t_cat=$(best_of 3 cat "$csv")
t_awk=$(best_of 1 mawk -F, 'BEGIN { OFS = "\t"; print "period", "sensor_id", "sensor_name", "count" }
NR > 1 { split($2, d, /[\/ :]/); h = d[4] % 12; if (d[7] == "PM") h += 12
	print d[3] "-" d[1] "-" d[2] "T" sprintf("%02d", h), $8, $9, $10 }' "$csv")
# Python on the first 20 MB only: the whole file would take minutes.
head -c 20000000 "$csv" | sed '$d' >"$BENCH_DIR/legacy_20mb.csv"
t_py=$(best_of 1 python3 -c 'import csv, sys, datetime
r = csv.reader(open(sys.argv[1], newline=""))
w = csv.writer(sys.stdout, delimiter="\t", lineterminator="\n")
next(r)
w.writerow(["period", "sensor_id", "sensor_name", "count"])
for row in r:
    t = datetime.datetime.strptime(row[1], "%m/%d/%Y %I:%M:%S %p")
    w.writerow([t.strftime("%Y-%m-%dT%H"), int(row[7]), row[8], int(row[9])])' \
    "$BENCH_DIR/legacy_20mb.csv")
pymb=$(awk -v b="$(wc -c <"$BENCH_DIR/legacy_20mb.csv")" 'BEGIN { printf "%.1f", b / 1e6 }')

r_ped=$(rate "$mb" "$t_ped")
r_awk=$(rate "$mb" "$t_awk")
r_py=$(rate "$pymb" "$t_py")
echo "fetch: $r_ped MB/s legacy CSV->TSV ($mb MB in ${t_ped}s, best of 3;" \
    "cat $(rate "$mb" "$t_cat") MB/s," \
    "mawk $r_awk MB/s = $(ratio "$r_ped" "$r_awk")x," \
    "python3 csv $r_py MB/s = $(ratio "$r_ped" "$r_py")x)"
