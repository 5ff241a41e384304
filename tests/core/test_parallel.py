"""Tensor-parallel all-reduces and vLLM step times (planner/core/parallel.py; docs/methodology.md section 8
"Step times"). Expected values from the formulas: ring all-reduce t = latency + S x 2(n-1)/n / link (nccl-tests
doc/PERFORMANCE.md bus bandwidth), two all-reduces per layer of tokens x hidden x 2 bytes, vLLM's custom
all-reduce (CUDA, fully NVLink-connected, 2/4/6/8 ranks, messages up to 8 MiB) at its 10 us latency."""

from __future__ import annotations

from dataclasses import replace

import pytest

from planner.core import parallel, speed
from planner.core.hardware import Hardware
from planner.sources.efficiency_data import default_efficiency
from planner.sources.models import resolve_model
from planner.sources.profiles import get_profile


def test_ring_allreduce_moves_2_n_minus_1_over_n_of_the_message():
    assert parallel.allreduce_seconds(1e9, 1, 300e9, 50e-6) == 0.0
    assert parallel.allreduce_seconds(1e9, 8, 300e9, 50e-6) == pytest.approx(50e-6 + 1e9 * 14 / 8 / 300e9)
    assert parallel.allreduce_seconds(1e9, 2, 300e9, 0.0) == pytest.approx(1e9 / 300e9)


def test_vllm_uses_its_custom_allreduce_only_on_nvlink_cuda_and_small_messages():
    nv = parallel.TensorParallel.for_vllm(8, "cuda", "nvlink", 300.0, 50e-6)
    assert nv.custom_allreduce
    assert nv.allreduce(16384) == pytest.approx(10e-6 + 16384 * 1.75 / 300e9)
    big = 16 * 1024 * 1024  # beyond the 8 MiB buffer: NCCL
    assert nv.allreduce(big) == pytest.approx(50e-6 + big * 1.75 / 300e9)
    for platform, link, ranks in (("cuda", "pcie", 8), ("rocm", "xgmi", 8), ("cuda", "nvlink", 3)):
        assert not parallel.TensorParallel.for_vllm(ranks, platform, link, 300.0, 50e-6).custom_allreduce
    assert nv.per_forward(4, 8192, 80) == pytest.approx(2 * 80 * nv.allreduce(4 * 8192 * 2))
    assert parallel.TensorParallel.for_vllm(1, "cuda", "nvlink", 300.0, 50e-6).per_forward(4, 8192, 80) == 0.0


@pytest.fixture(scope="module")
def llama8b():
    spec = resolve_model("meta-llama/Llama-3.1-8B-Instruct", offline=True).spec
    hw = Hardware(replace(get_profile("a100-40gb"), interconnect="nvlink", interconnect_gbps=300.0), 2)
    d = speed.check_deployment(spec, hw, speed.Deployment("vllm", dtype="bf16", tensor_parallel_size=2))
    work = speed.work_from_spec(spec, d)
    rates, _, _ = speed.rates_for(hw, speed.features_for(False, hw, d), default_efficiency())
    tp = parallel.TensorParallel.for_vllm(2, "cuda", "nvlink", 300.0, 50e-6)
    return work, rates, tp


def test_a_decode_step_is_the_weight_read_or_the_gemms_plus_layers_and_allreduces(llama8b):
    work, rates, tp = llama8b
    t, kv = parallel.vllm_step_parts(
        work, rates, tp, decode_seqs=4, decode_depth=1000, prompt_tokens=0, prompt_depth=0, quantized=False
    )
    weights = max(work.read_bytes(4) / 2 / rates.bandwidth, 4 * 2 * work.params_active / 2 / rates.batch_compute)
    comm = 2 * work.num_layers * (10e-6 + 4 * work.hidden_size * 2 * 1.0 / 300e9)
    assert t == pytest.approx(weights + work.num_layers * rates.layer_overhead_s + comm)
    assert kv == pytest.approx(4 * work.kv_read_bytes(1000) / 2 / rates.kv_bandwidth)
    # quantized weights add the dequantisation on the vector units; 16-bit weights do not
    tq, _ = parallel.vllm_step_parts(
        work, rates, tp, decode_seqs=4, decode_depth=1000, prompt_tokens=0, prompt_depth=0, quantized=True
    )
    assert tq - t == pytest.approx(2 * work.params_active / 2 * rates.decode_vector_s_per_flop)


def test_a_mixed_step_is_one_forward_over_all_its_tokens(llama8b):
    work, rates, tp = llama8b
    t, _ = parallel.vllm_step_parts(
        work, rates, tp, decode_seqs=48, decode_depth=500, prompt_tokens=2000, prompt_depth=0, quantized=False
    )
    n = 2048
    flops = 2 * work.params_active * n / 2
    gemm = flops * (n + rates.gemm_half_tokens) / (n * rates.compute)
    attn = 2000 * work.attention_flops(1000) / 2 / rates.attention
    comm = tp.per_forward(n, work.hidden_size, work.num_layers)
    assert t == pytest.approx(
        max(work.read_bytes(n) / 2 / rates.bandwidth, gemm) + attn + comm + work.num_layers * rates.layer_overhead_s
    )


def test_marlin_kernels_fuse_the_dequantisation_of_a_prompt_chunk(llama8b):
    # Marlin (vLLM gptq_marlin.py/awq_marlin.py, get_min_capability() = 80) dequantises inside the
    # tensor-core GEMM: docs/methodology.md section 8 "Step times".
    work, rates, tp = llama8b
    kw = dict(decode_seqs=0, decode_depth=0, prompt_tokens=2048, prompt_depth=0, quantized=True)
    vector, _ = parallel.vllm_step_parts(work, rates, tp, **kw)
    fused, _ = parallel.vllm_step_parts(work, rates, tp, fused_dequant=True, **kw)
    plain, _ = parallel.vllm_step_parts(work, rates, tp, **{**kw, "quantized": False})
    assert fused == pytest.approx(plain) and vector > fused
    assert parallel.marlin_fused("cuda", "sm86") and parallel.marlin_fused("cuda", "sm120a")
    assert not parallel.marlin_fused("cuda", "sm75") and not parallel.marlin_fused("rocm", "gfx942")
