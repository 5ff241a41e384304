"""The shipped speed model on published llama-bench results it never saw (scripts/data/llamabench-heldout*.csv).

    python scripts/heldout_benchmarks.py [--rows]
    python scripts/heldout_benchmarks.py --csv MY-RESULTS.csv [MORE.csv ...] [--rows]

(`--csv` scores any file in the public file's columns instead, as never fitted; see --help.)

Thirty-one files, each row from a public page not in llamabench-public.csv (its URL is the row's source), each
gathered as a held-out file and scored blind when it arrived. llamabench-heldout.csv (95 figures) was gathered with the
model; the second, llamabench-heldout-2.csv, gathered later for what the fitted file lacks (MoE models on CUDA: the
public file has 807 CUDA rows and none of an MoE model); the third, llamabench-heldout-3.csv (132 figures), for the
backends the others are thin on (ROCm and Vulkan on Strix Halo and the R9700, SYCL and Vulkan on the Arc Pro B70, CUDA
on the P100, Metal on the M3 Ultra); the fourth, llamabench-heldout-4.csv (100 figures), for the hybrid models whose
recurrent-layer cost was fitted after the MI50's Qwen3.5 rows; the fifth to eighth for typical dense models, 2025-2026
builds, discrete cards, consumer and data-centre NVIDIA cards and Apple chips; the ninth to forty-fifth each for what
the files before it lacked (docs/methodology.md section 5 describes every one). The first to thirty-first are fitted
since (public_common.FITTED_HELDOUT: the first four from issue 11's twelfth round, the fifth and sixth from its
thirteenth, the seventh and eighth from its fourteenth, the ninth to twenty-fourth from its seventeenth, the
twenty-fifth to thirty-first from its twenty-third) and are printed as in-sample. The thirty-second on were gathered
before any score of them was seen and are never fitted: the summary at the end covers them only. Each row
is predicted by the shipped factors (planner/catalog/efficiency.json) through planner.core.speed, exactly
as `predict` would, and the figures of scripts/public_benchmarks.py are printed for them: median |error|
of decode and prefill, the GPUs whose median is off by 2x or more, and how many measurements fall inside
the shipped band.
"""

from __future__ import annotations

import argparse
import math
import sys
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from public_common import DATA, FITTED_HELDOUT, load_public, median, predict_row  # noqa: E402

from planner.core.efficiency import BAND_LEVEL  # noqa: E402
from planner.core.speed import features_for  # noqa: E402
from planner.sources.efficiency_data import default_efficiency  # noqa: E402

HELDOUT = DATA / "llamabench-heldout.csv"
NEVER_FITTED = (
    ("llamabench-heldout-32.csv", "F"),  # upper case: every lower-case letter is taken by the earlier files
    ("llamabench-heldout-33.csv", "G"),
    ("llamabench-heldout-34.csv", "H"),
    ("llamabench-heldout-35.csv", "I"),
    ("llamabench-heldout-36.csv", "J"),
    ("llamabench-heldout-37.csv", "K"),
    ("llamabench-heldout-38.csv", "L"),
    ("llamabench-heldout-39.csv", "M"),
    ("llamabench-heldout-40.csv", "N"),
    ("llamabench-heldout-41.csv", "O"),
    ("llamabench-heldout-42.csv", "P"),
    ("llamabench-heldout-43.csv", "Q"),
    ("llamabench-heldout-44.csv", "R"),
    ("llamabench-heldout-45.csv", "S"),
)
# every file by name: its path and the prefix of its row ids (the fitted ones as public_common.all_rows reads them)
FILES = {name: (DATA / name, prefix) for name, prefix in (*FITTED_HELDOUT, *NEVER_FITTED)}


def results(path: Path = HELDOUT, prefix: str = "") -> list[dict]:
    """One dict per measured figure: row, kind, pred, measured, covered (by the shipped band)."""
    return scored(load_public(path, prefix)[0])


def scored(rows: list) -> list[dict]:
    """results() for rows already read."""
    eff = default_efficiency()
    out = []
    for r in rows:
        pred = predict_row(r, eff)
        for kind, metric in (("decode", "tg"), ("prefill", "pp")):
            measured = getattr(r, f"{metric}_tps")
            if measured and pred[metric]:
                # as predict: the wider band for a GPU generation the fit has no row of
                unseen = eff.unseen_generation(features_for(r.moe, r.hw, r.deployment, r.quant_bits))
                lo, hi = eff.band_factors(kind, unseen)
                covered = pred[metric] * lo <= measured <= pred[metric] * hi
                out.append({"row": r, "kind": kind, "pred": pred[metric], "measured": measured, "covered": covered})
    return out


def _err(x: dict) -> float:
    return 100.0 * abs(x["pred"] / x["measured"] - 1)


# held out when gathered, fitted since (their blind scores: docs/methodology.md section 5)
FITTED = {name for name, _ in FITTED_HELDOUT}


