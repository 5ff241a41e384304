"""Live latency probes of a running LLM server (vLLM, Ollama, llama-server, other OpenAI-compatible).

The HTTP client and the time-outs are parameters, so tests point the prober at real servers on
127.0.0.1. Every request streams; a reader thread stamps each chunk as it arrives, and the caller's
thread applies the four separate time-outs (connect, first token, idle gap, total) to that queue, so
a stalled server is cut off at the right moment and what was measured until then is kept.
Maths (TTFT, decode rate, percentiles, cold starts) lives in planner.core.measure.

API facts used here: /shared/reference/engine-facts.md section 6 (Ollama docs/api.md, llama.cpp
tools/server README, vLLM's OpenAI server and Prometheus metrics).
"""

from __future__ import annotations

import contextlib
import json
import os
import queue
import random
import socket
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import httpx

from planner.core import measure
from planner.errors import (
    BadResponse,
    ProbeError,
    ResultsFileError,
    ServerTimeout,
    ServerUnreachable,
    UsageError,
)
from planner.schemas import MAX_CONTEXT, check_ollama_final, check_results, check_timings, check_usage
from planner.sources.files import parse_json, read_text
from planner.sources.redact import redact, register_secret

KINDS = ("vllm", "ollama", "llamacpp", "openai")
KIND_NAMES = {"vllm": "vLLM", "ollama": "Ollama", "llamacpp": "llama-server", "openai": "OpenAI-compatible"}
API_KEY_VARS = ("MI50PLAN_API_KEY", "OPENAI_API_KEY")
# Bounds on what a server may make us read (the --timeout bounds the time): detection answers are kB
# (vLLM's /metrics about 100 kB), an error body is one message, one streamed line is one token chunk.
MAX_BODY_BYTES = 8 * 2**20
MAX_ERROR_BYTES = 64 * 2**10
MAX_LINE_BYTES = 4 * 2**20

LONG_PASSAGE = """\
The history of computing is a story of people trying to make machines remember. The earliest
mechanical calculators could add and carry, but they forgot every number the moment the handle
stopped turning. Charles Babbage's design for the Analytical Engine separated the store, where
numbers waited, from the mill, where they were worked on, and that separation still shapes every
processor built today. When electronic machines arrived in the 1940s, memory was the hardest part
to build: mercury delay lines kept pulses circulating through tubes of liquid metal, cathode ray
tubes held charges on their phosphor faces, and magnetic drums spun under reading heads. Each
technology was fast in one way and slow in another, and programmers learned to arrange their work
so that the next number they needed would arrive just as the machine was ready for it.

Magnetic core memory made main memory reliable for two decades. Tiny rings of ferrite, threaded by
hand onto grids of wire, held one bit each and kept it without power. Cores were expensive, so
programs were small and carefully tuned. Then the integrated circuit changed the economics: dynamic
memory cells, one transistor and one capacitor each, could be printed by the million. Processors
grew faster still, and a gap opened between how quickly a processor could compute and how quickly
memory could feed it. Caches, small and fast memories close to the processor, were the answer; they
work because programs tend to reuse what they touched recently and to touch what lies nearby.

Graphics processors pushed the same trade-off to an extreme. A graphics card must read textures and
write pixels for millions of points every frame, so its designers chose wide memory buses and
stacked memory placed beside the chip on a silicon interposer. High bandwidth memory lets a single
accelerator move a terabyte per second. That bandwidth turned out to matter for something its
designers had not planned: neural networks. Training and running a large language model means
multiplying enormous matrices of weights by vectors of activations, and when a model answers one
request at a time, each generated token requires reading every weight once. The speed of that step
is set almost entirely by memory bandwidth, not by arithmetic.

This is why people who serve language models talk about two phases. In the prefill phase the model
reads the whole prompt at once; many tokens share each weight read, so the work is limited by
arithmetic throughput. In the decode phase the model produces one token at a time for each request,
and every step must stream the weights again, so the work is limited by bandwidth. Batching several
requests together lets them share the weight reads, which is how servers raise their total
throughput, but each request also needs a key and value cache that grows with its length, and that
cache competes with the weights for the same memory. A serving engine is, in the end, a careful
bookkeeper of memory: it decides how many requests can wait, how long each may grow, and what must
be evicted when space runs out.

Older accelerators remain useful in this world because bandwidth ages more gracefully than
arithmetic. A card with sixteen gigabytes of fast memory can still decode a small quantized model
quickly, even if its matrix units lack modern number formats. The practical questions are whether
the model fits, how much room remains for the cache, and how fast each phase will run. Answering
them well requires measuring real servers, comparing the measurements with predictions, and
correcting the predictions where they were wrong.
"""

PROMPT_SETS: dict[str, str] = {
    # The reference report's two prompts (a greeting in Chinese, an explanation of machine learning)
    # plus a long one whose prefill dominates TTFT.
    "short": "你好",
    "medium": "Explain what machine learning is, how it differs from writing rules by hand, and give "
    "three examples of where it is used today.",
    "long": LONG_PASSAGE + "\nSummarize the passage above in three sentences.",
}


