"""pandas reference of tests/bench/bench_duckdb.sh.

    python3 topn_pandas.py export|archive FILE OUTDIR

Top 10 per day and per month of a legacy CSV (rank(method="min"), ties
kept, one name per sensor: its latest over the whole input), written as
OUTDIR/top10_by_day.csv and OUTDIR/top10_by_month.csv.
"""
import sys

import pandas as pd

FORMATS = {
    "export": "%m/%d/%Y %I:%M:%S %p",  # 11/01/2019 05:00:00 PM
    "archive": "%B %d, %Y %I:%M:%S %p",  # November 01, 2019 05:00:00 PM
}


def top(sums, names, out):
    sums = sums.copy()
    sums["rank"] = (sums.groupby("period")["count"]
                    .rank(method="min", ascending=False).astype(int))
    sums = sums[sums["rank"] <= 10].sort_values(["period", "rank", "sensor_id"])
    sums["sensor_name"] = sums["sensor_id"].map(names)
    sums[["period", "rank", "sensor_id", "sensor_name", "count"]].to_csv(
        out, index=False)


def main():
    form, path, outdir = sys.argv[1:]
    raw = pd.read_csv(path, usecols=["Date_Time", "Sensor_ID", "Sensor_Name",
                                     "Hourly_Counts"],
                      dtype={"Sensor_Name": str})
    d = pd.DataFrame({
        "ts": pd.to_datetime(raw["Date_Time"], format=FORMATS[form]),
        "sensor_id": raw["Sensor_ID"],
        "name": raw["Sensor_Name"],
        "count": raw["Hourly_Counts"],
    })
    del raw
    # The latest name: the row with the latest hour, the later row on a tie.
    names = d.sort_values("ts", kind="stable").groupby("sensor_id")["name"].last()
    daily = (d.groupby([d["ts"].dt.normalize().rename("day"), "sensor_id"])
             ["count"].sum().reset_index())
    daily["period"] = daily["day"].dt.strftime("%Y-%m-%d")
    monthly = (daily.groupby([daily["day"].dt.strftime("%Y-%m").rename("period"),
                              "sensor_id"])["count"].sum().reset_index())
    top(daily[["period", "sensor_id", "count"]], names,
        f"{outdir}/top10_by_day.csv")
    top(monthly, names, f"{outdir}/top10_by_month.csv")


if __name__ == "__main__":
    main()
