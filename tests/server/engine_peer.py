"""The GUI's side of the engine protocol (docs/protocol.md), for tests that drive hearth-engine:
4-byte little-endian length, then one JSON object; replies are read on a thread as they arrive."""
import json
import queue
import struct
import subprocess
import sys
import threading
import time


class EnginePeer:
    def __init__(self, program):
        self.process = subprocess.Popen([program], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                        stderr=sys.stderr)
        self.frames = queue.Queue()
        self.seen = []  # every frame, in order, with the time it arrived
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self):
        stream = self.process.stdout
        while True:
            header = stream.read(4)
            if len(header) < 4:
                self.frames.put(None)
                return
            (length,) = struct.unpack("<I", header)
            message = json.loads(stream.read(length))
            self.seen.append((time.monotonic(), message))
            self.frames.put(message)

    def send(self, message):
        body = json.dumps(message).encode()
        self.process.stdin.write(struct.pack("<I", len(body)) + body)
        self.process.stdin.flush()

    def wait_for(self, *types, timeout=60):
        """The next frame of one of `types`; frames of other types that come first are skipped
        (they stay in `seen`). Fails when the engine ends or the time is up."""
        deadline = time.monotonic() + timeout
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                raise AssertionError("no %s from the engine within %d s" % ("/".join(types), timeout))
            try:
                message = self.frames.get(timeout=left)
            except queue.Empty:
                continue
            if message is None:
                raise AssertionError("the engine ended (exit code %s) while waiting for %s"
                                     % (self.process.wait(), "/".join(types)))
            if message["type"] in types:
                return message

    def drain(self):
        """Forgets the frames not yet waited for (they stay in `seen`)."""
        while not self.frames.empty():
            if self.frames.get_nowait() is None:
                self.frames.put(None)
                return

    def load(self, model, **options):
        self.send(dict({"type": "load", "path": model, "backend": "cpu"}, **options))
        reply = self.wait_for("loaded", "error")
        if reply["type"] != "loaded":
            raise AssertionError("the engine could not load %s: %s" % (model, reply["message"]))
        return reply["info"]

    def close(self, timeout=15):
        """Ends the session as the GUI does (closing the pipe); the engine's exit code."""
        self.process.stdin.close()
        try:
            return self.process.wait(timeout)
        except subprocess.TimeoutExpired:
            self.process.kill()
            raise AssertionError("the engine did not exit within %d s of its input closing" % timeout)
