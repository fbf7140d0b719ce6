#!/bin/sh
# make demo: the pipeline on the bundled sample, then the head of each table.
set -eu
cd "$(dirname "$0")/.."
out=out/demo
sample=data/melbourne_ods_counts_50k_sample.csv.gz
echo "demo: scripts/pipeline.sh -s $sample -o $out --seed"
PED_BIN="$PWD/bin" scripts/pipeline.sh -s "$sample" -o "$out" --seed
for f in "$out"/*.csv; do
	echo
	echo "== $f ($(($(wc -l <"$f") - 1)) rows)"
	head -n 6 "$f" | tr -d '\r'
done
