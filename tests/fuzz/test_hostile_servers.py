"""Hostile servers on real loopback sockets against `mi50plan probe`: every one ends in one clear error line
within the time-outs, never a crash, a hang, exit 0, or a printed or saved secret.

Each server speaks raw HTTP/1.1 from a thread (no framework), so it can misbehave in ways a framework
would not allow: endless bodies, a line with no end, wrong lengths, garbage instead of HTTP.
"""

from __future__ import annotations

import contextlib
import json
import socket
import threading
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.fuzz.harness import SECRETS, run_checked

KEY = SECRETS["MI50PLAN_API_KEY"]  # what the probe sends as its Bearer token
FAST = ["--runs", "1", "--warmup", "0", "--prompts", "short", "--output-tokens", "4", "--quiet"]
TIMEOUTS = ["--timeout", "3", "--connect-timeout", "2", "--first-token-timeout", "2", "--idle-timeout", "1"]
Handler = Callable[[socket.socket, str, str, bytes], None]  # (conn, method, path, request head)


class HostileServer:
    """A loopback HTTP server whose routes are raw writers; unknown paths answer 404."""

    def __init__(self, routes: dict[tuple[str, str], Handler]) -> None:
        self.routes = routes
        self.stop = threading.Event()
        self.sock = socket.socket()
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(64)
        self.sock.settimeout(0.2)
        self.url = f"http://127.0.0.1:{self.sock.getsockname()[1]}"
        self.thread = threading.Thread(target=self._serve, daemon=True)

    def __enter__(self) -> HostileServer:
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.stop.set()
        self.thread.join(timeout=5)
        self.sock.close()

    def _serve(self) -> None:
        while not self.stop.is_set():
            try:
                conn, _ = self.sock.accept()
            except OSError:
                continue
            threading.Thread(target=self._one, args=(conn,), daemon=True).start()

    def _one(self, conn: socket.socket) -> None:
        conn.settimeout(5)
        with contextlib.suppress(OSError), conn:
            while not self.stop.is_set():
                head = b""
                while b"\r\n\r\n" not in head:
                    data = conn.recv(65536)
                    if not data:
                        return
                    head += data
                head, _, rest = head.partition(b"\r\n\r\n")
                length = next(
                    (
                        int(line.split(b":")[1])
                        for line in head.split(b"\r\n")
                        if line.lower().startswith(b"content-length")
                    ),
                    0,
                )
                while len(rest) < length:
                    rest += conn.recv(65536)
                method, path = head.split(b" ")[:2]
                handler = self.routes.get((method.decode(), path.decode()), not_found)
                handler(conn, method.decode(), path.decode(), head)
                if handler is not not_found and getattr(handler, "closes", True):
                    return

    def endless(self, conn: socket.socket, chunk: bytes) -> None:
        """Write chunk until the client hangs up or the test ends."""
        with contextlib.suppress(OSError):
            while not self.stop.is_set():
                conn.sendall(chunk)


def respond(conn, status: int, body, ctype: str = "application/json", extra: str = "") -> None:
    if not isinstance(body, (str, bytes)):
        body = json.dumps(body)
    body = body.encode() if isinstance(body, str) else body
    conn.sendall(
        f"HTTP/1.1 {status} X\r\nContent-Type: {ctype}\r\nContent-Length: {len(body)}\r\n{extra}\r\n".encode() + body
    )


def not_found(conn, method, path, head) -> None:
    respond(conn, 404, '{"detail": "Not Found"}')


def json_route(status: int, body) -> Handler:
    text = body if isinstance(body, (str, bytes)) else json.dumps(body)

    def handler(conn, method, path, head):
        respond(conn, status, text)

    handler.closes = False
    return handler


def sse_route(*lines: str) -> Handler:
    def handler(conn, method, path, head):
        conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nConnection: close\r\n\r\n")
        for line in lines:
            conn.sendall(line.encode() + b"\n\n")

    return handler


