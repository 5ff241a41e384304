"""calibrate of a llama-server curve on a CPU (planning/load_curve.fit_cpu_step), round trip: a closed loop of
one user written by the serving simulation with planted factors gives those factors back, and a replayed
open-loop point gives back its own p50s. The planted numbers are the golden values (the CPU step and the
fit are docs/methodology.md section 8, "llama-server's steps as llama.cpp runs them")."""

from __future__ import annotations

import pytest

from planner.core.simulate import Lengths, Load, simulate
from planner.planning.load_curve import fit_load_factors, model_for, simulate_point
from planner.planning.load_probe import point_of
from planner.planning.validate import ModelSettings, context_for
from planner.results import to_jsonable
from planner.sources.loadgen import Sent, summarize

MODEL = "Qwen/Qwen2.5-1.5B-Instruct"
SERVER = {
    "kind": "llamacpp",
    "url": "http://127.0.0.1:8080",
    "model": MODEL,
    "max_model_len": 1024,
    "details": {"n_ctx": 4096, "total_slots": 4},
}
PLANTED = {
    "decode": 1.0,
    "prefill": 1.0,
    "kv": 1.0,
    "batch": 1.0,
    "ttft_overhead_s": 0.0,
    "step_decode": 0.8,
    "step_prefill": 0.6,
    "graph_build_s": 0.004,
}


def _ctx(server):
    return context_for(ModelSettings(model=MODEL, hardware="host", offline=True), server)


def _point(model, load, planted=PLANTED):
    res = simulate(model.sched(planted), model.step(planted), load)
    sent = [
        Sent(r.arrival_s, r.prompt_tokens, r.output_tokens, r.ttft_s, r.e2e_s, r.tpot_s)
        for r in res.records
        if not r.rejected
    ]
    window = max(r.arrival_s for r in res.records)
    think = load.think_time_s
    point = point_of(summarize("sim", sent, load.rate, load.users, window, send_window_s=window, think_time_s=think))
    return to_jsonable(point)


@pytest.fixture
def model():  # per test: the host profile (its measured bandwidth) is per config directory
    ctx = _ctx(SERVER)
    assert ctx.engine == "llamacpp" and ctx.hw.profile.platform == "cpu"
    return model_for(ctx, {"server": SERVER, "points": []}, None)


