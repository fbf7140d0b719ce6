#!/usr/bin/env python3
"""Loopback HTTP(S) server for the ped-fetch tests (Python stdlib only).

usage: httpd.py ROOT PORTFILE LOGFILE [CERT KEY]

Binds 127.0.0.1 port 0, writes the port to PORTFILE once listening, and
appends one line per request to LOGFILE:
    METHOD PATH range=RANGE if-range=IF_RANGE ua=USER_AGENT host=HOST token=yes|no
(token: whether an X-App-Token header came; the token itself is never logged)
With CERT and KEY it speaks HTTPS. Files come from ROOT. Paths:

  /plain/F            F with Content-Length, ETag, Last-Modified and
                      Accept-Ranges; honours Range and If-Range
  /gzip/F             F gzipped (Content-Encoding: gzip)
  /gzip-garbage/F     likewise, with bytes after the gzip member
  /gzip-corrupt/F     likewise, with bytes 12..19 of the member overwritten
  /chunked/F          F in chunks (Transfer-Encoding: chunked)
  /weak/F             like /plain but with a weak ETag only
  /redirect/N/F       N 302 hops, then /plain/F
  /goto/HOST:PORT/REST  a 302 to http://HOST:PORT/REST, the query kept
  /resource/F         like /plain (a Socrata API path)
  /status/CODE        an empty reply with that status
  /flaky/ID/K/CODE/F  CODE for the first K requests of this path, then F;
                      ?ra=SECS adds Retry-After, ?ra=date an HTTP-date
  /cut/ID/N/F         every reply (full or ranged) is cut after N bytes
  /cutonce/ID/N/F     the first reply is cut after N bytes
  /cut-norange/N/F    cut after N bytes, no Accept-Ranges
  /cut-gzip/N/F       gzipped, cut after N bytes
  /cut-changed/N/F    cut after N bytes; a range request gets a 200 with
                      a new ETag, as if the file had changed
  /cutweak/ID/N/F     the first reply is cut after N bytes; the ETag is
                      weak, so only Last-Modified may be used in If-Range
  /cut-early/ID/F     the first request is closed before any header
  /eof/N/F            F without Content-Length or chunks, the end of the
                      body marked by closing the connection, after N bytes
                      (all of F when N is 0)
  /eof-gzip/N/F       likewise, gzipped (Content-Encoding: gzip)
  /slow/MS/F          F in 16 pieces spread over about MS milliseconds
  /stall              accepts and never answers
  /stall-after/N/F    F's headers (no Accept-Ranges) and N body bytes, then
                      nothing more
  /bighdr/F           F after a 1 MiB response header line
  /short-length/K/F   all of F, in one write, under a Content-Length K
                      bytes too small
  /garbage-json       a 200 whose body is JSON cut in an object
  /badreason          a 500 whose reason phrase holds ESC and a 0xff byte
  /headers            the request headers as the body
"""

import email.utils
import gzip
import hashlib
import os
import ssl
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

ROOT = LOG = None
LAST_MODIFIED = "Tue, 05 Nov 2019 03:00:00 GMT"
counts = {}
lock = threading.Lock()
stop = threading.Event()


