"""Start and stop the real llama.cpp llama-server on loopback: the one harness for the tests
(conftest.py, test_probe_llamacpp.py) and the scripts that measure against it
(scripts/calibration_check.py, scripts/make_user_guide.py).

The binary and the Gemma 3 270M Q4_K_M GGUF come from env LLAMA_SERVER / GEMMA_GGUF, else from
scripts/build_llama_server.sh (llama-cpp-python's sdist built once, then cached)."""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]


def find_artifacts() -> tuple[str, str] | None:
    """(llama-server binary, GGUF path), building them when needed; None when they cannot be had."""
    server, gguf = os.environ.get("LLAMA_SERVER"), os.environ.get("GEMMA_GGUF")
    if server and gguf and Path(server).is_file() and Path(gguf).is_file():
        return server, gguf
    script = ROOT / "scripts" / "build_llama_server.sh"
    try:
        done = subprocess.run(["bash", str(script)], capture_output=True, text=True, timeout=3600)
    except (OSError, subprocess.TimeoutExpired):
        return None
    found = dict(line.split("=", 1) for line in done.stdout.splitlines() if "=" in line)
    server, gguf = found.get("LLAMA_SERVER"), found.get("GEMMA_GGUF")
    if done.returncode == 0 and server and gguf and Path(server).is_file() and Path(gguf).is_file():
        return server, gguf
    return None


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
