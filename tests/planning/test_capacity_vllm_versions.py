"""Capacity planning simulates the vLLM version asked for (docs/methodology.md section 8 "Schedulers"): the
V0 line runs whole prompts first with max(max_model_len, 2048) tokens per step; V1 chunks with the version's
budget (planner/engines/vllm_scheduling.py)."""

from __future__ import annotations

from planner.core import speed
from planner.engines.vllm import VllmOptions
from planner.planning.capacity import Candidate, fit_candidate
from planner.sources.models import resolve_model
from planner.sources.profiles import get_profile


def fitted(version: str | None):
    spec = resolve_model("Qwen/Qwen2.5-1.5B-Instruct", offline=True).spec
    c = Candidate(speed.Deployment("vllm", dtype="fp16", tensor_parallel_size=1, backend="cuda"))
    opts = VllmOptions(vllm_version=version) if version else None
    f = fit_candidate(spec, get_profile("a10"), c, 4096, 1, None, opts)
    assert not isinstance(f, str), f
    return f.scheduler


def test_v0_runs_whole_prompts_first_and_v1_chunks():
    v0 = fitted("0.6.2")
    assert (v0.prefill_first, v0.max_batch_tokens, v0.max_seqs) == (True, 4096, 256)
    v1 = fitted("0.8")
    assert (v1.prefill_first, v1.max_batch_tokens, v1.max_seqs) == (False, 2048, 256)
    default = fitted(None)  # the current line on a 24 GB card: the smallest tier
    assert (default.prefill_first, default.max_batch_tokens) == (False, 2048)
