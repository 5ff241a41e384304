"""Leave-one-GPU-out cross-validation of the speed model on the published llama-bench results.

    python scripts/public_benchmarks.py [--rows]     # --rows: also every held-out row

For every GPU (a profile): fit the model on all rows of every other GPU, predict each row of this
one with planner.core.speed, compare with the measurement. The band of a GPU's rows comes from the
held-out log errors of the other GPUs' recent-build rows only (the shipped band is for a current build):
their narrowest central interval whose own leave-one-GPU-out coverage reaches 80% (public_common.Residuals),
so the coverage printed is held-out.
scripts/heldout_benchmarks.py scores the shipped model on published results never fitted.
Prints median |error| of decode and prefill tok/s per backend and GPU family, the worst GPUs, band
coverage, and the MI50 rows apart. Targets (issue 11): decode median <= 15%, prefill <= 25%, no GPU
with a median error of 2x or more, coverage >= 80%, MI50 decode median <= 10%.
Data: scripts/data/llamabench-public.csv, the held-out files fitted since (llamabench-heldout.csv and -2 to -6:
public_common.FITTED_HELDOUT) and measured-benchmarks.csv (see scripts/public_common.py).
"""

from __future__ import annotations

import argparse
import math
import sys
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from public_common import (  # noqa: E402
    Problem,
    Residuals,
    all_rows,
    current_band,
    leave_one_gpu_out,
    leave_one_source_out,
    load_public,
    median,
    recent,
    unseen_band,
    unseen_generation,
)

from planner.core.efficiency import BAND_LEVEL, arch_class, vendor_class  # noqa: E402

TARGETS = {"decode": 15.0, "prefill": 25.0}


def held_out_bands(results: list[dict]) -> None:
    """Mark each result covered or not by the band a fit without its GPU would give it (nested: the
    band's level and quantiles come from the other GPUs' held-out errors only, of recent-build rows, as the
    shipped band's do). A GPU alone in its generation gets the wider band the shipped model gives such a GPU
    (unseen_band, from the other GPUs' errors too); `covered_shared` keeps what the shared band alone would cover."""
    current = recent(results)
    residuals = Residuals(current)
    unseen = unseen_generation(results)
    for x, u in zip(results, unseen, strict=True):
        x["unseen"] = u
    for g in sorted({x["row"].group for x in results}):
        level = residuals.level(BAND_LEVEL, without=g)
        shared = residuals.band([i for i, x in enumerate(current) if x["row"].group != g], level)
        others = [x for x in results if x["row"].group != g]
        wide = unseen_band(others, [x["unseen"] for x in others], shared, level)
        for x in results:
            if x["row"].group == g:
                log = math.log(x["measured"] / x["pred"])
                lo, hi = shared[x["kind"]]
                x["covered"] = x["covered_shared"] = lo <= log <= hi
                if x["unseen"]:
                    lo, hi = wide[x["kind"]]
                    x["covered"] = lo <= log <= hi


def _err(x: dict) -> float:
    return 100.0 * abs(x["pred"] / x["measured"] - 1)


def _line(label: str, sel: list[dict]) -> str:
    cells = [f"{label:34}"]
    for kind in ("decode", "prefill"):
        part = [x for x in sel if x["kind"] == kind]
        cells.append(f"{len(part):5d} {median([_err(x) for x in part]):6.1f}%" if part else f"{0:5d} {'-':>7}")
    cover = [x["covered"] for x in sel]
    cells.append(f"{100.0 * sum(cover) / len(cover):6.1f}%" if cover else "      -")
    return "  ".join(cells)


def family(row) -> str:
    p = row.hw.profile
    return f"{vendor_class(p.arch, p.platform)} {arch_class(p.arch, p.platform)}"


