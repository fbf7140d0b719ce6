#!/usr/bin/env python3
"""Splits a real Opendatasoft counts CSV into --history test sources.

usage: split_history.py COUNTS CUT OVERLAP_FROM ARCHIVE_CSV LIVE_CSV [GAP_FROM GAP_TO]

ARCHIVE_CSV: the rows of COUNTS dated on or before CUT, in the archive's
legacy shape (ID, Date_Time as "November 01, 2019 05:00:00 PM", ...,
Sensor_ID, Sensor_Name, Hourly_Counts), as in the City's 2009-2022 ZIP.
LIVE_CSV: the rows dated on or after OVERLAP_FROM in COUNTS's own shape;
rows on or before CUT (the overlap) get their count raised by 100000, so
a row taken from the wrong source shows. Rows dated GAP_FROM..GAP_TO are
left out of LIVE_CSV (a hole in the history).
"""

import csv
import datetime
import sys


def main():
    counts, cut, over, arch, live = sys.argv[1:6]
    gap = sys.argv[6:8] if len(sys.argv) > 7 else None
    with open(counts, newline="", encoding="utf-8") as f:
        rows = list(csv.reader(f))
    head, rows = rows[0], rows[1:]
    ix = {h: i for i, h in enumerate(head)}
    with open(arch, "w", newline="", encoding="utf-8") as fa, \
         open(live, "w", newline="", encoding="utf-8") as fl:
        a = csv.writer(fa, lineterminator="\r\n")
        lw = csv.writer(fl, lineterminator="\r\n")
        a.writerow(["ID", "Date_Time", "Year", "Month", "Mdate", "Day",
                    "Time", "Sensor_ID", "Sensor_Name", "Hourly_Counts"])
        lw.writerow(head)
        for n, r in enumerate(rows):
            day = r[ix["Sensing_Date"]]
            hour = int(r[ix["HourDay"]])
            if day <= cut:
                t = datetime.datetime.strptime(day, "%Y-%m-%d").replace(
                    hour=hour)
                a.writerow([n + 1, t.strftime("%B %d, %Y %I:%M:%S %p"),
                            t.year, t.strftime("%B"), t.day,
                            t.strftime("%A"), hour, r[ix["Location_ID"]],
                            r[ix["Sensor_Name"]],
                            r[ix["Total_of_Directions"]]])
            if day < over or (gap and gap[0] <= day <= gap[1]):
                continue
            r = list(r)
            if day <= cut:
                c = ix["Total_of_Directions"]
                r[c] = str(int(r[c]) + 100000)
            lw.writerow(r)


if __name__ == "__main__":
    main()
