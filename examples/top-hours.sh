#!/usr/bin/env bash
# Busiest hours of the day, all sensors and dates pooled: hour, total.
# usage: top-hours.sh COUNTS.tsv
ped-agg -b hour "$1" |
    awk -F'\t' 'NR > 1 { h[substr($1, 12)] += $4 }
        END { for (k in h) print k "\t" h[k] }' |
    sort -t"$(printf '\t')" -k2,2nr -k1,1 | head -5
