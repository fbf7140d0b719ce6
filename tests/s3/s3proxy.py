#!/usr/bin/python3
"""A loopback S3 proxy for the ped-s3put tests.

Forwards every request to the S3 server on 127.0.0.1:UPSTREAM and
  - logs one line per request: METHOD PATH STATUS sigv4=ok|bad|- token=T|-
  - injects faults: --fail SUBSTR STATUS COUNT answers STATUS (0: drop the
    connection) to the first COUNT requests (0: all) whose "METHOD PATH"
    contains SUBSTR, without forwarding them;
  - rewrites replies: --header SUBSTR NAME VALUE sets header NAME (VALUE
    "-": removes it) and --sub SUBSTR REGEX TEXT replaces what REGEX matches
    in the body with TEXT (taken literally, control bytes and all), in every
    reply, forwarded or injected, to a request whose "METHOD PATH" contains
    SUBSTR: wrong, missing or empty ETags, escape-laden error messages;
  - with --secret, checks every signature independently: the request is
    re-signed by botocore's own S3SigV4Auth (from Debian's awscli) and the
    body is hashed against x-amz-content-sha256 and Content-MD5 (S3.md,
    section 9). A mismatch is answered 403 SignatureDoesNotMatch or 400
    XAmzContentSHA256Mismatch / BadDigest, as S3 would.
Binds port 0 on 127.0.0.1 and writes the port to --portfile.
Python stdlib plus Debian's awscli; run with /usr/bin/python3.
"""
import argparse
import base64
import hashlib
import http.client
import http.server
import os
import re
import sys
import threading

sys.path.insert(0, "/usr/lib/python3/dist-packages/awscli")

HOP = {"connection", "keep-alive", "expect", "transfer-encoding",
       "proxy-connection", "te", "upgrade"}
CODES = {500: "InternalError", 503: "SlowDown", 429: "SlowDown",
         400: "BadRequest", 403: "AccessDenied"}


def expected_signature(method, host, path, headers, secret):
    """Returns (signature given, signature botocore computes)."""
    from botocore.auth import S3SigV4Auth
    from botocore.awsrequest import AWSRequest
    from botocore.credentials import Credentials

    auth = headers.get("Authorization", "")
    m = re.match(r"AWS4-HMAC-SHA256 Credential=([^/]+)/(\d{8})/([^/]+)/"
                 r"([^/]+)/aws4_request, ?SignedHeaders=([^,]+), ?"
                 r"Signature=([0-9a-f]{64})$", auth)
    if not m:
        return None, "no SigV4 Authorization header"
    akid, _, region, service, signed, given = m.groups()
    names = signed.split(";")
    hdrs = {n: headers.get(n, "") for n in names}
    req = AWSRequest(method=method, url="http://" + host + path,
                     headers=hdrs, data=b"")
    req.context["timestamp"] = headers.get("X-Amz-Date", "")
    signer = S3SigV4Auth(Credentials(akid, secret), service, region)
    if sorted(signer.headers_to_sign(req).keys()) != sorted(names):
        return given, "signed header list differs"
    creq = signer.canonical_request(req)
    sts = signer.string_to_sign(req, creq)
    return given, signer.signature(sts, req)


