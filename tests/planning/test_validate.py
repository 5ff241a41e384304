"""validate / calibrate on recorded files (tests/data/recorded/README.md says what each one is)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from planner.sources import calibration as calib
from planner.sources import run_files
from planner.sources.files import write_atomic

RECORDED = Path(__file__).resolve().parents[1] / "data" / "recorded"
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
    assert code == 2 and "names no model" in err


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
    assert found is not None and found.factors() == {
        "decode": 0.9,
        "prefill": 1.2,
        "kv": 1.0,
        "batch": 1.0,  # the default: a load-curve calibration fits it (methodology section 8)
        "ttft_overhead_s": 0.0,
        "step_decode": 0.0,  # these four: a llama-server CPU load curve fits them (methodology section 8)
        "step_prefill": 0.0,
        "graph_build_s": 0.0,
        "step_output_s": 0.0,
    }
    assert "host/llamacpp/cpu" in found.describe() and "r.json" in found.describe()
    assert calib.lookup("mi50-16gb", "vllm", "rocm") is None
    assert calib.remove("host/llamacpp/cpu", write_atomic) == ["host/llamacpp/cpu"]
    assert calib.load_all() == []


@pytest.mark.parametrize(
    "entry, says",
    [
        ({"name": "mi50-16gb/vllm/rocm", "hardware": "mi50-16gb", "engine": "vllm", "backend": "rocm",
          "memory": {"weights_delta_bytes": "abc"}}, "memory.weights_delta_bytes='abc'"),
        ({"name": "mi50-16gb/vllm/rocm", "hardware": "mi50-16gb", "engine": "vllm"}, "has no backend"),
        ({"name": "mi50-16gb/vllm/rocm", "hardware": "mi50-16gb", "engine": "vllm", "backend": "rocm",
          "kv": 0}, "kv=0: must be greater than 0"),
        ("not an entry", "is not an object"),
    ],
)
def test_a_damaged_calibration_file_is_one_line(run_cli, isolated, entry, says):
    """A hand-edited calibration.json: every command that reads it exits 3 with one line and a hint."""
    path = isolated / "config" / "calibration.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps({"schema_version": 1, "calibrations": {"mi50-16gb/vllm/rocm": entry}}))
    code, _, err = run_cli("fit", "Qwen/Qwen2.5-1.5B-Instruct", "--engine", "vllm", "--offline")
    assert code == 3 and says in err.splitlines()[0] and err.splitlines()[1].startswith("hint: ")
    assert "Traceback" not in err


def test_calibrate_list_and_bad_remove(run_cli):
    code, out, _ = run_cli("calibrate", "--list", "--json")
    assert code == 0 and json.loads(out)["calibrations"] == []
    code, _, err = run_cli("calibrate")
    assert code == 2 and err.startswith("error: calibrate: give a results file, --vllm-log LOG")
    code, _, err = run_cli("calibrate", "--remove", "nope")
    assert code == 2 and "no such calibration" in err


def test_predict_says_when_a_stored_calibration_is_used(run_cli, run_json):
    """A calibration stored for mi50-16gb/vllm/rocm changes the prediction and is named in the output."""
    from planner.sources import calibration as calibrations
    from planner.sources.files import write_atomic

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


def test_calibrate_from_a_vllm_log_corrects_later_plans(run_cli, run_json):
    """`calibrate --vllm-log` stores measured-minus-planned bytes; fit and validate then use them.

    Golden numbers: the reference report's appendix lines (weights 3.0391 GiB, KV 9.66 GiB, 361,856
    tokens, 88.34x at 4096). After calibrating from that very log, the plan reproduces it to the
    log's own rounding (KV tokens within one 16-token block per 0.01 GiB of rounding)."""
    flags = ("--model", "Qwen/Qwen2.5-1.5B-Instruct", "--dtype", "fp16", "--max-model-len", "4096", "--offline")
    raw = run_json("validate", "--vllm-log", str(VLLM_LOG), *flags)
    assert raw["calibrations"] == []
    raw_err = {c["metric"]: c["error_pct"] for c in raw["comparisons"]}
    assert abs(raw_err["kv_cache_gib"]) > 0.5  # something left to correct (docs/methodology.md 3.6)

    stored = run_json("calibrate", "--vllm-log", str(VLLM_LOG), *flags)["calibration"]
    assert stored["name"] == "mi50-16gb/vllm/rocm" and stored["memory"]["log"] == str(VLLM_LOG)
    assert stored["decode"] == 1.0 and stored["points"] == 0  # no probe results: speed untouched

    after = run_json("validate", "--vllm-log", str(VLLM_LOG), *flags)
    assert any("vLLM memory" in line for line in after["calibrations"])
    err = {c["metric"]: c["error_pct"] for c in after["comparisons"]}
    assert abs(err["weights_gib"]) < 0.01 and abs(err["kv_cache_gib"]) < 0.01
    assert abs(err["kv_cache_tokens"]) < 0.1 and abs(err["max_concurrency"]) < 0.1

    plan = run_json("fit", "Qwen/Qwen2.5-1.5B-Instruct", "--engine", "vllm", "--dtype", "fp16",
                    "--max-model-len", "4096", "--offline")
    assert plan["calibrations"] and abs(plan["plans"][0]["kv_cache_bytes"] / 2**30 - 9.66) < 0.005
    off = run_json("fit", "Qwen/Qwen2.5-1.5B-Instruct", "--engine", "vllm", "--dtype", "fp16",
                   "--max-model-len", "4096", "--offline", "--no-calibration")
    assert off["calibrations"] == [] and off["plans"][0]["kv_cache_bytes"] != plan["plans"][0]["kv_cache_bytes"]
    code, out, _ = run_cli("fit", "Qwen/Qwen2.5-1.5B-Instruct", "--engine", "vllm", "--dtype", "fp16", "--offline")
    assert code == 0 and "calibrated: calibration 'mi50-16gb/vllm/rocm' in use (vLLM memory" in out
    # a log alone fits no speed: predictions use the memory corrections (for the fit) and say only that
    pred = run_json("predict", "Qwen/Qwen2.5-1.5B-Instruct", "--engine", "vllm", "--offline")
    assert pred["calibrations"] and all("vLLM memory" in line for line in pred["calibrations"])


