"""`mi50plan probe`: time a live server (TTFT, inter-token latency, decode rate, end-to-end)."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer
from tabulate import tabulate

from planner.cli import options as o
from planner.cli.output import emit, note
from planner.errors import ProbeError, UsageError

PROBE_HELP = """Time a live LLM server: TTFT, inter-token latency, decode tokens/s, end-to-end time.

Detects the server kind (vLLM, Ollama, llama-server, other OpenAI-compatible) and its model, streams
every request, keeps warm-up runs and a cold start apart, and reports each prompt set and concurrency
level with percentiles. An API key is read from MI50PLAN_API_KEY or OPENAI_API_KEY, never printed.
Exit 4 when the server cannot be reached or a run fails (the measured part is still printed/saved).

Examples:

  mi50plan probe http://127.0.0.1:8000

  mi50plan probe http://127.0.0.1:11434 --model qwen2.5:7b-instruct --runs 5 --prompts short,medium,long

  mi50plan probe URL --concurrency 1,4,8 --output-tokens 256 --timeout 120 --save results.json

Under load (instead of single requests): --rate R[,R...] sends Poisson arrivals at each rate for
--duration seconds (as `vllm bench serve --request-rate` does), --users N[,N...] runs closed loops of
users (each sends, waits for the answer, thinks --think-time seconds on average). Prompt and output
lengths: a number, uniform:LOW-HIGH or file:PATH (one length a line). Per rate: p50/p95/p99 TTFT, TPOT
and end-to-end, achieved requests/s and tokens/s, goodput (the share within --ttft-p95/--tpot-p95)
and whether the server kept up; the saturation rate of the sweep. `validate` compares such a curve
with the simulation, `calibrate` fits the simulation to it.

  mi50plan probe URL --rate 0.5,1,2,4 --duration 60 --prompt-tokens 512 --output-tokens 128 --save curve.json

  mi50plan probe URL --users 8 --think-time 5 --prompt-tokens uniform:200-800 --ttft-p95 2 --tpot-p95 0.08
