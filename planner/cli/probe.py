"""`mi50plan probe`: time a live server (TTFT, inter-token latency, decode rate, end-to-end)."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import httpx
import typer
from tabulate import tabulate

from planner.cli import options as o
from planner.cli.output import emit, note, write_atomic
from planner.errors import ProbeError, UsageError
from planner.sources import probe as p

PROBE_HELP = """Time a live LLM server: TTFT, inter-token latency, decode tokens/s, end-to-end time.

Detects the server kind (vLLM, Ollama, llama-server, other OpenAI-compatible) and its model, streams
every request, keeps warm-up runs and a cold start apart, and reports each prompt set and concurrency
level with percentiles. An API key is read from MI50PLAN_API_KEY or OPENAI_API_KEY, never printed.
Exit 4 when the server cannot be reached or a run fails (the measured part is still printed/saved).

Examples:

  mi50plan probe http://127.0.0.1:8000

  mi50plan probe http://127.0.0.1:11434 --model qwen2.5:7b-instruct --runs 5 --prompts short,medium,long

  mi50plan probe URL --concurrency 1,4,8 --output-tokens 256 --timeout 120 --save results.json
"""


def parse_levels(text: str) -> list[int]:
    try:
        levels = [int(x) for x in text.split(",") if x.strip()]
    except ValueError as exc:
        raise UsageError("--concurrency", text, "not a comma-separated list of integers") from exc
    if not levels or any(level < 1 for level in levels):
        raise UsageError("--concurrency", text, "levels must be 1 or more")
    return levels


def _fmt(value: float | None, digits: int = 3, scale: float = 1.0) -> str:
    return "-" if value is None else f"{value * scale:.{digits}f}"


def render_probe(data: dict) -> str:
    s = data["server"]
    lines = [f"{p.KIND_NAMES.get(s['kind'], s['kind'])} at {s['url']}  model {s['model']}", ""]
    rows = []
    for b in data["summary"]:
        rows.append(
            [
                b["prompt_set"],
                b["concurrency"],
                f"{b['ok']}/{b['runs']}",
                _fmt(b["prompt_tokens"], 0),
                _fmt(b["output_tokens"], 0),
                _fmt(b["ttft_s"]["p50"]),
                _fmt(b["ttft_s"]["p90"]),
                _fmt(b["ttft_s"]["p99"]),
                _fmt(b["itl_s"]["p50"], 1, 1000),
                _fmt(b["decode_tokens_per_s"]["p50"], 1),
                _fmt(b["e2e_s"]["p50"], 2),
                _fmt(b["aggregate_tokens_per_s"], 1),
                ", ".join(b["token_sources"]) or "-",
            ]
        )
    lines.append(
        tabulate(
            rows,
            headers=[
                "prompts",
                "conc",
                "ok",
                "in tok",
                "out tok",
                "TTFT p50 s",
                "p90",
                "p99",
                "ITL ms",
                "decode tok/s",
                "e2e s",
                "aggr tok/s",
                "tokens from",
            ],
            tablefmt="simple",
            disable_numparse=True,
        )
    )
    cold = data.get("cold_start") or {}
    if cold.get("detected"):
        where = "a warm-up run" if cold["warmup"] else "a measured run (left out of the statistics)"
        lines.append(
            f"\ncold start: {cold['reason']}; TTFT {cold['ttft_s']:.2f} s, e2e {_fmt(cold['e2e_s'], 2)} s "
            f"({where})"
        )
    servers = [
        r["server_timings"] for r in data["runs"] if r["server_timings"] and not r["warmup"] and not r["cold"]
    ]
    if servers:
        rates = [t.get("decode_tokens_per_s") for t in servers if t.get("decode_tokens_per_s")]
        if rates:
            lines.append(
                f"server's own decode rate ({servers[0]['source']}): "
                f"{sum(rates) / len(rates):.1f} tok/s mean over {len(rates)} runs"
            )
    for b in data["summary"]:
        m = b.get("server_metrics") or {}
        if m.get("mean_ttft_s") is not None:
            lines.append(
                f"vLLM /metrics for {b['prompt_set']} c={b['concurrency']}: mean TTFT "
                f"{m['mean_ttft_s']:.3f} s"
                + (
                    f", mean TPOT {m['mean_tpot_s'] * 1000:.1f} ms"
                    if m.get("mean_tpot_s") is not None
                    else ""
                )
            )
    failed = [r for r in data["runs"] if r["status"] != "ok"]
    for r in failed:
        lines.append(
            f"failed: {r['prompt_set']} c={r['concurrency']} run {r['index'] + 1}: {p.describe_failure(r)}"
        )
    return "\n".join(lines)


def probe_command(
    url: Annotated[str, typer.Argument(help="Server base URL, e.g. http://127.0.0.1:8000")],
    model: Annotated[
        str | None, typer.Option("--model", help="Model to request (default: the server's first).")
    ] = None,
    runs: Annotated[
        int, typer.Option("--runs", min=1, help="Measured requests per prompt set and level.")
    ] = 3,
    warmup: Annotated[
        int, typer.Option("--warmup", min=0, help="Warm-up requests per prompt set, not counted.")
    ] = 1,
    prompts: Annotated[
        str, typer.Option("--prompts", help="Built-in prompt sets: short, medium, long.")
    ] = "short,medium",
    prompt_file: Annotated[
        Path | None, typer.Option("--prompt-file", help="Prompts from a file ('---' lines separate several).")
    ] = None,
    concurrency: Annotated[str, typer.Option("--concurrency", help="Concurrency levels, e.g. 1,4,8.")] = "1",
    output_tokens: Annotated[
        int, typer.Option("--output-tokens", min=1, help="Tokens to generate per request.")
    ] = 128,
    timeout: Annotated[float, typer.Option("--timeout", help="Total seconds per request.")] = 300.0,
    connect_timeout: Annotated[float, typer.Option("--connect-timeout", help="Seconds to connect.")] = 5.0,
    first_token_timeout: Annotated[
        float | None,
        typer.Option("--first-token-timeout", help="Seconds to the first token (default: --timeout)."),
    ] = None,
    idle_timeout: Annotated[
        float, typer.Option("--idle-timeout", help="Longest gap between chunks, s.")
    ] = 30.0,
    save: Annotated[
        Path | None, typer.Option("--save", help="Append this probe to a results file (atomic).")
    ] = None,
    quiet: Annotated[bool, typer.Option("--quiet", help="No progress lines on stderr.")] = False,
    as_json: o.JsonOpt = False,
) -> None:
    for name, value in (
        ("--timeout", timeout),
        ("--connect-timeout", connect_timeout),
        ("--idle-timeout", idle_timeout),
        ("--first-token-timeout", first_token_timeout),
    ):
        if value is not None and value <= 0:
            raise UsageError(name, value, "must be more than 0 seconds")
    timeouts = p.Timeouts(
        connect_s=connect_timeout,
        first_token_s=min(first_token_timeout or timeout, timeout),
        idle_s=idle_timeout,
        total_s=timeout,
    )
    chosen = p.load_prompt_file(prompt_file) if prompt_file else p.builtin_prompts(prompts)
    plan = p.ProbePlan(
        prompts=chosen,
        runs=runs,
        warmup=warmup,
        concurrency=parse_levels(concurrency),
        output_tokens=output_tokens,
    )
    if save is not None:
        p.read_results(save, missing_ok=True)  # a corrupt file fails now, before minutes of probing
    headers = p.auth_headers(p.api_key_from_env())
    progress = None if quiet else (lambda line: (sys.stderr.write(line + "\n"), sys.stderr.flush()))
    limits = httpx.Limits(max_connections=max(plan.concurrency) + 2)
    with httpx.Client(limits=limits, trust_env=False) as client:  # trust_env off: no proxy for a local probe
        server = p.detect_server(client, url, model=model, timeouts=timeouts, headers=headers)
        if progress:
            progress(f"probe: {p.KIND_NAMES[server.kind]} at {server.url}, model {server.model}")
        result = p.run_probe(client, server, plan, timeouts, headers, progress)
    record = p.probe_record(server, plan, timeouts, result)
    if save is not None:
        count = p.append_results(save, record, write_atomic)
        note(f"saved to {save} ({count} probe{'s' if count != 1 else ''} in the file)")
    emit(record, as_json, render_probe)
    failed = [r for r in result["runs"] if r["status"] != "ok"]
    if failed:
        raise ProbeError(
            f"{len(failed)} of {len(result['runs'])} requests failed; first: {p.describe_failure(failed[0])}",
            hint="raise --timeout / --idle-timeout if the server is slow, or check its log",
        )


def register(app: typer.Typer) -> None:
    app.command("probe", help=PROBE_HELP)(probe_command)
