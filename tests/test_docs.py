"""Docs generated from the code stay in step with it (style.md idea 15)."""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_json_doc_matches_the_result_types():
    """docs/json.md is written by scripts/make_json_doc.py from planner/results.py: a renamed or removed
    field changes the file, so the promise "fields are never renamed" is checked on every change."""
    out = subprocess.run(
        [sys.executable, "scripts/make_json_doc.py", "--check"], cwd=ROOT, capture_output=True, text=True, timeout=120
    )
    assert out.returncode == 0, out.stderr


def test_json_doc_names_every_result_field():
    import dataclasses

    from planner import results

    text = (ROOT / "docs" / "json.md").read_text(encoding="utf-8")
    for cls in (
        results.FitReport,
        results.PredictReport,
        results.Prediction,
        results.Recommendation,
        results.Comparison,
        results.DecodeSplit,
        results.Validation,
        results.HardwareInfo,
    ):
        for f in dataclasses.fields(cls):
            if f.metadata.get("json") is not False and not f.metadata.get("flatten"):
                assert f"`{f.name}`" in text, (cls.__name__, f.name)


def test_methodology_fitted_values_are_the_shipped_factors():
    """docs/methodology.md's "Fitted values" block is `python scripts/fit_efficiency.py --table` of the shipped
    planner/catalog/efficiency.json: a refit that is not copied into the doc fails here (the block had once
    gone stale by a whole fit)."""
    out = subprocess.run(
        [sys.executable, "scripts/fit_efficiency.py", "--table"], cwd=ROOT, capture_output=True, text=True, timeout=120
    )
    assert out.returncode == 0, out.stderr
    doc = (ROOT / "docs" / "methodology.md").read_text(encoding="utf-8")
    assert out.stdout.strip() in doc
