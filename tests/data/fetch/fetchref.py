#!/usr/bin/env python3
"""Independent reference for ped-fetch, for differential tests.

    fetchref.py FILE > tsv

Written from DATASET.md and ped-fetch(1) with the Python standard library
(csv, json, gzip, datetime, zoneinfo); it shares no code with ped-fetch.
Only well-formed input: it stops with a traceback on anything else.
"""
import csv
import datetime
import gzip
import io
import json
import re
import sys
import zoneinfo

MELBOURNE = zoneinfo.ZoneInfo("Australia/Melbourne")
HEADER = "period\tsensor_id\tsensor_name\tcount"


def norm(name):
    return re.sub(r"[^0-9a-z]", "", name.lower())


def parse_datetime(s):
    for fmt in ("%m/%d/%Y %I:%M:%S %p", "%B %d, %Y %I:%M:%S %p"):
        try:
            return datetime.datetime.strptime(s, fmt)
        except ValueError:
            pass
    t = datetime.datetime.fromisoformat(s.replace("Z", "+00:00"))
    if t.tzinfo is not None:
        t = t.astimezone(MELBOURNE)
    return t


def count(s):
    if isinstance(s, int):
        return s
    if "," in s:
        assert re.fullmatch(r"[0-9]{1,3}(,[0-9]{3})+", s), s
        s = s.replace(",", "")
    assert re.fullmatch(r"[0-9]+", s), s
    return int(s)


def convert(rec):
    """rec: dict of normalised name -> value."""
    if "datetime" in rec:
        t = parse_datetime(rec["datetime"])
        sid, name, n = rec["sensorid"], rec.get("sensorname", ""), \
            rec["hourlycounts"]
    elif "sensingdatetimehour" in rec:
        t = parse_datetime(rec["sensingdatetimehour"])
        sid, name, n = rec["locationid"], "", rec["totalofdirections"]
    else:
        d = str(rec["sensingdate"])
        if len(d) > 10:
            t = datetime.datetime.fromisoformat(d.replace("Z", "+00:00"))
            d = t.astimezone(MELBOURNE) if t.tzinfo else t
        else:
            d = datetime.date.fromisoformat(d)
        t = datetime.datetime(d.year, d.month, d.day,
                              int(rec["hourday"]))
        sid, name = rec["locationid"], rec.get("sensorname", "")
        n = rec.get("totalofdirections", rec.get("pedestriancount"))
    name = str(name or "")
    for a, b in (("\\", "\\\\"), ("\t", "\\t"), ("\n", "\\n"),
                 ("\r", "\\r")):
        name = name.replace(a, b)
    return "%04d-%02d-%02dT%02d\t%d\t%s\t%d" % (
        t.year, t.month, t.day, t.hour, int(sid), name, count(n))


def records(data):
    text = data.decode("utf-8-sig")
    if text.lstrip()[:1] in ("[", "{"):
        stripped = text.strip()
        if stripped.startswith("["):
            objs = json.loads(stripped)
        else:
            objs = [json.loads(line) for line in stripped.splitlines()
                    if line.strip()]
        for o in objs:
            yield {norm(k): v for k, v in reversed(list(o.items()))
                   if v is not None}
        return
    first = text.split("\n", 1)[0]
    delim = ";" if first.count(";") > first.count(",") else ","
    rows = csv.reader(io.StringIO(text, newline=""), delimiter=delim)
    header = [norm(h) for h in next(rows)]
    for row in rows:
        if not row:
            continue
        assert len(row) == len(header), row
        yield {h: v for h, v in reversed(list(zip(header, row)))}


def main():
    with open(sys.argv[1], "rb") as f:
        data = f.read()
    if data[:2] == b"\x1f\x8b":
        data = gzip.decompress(data)
    # One row per (hour, sensor_id): the first in input order.
    out, seen = [HEADER], set()
    for r in records(data):
        row = convert(r)
        key = tuple(row.split("\t")[:2])
        if key not in seen:
            seen.add(key)
            out.append(row)
    sys.stdout.write("\n".join(out) + "\n")


main()
