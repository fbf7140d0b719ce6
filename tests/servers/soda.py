#!/usr/bin/env python3
"""Loopback Socrata SODA emulator for the ped-fetch tests (Python stdlib).

usage: soda.py --data CSV --port-file FILE [--log FILE] [--token T]
               [--throttle N] [--accepted N] [--fail N] [--drop N]
               [--short N] [--latency MIN-MAX] [--rate BYTES_PER_S]
               [--badheader N] [--slow OFFSET:MS] [--gzip] [--cert PEM]
               [--seed S] [--repeat K] [--stale-count K] [--repeat-page N]
               [--error200 N] [--error-message TEXT] [--garbage N]
               [--grow N:K]

Binds 127.0.0.1 port 0 and writes the port to --port-file once listening.
CSV is a legacy SODA export (a leading pandas index column is ignored) with
the fields id,date_time,year,month,mdate,day,time,sensor_id,sensor_name,
hourly_counts. Paths:

  /resource/ID.json   SODA JSON: an array of objects, every value a string
  /resource/ID.csv    SODA CSV: a header, every field double-quoted
  /rows.csv           every row as one CSV (ordered by id), for the bench

Query parameters: $select=count(*) -> [{"count":"N"}]; $limit (default
1000), $offset, $order=:id (rows by id; without it rows come in a
shuffled but fixed order, as the real API does); $where on date_time with
>=, >, <, <= and AND, parentheses ignored. Anything else is a 400.

Faults fire once each, on the Nth request counted from 1 over all paths
(a flag may be repeated): --throttle 429 with Retry-After: 1; --accepted
202 with an empty body; --fail 500; --drop closes the connection in the
middle of the body; --short serves a page one row short; --badheader
serves a CSV page whose header is in upper case. --latency adds a
random delay per request, --rate limits each response's bytes per second.
--slow OFFSET:MS holds the first page request at that $offset for MS
milliseconds, then logs "SEND PATH" before it answers: tests see which
requests came while it was held. --cert PEM (certificate and key in one
file) serves HTTPS. --gzip compresses replies for clients that accept gzip. --repeat K
serves the rows K times over, with new ids (for the bench).
--stale-count K makes the count K rows less than the rows served (a
count gone stale while the pages are fetched). --repeat-page N serves, on
the Nth request, the rows of the page before the one asked for (a server
repeating a page). --error200 N answers the Nth request with a 200 whose
body is {"error": true, "message": TEXT} (--error-message, default
"query timed out").
--grow N:K hides the last K rows from the requests before the Nth (rows
added while a client pages).
--garbage N answers the Nth request with a 200 whose body is cut-off,
broken JSON (or CSV with an open quote).
--token makes every request without "X-App-Token: T" a 403.

The log (--log) gets one line per request:
    METHOD PATH-AND-QUERY where=DECODED-WHERE token=ok|bad|none ae=ACCEPT-ENCODING
so tests can assert what reached the server; the token itself is never
written.
"""

import argparse
import csv
import gzip
import json
import os
import random
import re
import socket
import ssl
import threading
import time
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

FIELDS = ["id", "date_time", "year", "month", "mdate", "day", "time",
          "sensor_id", "sensor_name", "hourly_counts"]

opts = None
rows = []               # (id, date_time, json text, csv line), by id
shuffled = []
selections = {}         # (ordered, $where) -> rows
slow_done = False
lock = threading.Lock()
nrequests = 0
COND = re.compile(r"\s*date_time\s*(>=|<=|>|<)\s*'([^']*)'\s*$", re.I)


class BadQuery(Exception):
    pass


def load(path, repeat):
    with open(path, newline="") as f:
        rd = csv.reader(f)
        head = next(rd)
        skip = 1 if head[0] == "" else 0
        if head[skip:] != FIELDS:
            raise SystemExit("soda.py: %s: unexpected header" % path)
        src = [r[skip:] for r in rd]
    step = max(int(r[0]) for r in src) + 1 if src else 0
    out = []
    for k in range(repeat):
        for r in src:
            r = [str(int(r[0]) + k * step)] + r[1:]
            obj = json.dumps(dict(zip(FIELDS, r)), separators=(",", ":"))
            line = ",".join('"%s"' % v.replace('"', '""') for v in r)
            out.append((int(r[0]), r[1], obj, line + "\n"))
    out.sort(key=lambda t: t[0])
    return out


