"""Shipped data stays in step with its sources, and the README's commands with CI."""

from __future__ import annotations

import subprocess
import sys

from tests.conftest import ROOT


def _script(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, *args], cwd=ROOT, capture_output=True, text=True)


def test_profiles_match_gpu_specs_csv():
    # profiles/*.toml are generated from shared/reference/gpu-specs.csv; --check fails on drift
    proc = _script("scripts/profiles_from_specs.py", "--check")
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_catalog_matches_shared_model_configs():
    proc = _script("scripts/build_catalog.py", "--check")
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_every_shipped_profile_loads():
    from planner.sources.profiles import all_profiles

    names = {p.name for p in all_profiles()}
    assert {"mi50-16gb", "mi50-32gb", "mi60", "radeon-vii"} <= names
    assert len(names) >= 24  # every GPU row of gpu-specs.csv


def test_ci_runs_the_readme_test_command():
    readme = (ROOT / "README.md").read_text()
    ci = (ROOT / ".ci" / "run").read_text()
    command = [line for line in ci.splitlines() if line.startswith("python3 -m venv")][0]
    assert command in readme
