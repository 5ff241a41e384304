"""Predicted vs logged memory for every real-log case, and a summary per engine and metric.

    python scripts/real_logs.py [--csv PATH] [--v1-only]

Reads tests/data/real-engine-logs.csv (a copy of ../shared/reference/real-engine-logs.csv with more cases,
each with its source). Model configs come from the offline catalog, ../shared/model-configs and
tests/data/real-logs-configs. The vLLM sampler's 38 bytes per logit are counted from the source; the last
table shows what each log implies and a leave-one-case-out fit of it, as a check that nothing is tuned to the
rows it is scored on.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from planner.planning.real_logs import (  # noqa: E402
    compare_all,
    held_out_round,
    sampler_leave_one_out,
    summarise,
)
from planner.sources.models import resolve_model, spec_from_any_config  # noqa: E402
from planner.sources.profiles import get_profile  # noqa: E402
from planner.sources.real_logs import read_real_logs  # noqa: E402

SHARED = Path(os.environ.get("MI50PLAN_REFERENCE", ROOT.parent / "shared"))
CONFIG_DIRS = (ROOT / "tests" / "data" / "real-logs-configs", SHARED / "model-configs")


# The held-out rounds (planner.planning.real_logs.held_out_round), as the summary titles them.
ROUNDS = {
    1: "1: V40-V47, L10-L15, O10-O19 (held out: see tests/data/real-engine-logs.md)",
    2: "2: V48, L20, O20 on (scored before the changes they led to; the md gives that table)",
    3: "3: V50-V63 (vLLM only; the md gives the table scored before any change)",
    4: "4: V64-V77 (vLLM only; the md gives the table scored before any change)",
    5: "5: V78-V84 (vLLM only; the md gives the table scored before any change)",
    6: "5 follow-up: V85-V90 (multimodal; the md gives the table scored before any change)",
    7: "6: L22-L27 (llama.cpp, ROCm, Vulkan and CUDA; the md gives the table scored before any change)",
}


def resolve(model_id: str):
    for folder in CONFIG_DIRS:
        path = folder / model_id.replace("/", "--") / "config.json"
        if path.is_file():
            # as `fit` reads a config.json: keys a Hub config leaves to transformers' defaults (Gemma 3's
            # text_config.vocab_size) are filled in
            return spec_from_any_config(json.loads(path.read_text()), model_id, str(path))
    try:
        return resolve_model(model_id, offline=True).spec
    except Exception:  # noqa: BLE001 - a model the catalog lacks is reported, not fatal
        return None


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--csv", type=Path, default=ROOT / "tests" / "data" / "real-engine-logs.csv")
    parser.add_argument("--v1-only", action="store_true", help="leave vLLM V0 cases out of the summary")
    args = parser.parse_args()
    sampler_inputs: dict = {}
    rows = compare_all(read_real_logs(args.csv), resolve, get_profile, sampler_inputs)
    print(f"{'case':5} {'engine':8} {'version':8} {'metric':24} {'logged':>12} {'predicted':>12} {'error':>8}  source")
    for r in rows:
        pred = f"{r.predicted:12.2f}" if r.predicted is not None else f"{'-':>12}"
        err = f"{100 * r.error:+7.1f}%" if r.error is not None else f"{'-':>8}"
        print(
            f"{r.case:5} {r.engine:8} {r.engine_version[:8]:8} {r.metric:24} {r.logged:12.2f} {pred} {err}  "
            f"{r.source_url if not r.note else r.note}"
        )
    print()
    groups = [
        ("all cases", rows),
        ("OLD cases (those the model was built with)", [r for r in rows if held_out_round(r.case) == 0]),
    ]
    groups += [
        (f"NEW cases, round {title}", [r for r in rows if held_out_round(r.case) == n]) for n, title in ROUNDS.items()
    ]
    groups.append(("NEW cases, all rounds", [r for r in rows if held_out_round(r.case) > 0]))
    for title, group in groups:
        print(title)
        print(f"{'engine':8} {'metric':24} {'n':>3} {'median |err|':>12} {'max |err|':>10}  worst")
        for s in summarise(group, v1_only=args.v1_only):
            print(
                f"{s.engine:8} {s.metric:24} {s.count:3} {100 * s.median_abs_error:11.1f}% "
                f"{100 * s.max_abs_error:9.1f}%  {s.worst_case}"
            )
        print()
    print("vLLM V1 sampler bytes per logit, leave one case out (counted from the source: 38)")
    print(f"{'case':5} {'implied':>8} {'fit on others':>14} {'activation error':>17}")
    for case, implied, fitted, error in sampler_leave_one_out(sampler_inputs):
        print(f"{case:5} {implied:8.2f} {fitted:14.2f} {100 * error:+16.1f}%")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