@dataclass(frozen=True)
class Timeouts:
    connect_s: float = 5.0
    first_token_s: float = 120.0  # send -> first content token; covers model load and long prefill
    idle_s: float = 30.0  # longest silence between two chunks once tokens flow
    total_s: float = 600.0  # one request, start to end


@dataclass
class ServerInfo:
    kind: str
    url: str
    model: str | None
    models: list[str] = field(default_factory=list)
    max_model_len: int | None = None
    version: str | None = None
    details: dict = field(default_factory=dict)


@dataclass
class Prompt:
    name: str  # the prompt set: short, medium, long, file, file-2, ...
    text: str


def api_key_from_env() -> str | None:
    for var in API_KEY_VARS:
        value = os.environ.get(var, "").strip()
        if value:
            register_secret(value)
            if any(ord(c) < 32 or ord(c) == 127 for c in value):
                # Never echo it: a key with a newline would also split the Authorization header.
                raise UsageError(var, None, "holds a control character (a newline?); set it to the key alone")
            return value
    return None


def auth_headers(api_key: str | None) -> dict[str, str]:
    return {"Authorization": f"Bearer {api_key}"} if api_key else {}


def normalize_url(url: str) -> str:
    """scheme://host:port[/prefix] without credentials, trailing slash or a trailing /v1."""
    text = url.strip()
    if "://" not in text:
        text = "http://" + text
    shown = redact(url if len(url) <= 80 else url[:77] + "...")
    try:
        parts = urlsplit(text)
        port = parts.port
    except ValueError as exc:
        raise UsageError("URL", shown, f"not a URL ({exc})", hint="for example http://127.0.0.1:8000") from None
    if parts.scheme not in ("http", "https"):
        raise UsageError("URL", shown, "not an http:// or https:// URL", hint="for example http://127.0.0.1:8000")
    if not parts.hostname:
        raise UsageError("URL", shown, "no host in the URL", hint="for example http://127.0.0.1:8000")
    if len(parts.hostname) > 253 or any(len(label) > 63 for label in parts.hostname.split(".")) or any(
        ord(c) <= 32 or ord(c) == 127 for c in text
    ):
        raise UsageError("URL", shown, "not a valid host name", hint="for example http://127.0.0.1:8000")
    host = parts.hostname if ":" not in parts.hostname else f"[{parts.hostname}]"
    netloc = f"{host}:{port}" if port else host  # user:password@ dropped: never saved
    path = parts.path.rstrip("/")
    if path.endswith("/v1"):
        path = path[:-3]
    return urlunsplit((parts.scheme, netloc, path, "", ""))


def _host_port(url: str) -> str:
    parts = urlsplit(url)
    port = parts.port or (443 if parts.scheme == "https" else 80)
    return f"{parts.hostname}:{port}"


def network_error(exc: Exception, url: str, timeouts: Timeouts) -> ProbeError:
    """One plain line for a transport failure (httpie's style: say what failed and what to check)."""
    where = _host_port(url)
    if isinstance(exc, httpx.ConnectTimeout):
        return ServerTimeout(
            f"connect time-out after {timeouts.connect_s:g} s at {where}",
            hint="is the host reachable? raise --connect-timeout if it is slow",
        )
    if isinstance(exc, httpx.ConnectError):
        text = str(exc).lower()
        if "refused" in text or "errno 111" in text:
            return ServerUnreachable(
                f"connection refused at {where} - is the server running?",
                hint="start it (vllm serve, ollama serve, llama-server) or check the port",
            )
        if "name or service" in text or "nodename" in text or "getaddrinfo" in text:
            return ServerUnreachable(f"cannot resolve the host of {url}", hint="check the URL")
        return ServerUnreachable(f"cannot connect to {where} ({exc})", hint="is the server running?")
    if isinstance(exc, httpx.TimeoutException):
        return ServerTimeout(f"no answer from {where} within the time-out", hint="raise --timeout")
    return BadResponse(redact(f"the connection to {where} failed ({type(exc).__name__}: {exc})"))


def _read_bounded(response: httpx.Response, max_bytes: int, seconds: float) -> tuple[bytes, bool]:
    """(body, complete): at most max_bytes, within seconds (each read also bounded by the read time-out).
    An endless or huge body is cut, never read to its end."""
    deadline = time.perf_counter() + seconds
    out = bytearray()
    try:
        for chunk in response.iter_bytes():
            out += chunk
            if len(out) > max_bytes or time.perf_counter() > deadline:
                _cut(response)
                return bytes(out[:max_bytes]), False
    except httpx.HTTPError:
        return bytes(out), False
    return bytes(out), True


