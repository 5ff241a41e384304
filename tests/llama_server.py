"""Start and stop the real llama.cpp llama-server on loopback: the one harness for the tests
(conftest.py, test_probe_llamacpp.py) and the scripts that measure against it
(scripts/calibration_check.py, scripts/make_user_guide.py).

The binary and the Gemma 3 270M Q4_K_M GGUF come from env LLAMA_SERVER / GEMMA_GGUF, else from
scripts/build_llama_server.sh (llama-cpp-python's sdist built once under a lock, then cached in
env MI50PLAN_CI_CACHE, default ~/.cache/mi50plan-ci; the log in <cache>/build.log)."""

from __future__ import annotations

import contextlib
import os
import re
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
BUILD_TIMEOUT_S = 3600


class ArtifactsUnavailable(RuntimeError):
    """llama-server or the GGUF could not be had; the message ends with the build log's tail."""


def cache_dir() -> Path:
    return Path(os.environ.get("MI50PLAN_CI_CACHE") or Path.home() / ".cache" / "mi50plan-ci")


def build_artifacts(log_path: Path | None = None, progress=None) -> tuple[str, str]:
    """(llama-server binary, GGUF path): env LLAMA_SERVER / GEMMA_GGUF, else scripts/build_llama_server.sh,
    which builds once under a lock on <cache>/build.lock and is instant once cached.

    The script's stderr goes to log_path (default <cache>/build.log); its progress lines
    ("[build_llama_server] ...") and every tenth percent of the compile are passed to progress (default:
    the real stderr, so a 6-minute build under pytest is not silent). Raises ArtifactsUnavailable with
    the log's tail when the script fails."""
    server, gguf = os.environ.get("LLAMA_SERVER"), os.environ.get("GEMMA_GGUF")
    if server and gguf and Path(server).is_file() and Path(gguf).is_file():
        return server, gguf
    if progress is None:
        progress = _to_real_stderr
    log_path = log_path or cache_dir() / "build.log"
    try:
        log_path.parent.mkdir(parents=True, exist_ok=True)
        log = log_path.open("a")  # appended: a second session waiting on the lock never truncates it
    except OSError as exc:  # the cache is not writable: keep the log beside the temp files
        fd, name = tempfile.mkstemp(prefix="mi50plan-build-", suffix=".log")
        os.close(fd)
        log_path = Path(name)
        log = log_path.open("a")
        log.write(f"cannot write the build log in the cache: {exc}\n")
    log.write(f"=== {time.strftime('%Y-%m-%d %H:%M:%S')} pid {os.getpid()}: {ROOT / 'scripts'}/build_llama_server.sh\n")
    script = ROOT / "scripts" / "build_llama_server.sh"
    with log:
        try:
            proc = subprocess.Popen(
                ["bash", str(script)], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, bufsize=1
            )
        except OSError as exc:
            raise ArtifactsUnavailable(f"cannot run {script}: {exc}") from exc
        # A build that hangs must not hang the test session: a cold build takes about 6 minutes on 2 cores.
        watchdog = threading.Timer(BUILD_TIMEOUT_S, proc.kill)
        watchdog.start()
        with proc:  # closes the pipes
            stdout: list[str] = []
            reader = threading.Thread(target=lambda: stdout.extend(proc.stdout), daemon=True)
            reader.start()
            shown = -10
            for line in proc.stderr:
                log.write(line)
                log.flush()
                percent = re.match(r"\[\s*(\d+)%\]", line)
                if line.startswith("[build_llama_server]"):
                    progress(line.rstrip())
                elif percent and int(percent.group(1)) >= shown + 10:
                    shown = int(percent.group(1))
                    progress(f"[build_llama_server] compiling: {line.strip()}")
            reader.join()
        watchdog.cancel()
        code = proc.returncode
    found = dict(line.strip().split("=", 1) for line in stdout if "=" in line)
    server, gguf = found.get("LLAMA_SERVER"), found.get("GEMMA_GGUF")
    if code == 0 and server and gguf and Path(server).is_file() and Path(gguf).is_file():
        return server, gguf
    tail = "\n".join(log_path.read_text(errors="replace").splitlines()[-30:])
    raise ArtifactsUnavailable(
        f"scripts/build_llama_server.sh failed (exit {code}); the end of {log_path}:\n{tail}"
    )


def _to_real_stderr(line: str) -> None:
    print(line, file=sys.__stderr__, flush=True)


def find_artifacts() -> tuple[str, str] | None:
    """(llama-server binary, GGUF path), building them when needed; None when they cannot be had (the
    scripts' form; the tests use require_artifacts)."""
    try:
        return build_artifacts()
    except ArtifactsUnavailable as exc:
        print(exc, file=sys.stderr)
        return None


def require_artifacts(ci: bool | None = None) -> tuple[str, str]:
    """The tests' form: the artifacts, else a skip (locally) or a failure (ci, default env CI=true), the
    build log's tail in either message, so real-server tests never vanish silently from a CI run."""
    import pytest

    try:
        return build_artifacts()
    except ArtifactsUnavailable as exc:
        if ci is None:
            ci = os.environ.get("CI", "").lower() == "true"
        message = f"llama-server or the Gemma GGUF unavailable (set LLAMA_SERVER/GEMMA_GGUF or fix the build): {exc}"
        if ci:
            pytest.fail(message, pytrace=False)
        pytest.skip(message)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextlib.contextmanager
def serve(
    binary: str,
    gguf: str,
    *flags: str,
    log_path: Path | None = None,
    timeout_s: float = 120.0,
    port: int | None = None,
) -> Iterator[str]:
    """Run llama-server with these flags on 127.0.0.1 (a free port unless one is given) until /health
    answers 200; yield its URL; terminate it (kill after 15 s) on the way out. The log goes to
    log_path when given."""
    port = port or free_port()
    cmd = [binary, "-m", gguf, "--host", "127.0.0.1", "--port", str(port), "--no-webui", *flags]
    with contextlib.ExitStack() as stack:
        out = stack.enter_context(log_path.open("w")) if log_path is not None else subprocess.DEVNULL
        proc = subprocess.Popen(cmd, stdout=out, stderr=subprocess.STDOUT)
        url = f"http://127.0.0.1:{port}"
        try:
            deadline = time.monotonic() + timeout_s
            while time.monotonic() < deadline:
                if proc.poll() is not None:
                    tail = log_path.read_text()[-2000:] if log_path is not None else ""
                    raise RuntimeError(f"llama-server exited ({proc.returncode}) at start-up: {tail}")
                with contextlib.suppress(httpx.HTTPError):
                    if httpx.get(f"{url}/health", timeout=1.0, trust_env=False).status_code == 200:
                        break
                time.sleep(0.2)
            else:
                raise RuntimeError(f"llama-server not healthy after {timeout_s:g} s")
            yield url
        finally:
            proc.terminate()
            try:
                proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
