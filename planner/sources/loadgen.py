"""Open-loop and closed-loop load against a streaming LLM server (issue 13; `mi50plan probe --rate/--users`).

Open loop: Poisson arrivals at a rate for a duration, each request sent at its scheduled time whatever
the server is doing (as `vllm bench serve --request-rate` and guidellm do); closed loop: N users who
each send, wait for the whole answer, think (exponential, seeded) and send again. Every request streams
through the probe's reader (planner.sources.probe.stream: time-outs, bounded lines, redaction); TTFT is
send -> first content chunk, TPOT (last - first content chunk) / (output tokens - 1), E2E send -> end
(the conventions of planner.core.measure). Prompts are random token ids on /v1/completions for vLLM and
llama-server, which both take a list of ids as `prompt`, so the prompt length is exact and no prefix
cache can hit (both also get ignore_eos, so every request decodes its asked length); Ollama gets random
words on /api/generate with `raw` (no chat template) and num_predict; other servers random words on
/v1/chat/completions. Token counts are the server's own where it reports them.

The first WARMUP_SHARE of the requests (in send order) are kept but left out of the statistics, as the
simulation leaves them out (planner.core.simulate): the empty server filling up.
"""

from __future__ import annotations

import math
import os
import random
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path

import httpx

from planner.core.simulate import WARMUP_SHARE, Lengths, Slo, Stats, event_rate, keeps_up, queue_growth
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
MAX_IN_FLIGHT = 256  # sender threads; a request beyond them waits and is sent late (its send time says so)


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
    prompt_tokens: int  # as the server counted them, else as sent
    output_tokens: int  # generated, as the server counted them (or content chunks)
    ttft_s: float | None
    e2e_s: float | None
    tpot_s: float | None
    error: str | None = None
    status: str = "ok"  # ok | http_error | timeout | broken | malformed | empty | server_error | unreachable


@dataclass(frozen=True)
class LoadResult:
    url: str
    rate: float | None  # asked requests/s (open loop)
    users: int | None  # closed loop
    duration_s: float  # wall time of the run, the drain of the last requests included
    sent: int
    completed: int
    failed: int
    ttft: Stats
    tpot: Stats
    e2e: Stats
    request_rate: float  # completions/s between the first and the last measured completion
    throughput_tokens_per_s: float  # request_rate x mean output tokens
    goodput: float  # share of measured requests within every target
    records: tuple[Sent, ...] = field(default=(), repr=False)
    think_time_s: float = 0.0
    send_window_s: float = 0.0  # the time new requests were sent (--duration)
    offered_rate: float | None = None  # requests actually sent per second of the window (open loop)
    measured: int = 0  # requests in the statistics (after the warm-up share, completed)
    prompt_tokens_mean: float | None = None
    output_tokens_mean: float | None = None
    input_tokens_per_s: float = 0.0
    queue_growth: float | None = None  # p50 TTFT of the last third / first third (planner.core.simulate)
    busy_rate: float | None = None  # completions/s while the measured requests were being sent
    keeps_up: bool = True
    load_average: float | None = None  # the machine's 1-minute load average when the run ended

    def to_dict(self) -> dict:
        data = asdict(self)
        data["records"] = [asdict(r) for r in self.records]
        return data


def request_body(
    kind: str, model: str | None, prompt_tokens: int, output_tokens: int, rng: random.Random
) -> tuple[str, dict]:
    """(path, JSON body) of one streamed request of `prompt_tokens` for this server kind."""
    if kind == "ollama":
        text = " ".join(rng.choice(WORDS) for _ in range(prompt_tokens))
        options = {"num_predict": output_tokens, "temperature": 0}
        return "/api/generate", {"model": model, "prompt": text, "raw": True, "stream": True, "options": options}
    common: dict = {
        "max_tokens": output_tokens,
        "temperature": 0,
        "stream": True,
        "stream_options": {"include_usage": True},
    }
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


def _one(client, url, kind, model, prompt, output, seed, start, timeouts, headers) -> Sent:
    from planner.core import measure
    from planner.sources.probe.records import token_counts
    from planner.sources.probe.stream import stream_request

    path, body = request_body(kind, model, prompt, output, random.Random(seed))
    st = stream_request(client, url, kind, path, body, timeouts, headers)
    sent_s = st.t_send - start
    if st.status != "ok":
        return Sent(sent_s, prompt, len(st.content_times), None, None, None, st.error or st.status, st.status)
    counted_prompt, counted_output, _, _ = token_counts(st)
    n = int(counted_output or len(st.content_times))
    timing = measure.run_timing(st.t_send, st.content_times, st.t_end, n)
    return Sent(sent_s, int(counted_prompt or prompt), n, timing.ttft_s, timing.e2e_s, timing.itl_mean_s)


