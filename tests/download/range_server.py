#!/usr/bin/env python3
"""A stand-in for Hugging Face's file API and download URLs, for the downloader's tests.

Serves, on 127.0.0.1:
  GET /api/models/REPO/tree/main   the listing Hugging Face gives: [{type, path, size, lfs: {oid, size}}]
                                   with each file's sha256 computed here by hashlib
  GET /REPO/resolve/main/FILE      the file, honouring "Range: bytes=N-" with 206 + Content-Range
  GET /catalog.json                the file given by --catalog (a newer catalog for "refresh")
  GET /_stats                      {"bodyBytes": bytes of file bodies sent, "requests": [Range headers]}

and misbehaves on demand: --ignore-range (always 200 and the whole file), --cut-after N (the first
file response stops after N body bytes and the connection is closed), --throttle BYTES_PER_S (every file response),
--wrong-sha (the listing's sha256 is of other bytes), --missing (files answer 404).
Prints "PORT <n>" on its first line once listening.
"""
import argparse
import hashlib
import json
import os
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


def parse_args():
    p = argparse.ArgumentParser()
    p.add_argument("--repo", required=True)
    p.add_argument("--file", action="append", default=[], help="NAME=PATH, served as REPO's NAME")
    p.add_argument("--catalog")
    p.add_argument("--ignore-range", action="store_true")
    p.add_argument("--cut-after", type=int, default=-1)
    p.add_argument("--throttle", type=int, default=0)
    p.add_argument("--wrong-sha", action="store_true")
    p.add_argument("--missing", action="store_true")
    return p.parse_args()


ARGS = parse_args()
FILES = dict(entry.split("=", 1) for entry in ARGS.file)
LOCK = threading.Lock()
STATS = {"bodyBytes": 0, "requests": []}
CUT_DONE = [False]


def sha256_of(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def listing():
    entries = []
    for name, path in FILES.items():
        size = os.path.getsize(path)
        oid = sha256_of(path)
        if ARGS.wrong_sha:
            oid = hashlib.sha256(b"not the file").hexdigest()
        entries.append({"type": "file", "oid": "0" * 40, "size": size, "path": name,
                        "lfs": {"oid": oid, "size": size, "pointerSize": 135}})
    entries.append({"type": "file", "oid": "1" * 40, "size": 12, "path": "README.md"})
    return json.dumps(entries).encode()


class Handler(BaseHTTPRequestHandler):
    def log_message(self, fmt, *args):
        pass

    def send_bytes(self, status, body, content_type="application/json"):
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self):
        if self.path == "/_stats":
            with LOCK:
                return self.send_bytes(200, json.dumps(STATS).encode())
        if self.path == "/catalog.json" and ARGS.catalog:
            with open(ARGS.catalog, "rb") as f:
                return self.send_bytes(200, f.read())
        if self.path == f"/api/models/{ARGS.repo}/tree/main":
            return self.send_bytes(200, listing())
        prefix = f"/{ARGS.repo}/resolve/main/"
        name = self.path[len(prefix):] if self.path.startswith(prefix) else None
        if name not in FILES or ARGS.missing:
            return self.send_bytes(404, b"Entry not found", "text/plain")
        self.send_file(FILES[name])

    def send_file(self, path):
        size = os.path.getsize(path)
        range_header = self.headers.get("Range")
        with LOCK:
            STATS["requests"].append(range_header or "")
        start = 0
        if range_header and not ARGS.ignore_range:
            assert range_header.startswith("bytes=") and range_header.endswith("-"), range_header
            start = int(range_header[len("bytes="):-1])
        if start >= size and start > 0:
            self.send_response(416)
            self.send_header("Content-Range", f"bytes */{size}")
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        self.send_response(206 if start > 0 else 200)
        self.send_header("Content-Type", "application/octet-stream")
        self.send_header("Content-Length", str(size - start))
        self.send_header("Accept-Ranges", "bytes")
        if start > 0:
            self.send_header("Content-Range", f"bytes {start}-{size - 1}/{size}")
        self.end_headers()
        limit = size - start
        with LOCK:
            if ARGS.cut_after >= 0 and not CUT_DONE[0]:
                CUT_DONE[0] = True
                limit = min(limit, ARGS.cut_after)
        with open(path, "rb") as f:
            f.seek(start)
            sent = 0
            while sent < limit:
                block = f.read(min(16384, limit - sent))
                try:
                    self.wfile.write(block)
                    self.wfile.flush()
                except (BrokenPipeError, ConnectionResetError):
                    return
                sent += len(block)
                with LOCK:
                    STATS["bodyBytes"] += len(block)
                if ARGS.throttle:
                    time.sleep(len(block) / ARGS.throttle)
        if sent < size - start:
            self.close_connection = True
            self.connection.shutdown(2)


def main():
    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    print(f"PORT {server.server_address[1]}", flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