def test_calibrate_recovers_the_planted_cpu_step(model):
    # one user who thinks between requests: every request runs alone, several prompt lengths
    lone = _point(model, Load(Lengths.uniform(16, 128), Lengths.fixed(24), users=1, think_time_s=0.5, requests=30))
    probe = {"probed_at": "2026-12-01T00:00:00+00:00", "server": SERVER, "mode": "load", "settings": {"seed": 1}}
    contents = {"kind": "mi50plan-probe-results", "schema_version": 1, "probes": [{**probe, "points": [lone]}]}
    _, cal, _ = fit_load_factors(contents, _ctx, None)
    # prefill: the slope of TTFT over the compute part (the prompt's last token also reads its KV, which
    # grows with the prompt: 1e-4 of it); decode: TPOT less its compute part, where the first decode step's
    # graph set-up (one per request, 1/23 of a build per token) is the only error; the set-up is what the
    # steps leave of TTFTs of seconds: the slope's 1e-4 is half a millisecond there
    assert cal["step_prefill"] == pytest.approx(PLANTED["step_prefill"], rel=1e-3)
    assert cal["step_decode"] == pytest.approx(PLANTED["step_decode"], rel=0.03)
    assert cal["graph_build_s"] == pytest.approx(PLANTED["graph_build_s"], abs=0.001)
    assert cal["batch"] == 1.0
    # the single-stream factors `predict` uses come from the same requests, against the speed model: a
    # calibrated prediction of a lone request gives its TPOT back (one scale over requests of one output
    # length: within the 1% the depth moves it); its TTFT within 15%: the speed model's prefill runs every
    # weight for every prompt token (the output head too), the CPU step not, so one overhead and scale over
    # 16-128 token prompts meet it only on average
    from planner.planning.validate import predict_for

    r = sorted(lone["requests"], key=lambda r: r["prompt_tokens"])[len(lone["requests"]) // 2]
    pred = predict_for(_ctx(SERVER), r["prompt_tokens"], r["output_tokens"], 1, cal)
    assert 1.0 / pred.decode_tokens_per_s == pytest.approx(r["tpot_s"], rel=0.02)
    assert pred.ttft_s == pytest.approx(r["ttft_s"], rel=0.15)


def test_a_replayed_point_gives_back_its_own_p50s(model):
    point = _point(model, Load(Lengths.fixed(200), Lengths.fixed(24), rate=1.5, requests=60, seed=3))
    sim = simulate_point(model, PLANTED, point)
    assert sim.ttft_p50_s == pytest.approx(point["ttft_s"]["p50"], rel=1e-9)
    assert sim.tpot_p50_s == pytest.approx(point["tpot_s"]["p50"], rel=1e-9)
    drawn = simulate_point(model, PLANTED, point, replay=False)  # a new Poisson draw of 600 requests
    assert drawn.ttft_p50_s != pytest.approx(point["ttft_s"]["p50"], rel=1e-9)


def test_graph_set_up_is_paid_when_the_shape_changes():
    from planner.core.simulate import Scheduler

    sched = Scheduler("llamacpp", 4, 2048, 4096, 1, prompt_breaks=(516, 4), equal_split_ubatch=512, graph_build_s=1.0)
    res = simulate(sched, lambda n, d, p, pd: 0.0, Load(Lengths.fixed(48), Lengths.fixed(3), rate=1.0, requests=2,
                                                        replay=((0.0, 48, 3), (100.0, 48, 3))))  # fmt: skip
    first = res.records[0]
    # 44 prompt tokens (a new graph), the 4-token tail (another shape), the first decode (another), the second
    # decode (the same shape and slot: reused): 2 s to the first token, 3 s to the end
    assert first.ttft_s == pytest.approx(2.0) and first.e2e_s == pytest.approx(3.0)


def test_calibrate_recovers_the_planted_work_per_output_token_from_a_busy_closed_loop(model):
    # the lone requests cannot tell the server's per-output work from the weight read; four users who keep
    # the slots busy can: planted 3 ms per extra generating slot (docs/methodology.md section 8)
    planted = {**PLANTED, "step_output_s": 0.003}
    load1 = Load(Lengths.uniform(16, 128), Lengths.fixed(24), users=1, think_time_s=0.5, requests=30)
    load4 = Load(Lengths.uniform(16, 128), Lengths.fixed(24), users=4, requests=60, seed=2)
    lone, busy = _point(model, load1, planted), _point(model, load4, planted)
    probe = {"probed_at": "2026-12-01T00:00:00+00:00", "server": SERVER, "mode": "load", "settings": {"seed": 1}}
    contents = {"kind": "mi50plan-probe-results", "schema_version": 1, "probes": [{**probe, "points": [lone, busy]}]}
    _, cal, _ = fit_load_factors(contents, _ctx, None)
    assert cal["step_output_s"] == pytest.approx(0.003, rel=0.25)
    assert cal["step_decode"] == pytest.approx(PLANTED["step_decode"], rel=0.03)
    # the same busy point measured on a loaded machine (load average above the host's cores) fits nothing
    loaded = {**busy, "load_average": 64.0}
    contents["probes"][0]["points"] = [lone, loaded]
    _, cal, _ = fit_load_factors(contents, _ctx, None)
    assert cal["step_output_s"] == 0.0


def test_a_curve_of_one_token_answers_is_one_clear_error(model):
    from planner.errors import UsageError

    lone = _point(model, Load(Lengths.uniform(16, 128), Lengths.fixed(1), users=1, think_time_s=0.5, requests=30))
    probe = {"probed_at": "2026-12-01T00:00:00+00:00", "server": SERVER, "mode": "load", "settings": {"seed": 1}}
    contents = {"kind": "mi50plan-probe-results", "schema_version": 1, "probes": [{**probe, "points": [lone]}]}
    with pytest.raises(UsageError) as err:
        fit_load_factors(contents, _ctx, None)
    assert "--output-tokens 2" in err.value.hint and "more than one token" in err.value.message
