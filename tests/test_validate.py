"""validate / calibrate on recorded files (tests/data/recorded/README.md says what each one is)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from planner.cli.output import write_atomic
from planner.sources import calibration as calib
from planner.sources import run_files

RECORDED = Path(__file__).parent / "data" / "recorded"
VLLM_LOG = RECORDED / "vllm-0.11-mi50-qwen2.5-1.5b.log"


def test_parse_vllm_log_reference_lines():
    # Golden values: the reference report's appendix lines, as vLLM printed them.
    log = run_files.read_vllm_log(VLLM_LOG)
    assert log["weights_gib"] == 3.0391 and log["kv_cache_gib"] == 9.66
    assert log["kv_cache_tokens"] == 361_856
    assert (log["max_model_len"], log["max_concurrency"]) == (4096, 88.34)
    assert log["graph_gib"] == 0.14 and not log["no_cache_memory_error"]


def test_validate_vllm_log_within_three_percent(run_json):
    data = run_json(
        "validate",
        "--vllm-log",
        str(VLLM_LOG),
        "--model",
        "Qwen/Qwen2.5-1.5B-Instruct",
        "--dtype",
        "fp16",
        "--max-model-len",
        "4096",
        "--offline",
    )
    by_metric = {c["metric"]: c for c in data["comparisons"]}
    assert set(by_metric) == {"weights_gib", "kv_cache_gib", "kv_cache_tokens", "max_concurrency"}
    for c in by_metric.values():
        assert abs(c["error_pct"]) <= 3.0, c
    assert by_metric["kv_cache_tokens"]["measured"] == 361_856


def test_validate_vllm_log_needs_a_model(run_cli):
    code, _, err = run_cli("validate", "--vllm-log", str(VLLM_LOG))
    assert code == 2 and "does not name its model" in err


def test_not_a_vllm_log(run_cli, tmp_path):
    other = tmp_path / "x.log"
    other.write_text("hello\n")
    code, _, err = run_cli("validate", "--vllm-log", str(other), "--model", "Qwen/Qwen2.5-1.5B-Instruct")
    assert code == 3 and "no vLLM memory lines" in err


@pytest.mark.recorded
def test_llama_bench_json_and_markdown_agree():
    """Real llama-bench output captured on this machine (pp512 / tg128, 2 CPU threads)."""
    rows_json = run_files.read_llama_bench(RECORDED / "llama-bench-gemma3-270m-cpu.json")
    rows_md = run_files.read_llama_bench(RECORDED / "llama-bench-gemma3-270m-cpu.md")
    assert [r["test"] for r in rows_json] == [r["test"] for r in rows_md] == ["pp512", "tg128"]
    assert rows_json[0]["n_prompt"] == 512 and rows_json[1]["n_gen"] == 128
    assert rows_md[0]["tokens_per_s"] == 595.84 and rows_md[0]["stddev_tokens_per_s"] == 63.83
    assert rows_json[1]["tokens_per_s"] > 0


@pytest.mark.recorded
def test_vllm_bench_serve_result():
    bench = run_files.read_vllm_bench(RECORDED / "vllm-bench-serve.json")
    assert bench["mean_ttft_s"] == pytest.approx(0.0595) and bench["median_tpot_s"] == pytest.approx(0.020)
    assert bench["mean_input_tokens"] == 256 and bench["mean_output_tokens"] == 128
    assert bench["mean_e2e_s"] == pytest.approx(2.6) and bench["max_concurrency"] == 1


def test_calibration_store_round_trip_and_remove():
    cal = calib.Calibration(
        name=calib.key_for("host", "llamacpp", "cpu"),
        hardware="host",
        engine="llamacpp",
        backend="cpu",
        decode=0.9,
        prefill=1.2,
        created_at="t",
        sources=({"file": "r.json", "probe": 0, "blocks": ["short c=1"]},),
        points=1,
    )
    calib.save(cal, write_atomic)
    found = calib.lookup("HOST", "llamacpp", "cpu")
    assert found is not None and found.factors() == {"decode": 0.9, "prefill": 1.2}
    assert "host/llamacpp/cpu" in found.describe() and "r.json" in found.describe()
    assert calib.lookup("mi50-16gb", "vllm", "rocm") is None
    assert calib.remove("host/llamacpp/cpu", write_atomic) == ["host/llamacpp/cpu"]
    assert calib.load_all() == []


def test_calibrate_list_and_bad_remove(run_cli):
    code, out, _ = run_cli("calibrate", "--list", "--json")
    assert code == 0 and json.loads(out)["calibrations"] == []
    code, _, err = run_cli("calibrate", "--remove", "nope")
    assert code == 2 and "no such calibration" in err


def test_predict_says_when_a_stored_calibration_is_used(run_cli, run_json):
    """A calibration stored for mi50-16gb/vllm/rocm changes the prediction and is named in the output."""
    from planner.cli.output import write_atomic
    from planner.sources import calibration as calibrations

    args = ("predict", "Qwen/Qwen2.5-1.5B-Instruct", "--engine", "vllm", "--prompt-tokens", "32",
            "--output-tokens", "128")
    before = run_json(*args)["predictions"][0]["decode_tokens_per_s"]
    cal = calibrations.Calibration(name="mi50-16gb/vllm/rocm", hardware="mi50-16gb", engine="vllm", backend="rocm",
                                   decode=0.5, prefill=1.0, sources=({"file": "runs.json"},), points=1)
    calibrations.save(cal, write_atomic)
    data = run_json(*args)
    # decode rate scales linearly with the decode factor at concurrency 1 (planner/core/speed.py docstring)
    assert abs(data["predictions"][0]["decode_tokens_per_s"] / before - 0.5) < 0.01
    assert data["calibrations"] and "runs.json" in data["calibrations"][0]
    code, out, _ = run_cli(*args)
    assert code == 0 and "calibrated: calibration 'mi50-16gb/vllm/rocm' in use" in out