def test_recommend_and_compare_use_and_name_a_stored_calibration(run_json):
    """A decode factor stored for mi50-16gb/vllm/rocm halves vLLM's predicted decode rate in recommend
    and compare too (decode is linear in the factor at concurrency 1, planner/core/speed.py)."""
    args = ("Qwen/Qwen2.5-1.5B-Instruct", "--offline")
    compare = ("compare", "Qwen/Qwen2.5-1.5B-Instruct vllm fp16", "Qwen/Qwen2.5-7B-Instruct ollama Q4_K_M")

    def vllm_fp16(data):
        ranked = data["models"][0]["ranked"]
        return next(r for r in ranked if r["deployment"] == "vLLM fp16")["prediction"]

    before = vllm_fp16(run_json("recommend", *args))["decode_tokens_per_s"]
    before_cmp = run_json(*compare)
    calib.save(
        calib.Calibration(name="mi50-16gb/vllm/rocm", hardware="mi50-16gb", engine="vllm", backend="rocm",
                          decode=0.5, sources=({"file": "runs.json"},), points=1),
        write_atomic,
    )
    data = run_json("recommend", *args)
    assert vllm_fp16(data)["decode_tokens_per_s"] == pytest.approx(before * 0.5, rel=0.01)
    assert any("mi50-16gb/vllm/rocm" in c for c in data["calibrations"])
    after_cmp = run_json(*compare)
    a0, a1 = before_cmp["setups"][0], after_cmp["setups"][0]
    assert a1["decode_tokens_per_s"] == pytest.approx(a0["decode_tokens_per_s"] * 0.5, rel=0.01)
    # the calibration belongs to the serving stack: the engine share moves, the residual does not
    s0, s1 = before_cmp["split"], after_cmp["split"]
    assert s1["engine_and_backend_factor"] == pytest.approx(s0["engine_and_backend_factor"] * 0.5, rel=0.01)
    assert s1["residual_factor"] == pytest.approx(s0["residual_factor"], rel=0.01)
    assert after_cmp["calibrations"] and not before_cmp["calibrations"]
    raw = run_json("recommend", *args, "--no-calibration")
    assert vllm_fp16(raw)["decode_tokens_per_s"] == pytest.approx(before) and raw["calibrations"] == []


def _synthetic_blocks(ctx, truth: dict, prompts: list[int]) -> dict:
    """A results file whose medians are exactly what predict() gives under a known calibration."""
    from planner.planning.validate import predict_for

    blocks = []
    for n in prompts:
        p = predict_for(ctx, n, 64, 1, truth)
        blocks.append({"ok": True, "concurrency": 1, "prompt_set": f"p{n}", "prompt_tokens": n, "output_tokens": 64,
                       "decode_tokens_per_s": {"p50": p.decode_tokens_per_s}, "ttft_s": {"p50": p.ttft_s}})
    return {"probes": [{"server": {"kind": "vllm"}, "summary": blocks}]}


