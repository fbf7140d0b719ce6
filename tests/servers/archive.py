#!/usr/bin/env python3
"""Loopback server of the dataset's ZIP attachment for ped-fetch --history.

usage: archive.py ROOT PORTFILE LOGFILE

Binds 127.0.0.1 port 0, writes the port to PORTFILE once listening. Any
path serves the file of ROOT named by its last non-empty segment, so
/api/datasets/1.0/DATASET/attachments/NAME/ serves ROOT/NAME. The file is
read again on every request: replacing it changes the ETag (a hash of the
bytes). Replies carry ETag and Last-Modified (the file's mtime); a
request whose If-None-Match matches gets a 304 with no body. /cut/N/...
sends the full Content-Length but closes after N bytes (no Accept-Ranges).

LOGFILE gets one line per request, written after the reply:
    GET PATH inm=IF-NONE-MATCH ims=IF-MODIFIED-SINCE status=S bytes=N
where N counts the body bytes sent.
"""

import email.utils
import hashlib
import os
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

ROOT = LOG = None
lock = threading.Lock()


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, fmt, *args):
        pass

    def log_reply(self, status, nbytes):
        with lock, open(LOG, "a") as f:
            f.write("GET %s inm=%s ims=%s status=%d bytes=%d\n" % (
                self.path, self.headers.get("If-None-Match", "-"),
                self.headers.get("If-Modified-Since", "-"), status, nbytes))

    def do_GET(self):
        parts = [p for p in self.path.split("?")[0].split("/") if p]
        cut = None
        if len(parts) >= 3 and parts[0] == "cut":
            cut = int(parts[1])
        name = parts[-1] if parts else ""
        path = os.path.join(ROOT, os.path.basename(name))
        try:
            with open(path, "rb") as f:
                body = f.read()
            mtime = os.stat(path).st_mtime
        except OSError:
            self.send_response(404)
            self.send_header("Content-Length", "0")
            self.end_headers()
            self.log_reply(404, 0)
            return
        etag = '"%s"' % hashlib.sha256(body).hexdigest()[:20]
        lastmod = email.utils.formatdate(mtime, usegmt=True)
        if self.headers.get("If-None-Match") == etag:
            self.send_response(304)
            self.send_header("ETag", etag)
            self.send_header("Last-Modified", lastmod)
            self.end_headers()
            self.log_reply(304, 0)
            return
        self.send_response(200)
        self.send_header("Content-Type", "application/zip")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("ETag", etag)
        self.send_header("Last-Modified", lastmod)
        self.end_headers()
        if cut is not None:
            body = body[:cut]
        self.wfile.write(body)
        self.wfile.flush()
        self.log_reply(200, len(body))
        if cut is not None:
            self.close_connection = True


def main():
    global ROOT, LOG
    ROOT, portfile, LOG = sys.argv[1:4]
    srv = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    srv.daemon_threads = True
    with open(portfile + ".tmp", "w") as f:
        f.write(str(srv.server_address[1]))
    os.rename(portfile + ".tmp", portfile)
    srv.serve_forever()


if __name__ == "__main__":
    main()
