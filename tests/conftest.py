"""Shared fixtures. Every test runs isolated: config and caches in a temp dir, offline by default."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("MI50PLAN_SHARED", ROOT.parent / "shared"))
DATA = Path(__file__).resolve().parent / "data"


@pytest.fixture(autouse=True)
def isolated(tmp_path_factory, monkeypatch):
    """Point the user config dir and the Hugging Face cache at a temp dir; never touch the network."""
    home = tmp_path_factory.mktemp("home")
    monkeypatch.setenv("MI50PLAN_CONFIG_DIR", str(home / "config"))
    monkeypatch.setenv("HF_HOME", str(home / "hf"))
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.delenv("HF_TOKEN", raising=False)
    monkeypatch.delenv("MI50PLAN_DEBUG", raising=False)
    yield home


@pytest.fixture
def run_cli(capsys):
    """Run the CLI through main(argv) -> exit code, returning (code, stdout, stderr)."""
    from planner.cli.app import main

    def _run(*args: str) -> tuple[int, str, str]:
        code = main(list(args))
        out = capsys.readouterr()
        return code, out.out, out.err

    return _run


@pytest.fixture
def run_json(run_cli):
    def _run(*args: str) -> dict:
        code, out, err = run_cli(*args, "--json")
        assert code == 0, err
        return json.loads(out)

    return _run


def shared_config(model_id: str) -> dict:
    return json.loads((SHARED / "model-configs" / model_id.replace("/", "--", 1) / "config.json").read_text())