def test_calibrate_recovers_a_known_calibration():
    """calibrate's fit (docs/methodology.md section 6) returns the factors the measurements were made with:
    all four when the prompts span depths where the KV read is a real share of TPOT (Qwen2.5-1.5B at
    8k-24k tokens), and KV left at 1 when the depths barely move TPOT (below KV_SPREAD_MIN)."""
    from planner.planning.calibrate import KV_SPREAD_MIN
    from planner.planning.calibrate import fit_factors as _fit
    from planner.planning.context import load_hardware
    from planner.planning.validate import Context, predict_for
    from planner.sources.models import resolve_model

    ctx = Context(resolve_model("Qwen/Qwen2.5-1.5B-Instruct", offline=True), load_hardware("mi50-16gb", 1),
                  "vllm", None, "fp16", None, 32768)
    truth = {"decode": 0.8, "kv": 0.5, "prefill": 1.7, "ttft_overhead_s": 0.03}
    _, fitted, sources = _fit(_synthetic_blocks(ctx, truth, [32, 8000, 24000]), lambda _s: ctx, None)
    for key, value in truth.items():
        assert fitted[key] == pytest.approx(value, rel=0.02), key
    assert sources[0]["blocks"] == ["p32 c=1", "p8000 c=1", "p24000 c=1"]
    # short prompts only: the depths move TPOT by less than KV_SPREAD_MIN, so kv stays 1 and decode absorbs it
    shallow, deep = (1 / predict_for(ctx, n, 64, 1, None).decode_tokens_per_s for n in (16, 256))
    assert 0 < (deep - shallow) / shallow < KV_SPREAD_MIN
    _, fitted, _ = _fit(_synthetic_blocks(ctx, truth, [16, 64, 256]), lambda _s: ctx, None)
    assert fitted["kv"] == 1.0 and fitted["decode"] == pytest.approx(0.8, rel=0.05)
    assert fitted["ttft_overhead_s"] == pytest.approx(0.03, rel=0.05)


# ---- a vLLM log settles its own settings -------------------------------------------------------------------------

V019_LOG = RECORDED / "vllm-0.19-rtx3060-qwen3-0.6b.log"  # real lines of case V143 (recorded/README.md)


def test_parse_vllm_settings_reads_what_the_log_states():
    # Each value from a line of the recorded log: the engine line "Initializing a V1 LLM engine (v0.19.0) with config:
    # model='Qwen/Qwen3-0.6B', ... dtype=torch.bfloat16, max_seq_len=4096, ... enforce_eager=True", the API server's
    # "non-default args: {... 'gpu_memory_utilization': 0.6, 'max_num_batched_tokens': 1024, 'max_num_seqs': 8}" and
    # the first start's "Free memory on device cuda:0 (9.02/11.63 GiB)".
    got = run_files.read_vllm_log(V019_LOG)["settings"]
    assert got == {
        "vllm_release": "0.19.0",
        "model": "Qwen/Qwen3-0.6B",
        "dtype": "bf16",
        "max_model_len": 4096,
        "tensor_parallel_size": 1,
        "pipeline_parallel_size": 1,
        "enforce_eager": True,
        "kv_cache_dtype": "auto",
        "gpu_memory_utilization": 0.6,
        "max_num_seqs": 8,
        "max_num_batched_tokens": 1024,
        "runtime_total_gib": 11.63,
    }


def test_parse_vllm_settings_older_shapes_and_bad_values():
    # V0's engine line (vLLM 0.6.6, as vllm#10517-era logs print it) is the V0 engine; a Hugging Face cache folder
    # names its model; 0.2x's "Desired GPU memory utilization is (0.92, 21.64 GiB)" gives the utilization and
    # 21.64 / 0.92 GiB of runtime total; a utilization above 1 is not a value, so it is dropped, never trusted.
    v0 = run_files.parse_vllm_settings(
        "INFO 01-14 03:08:50 llm_engine.py:234] Initializing an LLM engine (v0.6.6) with config: "
        "model='/workspace/models/models--Qwen--Qwen2-0.5B', dtype=torch.float16, max_seq_len=2048, "
        "tensor_parallel_size=2, quantization=awq_marlin, enforce_eager=False, kv_cache_dtype=fp8_e4m3,\n"
        "Desired GPU memory utilization is (0.92, 21.64 GiB)\n"
    )
    assert v0["vllm_release"] == "v0" and v0["dtype"] == "fp16" and v0["tensor_parallel_size"] == 2
    assert v0["quantization"] == "awq_marlin" and v0["kv_cache_dtype"] == "fp8_e4m3" and v0["enforce_eager"] is False
    assert v0["gpu_memory_utilization"] == 0.92 and abs(v0["runtime_total_gib"] - 21.64 / 0.92) < 1e-9
    bad = run_files.parse_vllm_settings("non-default args: {'gpu_memory_utilization': 7.5, 'max_num_seqs': 0}")
    assert bad == {}


