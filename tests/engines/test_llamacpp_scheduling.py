"""llama-server's step structure in the load simulation (engines/llamacpp_scheduling.py, core/simulate.py).

Sources: the llama.cpp server loop (tools/server/server-context.cpp update_slots: checkpoint_offsets {4 + n_ubatch, 4},
llama.cpp PR #20288), the non-unified KV cache's micro-batch split (src/llama-batch.cpp split_equal with
sequential=true, called from llama-kv-cache-iswa.cpp init_batch), docs/methodology.md section 8 (the CPU step formula).
"""

from __future__ import annotations

import pytest

from planner.core.simulate import Lengths, Load, Scheduler, _equal_split, _Req, simulate
from planner.engines.llamacpp_scheduling import CpuStepParts, cpu_step, needs_checkpoints, prompt_breaks


def test_prompt_breaks_follow_the_checkpoint_offsets():
    # checkpoint_offsets {4 + n_ubatch, 4}, each capped at n_batch; none without checkpoints
    assert prompt_breaks(True, 2048, 512) == (516, 4)
    assert prompt_breaks(True, 100, 512) == (100, 4)
    assert prompt_breaks(False, 2048, 512) == ()
    assert needs_checkpoints(15) and not needs_checkpoints(0) and needs_checkpoints(0, recurrent=True)


def _recording_step(calls):
    def step(n, d, p, pd):
        calls.append((n, d, p, pd))
        return 0.01

    return step


def test_a_lone_prompt_runs_its_last_4_tokens_in_a_step_of_their_own():
    calls = []
    sched = Scheduler("llamacpp", 4, 2048, 4096, 1, slot_tokens=1024, prompt_breaks=(516, 4))
    load = Load(Lengths.fixed(48), Lengths.fixed(2), rate=1.0, requests=2, replay=((0.0, 48, 2), (100.0, 48, 2)))
    simulate(sched, _recording_step(calls), load)
    # 44 prompt tokens from depth 0; then 3 prompt tokens from depth 44 and the last one (sampled: a decode at 47)
    assert calls[:2] == [(0, 0.0, 44, 0.0), (1, 47.0, 3, 44.0)]
    # a 1100-token prompt: 1100 - 516 = 584, then 512, then 4
    calls.clear()
    load = Load(Lengths.fixed(8), Lengths.fixed(2), rate=1.0, requests=2, replay=((0.0, 1100, 2), (100.0, 8, 2)))
    simulate(Scheduler("llamacpp", 1, 2048, 4096, 1, prompt_breaks=(516, 4)), _recording_step(calls), load)
    assert [c[2] + c[0] for c in calls[:3]] == [584, 512, 4]


def _req(slot, prompt, generated):
    r = _Req(0.0, prompt, 10)
    r.slot, r.generated = slot, generated
    r.computed = prompt + generated - (1 if generated else 0)
    return r


def test_equal_split_takes_runs_of_consecutive_slots():
    a, b, c = _req(0, 20, 3), _req(2, 20, 3), _req(3, 30, 0)
    # decodes of slots 0 and 2 and a 30-token prompt in slot 3: {0}, then {2, 3} one token each, then slot 3's 29
    split = _equal_split([(a, a.computed, 1), (b, b.computed, 1), (c, 0, 30)], 512)
    assert [[(r.slot, k) for r, _, k in u] for u in split] == [[(0, 1)], [(2, 1), (3, 1)], [(3, 29)]]
    # four consecutive decoding slots share one micro-batch
    reqs = [_req(i, 20, 3) for i in range(4)]
    assert len(_equal_split([(r, r.computed, 1) for r in reqs], 512)) == 1


def test_replay_sends_the_measured_requests():
    sends = ((0.5, 30, 4), (0.7, 60, 3), (2.0, 10, 5))
    res = simulate(
        Scheduler("llamacpp", 2, 2048, 4096, 1),
        lambda n, d, p, pd: 0.01,
        Load(Lengths.fixed(1), Lengths.fixed(2), rate=1.0, requests=3, replay=sends),
    )
    assert [(r.arrival_s, r.prompt_tokens, r.output_tokens) for r in res.records] == list(sends)
    with pytest.raises(ValueError):
        Load(Lengths.fixed(1), Lengths.fixed(2), users=1, replay=sends)


def test_cpu_step_adds_reads_token_gemms_and_the_output_head():
    parts = CpuStepParts(
        read_s=0.010, token_s=0.004, output_s=0.006, attention_s=0.0, kv_s=0.0, ubatch=512, attended=lambda d: d
    )
    step = cpu_step(parts, decode=2.0, prefill=4.0, kv=1.0)
    # step = u x read / decode + (tokens x token + outputs x output) / prefill (docs/methodology.md section 8)
    assert step(1, 0.0, 0, 0.0) == pytest.approx(0.010 / 2 + (0.004 + 0.006) / 4)
    assert step(3, 0.0, 40, 0.0) == pytest.approx(0.010 / 2 + (43 * 0.004 + 3 * 0.006) / 4)
    # 600 tokens: two micro-batches of 512, two weight reads
    assert step(0, 0.0, 600, 0.0) == pytest.approx(2 * 0.010 / 2 + 600 * 0.004 / 4)


def test_the_server_work_per_output_token_is_paid_by_every_generating_slot_but_the_first():
    parts = CpuStepParts(
        read_s=0.010, token_s=0.004, output_s=0.006, attention_s=0.0, kv_s=0.0, ubatch=512, attended=lambda d: d
    )
    without, with_cost = cpu_step(parts, 2.0, 4.0, 1.0), cpu_step(parts, 2.0, 4.0, 1.0, output_s=0.003)
    # a lone request's steps keep it inside the fitted read (docs/methodology.md section 8): unchanged
    assert with_cost(1, 0.0, 0, 0.0) == pytest.approx(without(1, 0.0, 0, 0.0))
    assert with_cost(0, 0.0, 40, 0.0) == pytest.approx(without(0, 0.0, 40, 0.0))
    # four generating slots: three more samplings
    assert with_cost(4, 0.0, 0, 0.0) - without(4, 0.0, 0, 0.0) == pytest.approx(3 * 0.003)