"""


def _fmt(value: float | None, digits: int = 3, scale: float = 1.0) -> str:
    return "-" if value is None else f"{value * scale:.{digits}f}"


def render_probe(data: dict) -> str:
    from planner.sources import probe as p

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
            f"\ncold start: {cold['reason']}; TTFT {cold['ttft_s']:.2f} s, e2e {_fmt(cold['e2e_s'], 2)} s ({where})"
        )
    servers = [r["server_timings"] for r in data["runs"] if r["server_timings"] and not r["warmup"] and not r["cold"]]
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
                + (f", mean TPOT {m['mean_tpot_s'] * 1000:.1f} ms" if m.get("mean_tpot_s") is not None else "")
            )
    failed = [r for r in data["runs"] if r["status"] != "ok"]
    for r in failed:
        lines.append(f"failed: {r['prompt_set']} c={r['concurrency']} run {r['index'] + 1}: {p.describe_failure(r)}")
    return "\n".join(lines)


def probe_command(
    url: Annotated[str, typer.Argument(help="Server base URL, e.g. http://127.0.0.1:8000")],
    model: Annotated[
        str | None, typer.Option("--model", help="Model to request (default: the server's first).")
    ] = None,
    runs: Annotated[int, typer.Option("--runs", min=1, help="Measured requests per prompt set and level.")] = 3,
    warmup: Annotated[int, typer.Option("--warmup", min=0, help="Warm-up requests per prompt set, not counted.")] = 1,
    prompts: Annotated[
        str, typer.Option("--prompts", help="Built-in prompt sets: short, medium, long.")
    ] = "short,medium",
    prompt_file: Annotated[
        Path | None, typer.Option("--prompt-file", help="Prompts from a file ('---' lines separate several).")
    ] = None,
    concurrency: Annotated[str, typer.Option("--concurrency", help="Concurrency levels, e.g. 1,4,8.")] = "1",
    output_tokens: Annotated[
        str, typer.Option("--output-tokens", help="Tokens to generate per request (load: also uniform:/file:).")
    ] = "128",
    rate: Annotated[
        str | None, typer.Option("--rate", help="Load: Poisson arrivals at these requests/s, e.g. 0.5,1,2,4.")
    ] = None,
    users: Annotated[str | None, typer.Option("--users", help="Load: closed-loop users, e.g. 4 or 1,4.")] = None,
    think_time: Annotated[float, typer.Option("--think-time", help="Load: users' mean think time, s.")] = 0.0,
    duration: Annotated[
        float | None, typer.Option("--duration", help="Load: seconds of arrivals per rate (default 60).")
    ] = None,
    requests: Annotated[
        int | None, typer.Option("--requests", help="Load: stop each rate after this many requests.")
    ] = None,
    prompt_tokens: Annotated[
        str | None, typer.Option("--prompt-tokens", help="Load: 256, uniform:100-400 or file:PATH (default 256).")
    ] = None,
    ttft_p95: Annotated[float | None, typer.Option("--ttft-p95", help="Load: TTFT target for goodput, s.")] = None,
    tpot_p95: Annotated[float | None, typer.Option("--tpot-p95", help="Load: TPOT target for goodput, s.")] = None,
    seed: Annotated[int, typer.Option("--seed", help="Load: seed of the arrivals and lengths.")] = 0,
    timeout: Annotated[float, typer.Option("--timeout", help="Total seconds per request.")] = 300.0,
    connect_timeout: Annotated[float, typer.Option("--connect-timeout", help="Seconds to connect.")] = 5.0,
    first_token_timeout: Annotated[
        float | None,
        typer.Option("--first-token-timeout", help="Seconds to the first token (default: --timeout)."),
    ] = None,
    idle_timeout: Annotated[float, typer.Option("--idle-timeout", help="Longest gap between chunks, s.")] = 30.0,
    save: Annotated[Path | None, typer.Option("--save", help="Append this probe to a results file (atomic).")] = None,
    quiet: Annotated[bool, typer.Option("--quiet", help="No progress lines on stderr.")] = False,
    as_json: o.JsonOpt = False,
) -> None:
    from planner.planning.probe import probe_server
    from planner.sources import probe as p

    progress = None if quiet else (lambda line: (sys.stderr.write(line + "\n"), sys.stderr.flush()))
    if rate is not None or users is not None:
        extra = {"--prompt-file": prompt_file, "--concurrency": concurrency != "1" or None}
        extra |= {"--runs": runs != 3 or None, "--prompts": prompts != "short,medium" or None}
        for flag, given in extra.items():
            if given:
                raise UsageError(flag, None, "is for single requests; under --rate/--users use --prompt-tokens")
        load = {"rate": rate, "users": users, "think_time": think_time, "duration": duration, "seed": seed}
        load["requests"] = requests
        load |= {"prompt_tokens": prompt_tokens or "256", "output_tokens": output_tokens}
        load |= {"ttft_p95": ttft_p95, "tpot_p95": tpot_p95, "model": model, "warmup": warmup, "save": save}
        load |= {"timeout": timeout, "connect_timeout": connect_timeout, "idle_timeout": idle_timeout}
        _load(url, load | {"first_token_timeout": first_token_timeout, "progress": progress}, as_json)
        return
    for flag, given in (("--prompt-tokens", prompt_tokens), ("--ttft-p95", ttft_p95), ("--tpot-p95", tpot_p95),
                        ("--duration", duration), ("--requests", requests)):  # fmt: skip
        if given is not None:
            raise UsageError(flag, given, "is for a load probe", hint="add --rate R or --users N")
    try:
        output_tokens = int(output_tokens)
    except ValueError:
        raise UsageError("--output-tokens", output_tokens, "must be a number without --rate/--users") from None
    record, count = probe_server(
        url,
        model=model,
        runs=runs,
        warmup=warmup,
        prompts=prompts,
        prompt_file=prompt_file,
        concurrency=concurrency,
        output_tokens=output_tokens,
        timeout=timeout,
        connect_timeout=connect_timeout,
        first_token_timeout=first_token_timeout,
        idle_timeout=idle_timeout,
        save=save,
        progress=progress,
    )
    if save is not None:
        note(f"saved to {save} ({count} probe{'s' if count != 1 else ''} in the file)")
    emit(record, as_json, render_probe)
    failed = record.failed
    if failed:
        raise ProbeError(
            f"{len(failed)} of {len(record.runs)} requests failed; first: {p.describe_failure(failed[0])}",
            hint="raise --timeout / --idle-timeout if the server is slow, or check its log",
        )


def _load(url: str, load: dict, as_json: bool) -> None:
    from planner.api import probe
    from planner.cli.render_load import render_load

    result = probe(url, **load)
    save = load["save"]
    if save is not None:
        note(f"saved to {save}")
    emit(result, as_json, render_load)
    failed = result.failed
    if failed:
        sent = sum(pt.sent for pt in result.points)
        raise ProbeError(
            f"{len(failed)} of {sent} requests failed; first: {failed[0]['error']}",
            hint="raise --timeout / --idle-timeout if the server is slow, lower --rate, or check its log",
        )


def register(app: typer.Typer) -> None:
    app.command("probe", help=o.help_text(PROBE_HELP))(probe_command)
