#!/usr/bin/env bash
# The location that grew most in the last year: yearly totals of LAST
# against the year before, joined by sensor_id. LAST defaults to the
# latest year in the data; name a complete year when that one is partial.
# usage: yearly-growth.sh COUNTS.tsv [LAST]
tab=$(printf '\t')
ped-agg -b year --no-header "$1" >years.tsv
last=${2:-$(cut -f1 years.tsv | sort -u | tail -1)}
prev=$((last - 1))
join -t"$tab" \
    <(awk -F'\t' -v y="$prev" '$1 == y { print $2 "\t" $4 }' years.tsv | sort -t"$tab" -k1,1) \
    <(awk -F'\t' -v y="$last" '$1 == y { print $2 "\t" $3 "\t" $4 }' years.tsv | sort -t"$tab" -k1,1) |
    awk -F'\t' '$2 > 0 { printf "%s\t%s\t%d\t%d\t%.1f%%\n", $1, $3, $2, $4, 100 * ($4 - $2) / $2 }' |
    sort -t"$tab" -k5,5gr | head -1
rm -f years.tsv
