"""vLLM lines and memory flags (docs/methodology.md section 3.8)."""

from __future__ import annotations

from dataclasses import replace

import pytest

from planner.core.hardware import Hardware
from planner.engines.vllm import (
    GIB,
    LATEST_RELEASE,
    V1_SAMPLER_BYTES,
    VllmOptions,
    VllmPlan,
    cudagraph_estimate_bytes,
    plan_vllm,
    resolve_version,
    scheduler_defaults,
)
from planner.errors import UsageError
from planner.sources.models import resolve_model
from planner.sources.profiles import get_profile


def _spec(model_id: str):
    return resolve_model(model_id, offline=True).spec


def test_default_line_per_platform():
    # the gfx906 fork is 0.11-based; elsewhere the current line
    assert resolve_version(None, Hardware(get_profile("mi50-16gb"))).name == "0.11"
    assert resolve_version("auto", Hardware(get_profile("h100-sxm"))).name == "0.3x"


@pytest.mark.parametrize(
    ("text", "line"),
    [
        ("0.8.5", "0.8"),
        ("0.9.2", "0.10"),
        ("v0.11.0", "0.11"),
        ("0.15", "0.12"),
        ("0.16", "0.16"),
        ("0.17.0", "0.17"),
        ("0.18", "0.17"),
        ("0.19.0", "0.19"),
        ("0.20", "0.19"),
        ("0.24", "0.2x"),
        ("0.31", "0.3x"),
        ("V0", "v0"),
    ],
)
def test_release_numbers_map_to_their_line(text, line):
    assert resolve_version(text, Hardware(get_profile("h100-sxm"))).name == line


def test_unknown_version_is_a_usage_error():
    with pytest.raises(UsageError):
        resolve_version("banana", Hardware(get_profile("h100-sxm")))


def test_sampler_bytes_per_logit_counted_from_the_source():
    # bf16 logits 2 + fp32 copy 4 + sort values/indices 4+8 + radix double buffers 4+8 + probs 4 + noise 4
    assert V1_SAMPLER_BYTES == 38


def test_budget_uses_the_runtime_total_not_the_nominal_size():
    hw = Hardware(get_profile("h100-sxm"))
    plan = plan_vllm(_spec("meta-llama/Llama-3.1-8B-Instruct"), hw, VllmOptions(vllm_version="0.11"), suggest=False)
    assert plan.memory_total_bytes == hw.profile.memory_runtime_bytes < hw.profile.memory_bytes
    assert plan.requested_bytes == int(hw.profile.memory_runtime_bytes * 0.9)


def test_serve_defaults_follow_the_memory_tiers():
    # arg_utils get_batch_defaults: >= 70 GiB except A100 8192/1024; 0.28 on adds >= 160 GiB 16384/1024 and, in the
    # released 0.28.0-0.33.0 sdists, nothing between 40 and 70 GiB: an L40S keeps 2048/256 (V101, round 9)
    opts = VllmOptions()
    h100, a100, l40s = (Hardware(get_profile(n)) for n in ("h100-sxm", "a100-80gb", "l40s"))
    assert scheduler_defaults(h100, opts, resolve_version("0.11", h100)) == (8192, 1024)
    assert scheduler_defaults(a100, opts, resolve_version("0.11", a100)) == (2048, 256)
    assert scheduler_defaults(l40s, opts, resolve_version("0.11", l40s)) == (2048, 256)
    assert scheduler_defaults(l40s, opts, resolve_version("0.3x", l40s)) == (2048, 256)
    b200 = Hardware(get_profile("b200"))
    assert scheduler_defaults(b200, opts, resolve_version("0.3x", b200)) == (16384, 1024)
    h200 = Hardware(get_profile("h200"))
    assert scheduler_defaults(h200, opts, resolve_version("0.3x", h200)) == (8192, 1024)  # 141 GB < 160 GiB


