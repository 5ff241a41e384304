"""Probe failure paths and parsing against REAL sockets on 127.0.0.1: small servers in a thread.

Ollama and vLLM cannot run here; their servers below replay the files in tests/data/recorded
(see its README: which are captured and which are hand-written to the documented shape)."""

from __future__ import annotations

import json
import socket
import struct
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from planner.core import measure

RECORDED = Path(__file__).resolve().parents[1] / "data" / "recorded"
FAST = ["--warmup", "0", "--runs", "1", "--prompts", "short", "--quiet", "--timeout", "10"]


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    routes: dict = {}

    def log_message(self, *args):  # keep pytest output clean
        pass

    def _dispatch(self, method: str):
        length = int(self.headers.get("Content-Length") or 0)
        self.body = self.rfile.read(length) if length else b""
        route = self.routes.get((method, self.path))
        if route is None:
            self.send_json(404, {"error": "not found"})
            return
        route(self)

    def do_GET(self):
        self._dispatch("GET")

    def do_POST(self):
        self._dispatch("POST")

    def send_json(self, status: int, obj) -> None:
        data = json.dumps(obj).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def start_stream(self, content_type: str = "text/event-stream") -> None:
        self.send_response(200)
        self.send_header("Content-Type", content_type)
        self.send_header("Transfer-Encoding", "chunked")
        self.end_headers()

    def chunk(self, data: bytes) -> None:
        self.wfile.write(f"{len(data):x}\r\n".encode() + data + b"\r\n")
        self.wfile.flush()

    def end_stream(self) -> None:
        self.wfile.write(b"0\r\n\r\n")
        self.wfile.flush()


def ollama_routes(stream_file: str, endpoint: str, bodies: list | None = None) -> dict:
    """An Ollama server whose `endpoint` (/api/chat or /api/generate) replays the recorded NDJSON stream
    tests/data/recorded/`stream_file`; each request's JSON body is appended to `bodies`."""
    lines = (RECORDED / stream_file).read_bytes().splitlines(keepends=True)

    def replay(h):
        if bodies is not None:
            bodies.append(json.loads(h.body))
        h.start_stream("application/x-ndjson")
        for line in lines:
            h.chunk(line)
        h.end_stream()

    return {
        ("GET", "/api/version"): lambda h: h.send_json(200, {"version": "0.16.1"}),
        ("GET", "/api/tags"): lambda h: h.send_json(200, {"models": [{"name": "qwen2.5:7b-instruct"}]}),
        ("POST", endpoint): replay,
    }


@pytest.fixture
def server():
    """Start a threaded HTTP server with the given routes; yields (url, stop_event)."""
    started = []
    stop = threading.Event()

    def start(routes: dict) -> str:
        handler = type("H", (_Handler,), {"routes": routes})
        httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        httpd.daemon_threads = True
        thread = threading.Thread(target=httpd.serve_forever, daemon=True)
        thread.start()
        started.append(httpd)
        return f"http://127.0.0.1:{httpd.server_address[1]}"

    start.stop = stop
    yield start
    stop.set()
    for httpd in started:
        httpd.shutdown()
        httpd.server_close()


def openai_models(h):
    h.send_json(200, {"object": "list", "data": [{"id": "tiny", "object": "model", "owned_by": "test"}]})


def sse(obj) -> bytes:
    return b"data: " + json.dumps(obj).encode() + b"\n\n"


def delta(content=None, role=None):
    d = {}
    if role:
        d["role"] = role
    if content is not None:
        d["content"] = content
    return {"choices": [{"index": 0, "delta": d, "finish_reason": None}]}


def good_stream(h, pause_after_role: float = 0.0, tokens: int = 5):
    h.start_stream()
    h.chunk(sse(delta(role="assistant", content="")))
    time.sleep(pause_after_role)
    for i in range(tokens):
        h.chunk(sse(delta(content=f"t{i}")))
        time.sleep(0.01)
    h.chunk(
        sse({"choices": [], "usage": {"prompt_tokens": 7, "completion_tokens": tokens, "total_tokens": 7 + tokens}})
    )
    h.chunk(b"data: [DONE]\n\n")
    h.end_stream()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_dead_port_fails_fast_with_one_clear_line(run_cli):
    port = free_port()
    started = time.perf_counter()
    code, out, err = run_cli("probe", f"http://127.0.0.1:{port}")
    elapsed = time.perf_counter() - started
    assert code == 4
    assert elapsed < 2.0
    assert err.splitlines()[0] == f"error: connection refused at 127.0.0.1:{port} - is the server running?"
    assert out == ""


