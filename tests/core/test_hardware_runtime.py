"""Runtime-visible memory in hardware profiles (docs/methodology.md section 3.8)."""

from __future__ import annotations

import pytest

from planner.core.hardware import ProfileInvalid, profile_from_dict
from planner.sources.profiles import all_profiles

BASE = {
    "name": "x",
    "display_name": "X",
    "vendor": "nvidia",
    "arch": "sm90",
    "platform": "cuda",
    "memory_bytes": 80 * 2**30,
    "bandwidth_gbps": 1000.0,
    "peak_tflops": {"fp16": 100.0},
    "supported_dtypes": ["fp16"],
    "sources": ["test"],
}


def test_every_shipped_gpu_profile_has_a_sourced_runtime_total():
    for p in all_profiles():
        if p.platform not in ("cuda", "rocm") or p.unified_memory:  # unified-memory and CPU budget differently
            continue
        assert p.memory_runtime_bytes is not None, p.name
        assert p.memory_runtime_source.startswith(("log:", "derived:")), p.name
        assert p.memory_runtime_bytes <= p.memory_bytes


def test_logged_totals():
    by_name = {p.name: p for p in all_profiles()}
    # vLLM logs: "total_gpu_memory (23.58GiB)" on RTX 3090 (vllm#10517); 79.18 GiB on H100 (llm-d logs)
    assert round(by_name["rtx3090"].runtime_memory_bytes / 2**30, 2) == 23.58
    assert round(by_name["h100-sxm"].runtime_memory_bytes / 2**30, 2) == 79.18
    assert by_name["mi50-16gb"].runtime_memory_bytes == 16368 * 2**20  # rocm, engine-facts.md section 1


def test_runtime_total_needs_a_source_and_may_not_exceed_the_card():
    with pytest.raises(ProfileInvalid, match="memory_runtime_source"):
        profile_from_dict({**BASE, "memory_runtime_bytes": 79 * 2**30})
    with pytest.raises(ProfileInvalid, match="memory_runtime_bytes"):
        profile_from_dict({**BASE, "memory_runtime_bytes": 81 * 2**30, "memory_runtime_source": "log: x"})


def test_unified_memory_budget_is_system_memory_less_the_os_share():
    p = profile_from_dict({**BASE, "unified_memory": True, "os_reserved_bytes": 8 * 2**30, "os_reserved_source": "t"})
    assert p.runtime_memory_bytes == 72 * 2**30 and p.device_total_bytes == 80 * 2**30
    assert profile_from_dict(BASE).runtime_memory_bytes == 80 * 2**30


def test_os_reserve_needs_a_source_and_a_unified_machine():
    with pytest.raises(ProfileInvalid, match="os_reserved_source"):
        profile_from_dict({**BASE, "unified_memory": True, "os_reserved_bytes": 8 * 2**30})
    with pytest.raises(ProfileInvalid, match="unified"):
        profile_from_dict({**BASE, "os_reserved_bytes": 8 * 2**30, "os_reserved_source": "t"})
    with pytest.raises(ProfileInvalid, match="os_reserved_bytes"):
        profile_from_dict({**BASE, "unified_memory": True, "os_reserved_bytes": 80 * 2**30, "os_reserved_source": "t"})


def test_unified_machines_budget_what_their_runtime_logs():
    by_name = {p.name: p for p in all_profiles()}
    mib = 2**20
    # Metal: recommendedMaxWorkingSetSize, which ggml-metal reports as the device's free memory. 16 GiB Macs log
    # 10922.67 MB (llama-cpp-python#687) and llama.cpp's CI M4 "using device Metal (Apple M4) - 10922 MiB free"
    # (ggml-org/ci pythia_1_4b logs); 32 GiB 21845.34 MB (ollama#434); 96 GiB 73728.00 MB (llama.cpp#3213).
    assert round(by_name["apple-m1"].runtime_memory_bytes / mib, 2) == 10922.67
    assert round(by_name["apple-m2-pro"].runtime_memory_bytes / mib, 2) == 21845.33  # 2/3 exactly; Apple rounds up
    assert by_name["apple-m2-max"].runtime_memory_bytes == 73728 * mib
    # DGX Spark: CUDA's 121.69 GiB total, of which about 102.2 GiB is free at boot (headless, caches dropped)
    gb10 = by_name["gb10"]
    assert round(gb10.device_total_bytes / 2**30, 2) == 121.69 and round(gb10.runtime_memory_bytes / 2**30, 1) == 102.2
    # Strix Halo 128 GiB: carve-out plus GTT as commonly tuned, about 110 GB
    assert round(by_name["strix-halo"].runtime_memory_bytes / 1e9) == 110
    for p in by_name.values():
        if p.unified_memory and p.os_reserved_bytes:
            assert p.os_reserved_source and p.runtime_memory_bytes < p.memory_bytes
