"""Fit the speed model's factors on every published and measured row and write
planner/catalog/efficiency.json; the band is the 80% interval of the leave-one-GPU-out errors.
docs/methodology.md section 5 explains each factor.

    python scripts/fit_efficiency.py            # fit, leave-one-GPU-out for the band (a few minutes), write
    python scripts/fit_efficiency.py --check    # exit 1 if the fitted factors in the file are out of date
    python scripts/fit_efficiency.py --table    # the shipped factors as docs/methodology.md's "Fitted values" block

Data: scripts/data/llamabench-public.csv, the held-out files fitted since (llamabench-heldout.csv and -2 to -6:
public_common.FITTED_HELDOUT) and scripts/data/measured-benchmarks.csv (public_common.py).
"""

from __future__ import annotations

import argparse
import json
import math
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from public_common import (  # noqa: E402
    Problem,
    all_rows,
    current_band,
    leave_one_gpu_out,
    median,
    unseen_band,
    unseen_generation,
)

from planner.core.efficiency import BAND_LEVEL  # noqa: E402
from planner.core.speed import DEFAULT_COMMUNICATION  # noqa: E402

OUT = Path(__file__).resolve().parents[1] / "planner" / "catalog" / "efficiency.json"
# The CPU path's attention/GEMM factor, KV-read factor, per-layer fixed cost (the median backend's) and
# MoE share of it, as the GPU fit of commit 5b8a7e4 set them (planner/catalog/efficiency.json there), and the GEMM
# half-size as the fit of commit f626651 set it (31 tokens; the refit that fits the held-out files moved the GPU
# value to 43, which moved the CPU path's prefill and failed a kept CPU run's calibrated TTFT by 17%).
CPU_PINNED = {
    "attention": 0.3941955276963318,
    "kv_read": 1.0639067430692288,
    "layer_overhead_s": 7.273727504455024e-05,
    "moe_layer_overhead": 0.515457750350672,
    "gemm_half_tokens": 31.003716371056736,
}
# Not fitted here: no public llama-bench row measures batched decode. The value is the fit of the
# vLLM ShareGPT throughput row of measured-benchmarks.csv (MI50, Llama-3.1-8B fp16) by the previous
# model (commit d62d44c, planner/catalog/efficiency.json "batch_compute").
BATCH_COMPUTE = 0.6027


def fitted(problem: Problem) -> dict:
    """The fitted part of the file (what --check compares)."""
    data = problem.solve().to_dict()
    data["kv_read"]["meaning"] = "KV-cache read efficiency / f16 weight-read efficiency"
    data["attention"]["meaning"] = "prefill attention FLOP efficiency / GEMM efficiency"
    data["attention_backend"]["meaning"] = "prefill attention factor of each backend, on top of `attention`"
    data["gemm_half_tokens"]["meaning"] = "micro-batch tokens at which GEMM efficiency is half its large-batch value"
    data["layer_overhead_s"]["meaning"] = "fixed seconds per layer per graph evaluation (launch, sync), by backend"
    data["vector_work"]["meaning"] = "prefill: vector FLOPs (dequantisation) per GEMM FLOP, at the FP32 vector rate"
    data["decode_vector_work"]["meaning"] = "decode: vector FLOPs per weight FLOP of a matrix-vector step"
    data["moe_layer_overhead"]["meaning"] = "MoE layer's extra fixed cost / the per-layer cost"
    data["recurrent_layer_overhead"]["meaning"] = "recurrent layer's extra fixed cost / the per-layer cost"
    return json.loads(json.dumps(data))


def same(a, b, rel: float = 1e-3) -> bool:
    """Equal up to the optimiser's tolerance (floating-point sums differ across machines)."""
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(same(a[k], b[k], rel) for k in a)
    if isinstance(a, (int, float)) and isinstance(b, (int, float)):
        return abs(a - b) <= rel * max(abs(a), abs(b)) + 1e-9
    return a == b


