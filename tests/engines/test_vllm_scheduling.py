"""vLLM's scheduler per version and flags (planner/engines/vllm_scheduling.py; docs/methodology.md section 8
"Schedulers"). Expected values: vllm/config.py SchedulerConfig of the V0 releases (max(max_model_len, 2048)
without chunked prefill, 512 with it: vLLM PR #4580), chunked prefill on by default above a 32K context in
0.5-0.6 arg_utils, V1 budgets from engines.vllm.scheduler_defaults (2048 / 256 for the OpenAI server in 0.8,
8192 / 1024 on >= 70 GiB GPUs other than the A100 from 0.9.2)."""

from __future__ import annotations

import pytest

from planner.core.hardware import Hardware
from planner.engines.vllm import VllmOptions
from planner.engines.vllm_scheduling import version_key, vllm_scheduling
from planner.sources.profiles import get_profile


def hw(name: str = "a10") -> Hardware:
    return Hardware(get_profile(name))


@pytest.mark.parametrize(("name", "key"), [("0.6.2", "v0"), ("v0.7.3", "v0"), ("0.5.4", "v0"), ("0.8.4", "0.8.4")])
def test_releases_before_0_8_are_the_v0_engine_later_ones_pass_through(name, key):
    assert version_key(name) == key


def test_v0_without_chunked_prefill_runs_whole_prompts_with_max_model_len_or_2048_tokens():
    s = vllm_scheduling(hw(), VllmOptions(vllm_version="0.6.2"), 4096)
    assert (s.engine, s.chunked_prefill, s.prefill_first, s.max_num_batched_tokens, s.max_num_seqs) == (
        "V0",
        False,
        True,
        4096,
        256,
    )
    assert vllm_scheduling(hw(), VllmOptions(vllm_version="0.6.2"), 1000).max_num_batched_tokens == 2048


def test_v0_chunked_prefill_uses_512_tokens_when_asked_or_above_32k():
    asked = vllm_scheduling(hw(), VllmOptions(vllm_version="0.6.2"), 10000, chunked_prefill=True)
    assert (asked.chunked_prefill, asked.prefill_first, asked.max_num_batched_tokens) == (True, False, 512)
    long = vllm_scheduling(hw(), VllmOptions(vllm_version="v0"), 131072)
    assert (long.chunked_prefill, long.max_num_batched_tokens) == (True, 512)
    off = vllm_scheduling(hw(), VllmOptions(vllm_version="v0"), 131072, chunked_prefill=False)
    assert (off.prefill_first, off.max_num_batched_tokens) == (True, 131072)


def test_explicit_flags_win_in_every_version():
    opts = VllmOptions(vllm_version="0.6.2", max_num_batched_tokens=1024, max_num_seqs=32)
    s = vllm_scheduling(hw(), opts, 4096, chunked_prefill=True)
    assert (s.max_num_batched_tokens, s.max_num_seqs) == (1024, 32)
    v1 = vllm_scheduling(hw("h100-sxm"), VllmOptions(vllm_version="0.10", max_num_batched_tokens=4096), 4096)
    assert (v1.engine, v1.max_num_batched_tokens, v1.max_num_seqs) == ("V1", 4096, 1024)


def test_v1_always_chunks_with_the_versions_budgets():
    s = vllm_scheduling(hw("a100-40gb"), VllmOptions(vllm_version="0.8"), 4096, chunked_prefill=False)
    assert (s.engine, s.chunked_prefill, s.max_num_batched_tokens, s.max_num_seqs) == ("V1", True, 2048, 256)
    big = vllm_scheduling(hw("h100-sxm"), VllmOptions(vllm_version="0.10"), 4096)
    assert (big.max_num_batched_tokens, big.max_num_seqs) == (8192, 1024)
    a100 = vllm_scheduling(hw("a100-80gb"), VllmOptions(vllm_version="0.10"), 4096)  # held to the smallest tier
    assert (a100.max_num_batched_tokens, a100.max_num_seqs) == (2048, 256)