def _error_text(response: httpx.Response, seconds: float = 5.0) -> str:
    """The server's own error message, short and redacted; never the request (it may carry a key)."""
    raw, _ = _read_bounded(response, MAX_ERROR_BYTES, seconds)
    body = raw.decode("utf-8", "replace")
    try:
        data = json.loads(body)
    except (ValueError, RecursionError):
        return redact(body.strip().splitlines()[0][:200]) if body.strip() else ""
    if isinstance(data, dict):
        err = data.get("error", data.get("detail", data.get("message")))
        if isinstance(err, dict):
            err = err.get("message", err)
        if err is not None:
            return redact(str(err)[:200])
    return redact(body[:200])


# ---------------------------------------------------------------- detection


def _name(value: object) -> str | None:
    """A name a server reports (model id, version), as short redacted text; None when it is not text."""
    if not isinstance(value, str) or not value.strip():
        return None
    return redact(value.strip()[:256])


def _count(value: object) -> int | None:
    """A token count a server reports (n_ctx, max_model_len), or None when it is not a sane one."""
    if isinstance(value, int) and not isinstance(value, bool) and 0 < value <= MAX_CONTEXT:
        return value
    return None


def _get(client: httpx.Client, url: str, headers: dict, timeouts: Timeouts) -> tuple[int, bytes | None]:
    """(status, body) of a GET; the body is None when it is not 200 or too large or slow to read whole."""
    seconds = min(timeouts.first_token_s, timeouts.total_s)
    timeout = httpx.Timeout(seconds, connect=timeouts.connect_s)
    with client.stream("GET", url, headers=headers, timeout=timeout) as response:
        if response.status_code != 200:
            _read_bounded(response, MAX_ERROR_BYTES, seconds)  # a short error body read keeps the connection
            return response.status_code, None
        body, complete = _read_bounded(response, MAX_BODY_BYTES, seconds)
        return 200, body if complete else None


def _get_json(client: httpx.Client, url: str, headers: dict, timeouts: Timeouts) -> tuple[int, object]:
    try:
        status, body = _get(client, url, headers, timeouts)
    except httpx.HTTPError as exc:
        raise network_error(exc, url, timeouts) from exc
    if body is None:
        return status, None
    try:
        return status, json.loads(body)
    except (ValueError, RecursionError):
        return status, None


def _get_text(client: httpx.Client, url: str, headers: dict, timeouts: Timeouts) -> str | None:
    try:
        _, body = _get(client, url, headers, timeouts)
    except httpx.HTTPError:
        return None
    return body.decode("utf-8", "replace") if body is not None else None


def detect_server(
    client: httpx.Client,
    url: str,
    *,
    model: str | None,
    timeouts: Timeouts,
    headers: dict[str, str] | None = None,
) -> ServerInfo:
    """Which server answers at url, and which model it serves. Raises ProbeError types."""
    base = normalize_url(url)
    headers = headers or {}
    # Ollama first: /api/version is unique to it and cheap; llama-server and vLLM answer 404.
    status, data = _get_json(client, f"{base}/api/version", headers, timeouts)
    if status == 200 and isinstance(data, dict) and "version" in data:
        _, tags = _get_json(client, f"{base}/api/tags", headers, timeouts)
        models = tags.get("models") if isinstance(tags, dict) else None
        entries = [m for m in models if isinstance(m, dict)] if isinstance(models, list) else []
        names = [n for n in (_name(m.get("name") or m.get("model")) for m in entries) if n]
        chosen = model or (names[0] if names else None)
        if chosen is None:
            raise BadResponse(f"Ollama at {base} has no models pulled", hint="`ollama pull MODEL`, then --model MODEL")
        return ServerInfo("ollama", base, chosen, names, version=_name(str(data["version"])))
    status, props = _get_json(client, f"{base}/props", headers, timeouts)
    if status == 200 and isinstance(props, dict) and "default_generation_settings" in props:
        health, _ = _get_json(client, f"{base}/health", headers, timeouts)
        _, listing = _get_json(client, f"{base}/v1/models", headers, timeouts)
        data_list = listing.get("data") if isinstance(listing, dict) else None
        entries = [m for m in data_list if isinstance(m, dict)] if isinstance(data_list, list) else []
        names = [n for n in (_name(m.get("id")) for m in entries) if n]
        settings = props.get("default_generation_settings")
        settings = settings if isinstance(settings, dict) else {}
        details = {
            "n_ctx": _count(settings.get("n_ctx")),
            "total_slots": _count(props.get("total_slots")),
            "build_info": _name(props.get("build_info")),
            "health_status": health,
        }
        chosen = model or (names[0] if names else _name(props.get("model_path")))
        return ServerInfo(
            "llamacpp",
            base,
            chosen,
            names,
            max_model_len=details["n_ctx"],
            version=details["build_info"],
            details=details,
        )
    status, listing = _get_json(client, f"{base}/v1/models", headers, timeouts)
    if status in (401, 403):
        raise BadResponse(
            f"HTTP {status} from {base}/v1/models: the server wants an API key",
            hint="export MI50PLAN_API_KEY (or OPENAI_API_KEY) with the server's key",
        )
    if status != 200 or not isinstance(listing, dict):
        raise BadResponse(
            f"{base} answers, but not as vLLM, Ollama, llama-server or an OpenAI-compatible "
            f"server (GET /v1/models: HTTP {status})",
            hint="check the URL and port",
        )
    data_list = listing.get("data")
    entries = [m for m in data_list if isinstance(m, dict)] if isinstance(data_list, list) else []
    entries = [m for m in entries if _name(m.get("id"))]
    names = [_name(m.get("id")) for m in entries]
    chosen = model or (names[0] if names else None)
    max_len = next((_count(m.get("max_model_len")) for m in entries if _name(m.get("id")) == chosen), None)
    metrics = _get_text(client, f"{base}/metrics", headers, timeouts)
    is_vllm = (
        max_len is not None
        or any(m.get("owned_by") == "vllm" for m in entries)
        or (metrics is not None and "vllm:" in metrics)
    )
    if chosen is None:
        raise BadResponse(f"{base}/v1/models lists no model", hint="pass --model")
    return ServerInfo(
        "vllm" if is_vllm else "openai",
        base,
        chosen,
        names,
        max_model_len=max_len,
        details={"metrics": metrics is not None and "vllm:" in metrics},
    )


