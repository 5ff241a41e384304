"""The engines' memory flags on `mi50plan fit`: each one reaches the plan and the printed launch command.

vLLM: --vllm-version, --kv-cache-memory, --enforce-eager, --enable-prefix-caching, --cpu-offload-gb,
--swap-space; llama.cpp: --mmproj, --n-cpu-moe, --no-op-offload, --kv-unified; Ollama: --ollama-version,
--ollama-estimator.
What each flag does to the budget is docs/methodology.md section 3.8 (vLLM flags) and the llama.cpp/Ollama
sections; these tests check the flag gets there, against the plan without it.
"""

from __future__ import annotations

import numpy as np
import pytest

GIB = 2**30
SMALL = "Qwen/Qwen2.5-1.5B-Instruct"
MOE = "Qwen/Qwen3-30B-A3B"


def _vllm(run_json, *flags: str) -> dict:
    (plan,) = run_json("fit", SMALL, "--engine", "vllm", "--hardware", "h100-sxm", "--offline", *flags)["plans"]
    return plan


def test_enforce_eager_drops_the_cudagraph_estimate_from_the_budget(run_json):
    # methodology 3.8: 0.2x/0.3x on CUDA subtract profile_cudagraph_memory() unless --enforce-eager.
    graphs = _vllm(run_json, "--vllm-version", "0.3x")
    eager = _vllm(run_json, "--vllm-version", "0.3x", "--enforce-eager")
    assert graphs["cudagraph_bytes"] > 0 and eager["cudagraph_bytes"] == 0
    assert eager["kv_cache_bytes"] - graphs["kv_cache_bytes"] == graphs["cudagraph_bytes"]
    assert eager["launch"][-1].endswith("--enforce-eager") and "--enforce-eager" not in graphs["launch"][-1]


def test_vllm_version_selects_the_line(run_json):
    # 0.11 subtracts no graph estimate (methodology 3.8 table); the default on an H100 is the latest line.
    assert _vllm(run_json)["vllm_version"] == "0.3x"
    old = _vllm(run_json, "--vllm-version", "0.11.0")
    assert old["vllm_version"] == "0.11" and old["cudagraph_bytes"] == 0
    assert "--vllm-version" not in old["launch"][-1]  # not a `vllm serve` flag


def test_unknown_vllm_version_lists_the_known_ones(run_cli):
    code, out, err = run_cli("fit", SMALL, "--engine", "vllm", "--offline", "--vllm-version", "0.5")
    assert code == 2 and out == ""
    assert "--vllm-version" in err and "0.11" in err and "0.3x" in err and "Traceback" not in err


@pytest.mark.parametrize(
    ("size", "expected"), [("8GiB", 8 * GIB), ("8G", 8 * GIB), ("8GB", 8 * 10**9), ("1073741824", GIB)]
)
def test_kv_cache_memory_sets_the_budget(run_json, size, expected):
    # gpu_worker.determine_available_memory: a given kv_cache_memory_bytes is the KV budget, no profiling.
    plan = _vllm(run_json, "--kv-cache-memory", size)
    assert plan["kv_cache_bytes"] == expected
    assert plan["kv_cache_blocks"] == expected // plan["kv_page_bytes_per_block"]
    assert f"--kv-cache-memory-bytes {expected}" in plan["launch"][-1]


@pytest.mark.parametrize("size", ["8XB", "-1G", "0", "lots"])
def test_bad_kv_cache_memory_is_a_usage_error(run_cli, size):
    code, out, err = run_cli("fit", SMALL, "--engine", "vllm", "--offline", "--kv-cache-memory", size)
    assert code == 2 and "--kv-cache-memory" in err and "Traceback" not in err


def test_cpu_offload_moves_weights_to_the_kv_budget(run_json):
    base = _vllm(run_json, "--vllm-version", "0.11")
    off = _vllm(run_json, "--vllm-version", "0.11", "--cpu-offload-gb", "1")
    assert off["cpu_offload_bytes"] == GIB
    assert base["weights_bytes"] - off["weights_bytes"] == GIB
    assert off["kv_cache_bytes"] - base["kv_cache_bytes"] == GIB
    assert "--cpu-offload-gb 1" in off["launch"][-1]


