"""The real-server harness never lets the llama-server tests vanish silently (issue 14 item 2).

Before: two builds could race on ~/.cache/mi50plan-ci (no lock), a failed build made 13 tests skip with
the suite green even under CI=true, and the log was thrown away. These run the real
scripts/build_llama_server.sh against a temporary cache."""

from __future__ import annotations

import fcntl
import os
import subprocess
import time

import pytest

from tests.conftest import ROOT
from tests.llama_server import ArtifactsUnavailable, build_artifacts, require_artifacts

SCRIPT = ROOT / "scripts" / "build_llama_server.sh"


def _filled_cache(cache):
    """A cache as a finished build leaves it: the script then only prints the two paths."""
    server = cache / "build-0.3.36-noamx" / "bin" / "llama-server"
    server.parent.mkdir(parents=True)
    server.write_text("#!/bin/sh\n")
    server.chmod(0o755)
    (cache / "build-0.3.36-noamx" / ".built").touch()  # the marker a complete build writes
    gguf = cache / "model" / "gemma-3-270m-q4_k_m.gguf"
    gguf.parent.mkdir(parents=True)
    gguf.write_bytes(b"GGUF")
    return server, gguf


def test_a_second_build_waits_for_the_lock(tmp_path):
    server, gguf = _filled_cache(tmp_path)
    env = {**os.environ, "MI50PLAN_CI_CACHE": str(tmp_path), "LLAMA_CPP_PYTHON_VERSION": "0.3.36"}
    with open(tmp_path / "build.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # a build in progress elsewhere
        proc = subprocess.Popen(
            ["bash", str(SCRIPT)], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
        )
        time.sleep(1.5)
        assert proc.poll() is None, "the script read the cache while another build held the lock"
        fcntl.flock(lock, fcntl.LOCK_UN)
        out, err = proc.communicate(timeout=30)
    assert proc.returncode == 0, err
    assert "waiting for it" in err
    assert f"LLAMA_SERVER={server}" in out and f"GEMMA_GGUF={gguf}" in out


@pytest.fixture
def failing_build(tmp_path, monkeypatch):
    # A cache with nothing in it and a Python that cannot run pip: the script's first step fails.
    monkeypatch.delenv("LLAMA_SERVER", raising=False)
    monkeypatch.delenv("GEMMA_GGUF", raising=False)
    monkeypatch.setenv("MI50PLAN_CI_CACHE", str(tmp_path / "cache"))
    monkeypatch.setenv("PYTHON", "false")
    return tmp_path / "cache"


def test_failed_build_reports_progress_and_the_log_tail(failing_build):
    lines: list[str] = []
    with pytest.raises(ArtifactsUnavailable) as info:
        build_artifacts(progress=lines.append)
    assert any("downloading the llama-cpp-python" in line for line in lines)  # progress as it went
    message = str(info.value)
    assert "failed (exit 1)" in message and str(failing_build / "build.log") in message
    assert "downloading the llama-cpp-python" in message  # the log's tail
    assert "downloading the llama-cpp-python" in (failing_build / "build.log").read_text()


def test_missing_server_fails_under_ci_and_skips_locally(failing_build, monkeypatch):
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception, match="downloading the llama-cpp-python"):
        require_artifacts()
    monkeypatch.delenv("CI")
    with pytest.raises(pytest.skip.Exception, match="downloading the llama-cpp-python"):
        require_artifacts()


def test_an_executable_without_the_built_marker_is_rebuilt(tmp_path):
    # An interrupted build can leave an executable llama-server that is not a whole one: without the .built marker
    # the script builds again (here it reaches its first step, the sdist download, which `PYTHON=false` fails).
    server, _ = _filled_cache(tmp_path)
    (server.parent.parent / ".built").unlink()
    env = {**os.environ, "MI50PLAN_CI_CACHE": str(tmp_path), "LLAMA_CPP_PYTHON_VERSION": "0.3.36", "PYTHON": "false"}
    proc = subprocess.run(["bash", str(SCRIPT)], env=env, capture_output=True, text=True, timeout=60)
    assert proc.returncode != 0 and "downloading the llama-cpp-python" in proc.stderr


def test_the_built_server_has_no_amx_kernels():
    # On a CPU with AMX, -march=native turned on this llama.cpp's AMX kernels, which crashed the Gemma warm-up
    # (SIGSEGV in ggml_backend_amx_mul_mat); the script builds x86 without them (docs/development.md). The binary
    # the real-server tests use has none of their symbols (the same build with AMX has three).
    import platform
    import shutil

    nm = shutil.which("nm")
    if platform.machine() != "x86_64" or nm is None or os.environ.get("LLAMA_SERVER"):
        pytest.skip("an x86 build made by the script, and nm, are needed")
    server, _ = require_artifacts()
    symbols = subprocess.run([nm, "-C", server], capture_output=True, text=True, check=True).stdout
    assert "ggml_backend_amx_mul_mat" not in symbols and "ggml_backend_cpu" in symbols
