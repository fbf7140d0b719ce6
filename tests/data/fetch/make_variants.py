#!/usr/bin/env python3
"""Writes the re-shaped fixtures of tests/fetch.bats from the real samples.

    cd tests/data/fetch && python3 make_variants.py

Each variant holds the same records as a real sample in another published
shape (DATASET.md 1.2, 1.3, 2.1-2.3), so ped-fetch must give the same TSV
for all of them. Run once; the outputs are committed.
"""
import datetime
import gzip
import json

MONTHS = ["January", "February", "March", "April", "May", "June", "July",
          "August", "September", "October", "November", "December"]
N = 200


def socrata_records():
    with open("bonatoc_test_stats.json") as f:
        return json.load(f)[:N]


def shape_a(iso):     # 11/01/2019 05:00:00 PM
    t = datetime.datetime.fromisoformat(iso[:19])
    return t.strftime("%m/%d/%Y %I:%M:%S %p")


def shape_b(iso):     # November 01, 2019 05:00:00 PM
    t = datetime.datetime.fromisoformat(iso[:19])
    return "%s %02d, %d %s" % (MONTHS[t.month - 1], t.day, t.year,
                               t.strftime("%I:%M:%S %p"))


def excel(n):
    return "{:,}".format(int(n))


COLS = ["id", "date_time", "year", "month", "mdate", "day", "time",
        "sensor_id", "sensor_name", "hourly_counts"]
LEGACY = ("ID,Date_Time,Year,Month,Mdate,Day,Time,Sensor_ID,Sensor_Name,"
          "Hourly_Counts")


def legacy_row(r, date, count, delim=",", quote_date=False):
    v = [r[c] for c in COLS]
    v[1] = '"%s"' % date if quote_date else date
    v[9] = count
    return delim.join(v)


def write(name, text, mode="w"):
    with open(name, mode, newline="") as f:
        f.write(text)


def socrata_variants():
    recs = socrata_records()
    write("legacy_export.csv", "\n".join(
        [LEGACY] + [legacy_row(r, shape_a(r["date_time"]), r["hourly_counts"])
                    for r in recs]) + "\n")
    # The archive re-published on ODS: CRLF, no final newline.
    write("legacy_archive.csv", "\r\n".join(
        [LEGACY] + [legacy_row(r, shape_b(r["date_time"]), r["hourly_counts"],
                               quote_date=True) for r in recs]))
    # "CSV for Excel": BOM, thousands separators (quoted), CRLF.
    write("legacy_excel.csv", "\ufeff" + "\r\n".join(
        [LEGACY] + [legacy_row(r, shape_a(r["date_time"]),
                               '"%s"' % excel(r["hourly_counts"]))
                    for r in recs]) + "\r\n")
    write("legacy_semicolon.csv", "\n".join(
        [LEGACY.replace(",", ";")] +
        [legacy_row(r, shape_b(r["date_time"]), r["hourly_counts"], ";")
         for r in recs]) + "\n")
    write("soda.csv", "\n".join(
        [",".join('"%s"' % c for c in COLS)] +
        [",".join('"%s"' % r[c] for c in COLS) for r in recs]) + "\n")


def ods_records():
    with gzip.open("exploreMel_ods_counts_per_hour_50k_sample.csv.gz",
                   "rt") as f:
        lines = f.read().split("\n")[1:N + 1]
    out = []
    for line in lines:
        head, loc = line.split(',"')
        i, lid, date, hour, d1, d2, tot, name = head.split(",")
        lat, lon = loc.rstrip('"').split(", ")
        out.append(dict(id=int(i), location_id=int(lid), sensing_date=date,
                        hourday=int(hour), direction_1=int(d1),
                        direction_2=int(d2), pedestriancount=int(tot),
                        sensor_name=name,
                        location=dict(lon=float(lon), lat=float(lat))))
    return out


def ods_variants():
    recs = ods_records()
    js = []
    for k, r in enumerate(recs):
        r = dict(r)
        if k % 2:     # the JSON export's meaningless midnight UTC
            r["sensing_date"] += "T00:00:00+00:00"
        js.append(r)
    write("ods_api.json", json.dumps(js, indent=4) + "\n")
    write("ods_api.jsonl", "".join(json.dumps(r) + "\n" for r in js))
    names = ["id", "location_id", "sensing_date", "hourday", "direction_1",
             "direction_2", "pedestriancount", "sensor_name", "location"]
    rows = [";".join(names)]
    for r in recs:
        v = [str(r[c]) for c in names[:-1]]
        v.append("%s, %s" % (r["location"]["lat"], r["location"]["lon"]))
        rows.append(";".join(v))
    write("ods_api_semicolon.csv", "\ufeff" + "\n".join(rows) + "\n")


def ods2023_variants():
    with open("alysiayx_ods_2023-09-18_hourly_subset.csv") as f:
        lines = f.read().split("\n")
    keep = [lines[0]] + lines[1:101] + lines[1500:2100]
    write("ods2023_offsets.csv", "\n".join(keep) + "\n")
    out = [keep[0]]
    for k, line in enumerate(keep[1:]):
        ts, rest = line.split(",", 1)
        t = datetime.datetime.fromisoformat(ts).astimezone(
            datetime.timezone.utc)
        z = t.strftime("%Y-%m-%dT%H:%M:%S") + ("Z" if k % 2 else "+00:00")
        out.append(z + "," + rest)
    write("ods2023_utc.csv", "\n".join(out) + "\n")


socrata_variants()
ods_variants()
ods2023_variants()
