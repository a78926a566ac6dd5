#!/usr/bin/python3
"""The app's API server: hearth-engine (the window's engine process) asked over its protocol to
serve the model it loaded, as the window does (docs/protocol.md, "The API server").

    engine_api_server.py HEARTH_ENGINE SHARED_MODELS_DIR REFERENCE.json

What the official OpenAI client checks on this server is in server_engine_openai_client; this
checks what only the app has: the window's chat and API requests taking turns at one model, the
server across model switches and with no model, stopping it, a taken port, and the key.
"""
import http.client
import json
import os
import socket
import sys
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from engine_peer import EnginePeer  # noqa: E402

KEY = "hearth-engine-test-key-42"
# Greedy, as llama.cpp's reference was made: no top-k, min-p or repetition penalty.
GREEDY = {"temperature": 0, "topK": 0, "topP": 1, "minP": 0, "repeatPenalty": 1}
engine_program, models_dir, reference_path = sys.argv[1:4]
stories = os.path.join(models_dir, "stories260K.gguf")
other = os.path.join(models_dir, "tiny-llama31-q8_0.gguf")
reference = json.load(open(reference_path))


def request(port, method, path, body=None, key=KEY):
    """One HTTP request; (status, parsed JSON body)."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    headers = {"Content-Type": "application/json"}
    if key is not None:
        headers["Authorization"] = "Bearer " + key
    connection.request(method, "/v1" + path, body=None if body is None else json.dumps(body), headers=headers)
    response = connection.getresponse()
    data = response.read()
    connection.close()
    return response.status, json.loads(data)


def stream_completion(port, body, chunks):
    """A streamed completion; appends (time, text) per event to `chunks`, (time, None) at the end."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    connection.request("POST", "/v1/completions", body=json.dumps(dict(body, stream=True)),
                       headers={"Content-Type": "application/json", "Authorization": "Bearer " + KEY})
    response = connection.getresponse()
    assert response.status == 200, response.status
    for line in response:
        line = line.strip()
        if not line.startswith(b"data: "):
            continue
        if line == b"data: [DONE]":
            break
        event = json.loads(line[6:])
        chunks.append((time.monotonic(), event["choices"][0]["text"]))
    chunks.append((time.monotonic(), None))
    connection.close()


tests = []


def test(function):
    tests.append(function)
    return function


def serve(engine, **settings):
    engine.send(dict({"type": "serve", "host": "127.0.0.1", "port": 0, "apiKey": KEY}, **settings))
    return engine.wait_for("serving", "error")


def pieces_of(engine, generation_id):
    return [(t, m) for t, m in engine.seen if m.get("id") == generation_id and m["type"] == "piece"]


