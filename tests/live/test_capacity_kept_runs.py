"""The llama-server load simulation against kept real runs (tests/data/capacity-check, README there): the
calibration is fitted on each run's calibration file only (closed loops of 1 and 4 users, other lengths than
the sweep's), then every run's sweep is scored, its own and the other runs' (issue 13's targets: p50 TTFT and
TPOT within 25% at every rate kept up with below the measured saturation, the saturation rate within 20%).
Needs the Gemma 3 270M GGUF of the llama-server build (its metadata only; no server is started)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from planner.planning.load_curve import fit_load_factors, model_for, score_sweep
from planner.planning.validate import ModelSettings, context_for
from tests.llama_server import require_artifacts

DATA = Path(__file__).resolve().parents[1] / "data" / "capacity-check"
RUNS = ("cc1", "cc3", "cc4")
QUIET_RUNS = ("ccq1", "ccq2", "ccq3", "ccq4", "ccq5")  # quiet-machine runs, methodology section 8 (README there)
P50_TARGET_PCT, SATURATION_TARGET_PCT = 25.0, 20.0  # issue 13


@pytest.fixture(scope="module")
def gguf():
    return require_artifacts()[1]


def _contents(run: str, name: str) -> dict:
    return json.loads((DATA / run / f"{name}.json").read_text())


def _score(gguf: str, cal: dict, run: str) -> tuple[tuple[tuple[float, float, float], ...], float]:
    probe = _contents(run, "sweep")["probes"][-1]
    model = model_for(context_for(ModelSettings(model=gguf, hardware="host"), probe["server"]), probe, None)
    score = score_sweep(model, cal, probe["points"])
    return score.rows, score.saturation_pct


@pytest.mark.parametrize("fit_on", RUNS)
def test_calibrated_on_one_run_every_sweep_meets_the_targets(gguf, fit_on):
    ctx_of = lambda server: context_for(ModelSettings(model=gguf, hardware="host"), server)  # noqa: E731
    _, cal, _ = fit_load_factors(_contents(fit_on, "calibration"), ctx_of, None)
    for run in RUNS:
        rows, sat_pct = _score(gguf, cal, run)
        assert len(rows) >= 3, run  # three or more rates below saturation in every kept sweep
        for rate, ttft_pct, tpot_pct in rows:
            assert abs(ttft_pct) <= P50_TARGET_PCT and abs(tpot_pct) <= P50_TARGET_PCT, (fit_on, run, rate)
        assert abs(sat_pct) <= SATURATION_TARGET_PCT, (fit_on, run)


def _verdict(gguf: str, cal: dict, run: str) -> tuple[bool, bool]:
    """(the issue's verdict, the saturation rate within 20%)."""
    rows, sat_pct = _score(gguf, cal, run)
    within = all(abs(t) <= P50_TARGET_PCT and abs(p) <= P50_TARGET_PCT for _, t, p in rows)
    sat_ok = abs(sat_pct) <= SATURATION_TARGET_PCT
    return bool(rows) and within and sat_ok, sat_ok


def test_cross_scoring_the_eight_kept_runs_passes_at_least_as_often_as_documented(gguf):
    # docs/methodology.md section 8 (`python scripts/capacity_check.py --cross` over the eight folders): 37 of the
    # 64 (calibration, sweep) pairs pass and 57 have the saturation rate within 20% (the model before the per-output
    # work: 33 and 48). A model change that loses a pair fails here.
    ctx_of = lambda server: context_for(ModelSettings(model=gguf, hardware="host"), server)  # noqa: E731
    runs = RUNS + QUIET_RUNS
    verdicts = {}
    for fit_on in runs:
        _, cal, _ = fit_load_factors(_contents(fit_on, "calibration"), ctx_of, None)
        for run in runs:
            verdicts[fit_on, run] = _verdict(gguf, cal, run)
    failed = sorted(k for k, (ok, _) in verdicts.items() if not ok)
    assert sum(ok for ok, _ in verdicts.values()) >= 37, failed
    assert sum(sat for _, sat in verdicts.values()) >= 57
    for run in QUIET_RUNS[2:]:  # the three runs measured after the change, each scored on its own calibration
        assert verdicts[run, run][0], run