def test_current_line_subtracts_the_cudagraph_estimate_unless_eager():
    spec, hw = _spec("meta-llama/Llama-3.1-8B-Instruct"), Hardware(get_profile("h100-sxm"))
    # 0.19-0.20 size memory as the current line does (the same Triton sampler) but subtract no graph estimate; one
    # utilization for all three (the lines' defaults differ: 0.9 and 0.92, test_default_utilization_follows_the_release)
    def plan(version: str, **kw) -> VllmPlan:
        opts = VllmOptions(vllm_version=version, max_model_len=16000, gpu_memory_utilization=0.9, **kw)
        return plan_vllm(spec, hw, opts, suggest=False)

    old, new, eager = plan("0.19"), plan("0.3x"), plan("0.3x", enforce_eager=True)
    graphs = cudagraph_estimate_bytes(spec, 2, 1024, 1)
    assert new.cudagraph_bytes == graphs > 0
    assert old.kv_cache_bytes - new.kv_cache_bytes == graphs
    assert eager.kv_cache_bytes == old.kv_cache_bytes and eager.cudagraph_bytes == 0
    assert "--enforce-eager" in eager.flags


def test_default_utilization_follows_the_release():
    # vllm/config/cache.py CacheConfig.gpu_memory_utilization: 0.9 in the 0.19.1 sdist, 0.92 from 0.20.0
    # (engines/vllm.py default_gpu_memory_utilization; logged "Desired GPU memory utilization is (0.92, ...)" by
    # 0.27.1 in tests/data/real-engine-logs.csv round 11). The budget is total x that default.
    spec = _spec("Qwen/Qwen2.5-7B-Instruct")
    rtx, mi50 = Hardware(get_profile("rtx4090")), Hardware(get_profile("mi50-16gb"))
    cases = [
        (rtx, None, 0.92),  # the current line on CUDA
        (mi50, None, 0.9),  # the gfx906 fork, 0.11-based
        (rtx, "0.27.1", 0.92),
        (rtx, "0.19", 0.9),
        (rtx, "0.11", 0.9),
    ]
    for hw, version, util in cases:
        plan = plan_vllm(spec, hw, VllmOptions(vllm_version=version, max_model_len=4096), suggest=False)
        assert plan.gpu_memory_utilization == util, (hw.name, version)
        assert plan.requested_bytes == int(hw.profile.device_total_bytes * util)
        assert "--gpu-memory-utilization" not in plan.flags  # the release's own default is not passed on
    given = plan_vllm(spec, rtx, VllmOptions(max_model_len=4096, gpu_memory_utilization=0.9), suggest=False)
    default = plan_vllm(spec, rtx, VllmOptions(max_model_len=4096), suggest=False)
    assert given.gpu_memory_utilization == 0.9 and "0.9" in given.flags
    assert default.kv_cache_bytes - given.kv_cache_bytes == default.requested_bytes - given.requested_bytes > 0


def test_kv_cache_memory_is_used_as_given():
    spec, hw = _spec("Qwen/Qwen2.5-7B-Instruct"), Hardware(get_profile("mi50-16gb"))
    plan = plan_vllm(spec, hw, VllmOptions(dtype="fp16", max_model_len=4096, kv_cache_memory_bytes=GIB), suggest=False)
    assert plan.kv_cache_bytes == GIB and plan.fits
    assert plan.kv_cache_tokens == GIB // (28 * 2 * 16 * 4 * 128 * 2) * 16
    with pytest.raises(UsageError):
        plan_vllm(spec, hw, VllmOptions(kv_cache_memory_bytes=0), suggest=False)


def test_cpu_offload_moves_weights_to_the_host():
    spec, hw = _spec("Qwen/Qwen2.5-7B-Instruct"), Hardware(get_profile("mi50-16gb"))
    base = plan_vllm(spec, hw, VllmOptions(dtype="fp16"), suggest=False)
    off = plan_vllm(spec, hw, VllmOptions(dtype="fp16", cpu_offload_gb=4), suggest=False)
    assert base.weights_bytes - off.weights_bytes == 4 * GIB
    assert off.kv_cache_bytes - base.kv_cache_bytes == 4 * GIB and off.fits


def test_v0_profiles_the_whole_context_without_chunked_prefill():
    # V0: max_num_batched_tokens = max(max_model_len, 2048); longer contexts cost more activation (vllm#10517)
    spec, hw = _spec("meta-llama/Llama-3.1-8B-Instruct"), Hardware(get_profile("rtx3090"))
    short = plan_vllm(spec, hw, VllmOptions(vllm_version="v0", max_model_len=20000), suggest=False)
    long = plan_vllm(spec, hw, VllmOptions(vllm_version="v0", max_model_len=29000), suggest=False)
    assert short.max_num_batched_tokens == 20000 and long.max_num_batched_tokens == 29000
    assert long.activation_bytes > short.activation_bytes


