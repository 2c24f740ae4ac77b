#!/usr/bin/env python3
"""A loopback HTTP server for kbgen's import and link tests (no network).

Serves recorded Indico exports from tests/fixtures/indico/ and a few
link-check routes.  Binds 127.0.0.1 on a free port and prints the port
on its first line of standard output.  Every request is appended to
LOG (argv[1]) as "METHOD PATH auth=yes|no", so a test can count
requests and check that a token was sent (the token itself is never
logged).

Routes:
  /export/categ/1.json            categ-1.json (several events)
  /export/categ/1.json?v=2        categ-1-v2.json (one changed, one new)
  /export/categ/flaky.json        500 on the first request, then categ-1.json
  /export/categ/down.json         always 503
  /export/categ/404.json          404
  /export/categ/slow.json         answers after 3 s
  /export/categ/bad.json          invalid JSON
  /export/categ/weird.json        odd records: not maps, nulls, bad dates
  /export/categ/html.json         an HTML login page with status 200
  /export/categ/huge.json         65 MiB of valid JSON, no Content-Length
  /export/categ/private.json      401 without "Authorization: Bearer
                                  secret-token-XYZ", else categ-1.json
  /export/event/300.json?detail=sessions   event-300-sessions.json
  /export/event/300.json?...&v=2           event-300-sessions-v2.json
  /export/event/300.json (other detail)    event-300.json (no timetable)
  /redirect/same                  302 -> /export/categ/1.json?v=2
  /redirect/other                 302 -> http://localhost:PORT/export/categ/1.json?v=2
                                  (the same server under another host name)
  /redirect/loop                  302 -> /redirect/loop
  /link/ok  200    /link/moved  301 -> /link/ok    /link/missing  404
  /link/nohead  405 to HEAD, 200 to GET    /link/slow  200 after 3 s
  /link/gone  410

With a folder DATA (argv[2]), the data routes of tests/data.test.sh
serve its files; their log lines end in " inflight=N", the number of
/data/ requests being answered when this one came, itself included:
  /data/files/NAME      the file, with its Content-Length
  /data/nolength/NAME   the file without Content-Length (ends at close)
  /data/wait/NAME       the file after 0.5 s
  /data/flaky/NAME      503 on the first request, then the file
  /data/moved/NAME      302 -> /data/files/NAME
  /data/tofile          302 -> file:///etc/hostname
  /data/stall/NAME      headers and 100 bytes of the file, then 30 s
                        of silence before the rest
  /data/silent          no answer for 30 s
  /data/missing         404
"""
import os
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit, parse_qs

FIX = os.path.join(os.path.dirname(os.path.abspath(__file__)),
                   "fixtures", "indico")
LOG = sys.argv[1] if len(sys.argv) > 1 else os.devnull
DATA = sys.argv[2] if len(sys.argv) > 2 else None
TOKEN = "secret-token-XYZ"
lock = threading.Lock()
hits = {}
inflight = [0]


def fixture(name):
    with open(os.path.join(FIX, name), "rb") as f:
        return f.read()


