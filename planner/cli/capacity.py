"""`mi50plan capacity`: how many GPUs, replicas and nodes serve a request rate within latency targets.

Parses flags, calls planner.planning.capacity.plan_capacity, renders (docs/methodology.md "Capacity")."""

from __future__ import annotations

import time

import typer
from tabulate import tabulate

from planner.cli import options as o
from planner.cli.output import emit, note
from planner.core.simulate import Lengths, Slo
from planner.errors import UsageError
from planner.planning.capacity import CapacityQuery, parse_lengths, parse_price, plan_capacity
from planner.planning.context import CalibrationUse
from planner.planning.fit import gguf_weights
from planner.sources.loadgen import read_lengths
from planner.sources.models import resolve_model
from planner.sources.profiles import get_profile

CAPACITY_HELP = """How many GPUs, replicas and nodes serve a request rate within p95 latency targets?

For each deployment that fits (vLLM fp16/GPTQ/int8 with tensor parallel inside a node and pipeline
parallel across nodes; llama.cpp GGUF quants with layer split or RPC across nodes; Ollama), a simulation
of the engine's scheduler (continuous batching, slots, queues) fed by the speed model finds the highest
Poisson request rate one replica sustains within the targets; the asked rate then needs
ceil(rate / that) replicas. Ranked by cost (or GPUs), the cost/latency Pareto frontier marked (*).

Token lengths: a number (800), uniform:LOW-HIGH (uniform:400-1200) or file:PATH (one length a line).

Examples:

  mi50plan capacity Qwen/Qwen2.5-7B-Instruct --rate 2 --prompt-tokens 500 --output-tokens 200 --ttft-p95 2

  mi50plan capacity Qwen/Qwen2.5-7B-Instruct --rate 3 --prompt-tokens uniform:400-1200 --output-tokens 300
  --ttft-p95 2 --tpot-p95 0.08 --hardware mi50-16gb --gpus-per-node 8 --price mi50-16gb=0.15 --plot cap.svg

  mi50plan capacity Qwen/Qwen2.5-7B-Instruct --users 40 --think-time 5 --engine vllm --json
"""


def lengths_option(text: str, option: str) -> Lengths:
    if text.strip().lower().startswith("file:"):
        return Lengths.empirical(read_lengths(text.strip()[5:], option))
    return parse_lengths(text, option)


def _f(value: float | None, fmt: str = ".2f", scale: float = 1.0) -> str:
    return "-" if value is None else format(value * scale, fmt)


def render_capacity(data: dict) -> str:
    load = data["load"]
    asked = (
        f"{load['rate']:g} requests/s" if load["rate"] else f"{load['users']} users (think {load['think_time_s']:g} s)"
    )
    t = data["targets"]
    targets = (
        ", ".join(
            x
            for x in (
                f"p95 TTFT <= {t['ttft_p95_s']:g} s" if t["ttft_p95_s"] else "",
                f"p95 TPOT <= {t['tpot_p95_s'] * 1000:g} ms" if t["tpot_p95_s"] else "",
            )
            if x
        )
        or "no latency targets (stable queues only)"
    )
    lines = [
        f"{data['model']} on {data['hardware']}: {asked}, {load['prompt_tokens']} in / {load['output_tokens']} out",
        f"targets: {targets}; up to {data['max_gpus']} GPUs, {data['gpus_per_node']} per node",
        "",
    ]
    rows = []
    priced = data["price_per_hour"] is not None
    for i, c in enumerate(data["candidates"], 1):
        row = [
            f"{i}{'*' if c['pareto'] else ''}",
            c["label"],
            c["slots"],
            _f(c["max_rate_per_replica"]),
            c["replicas"] or "-",
            c["gpus"] or "-",
            c["nodes"] or "-",
            _f(c["ttft_p50_s"]),
            _f(c["ttft_p95_s"]),
            _f(c["tpot_p50_s"], ".0f", 1000),
            _f(c["tpot_p95_s"], ".0f", 1000),
            _f(c["e2e_p95_s"], ".1f"),
        ]
        if priced:
            row += [_f(c["cost_per_hour"]), _f(c["cost_per_million_tokens"])]
        row.append("yes" if c["meets_slo"] else f"no: {c['reason']}")
        rows.append(row)
    headers = [
        "#",
        "deployment",
        "slots",
        "max req/s/replica",
        "replicas",
        "GPUs",
        "nodes",
        "TTFT p50 s",
        "TTFT p95 s",
        "TPOT p50 ms",
        "TPOT p95 ms",
        "e2e p95 s",
    ]
    headers += (["$/h", "$/M out tok"] if priced else []) + ["meets"]
    lines.append(tabulate(rows, headers=headers) if rows else "no deployment fits")
    lines.append("* on the cost/latency Pareto frontier; latencies at the asked load, per replica")
    best = next((c for c in data["candidates"] if c["meets_slo"]), None)
    if best is not None:
        lines += ["", f"launch ({best['label']}):"] + ["  " + x for x in best["launch"]]
    for n in data["not_fitting"]:
        lines.append(f"not fitting: {n['engine']} {n['precision']}: {n['reason']}")
    return "\n".join(lines)