class Proxy(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, fmt, *args):
        pass

    def reply(self, status, code, message, headers=None, body=None):
        if status == 204:
            body = b""
        elif body is None:
            body = ("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error>"
                    "<Code>%s</Code><Message>%s</Message></Error>"
                    % (code, message)).encode()
        line = "%s %s" % (self.command, self.path)
        headers = list(headers or [])
        for sub, name, value in self.server.headers:
            if sub in line:
                headers = [(k, v) for k, v in headers
                           if k.lower() != name.lower()]
                if value != "-":
                    headers.append((name, value))
        for sub, regex, text in self.server.subs:
            if sub in line and status != 204:
                body = re.sub(os.fsencode(regex),
                              lambda m, t=os.fsencode(text): t, body)
        self.send_response(status)
        for k, v in headers:
            if k.lower() not in HOP and k.lower() != "content-length":
                self.send_header(k, v)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def fault(self, line):
        with self.server.lock:
            for rule in self.server.rules:
                if rule[0] in line and (rule[2] == 0 or rule[3] < rule[2]):
                    rule[3] += 1
                    return rule[1]
        return None

    def check(self, body):
        if self.server.secret is None:
            return "-", None
        given, want = expected_signature(self.command,
                                         self.headers.get("Host", ""),
                                         self.path, self.headers,
                                         self.server.secret)
        if given is None or given != want:
            return "bad", (403, "SignatureDoesNotMatch",
                           "botocore: %s" % (want if given is None else
                                             "signature differs"))
        sha = self.headers.get("x-amz-content-sha256", "")
        if sha != "UNSIGNED-PAYLOAD" and sha != hashlib.sha256(body).hexdigest():
            return "bad", (400, "XAmzContentSHA256Mismatch",
                           "payload hash differs")
        md5 = self.headers.get("Content-MD5")
        if md5 is not None and md5 != base64.b64encode(
                hashlib.md5(body).digest()).decode():
            return "bad", (400, "BadDigest", "Content-MD5 differs")
        return "ok", None

    def handle_any(self):
        n = int(self.headers.get("Content-Length", "0"))
        body = self.rfile.read(n) if n else b""
        line = "%s %s" % (self.command, self.path)
        sig, bad = self.check(body)
        status = self.fault(line)
        token = self.headers.get("x-amz-security-token", "-")
        if status == 0:
            self.log(line, "drop", sig, token)
            self.close_connection = True
            self.connection.shutdown(2)
            return
        if bad is not None:
            self.log(line, bad[0], sig, token)
            return self.reply(*bad)
        if status is not None:
            self.log(line, status, sig, token)
            return self.reply(status, CODES.get(status, "InjectedFault"),
                              "injected by s3proxy.py")
        self.forward(line, body, sig, token)

    def forward(self, line, body, sig, token):
        conn = http.client.HTTPConnection("127.0.0.1", self.server.upstream)
        hdrs = {k: v for k, v in self.headers.items() if k.lower() not in HOP}
        conn.request(self.command, self.path, body=body, headers=hdrs)
        resp = conn.getresponse()
        data = resp.read()
        conn.close()
        self.log(line, resp.status, sig, token)
        self.reply(resp.status, None, None, resp.getheaders(), data)

    def log(self, line, status, sig, token):
        with self.server.lock:
            with open(self.server.logfile, "a") as f:
                f.write("%s %s sigv4=%s token=%s\n" % (line, status, sig, token))

    do_GET = do_PUT = do_POST = do_DELETE = do_HEAD = handle_any


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--upstream", type=int, required=True)
    ap.add_argument("--portfile", required=True)
    ap.add_argument("--log", required=True)
    ap.add_argument("--secret")
    ap.add_argument("--fail", nargs=3, action="append", default=[],
                    metavar=("SUBSTR", "STATUS", "COUNT"))
    ap.add_argument("--header", nargs=3, action="append", default=[],
                    metavar=("SUBSTR", "NAME", "VALUE"))
    ap.add_argument("--sub", nargs=3, action="append", default=[],
                    metavar=("SUBSTR", "REGEX", "TEXT"))
    a = ap.parse_args()
    srv = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Proxy)
    srv.daemon_threads = True
    srv.upstream, srv.logfile, srv.secret = a.upstream, a.log, a.secret
    srv.rules = [[s, int(st), int(c), 0] for s, st, c in a.fail]
    srv.headers, srv.subs = a.header, a.sub
    srv.lock = threading.Lock()
    open(a.log, "a").close()
    with open(a.portfile + ".tmp", "w") as f:
        f.write("%d\n" % srv.server_address[1])
    os.rename(a.portfile + ".tmp", a.portfile)
    srv.serve_forever()


if __name__ == "__main__":
    main()
