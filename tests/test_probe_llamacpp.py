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
    with serve(binary, gguf, "-c", "2048", "-np", "1", "-ngl", "0") as url:
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
    results = tmp_path / "results.json"
    code, _, err = run_cli(
        "probe",
        url,
        "--prompts",
        "short,medium",
        "--runs",
        "2",
        "--output-tokens",
        "32",
        "--quiet",
        "--save",
        str(results),
    )
    assert code == 0, err
    # The results name the model by the path llama-server reports: a name from a file is never opened
    # as a path (issue 12), so the user names the file with --model.
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
    assert any("host/llamacpp/cpu" in line for line in after["calibrations_used"])
    # Calibrated on these very runs: the predictions now sit on the measurements (decode: one factor
    # for two medians; TTFT: overhead + prefill scale through two points, docs/methodology.md section 6).
    for c in after["comparisons"]:
        if c["metric"] in ("decode_tokens_per_s", "ttft_s"):
            assert abs(c["error_pct"]) < 25, c
    code, out, _ = run_cli("calibrate", "--list", "--json")
    assert [c["name"] for c in json.loads(out)["calibrations"]] == ["host/llamacpp/cpu"]
    code, out, _ = run_cli("calibrate", "--remove", "host/llamacpp/cpu", "--json")
    assert code == 0 and json.loads(out)["removed"] == ["host/llamacpp/cpu"]
