"""`probe --rate/--users` against REAL sockets on 127.0.0.1: small servers replay the vLLM and Ollama
streams in tests/data/recorded (hand-written to the documented shapes; its README says which), and
answer with errors, so every failure path is one line and a hint, never a traceback."""

from __future__ import annotations

import json
import threading

import pytest

from planner.core.simulate import Stats, event_rate, keeps_up, queue_growth
from tests.sources.test_probe import RECORDED, free_port, good_stream, ollama_routes, openai_models, server  # noqa: F401

LOAD = ["--warmup", "0", "--quiet", "--timeout", "10", "--seed", "3"]


def _vllm_routes(bodies: list):
    stream = (RECORDED / "vllm-completions-stream.sse").read_bytes()

    def models(h):
        entry = {"id": "Qwen/Qwen2.5-1.5B-Instruct", "object": "model", "owned_by": "vllm", "max_model_len": 4096}
        h.send_json(200, {"object": "list", "data": [entry]})

    def completions(h):
        bodies.append(json.loads(h.body))
        h.start_stream()
        for block in stream.split(b"\n\n"):
            if block.strip():
                h.chunk(block + b"\n\n")
        h.end_stream()

    return {("GET", "/v1/models"): models, ("POST", "/v1/completions"): completions}


@pytest.mark.recorded
def test_vllm_open_loop_sends_token_ids_and_counts_the_servers_usage(server, run_cli, tmp_path):  # noqa: F811
    bodies: list = []
    url = server(_vllm_routes(bodies))
    saved = tmp_path / "curve.json"
    code, out, err = run_cli(
        "probe", url, "--rate", "40,80", "--requests", "12", "--prompt-tokens", "30", "--output-tokens", "5",
        *LOAD, "--save", str(saved), "--json",
    )  # fmt: skip
    assert code == 0, err
    data = json.loads(out)
    assert data["mode"] == "load" and data["server"]["kind"] == "vllm"
    assert [p["rate"] for p in data["points"]] == [40.0, 80.0]
    # vLLM's completions endpoint takes a list of token ids: the prompt length is exact and no prefix hits.
    assert len(bodies) == 24
    assert all(len(b["prompt"]) == 30 and all(isinstance(t, int) for t in b["prompt"]) for b in bodies)
    assert all(b["ignore_eos"] is True and b["max_tokens"] == 5 and b["stream"] for b in bodies)
    assert len({tuple(b["prompt"]) for b in bodies}) == 24
    for point in data["points"]:
        assert point["sent"] == point["completed"] == 12 and point["failed"] == 0
        assert point["measured"] == 12 - int(12 * 0.1)  # the first 10% are not measured
        # usage: 30 prompt, 5 completion tokens (vllm-completions-stream.sse); 5 text chunks carry them
        assert point["prompt_tokens"] == 30 and point["output_tokens"] == 5
        r = point["requests"][-1]
        assert 0 < r["ttft_s"] <= r["e2e_s"] and r["tpot_s"] > 0
        assert point["ttft_s"]["p50"] <= point["ttft_s"]["p95"] <= point["ttft_s"]["p99"]
    # saved as probe saves: a results file with this probe appended, validated on reading
    assert json.loads(saved.read_text())["probes"][0]["points"][0]["sent"] == 12


@pytest.mark.recorded
def test_ollama_closed_loop_uses_generate_raw_and_eval_count(server, run_cli):  # noqa: F811
    bodies: list = []
    url = server(ollama_routes("ollama-generate-stream.ndjson", "/api/generate", bodies))
    code, out, err = run_cli(
        "probe", url, "--users", "2", "--requests", "6", "--prompt-tokens", "30", "--output-tokens", "4",
        "--ttft-p95", "30", *LOAD, "--json",
    )  # fmt: skip
    assert code == 0, err
    point = json.loads(out)["points"][0]
    assert point["users"] == 2 and point["sent"] == 6 and point["completed"] == 6
    body = bodies[0]
    assert body["raw"] is True and body["options"]["num_predict"] == 4 and body["model"] == "qwen2.5:7b-instruct"
    assert len(body["prompt"].split()) == 30
    # eval_count 4 and prompt_eval_count 30 of the final object (ollama-generate-stream.ndjson)
    assert point["output_tokens"] == 4 and point["prompt_tokens"] == 30
    assert point["goodput"] == 1.0 and point["keeps_up"] is True


def test_load_text_output_and_targets(server, run_cli):  # noqa: F811
    url = server({("GET", "/v1/models"): openai_models, ("POST", "/v1/chat/completions"): good_stream})
    code, out, err = run_cli(
        "probe", url, "--rate", "50", "--requests", "10", "--prompt-tokens", "uniform:5-20", "--output-tokens", "5",
        "--tpot-p95", "0.000001", *LOAD,
    )  # fmt: skip
    assert code == 0, err
    assert "offered/s" in out and "goodput" in out
    assert " 0%" in out  # no request streams 5 tokens in under a microsecond each


def test_a_failing_server_is_one_line_and_a_hint(server, run_cli):  # noqa: F811
    url = server(
        {
            ("GET", "/v1/models"): openai_models,
            ("POST", "/v1/chat/completions"): lambda h: h.send_json(500, {"error": "CUDA out of memory"}),
        }
    )
    code, out, err = run_cli("probe", url, "--rate", "5", "--requests", "3", "--quiet")
    assert code == 4 and out == ""
    assert err.startswith("error: HTTP 500") and "out of memory" in err and "hint:" in err
    assert "Traceback" not in err


