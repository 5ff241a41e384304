"""Constants, time-outs, URLs, API keys and bounded reads of server text."""

from __future__ import annotations

import contextlib
import json
import os
import socket
import time
from dataclasses import dataclass, field
from urllib.parse import urlsplit, urlunsplit

import httpx

from planner.errors import (
    BadResponse,
    ProbeError,
    ServerTimeout,
    ServerUnreachable,
    UsageError,
)
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

    def record(self) -> dict:
        """The server as a saved probe holds it (the URL is already stripped of credentials)."""
        return {
            "kind": self.kind,
            "url": self.url,
            "model": self.model,
            "max_model_len": self.max_model_len,
            "version": self.version,
            "details": self.details,
        }


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
    if (
        len(parts.hostname) > 253
        or any(len(label) > 63 for label in parts.hostname.split("."))
        or any(ord(c) <= 32 or ord(c) == 127 for c in text)
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


def _cut(response: httpx.Response) -> None:
    """Stop a stream from this thread while the reader thread may sit in recv()."""
    stream = response.extensions.get("network_stream")
    sock = stream.get_extra_info("socket") if stream is not None else None
    if isinstance(sock, socket.socket):
        with contextlib.suppress(OSError):
            sock.shutdown(socket.SHUT_RDWR)  # wakes a blocked recv(); close() alone does not