def test_validate_plans_a_log_with_its_own_settings(run_json):
    # No flag but the hardware: the log settles model, release, dtype, length, utilization, batch limits, eager mode
    # and the runtime total. The plan is then the real-log reader's for V143 (tests/engines/test_real_logs.py: within
    # 0.5% of the logged 5.68 GiB, 53,184 tokens, 12.98x). Before the log's settings were read, the same call with
    # --model alone planned 0.33.0 at the default utilization: KV +49%.
    data = run_json("validate", "--vllm-log", str(V019_LOG), "--hardware", "rtx3060", "--offline")
    assert data["model"] == "Qwen/Qwen3-0.6B"
    assert {"vLLM 0.19.0", "gpu-memory-utilization 0.6", "enforce-eager", "runtime total 11.63 GiB"} <= set(
        data["from_log"]
    )
    by_metric = {c["metric"]: c for c in data["comparisons"]}
    assert by_metric["kv_cache_tokens"]["measured"] == 53_184
    for metric in ("weights_gib", "kv_cache_gib", "kv_cache_tokens", "max_concurrency"):
        assert abs(by_metric[metric]["error_pct"]) <= 1.0, by_metric[metric]


def test_a_flag_given_wins_over_the_log(run_json):
    # --gpu-memory-utilization 0.9 against the log's 0.6: the plan takes the flag (0.3 x 11.63 GiB more for KV) and
    # does not list the log's value among what the log settled.
    data = run_json(
        "validate", "--vllm-log", str(V019_LOG), "--hardware", "rtx3060", "--gpu-memory-utilization", "0.9",
        "--offline",
    )  # fmt: skip
    assert not any(s.startswith("gpu-memory-utilization") for s in data["from_log"])
    kv = next(c for c in data["comparisons"] if c["metric"] == "kv_cache_gib")
    assert kv["predicted"] - kv["measured"] > 0.3 * 11.63 * 0.9


def test_a_log_that_names_a_path_not_a_model_asks_for_one(run_cli, tmp_path):
    log = tmp_path / "v.log"
    log.write_text(
        "Initializing a V1 LLM engine (v0.10.1) with config: model='/data/my-finetune', dtype=torch.bfloat16,\n"
        "Available KV cache memory: 10.00 GiB\n"
    )
    code, _, err = run_cli("validate", "--vllm-log", str(log), "--hardware", "rtx3090", "--offline")
    assert code == 2 and "not opened as a path" in err and "--model" in err and "Traceback" not in err


# ---- a llama.cpp start-up log -------------------------------------------------------------------------------------

LLAMACPP_LOGS = Path(__file__).resolve().parents[1] / "data" / "llamacpp"  # real llama-server start-ups (their README)


@pytest.mark.parametrize(
    ("name", "settings"),
    [
        # the log's own lines: n_ctx 4096, n_seq_max 1, flash attention on, K/V f16; buffers CPU_Mapped 235.16,
        # CPU_REPACK 12.66, KV 12.00 + 15.00, CPU compute 22.77 MiB
        ("gemma-3-270m-ctx4096-f16.log", "K/V f16/f16"),
        # n_ctx 8192 with a q8_0 cache (flash attention enabled for it): KV 12.75 + 7.97, CPU compute 27.30 MiB
        ("gemma-3-270m-ctx8192-q8_0.log", "K/V q8_0/q8_0"),
    ],
)
def test_validate_a_llama_server_log_buffer_by_buffer(run_json, llama_artifacts, name, settings):
    data = run_json(
        "validate", "--llama-log", str(LLAMACPP_LOGS / name), "--model", str(llama_artifacts[1]), "--hardware", "host",
        "--offline",
    )  # fmt: skip
    assert settings in data["from_log"] and "n_seq_max 1" in data["from_log"]
    by_metric = {c["metric"]: c for c in data["comparisons"]}
    assert set(by_metric) == {
        "cpu_model_buffer_mib",
        "cpu_repack_buffer_mib",
        "kv_buffer_mib",
        "host_compute_buffer_mib",
    }
    for c in by_metric.values():  # the planner's figures for this build are exact to the log's two decimals
        assert abs(c["error_pct"]) <= 0.5, c


