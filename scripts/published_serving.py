"""Published vLLM serving benchmarks against the capacity simulation (held out: nothing is fitted to them).

Each setup of scripts/data/published-serving.csv (a model, a GPU, vLLM, request lengths, several Poisson
request rates of `benchmark_serving.py` / `vllm bench serve`, each row with its URL) is simulated the way
`mi50plan capacity` simulates a replica: the vLLM fit plan of that shape gives the scheduler (max_num_seqs,
max_num_batched_tokens, KV blocks; planner/engines/vllm.py), the speed model gives the step times
(planner.planning.capacity.step_time_for, no calibration), planner.core.simulate runs vLLM's continuous
batching. The benchmark's own figures are computed from the simulated requests as benchmark_serving.py
computes them: every request counts (no warm-up discarded), request throughput = completed / (last finish
- first arrival), TTFT over all requests, TPOT over requests of more than one output token. Each rate is
simulated with `--seeds` arrival seeds (the benchmark's 200 prompts make one run noisy) and the figures
averaged. `inf` is simulated as 1e6 requests/s (all at once).

    python scripts/published_serving.py [--seeds 5] [--csv scripts/data/published-serving.csv]

Prints, per setup and rate, simulated vs published request throughput, p50 (median) TTFT and p50 TPOT
with the errors, and a summary (median absolute error per metric over all rows).
"""

from __future__ import annotations

import argparse
import csv
import math
import statistics
import sys
from dataclasses import dataclass, replace
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

DATA = ROOT / "scripts" / "data"
INF_RATE = 1e6


@dataclass(frozen=True)
class Row:
    setup: str
    model: str
    spec_model: str
    hardware: str
    tensor_parallel_size: int
    interconnect_gbps: float | None  # the benchmarked machine's GPU link when the profile's differs
    vllm_version: str  # as published
    simulated_version: str  # the vLLM version simulated (its scheduler rules, budgets and memory line)
    chunked_prefill: bool | None  # --enable-chunked-prefill given; None: the version's default
    prefix_cached: bool  # every prompt already in vLLM's prefix cache (the same prompts sent before)
    dtype: str
    max_model_len: int | None
    gpu_memory_utilization: float
    dataset: str
    prompt_tokens: float
    output_tokens: float
    lengths_file: str
    num_prompts: int
    request_rate: float  # math.inf for `inf`
    request_throughput: float
    mean_ttft_ms: float
    median_ttft_ms: float
    mean_tpot_ms: float
    median_tpot_ms: float
    url: str


def read_rows(path: Path) -> list[Row]:
    lines = [line for line in path.read_text(encoding="utf-8").splitlines() if line and not line.startswith("#")]
    out = []
    for r in csv.DictReader(lines):
        out.append(
            Row(
                setup=r["setup"],
                model=r["model"],
                spec_model=r["spec_model"],
                hardware=r["hardware"],
                tensor_parallel_size=int(r["tensor_parallel_size"]),
                interconnect_gbps=float(r["interconnect_gbps"]) if r["interconnect_gbps"] else None,
                vllm_version=r["vllm_version"],
                simulated_version=r["simulated_version"],
                chunked_prefill=None if r["chunked_prefill"] == "" else r["chunked_prefill"] == "1",
                prefix_cached=r["prefix_cached"] == "1",
                dtype=r["dtype"],
                max_model_len=int(r["max_model_len"]) if r["max_model_len"] else None,
                gpu_memory_utilization=float(r["gpu_memory_utilization"]),
                dataset=r["dataset"],
                prompt_tokens=float(r["prompt_tokens"]),
                output_tokens=float(r["output_tokens"]),
                lengths_file=r["lengths_file"],
                num_prompts=int(r["num_prompts"]),
                request_rate=math.inf if r["request_rate"] == "inf" else float(r["request_rate"]),
                request_throughput=float(r["request_throughput"]),
                mean_ttft_ms=float(r["mean_ttft_ms"]),
                median_ttft_ms=float(r["median_ttft_ms"]),
                mean_tpot_ms=float(r["mean_tpot_ms"]),
                median_tpot_ms=float(r["median_tpot_ms"]),
                url=r["url"],
            )
        )
    return out


def lengths_for(row: Row, folder: Path):
    """The request lengths: the published per-request lengths when there are some, else the means."""
    from planner.core.simulate import Lengths

    if row.lengths_file:
        pairs = [
            line.split(",")
            for line in (folder / row.lengths_file).read_text(encoding="utf-8").splitlines()
            if line and not line.startswith("#") and not line.startswith("input")
        ]
        return Lengths.empirical([int(a) for a, _ in pairs]), Lengths.empirical([int(b) for _, b in pairs])
    return Lengths.fixed(round(row.prompt_tokens)), Lengths.fixed(round(row.output_tokens))