# ---------------------------------------------------------------- one streamed request


def request_for(server: ServerInfo, prompt: str, output_tokens: int) -> tuple[str, dict]:
    """The endpoint and JSON body of one streamed chat request."""
    messages = [{"role": "user", "content": prompt}]
    if server.kind == "ollama":
        return "/api/chat", {
            "model": server.model,
            "messages": messages,
            "stream": True,
            "options": {"num_predict": output_tokens, "temperature": 0},
        }
    body = {
        "model": server.model,
        "messages": messages,
        "stream": True,
        "max_tokens": output_tokens,
        "temperature": 0,
        "stream_options": {"include_usage": True},
    }
    if server.kind in ("vllm", "llamacpp"):
        # Both accept ignore_eos: every run then decodes the same number of tokens, so decode rates
        # of runs and of the prediction refer to the same length.
        body["ignore_eos"] = True
    if server.kind == "llamacpp":
        # llama-server reuses a slot's cached prompt; each run must pay its full prefill.
        body["cache_prompt"] = False
    return "/v1/chat/completions", body


@dataclass
class _Stream:
    t_send: float
    t_headers: float | None = None
    t_first_byte: float | None = None
    t_end: float | None = None
    content_times: list[float] = field(default_factory=list)
    chunk_times: list[float] = field(default_factory=list)
    usage: dict | None = None
    timings: dict | None = None  # llama-server
    ollama_final: dict | None = None
    finished: bool = False  # the protocol's own end marker arrived
    status: str = "ok"
    stage: str = "connect"
    error: str | None = None
    http_status: int | None = None


def _parse_line(line: str, kind: str, st: _Stream, t: float) -> None:
    """One SSE or NDJSON line; raises ValueError on garbage."""
    line = line.strip()
    if not line:
        return
    if kind == "ollama":
        obj = json.loads(line)
        if not isinstance(obj, dict):
            raise ValueError("not a JSON object")
        if "error" in obj:
            raise _ServerSaid(str(obj["error"])[:200])
        message = obj.get("message") or {}
        if not isinstance(message, dict):
            raise ValueError("'message' is not a JSON object")
        if message.get("content") or message.get("thinking") or obj.get("response"):
            st.content_times.append(t)
        if obj.get("done"):
            st.ollama_final = check_ollama_final(obj)
            st.finished = True
        return
    if line.startswith(":") or line.startswith(("event:", "id:", "retry:")):
        return  # SSE comments and fields other than data
    if not line.startswith("data:"):
        raise ValueError(f"not an SSE line: {line[:60]!r}")
    payload = line[5:].strip()
    if payload == "[DONE]":
        st.finished = True
        return
    obj = json.loads(payload)
    if not isinstance(obj, dict):
        raise ValueError("not a JSON object")
    if "error" in obj:
        err = obj["error"]
        raise _ServerSaid(str(err.get("message", err) if isinstance(err, dict) else err)[:200])
    choices = obj.get("choices") or []
    if not isinstance(choices, list) or not all(isinstance(c, dict) for c in choices):
        raise ValueError("'choices' is not a list of objects")
    for choice in choices:
        delta = choice.get("delta") or {}
        if not isinstance(delta, dict):
            raise ValueError("'delta' is not a JSON object")
        # A role-only first chunk carries no token; reasoning models stream reasoning_content first.
        if delta.get("content") or delta.get("reasoning_content") or delta.get("reasoning") or choice.get("text"):
            st.content_times.append(t)
            break
    if obj.get("usage"):
        st.usage = check_usage(obj["usage"])
    if obj.get("timings"):
        st.timings = check_timings(obj["timings"])


class _ServerSaid(Exception):
    """An error object inside a stream that had started well."""


_END = object()


