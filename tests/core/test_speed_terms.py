"""The speed model's newer physics terms (docs/methodology.md section 5) and the held-out published set.

- pipeline-parallel prefill over a llama.cpp layer split (src/llama-context.cpp `pipeline_parallel`,
  GGML_SCHED_MAX_COPIES = 4): the micro-batches of one logical batch flow through the devices together;
- an MoE expert's GEMM sees only the n k / E tokens routed to it, and an MoE layer's fixed cost grows
  with the experts a token routes to;
- scripts/data/llamabench-heldout.csv: published results never fitted, each with its URL.
"""

from __future__ import annotations

import statistics
import sys
from dataclasses import replace
from pathlib import Path

import pytest

from planner.core.hardware import Hardware
from planner.core.speed import Deployment, pipeline_factor, predict, work_from_totals
from planner.sources.efficiency_data import default_efficiency
from planner.sources.models import resolve_model
from planner.sources.profiles import get_profile

ROOT = Path(__file__).resolve().parents[2]
GIB = 2**30
EFF = default_efficiency()


def test_pipeline_factor_is_the_pipeline_schedule():
    # m micro-batches over S stages, at most 4 in flight: (S - 1)/S + m/S micro-batch times, over m.
    assert pipeline_factor(1, 4) == 1.0 and pipeline_factor(4, 1) == 1.0
    assert pipeline_factor(4, 4) == pytest.approx((3 / 4 + 4 / 4) / 4)  # 1.75 of 4: 2.29x faster
    assert pipeline_factor(4, 2) == pytest.approx((1 / 2 + 4 / 2) / 4)
    assert pipeline_factor(8, 8) == pytest.approx((7 / 8 + 8 / 4) / 8)  # copies bound it at 4 in flight


def test_layer_split_prefill_is_faster_per_token_for_long_prompts_only():
    # The A100 PCIe x4 rows of llamabench-public.csv (XiongjieDai, Llama-3-8B Q4_K_M): pp512 6077 t/s,
    # pp4096 12725 t/s. pp512 is one micro-batch (no pipeline); pp4096 runs batches of 2048 = 4 of 512.
    spec = resolve_model("meta-llama/Llama-3.1-8B-Instruct", offline=True).spec
    hw = Hardware(get_profile("a100-80gb-pcie"), 4)
    d = Deployment("llamacpp", "cuda", quant="Q4_K_M", layer_split=4)
    one = replace(d, layer_split=1)
    short = predict(spec, hw, d, 512, 1, efficiency=EFF).prefill_tokens_per_s
    long = predict(spec, hw, d, 4096, 1, efficiency=EFF).prefill_tokens_per_s
    long_one = predict(spec, hw, one, 4096, 1, efficiency=EFF).prefill_tokens_per_s
    assert long > 1.5 * short  # measured 2.09x
    assert long > 1.5 * long_one  # the pipeline, not the prompt length, makes the gain


def test_ollama_batches_of_512_do_not_pipeline():
    # Ollama's num_batch is 512 (api/types.go): one micro-batch per batch, nothing to overlap.
    spec = resolve_model("meta-llama/Llama-3.1-8B-Instruct", offline=True).spec
    hw = Hardware(get_profile("rtx3090"), 2)
    split = predict(spec, hw, Deployment("ollama", "cuda", quant="Q4_K_M", layer_split=2), 4096, 1, efficiency=EFF)
    single = predict(spec, hw, Deployment("ollama", "cuda", quant="Q4_K_M"), 4096, 1, efficiency=EFF)
    assert split.prefill_tokens_per_s <= single.prefill_tokens_per_s


