"""The vLLM planner against the reference MI50 run.

Golden numbers come from the reference report, copied in tests/data/reference-copy/reference/
mi50-vllm-vs-ollama-report.md (its appendix log lines and "重要发现" section), and the worked check in
tests/data/reference-copy/reference/engine-facts.md section 1.
"""

from __future__ import annotations

import math
from dataclasses import replace

import pytest

from planner.core.hardware import Hardware
from planner.engines.vllm import VllmOptions, page_bytes_per_layer, plan_vllm
from planner.errors import UsageError
from planner.sources.models import resolve_model
from planner.sources.profiles import get_profile

GIB = 2**30


def mi50(count: int = 1) -> Hardware:
    return Hardware(get_profile("mi50-16gb"), count)


def spec(model_id: str):
    return resolve_model(model_id, offline=True).spec


def within(value: float, target: float, rel: float) -> bool:
    return abs(value - target) <= rel * abs(target)


def test_mi50_memory_is_what_rocm_reports():
    # engine-facts.md section 1: 17,163,091,968 B = 16368 MiB
    assert mi50().profile.memory_bytes == 17_163_091_968


def test_qwen25_15b_fp16_matches_the_vllm_log():
    plan = plan_vllm(
        spec("Qwen/Qwen2.5-1.5B-Instruct"), mi50(), VllmOptions(dtype="fp16", max_model_len=4096)
    )
    assert plan.fits and plan.error is None
    assert within(plan.weights_bytes / GIB, 3.0391, 0.03)  # "Model loading took 3.0391 GiB"
    assert within(plan.kv_cache_bytes / GIB, 9.66, 0.03)  # "Available KV cache memory: 9.66 GiB"
    assert within(plan.kv_cache_tokens, 361_856, 0.03)  # "GPU KV cache size: 361,856 tokens"
    assert within(
        plan.max_concurrency, 88.34, 0.03
    )  # "Maximum concurrency for 4,096 tokens per request: 88.34x"


def test_page_size_per_layer_from_the_worked_check():
    # engine-facts.md section 1: 28 layers, 2 KV heads, head_dim 128, fp16 -> 16,384 B per layer per block
    assert page_bytes_per_layer(spec("Qwen/Qwen2.5-1.5B-Instruct"), 2, 16, 1) == 16_384


def test_concurrency_is_blocks_over_blocks_per_request():
    # vllm/v1/core/kv_cache_utils.py: num_blocks / ceil(L / block_size); engine-facts.md section 2
    plan = plan_vllm(
        spec("Qwen/Qwen2.5-1.5B-Instruct"), mi50(), VllmOptions(dtype="fp16", max_model_len=4096)
    )
    assert plan.kv_cache_tokens == plan.kv_cache_blocks * 16
    assert plan.max_concurrency == pytest.approx(plan.kv_cache_blocks / math.ceil(4096 / 16))


def test_qwen25_7b_fp16_does_not_fit_with_vllms_error():
    s = spec("Qwen/Qwen2.5-7B-Instruct")
    plan = plan_vllm(s, mi50(), VllmOptions(dtype="fp16"))
    assert not plan.fits
    assert within(plan.weights_bytes / GIB, 14.37, 0.03)  # report: "7B 模型加载后占用 14.37 GiB"
    assert abs(plan.kv_cache_bytes / GIB - (-1.34)) <= 0.3  # report: "KV 缓存需求: -1.34 GiB"
    assert "No available memory for the cache blocks" in plan.error
    assert plan.kv_cache_tokens == 0 and plan.max_concurrency == 0


def test_every_suggestion_replans_as_fitting():
    s = spec("Qwen/Qwen2.5-7B-Instruct")
    opts = VllmOptions(dtype="fp16")
    plan = plan_vllm(s, mi50(), opts)
    assert plan.suggestions, "a 7B that does not fit must come with at least one fix"
    for sug in plan.suggestions:
        flags = dict(zip(sug.flags[::2], sug.flags[1::2], strict=True))
        changed = opts
        hw = mi50()
        target = s
        if "--tensor-parallel-size" in flags:
            tp = int(flags["--tensor-parallel-size"])
            changed, hw = replace(changed, tensor_parallel_size=tp), mi50(tp)
        if "--gpu-memory-utilization" in flags:
            changed = replace(changed, gpu_memory_utilization=float(flags["--gpu-memory-utilization"]))
        if "--max-model-len" in flags:
            changed = replace(changed, max_model_len=int(flags["--max-model-len"]))
        if "--quantization" in flags:
            changed = replace(changed, dtype="auto", quantization=flags["--quantization"])
        again = plan_vllm(target, hw, changed, suggest=False)
        assert again.fits, sug.change