def parse_where(text):
    conds = []
    text = text.replace("(", " ").replace(")", " ")
    for part in re.split(r"\s+AND\s+", text, flags=re.I):
        m = COND.match(part)
        if not m:
            raise BadQuery("unsupported $where: %s" % text)
        conds.append((m.group(1), m.group(2)))
    return conds


def matches(dt, conds):
    # Floating timestamps compare as text: "2019-11-02T00:00:00.000" >=
    # "2019-11-02T00:00:00" and < "2019-11-02T01:00:00".
    for op, v in conds:
        if op == ">=" and not dt >= v:
            return False
        if op == ">" and not dt > v:
            return False
        if op == "<" and not dt < v:
            return False
        if op == "<=" and not dt <= v:
            return False
    return True


def selection(ordered, where, conds):
    """The rows that match, cached: pages of one query share them."""
    key = (ordered, where)
    with lock:
        sel = selections.get(key)
    if sel is None:
        base = rows if ordered else shuffled
        sel = [r for r in base if matches(r[1], conds)] if conds else base
        with lock:
            selections[key] = sel
    return sel


def number(q, name, default):
    v = q.get(name, [str(default)])[0]
    if not v.isdigit():
        raise BadQuery("bad %s: %s" % (name, v))
    return int(v)


def select(q, kind, repeat_page=False, n=0):
    """The body for a query on /resource/ID.KIND."""
    known = {"$select", "$limit", "$offset", "$order", "$where"}
    for k in q:
        if k not in known:
            raise BadQuery("unsupported parameter %s" % k)
    conds = parse_where(q["$where"][0]) if "$where" in q else []
    order = q.get("$order", [None])[0]
    if order not in (None, ":id"):
        raise BadQuery("unsupported $order: %s" % order)
    sel = selection(order == ":id", q.get("$where", [""])[0], conds)
    if opts.grow and n < opts.grow[0]:
        sel = sel[:max(0, len(sel) - opts.grow[1])]
    if "$select" in q:
        if q["$select"][0].replace(" ", "") != "count(*)":
            raise BadQuery("unsupported $select")
        n = max(0, len(sel) - opts.stale_count)
        if kind == "json":
            return '[{"count":"%d"}]\n' % n
        return '"count"\n"%d"\n' % n
    off = number(q, "$offset", 0)
    lim = number(q, "$limit", 1000)
    if repeat_page:
        off = max(0, off - lim)
    return sel[off:off + lim]


