#!/bin/sh
# Builds the libFuzzer differential target of common/csvread.c with clang
# into build/fuzz/ and runs it for SECONDS (default 60). Not part of
# make test: it needs clang. Seeds: the CSV samples in tests/data/csv/.
set -eu
cd "$(dirname "$0")/../.."
: "${SECONDS_TO_RUN:=${1:-60}}"
out=build/fuzz
mkdir -p "$out/corpus"
clang -std=c11 -g -O1 -Wall -Wextra -Werror -D_POSIX_C_SOURCE=200809L \
    -D_DEFAULT_SOURCE -Icommon -fsanitize=fuzzer,address,undefined \
    -o "$out/fuzz_csvread" tests/fuzz/fuzz_csvread.c common/csvread.c \
    common/xalloc.c common/err.c -lcsv
for f in tests/data/csv/*.csv; do
	# Small seeds: the first lines, after a control byte (delimiter 0).
	{ printf '\000'; head -c 2000 "$f"; } >"$out/corpus/seed_${f##*/}"
done
"$out/fuzz_csvread" -max_total_time="$SECONDS_TO_RUN" -max_len=4096 \
    -artifact_prefix="$out/" \
    -print_final_stats=1 "$out/corpus"