def test_a_llama_log_needs_a_model_and_buffer_lines(run_cli, tmp_path):
    log = LLAMACPP_LOGS / "gemma-3-270m-ctx4096-f16.log"
    code, _, err = run_cli("validate", "--llama-log", str(log), "--hardware", "host", "--offline")
    assert code == 2 and "--model" in err and "Traceback" not in err
    other = tmp_path / "x.log"
    other.write_text("hello\n")
    code, _, err = run_cli("validate", "--llama-log", str(other), "--model", "Qwen/Qwen2.5-0.5B-Instruct", "--offline")
    assert code == 3 and "no llama.cpp buffer lines" in err


def test_a_hub_model_needs_the_logs_file_type_or_a_quant(run_cli, tmp_path):
    log = tmp_path / "buffers.log"
    log.write_text("load_tensors:   CPU_Mapped model buffer size =   235.16 MiB\n")
    code, _, err = run_cli(
        "validate", "--llama-log", str(log), "--model", "Qwen/Qwen2.5-0.5B-Instruct", "--hardware", "host", "--offline"
    )
    assert code == 2 and "--quant" in err and "file type" in err


def test_calibrate_reads_the_logs_settings_too(run_json):
    # Calibrating from the V143 lines with only the hardware given: the plan takes the log's release, utilization,
    # length, batch limits, eager mode and runtime total, so the stored correction is only what they leave unexplained
    # (validate's +0.5% of the logged 5.68 GiB, about 0.03 GiB), not the 2.8 GiB a 0.33.0 plan at 0.92 of the nominal
    # 12 GB would store; validate on the same log then reads it back within 0.1%.
    stored = run_json("calibrate", "--vllm-log", str(V019_LOG), "--hardware", "rtx3060", "--offline")["calibration"]
    assert stored["name"] == "rtx3060/vllm/cuda"
    assert abs(stored["memory"]["overhead_delta_bytes"]) < 0.05 * 2**30
    assert abs(stored["memory"]["weights_delta_bytes"]) < 0.01 * 2**30
    after = run_json("validate", "--vllm-log", str(V019_LOG), "--hardware", "rtx3060", "--offline")
    assert any("rtx3060/vllm/cuda" in line for line in after["calibrations"])
    for c in after["comparisons"]:
        assert abs(c["error_pct"]) <= 0.1, c


def test_a_model_a_vllm_log_names_by_its_cache_folder_is_read_as_its_hub_id():
    from planner.planning.validate import hub_id_from_log

    # vLLM 0.6.6's engine line of a model served from the Hugging Face cache (the V0 test above)
    assert hub_id_from_log("/workspace/models/models--Qwen--Qwen2-0.5B") == "Qwen/Qwen2-0.5B"
    assert hub_id_from_log("Qwen/Qwen3-0.6B") == "Qwen/Qwen3-0.6B"


@pytest.mark.parametrize(
    "lines",
    [
        "load_tensors:   CPU_Mapped model buffer size =   235.16 MiB\nllama_context: n_ctx = 99999999999999999999999\n",
        "load_tensors:   CPU_Mapped model buffer size =   235.16 MiB\nllama_context: n_ubatch = 0\n",
        "load_tensors:   CPU_Mapped model buffer size =   99999999999 MiB\n",
    ],
)
def test_a_mangled_llama_log_is_one_line_and_a_hint(run_cli, tmp_path, lines):
    log = tmp_path / "mangled.log"
    log.write_text(lines)
    code, _, err = run_cli(
        "validate", "--llama-log", str(log), "--model", "Qwen/Qwen2.5-0.5B-Instruct", "--quant", "Q4_K_M", "--offline"
    )
    assert code == 3 and "not a plausible value" in err and "Traceback" not in err and "bug" not in err
    # a malformed number is not read as one: "1.2.3 MiB" is no buffer line
    log.write_text("load_tensors:   CPU_Mapped model buffer size =   1.2.3 MiB\n")
    code, _, err = run_cli("validate", "--llama-log", str(log), "--model", "Qwen/Qwen2.5-0.5B-Instruct", "--offline")
    assert code == 3 and "no llama.cpp buffer lines" in err
