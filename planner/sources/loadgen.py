"""Open-loop and closed-loop load against an OpenAI-compatible streaming server (issue 13).

Open loop: Poisson arrivals at a rate for a duration, each request sent at its scheduled time whatever
the server is doing (as `vllm bench serve --request-rate` and guidellm do); closed loop: N users who
each send, wait for the whole answer, think (exponential, seeded) and send again. Every request streams;
TTFT is send -> first content chunk, TPOT (last - first content) / (output tokens - 1), E2E send -> end
(the conventions of planner.core.measure). Prompts are random token ids on /v1/completions for vLLM
and llama-server, which both take a list of ids as `prompt`, so the prompt length is exact and no
prefix cache can hit; other servers get random words on /v1/chat/completions.

The client is a parameter, so tests point the load at a real local llama-server.
"""

from __future__ import annotations

import json
import random
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from planner.core.simulate import Lengths, Slo, Stats
from planner.errors import ResultsFileError, UsageError

WORDS = (
    "memory",
    "river",
    "system",
    "quiet",
    "number",
    "window",
    "garden",
    "signal",
    "paper",
    "light",
    "engine",
    "market",
    "winter",
    "stone",
    "music",
    "travel",
    "circle",
    "forest",
    "letter",
    "bridge",
)


def read_lengths(path: str | Path, option: str = "--prompt-tokens") -> list[int]:
    """Token lengths from a file, one positive integer a line (blank lines and # comments skipped)."""
    p = Path(path).expanduser()
    try:
        text = p.read_text(encoding="utf-8")
    except OSError as exc:
        raise ResultsFileError(
            f"{p}: cannot read ({exc.strerror})", hint=f"{option} file:PATH needs a readable file"
        ) from exc
    values = []
    for number, line in enumerate(text.splitlines(), 1):
        line = line.split("#", 1)[0].strip()
        if not line:
            continue
        try:
            value = int(line)
        except ValueError:
            raise UsageError(option, f"file:{p}", f"line {number} is not a whole number: {line[:40]!r}") from None
        if value < 1:
            raise UsageError(option, f"file:{p}", f"line {number}: a length must be 1 token or more")
        values.append(value)
    if not values:
        raise UsageError(option, f"file:{p}", "holds no lengths", hint="one token count a line")
    return values


@dataclass(frozen=True)
class Sent:
    sent_s: float  # from the start of the run
    prompt_tokens: int
    output_tokens: int  # generated, as the server counted them (or content chunks)
    ttft_s: float | None
    e2e_s: float | None
    tpot_s: float | None
    error: str | None = None


@dataclass(frozen=True)
class LoadResult:
    url: str
    rate: float | None
    users: int | None
    duration_s: float
    sent: int
    completed: int
    failed: int
    ttft: Stats
    tpot: Stats
    e2e: Stats
    request_rate: float  # completions/s between the first measured send and the last completion
    throughput_tokens_per_s: float
    goodput: float  # share of measured requests within every target
    records: tuple[Sent, ...] = field(default=(), repr=False)

    def to_dict(self) -> dict:
        from dataclasses import asdict

        data = asdict(self)
        data["records"] = [asdict(r) for r in self.records]
        return data


def _body(kind: str, model: str | None, prompt_tokens: int, output_tokens: int, rng: random.Random) -> tuple[str, dict]:
    common = {"max_tokens": output_tokens, "temperature": 0, "stream": True, "stream_options": {"include_usage": True}}
    if model:
        common["model"] = model
    if kind in ("llamacpp", "vllm"):
        # Random ids away from the special tokens at the start of every vocabulary.
        body = {**common, "prompt": [rng.randint(1000, 20000) for _ in range(prompt_tokens)], "ignore_eos": True}
        if kind == "llamacpp":
            body["cache_prompt"] = False
        return "/v1/completions", body
    text = " ".join(rng.choice(WORDS) for _ in range(prompt_tokens))
    return "/v1/chat/completions", {**common, "messages": [{"role": "user", "content": text}]}


def _one(
    client: httpx.Client,
    url: str,
    kind: str,
    model: str | None,
    prompt: int,
    output: int,
    seed: int,
    start: float,
    timeout_s: float,
    headers: dict,
) -> Sent:
    path, body = _body(kind, model, prompt, output, random.Random(seed))
    t_send = time.perf_counter()
    first = last = None
    chunks = 0
    counted = None
    try:
        with client.stream("POST", url + path, json=body, headers=headers, timeout=timeout_s) as response:
            if response.status_code >= 400:
                response.read()
                return Sent(t_send - start, prompt, 0, None, None, None, f"HTTP {response.status_code}")
            for line in response.iter_lines():
                if not line.startswith("data:"):
                    continue
                payload = line[5:].strip()
                if payload == "[DONE]":
                    break
                obj = json.loads(payload)
                now = time.perf_counter()
                for choice in obj.get("choices") or []:
                    delta = choice.get("delta") or {}
                    if choice.get("text") or delta.get("content") or delta.get("reasoning_content"):
                        first = first if first is not None else now
                        last = now
                        chunks += 1
                        break
                usage = obj.get("usage") or {}
                timings = obj.get("timings") or {}
                counted = usage.get("completion_tokens") or timings.get("predicted_n") or counted
    except (httpx.HTTPError, json.JSONDecodeError) as exc:
        return Sent(t_send - start, prompt, chunks, None, None, None, f"{type(exc).__name__}: {exc}"[:200])
    end = time.perf_counter()
    if first is None:
        return Sent(t_send - start, prompt, 0, None, end - t_send, None, "no tokens streamed")
    n = int(counted or chunks)
    tpot = (last - first) / (n - 1) if n > 1 else None
    return Sent(t_send - start, prompt, n, first - t_send, end - t_send, tpot)


