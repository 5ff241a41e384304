"""Open-loop and closed-loop load against the REAL llama-server (Gemma 3 270M Q4_K_M, -np 4, CPU)."""

from __future__ import annotations

import json

import pytest

from planner.core.simulate import Lengths, Slo
from planner.sources.loadgen import read_lengths, run_load

pytestmark = pytest.mark.llamacpp


@pytest.fixture(scope="module")
def server_url(llama_artifacts):
    from tests.llama_server import serve

    binary, gguf = llama_artifacts
    # 4 slots of 512 cells each (-c 2048 / -np 4, no unified KV), one thread: 2 shared cores here.
    with serve(binary, gguf, "-np", "4", "-c", "2048", "-ngl", "0", "--threads", "1") as url:
        yield url


def test_poisson_load_streams_every_token_and_times_it(server_url):
    result = run_load(
        server_url,
        prompt=Lengths.fixed(16),
        output=Lengths.fixed(8),
        rate=1.0,
        duration_s=6.0,
        seed=3,
        slo=Slo(ttft_s=60.0),
    )
    assert result.sent >= 1 and result.failed == 0 and result.completed == result.sent
    for r in result.records:
        # ignore_eos makes the server decode exactly max_tokens; it reports the count (timings.predicted_n).
        assert r.output_tokens == 8
        assert 0 < r.ttft_s < r.e2e_s and r.tpot_s > 0
    assert result.ttft.p50 <= result.ttft.p95 <= result.ttft.p99
    assert result.throughput_tokens_per_s > 0 and result.goodput == 1.0


def test_closed_loop_users_keep_the_slots_busy(server_url):
    result = run_load(
        server_url, prompt=Lengths.uniform(8, 24), output=Lengths.fixed(6), users=2, duration_s=4.0, seed=1
    )
    assert result.failed == 0 and result.measured >= 4
    # Two users without think time: at most two requests in flight. A user's next completion comes at least
    # that request's E2E after its last, so between the first and the last measured completion (the span
    # request_rate uses: n - 1 intervals) the n - 2 completions after each user's first took <= 2 x span:
    # rate = (n - 1) / span <= 2 / mean E2E x (n - 1) / (n - 2). Three in flight would break it.
    n = result.measured
    # (x 1.1: the client stamps completions and E2E on one clock but not in one instant: slack, not a fit; three
    # users in flight would exceed the bound by about x 1.5)
    assert result.request_rate <= 2 / result.e2e.mean * (n - 1) / (n - 2) * 1.1


def test_a_prompt_beyond_the_slot_context_is_a_failed_request_not_a_crash(server_url):
    result = run_load(server_url, prompt=Lengths.fixed(700), output=Lengths.fixed(4), users=1, duration_s=0.5)
    assert result.failed >= 1 and result.completed == 0
    assert result.records[0].error.startswith("HTTP 400")
    assert result.goodput == 0.0


def test_lengths_file(tmp_path):
    path = tmp_path / "lengths.txt"
    path.write_text("# from a log\n120\n\n80\n")
    assert read_lengths(path) == [120, 80]


def test_probe_rate_sweep_validate_and_calibrate_on_the_real_server(server_url, run_cli, tmp_path):
    """The whole loop on the real llama-server: a closed loop of 1 user (requests that run alone) and a
    light Poisson rate, saved; calibrate fits the simulation to them; validate compares per rate."""
    from tests.llama_server import find_artifacts

    gguf = find_artifacts()[1]
    curve = tmp_path / "curve.json"
    common = ["--warmup", "1", "--quiet", "--seed", "2", "--output-tokens", "8", "--save", str(curve)]
    code, out, err = run_cli(
        "probe", server_url, "--users", "1", "--requests", "6", "--prompt-tokens", "uniform:8-64", *common
    )
    assert code == 0, err
    code, out, err = run_cli(
        "probe", server_url, "--rate", "1", "--requests", "5", "--prompt-tokens", "16", *common, "--json"
    )
    assert code == 0, err
    point = json.loads(out)["points"][0]
    # token ids on /v1/completions: llama-server reads exactly the 16 ids (timings.prompt_n) and, with
    # ignore_eos, decodes exactly 8 tokens (timings.predicted_n)
    assert point["prompt_tokens"] == 16 and point["output_tokens"] == 8 and point["failed"] == 0
    assert point["ttft_s"]["p50"] > 0 and point["tpot_s"]["p50"] > 0
    flags = ["--model", gguf, "--hardware", "host"]
    code, out, err = run_cli("calibrate", str(curve), *flags, "--json")
    assert code == 0, err
    cal = json.loads(out)["calibration"]
    assert cal["decode"] > 0 and cal["prefill"] > 0 and cal["points"] >= 2
    code, out, err = run_cli("validate", str(curve), *flags, "--json")
    assert code == 0, err
    rows = [c for c in json.loads(out)["comparisons"] if c.get("rate") == 1.0]
    assert {c["metric"] for c in rows} >= {"ttft_p50_s", "tpot_p50_s"}