def test_flashinfer_sampler_bytes_per_logit_counted_from_the_source():
    # top_k_top_p_sampling_from_logits: bf16 logits 2 + fp32 copy 4 + top-k masked logits 4 + probabilities 4
    from planner.engines.vllm import FLASHINFER_SAMPLER_BYTES

    assert FLASHINFER_SAMPLER_BYTES == 14


def test_triton_top_k_top_p_sampler_bytes_per_logit_counted_from_the_source():
    # vllm/v1/sample/ops/topk_topp_triton.py apply_top_k_top_p_triton (PR #33538) masks the fp32 logits in place:
    # bf16 logits 2 + fp32 copy 4 + probabilities 4 + exponential noise 4, no sort buffers
    from planner.engines.vllm import TRITON_SAMPLER_BYTES, VLLM_VERSIONS

    assert TRITON_SAMPLER_BYTES == 14
    assert VLLM_VERSIONS["0.12"].sampler_bytes_per_logit == V1_SAMPLER_BYTES
    lines = ("0.17", "0.19", "0.2x", "0.3x")
    assert all(VLLM_VERSIONS[v].sampler_bytes_per_logit == TRITON_SAMPLER_BYTES for v in lines)


def test_triton_sampler_arrives_in_0_17():
    # The PyPI wheels: vllm 0.17.0 (built 2026-03-06) ships vllm/v1/sample/ops/topk_topp_triton.py and its
    # topk_topp_sampler.apply_top_k_top_p calls apply_top_k_top_p_triton for >= 8 rows; vllm 0.16.0 (2026-02-25)
    # has no such file. llm-d-planner's version sweep (Qwen3-14B, H100, 8192 tokens, 1024 rows of 151936 logits:
    # github.com/llm-d-incubation/llm-d-planner/blob/d3121e059da88662db39a926a3ead964be97359b/accuracy/results/
    # version-sweep/runs/qwen3-14b-vllm-v0-1N-0--h100-80gb--tp1pp1dp1--8192.json) logs an activation peak of
    # 5.64 GiB at 0.15.0 and 0.16.0 and 2.23 GiB at 0.17.0 and 0.18.0.
    spec, hw = _spec("Qwen/Qwen3-14B"), Hardware(get_profile("h100-sxm"))
    opts = VllmOptions(max_model_len=8192, gpu_memory_utilization=0.95)
    peaks = {v: plan_vllm(spec, hw, replace(opts, vllm_version=v), suggest=False).activation_bytes / GIB
             for v in ("0.15.0", "0.16.0", "0.17.0", "0.18.0")}  # fmt: skip
    hidden = 8192 * spec.hidden_size * 2 / GIB
    assert peaks["0.16.0"] == pytest.approx(1024 * spec.vocab_size * 38 / GIB + hidden)
    assert peaks["0.17.0"] == pytest.approx(1024 * spec.vocab_size * 14 / GIB + hidden)
    assert abs(peaks["0.16.0"] - 5.64) / 5.64 < 0.03 and abs(peaks["0.17.0"] - 2.23) / 2.23 < 0.07
    assert peaks["0.15.0"] == peaks["0.16.0"] and peaks["0.18.0"] == peaks["0.17.0"]


def test_triton_sampler_lowers_the_0_19_activation_peak():
    # H100, vLLM 0.19.0, Llama-3.1-8B, 8192 tokens, 1024 rows of 128256 logits: the log gives "torch peak memory
    # increase: 1.89GiB" (github.com/llm-d-incubation/llm-d-planner/blob/d3121e059da88662db39a926a3ead964be97359b/
    # accuracy/results/v0.19.0/logs/meta-llama-llama-3-1-8b---h100-80gb--tp1pp1dp1--8192.log); the sort's 38 B
    # per logit made it 4.71 GiB, the Triton path's 14 B 1.77 GiB (its [132, vocab] fp32 buffer, 0.06 GiB, uncounted)
    spec, hw = _spec("meta-llama/Llama-3.1-8B-Instruct"), Hardware(get_profile("h100-sxm"))
    opts = VllmOptions(max_model_len=8192, gpu_memory_utilization=0.95)
    old, new = (plan_vllm(spec, hw, replace(opts, vllm_version=v), suggest=False) for v in ("0.16", "0.19.0"))
    assert old.activation_bytes / GIB == pytest.approx(4.71, abs=0.01)
    assert new.activation_bytes / GIB == pytest.approx(1.77, abs=0.01)
    assert abs(new.activation_bytes / GIB - 1.89) / 1.89 < 0.07