def test_swap_space_and_prefix_caching_reach_the_command(run_json):
    plan = _vllm(run_json, "--swap-space", "8", "--enable-prefix-caching")
    assert "--swap-space 8" in plan["launch"][-1] and "--enable-prefix-caching" in plan["launch"][-1]
    assert any("--swap-space has no effect on the V1 engine" in n for n in plan["notes"])
    assert plan["kv_cache_bytes"] == _vllm(run_json)["kv_cache_bytes"]  # neither changes the GPU budget
    off = _vllm(run_json, "--no-enable-prefix-caching")
    assert "--no-enable-prefix-caching" in off["launch"][-1]


@pytest.mark.parametrize(("flag", "value"), [("--cpu-offload-gb", "-1"), ("--swap-space", "nan")])
def test_bad_offload_values(run_cli, flag, value):
    code, _, err = run_cli("fit", SMALL, "--engine", "vllm", "--offline", flag, value)
    assert code == 2 and flag in err


def test_int4_suggestion_names_a_real_checkpoint(run_json):
    # planner/catalog/quantized.json lists Qwen/Qwen2.5-7B-Instruct-GPTQ-Int4 (Qwen's speed benchmark page).
    (plan,) = run_json("fit", "Qwen/Qwen2.5-7B-Instruct", "--dtype", "fp16", "--engine", "vllm", "--offline")["plans"]
    int4 = [s for s in plan["suggestions"] if "int4" in s["change"]]
    assert int4 and "Qwen/Qwen2.5-7B-Instruct-GPTQ-Int4" in int4[0]["change"]
    assert "e.g." not in int4[0]["change"] and tuple(int4[0]["flags"][:2]) == ("--quantization", "gptq")


def test_n_cpu_moe_keeps_experts_on_the_cpu(run_json):
    def plan(*flags):
        (p,) = run_json("fit", MOE, "--engine", "llamacpp", "--hardware", "h100-sxm", "--offline", *flags)["plans"]
        return {d["name"]: d["model_bytes"] for d in p["devices"]}, p["launch"]

    base, _ = plan()
    moved, launch = plan("--n-cpu-moe", "10")
    assert moved["GPU0"] < base["GPU0"] and moved["CPU"] > base.get("CPU", 0)
    assert moved["GPU0"] + moved["CPU"] == base["GPU0"] + base.get("CPU", 0)  # the same tensors, moved
    assert "--n-cpu-moe 10" in launch[-1]


def test_no_op_offload_keeps_the_cpu_layers_compute_on_the_host(run_json):
    # methodology section 4 "Partial offload": with op offload (the default) GPU0 computes the CPU layers (a copy of
    # their largest weight in its buffer) and the host buffer holds the inputs only; --no-op-offload undoes both.
    def plan(*flags):
        args = ("fit", "Qwen/Qwen2.5-32B-Instruct", "--engine", "llamacpp", "--quant", "Q4_K_M", "--offline")
        (p,) = run_json(*args, "--hardware", "mi50-16gb", *flags)["plans"]
        return {d["name"]: d["compute_bytes"] for d in p["devices"]}, p

    on, p_on = plan()
    off, p_off = plan("--no-op-offload")
    assert p_on["gpu_layers"] < p_on["total_layers"]  # a partial offload
    assert on["GPU0"] > off["GPU0"] and on["CPU"] < off["CPU"]
    assert "--no-op-offload" in p_off["flags"] and "--no-op-offload" not in p_on["flags"]


def test_kv_unified_gives_the_slots_one_stream_and_one_mask(run_json):
    # methodology section 4 (llama-context.cpp, llama.cpp#14363): with -np 4 and no --kv-unified each slot has its own
    # stream of 32768 / 4 cells; --kv-unified makes one stream of 32768 cells, the same KV bytes, and a mask over all
    # of them: the host buffer's f16 mask (flash attention is on for CUDA) grows by (32768 - 8192) x 512 x 2 bytes.
    def plan(*flags):
        args = ("fit", "Qwen/Qwen2.5-7B-Instruct", "--engine", "llamacpp", "--hardware", "h100-sxm", "--offline")
        (p,) = run_json(*args, "-np", "4", "-c", "32768", *flags)["plans"]
        return p

    split, unified = plan(), plan("--kv-unified")
    assert [(c["cells"], c["streams"]) for c in split["kv_caches"]] == [(8192, 4)]
    assert [(c["cells"], c["streams"]) for c in unified["kv_caches"]] == [(32768, 1)]
    assert unified["kv_cache_bytes"] == split["kv_cache_bytes"]
    assert unified["host_compute_bytes"] - split["host_compute_bytes"] == (32768 - 8192) * 512 * 2
    assert unified["kv_unified"] and not split["kv_unified"]
    assert unified["launch"][-1].endswith("--kv-unified") and "--kv-unified" not in split["launch"][-1]


