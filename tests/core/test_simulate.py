"""The serving simulation against queueing theory: closed forms that hold whatever the engine.

Sources of the expected values (docs/methodology.md "Capacity"):
- M/D/1 mean time in system, Pollaczek-Khinchine: W = S + rho S / (2 (1 - rho)) for Poisson arrivals
  and a deterministic service time S (Kleinrock, Queueing Systems vol. 1, eq. 5.76 with C_b^2 = 0).
- Little's law: L = lambda W (time-averaged number in the system).
- Interactive response time law for a closed loop: X = N / (R + Z).
"""

from __future__ import annotations

import math

import pytest

from planner.core.simulate import Lengths, Load, Scheduler, Slo, max_rate, saturation_rate, simulate

SERVICE_S = 0.1


def constant_prefill(decode_seqs: int, decode_depth: float, prefill_tokens: int, prefill_depth: float) -> float:
    """A step that reads a prompt takes SERVICE_S; a decode step 10 ms."""
    return SERVICE_S if prefill_tokens else 0.01


def affine(decode_seqs: int, decode_depth: float, prefill_tokens: int, prefill_depth: float) -> float:
    """Weight read + per-sequence cost + KV read at depth + prompt compute (the speed model's shape)."""
    return 0.02 + 1e-4 * decode_seqs + 1e-7 * decode_seqs * decode_depth + 2e-4 * prefill_tokens


def one_slot() -> Scheduler:
    return Scheduler("llamacpp", max_seqs=1, max_batch_tokens=2048, kv_tokens=100_000, block_size=1)


@pytest.mark.parametrize("rho", [0.5, 0.8])
def test_md1_mean_time_in_system_matches_pollaczek_khinchine(rho):
    # One output token: the request is served by exactly one prompt step of SERVICE_S.
    load = Load(Lengths.fixed(100), Lengths.fixed(1), rate=rho / SERVICE_S, requests=20_000, seed=3)
    result = simulate(one_slot(), constant_prefill, load)
    expected = SERVICE_S + rho * SERVICE_S / (2 * (1 - rho))
    assert result.e2e.mean == pytest.approx(expected, rel=0.05)
    assert result.ttft.mean == pytest.approx(expected, rel=0.05)  # the first token ends the request


def test_littles_law_holds_for_continuous_batching():
    sched = Scheduler("vllm", max_seqs=64, max_batch_tokens=2048, kv_tokens=40_000, block_size=16)
    rate = 2.0
    load = Load(Lengths.uniform(200, 1200), Lengths.uniform(50, 400), rate=rate, requests=3000, seed=7)
    result = simulate(sched, affine, load)
    records = [r for r in result.records if not r.rejected]
    events = sorted([(r.arrival_s, 1) for r in records] + [(r.finish_s, -1) for r in records])
    area = inside = 0.0
    last = events[0][0]
    for when, delta in events:
        area += inside * (when - last)
        inside += delta
        last = when
    span = events[-1][0] - events[0][0]
    mean_in_system = area / span
    mean_e2e = sum(r.e2e_s for r in records) / len(records)
    assert mean_in_system == pytest.approx(rate * mean_e2e, rel=0.05)


def test_saturation_of_one_slot_is_one_over_the_service_time():
    assert saturation_rate(one_slot(), constant_prefill, Lengths.fixed(100), Lengths.fixed(1)) == pytest.approx(
        1 / SERVICE_S, rel=0.01
    )


def test_past_saturation_the_queue_grows_and_the_run_is_unstable():
    slow = Load(Lengths.fixed(100), Lengths.fixed(1), rate=0.7 / SERVICE_S, requests=2000, seed=1)
    fast = Load(Lengths.fixed(100), Lengths.fixed(1), rate=1.3 / SERVICE_S, requests=2000, seed=1)
    ok, over = simulate(one_slot(), constant_prefill, slow), simulate(one_slot(), constant_prefill, fast)
    assert ok.stable and not over.stable
    # Completions stay at the server's capacity while arrivals outrun it.
    assert over.request_rate == pytest.approx(1 / SERVICE_S, rel=0.05)
    assert over.ttft.p95 > 20 * ok.ttft.p95