def ndjson_route(*objs) -> Handler:
    def handler(conn, method, path, head):
        conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: application/x-ndjson\r\nConnection: close\r\n\r\n")
        for obj in objs:
            conn.sendall((obj if isinstance(obj, str) else json.dumps(obj)).encode() + b"\n")

    return handler


def header_value(head: bytes, name: bytes) -> str:
    for line in head.split(b"\r\n"):
        if line.lower().startswith(name.lower() + b":"):
            return line.split(b":", 1)[1].strip().decode()
    return ""


MODELS = json_route(200, {"object": "list", "data": [{"id": "m", "owned_by": "vllm", "max_model_len": 4096}]})


def openai(chat: Handler, **more: Handler) -> dict:
    routes = {("GET", "/v1/models"): MODELS, ("POST", "/v1/chat/completions"): chat}
    routes.update({tuple(k.split(" ", 1)): v for k, v in more.items()})
    return routes


def chunk(content="hi", **extra) -> str:
    return "data: " + json.dumps({"choices": [{"index": 0, "delta": {"content": content}}], **extra})


def echo_key_status(status: int) -> Handler:
    def handler(conn, method, path, head):
        auth = header_value(head, b"authorization")
        respond(conn, status, {"error": {"message": f"Incorrect API key provided: {auth.split()[-1]}. Header: {auth}"}})

    return handler


def endless_status(status: int, ctype: str = "text/plain", prefix: bytes = b"") -> Callable[[HostileServer], Handler]:
    def make(server: HostileServer) -> Handler:
        def handler(conn, method, path, head):
            conn.sendall(f"HTTP/1.1 {status} X\r\nContent-Type: {ctype}\r\n\r\n".encode() + prefix)
            server.endless(conn, b"x" * 65536)

        return handler

    return make


def endless_sse_line(server: HostileServer) -> Handler:
    def handler(conn, method, path, head):
        conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\n\r\ndata: ")
        server.endless(conn, b"a" * 65536)  # one line, 100 MB and more, never a newline

    return handler


def silent(conn, method, path, head) -> None:
    time.sleep(6)  # headers never come


def drip(server: HostileServer) -> Handler:
    def handler(conn, method, path, head):
        with contextlib.suppress(OSError):
            conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\n\r\n")
            while not server.stop.is_set():
                conn.sendall(b": keep-alive\n")  # bytes, never a token: the first-token time-out must end it
                time.sleep(0.2)

    return handler


def close_at_once(conn, method, path, head) -> None:
    conn.close()


def garbage(conn, method, path, head) -> None:
    conn.sendall(b"\x00\xff garbage, not HTTP at all\r\n\r\n")


def bad_chunked(conn, method, path, head) -> None:
    conn.sendall(
        b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nContent-Type: text/event-stream\r\n\r\nZZZ\r\nabc\r\n"
    )


def short_body(conn, method, path, head) -> None:
    conn.sendall(
        b"HTTP/1.1 200 OK\r\nContent-Length: 1000\r\nContent-Type: text/event-stream\r\n\r\n" + chunk().encode()
    )


def huge_header(conn, method, path, head) -> None:
    conn.sendall(b"HTTP/1.1 200 OK\r\nX-Big: " + b"a" * (2 * 2**20) + b"\r\n\r\n")


def deep_json(conn, method, path, head) -> None:
    respond(conn, 200, "[" * 100_000 + "]" * 100_000)