def server_for(row: Row):
    """(scheduler, step time, plan) of one vLLM replica of this setup, as `mi50plan capacity` builds them:
    the simulated version's scheduler rules and budgets (planner.engines.vllm_scheduling)."""
    from planner.core.hardware import Hardware
    from planner.core.speed import Deployment, check_deployment
    from planner.engines.vllm import VllmOptions
    from planner.planning.capacity import step_time_for, vllm_server
    from planner.sources.models import resolve_model
    from planner.sources.profiles import get_profile

    spec = resolve_model(row.spec_model, offline=True).spec
    profile = get_profile(row.hardware)
    if row.interconnect_gbps is not None:  # the published machine's link (NVLink), not the profile's PCIe
        profile = replace(profile, interconnect_gbps=row.interconnect_gbps, interconnect="nvlink")
    hw = Hardware(profile, row.tensor_parallel_size)
    dtype = {"bf16": "bfloat16", "fp16": "float16"}.get(row.dtype, row.dtype)
    opts = VllmOptions(
        dtype=dtype,
        max_model_len=row.max_model_len,  # None: the model's own context, as `vllm serve` without the flag
        gpu_memory_utilization=row.gpu_memory_utilization,
        tensor_parallel_size=row.tensor_parallel_size,
        vllm_version=row.simulated_version,
    )
    plan, sched = vllm_server(spec, hw, opts, chunked_prefill=row.chunked_prefill)
    if not plan.fits:
        raise SystemExit(f"{row.setup}: the vLLM plan does not fit: {plan.error}")
    d = check_deployment(spec, hw, Deployment("vllm", dtype=row.dtype, tensor_parallel_size=row.tensor_parallel_size))
    return sched, step_time_for(spec, hw, d), plan


@dataclass(frozen=True)
class BenchFigures:
    request_throughput: float
    mean_ttft_ms: float
    median_ttft_ms: float
    mean_tpot_ms: float
    median_tpot_ms: float


def bench_figures(records) -> BenchFigures:
    """benchmark_serving.py's figures from simulated requests (all of them; TPOT where output > 1)."""
    done = [r for r in records if not r.rejected]
    start = min(r.arrival_s for r in records)
    end = max(r.finish_s for r in done)
    ttft = [r.ttft_s * 1000 for r in done]
    tpot = [r.tpot_s * 1000 for r in done if r.output_tokens > 1]
    return BenchFigures(
        len(done) / max(end - start, 1e-9),
        statistics.fmean(ttft),
        statistics.median(ttft),
        statistics.fmean(tpot) if tpot else math.nan,
        statistics.median(tpot) if tpot else math.nan,
    )


def simulate_row(row: Row, folder: Path, seeds: int = 5) -> BenchFigures:
    """The row's benchmark simulated with `seeds` arrival seeds, figures averaged."""
    from planner.core.simulate import Load, simulate

    prompt, output = lengths_for(row, folder)
    sched, step, _ = server_for(row)
    rate = INF_RATE if math.isinf(row.request_rate) else row.request_rate
    cached = row.prefix_cached
    loads = [
        Load(prompt, output, rate=rate, requests=row.num_prompts, seed=s, prompt_cached=cached) for s in range(seeds)
    ]
    runs = [bench_figures(simulate(sched, step, load).records) for load in loads]
    return BenchFigures(*(statistics.fmean(getattr(r, f) for r in runs) for f in BenchFigures.__dataclass_fields__))


def describe(row: Row) -> str:
    sched, _, plan = server_for(row)
    rules = "whole prompts first" if sched.prefill_first else "chunked prefill"
    cached = ", prompts' full blocks in the prefix cache (runs after the first)" if row.prefix_cached else ""
    return (
        f"vLLM {row.simulated_version} ({rules}, {sched.max_batch_tokens} tokens / {sched.max_seqs} seqs per step,"
        f" {plan.kv_cache_tokens:,} KV tokens){cached}"
    )


def pct(sim: float, real: float) -> float:
    return (sim - real) / real * 100.0


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--csv", type=Path, default=DATA / "published-serving.csv")
    ap.add_argument("--seeds", type=int, default=5)
    args = ap.parse_args(argv)
    rows = read_rows(args.csv)
    errors: dict[str, list[float]] = {"throughput": [], "ttft_p50": [], "tpot_p50": []}
    current = None
    for row in rows:
        if row.setup != current:
            current = row.setup
            print(
                f"\n{row.setup}: {row.model} on {row.tensor_parallel_size} x {row.hardware},"
                f" vLLM {row.vllm_version}, {row.dataset}, {row.num_prompts} prompts\n  {row.url}"
            )
            print(f"  simulated: {describe(row)}")
            print("  rate   req/s sim  real    err   TTFT p50 sim    real     err   TPOT p50 sim   real     err")
        sim = simulate_row(row, args.csv.parent, args.seeds)
        e_tp = pct(sim.request_throughput, row.request_throughput)
        e_ttft = pct(sim.median_ttft_ms, row.median_ttft_ms)
        e_tpot = pct(sim.median_tpot_ms, row.median_tpot_ms)
        errors["throughput"].append(e_tp)
        errors["ttft_p50"].append(e_ttft)
        errors["tpot_p50"].append(e_tpot)
        rate = "inf" if math.isinf(row.request_rate) else f"{row.request_rate:g}"
        print(
            f"  {rate:>4} {sim.request_throughput:9.2f} {row.request_throughput:5.2f} {e_tp:+6.1f}%"
            f" {sim.median_ttft_ms:10.1f}ms {row.median_ttft_ms:6.1f}ms {e_ttft:+7.1f}%"
            f" {sim.median_tpot_ms:10.1f}ms {row.median_tpot_ms:5.1f}ms {e_tpot:+7.1f}%"
        )
    print(
        f"\nsummary over {len(rows)} published rows ({len({r.setup for r in rows})} setups), {args.seeds} seeds each:"
    )
    for name, errs in errors.items():
        absolute = sorted(abs(e) for e in errs)
        within = sum(1 for e in absolute if e <= 25.0)
        print(
            f"  {name:10s} median |error| {statistics.median(absolute):5.1f}%, max {absolute[-1]:6.1f}%, "
            f"{within}/{len(errs)} within 25%"
        )
    return 0


if __name__ == "__main__":
    from script_args import run

    raise SystemExit(run(main))