def test_bad_n_cpu_moe(run_cli):
    code, _, err = run_cli("fit", MOE, "--engine", "llamacpp", "--offline", "--n-cpu-moe", "-1")
    assert code == 2 and "--n-cpu-moe" in err


def _projector(path, *, vision: bool = True):
    """A small mmproj GGUF as convert_hf_to_gguf.py --mmproj writes one (architecture clip)."""
    import gguf

    w = gguf.GGUFWriter(str(path), "clip")
    if vision:
        w.add_uint32("clip.vision.image_size", 224)
        w.add_uint32("clip.vision.patch_size", 14)
        w.add_uint32("clip.vision.embedding_length", 64)
        w.add_uint32("clip.vision.attention.head_count", 4)
        w.add_uint32("clip.vision.feed_forward_length", 256)
    w.add_tensor("v.patch_embd.weight", np.zeros((64, 3 * 14 * 14), dtype=np.float16))
    w.add_tensor("mm.0.weight", np.zeros((1536, 64), dtype=np.float32))
    w.write_header_to_file()
    w.write_kv_data_to_file()
    w.write_tensors_to_file()
    w.close()
    return 64 * 3 * 14 * 14 * 2 + 1536 * 64 * 4


def test_mmproj_loads_the_projector_on_the_first_gpu(run_json, tmp_path):
    from planner.engines.llamacpp import VisionTower, projector_compute_bytes

    path = tmp_path / "mmproj-test-f16.gguf"
    tensor_bytes = _projector(path)
    args = ("fit", SMALL, "--engine", "llamacpp", "--hardware", "h100-sxm", "--offline")
    (base,) = run_json(*args)["plans"]
    (plan,) = run_json(*args, "--mmproj", str(path))["plans"]
    gpu = next(d for d in plan["devices"] if d["name"] == "GPU0")
    # 224 / 14 = 16 x 16 patches; flash attention auto plans the encoder without it (scores [256, 256, 4] f32)
    compute = projector_compute_bytes(VisionTower(224, 14, 64, 4, 256))
    assert gpu["projector_bytes"] == tensor_bytes + compute
    assert plan["gpu_bytes"] - base["gpu_bytes"] == tensor_bytes + compute
    assert f"--mmproj {path}" in plan["launch"][-1]


def test_mmproj_errors_are_one_line(run_cli, tmp_path):
    code, _, err = run_cli("fit", SMALL, "--engine", "llamacpp", "--offline", "--mmproj", str(tmp_path / "none.gguf"))
    assert code != 0 and "Traceback" not in err and "none.gguf" in err
    model = tmp_path / "model.gguf"
    import gguf

    w = gguf.GGUFWriter(str(model), "llama")
    w.add_tensor("token_embd.weight", np.zeros((8, 8), dtype=np.float32))
    w.write_header_to_file()
    w.write_kv_data_to_file()
    w.write_tensors_to_file()
    w.close()
    code, _, err = run_cli("fit", SMALL, "--engine", "llamacpp", "--offline", "--mmproj", str(model))
    assert code != 0 and "not a multimodal projector" in err


def test_ollama_estimator_and_version(run_json, run_cli):
    def plan(*flags):
        (p,) = run_json("fit", MOE, "--engine", "ollama", "--offline", *flags)["plans"]
        return p

    new, old = plan("--ollama-estimator", "new"), plan("--ollama-estimator", "old")
    assert new["estimator"] == "new" and old["estimator"] == "old"
    assert new["total_bytes"] != old["total_bytes"]
    # Ollama up to 0.6.6 defaults num_ctx to 2048, from 0.6.7 to 4096 (engines/ollama.py default_num_ctx)
    assert plan("--ollama-version", "0.6.5")["context"] == 2048
    assert plan("--ollama-version", "0.7.0")["context"] == 4096
    code, _, err = run_cli("fit", MOE, "--engine", "ollama", "--offline", "--ollama-estimator", "newest")
    assert code == 2 and "--ollama-estimator" in err


