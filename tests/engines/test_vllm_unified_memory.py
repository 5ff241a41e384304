"""vLLM on a unified-memory machine (docs/methodology.md section 3.8): the budget is utilization x the
total CUDA reports, the start-up check compares it with the free memory the OS leaves.

Golden facts: the gb10 profile's memory_runtime_source (CUDA reports 121.69 GiB total; 101.3-102.2 GiB
free at boot) and vllm-project/vllm#48140 (on GB10 mem_get_info() returns MemFree, so vLLM's start-up
check `Free memory on device ... is less than desired GPU memory utilization` fires at the defaults)."""

from __future__ import annotations

from planner.core.hardware import Hardware
from planner.engines.vllm import GIB, VllmOptions, plan_vllm
from planner.sources.models import resolve_model
from planner.sources.profiles import get_profile


def _plan(util: float):
    spec = resolve_model("Qwen/Qwen2.5-7B-Instruct", offline=True).spec
    return plan_vllm(spec, Hardware(get_profile("gb10")), VllmOptions(gpu_memory_utilization=util))


def test_the_budget_is_the_cuda_total_and_the_start_up_check_the_free_memory():
    profile = get_profile("gb10")
    assert profile.unified_memory and profile.runtime_memory_bytes < profile.device_total_bytes
    plan = _plan(0.9)
    assert abs(plan.requested_bytes / GIB - 0.9 * 121.69) < 0.05  # 0.9 x the logged 121.69 GiB
    assert not plan.fits and "Free memory on device" in plan.error
    assert plan.requested_bytes > profile.runtime_memory_bytes  # more than the OS leaves free


def test_lowering_the_utilization_is_suggested_and_fits():
    plan = _plan(0.9)
    lower = [s for s in plan.suggestions if s.change.startswith("lower --gpu-memory-utilization")]
    assert lower, [s.change for s in plan.suggestions]
    util = float(lower[0].flags[-1])
    assert util < 0.9
    fitted = _plan(util)
    assert fitted.fits and fitted.requested_bytes <= get_profile("gb10").runtime_memory_bytes
    assert not _plan(util + 0.01).fits  # the highest utilization start-up allows