def test_closed_loop_follows_the_response_time_law():
    sched = Scheduler("llamacpp", max_seqs=4, max_batch_tokens=2048, kv_tokens=8192, block_size=1)
    users, think = 6, 2.0
    result = simulate(
        sched,
        affine,
        Load(Lengths.fixed(300), Lengths.fixed(100), users=users, think_time_s=think, requests=3000, seed=2),
    )
    assert result.request_rate == pytest.approx(users / (result.e2e.mean + think), rel=0.05)


def test_chunked_prefill_splits_a_long_prompt_into_budget_sized_steps():
    sched = Scheduler("vllm", max_seqs=8, max_batch_tokens=512, kv_tokens=100_000)
    load = Load(Lengths.fixed(2000), Lengths.fixed(2), rate=0.01, requests=20, seed=0)
    result = simulate(sched, affine, load)
    # 2000 tokens in chunks of 512: four steps (512, 512, 512, 464) on an idle server.
    expected = 4 * 0.02 + 2e-4 * 2000
    assert result.ttft.p50 == pytest.approx(expected, rel=1e-9)


def test_slots_run_decodes_and_a_prompt_in_one_batch():
    # Two slots: a request arriving while another decodes joins the same steps (one batch per step).
    sched = Scheduler("llamacpp", max_seqs=2, max_batch_tokens=2048, kv_tokens=8192, block_size=1)
    load = Load(Lengths.fixed(100), Lengths.fixed(50), rate=1.0, requests=200, seed=4)
    result = simulate(sched, affine, load)
    assert 1.0 < result.mean_batch <= 2.0


def test_vllm_preempts_when_the_kv_blocks_run_out_and_still_finishes_everything():
    tight = Scheduler("vllm", max_seqs=64, max_batch_tokens=4096, kv_tokens=4096, block_size=16)
    load = Load(Lengths.fixed(500), Lengths.fixed(400), rate=20.0, requests=300, seed=5)
    result = simulate(tight, affine, load)
    assert result.preemptions > 0
    done = [r for r in result.records if not r.rejected]
    assert len(done) == 300 and all(r.finish_s >= r.first_token_s >= r.arrival_s for r in done)
    roomy = simulate(Scheduler("vllm", 64, 4096, 400_000), affine, load)
    assert roomy.preemptions == 0


def test_ollama_queue_rejects_beyond_its_length():
    sched = Scheduler(
        "ollama", max_seqs=1, max_batch_tokens=512, kv_tokens=4096, block_size=1, slot_tokens=4096, max_queue=5
    )
    load = Load(Lengths.fixed(100), Lengths.fixed(1), rate=100 / SERVICE_S, requests=200, seed=0)
    result = simulate(sched, constant_prefill, load)
    assert result.rejected > 0 and not result.stable


def test_max_rate_meets_the_targets_and_a_little_more_does_not():
    sched = Scheduler("vllm", max_seqs=256, max_batch_tokens=2048, kv_tokens=20_000)
    load = Load(Lengths.fixed(800), Lengths.fixed(300), rate=1.0, requests=600, seed=0)
    slo = Slo(ttft_s=2.0, tpot_s=0.08)
    rate, at = max_rate(sched, affine, load, slo)
    assert rate > 0 and at is not None and at.meets(slo)
    above = simulate(sched, affine, Load(load.prompt, load.output, rate=rate * 1.1, requests=600, seed=0), slo)
    assert not above.meets(slo)


def test_seeded_runs_repeat_and_lengths_validate():
    load = Load(Lengths.uniform(10, 90), Lengths.empirical([3, 5, 8]), rate=5.0, requests=100, seed=9)
    a, b = simulate(one_slot(), affine, load), simulate(one_slot(), affine, load)
    assert a.records == b.records
    assert {r.output_tokens for r in a.records} <= {3, 5, 8}
    with pytest.raises(ValueError):
        Lengths.uniform(9, 3)
    with pytest.raises(ValueError):
        Load(Lengths.fixed(1), Lengths.fixed(1))
    assert math.isnan(simulate(one_slot(), affine, load, Slo()).ttft.p50) is False
