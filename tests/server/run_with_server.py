#!/usr/bin/python3
"""Runs one client test against a fresh `hearth-cli serve`.

    run_with_server.py --cli HEARTH_CLI --model MODEL.gguf [--serve-arg ARG ...] -- COMMAND ...

Starts the server on a free loopback port with a known key, runs COMMAND with
HEARTH_SERVER_URL (http://127.0.0.1:PORT/v1), HEARTH_API_KEY, HEARTH_MODEL_ID and
HEARTH_SERVER_PID in its environment, then checks that the server survived everything (no crash)
and stops cleanly on SIGTERM. Fails (never skips) when anything is missing.
"""
import argparse
import os
import signal
import subprocess
import sys
import threading

KEY = "hearth-test-key-0123456789"


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--cli", required=True)
    parser.add_argument("--model", required=True)
    parser.add_argument("--serve-arg", action="append", default=[])
    parser.add_argument("command", nargs=argparse.REMAINDER)
    args = parser.parse_args()
    command = args.command[1:] if args.command[:1] == ["--"] else args.command
    if not command:
        sys.exit("run_with_server.py: no command to run")

    server = subprocess.Popen(
        [args.cli, "serve", "-m", args.model, "--port", "0", "--api-key", KEY, "--backend", "cpu"]
        + args.serve_arg,
        stdout=subprocess.PIPE, stderr=sys.stderr, text=True)
    url = None
    lines = []
    for line in server.stdout:
        lines.append(line)
        sys.stdout.write("[server] " + line)
        if line.startswith("listening on "):
            url = line.split()[-1]
            break
    if url is None:
        server.wait(10)
        sys.exit("the server did not start (exit code %s)" % server.returncode)
    # Keep draining the server's output so it never blocks on a full pipe.
    threading.Thread(target=lambda: [sys.stdout.write("[server] " + l) for l in server.stdout],
                     daemon=True).start()

    env = dict(os.environ, HEARTH_SERVER_URL=url, HEARTH_API_KEY=KEY,
               HEARTH_MODEL_ID=os.path.basename(args.model)[:-len(".gguf")],
               HEARTH_SERVER_PID=str(server.pid))
    try:
        result = subprocess.run(command, env=env, timeout=600).returncode
    except FileNotFoundError as error:
        print("cannot run the client: %s (scripts/install-deps.sh installs what the tests need)" % error)
        result = 1
    except subprocess.TimeoutExpired:
        print("the client test did not finish in 600 s")
        result = 1

    alive = server.poll() is None
    if not alive:
        print("FAIL: the server died during the test (exit code %s)" % server.returncode)
        return 1
    server.send_signal(signal.SIGTERM)
    try:
        code = server.wait(15)
    except subprocess.TimeoutExpired:
        server.kill()
        print("FAIL: the server did not stop within 15 s of SIGTERM")
        return 1
    if code != 0:
        print("FAIL: the server exited with %s on SIGTERM" % code)
        return 1
    return result


if __name__ == "__main__":
    sys.exit(main())