def render(page, kind):
    if kind == "json":
        return "[" + ",\n".join(r[2] for r in page) + "]\n"
    return ",".join('"%s"' % f for f in FIELDS) + "\n" + \
        "".join(r[3] for r in page)


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, fmt, *args):
        pass

    def log_line(self, q):
        tok = self.headers.get("X-App-Token")
        state = "none" if tok is None else \
            "ok" if opts.token is not None and tok == opts.token else "bad"
        where = q.get("$where", ["-"])[0]
        if opts.log:
            with lock, open(opts.log, "a") as f:
                f.write("%s %s where=%s token=%s ae=%s\n" % (
                    self.command, self.path, where, state,
                    self.headers.get("Accept-Encoding", "-")))
        return state

    def reply(self, code, body, ctype, extra=(), cut=False):
        data = body.encode()
        self.send_response(code)
        self.send_header("Content-Type", ctype)
        if opts.gzip and "gzip" in self.headers.get("Accept-Encoding", ""):
            data = gzip.compress(data)
            self.send_header("Content-Encoding", "gzip")
        self.send_header("Content-Length", str(len(data)))
        for k, v in extra:
            self.send_header(k, v)
        self.end_headers()
        if cut:
            self.wfile.write(data[:len(data) // 2])
            self.wfile.flush()
            self.close_connection = True
            self.connection.shutdown(socket.SHUT_RDWR)
            return
        self.send_slowly(data)

    def send_slowly(self, data):
        if not opts.rate:
            self.wfile.write(data)
            return
        step = max(1024, opts.rate // 50)
        start = time.monotonic()
        for i in range(0, len(data), step):
            self.wfile.write(data[i:i + step])
            self.wfile.flush()
            ahead = (i + step) / opts.rate - (time.monotonic() - start)
            if ahead > 0:
                time.sleep(ahead)

    def slowed(self, q):
        global slow_done
        if not opts.slow or q.get("$offset") != [str(opts.slow[0])]:
            return False
        with lock:
            first, slow_done = not slow_done, True
        return first

    def error_json(self, code, msg, extra=()):
        self.reply(code, json.dumps({"error": True, "message": msg}) + "\n",
                   "application/json", extra)

    def do_GET(self):
        global nrequests
        with lock:
            nrequests += 1
            n = nrequests
        url = urllib.parse.urlsplit(self.path)
        q = urllib.parse.parse_qs(url.query, keep_blank_values=True)
        token = self.log_line(q)
        if opts.latency:
            time.sleep(random.uniform(*opts.latency) / 1000.0)
        if self.slowed(q):
            time.sleep(opts.slow[1] / 1000.0)
            if opts.log:
                with lock, open(opts.log, "a") as f:
                    f.write("SEND %s\n" % self.path)
        if opts.token is not None and token != "ok":
            return self.error_json(403, "Invalid app_token specified")
        if n in opts.throttle:
            return self.error_json(429, "Too many requests",
                                   [("Retry-After", "1")])
        if n in opts.accepted:
            return self.reply(202, "", "application/json")
        if n in opts.fail:
            return self.error_json(500, "Internal error")
        if n in opts.garbage:
            bad = '[{"id":"1","date_time":"2019-\x00' \
                if url.path.endswith(".json") else 'id,date_time\n1,"2019'
            return self.reply(200, bad, "application/json")
        if n in opts.error200:
            return self.error_json(200, opts.error_message)
        if url.path == "/rows.csv":
            return self.reply(200, render(rows, "csv"), "text/csv")
        m = re.fullmatch(r"/resource/[a-z0-9]{4}-[a-z0-9]{4}\.(json|csv)",
                         url.path)
        if not m:
            return self.error_json(404, "no such resource")
        kind = m.group(1)
        try:
            sel = select(q, kind, n in opts.repeat_page, n)
        except BadQuery as e:
            return self.error_json(400, str(e))
        if isinstance(sel, list):
            if n in opts.short and sel:
                sel = sel[:-1]
            body = render(sel, kind)
        else:
            body = sel
        ctype = "application/json" if kind == "json" else "text/csv"
        if kind == "csv" and n in opts.badheader:
            body = body.replace('"id"', '"ID"', 1)
        self.reply(200, body, ctype, cut=n in opts.drop)


def slow(s):
    off, _, ms = s.partition(":")
    return (int(off), int(ms))


def latency(s):
    lo, _, hi = s.partition("-")
    return (int(lo), int(hi or lo))


def main():
    global opts, rows, shuffled
    p = argparse.ArgumentParser()
    p.add_argument("--data", required=True)
    p.add_argument("--port-file", required=True)
    p.add_argument("--log")
    p.add_argument("--token")
    for f in ("throttle", "accepted", "fail", "drop", "short", "badheader",
              "repeat-page", "error200", "garbage"):
        p.add_argument("--" + f, type=int, action="append", default=[])
    p.add_argument("--latency", type=latency)
    p.add_argument("--rate", type=int, default=0)
    p.add_argument("--gzip", action="store_true")
    p.add_argument("--slow", type=slow)
    p.add_argument("--grow", type=slow)
    p.add_argument("--cert")
    p.add_argument("--seed", type=int, default=4)
    p.add_argument("--repeat", type=int, default=1)
    p.add_argument("--stale-count", type=int, default=0)
    p.add_argument("--error-message", default="query timed out")
    opts = p.parse_args()
    rows = load(opts.data, opts.repeat)
    shuffled = rows[:]
    random.Random(opts.seed).shuffle(shuffled)
    ThreadingHTTPServer.daemon_threads = True
    srv = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    if opts.cert:
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        ctx.load_cert_chain(opts.cert)
        srv.socket = ctx.wrap_socket(srv.socket, server_side=True)
    with open(opts.port_file + ".tmp", "w") as f:
        f.write("%d\n" % srv.server_address[1])
    os.rename(opts.port_file + ".tmp", opts.port_file)
    try:
        srv.serve_forever()
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    main()