def test_role_only_first_chunk_is_not_the_first_token(server, run_cli):
    url = server(
        {
            ("GET", "/v1/models"): openai_models,
            ("POST", "/v1/chat/completions"): lambda h: good_stream(h, pause_after_role=0.3),
        }
    )
    code, out, err = run_cli("probe", url, *FAST, "--json")
    assert code == 0, err
    data = json.loads(out)
    assert data["server"] == {**data["server"], "kind": "openai", "model": "tiny", "url": url}
    run = data["runs"][0]
    assert run["ttft_s"] >= 0.3  # the content token came 0.3 s after the role chunk
    assert run["first_byte_s"] < 0.3
    assert run["output_tokens"] == 5 and run["token_source"] == "server usage"
    assert run["decode_tokens_per_s"] > 0 and run["cold"] is False
    assert data["summary"][0]["ttft_s"]["p50"] == pytest.approx(run["ttft_s"])


def test_unknown_model_404(server, run_cli):
    def not_found(h):
        h.send_json(404, {"error": {"message": "The model `nope` does not exist.", "type": "NotFoundError"}})

    url = server({("GET", "/v1/models"): openai_models, ("POST", "/v1/chat/completions"): not_found})
    code, out, err = run_cli("probe", url, "--model", "nope", *FAST)
    assert code == 4
    assert "HTTP 404" in err and "does not exist" in err
    assert "tiny" in err  # the hint names what the server does serve


def test_server_error_500(server, run_cli):
    url = server(
        {
            ("GET", "/v1/models"): openai_models,
            ("POST", "/v1/chat/completions"): lambda h: h.send_json(500, {"error": "CUDA out of memory"}),
        }
    )
    code, _, err = run_cli("probe", url, *FAST)
    assert code == 4
    assert "HTTP 500" in err and "out of memory" in err
    assert "Traceback" not in err


def test_malformed_stream_keeps_what_it_measured(server, run_cli):
    def garbage(h):
        h.start_stream()
        h.chunk(sse(delta(content="ok")))
        h.chunk(b"data: {this is not json\n\n")
        h.end_stream()

    url = server({("GET", "/v1/models"): openai_models, ("POST", "/v1/chat/completions"): garbage})
    code, out, err = run_cli("probe", url, *FAST, "--json")
    assert code == 4
    run = json.loads(out)["runs"][0]
    assert run["status"] == "malformed" and run["content_chunks"] == 1 and run["ttft_s"] is not None
    assert "malformed stream" in err


def test_stalled_server_hits_the_idle_timeout(server, run_cli):
    def stall(h):
        h.start_stream()
        h.chunk(sse(delta(content="a")))
        h.chunk(sse(delta(content="b")))
        server.stop.wait(10)  # then silence until the test ends

    url = server({("GET", "/v1/models"): openai_models, ("POST", "/v1/chat/completions"): stall})
    started = time.perf_counter()
    code, out, err = run_cli("probe", url, *FAST, "--idle-timeout", "0.5", "--json")
    assert time.perf_counter() - started < 4
    assert code == 4
    run = json.loads(out)["runs"][0]
    assert run["status"] == "timeout" and run["stage"] == "streaming" and run["content_chunks"] == 2
    assert "idle time-out" in err and "after 2 content chunks" in err


def test_first_token_timeout_is_separate(server, run_cli):
    def silent(h):
        h.start_stream()
        h.chunk(sse(delta(role="assistant", content="")))
        server.stop.wait(10)

    url = server({("GET", "/v1/models"): openai_models, ("POST", "/v1/chat/completions"): silent})
    code, out, _ = run_cli("probe", url, *FAST, "--first-token-timeout", "0.4", "--idle-timeout", "5", "--json")
    assert code == 4
    run = json.loads(out)["runs"][0]
    assert run["status"] == "timeout" and "first-token" in run["error"] and run["stage"] == "first_byte"


def test_server_killed_mid_stream(server, run_cli):
    def killed(h):
        h.start_stream()
        h.chunk(sse(delta(content="a")))
        h.chunk(sse(delta(content="b")))
        time.sleep(0.3)  # let the client read them: an RST discards unread data
        # What a killed process leaves: the kernel resets the connection (SO_LINGER 0 -> RST).
        h.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        h.connection.close()
        h.close_connection = True

    url = server({("GET", "/v1/models"): openai_models, ("POST", "/v1/chat/completions"): killed})
    code, out, err = run_cli("probe", url, *FAST, "--json")
    assert code == 4
    run = json.loads(out)["runs"][0]
    assert run["status"] == "broken" and run["content_chunks"] == 2
    assert "broke mid-stream" in run["error"] or "before its end marker" in run["error"]


def test_api_key_is_sent_but_never_printed_or_saved(server, run_cli, monkeypatch, tmp_path):
    secret = "sk-test-secret-0123456789"
    monkeypatch.setenv("MI50PLAN_API_KEY", secret)
    seen = []

    def chat(h):
        seen.append(h.headers.get("Authorization"))
        good_stream(h)

    url = server({("GET", "/v1/models"): openai_models, ("POST", "/v1/chat/completions"): chat})
    results = tmp_path / "r.json"
    code, out, err = run_cli("probe", url.replace("http://", "http://user:pw@"), *FAST, "--save", str(results))
    assert code == 0, err
    assert seen == [f"Bearer {secret}"]
    for text in (out, err, results.read_text()):
        assert secret not in text and "user:pw" not in text


