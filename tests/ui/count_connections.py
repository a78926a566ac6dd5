#!/usr/bin/env python3
"""Runs a program under strace (following every process it starts) and fails when any of them tries
to reach an internet address: a connect() or sendto() with sa_family=AF_INET or AF_INET6 (so DNS
queries count too). The program's http_proxy / https_proxy / all_proxy point at a local socket that
counts the connections reaching it, in case a proxy-aware client tried one (that would be a connect()
to 127.0.0.1, also counted above). Local sockets (AF_UNIX: the display, D-Bus) are not counted.

usage: count_connections.py PROGRAM [ARGS...]
"""
import os
import re
import socket
import subprocess
import sys
import tempfile
import threading


def main():
    program = sys.argv[1:]
    proxy = socket.socket()
    proxy.bind(("127.0.0.1", 0))
    proxy.listen(16)
    accepted = []

    def count():
        while True:
            try:
                conn, _ = proxy.accept()
            except OSError:
                return
            accepted.append(1)
            conn.close()

    threading.Thread(target=count, daemon=True).start()
    port = proxy.getsockname()[1]
    env = dict(os.environ)
    for name in ("http_proxy", "https_proxy", "all_proxy", "HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY"):
        env[name] = f"http://127.0.0.1:{port}"
    with tempfile.TemporaryDirectory() as tmp:
        log = os.path.join(tmp, "strace.log")
        status = subprocess.call(["strace", "-f", "-qq", "-e", "trace=connect,sendto,sendmsg", "-o", log]
                                 + program, env=env)
        with open(log, encoding="utf-8", errors="replace") as f:
            calls = f.read().splitlines()
    inet = [c for c in calls if re.search(r"sa_family=AF_INET6?\b", c)]
    unix = [c for c in calls if "AF_UNIX" in c]
    print(f"count_connections: {len(calls)} socket calls traced, {len(unix)} local (AF_UNIX), "
          f"{len(inet)} to internet addresses, {len(accepted)} reached the proxy")
    for c in inet:
        print("  " + c)
    if status != 0:
        print(f"count_connections: the program failed (exit {status})")
        return 1
    return 1 if inet or accepted else 0


if __name__ == "__main__":
    sys.exit(main())
