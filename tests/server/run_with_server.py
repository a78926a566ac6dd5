#!/usr/bin/python3
"""Runs one client test against a fresh server: `hearth-cli serve`, or the app's engine process
(hearth-engine, asked over its protocol to load the model and serve, as the window does).

    run_with_server.py (--cli HEARTH_CLI | --engine HEARTH_ENGINE) --model MODEL.gguf
                       [--serve-arg ARG ...] -- COMMAND ...

Starts the server on a free loopback port with a known key, runs COMMAND with
HEARTH_SERVER_URL (http://127.0.0.1:PORT/v1), HEARTH_API_KEY, HEARTH_MODEL_ID and
HEARTH_SERVER_PID in its environment, then checks that the server survived everything (no crash)
and stops cleanly (hearth-cli on SIGTERM, the engine when its input closes, as when the window
quits). Fails (never skips) when anything is missing.
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
    which = parser.add_mutually_exclusive_group(required=True)
    which.add_argument("--cli")
    which.add_argument("--engine")
    parser.add_argument("--model", required=True)
    parser.add_argument("--serve-arg", action="append", default=[])
    parser.add_argument("command", nargs=argparse.REMAINDER)
    args = parser.parse_args()
    command = args.command[1:] if args.command[:1] == ["--"] else args.command
    if not command:
        sys.exit("run_with_server.py: no command to run")
    if args.engine:
        return run_with_engine(args.engine, args.model, command)

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


def run_command(command, env):
    try:
        return subprocess.run(command, env=env, timeout=600).returncode
    except FileNotFoundError as error:
        print("cannot run the client: %s (scripts/install-deps.sh installs what the tests need)" % error)
        return 1
    except subprocess.TimeoutExpired:
        print("the client test did not finish in 600 s")
        return 1


def run_with_engine(engine_program, model, command):
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    from engine_peer import EnginePeer

    engine = EnginePeer(engine_program)
    engine.wait_for("hello")
    info = engine.load(model)
    engine.send({"type": "serve", "host": "127.0.0.1", "port": 0, "apiKey": KEY})
    serving = engine.wait_for("serving", "error")
    if serving["type"] != "serving":
        engine.close()
        sys.exit("the engine's API server did not start: %s" % serving["message"])
    print("[engine] serving %s at %s (loaded: %s)" % (serving["model"], serving["url"], info["name"]))
    env = dict(os.environ, HEARTH_SERVER_URL=serving["url"], HEARTH_API_KEY=KEY,
               HEARTH_MODEL_ID=serving["model"], HEARTH_SERVER_PID=str(engine.process.pid))
    result = run_command(command, env)

    if engine.process.poll() is not None:
        print("FAIL: the engine died during the test (exit code %s)" % engine.process.returncode)
        return 1
    # The window's chat still works after all that.
    engine.send({"type": "generate", "id": "after", "prompt": "Once upon a time", "maxTokens": 8,
                 "sampler": {"temperature": 0}})
    done = engine.wait_for("done", "error")
    if done["type"] != "done" or done["stats"]["generatedTokens"] != 8:
        print("FAIL: the engine's own generation after the test: %s" % done)
        return 1
    code = engine.close()
    if code != 0:
        print("FAIL: the engine exited with %s when its input closed" % code)
        return 1
    return result


if __name__ == "__main__":
    sys.exit(main())
