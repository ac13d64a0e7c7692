#!/usr/bin/env python3
"""A deliberately broken HTTP server for the repository tests (127.0.0.1 only).

usage: broken_server.py ROOT STATEDIR

Serves the files under ROOT.  Before each request it reads STATEDIR/mode
(one word; "ok" when absent) and misbehaves accordingly; a mode prefixed
with "pkg-" applies only to .apk files (the index is served correctly):

  ok         plain files, with Last-Modified and ETag
  truncated  announces the full Content-Length, sends half, closes
  500        always "500 Internal Server Error"
  slow       sends the headers and a few bytes, then a byte every 2 s
  huge       no Content-Length; sends the file then 4 MiB more, then closes
  hugelen    announces a Content-Length of 1 TB and sends the file
  wrong      right size, wrong bytes: the MTIME field (bytes 4..7) of a gzip
             member is changed, which no decompressor checks: the first
             member of a package (an unsigned package's control member, so
             its identity changes) or the last member of an index (the
             signed one, so its signature breaks)

Each request is appended to STATEDIR/requests as "METHOD PATH STATUS".
The listening port is written to STATEDIR/port.  Bounded: a slow answer
gives up after 60 s, and the server exits after 30 minutes.
"""
import email.utils
import http.server
import os
import socketserver
import sys
import threading
import time
import zlib

ROOT = STATE = None
LOCK = threading.Lock()


def mode_for(path):
    try:
        with open(os.path.join(STATE, "mode")) as f:
            mode = f.read().strip() or "ok"
    except FileNotFoundError:
        mode = "ok"
    if mode.startswith("pkg-"):
        return mode[4:] if path.endswith(".apk") else "ok"
    return mode


def last_member(data):
    """Offset of the last gzip member."""
    start = 0
    while True:
        d = zlib.decompressobj(31)
        d.decompress(data[start:])
        if not d.unused_data:
            return start
        start = len(data) - len(d.unused_data)


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, fmt, *args):
        pass

    def record(self, status):
        with LOCK, open(os.path.join(STATE, "requests"), "a") as f:
            f.write("%s %s %d\n" % (self.command, self.path, status))

    def fail(self, status, reason):
        self.record(status)
        body = reason.encode()
        self.send_response(status, reason)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self):
        rel = os.path.normpath(self.path.split("?")[0]).lstrip("/")
        full = os.path.join(ROOT, rel)
        if rel.startswith("..") or not os.path.isfile(full):
            return self.fail(404, "Not Found")
        mode = mode_for(rel)
        if mode == "500":
            return self.fail(500, "Internal Server Error")
        with open(full, "rb") as f:
            data = f.read()
        if mode == "wrong":
            at = 0 if rel.endswith(".apk") else last_member(data)
            data = data[:at + 4] + bytes(b ^ 0x5A for b in data[at + 4:at + 8]) + data[at + 8:]
        self.record(200)
        self.send_response(200)
        st = os.stat(full)
        self.send_header("Last-Modified", email.utils.formatdate(st.st_mtime, usegmt=True))
        if mode == "huge":
            self.send_header("Connection", "close")
            self.end_headers()
            self.wfile.write(data)
            chunk = b"\0" * 65536
            for _ in range(64):
                self.wfile.write(chunk)
            self.close_connection = True
            return
        length = len(data) if mode != "hugelen" else 10 ** 12
        self.send_header("Content-Length", str(length))
        self.end_headers()
        if mode == "truncated":
            self.wfile.write(data[: len(data) // 2])
            self.wfile.flush()
            self.close_connection = True
        elif mode == "slow":
            self.wfile.write(data[:4])
            self.wfile.flush()
            deadline = time.time() + 60
            for b in data[4:]:
                if time.time() > deadline:
                    break
                time.sleep(2)
                self.wfile.write(bytes([b]))
                self.wfile.flush()
            self.close_connection = True
        elif mode == "hugelen":
            self.wfile.write(data)
            self.close_connection = True
        else:
            self.wfile.write(data)


class Server(socketserver.ThreadingMixIn, http.server.HTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def handle_error(self, request, client_address):
        pass  # clients hang up on purpose (bounds, timeouts)


def main():
    global ROOT, STATE
    ROOT, STATE = sys.argv[1], sys.argv[2]
    srv = Server(("127.0.0.1", 0), Handler)
    with open(os.path.join(STATE, "port.tmp"), "w") as f:
        f.write(str(srv.server_address[1]))
    os.rename(os.path.join(STATE, "port.tmp"), os.path.join(STATE, "port"))
    threading.Timer(1800, srv.shutdown).start()
    try:
        srv.serve_forever()
    except KeyboardInterrupt:
        pass
    os._exit(0)


if __name__ == "__main__":
    main()
