#!/bin/sh
# Our CSV reader (common/csvread.c) against libcsv on about 200 MB of CSV
# shaped like the legacy export; prints
#   csvread: ped N MB/s, libcsv N MB/s (R.Rx)
# BUILD names the build folder holding libped.a (default build), MB the
# size of the generated file, made once into BENCH_DIR (build/bench).
set -eu
cd "$(dirname "$0")/../.."
: "${BUILD:=build}" "${MB:=200}" "${CC:=cc}" "${BENCH_DIR:=build/bench}"
out=$BENCH_DIR
lib=$BUILD/libped.a
mkdir -p "$out"
[ -f "$lib" ] || make -s BUILD="$BUILD" "$lib"
$CC -std=c11 -Wall -Wextra -Werror -Wshadow -Wvla -O2 \
    -D_POSIX_C_SOURCE=200809L -Icommon -o "$out/csvread_bench" \
    tests/bench/csvread_bench.c "$lib" -lcsv
csv=$out/legacy_${MB}mb.csv
if [ ! -s "$csv" ]; then
	"$out/csvread_bench" -g "$MB" >"$csv.tmp"
	mv "$csv.tmp" "$csv"
fi
"$out/csvread_bench" "$csv"
