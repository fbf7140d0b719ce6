#!/usr/bin/env python3
"""A loopback EC2 instance metadata service (IMDSv2 only) for the tests.

PUT /latest/api/token (with X-aws-ec2-metadata-token-ttl-seconds) gives a
session token; the credential paths answer only with that token in
X-aws-ec2-metadata-token, and 401 without it, as IMDSv2 enforces:
  GET /latest/meta-data/iam/security-credentials/       -> ROLE
  GET /latest/meta-data/iam/security-credentials/ROLE   -> JSON credentials
Logs "METHOD PATH STATUS" per request to --log; binds port 0 on 127.0.0.1
and writes the port to --portfile. Python stdlib only.
"""
import argparse
import http.server
import json
import os

TOKEN = "imds-session-token-0123456789"
ROLE = "ped-role"
DIR = "/latest/meta-data/iam/security-credentials/"


class Imds(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, fmt, *args):
        pass

    def answer(self, status, text):
        body = text.encode()
        with open(self.server.logfile, "a") as f:
            f.write("%s %s %d\n" % (self.command, self.path, status))
        self.send_response(status)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_PUT(self):
        if self.path != "/latest/api/token":
            return self.answer(404, "not found")
        if "X-aws-ec2-metadata-token-ttl-seconds" not in self.headers:
            return self.answer(400, "missing ttl")
        self.answer(200, TOKEN)

    def do_GET(self):
        if self.headers.get("X-aws-ec2-metadata-token") != TOKEN:
            return self.answer(401, "unauthorized")
        if self.path == DIR:
            return self.answer(200, ROLE + "\n")
        if self.path == DIR + ROLE:
            a = self.server.args
            return self.answer(200, json.dumps({
                "Code": "Success", "Type": "AWS-HMAC",
                "LastUpdated": "2026-01-01T00:00:00Z",
                "AccessKeyId": a.key, "SecretAccessKey": a.secret,
                "Token": a.token, "Expiration": "2099-01-01T00:00:00Z"}))
        self.answer(404, "not found")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--portfile", required=True)
    ap.add_argument("--log", required=True)
    ap.add_argument("--key", required=True)
    ap.add_argument("--secret", required=True)
    ap.add_argument("--token", required=True)
    args = ap.parse_args()
    srv = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Imds)
    srv.daemon_threads = True
    srv.logfile, srv.args = args.log, args
    open(args.log, "a").close()
    with open(args.portfile + ".tmp", "w") as f:
        f.write("%d\n" % srv.server_address[1])
    os.rename(args.portfile + ".tmp", args.portfile)
    srv.serve_forever()


if __name__ == "__main__":
    main()