def test_flashinfer_sampler_lowers_the_activation_peak():
    # A100 80 GB: 2048 tokens, 256 rows (the A100 is held to the smallest tier); Qwen2.5-7B vocab 152064
    spec, hw = _spec("Qwen/Qwen2.5-7B-Instruct"), Hardware(get_profile("a100-80gb"))
    torch_plan, fi_plan = (
        plan_vllm(spec, hw, VllmOptions(vllm_version="0.10", max_model_len=16384, sampler=s), suggest=False)
        for s in ("torch", "flashinfer")
    )
    hidden = 2048 * spec.hidden_size * 2
    assert torch_plan.activation_bytes == 256 * spec.vocab_size * 38 + hidden
    assert fi_plan.activation_bytes == 256 * spec.vocab_size * 14 + hidden
    assert fi_plan.kv_cache_bytes - torch_plan.kv_cache_bytes == 256 * spec.vocab_size * 24
    with pytest.raises(UsageError):
        plan_vllm(spec, hw, VllmOptions(sampler="fast"), suggest=False)


def test_mxfp4_marlin_pads_the_expert_intermediate_size_before_hopper():
    # mxfp4.py create_weights: Marlin (sm8x) needs n % 256 and k % 128; gpt-oss-120b at TP 4: 720 -> 768 per rank,
    # hidden 2880 -> 3072. The log (tests/data/real-engine-logs.csv case V45, A100 80 GB) says 17.2217 GiB.
    from fractions import Fraction

    from planner.engines.vllm import mxfp4_padding_bytes

    spec = _spec("openai/gpt-oss-120b")
    experts = 10**9
    hopper = mxfp4_padding_bytes(spec, experts, spec.quant, "cuda", "sm90", 4)
    ampere = mxfp4_padding_bytes(spec, experts, spec.quant, "cuda", "sm80", 4)
    assert hopper == int(experts * (Fraction(3072, 2880) - 1))
    assert ampere == int(experts * (Fraction(3072, 2880) * Fraction(768, 720) - 1))
    # ROCm (0.10.2, 0.11.0-0.20.1 sdists, mxfp4.py create_weights and fused_moe/layer.py maybe_roundup_hidden_size /
    # oracle/mxfp4.py): hidden 2880 -> 3072, each rank's intermediate size to the release's alignment. At TP 1 the
    # alignments differ: 2880 -> 2944 at 128 (0.10.2; 0.12.0-0.17.0 off gfx950), 2880 -> 3072 at 256 (0.11.0, 0.19.0)
    hidden = Fraction(3072, 2880)
    assert mxfp4_padding_bytes(spec, experts, spec.quant, "rocm", "gfx942", 4, "0.11") == int(
        experts * (hidden * Fraction(768, 720) - 1)
    )
    assert mxfp4_padding_bytes(spec, experts, spec.quant, "rocm", "gfx942", 1, "0.12") == int(
        experts * (hidden * Fraction(2944, 2880) - 1)
    )
    assert mxfp4_padding_bytes(spec, experts, spec.quant, "rocm", "gfx950", 1, "0.12") == int(
        experts * (hidden * Fraction(3072, 2880) - 1)
    )
    assert mxfp4_padding_bytes(spec, experts, spec.quant, "rocm", "gfx942", 1, "0.19") == int(
        experts * (hidden * Fraction(3072, 2880) - 1)
    )
    assert mxfp4_padding_bytes(spec, experts, spec.quant, "rocm", "gfx942", 1, "0.10") == int(
        experts * (hidden * Fraction(2944, 2880) - 1)
    )
    plan = plan_vllm(
        spec, Hardware(get_profile("a100-80gb"), 4), VllmOptions(vllm_version="0.10", tensor_parallel_size=4,
                                                               max_model_len=16384, gpu_memory_utilization=0.8),
        suggest=False,
    )
    # The weights also hold gpt-oss's rope cos/sin cache (docs/methodology.md 3.1: models/gpt_oss.py passes
    # dtype=torch.float32, YaRN original 4096 x factor 32 rows x 64 x 4 B = 32 MiB), planned separately: the plan is
    # 17.252 GiB, 0.030 GiB (+0.18%) over the log, while the parameters and their padding alone meet it within 0.001
    # GiB (tests/data/real-engine-logs.md, "Round 5 follow-up, rope cache": V45 weights -0.0% -> +0.2%).
    assert plan.rope_cache_bytes == 4096 * 32 * 64 * 4
    assert abs((plan.weights_bytes - plan.rope_cache_bytes) / GIB - 17.2217) <= 0.02