def test_a_dead_port_is_one_line(run_cli):
    port = free_port()
    code, out, err = run_cli("probe", f"http://127.0.0.1:{port}", "--rate", "1", "--duration", "1")
    assert code == 4 and out == ""
    assert err.splitlines()[0] == f"error: connection refused at 127.0.0.1:{port} - is the server running?"


def test_failed_requests_under_load_are_kept_and_exit_4(server, run_cli):  # noqa: F811
    calls = []

    def flaky(h):
        calls.append(1)
        if len(calls) % 2 == 0:
            h.send_json(503, {"error": "queue full"})
        else:
            good_stream(h)

    url = server({("GET", "/v1/models"): openai_models, ("POST", "/v1/chat/completions"): flaky})
    code, out, err = run_cli("probe", url, "--rate", "40", "--requests", "8", *LOAD, "--json")
    assert code == 4
    point = json.loads(out)["points"][0]
    assert point["failed"] == 4 and point["completed"] == 4
    assert "4 of 8 requests failed" in err and "HTTP 503" in err


@pytest.mark.parametrize(
    "args",
    [
        ["--rate", "0"],
        ["--rate", "abc"],
        ["--rate", "1,,2"],
        ["--rate", "1e9"],
        ["--users", "0"],
        ["--rate", "1", "--users", "2"],
        ["--rate", "1", "--requests", "0"],
        ["--rate", "1", "--duration", "nan"],
        ["--rate", "1", "--concurrency", "4"],
        ["--rate", "1", "--prompt-tokens", "uniform:9-3"],
        ["--rate", "1", "--output-tokens", "0"],
        ["--rate", "5000", "--duration", "3600"],
        ["--prompt-tokens", "100"],
        ["--output-tokens", "uniform:1-5"],
    ],
)
def test_bad_load_flags_are_usage_errors(run_cli, args):
    port = free_port()  # nothing listens: a usage error must come before any connection
    code, out, err = run_cli("probe", f"http://127.0.0.1:{port}", *args)
    assert code == 2, err
    assert err.startswith("error: ") and "Traceback" not in err and out == ""


def test_a_corrupt_results_file_stops_the_load_before_it_starts(server, run_cli, tmp_path):  # noqa: F811
    url = server({("GET", "/v1/models"): openai_models, ("POST", "/v1/chat/completions"): good_stream})
    corrupt = tmp_path / "corrupt.json"
    corrupt.write_text('{"kind": "mi50plan-probe-results", "probes": [')
    code, _, err = run_cli("probe", url, "--rate", "5", "--requests", "2", *LOAD, "--save", str(corrupt))
    assert code == 3 and "not valid JSON" in err
    assert corrupt.read_text() == '{"kind": "mi50plan-probe-results", "probes": ['


def test_estimators_on_queueing_theory():
    """keeps_up on a simulated single slot with a fixed 1 s service time (an M/D/1 queue): at rho = 0.5
    the queue is stable (Kleinrock vol. 1 eq. 5.76: mean wait rho S / (2 (1 - rho)) = 0.5 s) and the
    estimators say it keeps up; at rho = 1.5 the backlog grows by 0.5 requests per second and they
    say it does not, its completion rate being the slot's 1 request/s."""
    from planner.core.simulate import Lengths, Load, Scheduler, simulate

    sched = Scheduler("llamacpp", 1, 2048, 4096, 1)

    def step(decode_seqs, decode_depth, prefill_tokens, prefill_depth):  # 1 s per request of 1 output token
        return 1.0

    for rho, kept in ((0.5, True), (1.5, False)):
        res = simulate(sched, step, Load(Lengths.fixed(8), Lengths.fixed(1), rate=rho, requests=3000, seed=2))
        done = [r for r in res.records if not r.rejected]
        achieved = event_rate([r.finish_s for r in done])
        sent = event_rate([r.arrival_s for r in done])
        growth = queue_growth([r.ttft_s for r in done])
        assert keeps_up(sent, achieved, growth) is kept
        if not kept:
            # the wait grows linearly from 0: the thirds' medians sit at 1/6 and 5/6 of the run, ratio 5
            assert achieved == pytest.approx(1.0, rel=0.01) and growth == pytest.approx(5.0, rel=0.1)
        else:
            assert achieved == pytest.approx(rho, rel=0.05)
            assert Stats.of([r.ttft_s for r in done]).mean == pytest.approx(1.0 + 0.5, rel=0.05)


def test_event_rate_and_growth_edges():
    assert event_rate([]) == 0.0 and event_rate([1.0]) == 0.0 and event_rate([0.0, 1.0, 2.0]) == 1.0
    assert queue_growth([1.0] * 5) is None and queue_growth([1.0] * 6) == 1.0
    assert keeps_up(None, 0.0, None) is True


def test_api_probe_rate_keyword(server):  # noqa: F811
    import planner

    url = server({("GET", "/v1/models"): openai_models, ("POST", "/v1/chat/completions"): good_stream})
    result = planner.probe(url, rate=[30, 60], requests=5, prompt_tokens=8, output_tokens=5, warmup=0)
    assert [p.rate for p in result.points] == [30, 60] and result.to_dict()["mode"] == "load"
    assert threading.active_count() < 50  # the sender threads are gone
