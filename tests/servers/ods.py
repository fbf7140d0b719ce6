#!/usr/bin/env python3
"""Loopback Opendatasoft Explore v2.1 emulator for the ped-fetch tests.

usage: ods.py --counts CSV --locations CSV --port-file FILE [--log FILE]

Binds 127.0.0.1 port 0 and writes the port to --port-file. Serves, from
CSV files whose headers are the datasets' field labels:

  /api/explore/v2.1/catalog/datasets/pedestrian-counting-system-monthly-counts-per-hour/exports/csv
  /api/explore/v2.1/catalog/datasets/pedestrian-counting-system-sensor-locations/exports/csv

(also under /api/explore/v2.0/ and /api/v2/ in place of /api/explore/v2.1/)

with the export parameters as Opendatasoft documents them: delimiter
(default ";"), with_bom (default true), use_labels (default false: API
field names in the header), where (sensing_date >= / <= / < / > / =
date'YYYY-MM-DD', joined by "and"), timezone (logged), limit (-1 all).
Anything else is a 400, an unknown dataset a 404. The log gets one line
per request: PATH where=DECODED-WHERE timezone=TZ delimiter=D bom=B, then
apikey=K and lang=L when given.
"""

import argparse
import csv
import io
import re
import threading
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

BASE = "/api/explore/v2.1/catalog/datasets/"
# The same datasets under the older API paths.
BASES = (BASE, "/api/explore/v2.0/catalog/datasets/", "/api/v2/catalog/datasets/")
FIELDS = {  # label -> API field name
    "Total_of_Directions": "pedestriancount",
}
KNOWN = {"delimiter", "with_bom", "use_labels", "where", "timezone",
         "limit", "lang", "select", "order_by", "apikey"}
COND = re.compile(r"\s*(\w+)\s*(>=|<=|=|<|>)\s*date'(\d{4}-\d{2}-\d{2})'\s*",
                  re.I)


def field_name(label):
    return FIELDS.get(label, label.lower())


def load(path):
    with open(path, newline="", encoding="utf-8") as f:
        rows = list(csv.reader(f))
    return rows[0], rows[1:]


def parse_where(where):
    conds = []
    for part in re.split(r"\s+and\s+", where.strip(), flags=re.I):
        m = COND.fullmatch(part)
        if not m:
            raise ValueError(part)
        conds.append((m.group(1).lower(), m.group(2), m.group(3)))
    return conds


OPS = {">=": lambda a, b: a >= b, "<=": lambda a, b: a <= b,
       "=": lambda a, b: a == b, "<": lambda a, b: a < b,
       ">": lambda a, b: a > b}


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def fail(self, code, text):
        body = ('{"error_code": "%d", "message": "%s"}' % (code, text)).encode()
        self.send_response(code)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self):
        url = urllib.parse.urlsplit(self.path)
        q = dict(urllib.parse.parse_qsl(url.query, keep_blank_values=True))
        srv = self.server
        with srv.lock, open(srv.log, "a") as log:
            log.write("%s where=%s timezone=%s delimiter=%s bom=%s%s\n" % (
                url.path, q.get("where", ""), q.get("timezone", ""),
                q.get("delimiter", ""), q.get("with_bom", ""),
                "".join(" %s=%s" % (k, q[k]) for k in ("apikey", "lang")
                        if k in q)))
        base = next((b for b in BASES if url.path.startswith(b)), None)
        if base is None or not url.path.endswith("/exports/csv"):
            return self.fail(404, "unknown endpoint")
        dataset = url.path[len(base):-len("/exports/csv")]
        if dataset not in srv.datasets:
            return self.fail(404, "unknown dataset")
        if set(q) - KNOWN:
            return self.fail(400, "unknown parameter")
        header, rows = srv.datasets[dataset]
        try:
            conds = parse_where(q["where"]) if q.get("where") else []
        except ValueError:
            return self.fail(400, "bad where")
        names = [field_name(h) for h in header]
        for name, _, _ in conds:
            if name not in names:
                return self.fail(400, "unknown field " + name)
        idx = {n: i for i, n in enumerate(names)}
        rows = [r for r in rows
                if all(OPS[op](r[idx[n]], v) for n, op, v in conds)]
        delim = q.get("delimiter", ";")
        out = io.StringIO()
        w = csv.writer(out, delimiter=delim, lineterminator="\r\n")
        w.writerow(header if q.get("use_labels") == "true" else names)
        w.writerows(rows)
        body = out.getvalue().encode("utf-8")
        if q.get("with_bom", "true") != "false":
            body = b"\xef\xbb\xbf" + body
        self.send_response(200)
        self.send_header("Content-Type", "text/csv; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--counts", required=True)
    ap.add_argument("--locations", required=True)
    ap.add_argument("--port-file", required=True)
    ap.add_argument("--log", default="/dev/null")
    a = ap.parse_args()
    srv = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    srv.daemon_threads = True
    srv.lock = threading.Lock()
    srv.log = a.log
    srv.datasets = {
        "pedestrian-counting-system-monthly-counts-per-hour": load(a.counts),
        "pedestrian-counting-system-sensor-locations": load(a.locations),
    }
    with open(a.port_file + ".tmp", "w") as f:
        f.write(str(srv.server_address[1]))
    import os
    os.rename(a.port_file + ".tmp", a.port_file)
    srv.serve_forever()


if __name__ == "__main__":
    main()
