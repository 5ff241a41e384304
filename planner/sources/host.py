"""The `host` hardware profile: this machine's CPU cores, RAM and measured memory bandwidth.

Bandwidth comes from a short copy benchmark (bytes objects, no numpy: about 0.3 s), cached per machine
in config_dir()/host.json so later commands are instant. llama.cpp and Ollama run on the CPU here;
vLLM is not planned on a CPU.
"""

from __future__ import annotations

import contextlib
import json
import os
import platform
import socket
import time
from pathlib import Path

from planner.core.hardware import EngineSupport, HardwareProfile
from planner.errors import PlannerError
from planner.schemas import check_host
from planner.sources import paths
from planner.sources.files import write_atomic

BENCH_BYTES = 64 * 2**20  # larger than any L3 so the copy streams from RAM
BENCH_SECONDS = 0.3


def measure_bandwidth_gbps(size: int = BENCH_BYTES, seconds: float = BENCH_SECONDS) -> float:
    """Copy a large buffer repeatedly; a copy reads and writes each byte, so 2 x size per pass."""
    src = bytearray(size)
    dst = bytearray(size)
    view_src, view_dst = memoryview(src), memoryview(dst)
    best = 0.0
    deadline = time.perf_counter() + seconds
    while True:
        t0 = time.perf_counter()
        view_dst[:] = view_src
        dt = time.perf_counter() - t0
        if dt > 0:
            best = max(best, 2 * size / dt / 1e9)
        if time.perf_counter() > deadline:
            return round(best, 1)


def _machine_key() -> str:
    return f"{socket.gethostname()}|{platform.machine()}|{os.cpu_count()}"


def host_facts(cache_path: Path | None = None, *, refresh: bool = False) -> dict:
    """This machine's cores, RAM and memory bandwidth, cached in host.json; `refresh` measures anew."""
    import psutil

    cache_path = cache_path or paths.host_cache_file()
    key = _machine_key()
    try:
        cached = json.loads(cache_path.read_text(encoding="utf-8"))
    except (OSError, ValueError, RecursionError):  # missing, unreadable, binary or not JSON: measure again
        cached = None
    if not refresh and isinstance(cached, dict) and cached.get("machine") == key:
        try:
            check_host(cached, str(cache_path))
            return cached
        except PlannerError:
            pass  # a damaged cache (a string bandwidth, a negative core count) is measured again, then replaced
    facts = {
        "machine": key,
        "cpu_cores": psutil.cpu_count(logical=False) or os.cpu_count() or 1,
        "memory_bytes": int(psutil.virtual_memory().total),
        "bandwidth_gbps": measure_bandwidth_gbps(),
        "cpu": platform.processor() or platform.machine(),
    }
    with contextlib.suppress(OSError, PlannerError):  # a read-only config dir costs the benchmark next time
        write_atomic(cache_path, json.dumps(facts, indent=2))
    return facts


def host_profile(*, refresh: bool = False) -> HardwareProfile:
    facts = host_facts(refresh=refresh)
    return HardwareProfile(
        name="host",
        display_name=f"this machine ({facts['cpu_cores']} cores, CPU)",
        vendor="cpu",
        arch=platform.machine() or "cpu",
        platform="cpu",
        memory_bytes=facts["memory_bytes"],
        bandwidth_gbps=max(facts["bandwidth_gbps"], 0.1),
        peak_tflops={"fp32": 0.05 * facts["cpu_cores"]},
        supported_dtypes=("fp32", "fp16", "int8", "int4"),
        engines={
            "vllm": EngineSupport(False, notes="vLLM is not planned on a CPU"),
            "ollama": EngineSupport(True, ("cpu",)),
            "llamacpp": EngineSupport(True, ("cpu",)),
        },
        host_memory_bytes=facts["memory_bytes"],
        cpu_cores=facts["cpu_cores"],
        memory_note="RAM from psutil; bandwidth from a copy benchmark (cached in host.json)",
        sources=("measured at run time: psutil and a memory copy benchmark",),
        confidence="measured",
        path=str(paths.host_cache_file()),
    )