def test_auto_plans_the_latest_release_off_gfx906():
    # --vllm-version auto (or latest) off gfx906 plans LATEST_RELEASE's rules: Model Runner V2 for every model and
    # its CUDA-graph estimate (0.29 on), the 0.92 default; on gfx906 the fork's 0.11 line (0.9, V1 runner)
    spec = _spec("Qwen/Qwen2.5-7B-Instruct")
    rtx, mi50 = Hardware(get_profile("rtx4090")), Hardware(get_profile("mi50-16gb"))
    auto = plan_vllm(spec, rtx, VllmOptions(max_model_len=8192), suggest=False)
    latest = plan_vllm(spec, rtx, VllmOptions(max_model_len=8192, vllm_version="latest"), suggest=False)
    pinned = plan_vllm(spec, rtx, VllmOptions(max_model_len=8192, vllm_version=LATEST_RELEASE), suggest=False)
    assert auto.kv_cache_bytes == latest.kv_cache_bytes == pinned.kv_cache_bytes and auto.cudagraph_bytes > 0
    line = plan_vllm(spec, rtx, VllmOptions(max_model_len=8192, vllm_version="0.3x"), suggest=False)
    assert line.kv_cache_bytes != auto.kv_cache_bytes  # a bare line plans the V1 runner, as before
    fork = plan_vllm(spec, mi50, VllmOptions(dtype="float16", max_model_len=4096), suggest=False)
    assert fork.vllm_version == "0.11" and fork.gpu_memory_utilization == 0.9


def test_cold_compile_note_on_the_compiling_lines_only():
    # round 11 of tests/data/real-engine-logs.md: a boot without a compile cache logs a higher activation peak
    spec = _spec("Qwen/Qwen2.5-7B-Instruct")
    rtx = Hardware(get_profile("rtx4090"))

    def noted(**kw) -> bool:
        plan = plan_vllm(spec, rtx, VllmOptions(max_model_len=8192, **kw), suggest=False)
        return any("torch.compile" in n for n in plan.notes)

    assert noted() and noted(vllm_version="0.27.1")
    assert not noted(enforce_eager=True) and not noted(vllm_version="0.11")
    assert not noted(kv_cache_memory_bytes=4 * 2**30)  # an absolute KV budget does not depend on the profile
    note = next(n for n in plan_vllm(spec, rtx, VllmOptions(max_model_len=8192), suggest=False).notes if "compile" in n)
    assert "#54122" in note and "warm" in note  # the upstream issue, and which start the plan is


def test_the_llm_class_takes_its_own_batch_defaults():
    # vllm/engine/arg_utils.py get_batch_defaults: UsageContext.LLM_CLASS 8192 tokens below 70 GiB (serve: 2048),
    # 16384 at 70 GiB and more but on an A100 (serve: 8192); the same seqs. V117, V124 and V146 (offline LLM(...)
    # starts on smaller cards) log "Chunked prefill is enabled with max_num_batched_tokens=8192".
    small, big, a100 = (Hardware(get_profile(n), 1) for n in ("rtx3090", "h100-sxm", "a100-80gb"))
    for version in ("0.11", "0.2x", "0.3x"):
        serve, llm = VllmOptions(vllm_version=version), VllmOptions(vllm_version=version, entrypoint="llm")
        assert scheduler_defaults(small, serve)[0] == 2048 and scheduler_defaults(small, llm) == (8192, 256)
        assert scheduler_defaults(big, llm) == (16384, 1024)
        assert scheduler_defaults(a100, llm) == (8192, 256)
    # a larger profile run: less KV, all else equal
    spec = _spec("Qwen/Qwen2.5-7B-Instruct")
    serve = plan_vllm(spec, small, VllmOptions(max_model_len=4096), suggest=False)
    llm = plan_vllm(spec, small, VllmOptions(max_model_len=4096, entrypoint="llm"), suggest=False)
    assert llm.max_num_batched_tokens == 8192 and llm.kv_cache_bytes < serve.kv_cache_bytes
    with pytest.raises(UsageError):
        plan_vllm(spec, small, VllmOptions(entrypoint="server"))