def capacity_command(
    model: o.ModelArg,
    rate: float | None = typer.Option(None, "--rate", help="Requests per second, Poisson arrivals."),
    users: int | None = typer.Option(None, "--users", help="Closed-loop users instead of a rate."),
    think_time: float = typer.Option(0.0, "--think-time", help="Users' mean think time between requests, s."),
    prompt_tokens: str = typer.Option("800", "--prompt-tokens", help="800, uniform:400-1200 or file:PATH."),
    output_tokens: str = typer.Option("300", "--output-tokens", help="300, uniform:100-500 or file:PATH."),
    ttft_p95: float | None = typer.Option(None, "--ttft-p95", help="p95 time-to-first-token target, s."),
    tpot_p95: float | None = typer.Option(None, "--tpot-p95", help="p95 time-per-output-token target, s."),
    hardware: o.HardwareOpt = "mi50-16gb",
    gpus_per_node: int = typer.Option(8, "--gpus-per-node", help="GPUs in one machine."),
    max_gpus: int = typer.Option(64, "--max-gpus", help="GPUs available in all."),
    engine: o.EngineOpt = "all",
    price: list[str] = typer.Option([], "--price", help="USD per GPU-hour: NAME=USD (or USD); beats the profile's."),
    slots: int | None = typer.Option(None, "--slots", help="Force llama-server -np / OLLAMA_NUM_PARALLEL."),
    vllm_version: o.VllmVersionOpt = None,
    kv_cache_memory: o.KvCacheMemoryOpt = None,
    enforce_eager: o.EnforceEagerOpt = False,
    requests: int = typer.Option(600, "--requests", help="Simulated requests per load point."),
    seed: int = typer.Option(0, "--seed", help="Random seed of the simulated arrivals and lengths."),
    plot: str | None = typer.Option(None, "--plot", help="Write a plot: FILE.svg, .png or .html."),
    offline: o.OfflineOpt = False,
    no_calibration: o.NoCalibrationOpt = False,
    as_json: o.JsonOpt = False,
) -> None:
    from planner.api import vllm_options
    from planner.plots import capacity_plot, check_plot_path

    if plot is not None:
        check_plot_path(plot)
    engines = ("vllm", "llamacpp", "ollama") if engine.lower() == "all" else tuple(e.strip() for e in engine.split(","))
    for e in engines:
        if e not in ("vllm", "llamacpp", "ollama"):
            raise UsageError("--engine", e, "unknown engine", hint="use all, vllm, llamacpp or ollama")
    profile = get_profile(hardware)
    prompt, output = lengths_option(prompt_tokens, "--prompt-tokens"), lengths_option(output_tokens, "--output-tokens")
    resolved = resolve_model(model, offline=offline)
    cals = CalibrationUse(enabled=not no_calibration)
    query = CapacityQuery(
        model_id=resolved.spec.model_id or model,
        spec=resolved.spec,
        profile=profile,
        prompt=prompt,
        output=output,
        slo=Slo(ttft_s=ttft_p95, tpot_s=tpot_p95),
        rate=rate,
        users=users,
        think_time_s=think_time,
        gpus_per_node=gpus_per_node,
        max_gpus=max_gpus,
        engines=engines,
        price_per_hour=parse_price(price, profile.name),
        seed=seed,
        requests=requests,
        curve_points=8 if plot else 0,
        gguf_only=resolved.gguf is not None or resolved.source == "ollama-store",
        gguf_quant=getattr(resolved.gguf, "quant", None) or (resolved.default_quant if resolved.gguf else None),
        slots=slots,
        vllm=vllm_options(vllm_version=vllm_version, kv_cache_memory=kv_cache_memory, enforce_eager=enforce_eager),
    )
    started = time.perf_counter()
    result = plan_capacity(
        query,
        weights_for=lambda q: gguf_weights(resolved, q),
        calibration_for=lambda hw, e, b: cals.speed(hw, e, b),
    )
    data = result.to_dict()
    data["calibrations"] = cals.applied()
    data["elapsed_s"] = time.perf_counter() - started
    emit(data, as_json, render_capacity)
    if plot is not None:
        note(f"plot written: {capacity_plot(data, plot)}")


def register(app: typer.Typer) -> None:
    app.command("capacity", help=CAPACITY_HELP)(capacity_command)


__all__ = ["register", "render_capacity"]
