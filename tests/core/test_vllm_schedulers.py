"""vLLM's scheduler variants in the serving simulation (docs/methodology.md section 8 "Schedulers"):
V0 without chunked prefill runs whole prompts in prefill-only steps (vllm/core/scheduler.py
_schedule_default: the decodes of running requests wait while prompts are admitted); chunked prefill
(V0 with --enable-chunked-prefill, and V1) splits prompts within the step budget and lets decodes ride
along; prefix-cached prompts compute only what the cache lacks (V1 kv_cache_manager: full blocks, at
most prompt - 1 tokens)."""

from __future__ import annotations

import pytest

from planner.core.simulate import Lengths, Load, Scheduler, simulate


class Recorder:
    """A step time that records every step's shape: 10 ms per step, whatever it holds."""

    def __init__(self) -> None:
        self.steps: list[tuple[int, int]] = []

    def __call__(self, decode_seqs: int, decode_depth: float, prefill_tokens: int, prefill_depth: float) -> float:
        self.steps.append((decode_seqs, prefill_tokens))
        return 0.01


def vllm(tokens: int, prefill_first: bool = False) -> Scheduler:
    return Scheduler("vllm", 256, tokens, 1_000_000, 16, prefill_first=prefill_first)


def test_v0_without_chunked_prefill_never_mixes_prompts_and_decodes():
    step = Recorder()
    load = Load(Lengths.fixed(1000), Lengths.fixed(50), rate=40.0, requests=40, seed=1)
    simulate(vllm(2048, prefill_first=True), step, load)
    assert step.steps and all(d == 0 or p == 0 for d, p in step.steps)  # a step is prompts only or decodes only
    assert max(p for _, p in step.steps) == 2000  # two whole 1000-token prompts fit a 2048-token step
    assert all(p % 1000 == 0 for _, p in step.steps)  # prompts are never split


def test_chunked_prefill_splits_prompts_within_the_budget_and_mixes_decodes():
    step = Recorder()
    load = Load(Lengths.fixed(1000), Lengths.fixed(50), rate=40.0, requests=40, seed=1)
    simulate(vllm(512), step, load)
    assert max(d + p for d, p in step.steps) <= 512  # decodes and prompt chunks share the budget
    assert any(d and p for d, p in step.steps)  # decodes ride along with prompt chunks
    # a lone 1000-token prompt takes two steps (512 + 488): its first token ends the second
    first = Recorder()
    result = simulate(vllm(512), first, Load(Lengths.fixed(1000), Lengths.fixed(2), rate=0.01, requests=2, seed=0))
    assert first.steps[:2] == [(0, 512), (0, 488)]
    assert result.records[0].ttft_s == pytest.approx(0.02)


def test_prefix_cached_prompts_compute_only_the_uncached_tail():
    step = Recorder()
    # 1000 tokens = 62 full 16-token blocks (992 tokens) cached; 8 tokens computed
    result = simulate(
        vllm(2048), step, Load(Lengths.fixed(1000), Lengths.fixed(2), rate=0.01, requests=2, prompt_cached=True)
    )
    assert step.steps[0] == (0, 8)
    # a prompt of exactly 64 blocks still computes its last token for the logits
    step2 = Recorder()
    simulate(vllm(2048), step2, Load(Lengths.fixed(1024), Lengths.fixed(2), rate=0.01, requests=2, prompt_cached=True))
    assert step2.steps[0] == (0, 16)  # (1024 - 1) // 16 * 16 = 1008 cached
    assert all(r.ttft_s == pytest.approx(0.01) for r in result.records)


def test_a_v0_prompt_beyond_the_budget_is_rejected_not_stuck():
    step = Recorder()
    result = simulate(
        vllm(2048, prefill_first=True), step, Load(Lengths.fixed(2100), Lengths.fixed(4), rate=1.0, requests=3)
    )
    assert result.records and all(r.rejected for r in result.records)  # vLLM refuses a prompt beyond max_model_len
