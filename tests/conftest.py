"""Shared fixtures. Every test runs isolated: config and caches in a temp dir, offline by default.

The suite is self-contained: every file a test reads is in this repository. Reference data the tests need
is copied verbatim into tests/data/reference-copy (scripts/sync_test_data.py, README there), and the
scripts a test runs read that copy through MI50PLAN_REFERENCE, set for every test below."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
DATA = Path(__file__).resolve().parent / "data"
REFERENCE_COPY = DATA / "reference-copy"  # the tests' copy of the reference data they need


@pytest.fixture(autouse=True)
def isolated(tmp_path_factory, monkeypatch):
    """Point the user config dir and the Hugging Face cache at a temp dir; never touch the network; the
    scripts a test runs read tests/data/reference-copy."""
    home = tmp_path_factory.mktemp("home")
    monkeypatch.setenv("MI50PLAN_REFERENCE", str(REFERENCE_COPY))
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


def reference_config(model_id: str) -> dict:
    """A model's config.json as the reference data's model-configs has it (the tests' copy)."""
    return json.loads((REFERENCE_COPY / "model-configs" / model_id.replace("/", "--", 1) / "config.json").read_text())


# llama.cpp fixtures ------------------------------------------------------------------------------
# Self-contained block for the real llama-server tests (tests/test_llamacpp_real.py). The binary and
# the Gemma 3 270M GGUF come from env LLAMA_SERVER / GEMMA_GGUF, else scripts/build_llama_server.sh
# (cached build, tests/llama_server.py). Missing: fail in CI (CI=true), skip locally.


@pytest.fixture(scope="session")
def llama_artifacts() -> tuple[str, str]:
    """Built by scripts/build_llama_server.sh inside the test session when not cached (so `.ci/run`
    builds it), under its lock; unavailable: skip locally, fail under CI=true, the build log's tail in
    the message either way."""
    from tests.llama_server import require_artifacts

    return require_artifacts()


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
