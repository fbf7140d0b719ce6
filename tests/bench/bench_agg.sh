#!/usr/bin/env bash
# ped-agg and ped-topn against awk, sqlite3 and (when installed) pandas on
# the same hourly TSV: 5 million rows, about 150 MB, the size of the full
# legacy history.
set -eu
. "$(dirname "$0")/lib.sh"
f="$BENCH_DIR/hourly_5m.tsv"
gen_hourly "$f" 5000000
mb=$(du -m "$f" | cut -f1)
export LC_ALL=C

ped=$(best_of 3 "$PED_BIN/ped-agg" -b day "$f")
echo "ped-agg -b day:  ${ped}s  ($(awk -v m="$mb" -v t="$ped" 'BEGIN { printf "%.0f", m / t }') MB/s)"

awk_t=$(best_of 3 mawk -F'\t' 'NR > 1 { k = substr($1, 1, 10) "\t" $2; s[k] += $4; n[k] = $3 }
    END { for (k in s) print k "\t" n[k] "\t" s[k] }' "$f")
echo "mawk sum by day: ${awk_t}s  -> ped-agg is $(ratio "$awk_t" "$ped")x faster"

if command -v sqlite3 >/dev/null; then
	sq=$(best_of 1 sqlite3 :memory: -cmd '.mode tabs' -cmd ".import $f t" \
	    "select substr(period,1,10), sensor_id, max(sensor_name), sum(count) from t group by 1, 2 order by 1, 2")
	echo "sqlite3 import+group by: ${sq}s  -> ped-agg is $(ratio "$sq" "$ped")x faster"
fi

if /usr/bin/python3 -c 'import pandas' 2>/dev/null; then
	pd=$(best_of 1 /usr/bin/python3 -c 'import pandas as pd, sys
d = pd.read_csv(sys.argv[1], sep="\t")
d["day"] = d.period.str[:10]
d.groupby(["day", "sensor_id"]).agg({"sensor_name": "last", "count": "sum"}).to_csv(sys.stdout, sep="\t")' "$f")
	echo "pandas read_csv+groupby: ${pd}s  -> ped-agg is $(ratio "$pd" "$ped")x faster"
else
	echo "pandas: not installed (apt-get install python3-pandas to compare)"
fi

"$PED_BIN/ped-agg" -b day "$f" >"$BENCH_DIR/daily.tsv"
tn=$(best_of 3 "$PED_BIN/ped-topn" "$BENCH_DIR/daily.tsv")
sorted=$(best_of 3 bash -c 'tail -n +2 "$1" | sort -t"	" -k1,1 -k4,4nr | awk -F"\t" "{ if (\$1 != p) { p = \$1; r = 0 } if (++r <= 10) print }"' _ "$BENCH_DIR/daily.tsv")
echo "ped-topn on $(wc -l <"$BENCH_DIR/daily.tsv") daily rows: ${tn}s; sort+awk top 10 (no ties): ${sorted}s -> $(ratio "$sorted" "$tn")x"
