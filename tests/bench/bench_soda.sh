#!/usr/bin/env bash
# ped-fetch --soda against the loopback SODA emulator with 50 ms latency per
# request and 1 MB/s per connection (the live portal throttles per
# connection): pages of 300 rows with --jobs 1 and --jobs 6, and the same
# rows as one CSV download (/rows.csv) under the same limits.
# Targets (issue 4): jobs6/jobs1 >= 5x, jobs6 vs the CSV >= 0.8x.
set -eu
. "$(dirname "$0")/lib.sh"
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
REPEAT=${SODA_BENCH_REPEAT:-3}		# x 5000 rows
dir=$(mktemp -d "$BENCH_DIR/soda.XXXXXX")
unset http_proxy https_proxy HTTP_PROXY HTTPS_PROXY all_proxy ALL_PROXY
export NO_PROXY='*'

python3 "$ROOT/tests/servers/soda.py" \
    --data "$ROOT/tests/data/soda/ch3t_soda_5000rows_2019-11.csv" \
    --port-file "$dir/port" --latency 50-50 --rate 1000000 \
    --repeat "$REPEAT" </dev/null >/dev/null 2>"$dir/err" &
pid=$!
trap 'kill $pid 2>/dev/null || true; wait $pid 2>/dev/null || true; rm -rf "$dir"' EXIT
for ((i = 0; i < 100; i++)); do
	[ -s "$dir/port" ] && break
	sleep 0.1
done
url="http://127.0.0.1:$(<"$dir/port")"
rows=$((REPEAT * 5000))

# Same rows both ways, or the timings mean nothing.
"$PED_BIN/ped-fetch" -q --soda "$url/resource/b2ak-trbp.json" \
    --page-size 300 --jobs 6 >"$dir/soda.tsv"
"$PED_BIN/ped-fetch" -q "$url/rows.csv" >"$dir/csv.tsv"
cmp -s "$dir/soda.tsv" "$dir/csv.tsv" || { echo "soda and csv differ"; exit 1; }

j1=$(best_of 1 "$PED_BIN/ped-fetch" -q --soda "$url/resource/b2ak-trbp.json" \
    --page-size 300 --jobs 1)
j6=$(best_of 2 "$PED_BIN/ped-fetch" -q --soda "$url/resource/b2ak-trbp.json" \
    --page-size 300 --jobs 6)
csv=$(best_of 2 "$PED_BIN/ped-fetch" -q "$url/rows.csv")
rate() {
	awk -v r="$rows" -v t="$1" 'BEGIN { printf "%.0f", (t > 0 ? r / t : 0) }'
}
echo "$rows rows, pages of 300, 50 ms latency, 1 MB/s per connection"
echo "soda json --jobs 1: ${j1}s ($(rate "$j1") rows/s)"
echo "soda json --jobs 6: ${j6}s ($(rate "$j6") rows/s)"
echo "one csv (rows.csv): ${csv}s ($(rate "$csv") rows/s)"
echo "jobs6/jobs1: $(ratio "$j1" "$j6")x (target >= 5)"
echo "jobs6 vs csv: $(ratio "$csv" "$j6")x (target >= 0.8)"
