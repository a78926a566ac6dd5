#!/usr/bin/python3
"""Hostile clients against hearth-cli serve (run by run_with_server.py; standard library only).

Each attack must be answered or dropped within a bound, with the server's memory bounded, and the
server must answer a normal request during and after the attacks:
  - a forged Host header (answered normally: the bearer key is the protection, not the host name);
  - a 100 MB body, announced and chunked (413, or the connection dropped, without the server
    holding the body);
  - a header flood: endless short header lines (dropped after 64 KiB of headers);
  - a stalled client and a slowloris one that trickles a byte a second (dropped after the 5 s read
    timeout and the 15 s request deadline).
"""
import json
import os
import socket
import sys
import threading
import time
import urllib.parse

URL = urllib.parse.urlparse(os.environ["HEARTH_SERVER_URL"])
KEY = os.environ["HEARTH_API_KEY"]
MODEL = os.environ["HEARTH_MODEL_ID"]
PID = int(os.environ["HEARTH_SERVER_PID"])
HOST, PORT = URL.hostname, URL.port
failures = []


def check(condition, message):
    print(("ok   " if condition else "FAIL ") + message, flush=True)
    if not condition:
        failures.append(message)


def rss_mib():
    with open("/proc/%d/status" % PID) as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0


def connect(timeout=30):
    return socket.create_connection((HOST, PORT), timeout=timeout)


def read_response(sock):
    """Reads one response; (status, body) or (None, why) when the server closed instead."""
    data = b""
    try:
        while b"\r\n\r\n" not in data:
            chunk = sock.recv(65536)
            if not chunk:
                return None, "closed"
            data += chunk
        head, _, body = data.partition(b"\r\n\r\n")
        length = 0
        for line in head.split(b"\r\n")[1:]:
            name, _, value = line.partition(b":")
            if name.strip().lower() == b"content-length":
                length = int(value)
        while len(body) < length:
            chunk = sock.recv(65536)
            if not chunk:
                break
            body += chunk
        return int(head.split()[1]), body
    except (ConnectionResetError, BrokenPipeError) as error:
        return None, type(error).__name__


def request(method, path, body=b"", headers=None):
    sock = connect()
    lines = ["%s %s HTTP/1.1" % (method, path), "Host: %s:%d" % (HOST, PORT),
             "Content-Length: %d" % len(body), "Connection: close"]
    for name, value in (headers or {}).items():
        lines.append("%s: %s" % (name, value))
    sock.sendall(("\r\n".join(lines) + "\r\n\r\n").encode() + body)
    status, payload = read_response(sock)
    sock.close()
    return status, payload


def completion():
    body = json.dumps({"model": MODEL, "prompt": "Once upon a time", "max_tokens": 8, "temperature": 0})
    return request("POST", "/v1/completions", body.encode(),
                   {"Authorization": "Bearer " + KEY, "Content-Type": "application/json"})


def normal_request_answered(when):
    status, body = completion()
    check(status == 200 and b'"text_completion"' in body, "a normal request is answered " + when)


def forged_host():
    for host in ["evil.example", "localhost.attacker.test:8080", "x" * 4000]:
        status, _ = request("GET", "/v1/models", headers={"Host": host, "Authorization": "Bearer " + KEY})
        check(status == 200, "forged Host %r with the key: answered (the key protects)" % host[:40])
        status, body = request("GET", "/v1/models", headers={"Host": host})
        check(status == 401 and b"invalid_api_key" in body, "forged Host %r without the key: 401" % host[:40])


def huge_body(chunked):
    """Sends up to 100 MB as fast as the server takes it; the server must refuse long before."""
    total = 100 * 1024 * 1024
    sock = connect()
    head = ("POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer %s\r\n"
            "Content-Type: application/json\r\n" % KEY)
    head += "Transfer-Encoding: chunked\r\n\r\n" if chunked else "Content-Length: %d\r\n\r\n" % total
    start = time.monotonic()
    sent = 0
    block = b"a" * (1024 * 1024)
    try:
        sock.sendall(head.encode())
        while sent < total:
            sock.sendall(b"%x\r\n%s\r\n" % (len(block), block) if chunked else block)
            sent += len(block)
        if chunked:
            sock.sendall(b"0\r\n\r\n")
    except (BrokenPipeError, ConnectionResetError, socket.timeout):
        pass
    status, _ = read_response(sock)
    sock.close()
    elapsed = time.monotonic() - start
    what = "chunked" if chunked else "announced"
    # 0.11 answers an oversized chunked body with 400, an announced one with 413.
    check(status in (413, 400, None), "100 MB %s body: %s after %d MB sent" % (what, status or "dropped", sent >> 20))
    check(sent < total or status == 413, "100 MB %s body: refused before all of it was taken" % what)
    check(elapsed < 30, "100 MB %s body: over in %.1f s" % (what, elapsed))


def header_flood():
    sock = connect()
    start = time.monotonic()
    sent = 0
    try:
        sock.sendall(b"GET /v1/models HTTP/1.1\r\nHost: x\r\n")
        line = b"X-Flood: " + b"f" * 50 + b"\r\n"
        while sent < 50 * 1024 * 1024:
            sock.sendall(line * 1000)
            sent += len(line) * 1000
    except (BrokenPipeError, ConnectionResetError, socket.timeout):
        pass
    status, _ = read_response(sock)
    sock.close()
    elapsed = time.monotonic() - start
    check(sent < 50 * 1024 * 1024, "header flood: cut off after %d KiB of headers" % (sent >> 10))
    check(status in (None, 400, 431), "header flood: %s" % (status or "dropped"))
    check(elapsed < 30, "header flood: over in %.1f s" % elapsed)


def stalled(trickle):
    """Starts a request and then sends nothing (or one byte a second) until the server gives up."""
    sock = connect(timeout=60)
    start = time.monotonic()
    what = "slowloris trickle" if trickle else "stalled client"
    try:
        sock.sendall(b"POST /v1/completions HTTP/1.1\r\nHost: x\r\n")
        while time.monotonic() - start < 45:
            if trickle:
                sock.sendall(b"X")
                time.sleep(1)
            else:
                sock.settimeout(45)
                if not sock.recv(1):
                    break
                continue
            sock.settimeout(0.001)
            try:
                if not sock.recv(1):
                    break
            except socket.timeout:
                pass
            except (ConnectionResetError, BrokenPipeError):
                break
    except (BrokenPipeError, ConnectionResetError):
        pass
    except socket.timeout:
        pass
    elapsed = time.monotonic() - start
    bound = 25 if trickle else 10
    check(elapsed < bound, "%s: dropped after %.1f s (bound %d s)" % (what, elapsed, bound))
    sock.close()


def main():
    rss_before = rss_mib()
    normal_request_answered("before the attacks")
    forged_host()

    # The slow attacks run beside the others: the server must keep answering meanwhile.
    slow = [threading.Thread(target=stalled, args=(trickle,)) for trickle in (False, True)]
    for thread in slow:
        thread.start()
    huge_body(chunked=False)
    huge_body(chunked=True)
    header_flood()
    normal_request_answered("while slow clients hold connections")
    for thread in slow:
        thread.join()

    normal_request_answered("after the attacks")
    growth = rss_mib() - rss_before
    check(growth < 100, "server memory grew by %.0f MiB (bound 100)" % growth)
    print("%d checks failed" % len(failures))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