def test_moe_prefill_gemms_see_few_tokens_per_expert():
    # Same active parameters and bytes read per token: the MoE's expert GEMMs see 512 x 8 / 128 = 32
    # tokens each instead of 512, so its prefill is slower than the dense model's.
    spec = resolve_model("Qwen/Qwen3-8B", offline=True).spec
    size = int(17 * GIB)
    dense = work_from_totals(size, 30_500_000_000, spec=spec)
    moe = work_from_totals(size, 30_500_000_000, 3_300_000_000, num_experts=128, experts_per_token=8, spec=spec)
    dense = replace(dense, params_active=moe.params_active)
    d = Deployment("llamacpp", "cuda", quant="Q4_K_M")
    hw = Hardware(get_profile("rtx4090"))
    p_dense = predict(spec, hw, d, 512, 1, work=dense, efficiency=EFF).prefill_tokens_per_s
    p_moe = predict(spec, hw, d, 512, 1, work=moe, efficiency=EFF).prefill_tokens_per_s
    assert moe.tokens_per_expert(512) == 32
    assert p_moe < p_dense


def test_an_moe_layer_costs_more_fixed_time_than_a_dense_one():
    spec = resolve_model("Qwen/Qwen3-8B", offline=True).spec
    d = Deployment("llamacpp", "rocm", quant="Q4_K_M")
    hw = Hardware(get_profile("mi50-32gb"))
    size = int(17 * GIB)
    moe = work_from_totals(size, 30_500_000_000, 3_300_000_000, num_experts=128, experts_per_token=8, spec=spec)
    # the same bytes read per token, all of them dense
    dense = replace(moe, read_dense_bytes=moe.read_bytes(1), expert_bytes=0, num_experts=0, experts_per_token=0)
    slow = predict(spec, hw, d, 1, 64, work=moe, efficiency=EFF).decode_tokens_per_s
    fast = predict(spec, hw, d, 1, 64, work=dense, efficiency=EFF).decode_tokens_per_s
    assert EFF.moe_layer_overhead > 0 and slow < fast


def test_the_shipped_model_on_published_results_it_never_saw():
    # scripts/data/llamabench-heldout.csv: rows from pages outside llamabench-public.csv, each with its
    # URL, never read by scripts/fit_efficiency.py. A regression guard on the figures that
    # scripts/heldout_benchmarks.py prints (docs/methodology.md section 5): medians well inside 2x.
    pytest.importorskip("torch")
    sys.path.insert(0, str(ROOT / "scripts"))
    import heldout_benchmarks

    res = heldout_benchmarks.results()
    assert len({x["row"].source for x in res}) >= 10
    for kind, limit in (("decode", 0.25), ("prefill", 0.50)):
        errors = [abs(x["pred"] / x["measured"] - 1) for x in res if x["kind"] == kind]
        assert errors and statistics.median(errors) <= limit, (kind, sorted(errors))
    assert sum(x["covered"] for x in res) >= 0.6 * len(res)


# ---- where the prefill GEMMs run: matrix units or vector ALUs (efficiency.gemm_units) ----------------


def _units(name: str, backend: str) -> str:
    from planner.core.efficiency import gemm_units

    p = get_profile(name)
    return gemm_units(p.arch, p.platform, backend, p.matrix_units)


def test_gemms_run_on_the_matrix_units_only_where_the_backend_uses_them():
    # ggml-vulkan.cpp ggml_vk_khr_cooperative_matrix_support(): Intel only INTEL_XE2 ("older hardware
    # (ex. Arc A770) has performance regressions", llama.cpp PR #14001); NVIDIA's driver everywhere.
    assert _units("arc-a770", "vulkan") == "vector"
    assert _units("arc-b580", "vulkan") == "matrix"
    assert _units("arc-a770", "sycl") == "matrix"  # oneDNN / oneMKL GEMMs on XMX
    assert _units("rtx4090", "vulkan") == "matrix"
    # No matrix units at all: GCN5 (MI50), Apple M1-M4, Meteor Lake's Xe-LPG, and TU116 (GTX 1660:
    # sm75 without tensor cores, its profile says so; llama.cpp #15233)
    for name, backend in (("mi50-32gb", "rocm"), ("apple-m2-max", "metal"), ("intel-arc-meteorlake", "vulkan")):
        assert _units(name, backend) == "vector", name
    assert get_profile("gtx1660").matrix_units == "none" and _units("gtx1660", "cuda") == "vector"
    assert _units("rtx2070super", "cuda") == "matrix"  # Turing with tensor cores