def build(problem: Problem | None = None, rows=None) -> dict:
    rows = rows if rows is not None else all_rows()
    problem = problem or Problem(rows)
    fit = fitted(problem)
    results = leave_one_gpu_out(rows, problem)
    # the band of a current build (methodology section 5, the twentieth round)
    band, level = current_band(results)
    unseen = unseen_generation(results)
    pairs = list(zip(results, unseen, strict=True))
    unseen_errors = {
        kind: median([abs(x["pred"] / x["measured"] - 1) for x, u in pairs if u and x["kind"] == kind])
        for kind in ("decode", "prefill")
    }
    return {
        "schema_version": 2,
        "generated_by": "scripts/fit_efficiency.py",
        "source": "scripts/data/llamabench-public.csv (published llama-bench results, each row with its source) "
        "and scripts/data/measured-benchmarks.csv; fit in scripts/public_common.py",
        "meaning": "log eff = intercept + levels (vendor, arch, backend, precision, kernel, engine, moe); decode "
        "eff is a fraction of peak memory bandwidth, prefill eff a fraction of peak dense compute; additive "
        "terms as named. docs/methodology.md section 5",
        **fit,
        "batch_compute": {
            "value": BATCH_COMPUTE,
            "meaning": "batched decode GEMM efficiency / prefill GEMM efficiency",
            "fitted_from": "vLLM Llama-3.1-8B fp16 ShareGPT throughput (MI50), previous model",
        },
        "band_unseen_generation": {
            **unseen_band(results, unseen, band, level),
            "figures": {k: sum(u and x["kind"] == k for x, u in pairs) for k in ("decode", "prefill")},
            "median_abs_error": {k: round(v, 4) for k, v in unseen_errors.items()},
            "meaning": "the band of a GPU whose generation (arch class) no fitted row has: the shared band widened "
            "to the same central interval of the leave-one-GPU-out errors of GPUs alone in their generation",
        },
        "band": {
            **band,
            "level": BAND_LEVEL,
            "central_quantiles": level,
            "meaning": "log(measured / predicted) quantiles of the leave-one-GPU-out predictions of recent-build rows "
            "(llama.cpp from build 7500 or dated from 2025-12: a plan is for a current build; the central "
            "interval 'central_quantiles' wide, the narrowest whose leave-one-GPU-out coverage reaches 'level'): "
            "low/high edges",
        },
        # Priors, not fitted (no row measures them): llama.cpp on a CPU streams weights at about 60% of
        # the measured bandwidth and reaches about 30% of the fp32 peak in prefill. The rest of the CPU
        # path is pinned, not refitted: the GPU file has no CPU row, so its fit must not move the CPU
        # capacity simulation (methodology section 8), whose kept runs pass with these values (the GPU
        # fit's values at commit 5b8a7e4; a CPU depth sweep would measure them).
        "cpu": {"decode": 0.6, "prefill": 0.3, **CPU_PINNED},
        "communication": dict(DEFAULT_COMMUNICATION),
    }


def _levels(data: dict, kind: str, prefix: str, floor: float) -> list[tuple[str, float]]:
    return [(k.split(":", 1)[1], v) for k, v in sorted(data[kind]["levels"].items()) if k.startswith(prefix)
            and abs(v) >= floor]  # fmt: skip