def _reader(response: httpx.Response, out: queue.Queue) -> None:
    try:
        for chunk in response.iter_bytes():
            out.put((time.perf_counter(), chunk))
        out.put((time.perf_counter(), _END))
    except Exception as exc:  # handed to the measuring thread, which decides what it means
        out.put((time.perf_counter(), exc))


def _cut(response: httpx.Response) -> None:
    """Stop a stream from this thread while the reader thread may sit in recv()."""
    stream = response.extensions.get("network_stream")
    sock = stream.get_extra_info("socket") if stream is not None else None
    if isinstance(sock, socket.socket):
        with contextlib.suppress(OSError):
            sock.shutdown(socket.SHUT_RDWR)  # wakes a blocked recv(); close() alone does not


def stream_once(
    client: httpx.Client,
    server: ServerInfo,
    prompt: str,
    output_tokens: int,
    timeouts: Timeouts,
    headers: dict[str, str] | None = None,
    retry: bool = True,
) -> _Stream:
    """Send one streamed request and time it. Transport failures become a status, not an exception,
    except HTTP error statuses, which the caller turns into a BadResponse (they repeat on every run)."""
    path, body = request_for(server, prompt, output_tokens)
    # The header read gets the first-token budget: some servers send headers only with the first token.
    timeout = httpx.Timeout(
        connect=timeouts.connect_s,
        read=max(timeouts.first_token_s, timeouts.idle_s),
        write=timeouts.connect_s,
        pool=timeouts.total_s,
    )
    st = _Stream(t_send=time.perf_counter())
    url = server.url + path
    try:
        with client.stream("POST", url, json=body, headers=headers or {}, timeout=timeout) as response:
            st.t_headers = time.perf_counter()
            st.stage = "headers"
            st.http_status = response.status_code
            if response.status_code >= 400:
                st.status = "http_error"
                st.error = f"HTTP {response.status_code} from POST {path}: {_error_text(response)}".rstrip(": ")
                st.t_end = time.perf_counter()
                return st
            _consume(response, server.kind, st, timeouts)
    except httpx.RemoteProtocolError as exc:
        if st.stage == "connect" and retry:
            # The server closed a pooled keep-alive connection just as it was reused (llama-server
            # does this between requests): nothing was sent, so one retry on a fresh connection is safe.
            return stream_once(client, server, prompt, output_tokens, timeouts, headers, retry=False)
        err = network_error(exc, server.url, timeouts)
        st.status, st.error, st.t_end = "broken", err.message, time.perf_counter()
    except httpx.HTTPError as exc:
        err = network_error(exc, server.url, timeouts)
        st.status = "timeout" if isinstance(err, ServerTimeout) else "unreachable"
        st.error = err.message
        st.t_end = time.perf_counter()
    return st


def _consume(response: httpx.Response, kind: str, st: _Stream, timeouts: Timeouts) -> None:
    chunks: queue.Queue = queue.Queue()
    worker = threading.Thread(target=_reader, args=(response, chunks), daemon=True)
    worker.start()
    deadline_total = st.t_send + timeouts.total_s
    buffer = b""
    while True:
        if st.content_times:
            last = st.chunk_times[-1]
            limit, which = last + timeouts.idle_s, f"idle time-out: no data for {timeouts.idle_s:g} s"
        else:
            limit, which = (
                st.t_send + timeouts.first_token_s,
                f"first-token time-out: no token within {timeouts.first_token_s:g} s",
            )
        if deadline_total <= limit:
            limit, which = deadline_total, f"total time-out after {timeouts.total_s:g} s"
        try:
            t, item = chunks.get(timeout=max(0.0, limit - time.perf_counter()))
        except queue.Empty:
            st.status, st.error, st.t_end = "timeout", which, time.perf_counter()
            _cut(response)
            return
        if item is _END:
            st.t_end = t
            if buffer.strip():
                _line(buffer.decode("utf-8", "replace"), kind, st, t)
            if st.status == "ok" and not st.finished:
                st.status, st.error = "broken", "the stream ended before its end marker"
            if st.status == "ok" and not st.content_times:
                st.status, st.error = "empty", "the stream ended without a single token"
            if st.status == "ok":
                st.stage = "done"
            return
        if isinstance(item, BaseException):
            st.t_end = t
            st.status = "broken"
            st.error = f"the connection broke mid-stream ({type(item).__name__}: {item})"
            return
        if st.t_first_byte is None:
            st.t_first_byte = t
            st.stage = "first_byte"
        st.chunk_times.append(t)
        buffer += item
        if b"\n" not in item:
            if len(buffer) > MAX_LINE_BYTES:
                st.status, st.t_end = "malformed", t
                st.error = f"malformed stream: a line longer than {MAX_LINE_BYTES // 2**20} MiB"
                _cut(response)
                return
            continue
        *lines, buffer = buffer.split(b"\n")
        for raw in lines:
            _line(raw.decode("utf-8", "replace"), kind, st, t)
            if st.status != "ok":
                st.t_end = t
                _cut(response)
                return


