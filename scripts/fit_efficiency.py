"""Fit the speed model's efficiency factors from scripts/data/measured-benchmarks.csv and write
planner/catalog/efficiency.json; print the fit. docs/methodology.md section 5 explains each factor.

    python scripts/fit_efficiency.py [--check]     # --check: exit 1 if the file is out of date
"""

from __future__ import annotations

import json
import math
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from benchmarks_common import CSV, fit, is_special, load_rows, loo  # noqa: E402

from planner.core.efficiency import RIDGE  # noqa: E402
from planner.core.speed import DEFAULT_COMMUNICATION  # noqa: E402

OUT = Path(__file__).resolve().parents[1] / "planner" / "catalog" / "efficiency.json"


def _rms(values: list[float]) -> float:
    return math.sqrt(sum(v * v for v in values) / len(values)) if values else 0.3


def build() -> dict:
    rows = load_rows()
    eff, tables = fit(rows)
    # The band: one sigma of the leave-one-out log residuals, so a row's band is how far a row the
    # fit never saw landed.
    dec, pre = [], []
    for res in loo(rows):
        r = res["row"]
        if res["tg_pred"] and r.tg_tps and not is_special(r):
            dec.append(math.log(res["tg_pred"] / r.tg_tps))
        if res["pp_pred"] and r.pp_tps and not is_special(r):
            pre.append(math.log(res["pp_pred"] / r.pp_tps))
    return {
        "schema_version": 1,
        "generated_by": "scripts/fit_efficiency.py",
        "source": f"{CSV.name} ({len(rows)} rows; each row cites its public source); ridge {RIDGE}",
        "meaning": "log eff = intercept + levels (arch, precision, backend, engine, moe); decode eff is a "
        "fraction of peak memory bandwidth, prefill eff a fraction of peak fp16 compute "
        "(fp32 on a CPU). docs/methodology.md section 5",
        "decode": tables["decode"],
        "prefill": tables["prefill"],
        "kv_read": {
            "value": eff.kv_read,
            "meaning": "KV-cache read efficiency / 16-bit weight read efficiency",
            "fitted_from": "llama-2-7b Q4_0 tg32 @ depth 32768 (MI50)",
        },
        "attention": {
            "value": eff.attention,
            "meaning": "prefill attention FLOP efficiency / GEMM efficiency",
            "fitted_from": "llama-2-7b Q4_0 pp2048 @ depth 32768 (MI50)",
        },
        "batch_compute": {
            "value": eff.batch_compute,
            "meaning": "batched decode GEMM efficiency / prefill GEMM efficiency",
            "fitted_from": "vLLM Llama-3.1-8B fp16 ShareGPT throughput (MI50)",
        },
        "band": {
            "decode_log_sigma": round(_rms(dec), 4),
            "prefill_log_sigma": round(_rms(pre), 4),
            "meaning": "one sigma of the leave-one-out log residuals; widened per unfitted level",
        },
        # Priors, not fitted (no row measures them): llama.cpp on a CPU streams weights at about 60% of
        # the measured bandwidth and reaches about 30% of the fp32 peak in prefill (order of magnitude
        # from llama.cpp CPU reports; wide band).
        "cpu": {"decode": 0.6, "prefill": 0.3},
        "communication": dict(DEFAULT_COMMUNICATION),
    }


def main(argv: list[str]) -> int:
    data = build()
    text = json.dumps(data, indent=1, sort_keys=False) + "\n"
    if "--check" in argv:
        current = OUT.read_text(encoding="utf-8") if OUT.exists() else ""
        if current != text:
            print(f"{OUT} is out of date: run python scripts/fit_efficiency.py", file=sys.stderr)
            return 1
        return 0
    OUT.write_text(text, encoding="utf-8")
    for kind in ("decode", "prefill"):
        t = data[kind]
        print(f"{kind}: intercept exp={math.exp(t['intercept']):.3f}")
        for name, value in sorted(t["levels"].items()):
            print(f"  {name:28} x{math.exp(value):.3f}  ({t['rows'][name]} rows)")
    for key in ("kv_read", "attention", "batch_compute"):
        print(f"{key}: {data[key]['value']:.3f}  ({data[key]['fitted_from']})")
    print(
        f"band: decode sigma {data['band']['decode_log_sigma']}, "
        f"prefill sigma {data['band']['prefill_log_sigma']}"
    )
    print(f"wrote {OUT}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
