"""The prober against the REAL llama.cpp llama-server with Gemma 3 270M Q4_K_M on 127.0.0.1.

The binary and model come from conftest's `llama_artifacts` (scripts/build_llama_server.sh); the
server here stays up for the module, unlike conftest's start-and-stop log fixture."""

from __future__ import annotations

import json

import pytest

from tests.llama_server import serve

pytestmark = pytest.mark.llamacpp


@pytest.fixture(scope="module")
def llama_url(llama_artifacts):
    binary, gguf = llama_artifacts
    # One thread for prompt and decode: on a loaded machine (2 cores shared with other jobs) a second
    # llama.cpp thread spins at every barrier waiting for a core, and TTFT grew 3x in one run (issue 14).
    with serve(binary, gguf, "-c", "2048", "-np", "1", "-ngl", "0", "--threads", "1", "--threads-batch", "1") as url:
        yield url, gguf


def test_probe_agrees_with_llama_server_timings(llama_url, run_cli):
    url, _ = llama_url
    code, out, err = run_cli(
        "probe",
        url,
        "--prompts",
        "medium,long",
        "--runs",
        "2",
        "--warmup",
        "1",
        "--output-tokens",
        "32",
        "--quiet",
        "--json",
    )
    assert code == 0, err
    data = json.loads(out)
    assert data["server"]["kind"] == "llamacpp"
    measured = [r for r in data["runs"] if not r["warmup"]]
    assert measured and all(r["status"] == "ok" for r in measured)
    for run in measured:
        server = run["server_timings"]
        assert run["token_source"] == "llama-server timings" and run["output_tokens"] == 32
        # Decode: both count (n - 1) tokens over first -> last token, the client adds only transport.
        assert run["decode_tokens_per_s"] == pytest.approx(server["decode_tokens_per_s"], rel=0.10)
        if run["prompt_set"] == "long":
            # TTFT = the server's prefill + HTTP and sampling of the first token: small beside a
            # 770-token prefill, so within 10% (a short prompt's TTFT is mostly transport).
            assert run["ttft_s"] == pytest.approx(server["prefill_s"], rel=0.10)
        assert run["prompt_tokens"] == server["raw"]["prompt_n"] + server["raw"]["cache_n"]


def test_whole_loop_fit_predict_probe_validate_calibrate(llama_url, run_cli, tmp_path):
    url, gguf = llama_url
    code, out, err = run_cli("fit", gguf, "--hardware", "host", "--engine", "llamacpp", "--json")
    assert code == 0, err
    code, out, err = run_cli("predict", gguf, "--hardware", "host", "--engine", "llamacpp", "--json")
    assert code == 0, err
    # Measure until the runs are ones a speed model could reproduce at all: on a machine whose load
    # changes under the probe (2 cores shared with other jobs), the short prompt's TTFT came out above
    # the medium one's, or the decode rate moved 2.6x between two blocks at nearly the same depth.
    # Those runs say nothing about the planner; the check on steady runs below is unchanged. A calibration
    # fitted on runs whose load changed between its two points can miss them too (a CI run of 2026-12-03: TTFT
    # 0.308 s calibrated against 0.451 s measured; the same clone passed the test twice right after), so a whole
    # probe-calibrate-validate round is repeated, up to three times, before the test fails.
    unsteady = []
    for attempt in range(3):
        results = tmp_path / f"results-{attempt}.json"
        code, _, err = run_cli(
            "probe",
            url,
            "--prompts",
            "short,medium",
            "--runs",
            "3",  # a median of three: one run slowed by a burst of load elsewhere moves nothing
            "--output-tokens",
            "32",
            "--quiet",
            "--save",
            str(results),
        )
        assert code == 0, err
        why = _unsteady(results)
        if why is None:
            why = _calibrated_miss(run_cli, results, gguf)
        if why is None:
            break
        unsteady.append(why)
        run_cli("calibrate", "--remove", "host/llamacpp/cpu", "--json")
    else:
        pytest.fail(f"no steady round in 3 (probe, calibrate, validate): {'; '.join(unsteady)}")
    code, out, _ = run_cli("calibrate", "--list", "--json")
    assert [c["name"] for c in json.loads(out)["calibrations"]] == ["host/llamacpp/cpu"]
    code, out, _ = run_cli("calibrate", "--remove", "host/llamacpp/cpu", "--json")
    assert code == 0 and json.loads(out)["removed"] == ["host/llamacpp/cpu"]


# Decode medians of two blocks 32 and 55 tokens deep differ by noise alone; 1.4x is far outside the
# 15% the calibration check sees between back-to-back probes (docs/methodology.md section 6), and one
# decode factor then still lands both within 17%, inside the 25% checked.
DECODE_SPREAD_MAX = 1.4


def _unsteady(results) -> str | None:
    """Why no speed model could reproduce these runs (the load changed under the probe), or None."""
    blocks = {b["prompt_set"]: b for b in json.loads(results.read_text())["probes"][-1]["summary"]}
    short, medium = blocks["short"], blocks["medium"]
    ttft = (short["ttft_s"]["p50"], medium["ttft_s"]["p50"])
    if ttft[0] >= ttft[1]:
        tokens = (short["prompt_tokens"], medium["prompt_tokens"])
        return f"TTFT {ttft[0]:.3f} s for {tokens[0]:g} prompt tokens >= {ttft[1]:.3f} s for {tokens[1]:g}"
    rates = (short["decode_tokens_per_s"]["p50"], medium["decode_tokens_per_s"]["p50"])
    if max(rates) / min(rates) > DECODE_SPREAD_MAX:
        return f"decode {rates[0]:.1f} vs {rates[1]:.1f} tok/s at nearly the same depth"
    return None

def _calibrated_miss(run_cli, results, gguf) -> str | None:
    """Validate, calibrate and validate again on one probe's results: None when the calibrated decode and TTFT sit
    within 25% of the measurements (calibrated on these very runs: decode one factor for two medians, TTFT overhead
    + prefill scale through two points, docs/methodology.md section 6), else what missed. The uncalibrated
    comparison must name every metric, with an error."""
    code, out, err = run_cli("validate", str(results), "--model", gguf, "--hardware", "host", "--json")
    assert code == 0, err
    comparisons = json.loads(out)["comparisons"]
    assert {c["metric"] for c in comparisons} >= {"ttft_s", "decode_tokens_per_s", "e2e_s"}
    assert all(c["error_pct"] is not None for c in comparisons)
    code, out, err = run_cli("calibrate", str(results), "--model", gguf, "--hardware", "host", "--json")
    assert code == 0, err
    cal = json.loads(out)["calibration"]
    assert cal["name"] == "host/llamacpp/cpu" and cal["decode"] > 0 and cal["prefill"] > 0
    assert cal["ttft_overhead_s"] >= 0 and cal["points"] == 2
    code, out, err = run_cli("validate", str(results), "--model", gguf, "--hardware", "host", "--json")
    assert code == 0, err
    after = json.loads(out)
    assert any("host/llamacpp/cpu" in line for line in after["calibrations"])
    missed = [
        f"{c['metric']} {c['predicted']:.3g} calibrated vs {c['measured']:.3g} measured ({c['error_pct']:+.1f}%)"
        for c in after["comparisons"]
        if c["metric"] in ("decode_tokens_per_s", "ttft_s") and abs(c["error_pct"]) >= 25
    ]
    return "; ".join(missed) or None