@test
def chat_and_api_take_turns(engine, port):
    # An API generation streams; the window's chat asks meanwhile: it starts when the API one ends.
    chunks = []
    client = threading.Thread(target=stream_completion, args=(port, {
        "model": "stories260K", "prompt": reference["prompt"], "max_tokens": 1800, "temperature": 0}, chunks))
    client.start()
    while not chunks:
        time.sleep(0.001)
    asked = time.monotonic()
    engine.send({"type": "generate", "id": "chat-1", "maxTokens": 16, "sampler": GREEDY,
                 "messages": [{"role": "user", "content": "Once upon a time"}]})
    done = engine.wait_for("done", "error")
    client.join()
    assert done["type"] == "done" and done["id"] == "chat-1", done
    assert done["stats"]["generatedTokens"] > 0, done
    api_end = chunks[-1][0]
    # The two threads here note times with some scheduling delay (tens of ms at worst on a busy
    # machine); the API generation goes on long after the chat asked, so a chat that did not wait
    # would start that much before the API generation's end.
    print("  the API generation went on %.0f ms after the chat asked" % (1000 * (api_end - asked)))
    assert api_end - asked > 0.3, "the API generation ended too soon after the chat asked to tell"
    text = "".join(t for _, t in chunks if t)
    assert text.startswith(reference["greedy_text"]), text[:80]
    first_chat_piece = pieces_of(engine, "chat-1")[0][0]
    assert first_chat_piece > api_end - 0.1, "the chat generated %.0f ms before the API generation ended" % (
        1000 * (api_end - first_chat_piece))

    # And the other way round: the chat generates, an API request waits for it.
    engine.send({"type": "generate", "id": "chat-2", "prompt": reference["prompt"], "maxTokens": 400,
                 "sampler": GREEDY})
    engine.wait_for("piece")
    answer = {}

    def ask():
        answer["reply"] = request(port, "POST", "/completions", {
            "model": "stories260K", "prompt": reference["prompt"], "max_tokens": 8, "temperature": 0})
    client = threading.Thread(target=ask)
    client.start()
    done = engine.wait_for("done", "error")
    client.join()
    assert done["type"] == "done" and done["stats"]["generatedTokens"] == 400, done
    status, body = answer["reply"]
    assert status == 200, body
    assert reference["greedy_text"].startswith(body["choices"][0]["text"]), body
    # The engine says `served` when an API request gets the model: on the same pipe, after the chat's
    # `done` (clocks of two threads here could not tell the order as surely).
    served = engine.wait_for("served", timeout=10)
    frames = [m for _, m in engine.seen]
    assert frames.index(served) > frames.index(done), "the API request got the model while the chat had it"
    chat_text = "".join(m["text"] for _, m in pieces_of(engine, "chat-2"))
    assert chat_text.startswith(reference["greedy_text"]), chat_text[:80]


@test
def a_chat_cancelled_while_waiting_for_its_turn_ends_at_once(engine, port):
    chunks = []
    client = threading.Thread(target=stream_completion, args=(port, {
        "model": "stories260K", "prompt": reference["prompt"], "max_tokens": 400, "temperature": 0}, chunks))
    client.start()
    while not chunks:
        time.sleep(0.001)
    engine.send({"type": "generate", "id": "waiting", "prompt": "x", "maxTokens": 4, "sampler": {}})
    engine.send({"type": "cancel", "id": "waiting"})
    done = engine.wait_for("done")
    ended = time.monotonic()
    client.join()
    assert done["id"] == "waiting" and done["stats"]["stopReason"] == "cancelled", done
    assert ended < chunks[-1][0], "the cancelled chat waited for the API generation to end"
    assert not pieces_of(engine, "waiting")


@test
def the_key_is_required(engine, port):
    status, body = request(port, "GET", "/models", key=KEY + "x")
    assert status == 401 and body["error"]["code"] == "invalid_api_key", body
    status, body = request(port, "GET", "/models", key=None)
    assert status == 401 and body["error"]["code"] == "invalid_api_key", body
    status, body = request(port, "GET", "/models")
    assert status == 200 and [m["id"] for m in body["data"]] == ["stories260K"], body


@test
def requests_served_are_counted(engine, port):
    # Counted since the last `serve` (each test starts with one).
    status, _ = request(port, "POST", "/chat/completions", {
        "model": "stories260K", "messages": [{"role": "user", "content": "Hi"}], "max_tokens": 2})
    assert status == 200
    served = engine.wait_for("served")
    assert served["requests"] == 1, served
    request(port, "POST", "/completions", {"model": "stories260K", "prompt": "Hi", "max_tokens": 2})
    assert engine.wait_for("served")["requests"] == 2


