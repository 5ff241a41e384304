"""Time a live server (the `probe` use case): detect it, stream every request, summarise, save."""

from __future__ import annotations

import math
from collections.abc import Callable
from pathlib import Path

from planner.errors import UsageError
from planner.results import ProbeRecord

MAX_RUNS = 10_000
MAX_LEVEL = 4096


def parse_levels(levels) -> list[int]:
    """'1,4,8', an int or a list of ints -> concurrency levels in the given order."""
    if isinstance(levels, int):
        out = [levels]
    elif isinstance(levels, str):
        try:
            out = [int(x) for x in levels.split(",") if x.strip()]
        except ValueError as exc:
            raise UsageError("--concurrency", levels, "not a comma-separated list of integers") from exc
    else:
        out = [int(x) for x in levels]
    if not out or any(level < 1 for level in out):
        raise UsageError("--concurrency", levels, "levels must be 1 or more")
    if any(level > MAX_LEVEL for level in out):
        raise UsageError("--concurrency", levels, f"levels must be {MAX_LEVEL} or fewer")
    return out


def _seconds(name: str, value: float | None) -> None:
    if value is not None and not (value > 0 and math.isfinite(value)):
        raise UsageError(name, value, "must be a finite number of seconds more than 0")


def timeouts_for(timeout: float, connect_timeout: float, first_token_timeout: float | None, idle_timeout: float):
    """The probe's time-outs (planner.sources.probe.Timeouts), each checked."""
    from planner.sources.probe import Timeouts

    for name, value in (
        ("--timeout", timeout),
        ("--connect-timeout", connect_timeout),
        ("--idle-timeout", idle_timeout),
        ("--first-token-timeout", first_token_timeout),
    ):
        _seconds(name, value)
    return Timeouts(
        connect_s=connect_timeout,
        first_token_s=min(first_token_timeout or timeout, timeout),
        idle_s=idle_timeout,
        total_s=timeout,
    )


def probe_server(
    url: str,
    *,
    model: str | None = None,
    runs: int = 3,
    warmup: int = 1,
    prompts: str = "short,medium",
    prompt_file: str | Path | None = None,
    concurrency=1,
    output_tokens: int = 128,
    timeout: float = 300.0,
    connect_timeout: float = 5.0,
    first_token_timeout: float | None = None,
    idle_timeout: float = 30.0,
    save: str | Path | None = None,
    progress: Callable[[str], None] | None = None,
    api_key: str | None = None,
) -> tuple[ProbeRecord, int | None]:
    """Probe a server; returns the record and, with `save`, the number of probes now in the file.

    Failed requests stay in the record (``record.failed``); the caller decides what they mean. The API
    key comes from `api_key` or MI50PLAN_API_KEY / OPENAI_API_KEY and is never stored."""
    import httpx

    from planner.sources import probe as p
    from planner.sources.files import write_atomic

    if not 1 <= runs <= MAX_RUNS:
        raise UsageError("--runs", runs, f"must be between 1 and {MAX_RUNS}")
    if not 0 <= warmup <= MAX_RUNS:
        raise UsageError("--warmup", warmup, f"must be between 0 and {MAX_RUNS}")
    if not 1 <= output_tokens <= 1_000_000:
        raise UsageError("--output-tokens", output_tokens, "must be between 1 and 1,000,000")
    timeouts = timeouts_for(timeout, connect_timeout, first_token_timeout, idle_timeout)
    chosen = p.load_prompt_file(Path(prompt_file)) if prompt_file else p.builtin_prompts(prompts)
    plan = p.ProbePlan(
        prompts=chosen, runs=runs, warmup=warmup, concurrency=parse_levels(concurrency), output_tokens=output_tokens
    )
    if save is not None:
        p.read_results(Path(save), missing_ok=True)  # a corrupt file fails now, before minutes of probing
    headers = p.auth_headers(api_key or p.api_key_from_env())
    limits = httpx.Limits(max_connections=max(plan.concurrency) + 2)
    with httpx.Client(limits=limits, trust_env=False) as client:  # trust_env off: no proxy for a local probe
        server = p.detect_server(client, url, model=model, timeouts=timeouts, headers=headers)
        if progress:
            progress(f"probe: {p.KIND_NAMES[server.kind]} at {server.url}, model {server.model}")
        result = p.run_probe(client, server, plan, timeouts, headers, progress)
    record = p.probe_record(server, plan, timeouts, result)
    count = p.append_results(Path(save), record, write_atomic) if save is not None else None
    return ProbeRecord(
        probed_at=record["probed_at"],
        server=record["server"],
        settings=record["settings"],
        runs=tuple(record["runs"]),
        summary=tuple(record["summary"]),
        cold_start=record.get("cold_start"),
    ), count
