"""Load a live server (`probe --rate/--users`): Poisson arrivals at each rate, or closed loops of users.

Detects the server as `probe` does, sends `--warmup` requests one at a time (a cold start stays out of
the load), then each rate (or user count) for `--duration` seconds through planner.sources.loadgen, and
reports per load point p50/p95/p99 TTFT, TPOT and E2E, goodput and the achieved request and token
throughput; the measured saturation rate of the whole sweep (docs/methodology.md section 8). Saved in
the same results file as `probe` (atomic; a file that cannot be read stops the probe before it starts).
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Callable
from dataclasses import asdict
from datetime import UTC, datetime
from pathlib import Path

from planner.core.simulate import Lengths, Slo, Stats
from planner.errors import BadResponse, ServerTimeout, ServerUnreachable, UsageError
from planner.planning.capacity import parse_lengths
from planner.results import LatencyStats, LoadPoint, LoadProbe, MeasuredSaturation, to_jsonable
from planner.schemas import MAX_CONTEXT

MAX_RATE = 10_000.0  # requests/s one probe may offer
MAX_USERS = 4096
MAX_POINTS = 64
MAX_REQUESTS = 200_000  # planned in one probe: rate x duration summed over the points
MAX_DURATION_S = 24 * 3600.0
MAX_SAVED_LENGTHS = 10_000  # a file of real lengths is saved in the settings up to this many values


def _list(text, option: str, kind: type, lo: float, hi: float) -> list:
    items = text if isinstance(text, (list, tuple)) else [text] if isinstance(text, (int, float)) else None
    if items is None:
        parts = [x.strip() for x in str(text).split(",")]
        if not all(parts):
            raise UsageError(option, text, "not a comma-separated list", hint=f"e.g. {option} 0.5,1,2,4")
        items = parts
    out = []
    for item in items:
        try:
            value = kind(item) if kind is float else int(str(item))
        except (TypeError, ValueError):
            raise UsageError(option, text, f"{str(item)[:40]!r} is not a number", hint=f"e.g. {option} 1,4") from None
        if isinstance(value, float) and not math.isfinite(value):
            raise UsageError(option, text, "must be finite")
        inside = (lo < value <= hi) if kind is float else (lo <= value <= hi)
        if not inside:
            raise UsageError(option, text, f"each value must be in {'(' if kind is float else '['}{lo:g}, {hi:g}]")
        out.append(value)
    if not 1 <= len(out) <= MAX_POINTS:
        raise UsageError(option, text, f"give 1 to {MAX_POINTS} values")
    return out


def parse_rates(text) -> list[float]:
    """'0.5,1,2,4', a number or a list -> request rates (requests/s), in the given order."""
    return _list(text, "--rate", float, 0.0, MAX_RATE)


def parse_users(text) -> list[int]:
    """'1,4', an int or a list -> closed-loop user counts."""
    return _list(text, "--users", int, 1, MAX_USERS)


def lengths_from_text(text, option: str) -> Lengths:
    """800, uniform:400-1200 or file:PATH (one length a line) -> token lengths, each at most MAX_CONTEXT."""
    if isinstance(text, Lengths):
        lengths = text
    elif isinstance(text, int) and not isinstance(text, bool):
        lengths = parse_lengths(str(text), option)
    elif str(text).strip().lower().startswith("file:"):
        from planner.sources.loadgen import read_lengths

        lengths = Lengths.empirical(read_lengths(str(text).strip()[5:], option))
    else:
        lengths = parse_lengths(str(text), option)
    if lengths.maximum > MAX_CONTEXT:
        raise UsageError(option, lengths.describe(), f"a length must be {MAX_CONTEXT:,} tokens or fewer")
    return lengths


def _stats(s: Stats) -> LatencyStats:
    def clean(v: float) -> float | None:
        return None if v is None or math.isnan(v) else v

    return LatencyStats(clean(s.mean), clean(s.p50), clean(s.p95), clean(s.p99))


def point_of(result) -> LoadPoint:
    """A LoadPoint from planner.sources.loadgen.LoadResult."""
    return LoadPoint(
        rate=result.rate,
        users=result.users,
        think_time_s=result.think_time_s,
        duration_s=result.send_window_s,
        wall_s=result.duration_s,
        sent=result.sent,
        completed=result.completed,
        failed=result.failed,
        measured=result.measured,
        offered_rate=result.offered_rate,
        request_rate=result.request_rate,
        throughput_tokens_per_s=result.throughput_tokens_per_s,
        input_tokens_per_s=result.input_tokens_per_s,
        prompt_tokens=result.prompt_tokens_mean,
        output_tokens=result.output_tokens_mean,
        ttft_s=_stats(result.ttft),
        tpot_s=_stats(result.tpot),
        e2e_s=_stats(result.e2e),
        goodput=result.goodput,
        queue_growth=result.queue_growth,
        busy_rate=result.busy_rate,
        keeps_up=result.keeps_up,
        load_average=result.load_average,
        requests=tuple(asdict(r) for r in result.records),
    )


def _get(point, key: str):
    return point.get(key) if isinstance(point, dict) else getattr(point, key)


def _saturated_rate(point) -> float:
    """A point the server did not keep up with: its completion rate, first to last measured completion. A
    server that could not keep up cannot complete faster than it was offered; when it seems to, the span
    caught the burst of a backlog draining (vLLM's big batches finish together), and the completions while
    requests were still being sent (busy_rate) are taken instead."""
    achieved = _get(point, "request_rate")
    offered = _get(point, "offered_rate") or _get(point, "rate")
    busy = point.get("busy_rate") if isinstance(point, dict) else point.busy_rate
    return busy if achieved > offered and busy is not None else achieved


def measured_saturation(points) -> MeasuredSaturation:
    """The open-loop points (LoadPoint or their dicts from a results file) that kept up and those that
    did not: the server's completion rate at the rates it could not keep up with (the median over those
    points) is its saturation rate."""
    open_loop = [p for p in points if _get(p, "rate") is not None and _get(p, "measured")]
    kept = [_get(p, "offered_rate") or _get(p, "rate") for p in open_loop if _get(p, "keeps_up")]
    over = [p for p in open_loop if not _get(p, "keeps_up")]
    return MeasuredSaturation(
        rate_per_s=statistics.median(_saturated_rate(p) for p in over) if over else None,
        kept_up_to=max(kept) if kept else None,
        overran_from=min(_get(p, "offered_rate") or _get(p, "rate") for p in over) if over else None,
    )


def _check_warmup(sent, server) -> None:
    """A warm-up request that failed says what every request would meet: one line and a hint."""
    if sent.error is None:
        return
    if sent.status == "http_error":
        hint = "check the server's log"
        if "HTTP 404" in sent.error and server.models:
            hint = f"the server lists: {', '.join(m for m in server.models[:5] if m)}; pass one with --model"
        elif "HTTP 401" in sent.error or "HTTP 403" in sent.error:
            hint = "export MI50PLAN_API_KEY (or OPENAI_API_KEY) with the server's key"
        elif "HTTP 400" in sent.error:
            hint = "a prompt plus output beyond the server's context? lower --prompt-tokens/--output-tokens"
        raise BadResponse(sent.error, hint=hint)
    if sent.status == "timeout":
        raise ServerTimeout(f"warm-up request: {sent.error}", hint="raise --timeout if the server is slow")
    if sent.status == "unreachable":
        raise ServerUnreachable(sent.error, hint="is the server running?")
    raise BadResponse(f"warm-up request: {sent.error}", hint="check the server's log")


def load_probe(
    url: str,
    *,
    rate=None,
    users=None,
    think_time: float = 0.0,
    duration: float | None = None,
    requests: int | None = None,
    prompt_tokens="256",
    output_tokens="128",
    ttft_p95: float | None = None,
    tpot_p95: float | None = None,
    seed: int = 0,
    warmup: int = 1,
    model: str | None = None,
    timeouts=None,
    save: str | Path | None = None,
    progress: Callable[[str], None] | None = None,
    api_key: str | None = None,
) -> tuple[LoadProbe, int | None]:
    """Probe `url` under load at each rate (or user count); returns the result and, with `save`, the
    number of probes now in the results file. Failed requests are in the points, not raised."""
    import httpx

    from planner.sources import loadgen
    from planner.sources import probe as p
    from planner.sources.files import write_atomic

    if (rate is None) == (users is None):
        raise UsageError("--rate", rate, "give either --rate or --users", hint="e.g. --rate 0.5,1,2 or --users 4")
    rates = parse_rates(rate) if rate is not None else []
    user_counts = parse_users(users) if users is not None else []
    if requests is not None and not 1 <= requests <= MAX_REQUESTS:
        raise UsageError("--requests", requests, f"must be between 1 and {MAX_REQUESTS:,} per load point")
    if duration is None:
        duration = math.inf if requests is not None else 60.0
    elif not (0 < duration <= MAX_DURATION_S and math.isfinite(duration)):
        raise UsageError("--duration", duration, f"must be more than 0 and at most {MAX_DURATION_S:g} seconds")
    if not (0 <= think_time <= MAX_DURATION_S):
        raise UsageError("--think-time", think_time, "must be 0 or more seconds")
    if not 0 <= warmup <= 1000:
        raise UsageError("--warmup", warmup, "must be between 0 and 1000 requests")
    planned = sum(min(r * duration, requests or math.inf) for r in rates)
    if planned > MAX_REQUESTS:
        raise UsageError("--rate", rate, f"plans {planned:,.0f} requests; {MAX_REQUESTS:,} at most per probe")
    prompt = lengths_from_text(prompt_tokens, "--prompt-tokens")
    output = lengths_from_text(output_tokens, "--output-tokens")
    for name, value in (("--ttft-p95", ttft_p95), ("--tpot-p95", tpot_p95)):
        if value is not None and not (value > 0 and math.isfinite(value)):
            raise UsageError(name, value, "must be a positive number of seconds")
    slo = Slo(ttft_s=ttft_p95, tpot_s=tpot_p95)
    timeouts = timeouts or p.Timeouts()
    if save is not None:
        p.read_results(Path(save), missing_ok=True)  # a corrupt file fails now, before minutes of load
    headers = p.auth_headers(api_key or p.api_key_from_env())
    say = progress or (lambda _line: None)
    limits = httpx.Limits(max_connections=loadgen.MAX_IN_FLIGHT + 4, max_keepalive_connections=loadgen.MAX_IN_FLIGHT)
    points: list[LoadPoint] = []
    warm: list[dict] = []
    with httpx.Client(limits=limits, trust_env=False) as client:
        server = p.detect_server(client, url, model=model, timeouts=timeouts, headers=headers)
        say(f"probe: {p.KIND_NAMES[server.kind]} at {server.url}, model {server.model}")
        for i in range(warmup):
            first = loadgen._one(
                client, server.url, server.kind, server.model, round(prompt.mean), round(output.mean),
                seed + i, 0.0, timeouts, headers,
            )  # fmt: skip
            warm.append(asdict(first))
            _check_warmup(first, server)
        loads = [(r, None) for r in rates] + [(None, u) for u in user_counts]
        for index, (r, u) in enumerate(loads):
            result = loadgen.run_load(
                server.url,
                prompt=prompt,
                output=output,
                rate=r,
                users=u,
                think_time_s=think_time,
                duration_s=duration,
                max_requests=requests,
                kind=server.kind,
                model=server.model,
                slo=slo,
                seed=seed + index,
                timeouts=timeouts,
                client=client,
                headers=headers,
            )
            point = point_of(result)
            points.append(point)
            say(progress_line(point))
            if point.sent and not point.completed:
                say("probe: every request of this load failed; the rest of the sweep is skipped")
                break
    lengths = {
        "prompt_tokens": prompt.describe(),
        "output_tokens": output.describe(),
        "prompt_lengths": _lengths_dict(prompt),
        "output_lengths": _lengths_dict(output),
    }
    result = LoadProbe(
        probed_at=datetime.now(UTC).isoformat(timespec="seconds"),
        server=server.record(),
        mode="load",
        settings={
            "rates": rates,
            "users": user_counts,
            "think_time_s": think_time,
            "duration_s": duration if math.isfinite(duration) else None,
            "requests": requests,
            **lengths,
            "seed": seed,
            "warmup": warmup,
            "targets": {"ttft_p95_s": ttft_p95, "tpot_p95_s": tpot_p95},
            "timeouts": asdict(timeouts),
        },
        points=tuple(points),
        saturation=measured_saturation(points),
        warmup=tuple(warm),
    )
    count = None
    if save is not None:
        count = p.append_results(Path(save), to_jsonable(result), write_atomic)
    return result, count


def _lengths_dict(lengths: Lengths) -> dict | None:
    if len(lengths.values) > MAX_SAVED_LENGTHS:
        return None
    return {"kind": lengths.kind, "values": list(lengths.values)}


def progress_line(point: LoadPoint) -> str:
    load = f"rate {point.rate:g}/s" if point.rate is not None else f"{point.users} users"

    def ms(v: float | None) -> str:
        return "-" if v is None else f"{v * 1000:.0f} ms"

    return (
        f"probe: {load} for {point.duration_s:.0f} s: {point.sent} sent, {point.completed} ok, "
        f"{point.failed} failed; TTFT p50 {ms(point.ttft_s.p50)}, TPOT p50 {ms(point.tpot_s.p50)}; "
        f"{point.request_rate:.3f} req/s achieved" + ("" if point.keeps_up else " (did not keep up)")
    )