def report(res: list[dict], show_rows: bool = False, title: str = "", fitted: bool = False) -> list[str]:
    head = "Published results fitted since (in-sample)" if fitted else "Held-out published results (never fitted)"
    out = [f"{head}: the shipped model{title}", ""]
    for kind in ("decode", "prefill"):
        part = [x for x in res if x["kind"] == kind]
        out.append(f"  {kind:8} {len(part):3d} figures  median |error| {median([_err(x) for x in part]):5.1f}%")
    gpus: dict[str, list] = defaultdict(list)
    for x in res:
        gpus[(x["row"].group, x["kind"])].append(x)
    off = []
    for (g, kind), sel in sorted(gpus.items()):
        ratio = math.exp(median([math.log(x["pred"] / x["measured"]) for x in sel]))
        if max(ratio, 1 / ratio) >= 2.0:
            off.append(f"{g} {kind} x{ratio:.2f} ({len(sel)} rows)")
    out.append(f"  GPUs with a median error of 2x or more: {len(off)}" + (f" ({'; '.join(off)})" if off else ""))
    cover = 100.0 * sum(x["covered"] for x in res) / len(res)
    out.append(f"  {BAND_LEVEL:.0%} band coverage {cover:5.1f}%  ({len(res)} figures, {len(gpus)} GPU x kind)")
    if show_rows:
        out += ["", "rows: GPU, test, predicted, measured, in band, source"]
        for x in res:
            r = x["row"]
            test = r.row_id.split(":")[-1]
            src = r.source.split(" ")[0]
            out.append(
                f"  {r.group:14} {r.deployment.backend:6} {test:14} {x['pred']:8.1f} {x['measured']:8.1f} "
                f"{'yes' if x['covered'] else 'no ':3}  {src}"
            )
    return out


COLUMNS = (
    "source,gpu,gpus,backend,engine_version,model,model_size_gib,params_b,quant,test,n_prompt,n_gen,depth,ngl,fa,"
    "ubatch,tps,notes"
)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="heldout_benchmarks.py",
        description="The shipped speed model on published llama-bench results it never saw: the project's held-out "
        "files, or your own with --csv.",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog=f"""--csv files use the columns of scripts/data/llamabench-public.csv, one row per figure:
  {COLUMNS}
(test: pp512, tg128, pp512@d4096 ...; tps: tokens/s; gpus: the card count; quant: Q4_K_M, Q8_0, F16 ...).
A GPU string not in scripts/data/llamabench-gpus.csv is matched to the profile whose display name it spells; a
model string not in scripts/data/llamabench-models.csv is taken as another type of a mapped model of the same
architecture and size ("qwen3moe 30B.A3B Q5_K - Medium"). Rows neither maps are left out and counted, never guessed.

examples:
  PYTHONPATH=$PWD python scripts/heldout_benchmarks.py
  PYTHONPATH=$PWD python scripts/heldout_benchmarks.py --rows
  PYTHONPATH=$PWD python scripts/heldout_benchmarks.py --csv my-llama-bench.csv --rows""",
    )
    parser.add_argument("--rows", action="store_true", help="print every figure: predicted, measured, in band")
    parser.add_argument(
        "--csv", type=Path, nargs="+", metavar="FILE", help="score these files (never fitted) instead of the project's"
    )
    return parser


def _own_files(args: argparse.Namespace) -> list[str]:
    out: list[str] = []
    every: list[dict] = []
    for i, path in enumerate(args.csv):
        try:
            rows, skipped = load_public(path, f"u{i}:")
        except (OSError, UnicodeDecodeError) as exc:
            raise SystemExit(f"error: {path}: cannot read it ({exc.__class__.__name__}: {exc})") from None
        except KeyError as exc:
            raise SystemExit(f"error: {path}: no column {exc}; hint: the columns are listed in --help") from None
        except ValueError as exc:
            raise SystemExit(f"error: {path}: {exc}; hint: the columns are listed in --help") from None
        res = scored(rows)
        every += res
        out += report(res, args.rows, f", {path.name}") if res else [f"{path.name}: no figure to score"]
        out += ["  left out: " + (", ".join(f"{v} {k}" for k, v in sorted(skipped.items())) or "none"), ""]
    if len(args.csv) > 1 and every:
        out += report(every, title=", all files given")
    return out


def main(argv: list[str]) -> int:
    args = _parser().parse_args(argv)
    if args.csv:
        print("\n".join(_own_files(args)))
        return 0
    every = []
    for name, (path, prefix) in FILES.items():
        res = results(path, prefix)
        if name not in FITTED:
            every += res
        print("\n".join(report(res, args.rows, f", {name}", fitted=name in FITTED)) + "\n")
    print("\n".join(report(every, title=", all files never fitted")))
    return 0


if __name__ == "__main__":
    from script_args import run

    raise SystemExit(run(lambda: main(sys.argv[1:])))