def _line(text: str, kind: str, st: _Stream, t: float) -> None:
    before = len(st.content_times)
    try:
        _parse_line(text, kind, st, t)
    except _ServerSaid as exc:
        st.status, st.error = "server_error", redact(f"the server reported an error mid-stream: {exc}")
        return
    except (ValueError, RecursionError) as exc:
        st.status, st.error = "malformed", redact(f"malformed stream: {exc}")
        return
    if len(st.content_times) > before:
        st.stage = "first_token" if len(st.content_times) == 1 else "streaming"


# ---------------------------------------------------------------- from a stream to a run record


def token_counts(st: _Stream) -> tuple[int | None, int | None, str, str]:
    """(prompt_tokens, output_tokens, token_source, prompt_token_source), best source first."""
    counted = len(st.content_times)
    if st.status != "ok":
        return None, counted, "counted chunks", "none"
    if st.timings and st.timings.get("predicted_n") is not None:
        prompt = None
        if st.timings.get("prompt_n") is not None:
            prompt = int(st.timings["prompt_n"]) + int(st.timings.get("cache_n") or 0)
        return prompt, int(st.timings["predicted_n"]), "llama-server timings", "llama-server timings"
    if st.ollama_final is not None and st.ollama_final.get("eval_count") is not None:
        # prompt_eval_count is omitted when Ollama reused a cached prompt (docs/api.md: zero omitted).
        prompt = st.ollama_final.get("prompt_eval_count")
        return (
            prompt,
            int(st.ollama_final["eval_count"]),
            "ollama eval_count",
            ("ollama prompt_eval_count" if prompt is not None else "none"),
        )
    if st.usage and st.usage.get("completion_tokens") is not None:
        return (
            st.usage.get("prompt_tokens"),
            int(st.usage["completion_tokens"]),
            "server usage",
            "server usage",
        )
    return None, counted, "counted chunks", "none"


NS = 1e-9


def server_timings(st: _Stream) -> dict | None:
    """The server's own timings for this request, in seconds, beside its raw fields."""
    if st.timings:
        t = st.timings
        out = {"source": "llama-server timings", "raw": dict(t)}
        if t.get("prompt_ms") is not None:
            out["prefill_s"] = t["prompt_ms"] / 1000
        if t.get("predicted_ms") is not None:
            out["decode_s"] = t["predicted_ms"] / 1000
        out["prefill_tokens_per_s"] = t.get("prompt_per_second")
        out["decode_tokens_per_s"] = t.get("predicted_per_second")
        return out
    if st.ollama_final:
        f = st.ollama_final
        keys = ("total_duration", "load_duration", "prompt_eval_duration", "eval_duration")
        out = {
            "source": "ollama durations",
            "raw": {k: f.get(k) for k in keys + ("prompt_eval_count", "eval_count") if f.get(k) is not None},
        }
        for k in keys:
            if f.get(k) is not None:
                out[k.replace("_duration", "_s")] = f[k] * NS
        if f.get("eval_count") and f.get("eval_duration"):
            out["decode_tokens_per_s"] = f["eval_count"] / (f["eval_duration"] * NS)
        if f.get("prompt_eval_count") and f.get("prompt_eval_duration"):
            out["prefill_tokens_per_s"] = f["prompt_eval_count"] / (f["prompt_eval_duration"] * NS)
        return out
    return None


def run_record(st: _Stream, *, prompt_set: str, concurrency: int, index: int, warmup: bool) -> dict:
    prompt_tokens, output_tokens, source, prompt_source = token_counts(st)
    timing = measure.run_timing(
        st.t_send,
        st.content_times,
        st.t_end if st.status == "ok" else None,
        output_tokens if st.status == "ok" else None,
    )
    server = server_timings(st)
    return {
        "prompt_set": prompt_set,
        "concurrency": concurrency,
        "index": index,
        "warmup": warmup,
        "cold": False,
        "status": st.status,
        "stage": st.stage,
        "error": st.error,
        "ttft_s": timing.ttft_s,
        "decode_tokens_per_s": timing.decode_tokens_per_s,
        "e2e_s": timing.e2e_s,
        "itl_s": timing.itl_mean_s,
        "chunk_gap_p50_s": timing.chunk_gap_p50_s,
        "chunk_gap_p90_s": timing.chunk_gap_p90_s,
        "chunk_gap_p99_s": timing.chunk_gap_p99_s,
        "first_byte_s": (st.t_first_byte - st.t_send) if st.t_first_byte else None,
        "headers_s": (st.t_headers - st.t_send) if st.t_headers else None,
        "elapsed_s": (st.t_end - st.t_send) if st.t_end else None,
        "prompt_tokens": prompt_tokens,
        "output_tokens": output_tokens,
        "token_source": source,
        "prompt_token_source": prompt_source,
        "content_chunks": timing.content_chunks,
        "chunks": len(st.chunk_times),
        "server_timings": server,
        "load_s": (server or {}).get("load_s"),
    }


