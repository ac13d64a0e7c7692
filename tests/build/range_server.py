#!/usr/bin/env python3
"""A tiny HTTP server for the resumable-download test (127.0.0.1 only).

Usage: range_server.py DIR PORTFILE LOG [norange]
Serves DIR's files.  The first request without a Range header is cut: the
full Content-Length is announced but only half the body is sent before the
connection closes.  Range "bytes=N-" is answered with 206 (unless norange:
then every answer is a whole 200).  Each request's Range header (or "-")
is appended to LOG, one line per request.  Last-Modified is 1700000000.
"""
import http.server
import os
import socketserver
import sys

root, portfile, log = sys.argv[1], sys.argv[2], sys.argv[3]
norange = len(sys.argv) > 4 and sys.argv[4] == "norange"
state = {"cut": False}


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def do_GET(self):
        rng = self.headers.get("Range")
        with open(log, "a") as f:
            f.write((rng or "-") + "\n")
        path = os.path.join(root, os.path.basename(self.path))
        if not os.path.isfile(path):
            self.send_error(404)
            return
        data = open(path, "rb").read()
        start = 0
        if rng and not norange and rng.startswith("bytes=") and rng.endswith("-"):
            start = int(rng[6:-1])
            if start >= len(data):
                self.send_response(416)
                self.send_header("Content-Range", "bytes */%d" % len(data))
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
            self.send_response(206)
            self.send_header("Content-Range", "bytes %d-%d/%d" % (start, len(data) - 1, len(data)))
        else:
            self.send_response(200)
        body = data[start:]
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Last-Modified", "Tue, 14 Nov 2023 22:13:20 GMT")
        self.send_header("Accept-Ranges", "none" if norange else "bytes")
        self.end_headers()
        if not rng and not state["cut"]:
            state["cut"] = True
            self.wfile.write(body[: len(body) // 2])
            self.wfile.flush()
            self.close_connection = True
            return
        self.wfile.write(body)


class Server(socketserver.ThreadingMixIn, http.server.HTTPServer):
    daemon_threads = True


srv = Server(("127.0.0.1", 0), Handler)
with open(portfile + ".tmp", "w") as f:
    f.write(str(srv.server_address[1]))
os.rename(portfile + ".tmp", portfile)
srv.serve_forever()