def bump(key):
    with lock:
        counts[key] = counts.get(key, 0) + 1
        return counts[key]


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, fmt, *args):
        pass

    def log_request_line(self):
        with lock, open(LOG, "a") as f:
            f.write("%s %s range=%s if-range=%s ua=%s host=%s token=%s\n" % (
                self.command, self.path,
                self.headers.get("Range", "-"),
                self.headers.get("If-Range", "-"),
                self.headers.get("User-Agent", "-"),
                self.headers.get("Host", "-"),
                "yes" if "X-App-Token" in self.headers else "no"))

    def read_file(self, name):
        path = os.path.join(ROOT, os.path.basename(name))
        try:
            with open(path, "rb") as f:
                return f.read()
        except OSError:
            return None

    def empty(self, code, extra=()):
        self.send_response(code)
        for k, v in extra:
            self.send_header(k, v)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def send_body(self, data, etag=None, ranges=True, cut=None,
                  encoding=None):
        """Sends data, honouring Range/If-Range when ranges is set;
        with cut, sends only that many body bytes and drops the
        connection."""
        if etag is None:
            etag = '"%s"' % hashlib.sha1(data).hexdigest()[:16]
        start, code = 0, 200
        rng = self.headers.get("Range")
        ifr = self.headers.get("If-Range")
        if ranges and rng and rng.startswith("bytes=") and rng.endswith("-"):
            if ifr is None or ifr in (etag, LAST_MODIFIED):
                start = int(rng[6:-1])
                code = 206
                if start >= len(data):
                    self.empty(416, [("Content-Range",
                                      "bytes */%d" % len(data))])
                    return
        body = data[start:]
        self.send_response(code)
        self.send_header("Content-Type", "text/csv")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("ETag", etag)
        self.send_header("Last-Modified", LAST_MODIFIED)
        if ranges:
            self.send_header("Accept-Ranges", "bytes")
        if encoding:
            self.send_header("Content-Encoding", encoding)
        if code == 206:
            self.send_header("Content-Range", "bytes %d-%d/%d" % (
                start, len(data) - 1, len(data)))
        self.end_headers()
        if cut is not None and cut < len(body):
            self.wfile.write(body[:cut])
            self.wfile.flush()
            self.close_connection = True
            return
        self.wfile.write(body)

    def send_chunked(self, data):
        self.send_response(200)
        self.send_header("Content-Type", "text/csv")
        self.send_header("Transfer-Encoding", "chunked")
        self.end_headers()
        for i in range(0, len(data), 7000):
            part = data[i:i + 7000]
            self.wfile.write(b"%x\r\n%s\r\n" % (len(part), part))
        self.wfile.write(b"0\r\n\r\n")

    def send_eof(self, data, cut, encoding=None):
        """A body whose end is the closed connection (RFC 9112 6.3)."""
        self.send_response(200)
        self.send_header("Content-Type", "text/csv")
        if encoding:
            self.send_header("Content-Encoding", encoding)
        self.send_header("Connection", "close")
        self.end_headers()
        self.wfile.write(data[:cut] if cut else data)
        self.wfile.flush()
        self.close_connection = True

    def do_GET(self):
        self.log_request_line()
        path, _, query = self.path.partition("?")
        parts = path.strip("/").split("/")
        kind = parts[0]
        data = self.read_file(parts[-1]) if len(parts) > 1 else None
        if kind == "stall":
            stop.wait(120)
            self.close_connection = True
        elif kind == "headers":
            body = str(self.headers).encode()
            self.send_response(200)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
        elif kind == "garbage-json":
            body = b'[{"Date_Time": "2019-11-01T17:00:00", "Sensor_ID": "3\x00\xff'
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
        elif kind == "badreason":
            self.send_response(500, "Oops\x1b[2J\xff")
            self.send_header("Content-Length", "0")
            self.end_headers()
        elif kind == "status":
            self.empty(int(parts[1]))
        elif kind == "redirect":
            hops = int(parts[1])
            to = ("/redirect/%d/%s" % (hops - 1, parts[2]) if hops > 1
                  else "/plain/" + parts[2])
            self.empty(302, [("Location", to)])
        elif kind == "goto":
            rest = self.path.split("/", 3)[3]
            self.empty(302, [("Location", "http://%s/%s" % (parts[1], rest))])
        elif data is None:
            self.empty(404)
        else:
            self.serve(kind, parts, query, data)

    def serve(self, kind, parts, query, data):
        if kind in ("plain", "resource"):
            self.send_body(data)
        elif kind == "weak":
            self.send_body(data, etag='W/"weak"')
        elif kind == "gzip":
            self.send_body(gzip.compress(data, mtime=0), encoding="gzip")
        elif kind == "gzip-garbage":
            self.send_body(gzip.compress(data, mtime=0) + b"garbage!",
                           encoding="gzip")
        elif kind == "gzip-corrupt":
            g = bytearray(gzip.compress(data, mtime=0))
            g[12:20] = b"xxxxxxxx"
            self.send_body(bytes(g), encoding="gzip")
        elif kind == "chunked":
            self.send_chunked(data)
        elif kind == "flaky":
            if bump(self.path) <= int(parts[2]):
                extra = []
                if query == "ra=date":
                    when = time.time() + 2
                    extra.append(("Retry-After",
                                  email.utils.formatdate(when, usegmt=True)))
                elif query.startswith("ra="):
                    extra.append(("Retry-After", query[3:]))
                self.empty(int(parts[3]), extra)
            else:
                self.send_body(data)
        elif kind == "cut":
            self.send_body(data, cut=int(parts[2]))
        elif kind == "cutonce":
            n = bump(self.path)
            self.send_body(data, cut=int(parts[2]) if n == 1 else None)
        elif kind == "cut-norange":
            self.send_body(data, ranges=False, cut=int(parts[1]))
        elif kind == "cut-gzip":
            self.send_body(gzip.compress(data, mtime=0), encoding="gzip",
                           cut=int(parts[1]))
        elif kind == "cut-changed":
            if self.headers.get("Range"):
                self.send_body(data, etag='"changed"', ranges=False)
            else:
                self.send_body(data, cut=int(parts[1]))
        elif kind == "cutweak":
            n = bump(self.path)
            self.send_body(data, etag='W/"weak"',
                           cut=int(parts[2]) if n == 1 else None)
        elif kind == "eof":
            self.send_eof(data, int(parts[1]))
        elif kind == "eof-gzip":
            self.send_eof(gzip.compress(data, mtime=0), int(parts[1]),
                          "gzip")
        elif kind == "slow":
            self.send_response(200)
            self.send_header("Content-Type", "text/csv")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            step = (len(data) + 15) // 16
            for i in range(0, len(data), step):
                self.wfile.write(data[i:i + step])
                self.wfile.flush()
                time.sleep(int(parts[1]) / 16000)
        elif kind == "stall-after":
            self.send_response(200)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data[:int(parts[1])])
            self.wfile.flush()
            stop.wait(120)
            self.close_connection = True
        elif kind == "short-length":
            head = ("HTTP/1.1 200 OK\r\nContent-Type: text/csv\r\n"
                    "Content-Length: %d\r\nConnection: close\r\n\r\n" %
                    (len(data) - int(parts[1]))).encode()
            self.wfile.write(head + data)
            self.wfile.flush()
            self.close_connection = True
        elif kind == "bighdr":
            self.send_response(200)
            self.send_header("X-Big", "a" * (1 << 20))
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)
        elif kind == "cut-early":
            if bump(self.path) == 1:
                self.close_connection = True
            else:
                self.send_body(data)
        else:
            self.empty(404)


def main():
    global ROOT, LOG
    if len(sys.argv) not in (4, 6):
        sys.exit("usage: httpd.py ROOT PORTFILE LOGFILE [CERT KEY]")
    ROOT, portfile, LOG = sys.argv[1:4]
    srv = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    srv.daemon_threads = True
    if len(sys.argv) == 6:
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        ctx.load_cert_chain(sys.argv[4], sys.argv[5])
        srv.socket = ctx.wrap_socket(srv.socket, server_side=True)
    tmp = portfile + ".tmp"
    with open(tmp, "w") as f:
        f.write("%d\n" % srv.server_address[1])
    os.rename(tmp, portfile)
    try:
        srv.serve_forever()
    finally:
        stop.set()


if __name__ == "__main__":
    main()
