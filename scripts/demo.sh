#!/bin/sh
# make demo: the pipeline on the bundled sample, then the head of each table.
set -eu
cd "$(dirname "$0")/.."
out=out/demo
sample=data/melbourne_ods_counts_50k_sample.csv.gz
locations=data/melbourne_sensor_locations_2023-09.csv
echo "demo: scripts/pipeline.sh -s $sample -l $locations -o $out --seed --plot"
PED_BIN="$PWD/bin" scripts/pipeline.sh -s "$sample" -l "$locations" -o "$out" \
    --seed --plot
for f in "$out"/*.csv; do
	echo
	echo "== $f ($(($(wc -l <"$f") - 1)) rows)"
	head -n 6 "$f" | tr -d '\r'
done
echo
echo "== charts: $(cd "$out" && echo *.svg)"
echo
echo "== the last month's top 5, as bars (ped-topn --bars):"
bin/ped-fetch -q --locations "$locations" "$sample" | bin/ped-agg -b month |
    bin/ped-topn -n 5 --bars | tail -n 6