def report(results: list[dict], mi50_loso: list[dict], show_rows: bool = False) -> list[str]:
    out = []
    header = f"{'':34}  {'decode n  med|err|':>14}  {'prefill n  med|err|':>14}  {'band cover':>10}"
    out += ["Leave-one-GPU-out: every row predicted by a model fitted without its GPU", "", header]
    out.append(_line("all rows", results))
    mi50 = [x for x in results if x["row"].group.startswith("mi50")]
    out.append(_line("MI50 rows (home GPU)", mi50))
    out.append(_line("MI50, leave-one-origin-out", mi50_loso))
    out += ["", "by backend", header]
    by: dict[str, list] = defaultdict(list)
    for x in results:
        by[x["row"].deployment.engine + " " + (x["row"].deployment.backend or "")].append(x)
    out += [_line(k, v) for k, v in sorted(by.items())]
    out += ["", "by GPU family", header]
    by = defaultdict(list)
    for x in results:
        by[family(x["row"])].append(x)
    out += [_line(k, v) for k, v in sorted(by.items())]
    gpus: dict[str, list] = defaultdict(list)
    for x in results:
        gpus[x["row"].group].append(x)
    worst = []
    for g, sel in gpus.items():
        for kind in ("decode", "prefill"):
            part = [x for x in sel if x["kind"] == kind]
            if part:
                ratio = math.exp(median([math.log(x["pred"] / x["measured"]) for x in part]))
                worst.append((max(ratio, 1 / ratio), g, kind, ratio, len(part)))
    worst.sort(reverse=True)
    out += ["", "worst GPUs (median predicted/measured of the GPU's rows)"]
    out += [f"  {g:28} {kind:8} x{ratio:5.2f}  ({n} rows)" for _, g, kind, ratio, n in worst[:12]]
    n_2x = sum(1 for w in worst if w[0] >= 2.0)
    out += ["", "summary"]
    for kind, target in TARGETS.items():
        med = median([_err(x) for x in results if x["kind"] == kind])
        out.append(f"  {kind:8} median |error| {med:5.1f}%  (target <= {target:.0f}%)")
    mi50_dec = median([_err(x) for x in mi50 if x["kind"] == "decode"])
    loso_dec = median([_err(x) for x in mi50_loso if x["kind"] == "decode"])
    out.append(
        f"  MI50 decode median |error| {mi50_dec:5.1f}% held out as a GPU, {loso_dec:5.1f}% per origin (target <= 10%)"
    )
    out.append(f"  GPUs with a median error of 2x or more: {n_2x}  (target 0)")
    cover = 100.0 * sum(x["covered"] for x in results) / len(results)
    current = recent(results)
    cover_recent = 100.0 * sum(x["covered"] for x in current) / len(current)
    out.append(
        f"  {BAND_LEVEL:.0%} band coverage {cover:5.1f}%  (target >= 80%); {cover_recent:.1f}% of the "
        f"{len(current)} figures of recent builds, whose errors the band comes from"
    )
    alone = [x for x in results if x.get("unseen")]
    if alone:
        wide = 100.0 * sum(x["covered"] for x in alone) / len(alone)
        shared = 100.0 * sum(x["covered_shared"] for x in alone) / len(alone)
        n_gpus = len({x["row"].group for x in alone})
        out.append(
            f"    of which {len(alone)} figures of {n_gpus} GPUs alone in their generation: {wide:5.1f}% "
            f"with the unseen-generation band ({shared:.1f}% with the shared band)"
        )
    out.append(f"  {len(gpus)} GPUs, {len(results)} held-out figures")
    if show_rows:
        out += ["", "rows: id, predicted, measured"]
        out += [f"  {x['row'].row_id[:90]:90} {x['pred']:9.1f} {x['measured']:9.1f}" for x in results]
    return out


def main(argv: list[str]) -> int:
    ap = argparse.ArgumentParser(
        prog="public_benchmarks.py",
        description="Leave-one-GPU-out cross-validation of the speed model on the published llama-bench results "
        "(a few minutes: one fit per GPU). scripts/heldout_benchmarks.py scores results the model never saw.",
    )
    ap.add_argument("--rows", action="store_true", help="also print every held-out row: predicted, measured")
    args = ap.parse_args(argv)
    import torch

    torch.set_num_threads(1)  # small tensors: threads only contend
    _, skipped = load_public()
    rows = all_rows()
    problem = Problem(rows)
    results = leave_one_gpu_out(rows, problem)
    held_out_bands(results)
    mi50_loso = leave_one_source_out(rows, "mi50-32gb", problem)
    band, _ = current_band(results)
    for x in mi50_loso:
        lo, hi = band[x["kind"]]
        x["covered"] = x["pred"] * math.exp(lo) <= x["measured"] <= x["pred"] * math.exp(hi)
    print("\n".join(report(results, mi50_loso, args.rows)))
    print("  left out of the file: " + ", ".join(f"{v} {k}" for k, v in sorted(skipped.items())))
    return 0


if __name__ == "__main__":
    from script_args import run

    raise SystemExit(run(lambda: main(sys.argv[1:])))