class H(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, fmt, *args):
        pass

    def note(self):
        auth = "yes" if self.headers.get("Authorization") else "no"
        extra = ""
        with lock:
            hits[self.path] = hits.get(self.path, 0) + 1
            n = hits[self.path]
            if self.path.startswith("/data/"):
                inflight[0] += 1
                extra = " inflight=%d" % inflight[0]
            with open(LOG, "a") as f:
                f.write("%s %s auth=%s%s\n" % (self.command, self.path,
                                                auth, extra))
        return n

    def send(self, code, body=b"", ctype="application/json", extra=None):
        self.send_response(code)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        for k, v in (extra or {}).items():
            self.send_header(k, v)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def data_file(self, name):
        if DATA is None or "/" in name or name.startswith("."):
            return None
        try:
            with open(os.path.join(DATA, name), "rb") as f:
                return f.read()
        except OSError:
            return None

    def data(self, p, n):
        parts = p.split("/", 3)  # "", "data", kind, name
        kind = parts[2] if len(parts) > 2 else ""
        name = parts[3] if len(parts) > 3 else ""
        if kind == "tofile":
            return self.send(302, b"", "text/html",
                             {"Location": "file:///etc/hostname"})
        if kind == "silent":
            time.sleep(30)
            return self.send(200, b"late", "text/plain")
        if kind == "moved":
            return self.send(302, b"", "text/html",
                             {"Location": "/data/files/" + name})
        body = self.data_file(name)
        if body is None:
            return self.send(404, b"no such file", "text/plain")
        ctype = "application/octet-stream"
        if kind == "files":
            return self.send(200, body, ctype)
        if kind == "wait":
            time.sleep(0.5)
            return self.send(200, body, ctype)
        if kind == "flaky":
            if n == 1:
                return self.send(503, b"busy", "text/plain")
            return self.send(200, body, ctype)
        if kind == "nolength":
            self.close_connection = True
            self.send_response(200)
            self.send_header("Content-Type", ctype)
            self.send_header("Connection", "close")
            self.end_headers()
            for i in range(0, len(body), 8192):
                self.wfile.write(body[i:i + 8192])
            return None
        if kind == "stall":
            self.send_response(200)
            self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body[:100])
            self.wfile.flush()
            time.sleep(30)
            self.wfile.write(body[100:])
            return None
        return self.send(404, b"no route", "text/plain")

    def route(self):
        n = self.note()
        u = urlsplit(self.path)
        q = parse_qs(u.query)
        p = u.path
        if p.startswith("/data/"):
            try:
                return self.data(p, n)
            finally:
                with lock:
                    inflight[0] -= 1
        v2 = q.get("v") == ["2"]
        if p == "/export/categ/1.json":
            return self.send(200, fixture("categ-1-v2.json" if v2
                                          else "categ-1.json"))
        if p == "/export/categ/flaky.json":
            if n == 1:
                return self.send(500, b"<h1>Internal Server Error</h1>",
                                 "text/html")
            return self.send(200, fixture("categ-1.json"))
        if p == "/export/categ/down.json":
            return self.send(503, b"busy", "text/plain")
        if p == "/export/categ/404.json":
            return self.send(404, b'{"error": "not found"}')
        if p == "/export/categ/slow.json":
            time.sleep(3)
            return self.send(200, fixture("categ-1.json"))
        if p == "/export/categ/weird.json":
            return self.send(200, fixture("weird.json"))
        if p == "/export/categ/bad.json":
            return self.send(200, fixture("bad.json"))
        if p == "/export/categ/huge.json":
            # 65 MiB of valid JSON (an empty list padded with spaces),
            # without Content-Length: only a cap on the bytes read
            # stops a client.
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Connection", "close")
            self.end_headers()
            self.close_connection = True
            self.wfile.write(b"[")
            pad = b" " * (1 << 20)
            for _ in range(65):
                self.wfile.write(pad)
            self.wfile.write(b"]")
            return None
        if p == "/export/categ/html.json":
            return self.send(200, fixture("login.html"),
                             "text/html; charset=utf-8")
        if p == "/export/categ/private.json":
            if self.headers.get("Authorization") != "Bearer " + TOKEN:
                return self.send(401, b'{"error": "unauthorized"}')
            return self.send(200, fixture("categ-1.json"))
        if p == "/export/event/300.json" and q.get("detail") == ["sessions"]:
            return self.send(200, fixture("event-300-sessions-v2.json" if v2
                                          else "event-300-sessions.json"))
        if p == "/export/event/300.json":
            return self.send(200, fixture("event-300.json"))
        if p == "/redirect/same":
            return self.send(302, b"", "text/html",
                             {"Location": "/export/categ/1.json?v=2"})
        if p == "/redirect/other":
            port = self.server.server_address[1]
            return self.send(302, b"", "text/html", {
                "Location": "http://localhost:%d/export/categ/1.json?v=2"
                % port})
        if p == "/redirect/loop":
            return self.send(302, b"", "text/html",
                             {"Location": "/redirect/loop"})
        if p == "/link/ok":
            return self.send(200, b"<p>ok</p>", "text/html")
        if p == "/link/moved":
            return self.send(301, b"", "text/html", {"Location": "/link/ok"})
        if p == "/link/missing":
            return self.send(404, b"missing", "text/plain")
        if p == "/link/gone":
            return self.send(410, b"gone", "text/plain")
        if p == "/link/nohead":
            if self.command == "HEAD":
                return self.send(405, b"", "text/plain", {"Allow": "GET"})
            return self.send(200, b"<p>ok</p>", "text/html")
        if p == "/link/slow":
            time.sleep(3)
            return self.send(200, b"late", "text/plain")
        return self.send(404, b"no route", "text/plain")

    def do_GET(self):
        try:
            self.route()
        except (BrokenPipeError, ConnectionResetError):
            pass

    do_HEAD = do_GET


def main():
    srv = ThreadingHTTPServer(("127.0.0.1", 0), H)
    srv.daemon_threads = True
    print(srv.server_address[1], flush=True)
    srv.serve_forever()


if __name__ == "__main__":
    main()
