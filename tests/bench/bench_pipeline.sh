#!/usr/bin/env bash
# The whole job a data engineer would otherwise write in pandas: the
# legacy CSV export (about 200 MB, made by bench_fetch.sh) to the top 10
# sensors of every day, as CSV. ped-fetch | ped-agg | ped-topn against
# pandas (read_csv with a date format, groupby, rank(method='min')), both
# on the same file in the same run. Skips pandas when it is not installed
# (apt-get install python3-pandas).
set -eu
cd "$(dirname "$0")/../.."
. tests/bench/lib.sh
: "${BENCH_DIR:=$PWD/build/bench}" "${PED_BIN:=$PWD/bin}"
csv=$BENCH_DIR/legacy_200mb.csv
[ -s "$csv" ] || MB=200 bash tests/bench/bench_fetch.sh >/dev/null
export LC_ALL=C PATH="$PED_BIN:$PATH"

ped='ped-fetch -q "$1" | ped-agg -b day | ped-topn --csv'
t_ped=$(best_of 3 bash -c "$ped" _ "$csv")
echo "pipeline: ped-fetch | ped-agg -b day | ped-topn --csv: ${t_ped}s"
if ! /usr/bin/python3 -c 'import pandas' 2>/dev/null; then
	echo "pipeline: pandas not installed (apt-get install python3-pandas to compare)"
	exit 0
fi
pandas='import sys, pandas as pd
d = pd.read_csv(sys.argv[1], usecols=["Date_Time", "Sensor_ID", "Sensor_Name", "Hourly_Counts"])
d["day"] = pd.to_datetime(d.Date_Time, format="%m/%d/%Y %I:%M:%S %p").dt.strftime("%Y-%m-%d")
g = d.groupby(["day", "Sensor_ID"], as_index=False).agg(sensor_name=("Sensor_Name", "last"), count=("Hourly_Counts", "sum"))
g["rank"] = g.groupby("day")["count"].rank(method="min", ascending=False).astype(int)
g = g[g["rank"] <= 10].sort_values(["day", "rank", "Sensor_ID"])
g[["day", "rank", "Sensor_ID", "sensor_name", "count"]].to_csv(sys.stdout, index=False)'
# Both must give the same table before their times mean anything.
cmp -s <(bash -c "$ped" _ "$csv" | tr -d '\r' | tail -n +2) \
    <(/usr/bin/python3 -c "$pandas" "$csv" | tail -n +2) ||
    { echo "pipeline: ped and pandas disagree" >&2; exit 1; }
t_pd=$(best_of 1 /usr/bin/python3 -c "$pandas" "$csv")
echo "pipeline: pandas read_csv+groupby+rank: ${t_pd}s -> ped is $(ratio "$t_pd" "$t_ped")x faster"
