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


# llama.cpp fixtures ------------------------------------------------------------------------------
# Self-contained block for the real llama-server tests (tests/test_llamacpp_real.py). The binary and
# the Gemma 3 270M GGUF come from env LLAMA_SERVER / GEMMA_GGUF, else scripts/build_llama_server.sh
# (cached build). Missing: fail in CI (CI=true), skip locally.


@pytest.fixture(scope="session")
def llama_artifacts() -> tuple[str, str]:
    from tests.llama_server import find_artifacts

    found = find_artifacts()
    if found is None:
        message = (
            "llama-server or the Gemma GGUF unavailable "
            "(set LLAMA_SERVER/GEMMA_GGUF or run scripts/build_llama_server.sh)"
        )
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(message)
        pytest.skip(message)
    return found


@pytest.fixture(scope="session")
def llama_server_log(llama_artifacts, tmp_path_factory):
    """Start llama-server on loopback with the given flags, wait for /health, stop it; return its log."""
    from tests.llama_server import serve

    server, gguf = llama_artifacts
    logs = tmp_path_factory.mktemp("llama-logs")
    count = iter(range(1_000_000))

    def _run(*flags: str, timeout_s: float = 120.0) -> str:
        log_path = logs / f"server-{next(count)}.log"
        # -fit off: this build fits by default; with an explicit context on a CPU it changes nothing but
        # costs 0.6 s. -lv 4: the buffer sizes are info-level lines. -ngl 0: no GPU here.
        with serve(
            server, gguf, "-np", "1", "-ngl", "0", "-fit", "off", "-lv", "4", *flags,
            log_path=log_path, timeout_s=timeout_s,
        ):
            pass
        return log_path.read_text()

    return _run