def test_a_backend_that_leaves_the_matrix_units_unused_is_measured_against_the_vector_rate():
    from planner.core.speed import features_for, peak_flops

    a770 = Hardware(get_profile("arc-a770"), 1)
    vulkan = features_for(False, a770, Deployment("llamacpp", "vulkan", quant="Q4_0"))
    sycl = features_for(False, a770, Deployment("llamacpp", "sycl", quant="Q4_0"))
    # packed FP16 on the vector engines: 2 x the 19.7 FP32 TFLOPS; XMX: the profile's 138 FP16 TFLOPS
    assert peak_flops(a770, vulkan.units) == pytest.approx(2 * 19.7e12)
    assert peak_flops(a770, sycl.units) == pytest.approx(138e12)
    # a chip without matrix units keeps its own best rate (GTX 1660: packed FP16 10.1 TFLOPS)
    gtx = Hardware(get_profile("gtx1660"), 1)
    assert peak_flops(gtx, "vector") == pytest.approx(10.1e12)
    # the prefill levels name the vector path; decode (a weight read) does not change
    assert "compute:vector" in vulkan.keys("prefill") and "arch:xe-hpg-vector" in vulkan.keys("prefill")
    assert "compute:vector" not in sycl.keys("prefill") and "arch:xe-hpg" in sycl.keys("prefill")
    assert "arch:xe-hpg" in vulkan.keys("decode") and not any(k.startswith("compute") for k in vulkan.keys("decode"))


def test_a_profile_names_only_known_matrix_units():
    from planner.core.hardware import ProfileInvalid, profile_from_dict

    data = {
        "name": "x", "display_name": "X", "vendor": "nvidia", "arch": "sm75", "platform": "cuda",
        "memory_bytes": 6 * 10**9, "bandwidth_gbps": 192.0, "peak_tflops": {"fp16": 10.1, "fp32": 5.0},
        "supported_dtypes": ["fp16"], "sources": ["test"],
    }  # fmt: skip
    assert profile_from_dict({**data, "matrix_units": "none"}).matrix_units == "none"
    assert profile_from_dict(data).matrix_units == ""
    with pytest.raises(ProfileInvalid):
        profile_from_dict({**data, "matrix_units": "tensor-cores"})


def test_rows_of_llama_cpp_forks_are_left_out_by_a_stated_rule():
    # IPEX-LLM's SYCL build and fork branches run other kernels than ggml-org/llama.cpp
    # (scripts/public_common.FORK); the rule names its reason and the count is reported.
    pytest.importorskip("torch")
    sys.path.insert(0, str(ROOT / "scripts"))
    import public_common

    rows, skipped = public_common.load_public()
    assert skipped["a fork of llama.cpp (its own kernels, not ggml-org's)"] == 10
    assert not any(r.backend == "SYCL" for r in rows if r.group == "arc-b580")  # all six are IPEX-LLM


def test_amd_wave64_generations_share_a_decode_level():
    # ggml-cuda common.cuh ggml_cuda_get_physical_warp_size(): 64 on GFX8/GFX9 (GCN, CDNA), 32 elsewhere;
    # the matrix-vector kernels differ, so GCN5 (MI50) and CDNA3 (MI300X) share a decode level and RDNA
    # does not; prefill is left to the matrix/vector split.
    from planner.core.speed import features_for

    def keys(name, kind):
        d = Deployment("llamacpp", "rocm", quant="Q4_0")
        return features_for(False, Hardware(get_profile(name), 1), d).keys(kind)

    assert "wave:64" in keys("mi50-32gb", "decode") and "wave:64" in keys("mi300x", "decode")
    assert "wave:64" not in keys("rx7900xtx", "decode") and "wave:64" not in keys("mi50-32gb", "prefill")
    assert "wave:64" in EFF.decode["levels"]  # fitted: the shipped model has it