def test_the_llm_class_launch_is_a_python_call(run_json):
    out = run_json(
        "fit", "Qwen/Qwen2.5-1.5B-Instruct", "--engine", "vllm", "--max-model-len", "4096", "--enforce-eager",
        "--no-enable-prefix-caching", "--vllm-entrypoint", "llm", "--offline",
    )  # fmt: skip
    plan = out["plans"][0]
    assert plan["entrypoint"] == "llm"
    assert plan["launch"][-1] == (
        "python -c \"from vllm import LLM; llm = LLM(model='Qwen/Qwen2.5-1.5B-Instruct', max_model_len=4096, "
        'enforce_eager=True, enable_prefix_caching=False)"'
    )


def test_the_allreduce_fusion_workspace_is_planned_from_0_16():
    # vllm#34299 ("Enable AR+rms fusion by default", merged 2026-02-11) turns the all-reduce + RMSNorm fusion on at -O2
    # before 0.16.0; V155 (a 0.16.0rc2 nightly at TP 4 on H100) logs it. So the FlashInfer workspace (3 x 512 MiB of
    # multicast-granular memory per rank on an H100 SXM node) is planned on the 0.16, 0.17 and 0.19 lines, not on 0.12.
    from planner.engines.vllm import VLLM_VERSIONS, fi_allreduce_workspace_bytes, version_key

    spec = _spec("Qwen/Qwen2.5-72B-Instruct")
    hw = Hardware(get_profile("h100-sxm"), 4)
    got = {v: fi_allreduce_workspace_bytes(VLLM_VERSIONS[v], hw, spec, 2, 8192, 4, 1, False) for v in VLLM_VERSIONS}
    assert got["0.12"] == 0 and got["0.11"] == 0
    assert got["0.16"] == got["0.17"] == got["0.19"] >= 3 * 512 * 1024**2
    assert version_key("0.16.0rc2.dev305+g23210a911") == "0.16" and version_key("0.15.1") == "0.12"


def test_an_install_without_triton_kernels_runs_mxfp4_experts_on_marlin():
    # vLLM 0.11.0 wheel, quantization/mxfp4.py: get_mxfp4_backend falls to Marlin on Hopper `if not
    # has_triton_kernels()` (no pip requirement brings the package), and create_weights pads for Marlin: intermediate
    # 2880 -> 2944 (round_up 128), hidden 2880 -> 3072. Logged: gpt-oss-120b on an H100 loads 65.97 GiB under Marlin
    # (tests/data/real-engine-logs.csv V96, vllm#23278) and 64.38 GiB under Triton (V02, llm-d's table).
    spec = _spec("openai/gpt-oss-120b")
    hw = Hardware(get_profile("h100-sxm"), 1)
    opts = VllmOptions(vllm_version="0.11", gpu_memory_utilization=0.95, max_num_batched_tokens=1024)
    triton = plan_vllm(spec, hw, opts, suggest=False)
    marlin = plan_vllm(spec, hw, replace(opts, mxfp4_backend="marlin"), suggest=False)
    gib = 2**30
    # the Marlin layout's extra intermediate padding on the experts: 1.3-1.6 GiB (logged difference 1.59 GiB)
    assert 1.3 * gib <= marlin.weights_bytes - triton.weights_bytes <= 1.6 * gib
    assert marlin.kv_cache_bytes == triton.kv_cache_bytes - (marlin.weights_bytes - triton.weights_bytes)
    # the auto plan says what a pip install would load; the Marlin plan does not repeat it
    assert any("triton_kernels" in n and "GiB more weights" in n for n in triton.notes)
    assert not any("triton_kernels" in n for n in marlin.notes)
    # before Hopper every install runs Marlin: the option changes nothing there, and no note is needed
    ada = Hardware(get_profile("rtx4090"), 1)
    small = _spec("openai/gpt-oss-20b")
    auto_ada = plan_vllm(small, ada, VllmOptions(vllm_version="0.11"), suggest=False)
    marlin_ada = plan_vllm(small, ada, VllmOptions(vllm_version="0.11", mxfp4_backend="marlin"), suggest=False)
    assert auto_ada.weights_bytes == marlin_ada.weights_bytes
    assert not any("triton_kernels" in n for n in auto_ada.notes)
    with pytest.raises(UsageError):
        plan_vllm(spec, hw, replace(opts, mxfp4_backend="cutlass"), suggest=False)