def run_load(
    url: str,
    *,
    prompt: Lengths,
    output: Lengths,
    rate: float | None = None,
    users: int | None = None,
    think_time_s: float = 0.0,
    duration_s: float = 60.0,
    kind: str = "llamacpp",
    model: str | None = None,
    slo: Slo | None = None,
    seed: int = 0,
    timeouts=None,
    client: httpx.Client | None = None,
    headers: dict[str, str] | None = None,
    warmup_share: float = WARMUP_SHARE,
    max_requests: int | None = None,
) -> LoadResult:
    """Send load for `duration_s` or until `max_requests` are sent, whichever comes first (no new request
    after it; the run waits for those in flight, each within `timeouts`, planner.sources.probe.Timeouts);
    statistics over all but the first `warmup_share`."""
    from planner.sources.probe.http import Timeouts

    if (rate is None) == (users is None):
        raise UsageError("--rate", rate, "give either --rate or --users")
    if rate is not None and not (rate > 0 and math.isfinite(rate)):
        raise UsageError("--rate", rate, "must be a positive number of requests per second")
    if users is not None and users < 1:
        raise UsageError("--users", users, "must be 1 or more")
    if not duration_s > 0 or not think_time_s >= 0 or (math.isinf(duration_s) and not max_requests):
        raise UsageError("--duration", duration_s, "must be a positive number of seconds")
    budget = max_requests if max_requests is not None else math.inf
    count = [0]  # requests started, closed loop
    timeouts = timeouts or Timeouts()
    url = url.rstrip("/")
    own = client is None
    client = client or httpx.Client(
        trust_env=False, limits=httpx.Limits(max_connections=MAX_IN_FLIGHT, max_keepalive_connections=MAX_IN_FLIGHT)
    )
    rng = random.Random(seed)
    records: list[Sent] = []
    lock = threading.Lock()
    start = time.perf_counter()

    def send(p: int, o: int, s: int) -> Sent:
        rec = _one(client, url, kind, model, p, o, s, start, timeouts, headers or {})
        with lock:
            records.append(rec)
        return rec

    try:
        if rate is not None:
            with ThreadPoolExecutor(max_workers=MAX_IN_FLIGHT) as pool:
                at = 0.0
                while True:
                    at += rng.expovariate(rate)
                    if at >= duration_s or count[0] >= budget:
                        break
                    count[0] += 1
                    p, o, s = prompt.sample(rng), output.sample(rng), rng.getrandbits(32)
                    delay = start + at - time.perf_counter()
                    if delay > 0:
                        time.sleep(delay)
                    pool.submit(send, p, o, s)
        else:

            def user(index: int) -> None:
                mine = random.Random(seed * 1000 + index)
                while time.perf_counter() - start < duration_s:
                    with lock:
                        if count[0] >= budget:
                            return
                        count[0] += 1
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
    wall = time.perf_counter() - start
    window = duration_s if math.isfinite(duration_s) else _send_window(records, rate)
    result = summarize(url, records, rate, users, wall, slo, warmup_share, window, think_time_s)
    try:
        load = os.getloadavg()[0]
    except OSError:  # pragma: no cover (not on every platform)
        load = None
    return replace(result, load_average=load)


def _send_window(records: list[Sent], rate: float | None) -> float:
    """The time requests were sent when the run stopped at a request count: to the last send, plus the
    mean gap that would have come next (an open loop's offered rate is then sent / window)."""
    last = max((r.sent_s for r in records), default=0.0)
    return last + (1.0 / rate if rate else 0.0)


def summarize(
    url: str,
    records: list[Sent],
    rate: float | None,
    users: int | None,
    wall_s: float,
    slo: Slo | None = None,
    warmup_share: float = WARMUP_SHARE,
    send_window_s: float | None = None,
    think_time_s: float = 0.0,
) -> LoadResult:
    """Statistics of a run: all but the first `warmup_share` of the requests in send order."""
    records = sorted(records, key=lambda r: r.sent_s)
    window = records[int(len(records) * warmup_share) :]
    ok = [r for r in window if r.error is None]
    slo = slo or Slo()
    good = sum(1 for r in ok if slo.met_by(r.ttft_s, r.tpot_s or 0.0, r.e2e_s))
    send_window = send_window_s if send_window_s is not None else wall_s
    offered = len(records) / send_window if rate is not None and send_window > 0 else None
    # Achieved: completions/s between the first and the last measured completion; it keeps up when it
    # matches the rate the same window's requests were sent at (planner.core.simulate.keeps_up).
    achieved = event_rate([r.sent_s + r.e2e_s for r in ok])
    sent_rate = event_rate([r.sent_s for r in window]) if rate is not None else None
    growth = queue_growth([r.ttft_s for r in ok])
    # While requests were still being sent, past the warm-up share, an overrun server is always busy:
    # its completions per second then are its saturation rate (the drain of a backlog at the end is not).
    busy = None
    if len(window) >= 2 and window[-1].sent_s > window[0].sent_s:
        lo, hi = window[0].sent_s, window[-1].sent_s
        done = sum(1 for r in ok if lo <= r.sent_s + r.e2e_s <= hi)
        busy = done / (hi - lo) if done >= 5 else None  # too few to tell (a long ramp: vLLM's big batches)
    out_mean = sum(r.output_tokens for r in ok) / len(ok) if ok else None
    in_mean = sum(r.prompt_tokens for r in ok) / len(ok) if ok else None
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
        request_rate=achieved,
        throughput_tokens_per_s=achieved * (out_mean or 0.0),
        goodput=good / len(window) if window else 0.0,
        records=tuple(records),
        think_time_s=think_time_s,
        send_window_s=send_window,
        offered_rate=offered,
        measured=len(ok),
        prompt_tokens_mean=in_mean,
        output_tokens_mean=out_mean,
        input_tokens_per_s=achieved * (in_mean or 0.0),
        queue_growth=growth,
        busy_rate=busy,
        keeps_up=len(ok) >= 2 and keeps_up(sent_rate, achieved, growth),
    )