def run_load(
    url: str,
    *,
    prompt: Lengths,
    output: Lengths,
    rate: float | None = None,
    users: int | None = None,
    think_time_s: float = 0.0,
    duration_s: float = 60.0,
    warmup_s: float = 0.0,
    kind: str = "llamacpp",
    model: str | None = None,
    slo: Slo | None = None,
    seed: int = 0,
    timeout_s: float = 300.0,
    client: httpx.Client | None = None,
    headers: dict[str, str] | None = None,
) -> LoadResult:
    """Send load for `duration_s` (no new request after it; the run waits for those in flight);
    statistics over requests sent after `warmup_s`."""
    if (rate is None) == (users is None):
        raise UsageError("--rate", rate, "give either --rate or --users")
    if rate is not None and not rate > 0:
        raise UsageError("--rate", rate, "must be a positive number of requests per second")
    if users is not None and users < 1:
        raise UsageError("--users", users, "must be 1 or more")
    if not duration_s > 0 or think_time_s < 0:
        raise UsageError("--duration", duration_s, "must be a positive number of seconds")
    url = url.rstrip("/")
    own = client is None
    client = client or httpx.Client(
        trust_env=False, limits=httpx.Limits(max_connections=512, max_keepalive_connections=512)
    )
    rng = random.Random(seed)
    records: list[Sent] = []
    lock = threading.Lock()
    start = time.perf_counter()

    def send(p: int, o: int, s: int) -> Sent:
        rec = _one(client, url, kind, model, p, o, s, start, timeout_s, headers or {})
        with lock:
            records.append(rec)
        return rec

    try:
        if rate is not None:
            with ThreadPoolExecutor(max_workers=256) as pool:
                at = 0.0
                while True:
                    at += rng.expovariate(rate)
                    if at >= duration_s:
                        break
                    p, o, s = prompt.sample(rng), output.sample(rng), rng.getrandbits(32)
                    delay = start + at - time.perf_counter()
                    if delay > 0:
                        time.sleep(delay)
                    pool.submit(send, p, o, s)
        else:

            def user(index: int) -> None:
                mine = random.Random(seed * 1000 + index)
                while time.perf_counter() - start < duration_s:
                    send(prompt.sample(mine), output.sample(mine), mine.getrandbits(32))
                    if think_time_s:
                        time.sleep(mine.expovariate(1 / think_time_s))

            threads = [threading.Thread(target=user, args=(i,), daemon=True) for i in range(users or 0)]
            for th in threads:
                th.start()
            for th in threads:
                th.join()
    finally:
        if own:
            client.close()
    return summarize(url, records, rate, users, time.perf_counter() - start, warmup_s, slo)


def summarize(
    url: str,
    records: list[Sent],
    rate: float | None,
    users: int | None,
    wall_s: float,
    warmup_s: float = 0.0,
    slo: Slo | None = None,
) -> LoadResult:
    records = sorted(records, key=lambda r: r.sent_s)
    window = [r for r in records if r.sent_s >= warmup_s]
    ok = [r for r in window if r.error is None]
    slo = slo or Slo()
    span = max(max(r.sent_s + r.e2e_s for r in ok) - window[0].sent_s, 1e-9) if ok else 1.0
    good = sum(1 for r in ok if slo.met_by(r.ttft_s, r.tpot_s or 0.0, r.e2e_s))
    return LoadResult(
        url=url,
        rate=rate,
        users=users,
        duration_s=wall_s,
        sent=len(records),
        completed=sum(1 for r in records if r.error is None),
        failed=sum(1 for r in records if r.error is not None),
        ttft=Stats.of([r.ttft_s for r in ok]),
        tpot=Stats.of([r.tpot_s for r in ok if r.tpot_s is not None]),
        e2e=Stats.of([r.e2e_s for r in ok]),
        request_rate=len(ok) / span,
        throughput_tokens_per_s=sum(r.output_tokens for r in ok) / span,
        goodput=good / len(window) if window else 0.0,
        records=tuple(records),
    )