STATIC: dict[str, dict] = {
    # -- OpenAI-compatible (vLLM) stream contents
    "choices-strings": openai(sse_route('data: {"choices": ["a", "b"]}', "data: [DONE]")),
    "choices-object": openai(sse_route('data: {"choices": {"0": {}}}', "data: [DONE]")),
    "choices-number": openai(sse_route('data: {"choices": 7}', "data: [DONE]")),
    "delta-string": openai(sse_route('data: {"choices": [{"delta": "hi"}]}', "data: [DONE]")),
    "delta-list": openai(sse_route('data: {"choices": [{"delta": ["hi"]}]}', "data: [DONE]")),
    "done-before-token": openai(sse_route("data: [DONE]")),
    "done-only-role": openai(sse_route('data: {"choices": [{"delta": {"role": "assistant"}}]}', "data: [DONE]")),
    "usage-negative": openai(
        sse_route(
            chunk(),
            chunk(),
            'data: {"choices": [], "usage": {"prompt_tokens": -5, "completion_tokens": -2}}',
            "data: [DONE]",
        )
    ),
    "usage-string": openai(
        sse_route(chunk(), 'data: {"choices": [], "usage": {"completion_tokens": "many"}}', "data: [DONE]")
    ),
    "usage-huge": openai(
        sse_route(chunk(), 'data: {"choices": [], "usage": {"completion_tokens": 1e300}}', "data: [DONE]")
    ),
    "usage-list": openai(sse_route(chunk(), 'data: {"choices": [], "usage": [1, 2]}', "data: [DONE]")),
    "timings-garbage": openai(
        sse_route(chunk(), 'data: {"choices": [], "timings": {"predicted_n": "x", "prompt_ms": -1}}', "data: [DONE]")
    ),
    "timings-nan": openai(sse_route(chunk(), 'data: {"choices": [], "timings": {"prompt_ms": NaN}}', "data: [DONE]")),
    "not-json": openai(sse_route("data: {not json", "data: [DONE]")),
    "not-sse": openai(sse_route("hello there", "data: [DONE]")),
    "json-array": openai(sse_route("data: [1, 2, 3]", "data: [DONE]")),
    "deep-json-line": openai(sse_route("data: " + "[" * 50_000 + "]" * 50_000, "data: [DONE]")),
    "no-end-marker": openai(sse_route(chunk(), chunk())),
    "empty-stream": openai(sse_route()),
    "error-mid-stream": openai(sse_route(chunk(), 'data: {"error": {"message": "boom"}}')),
    "error-string-mid-stream": openai(sse_route(chunk(), 'data: {"error": "boom"}')),
    "error-object-first": openai(sse_route('data: {"error": {"message": {"nested": [1, 2]}}}')),
    # -- HTTP-level failures on the request
    "http-500-json": openai(json_route(500, {"error": {"message": "internal"}})),
    "http-500-garbage": openai(json_route(500, b"\x00\xff\xfe")),
    "http-500-deep-json": openai(json_route(500, "[" * 100_000 + "]" * 100_000)),
    "http-429": openai(json_route(429, {"error": "slow down"})),
    "close-at-once": openai(close_at_once),
    "garbage-response": openai(garbage),
    "bad-chunked": openai(bad_chunked),
    "short-body": openai(short_body),
    "huge-header": openai(huge_header),
    "silent": openai(silent),
    # -- detection
    "models-empty": {("GET", "/v1/models"): json_route(200, {"data": []})},
    "models-not-list": {("GET", "/v1/models"): json_route(200, {"data": "m"})},
    "models-ids-not-strings": {("GET", "/v1/models"): json_route(200, {"data": [{"id": 5}, {"id": None}, {"id": {}}]})},
    "models-max-len-string": openai(
        sse_route("data: [DONE]"), **{"GET /v1/models": json_route(200, {"data": [{"id": "m", "max_model_len": "x"}]})}
    ),
    "models-deep-json": {("GET", "/v1/models"): deep_json},
    "models-array": {("GET", "/v1/models"): json_route(200, [1, 2])},
    "models-401": {("GET", "/v1/models"): json_route(401, {"error": "no"})},
    "everything-404": {},
    "ollama-tags-garbage": {
        ("GET", "/api/version"): json_route(200, {"version": "0.1"}),
        ("GET", "/api/tags"): json_route(200, {"models": "all"}),
    },
    "ollama-version-object": {
        ("GET", "/api/version"): json_route(200, {"version": {"x": 1}}),
        ("GET", "/api/tags"): json_route(200, {"models": [{"name": 3}]}),
    },
    "llamacpp-props-garbage": {
        ("GET", "/props"): json_route(200, {"default_generation_settings": "x", "total_slots": "many"}),
        ("GET", "/v1/models"): json_route(200, {"data": [{"id": ["m"]}]}),
    },
}