def describe_failure(run: dict) -> str:
    """How far a failed run got, in one line."""
    got = {
        "connect": "before the server answered",
        "headers": "after the HTTP headers, before any data",
        "first_byte": "after the first bytes, before any token",
        "first_token": "after the first token",
        "streaming": f"after {run['content_chunks']} content chunks",
        "done": "at the end",
    }.get(run["stage"], run["stage"])
    return f"{run['error']} ({got})"


# ---------------------------------------------------------------- the whole probe


@dataclass
class ProbePlan:
    prompts: list[Prompt]
    runs: int = 3
    warmup: int = 1
    concurrency: list[int] = field(default_factory=lambda: [1])
    output_tokens: int = 128


def load_prompt_file(path: Path) -> list[Prompt]:
    """A text file: one prompt, or several separated by lines holding only '---'."""
    try:
        text = Path(path).read_text(encoding="utf-8")
    except OSError as exc:
        raise UsageError("--prompt-file", path, f"cannot read ({exc.strerror})") from exc
    parts = [p.strip() for p in text.replace("\r\n", "\n").split("\n---\n")]
    parts = [p for p in parts if p]
    if not parts:
        raise UsageError("--prompt-file", path, "holds no prompt")
    return [Prompt("file" if i == 0 else f"file-{i + 1}", p) for i, p in enumerate(parts)]


def builtin_prompts(names: str) -> list[Prompt]:
    wanted = [n.strip().lower() for n in names.split(",") if n.strip()]
    for n in wanted:
        if n not in PROMPT_SETS:
            raise UsageError("--prompts", names, f"unknown prompt set '{n}'", hint="use short, medium, long")
    return [Prompt(n, PROMPT_SETS[n]) for n in wanted]


Progress = Callable[[str], None]


def run_probe(
    client: httpx.Client,
    server: ServerInfo,
    plan: ProbePlan,
    timeouts: Timeouts,
    headers: dict[str, str] | None = None,
    progress: Progress | None = None,
) -> dict:
    """Warm-ups, then every prompt set at every concurrency level; returns runs, summary, cold start.

    Raises BadResponse when a request gets an HTTP error status (wrong model, bad key, broken
    server): that repeats on every run, so there is nothing worth measuring."""
    say = progress or (lambda _msg: None)
    runs: list[dict] = []
    summary: list[dict] = []
    # A unique tag in front of every prompt: vLLM's prefix cache and Ollama's prompt cache would
    # otherwise skip the prefill of a repeated prompt and the TTFT would measure nothing.
    counter = iter(range(random.randrange(1000, 9000), 10**9))

    def one(prompt: Prompt, conc: int, index: int, warm: bool) -> dict:
        st = stream_once(client, server, f"[{next(counter)}] {prompt.text}", plan.output_tokens, timeouts, headers)
        if st.status == "http_error":
            hint = None
            if st.http_status == 404 and server.models:
                hint = f"the server lists: {', '.join(m for m in server.models[:5] if m)}; pass one with --model"
            elif st.http_status in (401, 403):
                hint = "export MI50PLAN_API_KEY (or OPENAI_API_KEY) with the server's key"
            raise BadResponse(st.error or f"HTTP {st.http_status}", hint=hint)
        rec = run_record(st, prompt_set=prompt.name, concurrency=conc, index=index, warmup=warm)
        say(_progress_line(rec))
        return rec

    for prompt in plan.prompts:
        for i in range(plan.warmup):
            runs.append(one(prompt, 1, i, True))
        for conc in plan.concurrency:
            before = _scrape(client, server, headers, timeouts)
            started = time.perf_counter()
            if conc == 1:
                block = [one(prompt, 1, i, False) for i in range(plan.runs)]
            else:
                with ThreadPoolExecutor(max_workers=conc) as pool:
                    futures = [pool.submit(_worker_runs, one, prompt, conc, w, plan.runs) for w in range(conc)]
                    block = [rec for fut in futures for rec in fut.result()]
            wall = time.perf_counter() - started
            after = _scrape(client, server, headers, timeouts)
            runs.extend(block)
            summary.append(
                {
                    "prompt_set": prompt.name,
                    "concurrency": conc,
                    "wall_s": wall,
                    "server_metrics": measure.vllm_metrics_delta(before, after) if before and after else None,
                }
            )
    cold = _mark_cold(runs)
    for block in summary:
        block.update(summarize(runs, block["prompt_set"], block["concurrency"], block["wall_s"]))
    return {"runs": runs, "summary": summary, "cold_start": cold}


def _worker_runs(one: Callable, prompt: Prompt, conc: int, worker: int, runs: int) -> list[dict]:
    """One closed-loop client of a concurrency level: its requests back to back."""
    return [one(prompt, conc, worker * runs + i, False) for i in range(runs)]


