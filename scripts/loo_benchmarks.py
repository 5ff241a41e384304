"""Leave-one-out over scripts/data/measured-benchmarks.csv: fit the speed factors without a row,
predict that row, print predicted vs measured and the median absolute % errors.

    python scripts/loo_benchmarks.py

Targets (issue 4): median |error| of decode tok/s <= 20%, of prefill tok/s <= 30%. The throughput row
(vLLM bench, total tok/s under load) is printed but kept out of the single-stream decode median.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from benchmarks_common import is_special, load_rows, loo, median, pct  # noqa: E402


def main() -> int:
    rows = load_rows()
    results = loo(rows)
    print(f"{'row':58} {'pp meas':>9} {'pp pred':>9} {'err%':>7} {'tg meas':>8} {'tg pred':>8} {'err%':>7}")
    pp_err, tg_err, thr_err = [], [], []
    for res in results:
        r = res["row"]
        e_pp, e_tg = pct(res["pp_pred"], r.pp_tps), pct(res["tg_pred"], r.tg_tps)
        if e_pp is not None:
            pp_err.append(abs(e_pp))
        if e_tg is not None:
            (thr_err if is_special(r) == "batch_compute" else tg_err).append(abs(e_tg))

        def f(v, fmt):
            return format(v, fmt) if v is not None else "-"

        print(
            f"{r.row_id[:58]:58} {f(r.pp_tps, '9.1f')} {f(res['pp_pred'], '9.1f')} {f(e_pp, '+7.1f')} "
            f"{f(r.tg_tps, '8.2f')} {f(res['tg_pred'], '8.2f')} {f(e_tg, '+7.1f')}"
        )
    print()
    print(
        f"decode tok/s  median |error| {median(tg_err):.1f}% over {len(tg_err)} single-stream rows "
        "(target <= 20%)"
    )
    print(f"prefill tok/s median |error| {median(pp_err):.1f}% over {len(pp_err)} rows (target <= 30%)")
    if thr_err:
        print(f"throughput row |error| {thr_err[0]:.1f}% (batched decode; not in the decode median)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