def test_save_appends_and_never_overwrites_a_corrupt_file(server, run_cli, tmp_path):
    url = server({("GET", "/v1/models"): openai_models, ("POST", "/v1/chat/completions"): good_stream})
    results = tmp_path / "results.json"
    for _ in range(2):
        code, _, err = run_cli("probe", url, *FAST, "--save", str(results))
        assert code == 0, err
    assert len(json.loads(results.read_text())["probes"]) == 2
    corrupt = tmp_path / "corrupt.json"
    corrupt.write_text('{"kind": "mi50plan-probe-results", "probes": [')
    code, _, err = run_cli("probe", url, *FAST, "--save", str(corrupt))
    assert code == 3 and "not valid JSON" in err
    assert corrupt.read_text() == '{"kind": "mi50plan-probe-results", "probes": ['


@pytest.mark.recorded
def test_vllm_recorded_stream_and_metrics(server, run_cli):
    """vLLM chunks and /metrics replayed from tests/data/recorded (hand-written to vLLM's shape)."""
    before, after = RECORDED / "vllm-metrics-before.txt", RECORDED / "vllm-metrics-after.txt"
    scrapes = iter([before, before, after])  # detection, then before and after the measured block

    def metrics(h):
        data = next(scrapes).read_bytes()
        h.send_response(200)
        h.send_header("Content-Length", str(len(data)))
        h.end_headers()
        h.wfile.write(data)

    def chat(h):
        h.start_stream()
        for block in (RECORDED / "vllm-chat-stream.sse").read_bytes().split(b"\n\n"):
            if block.strip():
                h.chunk(block + b"\n\n")
        h.end_stream()

    def models(h):
        h.send_json(
            200,
            {
                "object": "list",
                "data": [
                    {"id": "Qwen/Qwen2.5-1.5B-Instruct", "object": "model", "owned_by": "vllm", "max_model_len": 4096}
                ],
            },
        )

    url = server({("GET", "/v1/models"): models, ("GET", "/metrics"): metrics, ("POST", "/v1/chat/completions"): chat})
    code, out, err = run_cli("probe", url, *FAST, "--json")
    assert code == 0, err
    data = json.loads(out)
    assert data["server"]["kind"] == "vllm" and data["server"]["max_model_len"] == 4096
    run = data["runs"][0]
    assert (run["prompt_tokens"], run["output_tokens"], run["token_source"]) == (30, 5, "server usage")
    assert run["content_chunks"] == 4  # the role chunk with empty content is not a token
    m = data["summary"][0]["server_metrics"]
    # one request between the scrapes: TTFT sum 0.52 -> 0.57 s, TPOT 0.32 -> 0.40 s over 4 tokens
    assert m["mean_ttft_s"] == pytest.approx(0.05) and m["mean_tpot_s"] == pytest.approx(0.02)
    assert m["generation_tokens"] == 5 and m["prompt_tokens"] == 30


@pytest.mark.recorded
def test_ollama_recorded_stream_and_cold_start(server, run_cli):
    """Ollama /api/chat NDJSON replayed from tests/data/recorded (hand-written to docs/api.md's shape).
    Its load_duration of 20.7 s marks the first request as a cold start, as in the reference report."""
    url = server(ollama_routes("ollama-chat-stream.ndjson", "/api/chat"))
    code, out, err = run_cli("probe", url, "--warmup", "1", "--runs", "1", "--prompts", "short", "--quiet", "--json")
    assert code == 0, err
    data = json.loads(out)
    assert data["server"]["kind"] == "ollama" and data["server"]["model"] == "qwen2.5:7b-instruct"
    first = data["runs"][0]
    assert first["cold"] and first["warmup"]
    assert data["cold_start"]["detected"] and "load_duration" in data["cold_start"]["reason"]
    assert (first["output_tokens"], first["prompt_tokens"], first["token_source"]) == (4, 36, "ollama eval_count")
    st = first["server_timings"]
    assert st["load_s"] == pytest.approx(20.712) and st["decode_tokens_per_s"] == pytest.approx(20.0)


def test_cold_start_rule_on_the_reference_report():
    """Reference report timings (mi50-vllm-vs-ollama-report.md, test 1): Ollama 22.889 / 2.093 / 1.853 s
    is a cold start; vLLM 0.596 / 0.818 / 1.905 s is not."""
    assert measure.cold_start_reason(22.889, [2.093, 1.853], None)
    assert measure.cold_start_reason(0.596, [0.818, 1.905], None) is None


def test_percentile_and_run_timing():
    assert measure.percentile([1, 2, 3, 4], 50) == 2.5
    t = measure.run_timing(0.0, [0.5, 0.6, 0.7, 0.9], 1.0, output_tokens=4)
    assert t.ttft_s == 0.5 and t.e2e_s == 1.0
    assert t.decode_tokens_per_s == pytest.approx(3 / 0.4)