def test_predict_sizes_vllm_with_the_same_flags_as_fit(run_json):
    # predict's fit verdict (how many streams the KV cache holds) comes from the same vLLM plan as `fit`
    args = ("--engine", "vllm", "--hardware", "h100-sxm", "--offline", "--max-model-len", "8192")
    cases = (("--kv-cache-memory", "4GiB"), ("--vllm-version", "0.3x", "--enforce-eager"), ("--vllm-version", "0.11"))
    for flags in cases:
        (fit,) = run_json("fit", SMALL, *args, *flags)["plans"]
        (pred,) = run_json("predict", SMALL, *args, *flags)["predictions"]
        assert pred["max_concurrency"] == pytest.approx(fit["max_concurrency"]), flags
    (eager,) = run_json("predict", SMALL, *args, "--vllm-version", "0.3x", "--enforce-eager")["predictions"]
    (graphs,) = run_json("predict", SMALL, *args, "--vllm-version", "0.3x")["predictions"]
    assert eager["max_concurrency"] > graphs["max_concurrency"]


def test_capacity_plans_vllm_with_the_memory_flags(run_json):
    # Qwen2.5-1.5B: 28 layers x 2 KV heads x 128 x 2 (K and V) x 2 B = 28,672 B per token; 1 GiB holds
    # 37,449 tokens, 2,340 whole 16-token blocks = 37,440 tokens (vLLM's KV sizing, methodology 3.8).
    args = ("capacity", SMALL, "--rate", "2", "--engine", "vllm", "--hardware", "h100-sxm", "--offline")
    args += ("--requests", "100", "--max-gpus", "1")
    data = run_json(*args, "--kv-cache-memory", "1GiB")
    assert data["candidates"][0]["kv_cache_tokens"] == 37_440
    assert run_json(*args)["candidates"][0]["kv_cache_tokens"] > 37_440


def test_recommend_sizes_vllm_with_the_memory_flags(run_json):
    # A 512 MiB KV budget cannot hold one 32,768-token Qwen2.5-7B request (28 layers x 4 heads x 128 x 2 x 2 B =
    # 56 KiB per token: 1.75 GiB), so every vLLM candidate is rejected with vLLM's own error; without it vLLM fits.
    args = ("recommend", "Qwen/Qwen2.5-7B-Instruct", "--hardware", "h100-sxm", "--offline")
    (small,) = run_json(*args, "--kv-cache-memory", "512MiB")["models"]
    vllm_rows = [r for r in small["rejected"] if r["deployment"].startswith("vLLM")]
    assert vllm_rows and all("KV cache" in r["reason"] for r in vllm_rows)
    assert not any(r["deployment"].startswith("vLLM") for r in small["ranked"])
    (default,) = run_json(*args)["models"]
    assert any(r["deployment"].startswith("vLLM") for r in default["ranked"])


def test_fit_plans_the_marlin_mxfp4_layout_of_a_pip_install(run_json, run_cli):
    # --vllm-mxfp4-backend marlin: gpt-oss's experts as a pip install without triton_kernels loads them on Hopper
    # (methodology 3.1 "Weights": the 0.11.0 wheel's get_mxfp4_backend and Marlin's 2880 -> 2944 padding; logged
    # 65.97 GiB under Marlin against 64.38 under Triton on an H100, real-log cases V96 and V02)
    args = ("fit", "openai/gpt-oss-120b", "--engine", "vllm", "--hardware", "h100-sxm", "--offline")
    (auto,) = run_json(*args)["plans"]
    (marlin,) = run_json(*args, "--vllm-mxfp4-backend", "marlin")["plans"]
    gib = 2**30
    assert 1.3 * gib <= marlin["weights_bytes"] - auto["weights_bytes"] <= 1.6 * gib
    assert any("triton_kernels" in n for n in auto["notes"]) and not any("triton_kernels" in n for n in marlin["notes"])
    code, out, err = run_cli(*args, "--vllm-mxfp4-backend", "cutlass")
    assert code == 2 and "Traceback" not in err
    assert err.startswith("error: --vllm-mxfp4-backend=cutlass") and "hint: auto" in err