def test_max_seq_len_error_gives_the_estimated_length_and_it_fits():
    # A long context that a positive KV budget cannot hold: vLLM's second error and its estimate.
    s = spec("Qwen/Qwen2.5-7B-Instruct-GPTQ-Int4")
    plan = plan_vllm(s, mi50(), VllmOptions(max_model_len=32768, gpu_memory_utilization=0.5))
    assert plan.kv_cache_bytes > 0 and not plan.fits
    assert "estimated maximum model length is" in plan.error
    est = plan.estimated_max_model_len
    assert plan_vllm(s, mi50(), VllmOptions(max_model_len=est, gpu_memory_utilization=0.5)).fits
    assert not plan_vllm(s, mi50(), VllmOptions(max_model_len=est + 16, gpu_memory_utilization=0.5)).fits


def test_utilization_above_free_memory_fails_at_startup():
    plan = plan_vllm(spec("Qwen/Qwen2.5-0.5B-Instruct"), mi50(), VllmOptions(gpu_memory_utilization=1.0))
    assert not plan.fits and "on startup is less than desired GPU memory utilization" in plan.error


def test_gfx906_runs_bf16_checkpoints_in_fp16_and_refuses_bf16_and_fp8():
    s = spec("Qwen/Qwen2.5-1.5B-Instruct")  # torch_dtype bfloat16 in its config.json
    plan = plan_vllm(s, mi50(), VllmOptions())
    assert plan.dtype == "fp16" and any("no bf16 hardware" in w for w in plan.warnings)
    with pytest.raises(UsageError):
        plan_vllm(s, mi50(), VllmOptions(dtype="bfloat16"))
    with pytest.raises(UsageError, match="fp8"):
        plan_vllm(s, mi50(), VllmOptions(kv_cache_dtype="fp8"))
    h100 = Hardware(get_profile("h100-sxm"))
    assert plan_vllm(s, h100, VllmOptions()).dtype == "bf16"
    fp8 = plan_vllm(s, h100, VllmOptions(kv_cache_dtype="fp8"))
    assert fp8.kv_cache_dtype == "fp8"


def test_tensor_parallel_splits_kv_heads_and_must_divide_heads():
    s = spec("Qwen/Qwen2.5-7B-Instruct")  # 28 heads, 4 KV heads
    one = plan_vllm(s, mi50(2), VllmOptions(dtype="fp16", tensor_parallel_size=1), suggest=False)
    two = plan_vllm(s, mi50(2), VllmOptions(dtype="fp16", tensor_parallel_size=2))
    assert two.fits and not one.fits
    assert page_bytes_per_layer(s, 2, 16, 2) * 2 == page_bytes_per_layer(s, 2, 16, 1)
    assert two.weights_raw_bytes < one.weights_raw_bytes * 0.51
    with pytest.raises(UsageError, match="divisible"):
        plan_vllm(s, mi50(4), VllmOptions(tensor_parallel_size=3))
    with pytest.raises(UsageError, match="--gpus"):
        plan_vllm(s, mi50(1), VllmOptions(tensor_parallel_size=2))


def test_gptq_int4_costs_about_416_bits_per_quantized_weight():
    # engine-facts.md section 2: 4 + 16/128 + 4/128 = 4.16 bits (qweight, fp16 scales, packed zeros)
    from planner.core.precision import weight_bytes
    from planner.core.tensors import count_params

    s = spec("Qwen/Qwen2.5-7B-Instruct-GPTQ-Int4")
    w = weight_bytes(s, "fp16", s.quant)
    counts = count_params(s)
    bits = 8 * w.quantized_bytes / (counts.linear + counts.expert)
    assert 4.15 < bits < 4.20  # g_idx adds 32 bits per input channel: a few hundredths
    # embeddings and lm_head stay fp16, counted exactly
    assert w.unquantized_bytes >= 2 * (counts.embedding + counts.lm_head)


def test_mla_page_has_no_factor_two_and_is_not_split():
    s = spec("deepseek-ai/DeepSeek-V3")  # kv_lora_rank 512 + qk_rope_head_dim 64
    assert page_bytes_per_layer(s, 2, 16, 1) == 16 * (512 + 64) * 2
    assert page_bytes_per_layer(s, 2, 16, 8) == page_bytes_per_layer(s, 2, 16, 1)


def test_sliding_window_layers_cap_blocks_per_request():
    from planner.engines.vllm import _blocks_per_request

    s = spec("google/gemma-2-9b-it")  # window 4096, alternating sliding/global
    # vllm/v1/kv_cache_interface.py: ceil(min(window - 1 + max_num_batched_tokens, L) / 16) + 1
    assert (
        _blocks_per_request(s, "sliding_attention", 8192, 16, 2048) == math.ceil((4096 - 1 + 2048) / 16) + 1
    )
    assert _blocks_per_request(s, "full_attention", 8192, 16, 2048) == 8192 // 16
