"""One streamed request: a reader thread stamps each chunk; the caller applies the time-outs."""

from __future__ import annotations

import json
import queue
import threading
import time
from dataclasses import dataclass, field

import httpx

from planner.errors import (
    ServerTimeout,
)
from planner.schemas import check_ollama_final, check_timings, check_usage
from planner.sources.probe.http import (
    MAX_LINE_BYTES,
    ServerInfo,
    Timeouts,
    _cut,
    _error_text,
    network_error,
)
from planner.sources.redact import redact


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
    return stream_request(client, server.url, server.kind, path, body, timeouts, headers, retry)


def stream_request(
    client: httpx.Client,
    base_url: str,
    kind: str,
    path: str,
    body: dict,
    timeouts: Timeouts,
    headers: dict[str, str] | None = None,
    retry: bool = True,
) -> _Stream:
    """POST `body` to base_url + path and time its stream (SSE, or Ollama's NDJSON when kind is ollama);
    stream_once's rules. The load generator (planner.sources.loadgen) sends its own bodies through it."""
    # The header read gets the first-token budget: some servers send headers only with the first token.
    timeout = httpx.Timeout(
        connect=timeouts.connect_s,
        read=max(timeouts.first_token_s, timeouts.idle_s),
        write=timeouts.connect_s,
        pool=timeouts.total_s,
    )
    st = _Stream(t_send=time.perf_counter())
    url = base_url + path
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
            _consume(response, kind, st, timeouts)
    except httpx.RemoteProtocolError as exc:
        if st.stage == "connect" and retry:
            # The server closed a pooled keep-alive connection just as it was reused (llama-server
            # does this between requests): nothing was sent, so one retry on a fresh connection is safe.
            return stream_request(client, base_url, kind, path, body, timeouts, headers, retry=False)
        err = network_error(exc, base_url, timeouts)
        st.status, st.error, st.t_end = "broken", err.message, time.perf_counter()
    except httpx.HTTPError as exc:
        err = network_error(exc, base_url, timeouts)
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