@test
def the_server_follows_the_loaded_model(engine, port):
    engine.load(other)
    serving = engine.wait_for("serving")
    name = os.path.basename(other)[:-len(".gguf")]
    assert serving["model"] == name and serving["port"] == port, serving
    status, body = request(port, "GET", "/models")
    assert [m["id"] for m in body["data"]] == [name], body
    status, body = request(port, "POST", "/completions", {"model": "stories260K", "prompt": "Hi", "max_tokens": 2})
    assert status == 404 and body["error"]["code"] == "model_not_found", body
    status, body = request(port, "POST", "/completions", {"model": name, "prompt": "Hi", "max_tokens": 2})
    assert status == 200 and body["usage"]["completion_tokens"] == 2, body

    engine.send({"type": "unload"})
    engine.wait_for("unloaded")
    assert engine.wait_for("serving")["model"] == ""
    status, body = request(port, "GET", "/models")
    assert status == 200 and body["data"] == [], body
    status, body = request(port, "POST", "/chat/completions", {
        "model": "stories260K", "messages": [{"role": "user", "content": "Hi"}]})
    assert status == 503 and body["error"]["code"] == "model_not_loaded", body
    assert "Load one in the Hearth window" in body["error"]["message"], body

    engine.load(stories)
    assert engine.wait_for("serving")["model"] == "stories260K"
    status, body = request(port, "POST", "/completions", {
        "model": "stories260K", "prompt": reference["prompt"], "max_tokens": 8, "temperature": 0})
    assert status == 200 and reference["greedy_text"].startswith(body["choices"][0]["text"]), body


@test
def a_taken_port_is_a_clear_error(engine, port):
    taken = socket.socket()
    taken.bind(("127.0.0.1", 0))
    taken.listen()
    busy = taken.getsockname()[1]
    try:
        failed = serve(engine, port=busy)
        assert failed["type"] == "error" and failed["request"] == "serve", failed
        assert failed["code"] == "PortInUse", failed
        assert failed["message"] == ("Port %d is already in use by another program. Choose another port, or "
                                     "stop the program that uses it." % busy), failed["message"]
        moved = serve(engine, port=busy, nextFreePort=True)
        assert moved["type"] == "serving", moved
        assert busy < moved["port"] <= busy + 20, (busy, moved)
        assert moved["url"] == "http://127.0.0.1:%d/v1" % moved["port"], moved
        status, _ = request(moved["port"], "GET", "/models")
        assert status == 200
    finally:
        taken.close()
    failed = serve(engine, host="192.0.2.1")  # TEST-NET-1: never this machine's
    assert failed["type"] == "error" and failed["code"] == "BadAddress", failed
    failed = serve(engine, apiKey="")
    assert failed["type"] == "error" and failed["code"] == "InvalidArgument", failed


@test
def a_stopped_server_refuses_connections(engine, port):
    serving = serve(engine)
    assert serving["type"] == "serving", serving
    engine.send({"type": "stopServing"})
    engine.wait_for("servingStopped")
    try:
        socket.create_connection(("127.0.0.1", serving["port"]), timeout=5).close()
    except ConnectionRefusedError:
        pass
    else:
        raise AssertionError("port %d still accepts connections after stopServing" % serving["port"])
    # The window's own chat is untouched.
    engine.send({"type": "generate", "id": "alone", "prompt": reference["prompt"], "maxTokens": 4,
                 "sampler": GREEDY})
    assert engine.wait_for("done", "error")["type"] == "done"


def main():
    engine = EnginePeer(engine_program)
    engine.wait_for("hello")
    engine.load(stories)
    serving = serve(engine)
    assert serving["type"] == "serving" and serving["model"] == "stories260K", serving
    port = serving["port"]
    failed = 0
    for function in tests:
        if engine.process.poll() is not None:
            print("FAIL %s: the engine is gone (exit code %s)" % (function.__name__, engine.process.returncode))
            failed += 1
            continue
        # Every test starts from a server on `port` with stories260K (the port tests move it).
        engine.drain()
        if function is not tests[0]:
            serving = serve(engine, port=port)
            assert serving["type"] == "serving", serving
        try:
            function(engine, port)
            print("PASS %s" % function.__name__)
        except Exception as error:  # noqa: BLE001 - report every failure and go on
            failed += 1
            import traceback
            print("FAIL %s\n%s" % (function.__name__, traceback.format_exc()))
    code = engine.close()
    if code != 0:
        print("FAIL: the engine exited with %s" % code)
        failed += 1
    print("%d passed, %d failed" % (len(tests) - failed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
