#!/usr/bin/env bash
# The location that declined most over the lockdown years: yearly totals
# of FROM (before) and TO (after), joined by sensor_id.
# usage: lockdown-decline.sh COUNTS.tsv [FROM [TO]]   (default 2019 2021)
from=${2:-2019} to=${3:-2021} tab=$(printf '\t')
ped-agg -b year --no-header "$1" >years.tsv
join -t"$tab" \
    <(awk -F'\t' -v y="$from" '$1 == y { print $2 "\t" $3 "\t" $4 }' years.tsv | sort -t"$tab" -k1,1) \
    <(awk -F'\t' -v y="$to" '$1 == y { print $2 "\t" $4 }' years.tsv | sort -t"$tab" -k1,1) |
    awk -F'\t' '$3 > 0 { printf "%s\t%s\t%d\t%d\t%.1f%%\n", $1, $2, $3, $4, 100 * ($4 - $3) / $3 }' |
    sort -t"$tab" -k5,5g | head -1
rm -f years.tsv