def _progress_line(rec: dict) -> str:
    kind = "warm-up" if rec["warmup"] else "run"
    label = f"{rec['prompt_set']} c={rec['concurrency']} {kind} {rec['index'] + 1}"
    if rec["status"] != "ok":
        return f"probe: {label}: {describe_failure(rec)}"
    rate = rec["decode_tokens_per_s"]
    return (
        f"probe: {label}: TTFT {rec['ttft_s']:.3f} s, "
        + (f"{rate:.1f} tok/s, " if rate else "")
        + f"{rec['output_tokens']} tokens in {rec['e2e_s']:.2f} s"
    )


def _scrape(client: httpx.Client, server: ServerInfo, headers: dict | None, timeouts: Timeouts) -> dict | None:
    if server.kind != "vllm":
        return None
    text = _get_text(client, f"{server.url}/metrics", headers or {}, timeouts)
    return measure.parse_prometheus(text) if text else None


def _mark_cold(runs: list[dict]) -> dict | None:
    """The first request of a probe pays any model load; say so and keep it out of the statistics."""
    if not runs:
        return None
    first = runs[0]
    rest = [
        r["ttft_s"]
        for r in runs[1:]
        if r["prompt_set"] == first["prompt_set"] and r["concurrency"] == 1 and r["status"] == "ok"
    ]
    reason = measure.cold_start_reason(first["ttft_s"], rest, first.get("load_s"))
    if reason is None:
        return {"detected": False}
    first["cold"] = True
    return {
        "detected": True,
        "reason": reason,
        "prompt_set": first["prompt_set"],
        "warmup": first["warmup"],
        "ttft_s": first["ttft_s"],
        "e2e_s": first["e2e_s"],
        "load_s": first.get("load_s"),
    }


def summarize(runs: list[dict], prompt_set: str, concurrency: int, wall_s: float) -> dict:
    block = [r for r in runs if r["prompt_set"] == prompt_set and r["concurrency"] == concurrency and not r["warmup"]]
    ok = [r for r in block if r["status"] == "ok" and not r["cold"]]

    def mean(key: str) -> float | None:
        values = [r[key] for r in ok if r[key] is not None]
        return sum(values) / len(values) if values else None

    return {
        "runs": len(block),
        "ok": len(ok),
        "failed": sum(r["status"] != "ok" for r in block),
        "cold_excluded": sum(r["cold"] for r in block),
        "ttft_s": measure.spread([r["ttft_s"] for r in ok]),
        "decode_tokens_per_s": measure.spread([r["decode_tokens_per_s"] for r in ok]),
        "e2e_s": measure.spread([r["e2e_s"] for r in ok]),
        "itl_s": measure.spread([r["itl_s"] for r in ok]),
        "prompt_tokens": mean("prompt_tokens"),
        "output_tokens": mean("output_tokens"),
        "token_sources": sorted({r["token_source"] for r in ok}),
        "aggregate_tokens_per_s": measure.aggregate_throughput([r["output_tokens"] for r in ok], wall_s),
        "requests_per_s": len(ok) / wall_s if wall_s > 0 else None,
    }


def probe_record(server: ServerInfo, plan: ProbePlan, timeouts: Timeouts, result: dict) -> dict:
    """One probe as the results file and --json hold it. Never holds the API key or URL credentials."""
    return {
        "probed_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "server": {
            "kind": server.kind,
            "url": server.url,
            "model": server.model,
            "max_model_len": server.max_model_len,
            "version": server.version,
            "details": server.details,
        },
        "settings": {
            "runs": plan.runs,
            "warmup": plan.warmup,
            "concurrency": plan.concurrency,
            "output_tokens": plan.output_tokens,
            "prompt_sets": [p.name for p in plan.prompts],
            "timeouts": asdict(timeouts),
        },
        **result,
    }


# ---------------------------------------------------------------- the results file

RESULTS_KIND = "mi50plan-probe-results"


def read_results(path: Path, *, missing_ok: bool = False) -> dict:
    path = Path(path)
    if not path.exists():
        if missing_ok:
            return {"kind": RESULTS_KIND, "schema_version": 1, "probes": []}
        raise ResultsFileError(f"{path}: no such file", hint="create it with `mi50plan probe URL --save FILE`")
    what = "mi50plan probe results file"
    data = parse_json(read_text(path, what, ResultsFileError), str(path), what, ResultsFileError)
    if not isinstance(data, dict) or data.get("kind") != RESULTS_KIND or not isinstance(data.get("probes"), list):
        raise ResultsFileError(
            f"{path}: not a mi50plan probe results file",
            hint="the file was left untouched; save to another file",
        )
    check_results(data, str(path))
    return data


def append_results(path: Path, record: dict, write: Callable[[Path, str], None]) -> int:
    """Append one probe to the results file; write is an atomic writer. Returns the probe count."""
    data = read_results(path, missing_ok=True)
    data["probes"].append(record)
    write(Path(path), json.dumps(data, indent=2, ensure_ascii=False) + "\n")
    return len(data["probes"])