OLLAMA = {
    ("GET", "/api/version"): json_route(200, {"version": "0.16.1"}),
    ("GET", "/api/tags"): json_route(200, {"models": [{"name": "m:latest"}]}),
}
for name, objs in {
    "message-string": [{"message": "hi", "done": False}],
    "message-list": [{"message": ["hi"], "done": False}],
    "eval-count-negative": [{"message": {"content": "hi"}}, {"done": True, "eval_count": -3, "eval_duration": 5}],
    "eval-count-string": [{"message": {"content": "hi"}}, {"done": True, "eval_count": "x"}],
    "durations-negative": [{"message": {"content": "hi"}}, {"done": True, "eval_count": 2, "eval_duration": -1}],
    "done-first": [{"done": True}],
    "ndjson-array": ["[1, 2]"],
    "ndjson-garbage": ["{nope"],
    "error-object": [{"error": {"deep": [1, 2, 3]}}],
}.items():
    STATIC[f"ollama-{name}"] = {**OLLAMA, ("POST", "/api/chat"): ndjson_route(*objs)}

KEY_ECHO: dict[str, dict] = {
    "key-in-401-body": openai(echo_key_status(401)),
    "key-in-500-body": openai(echo_key_status(500)),
    "key-in-models-401": {("GET", "/v1/models"): echo_key_status(401)},
    "key-in-400-text": openai(
        lambda conn, m, p, head: respond(conn, 400, f"bad key {header_value(head, b'authorization')}", "text/plain")
    ),
}


def _echo_mid_stream(conn, method, path, head):
    key = header_value(head, b"authorization").split()[-1]
    sse_route(chunk(), 'data: {"error": {"message": "Incorrect API key provided: ' + key + '"}}')(
        conn, method, path, head
    )


def _echo_in_model_id(conn, method, path, head):
    respond(conn, 200, {"data": [{"id": "model-" + header_value(head, b"authorization").split()[-1]}]})


def _echo_in_garbage_line(conn, method, path, head):
    sse_route(chunk(), "key=" + header_value(head, b"authorization"))(conn, method, path, head)


KEY_ECHO["key-mid-stream"] = openai(_echo_mid_stream)
KEY_ECHO["key-in-model-id"] = openai(sse_route("data: [DONE]"), **{"GET /v1/models": _echo_in_model_id})
KEY_ECHO["key-in-garbage-line"] = openai(_echo_in_garbage_line)
KEY_ECHO["env-token-in-body"] = openai(json_route(500, {"error": f"token {SECRETS['HF_TOKEN']} rejected"}))
KEY_ECHO["sk-shaped-in-body"] = openai(json_route(401, {"error": "Incorrect API key provided: sk-proj-abcdefghij1234"}))

ENDLESS: dict[str, Callable[[HostileServer], dict]] = {
    "endless-500-body": lambda s: openai(endless_status(500)(s)),
    "endless-400-json-body": lambda s: openai(endless_status(400, "application/json", b'{"error": "')(s)),
    "endless-version-body": lambda s: {
        ("GET", "/api/version"): endless_status(200, "application/json", b'{"version": "')(s)
    },
    "endless-models-body": lambda s: {("GET", "/v1/models"): endless_status(200, "application/json", b'{"data": [')(s)},
    "endless-metrics-body": lambda s: {
        **openai(sse_route("data: [DONE]")),
        ("GET", "/v1/models"): json_route(200, {"data": [{"id": "m"}]}),
        ("GET", "/metrics"): endless_status(200)(s),
    },
    "endless-props-body": lambda s: {("GET", "/props"): endless_status(200, "application/json", b'{"a": "')(s)},
    "sse-line-without-newline": lambda s: openai(endless_sse_line(s)),
    "ndjson-line-without-newline": lambda s: {
        **OLLAMA,
        ("POST", "/api/chat"): endless_status(200, "application/x-ndjson", b'{"a": "')(s),
    },
    "drip-no-token": lambda s: openai(drip(s)),
}