def methodology_table(data: dict) -> str:
    """docs/methodology.md's block of fitted values: the multipliers exp(level) of |log| >= 0.05 per level type
    (kernel levels of |log| >= 0.1), the additive terms and the band, from an efficiency.json."""

    def cell(kind: str, prefix: str, floor: float = 0.05, empty: str = "-") -> str:
        return ", ".join(f"{n} x{math.exp(v):.2f}" for n, v in _levels(data, kind, prefix, floor)) or empty

    out = ["| | decode | prefill |", "|---|---|---|"]
    intercepts = [f"{math.exp(data[k]['intercept']):.3f}" for k in ("decode", "prefill")]
    out.append(f"| intercept | {intercepts[0]} | {intercepts[1]} |")
    for level in ("memory", "vendor", "arch", "backend", "precision", "engine", "era"):
        out.append(f"| {level} | {cell('decode', level + ':')} | {cell('prefill', level + ':')} |")
    moe = {k: math.exp(data[k]["levels"].get("moe", 0.0)) for k in ("decode", "prefill")}
    out += [f"| moe | moe x{moe['decode']:.2f} | moe x{moe['prefill']:.2f} |", ""]
    for kind in ("decode", "prefill"):
        out += [f"Kernel levels of |log| >= 0.1 ({kind}): {cell(kind, 'kernel:', 0.1, 'none')}", ""]
    tau = ", ".join(f"{k} {v * 1e6:.0f} us" for k, v in sorted(data["layer_overhead_s"]["value"].items()))
    moe_share = 1 + data["moe_layer_overhead"]["value"]
    rec_share = 1 + data.get("recurrent_layer_overhead", {}).get("value", 0.0)
    out.append(
        f"Fixed cost per layer per graph evaluation: {tau}; an MoE layer x{moe_share:.2f}, a recurrent layer "
        f"x{rec_share:.2f};"
    )
    att = data.get("attention_backend", {}).get("value", {})
    per_backend = ", ".join(f"{k} x{v:.2f}" for k, v in sorted(att.items()))
    out.append(
        f"kv_read {data['kv_read']['value']:.2f}; attention {data['attention']['value']:.2f} (per backend: "
        f"{per_backend or 'none'}); n_half {data['gemm_half_tokens']['value']:.0f} tokens;"
    )
    vector = ", ".join(f"{k} {v:.3f}" for k, v in sorted(data["vector_work"]["value"].items()))
    out.append(f"vector work per FLOP, prefill: {vector};")
    decode = ", ".join(f"{k} {v:.2f}" for k, v in sorted(data["decode_vector_work"]["value"].items()))
    out.append(f"decode: {decode}.")
    b = data["band"]
    edges = {k: f"[{b[k][0]:+.3f}, {b[k][1]:+.3f}] (x{math.exp(b[k][0]):.2f} .. x{math.exp(b[k][1]):.2f})"
             for k in ("decode", "prefill")}  # fmt: skip
    out.append(
        f"Band (central {b['central_quantiles'] * 100:.0f}% of the log(measured/predicted) held-out errors, the "
        f"narrowest with 80% leave-one-GPU-out coverage): decode {edges['decode']}, prefill {edges['prefill']}."
    )
    return "\n".join(out)


def main(argv: list[str]) -> int:
    ap = argparse.ArgumentParser(
        prog="fit_efficiency.py",
        description=f"Fit the speed model's factors on the published results and write {OUT.name} (a few minutes).",
    )
    what = ap.add_mutually_exclusive_group()
    what.add_argument("--check", action="store_true", help=f"only say whether {OUT.name} is up to date (exit 1 if not)")
    what.add_argument("--table", action="store_true", help="only print the fitted values as methodology's table")
    argv = [f"--{a}" for a, on in vars(ap.parse_args(argv)).items() if on]
    if "--table" in argv:
        print(methodology_table(json.loads(OUT.read_text(encoding="utf-8"))))
        return 0
    import torch

    torch.set_num_threads(1)
    if "--check" in argv:
        current = json.loads(OUT.read_text(encoding="utf-8")) if OUT.exists() else {}
        fresh = fitted(Problem(all_rows()))
        stale = [k for k, v in fresh.items() if not same(current.get(k), v)]
        if stale:
            print(f"{OUT} is out of date ({', '.join(stale)}): run python scripts/fit_efficiency.py", file=sys.stderr)
            return 1
        return 0
    data = build()
    OUT.write_text(json.dumps(data, indent=1) + "\n", encoding="utf-8")
    for kind in ("decode", "prefill"):
        print(f"{kind}: intercept exp={math.exp(data[kind]['intercept']):.3f}; band {data['band'][kind]}")
    print(f"layer overhead (us): { {k: round(v * 1e6, 1) for k, v in data['layer_overhead_s']['value'].items()} }")
    for key in ("kv_read", "attention", "gemm_half_tokens"):
        print(f"{key}: {data[key]['value']:.3f}")
    print(f"wrote {OUT}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