def _probe(url: str, tmp_path: Path, *extra: str):
    save = tmp_path / "results.json"
    outcome = run_checked(["probe", url, *FAST, *TIMEOUTS, "--save", str(save), *extra], invalid=True, time_limit_s=20)
    assert outcome.seconds < 15, f"took {outcome.seconds:.1f} s"
    if save.exists():
        text = save.read_text()
        for secret in SECRETS.values():
            assert secret not in text, "secret saved in the results file"
    return outcome


@pytest.mark.parametrize("name", list(STATIC))
def test_hostile_server(tmp_path, name):
    with HostileServer(STATIC[name]) as server:
        _probe(server.url, tmp_path)


@pytest.mark.parametrize("name", list(KEY_ECHO))
def test_server_echoing_the_key(tmp_path, name):
    with HostileServer(KEY_ECHO[name]) as server:
        outcome = _probe(server.url, tmp_path)
    assert "sk-proj-abcdefghij1234" not in outcome.text


@pytest.mark.parametrize("name", list(ENDLESS))
def test_endless_server(tmp_path, name):
    with HostileServer({}) as server:
        server.routes.update(ENDLESS[name](server))
        _probe(server.url, tmp_path)


@pytest.mark.parametrize(
    "key", ["sk-fuzz\nInjected: header", "sk-fuzzKeyWith\r\nNewline0123456789", "sk-fuzz\tTab012345"]
)
def test_api_key_with_control_characters(monkeypatch, tmp_path, key):
    monkeypatch.setenv("MI50PLAN_API_KEY", key)
    with HostileServer(openai(echo_key_status(401))) as server:
        outcome = run_checked(["probe", server.url, *FAST, *TIMEOUTS], invalid=True, time_limit_s=20)
    for piece in key.split():
        if len(piece) > 6:
            assert piece not in outcome.text


METRICS = {
    "garbage": "vllm:num_requests_running{a} abc\nvllm:generation_tokens_total 1e999\n",
    "nan": "vllm:prompt_tokens_total NaN\nvllm:generation_tokens_total -inf\n",
    "huge-line": "vllm:" + "x" * 100_000 + " 1\n",
    "binary": "vllm:\x00\xff\xfe 1\n",
    "labels-unclosed": 'vllm:num_requests_running{model="m 1\n',
}


@pytest.mark.parametrize("name", list(METRICS))
def test_hostile_metrics(tmp_path, name):
    """A vLLM server whose /metrics is garbage: the probe measures the stream and never crashes on the scrape."""
    routes = openai(
        sse_route(chunk("a"), chunk("b"), 'data: {"choices": [], "usage": {"completion_tokens": 2}}', "data: [DONE]"),
        **{"GET /metrics": json_route(200, METRICS[name])},
    )
    with HostileServer(routes) as server:
        run_checked(["probe", server.url, *FAST, *TIMEOUTS, "--output-tokens", "2"], invalid=None, time_limit_s=20)


def test_healthy_server_passes(tmp_path):
    """The same harness against a well-behaved stream exits 0: the failures above come from the hostility."""
    good = openai(
        sse_route(
            chunk("a"),
            chunk("b"),
            chunk("c"),
            chunk("d"),
            'data: {"choices": [], "usage": {"prompt_tokens": 9, "completion_tokens": 4}}',
            "data: [DONE]",
        )
    )
    with HostileServer(good) as server:
        run_checked(["probe", server.url, *FAST, *TIMEOUTS], invalid=False, time_limit_s=20)
