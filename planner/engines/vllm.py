"""How vLLM V1 (0.11) sizes GPU memory, and the errors it raises. Pure.

Follows vllm/v1/worker/gpu_worker.py (determine_available_memory), vllm/utils memory_profiling,
vllm/v1/core/kv_cache_utils.py and vllm/v1/kv_cache_interface.py. docs/methodology.md section 3
derives the reference MI50 numbers step by step with these functions.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field, replace
from fractions import Fraction

from planner.core.hardware import Hardware, cuda_capability
from planner.core.precision import (
    DTYPE_BYTES,
    INT4_GPTQ,
    canonical_dtype,
    pipeline_stages,
    vllm_cannot_run,
    weight_bytes,
)
from planner.core.rope import Rope
from planner.core.spec import FULL, LINEAR, SLIDING, ModelSpec, QuantConfig, ceil_div
from planner.engines.base import EnginePlan, Suggestion
from planner.engines.vllm_multimodal import encoder_profile, vision_weight_bytes
from planner.errors import UsageError

GIB = 2**30
MIB = 2**20

# "Model loading took" on ROCm is the device-wide used-memory delta (vllm/platforms/rocm.py); on CUDA it is torch's
# allocated bytes. On ROCm the reference MI50 runs' figure sits 0.16-0.19 GiB (0.175 the middle) above the raw
# parameter bytes (engine-facts.md section 1; docs/methodology.md section 3.4). That gap holds their rope cos/sin cache
# (Qwen2.5-1.5B and 7B: 32768 positions x 128 x fp16 = 8 MiB, rope_cache_bytes), now planned on its own, so the
# platform's part is 0.175 GiB - 8 MiB.
LOAD_OVERHEAD_BYTES = {"rocm": int(0.175 * GIB) - 8 * MIB, "cuda": 0}
# What the runtime itself holds before vLLM starts (context, kernels): free memory at start-up is
# total minus this. Used for the start-up check only.
CONTEXT_BYTES = {"rocm": int(0.30 * GIB), "cuda": int(0.50 * GIB)}


@dataclass(frozen=True)
class VllmVersion:
    """How one vLLM release line sizes memory (docs/methodology.md section 3.8 traces each to its source)."""

    name: str
    label: str
    v1: bool  # the V1 engine (vllm/v1/worker/gpu_worker.py) rather than V0 (vllm/worker/worker.py)
    # Bytes per logit element alive at the peak of the profile run's sampler; rows x vocab of them.
    sampler_bytes_per_logit: int
    # Memory outside torch's allocator that determine_available_memory subtracts, at tensor parallel 1,
    # and what tensor parallel > 1 adds (NCCL communicators, custom all-reduce buffers).
    non_torch_bytes: int
    non_torch_tp_bytes: int
    # Whether an estimate of the CUDA-graph pool is subtracted from the KV budget before allocation.
    subtracts_cudagraphs: bool
    # `vllm serve` defaults (vllm/engine/arg_utils.py get_batch_defaults): (minimum device GiB, tokens, seqs),
    # largest first; the A100 is held to the smallest tier ("a100" not in device_name, PR #17885).
    batch_tiers: tuple[tuple[int, int, int], ...] = ((0, 2048, 256),)
    # Whether the profile run creates FlashInfer's all-reduce + RMSNorm fusion workspace from multicast-granular
    # symmetric device memory at TP 2/4/8 on Hopper with NVSwitch (fi_allreduce_workspace_bytes).
    fi_allreduce_workspace: bool = False
    # Whether unquantized fused-MoE layers keep their scratch buffers in the worker's persistent WorkspaceManager
    # (vllm/v1/worker/workspace.py), alive beside the sampler (moe_workspace_bytes); the token chunk it is sized on
    # (VLLM_FUSED_MOE_CHUNK_SIZE), 0 when the modular kernel does not chunk.
    moe_workspace: bool = False
    moe_chunk_tokens: int = 0
    # Whether the hybrid KV cache groups of sliding-window and full layers use max(counts) as the group size when
    # the larger count is under 1.5x the smaller (kv_cache_utils._get_kv_cache_groups_uniform_page_size, 0.18+).
    group_size_heuristic: bool = False
    # Whether the profile run widens each dummy multimodal encoder output to (encoder budget, hidden) before caching
    # it (gpu_model_runner.profile_run in the 0.11.0 sdist; gone in 0.17.0-0.19.0; 0.8-0.10 and 0.12-0.16 not traced).
    mm_widen_encoder_outputs: bool = False


# The profile run's sampler (V1 gpu_model_runner._dummy_sampler_run, vllm/v1/sample/sampler.py and
# ops/topk_topp_sampler.py forward_native) holds, per logit element: the model's bf16/fp16 logits (2),
# their fp32 copy (4), torch.sort's values and int64 indices (4 + 8) with the radix sort's double
# buffers (4 + 8), the softmax probabilities (4) and the exponential noise q of random_sample (4): 38 B.
V1_SAMPLER_BYTES = 2 + 4 + (4 + 8) + (4 + 8) + 4 + 4
# With FlashInfer installed ("Using FlashInfer for top-p & top-k sampling" in the log; VLLM_USE_FLASHINFER_SAMPLER
# not 0) the sampler calls flashinfer.sampling.top_k_top_p_sampling_from_logits (ops/topk_topp_sampler.py
# forward_cuda): no sort; alive at its peak are the bf16/fp16 logits (2), their fp32 copy (4), the top-k masked
# logits (4) and their softmax probabilities (4): 14 B.
FLASHINFER_SAMPLER_BYTES = 2 + 4 + 4 + 4
# From the release that ships PR #33538 (vllm/v1/sample/ops/topk_topp_triton.py), the native path's
# apply_top_k_top_p calls apply_top_k_top_p_triton when Triton is present: no sort; the kernel masks the fp32
# logits in place with a cached [num SMs, vocab] fp32 buffer. Alive at the peak: the bf16/fp16 logits (2), their
# fp32 copy (4), the softmax probabilities (4) and the exponential noise q of random_sample (4): 14 B. The
# buffer (132 SMs x vocab x 4 B on an H100, about 0.06 GiB for a 128k vocabulary) is not counted: the profiles
# carry no SM count. The first release with it is 0.17.0: the PyPI wheel of vllm 0.17.0 (built 2026-03-06) ships
# vllm/v1/sample/ops/topk_topp_triton.py and its topk_topp_sampler.apply_top_k_top_p calls it for >= 8 rows
# (`if HAS_TRITON and logits.shape[0] >= 8`); the 0.16.0 wheel (2026-02-25) has no such file and sorts.
TRITON_SAMPLER_BYTES = 2 + 4 + 4 + 4
SAMPLERS = ("torch", "flashinfer")
# V0 (vllm/worker/model_runner.py profile_run) keeps the fp32 logits of its dummy sequences.
V0_SAMPLER_BYTES = 4
NT_TP1, NT_TP = int(0.13 * GIB), int(0.41 * GIB)  # non-torch increase, logged on H100 (llm-d 0.11 logs)
TIERS_70 = ((70, 8192, 1024), (0, 2048, 256))
# arg_utils get_batch_defaults, UsageContext.LLM_CLASS (the offline `LLM(...)` class): 16384 / 1024 at >= 70 GiB (not
# an A100), else 8192 / 256. The logs agree: V117, V124 and V146 (offline LLM class on < 70 GiB cards) each log
# "Chunked prefill is enabled with max_num_batched_tokens=8192". The >= 160 GiB server tier of 0.28 on has no traced
# LLM-class counterpart here; such a card is planned at the 70 GiB tier's 16384 (a plan note says so).
LLM_CLASS_TIERS = ((70, 16384, 1024), (0, 8192, 256))
# 0.28 on: arg_utils get_batch_defaults adds a >= 160 GiB tier (16384 tokens, 1024 seqs). The released sdists
# 0.28.0, 0.29.0, 0.31.0 and 0.33.0 (PyPI) have no 40-70 GiB tier: below 70 GiB (and on an A100) `vllm serve`
# keeps 2048 tokens and 256 seqs (a "balanced" 4096 / 512 tier read earlier from an unreleased arg_utils is in
# none of them; round 9, V101).
TIERS_LATEST = ((160, 16384, 1024), (70, 8192, 1024), (0, 2048, 256))
VLLM_VERSIONS: dict[str, VllmVersion] = {
    v.name: v
    for v in (
        # V0 engine: vllm/worker/worker.py determine_num_available_blocks with vllm/utils memory_profiling
        # (0.6.5+): non-torch measured from the process start; logged 0.35 GiB on an RTX 3090 (vllm#10517).
        VllmVersion(
            "v0",
            "V0 engine (0.6-0.10 with VLLM_USE_V1=0)",
            False,
            V0_SAMPLER_BYTES,
            int(0.35 * GIB),
            int(0.40 * GIB),
            False,
        ),
        # V1 0.8.0-0.9.1: gpu_worker.determine_available_memory adds every non-torch byte on the device after
        # the profile run (mem_get_info used minus torch allocated), the CUDA context included.
        VllmVersion("0.8", "V1 0.8.0-0.9.1", True, V1_SAMPLER_BYTES, int(0.40 * GIB), int(0.40 * GIB), False),
        # V1 0.9.2-0.11 (PR #19312 reuses memory_profiling): only the non-torch increase since the worker's init
        # snapshot counts: logged 0.13-0.14 GiB on H100 at TP 1 and 0.54-0.55 GiB at TP 2 (llm-d logs).
        VllmVersion("0.10", "V1 0.9.2-0.10.x", True, V1_SAMPLER_BYTES, NT_TP1, NT_TP, False, TIERS_70),
        VllmVersion(
            "0.11",
            "V1 0.11.x (the gfx906 fork nlzy/vllm-gfx906 is 0.11-based)",
            True,
            V1_SAMPLER_BYTES,
            NT_TP1,
            NT_TP,
            False,
            TIERS_70,
            mm_widen_encoder_outputs=True,
        ),
        # 0.12-0.20: CUDA-graph memory profiling exists from PR #30515 but is off by default.
        VllmVersion("0.12", "V1 0.12-0.15", True, V1_SAMPLER_BYTES, NT_TP1, NT_TP, False, TIERS_70),
        # 0.16: the same, with the all-reduce + RMSNorm fusion on by default at -O2 (vllm#34299, merged 2026-02-11:
        # "Enable AR+rms fusion by default"), so FlashInfer's fusion workspace at TP > 1 on Hopper with NVSwitch
        # (fi_allreduce_workspace_bytes; V155, a 0.16.0rc2 nightly at TP 4, logs "fuse_allreduce_rms": True and the
        # SymmDeviceMemory workspaces).
        VllmVersion("0.16", "V1 0.16", True, V1_SAMPLER_BYTES, NT_TP1, NT_TP, False, TIERS_70, True),
        # 0.17-0.18: the same, with the sort-free Triton top-k/top-p in the native sampler (TRITON_SAMPLER_BYTES),
        # and the fused-MoE workspace in the WorkspaceManager (the 0.17.0 sdist chunks it at 16384 tokens).
        VllmVersion(
            "0.17", "V1 0.17-0.18", True, TRITON_SAMPLER_BYTES, NT_TP1, NT_TP, False, TIERS_70, True,
            moe_workspace=True, moe_chunk_tokens=16384,
        ),
        # 0.19-0.20: the same, with the sort-free Triton top-k/top-p in the native sampler (TRITON_SAMPLER_BYTES),
        # and at TP > 1 on Hopper with NVSwitch the FlashInfer all-reduce fusion workspace (flashinfer 0.6.6 and
        # 0.6.8.post1, the pins of 0.19.0 and 0.20.0: fi_allreduce_workspace_bytes); the MoE workspace unchunked.
        VllmVersion(
            "0.19", "V1 0.19-0.20", True, TRITON_SAMPLER_BYTES, NT_TP1, NT_TP, False, TIERS_70, True,
            moe_workspace=True, group_size_heuristic=True,
        ),
        # 0.21 on: gpu_worker.determine_available_memory also subtracts model_runner.profile_cudagraph_memory()
        # ("CUDA graph memory profiling is enabled (default since v0.21.0)" in its log) unless --enforce-eager.
        VllmVersion(
            "0.2x", "V1 0.21-0.27", True, TRITON_SAMPLER_BYTES, NT_TP1, NT_TP, True, TIERS_70,
            moe_workspace=True, group_size_heuristic=True,
        ),
        VllmVersion(
            "0.3x", "V1 0.28 and later (current)", True, TRITON_SAMPLER_BYTES, NT_TP1, NT_TP, True, TIERS_LATEST,
            moe_workspace=True, group_size_heuristic=True,
        ),
    )
}
# FlashInfer all-reduce + RMSNorm fusion workspace (vLLM 0.19-0.20, docs/methodology.md section 3.8).
# vllm/config/vllm.py enable_allreduce_rms_fusion turns the fusion on in the default -O2 when TP > 1, the device is
# capability 9.0 or 10.x, FlashInfer is installed and DP = PP = 1; --enforce-eager turns torch.compile (and so the
# pass) off. compilation/passes/fusion/allreduce_rms_fusion.py sizes max_token_num as
# FI_ALLREDUCE_FUSION_MAX_SIZE_MB[capability][tp] / (hidden x dtype bytes), capped at max_num_batched_tokens, and
# creates the workspace while the profile run compiles, so memory_profiling counts it as non-torch (the logs:
# "Initialized FlashInfer All Reduce workspace: backend=trtllm, world_size=2, ..., max_token_num=8192").
FI_ALLREDUCE_FUSION_MAX_MB_SM90 = {2: 64.0, 4: 2.0, 8: 0.5}
# flashinfer comm/trtllm_ar.py trtllm_create_ipc_workspace_for_all_reduce_fusion (0.6.6 and 0.6.8.post1) allocates
# three buffers, [tp*T*H*2, tp*256*4, 3*tp*T*H*2] (data, barrier flags, Lamport), each rounded up to 2 MiB, as
# SymmDeviceMemory (comm/mnnvl.py _get_allocation_prop): size + the 2048 B signal pad rounded up to the allocation
# granularity, then to cuMulticastGetGranularity(CU_MULTICAST_GRANULARITY_RECOMMENDED), even with multicast off.
FI_SIGNAL_PAD_BYTES = 2048
FI_ALIGN_BYTES = 2 * 1024**2
# The recommended multicast granularity on an 8 x H100 SXM node with NVSwitch: 512 MiB (MINIMUM 2 MiB; measured with
# driver 570.211.01 in github.com/gabrieldemarmiesse/torch-mojo-backend agents_docs/mojo_collectives_nvls_results.md
# section 1). So the three buffers take 3 x 512 MiB whatever the model, at TP 2 as at TP 4, as the 0.19.0 logs show
# (2.06-2.11 GiB non-torch at TP 2 for hidden sizes 2048-8192, 2.13-2.21 at TP 4, where 0.11 logged 0.54). Without
# multicast (PCIe, NVLink bridges) the allocation fails and vLLM runs without the fusion ("expected on GPUs without
# NVSwitch", vllm/distributed/device_communicators/flashinfer_all_reduce.py).
MULTICAST_GRANULARITY_SM90 = 512 * 1024**2


def _round_up(value: int, step: int) -> int:
    return -(-value // step) * step


def fi_allreduce_workspace_bytes(
    version: VllmVersion, hw: Hardware, spec: ModelSpec, act_bytes: int, batched: int, tp: int, pp: int, eager: bool
) -> int:
    """Per-rank device memory of FlashInfer's all-reduce fusion workspace, created in the profile run (0 if none)."""
    if not version.fi_allreduce_workspace or eager or pp > 1 or tp not in FI_ALLREDUCE_FUSION_MAX_MB_SM90:
        return 0
    if hw.profile.platform != "cuda" or hw.profile.arch != "sm90" or hw.profile.interconnect != "nvlink":
        return 0  # Blackwell (10.x) runs the fusion too, but its multicast granularity is not pinned down here
    max_size = int(FI_ALLREDUCE_FUSION_MAX_MB_SM90[tp] * 1024**2)
    tokens = min(max_size // (spec.hidden_size * act_bytes), batched)
    data = tp * tokens * spec.hidden_size * 2
    sizes = (data, tp * 256 * 4, 3 * data)  # fp16/bf16 Lamport buffers (fp32 models use 4 B: not planned here)
    total = 0
    for size in sizes:
        size = _round_up(_round_up(size, FI_ALIGN_BYTES) + FI_SIGNAL_PAD_BYTES, FI_ALIGN_BYTES)
        total += _round_up(size, MULTICAST_GRANULARITY_SM90)
    return total


# Release lines by minor version (0.minor.x); a release newer than the table is planned as the latest line.
LINE_BY_MINOR = ((8, 8, "0.8"), (9, 10, "0.10"), (11, 11, "0.11"), (12, 15, "0.12"), (16, 16, "0.16"), (17, 18, "0.17"),
                 (19, 20, "0.19"), (21, 27, "0.2x"), (28, 10**6, "0.3x"))  # fmt: skip
VERSION_ALIASES = {"latest": "0.3x", "v1": "0.11", "0.9": "0.10", "0.11.0": "0.11"}
# Default per platform: the gfx906 fork's 0.11 line on gfx906, the latest release read (LATEST_RELEASE) elsewhere.
GFX906_ARCHS = ("gfx900", "gfx906")
GFX906_LINE = "0.11"  # the nlzy/vllm-gfx906 fork is 0.11-based


def version_key(name: str) -> str:
    """The release line a --vllm-version value names (v0, 0.8 ... 0.3x); UsageError listing the known ones."""
    text = str(name).strip().lower()
    key = "v0" if text == "v0" else text.lstrip("v")
    key = VERSION_ALIASES.get(key, key)
    if key not in VLLM_VERSIONS:
        parts = key.split(".")
        if len(parts) >= 2 and parts[0] == "0" and parts[1].isdigit():
            minor = int(parts[1])
            key = next((line for lo, hi, line in LINE_BY_MINOR if lo <= minor <= hi), "")
    if key not in VLLM_VERSIONS:
        known = ", ".join(f"{v.name} ({v.label})" for v in VLLM_VERSIONS.values())
        raise UsageError(
            "--vllm-version",
            name,
            "not a vLLM version mi50plan models",
            hint=f"use auto, latest, a release such as 0.11.0, or one of: {known}",
        )
    return key


def default_release(hw: Hardware) -> str:
    """What `--vllm-version auto` plans: the gfx906 fork's 0.11 line on gfx906, LATEST_RELEASE elsewhere."""
    return GFX906_LINE if hw.profile.arch in GFX906_ARCHS else LATEST_RELEASE


def resolve_version(name: str | None, hw: Hardware) -> VllmVersion:
    if name is None or str(name).strip().lower() == "auto":
        name = default_release(hw)
    return VLLM_VERSIONS[version_key(name)]


# vLLM's --dtype names for the planner's dtypes
VLLM_DTYPE_NAMES = {"fp16": "float16", "bf16": "bfloat16", "fp32": "float32"}


@dataclass(frozen=True)
class VllmOptions:
    dtype: str = "auto"
    quantization: str | None = None
    max_model_len: int | None = None
    # None: the release's default (default_gpu_memory_utilization: 0.9 up to 0.19, 0.92 from 0.20)
    gpu_memory_utilization: float | None = None
    tensor_parallel_size: int = 1
    pipeline_parallel_size: int = 1
    kv_cache_dtype: str = "auto"
    max_num_seqs: int | None = None
    max_num_batched_tokens: int | None = None
    block_size: int = 16
    vllm_version: str | None = None  # None/auto: 0.11 on gfx906 (the fork), LATEST_RELEASE elsewhere
    # How vLLM is started: "serve" (`vllm serve`, the OpenAI server) or "llm" (the Python `LLM(...)` class), whose
    # default batch budget is larger (LLM_CLASS_TIERS): a larger profile run, so less KV cache. Not a flag.
    entrypoint: str = "serve"
    kv_cache_memory_bytes: int | None = None  # --kv-cache-memory: a fixed KV budget per GPU, no profiling
    enforce_eager: bool = False  # --enforce-eager: no CUDA graphs (0.2x then subtracts no graph estimate)
    # VLLM_USE_V2_MODEL_RUNNER (vllm/envs.py; config/vllm.py VllmConfig.use_v2_model_runner returns it when set, in
    # the 0.29.0-0.33.0 sdists): True/False forces Model Runner V2 or the V1 runner; None leaves the release's default
    # (model_runner_v2). Not a flag: an environment variable of the engine process.
    use_v2_model_runner: bool | None = None
    enable_prefix_caching: bool | None = None  # no memory effect: blocks are shared, not added
    cpu_offload_gb: float = 0.0  # --cpu-offload-gb: weights kept in host RAM, per GPU
    swap_space_gb: float | None = None  # --swap-space (V0 only): CPU KV blocks in host RAM, default 4 GiB
    # The profile run's top-k/top-p sampler: "torch" (vLLM's native sort path, 38 B per logit; what the official
    # images and VLLM_USE_FLASHINFER_SAMPLER=0 run) or "flashinfer" (14 B per logit, when FlashInfer is installed).
    sampler: str = "torch"
    # The MXFP4 MoE backend on CUDA (gpt-oss): "auto" as the release picks it where the optional triton_kernels
    # package is installed (the official images), "marlin" where it is not (a plain pip install: 0.10.2-0.11.x
    # quantization/mxfp4.py get_mxfp4_backend falls to Marlin on Hopper `if not has_triton_kernels()`, no pip
    # requirement brings it) or VLLM_MXFP4_USE_MARLIN=1 (vllm/envs.py of those releases; removed later, vLLM #44992).
    # Marlin pads the experts more (mxfp4_padding_bytes). Not a flag: a property of the install.
    mxfp4_backend: str = "auto"
    # The user's calibration (`mi50plan calibrate --vllm-log`): measured minus planned bytes, added to
    # the platform's load overhead and to the non-torch overhead. Not vLLM flags.
    load_overhead_correction_bytes: int = 0
    other_overhead_correction_bytes: int = 0

    def flags(self) -> list[str]:
        """The `vllm serve` flags that differ from vLLM's defaults."""
        out = []
        if self.dtype != "auto":
            out += [
                "--dtype",
                VLLM_DTYPE_NAMES.get(self.dtype, self.dtype),
            ]
        if self.quantization:
            out += ["--quantization", self.quantization]
        if self.max_model_len:
            out += ["--max-model-len", str(self.max_model_len)]
        if self.gpu_memory_utilization is not None:  # given: passed on (the release's default is not)
            out += ["--gpu-memory-utilization", f"{self.gpu_memory_utilization:g}"]
        if self.tensor_parallel_size != 1:
            out += ["--tensor-parallel-size", str(self.tensor_parallel_size)]
        if self.pipeline_parallel_size != 1:
            out += ["--pipeline-parallel-size", str(self.pipeline_parallel_size)]
        if self.kv_cache_dtype != "auto":
            out += ["--kv-cache-dtype", self.kv_cache_dtype]
        if self.max_num_seqs:
            out += ["--max-num-seqs", str(self.max_num_seqs)]
        if self.max_num_batched_tokens:
            out += ["--max-num-batched-tokens", str(self.max_num_batched_tokens)]
        if self.block_size != 16:
            out += ["--block-size", str(self.block_size)]
        if self.kv_cache_memory_bytes:
            out += ["--kv-cache-memory-bytes", str(self.kv_cache_memory_bytes)]  # vllm/engine/arg_utils.py
        if self.enforce_eager:
            out += ["--enforce-eager"]
        if self.enable_prefix_caching is not None:
            out += ["--enable-prefix-caching" if self.enable_prefix_caching else "--no-enable-prefix-caching"]
        if self.cpu_offload_gb:
            out += ["--cpu-offload-gb", f"{self.cpu_offload_gb:g}"]
        if self.swap_space_gb is not None:
            out += ["--swap-space", f"{self.swap_space_gb:g}"]
        return out


@dataclass(frozen=True)
class VllmPlan(EnginePlan):
    engine: str
    dtype: str
    kv_cache_dtype: str
    quantization: str | None
    weights_scheme: str
    fits: bool
    max_model_len: int
    tensor_parallel_size: int
    pipeline_parallel_size: int
    gpus_used: int
    memory_total_bytes: int  # one device
    gpu_memory_utilization: float
    requested_bytes: int  # total x utilization, per device
    weights_bytes: int  # "Model loading took", per device
    weights_raw_bytes: int  # parameter bytes per device, before the platform's load overhead
    activation_bytes: int  # peak torch activation of the profile run
    non_torch_bytes: int
    kv_cache_bytes: int  # "Available KV cache memory"; negative when short
    kv_page_bytes_per_block: int  # all layers of one rank, one block
    kv_cache_blocks: int
    kv_cache_tokens: int  # "GPU KV cache size: N tokens"
    kv_bytes_per_request: int  # one max_model_len request, per rank
    max_concurrency: float  # "Maximum concurrency for L tokens per request"
    max_num_seqs: int
    max_num_batched_tokens: int
    estimated_max_model_len: int | None
    error: str | None
    suggestions: tuple[Suggestion, ...] = ()
    warnings: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()
    flags: tuple[str, ...] = field(default=())
    vllm_version: str = "0.11"
    entrypoint: str = "serve"  # how vLLM is started: `vllm serve`, or the Python LLM(...) class ("llm")
    cudagraph_bytes: int = 0  # CUDA-graph estimate subtracted before the KV cache (0.2x on CUDA)
    cpu_offload_bytes: int = 0  # weights per GPU kept in host RAM (--cpu-offload-gb)
    rope_cache_bytes: int = 0  # rotary cos/sin caches per device, part of weights_bytes (rope_cache_bytes)
    # The largest context fully on the GPUs per KV type (planner.planning.max_context.MaxContext); set by
    # the planning layer after the plan, None when not computed.
    max_context: object | None = None
    launch: tuple[str, ...] = ()  # the command that starts this plan (planner/planning/launch.py), when it fits


def resolve_dtype(spec: ModelSpec, hw: Hardware, requested: str, quant: QuantConfig | None) -> tuple[str, list[str]]:
    """vLLM's --dtype: 'auto' takes the checkpoint dtype; without bf16 hardware it runs fp16."""
    warnings: list[str] = []
    req = canonical_dtype(requested)
    if req not in ("auto", "fp16", "bf16", "fp32"):
        raise UsageError("--dtype", requested, "not a vLLM dtype", hint="use auto, float16, bfloat16 or float32")
    profile = hw.profile
    if req == "auto":
        ckpt = canonical_dtype(spec.torch_dtype)
        dtype = "fp16" if ckpt == "fp32" else ckpt if ckpt in ("fp16", "bf16") else "fp16"
        if quant is not None and quant.method in ("gptq", "awq"):
            dtype = "fp16"  # GPTQ/AWQ kernels run in fp16 (vLLM casts and warns)
        if dtype == "bf16" and not profile.supports("bf16"):
            warnings.append(
                f"{profile.display_name} has no bf16 hardware: --dtype auto runs float16, as the "
                f"{profile.arch} vLLM forks do"
            )
            dtype = "fp16"
        return dtype, warnings
    if req == "bf16" and not profile.supports("bf16"):
        raise UsageError(
            "--dtype",
            requested,
            f"{profile.display_name} ({profile.arch}) has no bf16 hardware",
            hint="use --dtype float16 (what --dtype auto picks on this card)",
        )
    return req, warnings


def resolve_kv_dtype(kv_cache_dtype: str, model_dtype: str, hw: Hardware) -> str:
    req = canonical_dtype(kv_cache_dtype)
    if req == "auto":
        return model_dtype
    if req not in ("fp16", "bf16", "fp8"):
        raise UsageError(
            "--kv-cache-dtype",
            kv_cache_dtype,
            "not a vLLM KV cache dtype",
            hint="use auto, fp8, fp8_e4m3 or fp8_e5m2",
        )
    if req == "fp8" and not hw.profile.supports("fp8"):
        raise UsageError(
            "--kv-cache-dtype",
            kv_cache_dtype,
            f"{hw.profile.display_name} ({hw.profile.arch}) has no fp8 hardware",
            hint="keep --kv-cache-dtype auto, or shorten --max-model-len",
        )
    if req == "bf16" and not hw.profile.supports("bf16"):
        raise UsageError(
            "--kv-cache-dtype",
            kv_cache_dtype,
            f"{hw.profile.display_name} has no bf16 hardware",
            hint="keep --kv-cache-dtype auto",
        )
    return req


def scheduler_defaults(
    hw: Hardware, opts: VllmOptions, version: VllmVersion | None = None, max_model_len: int | None = None
) -> tuple[int, int]:
    """`vllm serve` defaults for (max_num_batched_tokens, max_num_seqs), vllm/engine/arg_utils.py; the `LLM` class's
    (LLM_CLASS_TIERS) for opts.entrypoint "llm".

    V1: the version's memory tiers on the device's total (NVML's, the card's size) with the A100 held to the
    smallest. V0 without chunked prefill: max(max_model_len, 2048) tokens, 256 sequences; chunked prefill
    (on by default above a 32K context) 512 tokens.
    """
    version = version or VLLM_VERSIONS["0.11"]
    profile = hw.profile
    if not version.v1:
        long_ctx = (max_model_len or 0) > 32768
        tokens = opts.max_num_batched_tokens or (512 if long_ctx else max(max_model_len or 0, 2048))
        return tokens, opts.max_num_seqs or 256
    a100 = "a100" in (profile.name + profile.display_name).lower()
    size = profile.memory_bytes
    tiers = LLM_CLASS_TIERS if opts.entrypoint == "llm" else version.batch_tiers
    tokens, seqs = next((t, n) for gib, t, n in tiers if size >= gib * GIB and (gib == 0 or not a100))
    return opts.max_num_batched_tokens or tokens, opts.max_num_seqs or seqs


# MXFP4 experts on ROCm: the per-rank expert intermediate size is rounded up to this alignment per release line
# (mxfp4.py create_weights, `elif current_platform.is_rocm()`; fused_moe/oracle/mxfp4.py from 0.19): 128 in the
# 0.10.2 sdist, 256 in 0.11.0, get_padding_alignment() in 0.11.1, 0.12.0, 0.16.0 and 0.17.0 (mxfp4_utils.py: 256 on
# gfx950, else 128; None here), 256 again in 0.19.0 and 0.20.1 (mxfp4_round_up_hidden_size_and_intermediate_size).
# The hidden size is rounded up to 256 on ROCm in every one of them (fused_moe/layer.py maybe_roundup_hidden_size
# up to 0.17.0, the oracle from 0.19.0). The 0.3x line is not checked and follows 0.20.1.
ROCM_MXFP4_INTER_ALIGN: dict[str, int | None] = {
    "0.10": 128, "0.11": 256, "0.12": None, "0.16": None, "0.17": None, "0.19": 256, "0.2x": 256, "0.3x": 256,
}


# Model Runner V2 (vllm/v1/worker/gpu/model_runner.py) answers profile_cudagraph_memory with `return 0` ("It is TBD
# whether we keep this API or not") in the 0.22.0-0.28.0 sdists, so gpu_worker.determine_available_memory subtracts no
# CUDA-graph estimate for the models it runs; 0.29.0 estimates there too. Which models run on it by default
# (config/vllm.py VllmConfig.use_v2_model_runner, _is_default_v2_model_runner_model): the listed architectures in
# 0.22-0.24, from 0.25 also every generate model that is neither MoE nor hybrid nor attention-free.
V2_RUNNER_ARCHITECTURES = {
    22: frozenset({"Qwen3ForCausalLM"}),
    23: frozenset({"LlamaForCausalLM", "MistralForCausalLM", "Qwen3ForCausalLM"}),
    24: frozenset(
        {
            "Qwen3ForCausalLM",
            "DeepseekV2ForCausalLM",
            "Qwen2MoeForCausalLM",
            "GraniteMoeForCausalLM",
            "LlamaForCausalLM",
            "MistralForCausalLM",
        }
    ),
    25: frozenset({"DeepseekV2ForCausalLM", "Qwen2MoeForCausalLM", "GraniteMoeForCausalLM"}),
}


def release_number(release: str | None) -> tuple[int, int] | None:
    """(minor, patch) of a vLLM release such as 0.10.1, 0.10.1.post1 or v0.27.1; None for a line (0.3x) or none."""
    m = re.match(r"v?0\.(\d+)\.(\d+)", (release or "").strip().lower())
    return (int(m.group(1)), int(m.group(2))) if m else None


def v2_sampler_state_bytes(spec: ModelSpec, seqs: int) -> int:
    """Model Runner V2's persistent penalty statistics (vllm/v1/worker/gpu/sample/penalties.py PenaltiesState, the
    same in the 0.22.0-0.29.0 sdists): output_bin_counts [max_num_reqs, vocab] int32 ("rarely used but can be very
    large, taking up GBs of GPU memory", its TODO) and prompt_bin_mask [max_num_reqs, cdiv(vocab, 32)] int32. The
    sampler is built in load_model after the weights are measured, so memory_profiling counts them in the consumed
    memory beside non-torch: 0.27.1 logs 15.54 GiB consumed for 15.27 of Qwen3-8B weights at 256 sequences, 0.13
    non-torch + 0.15 here (tests/data/real-engine-logs.md, round 11)."""
    return seqs * spec.vocab_size * 4 + seqs * -(-spec.vocab_size // 32) * 4


def model_runner_v2(release: str | None, spec: ModelSpec) -> bool:
    """Whether a vLLM release runs this model on Model Runner V2 by default (config/vllm.py use_v2_model_runner): the
    listed architectures from 0.22 (V2_RUNNER_ARCHITECTURES), every generate model that is neither MoE nor hybrid
    from 0.25, and every model from 0.29.0 (its sdist falls back only for ROCm's DeepSeek V3.2/V4, a missing Triton
    or an unsupported feature). A line, not a release (0.2x, 0.3x): False, as V1 was planned before."""
    number = release_number(release)
    if number is None or number[0] < 22:
        return False
    minor = number[0]
    if minor >= 29 or spec.architecture in V2_RUNNER_ARCHITECTURES[min(minor, 25)]:
        return True
    return minor >= 25 and not spec.is_moe and spec.linear_attention is None


def v2_runner_skips_cudagraph_estimate(release: str | None, spec: ModelSpec, runner_v2: bool | None = None) -> bool:
    """Whether the model runs on Model Runner V2 (the release's default, or `runner_v2` where VLLM_USE_V2_MODEL_RUNNER
    forces it) while that runner's profile_cudagraph_memory returns 0 (0.22.0-0.28.x; a line, not a release, runs V2
    only when forced: 0.3x also covers 0.29 on, which estimates)."""
    v2 = model_runner_v2(release, spec) if runner_v2 is None else runner_v2
    number = release_number(release)
    return v2 and (number is None or number[0] <= 28)


def default_gpu_memory_utilization(release: str | None) -> float:
    """The --gpu-memory-utilization a vLLM release takes when the flag is not given: vllm/config/cache.py
    CacheConfig.gpu_memory_utilization is Field(default=0.9) in the 0.19.1 sdist and Field(default=0.92) in the
    0.20.0, 0.21.0-0.29.0, 0.31.0 and 0.33.0 sdists (read from PyPI; the logs agree: 0.19.1 "increase
    --gpu-memory-utilization from 0.9000", 0.27.1 "Desired GPU memory utilization is (0.92, 21.64 GiB)"). A line
    (no release) takes 0.92 for 0.2x and 0.3x, 0.9 for the older lines (0.19 covers 0.19-0.20: 0.9)."""
    number = release_number(release)
    if number is None:
        return 0.92 if (release or "").strip().lower() in ("0.2x", "0.3x") else 0.9
    return 0.92 if number[0] >= 20 else 0.9


MXFP4_BACKENDS = ("auto", "marlin")


def marlin_mxfp4_before_torch_28(release: str | None) -> bool:
    """Whether a vLLM release picks Marlin for MXFP4 experts on every CUDA GPU but sm100: 0.10.0-0.10.1.x pin
    torch 2.7.1 (the 0.10.1 and 0.10.1.1 wheels' Requires-Dist), and their quantization/mxfp4.py
    Mxfp4MoEMethod._should_use_marlin returns True on CUDA without device capability 100 when
    `not is_torch_equal_or_newer("2.8.0")` (0.10.1 wheel). 0.10.2 pins torch 2.8.0 and takes Triton on Hopper."""
    return release_number(release) in ((10, 0), (10, 1))


def mxfp4_padding_bytes(
    spec: ModelSpec,
    quantized_bytes: int,
    quant: QuantConfig | None,
    platform: str,
    arch: str = "",
    tp: int = 1,
    version: str = "0.11",
    release: str | None = None,
    backend: str = "auto",
) -> int:
    """MXFP4 experts (gpt-oss) are stored padded for the MoE kernels (vllm/model_executor/layers/quantization/
    mxfp4.py create_weights). On CUDA: hidden_size rounded up to 256 (2880 -> 3072: +6.7% on expert bytes); before
    Hopper (sm8x), and on any GPU but sm100 in 0.10.0-0.10.1.x (release: marlin_mxfp4_before_torch_28), the backend
    is Marlin, which also needs k % 128 == 0 in down_proj, so each rank's expert intermediate size is rounded up to
    128 as well (gpt-oss at TP 4: 720 -> 768; at TP 1: 2880 -> 2944). On ROCm: hidden_size rounded up
    to 256 and each rank's intermediate size to the release's alignment (ROCM_MXFP4_INTER_ALIGN; gpt-oss-20b at
    TP 2: 1440 -> 1536). backend "marlin" (VllmOptions.mxfp4_backend) takes Marlin on any CUDA GPU: an install
    without triton_kernels, or VLLM_MXFP4_USE_MARLIN=1."""
    if quant is None or quant.method != "mxfp4" or platform not in ("cuda", "rocm"):
        return 0
    h = spec.hidden_size
    factor = Fraction(ceil_div(h, 256) * 256, h)
    if platform == "rocm":
        align = ROCM_MXFP4_INTER_ALIGN.get(version, 256) or (256 if arch == "gfx950" else 128)
        if spec.moe is not None:
            inter = spec.moe.expert_intermediate_size // tp
            factor *= Fraction(ceil_div(inter, align) * align, inter)
        return int(quantized_bytes * (factor - 1))
    sm = cuda_capability(arch)
    marlin = sm is not None and (
        backend == "marlin" or sm < 90 or (sm != 100 and marlin_mxfp4_before_torch_28(release))
    )
    if marlin and spec.moe is not None:
        inter = spec.moe.expert_intermediate_size // tp
        factor *= Fraction(ceil_div(inter, 128) * 128, inter)
    return int(quantized_bytes * (factor - 1))


def rope_cache_rows(rope: Rope) -> int:
    """Rows of one rope's cos_sin_cache buffer as vLLM's class for its rope_type computes them (0.11.0, 0.17.0-0.20
    sdists, model_executor/layers/rotary_embedding/): base.py RotaryEmbedding, Llama3RotaryEmbedding, NTK and the
    alpha form of dynamic NTK: max_position; linear_scaling_rope.py and dynamic_ntk_scaling_rope.py: max_position x
    factor; yarn_scaling_rope.py and deepseek_scaling_rope.py: original_max_position x factor; phi3_long_rope:
    the short cache (original) and the long one (max_position) concatenated; mrope.py: 4 x max_position (M-RoPE
    enlarges it for video positions), with YaRN 4 x original x factor."""
    pos, factor = rope.max_position, rope.factor
    original = rope.original_max_position or pos
    kind = rope.rope_type
    if kind in ("yarn", "deepseek_yarn"):
        rows = (4 if rope.mrope else 1) * original * factor
    elif rope.mrope:
        rows = 4 * pos
    elif kind == "linear" or (kind == "dynamic" and not rope.dynamic_alpha):
        rows = pos * factor
    elif kind == "longrope":
        rows = original + pos
    else:
        rows = pos
    return math.ceil(rows)  # torch.arange(float length)


def rope_cache_bytes(spec: ModelSpec, dtype_bytes: int) -> int:
    """Rotary cos/sin caches on each device (docs/methodology.md 3.1): RotaryEmbedding registers cos_sin_cache,
    [rows, rotary_dim] (cos and sin halves), cast to the model dtype (`cache.to(dtype)`, get_rope's dtype is the
    default dtype, set to the model dtype while the model is built on the device; gpt-oss passes float32), once
    per distinct rope: get_rope keeps one instance per (head size, rotary dim, max position, is_neox, scaling,
    dtype) key. Built on the device inside the load's memory profiler, so counted in "Model loading took", on
    every rank, unsharded."""
    return sum(rope_cache_rows(r) * r.rotary_dim * (4 if r.float32 else dtype_bytes) for r in spec.ropes)


def forward_peak_bytes(spec: ModelSpec, dtype_bytes: int, tokens: int, tp: int) -> int:
    """The forward pass's largest live set for `tokens` tokens: residual and hidden state plus the
    larger of the fused qkv output and the MLP's gate_up output with its activation (docs 3.3)."""
    h = spec.hidden_size
    if spec.moe is not None:
        moe = spec.moe
        inter = max(
            spec.intermediate_size if moe.dense_layers else 0,
            moe.experts_per_token * moe.expert_intermediate_size + moe.shared_expert_intermediate_size,
        )
    else:
        inter = spec.intermediate_size
    qkv = spec.q_dim + 2 * spec.kv_dim
    return tokens * dtype_bytes * (2 * h + max(qkv, 3 * inter) // tp)


# vllm/v1/worker/workspace.py WorkspaceManager.get_simultaneous rounds each buffer up to 256 bytes.
WORKSPACE_ALIGN = 256


def moe_workspace_bytes(
    spec: ModelSpec, dtype_bytes: int, tokens: int, tp: int, version: VllmVersion, quantized: bool
) -> int:
    """The fused-MoE scratch that the profile run leaves in the worker's persistent workspace (0 if none).

    From 0.17 the unquantized MoE method runs FusedMoEModularKernel with TritonExperts (oracle/unquantized.py: the
    TRITON backend, "Using TRITON backend for Unquantized MoE", unless FlashInfer's opt-in FP16 MoE is set), whose
    _allocate_buffers takes its buffers from current_workspace_manager().get_simultaneous: one uint8 tensor that only
    grows and is never freed, so after the first MoE layer of the profile run it is alive under the sampler too.
    TritonExperts.workspace_shapes (fused_moe.py): workspace13 = (M, topk, max(N / 2, K)), shared with the fused output
    (M, K) when there is one chunk, and workspace2 = (M, topk, max(N, K)), N = 2 x the expert width per rank (gate and
    up), K = hidden, in the activation dtype. M is the batch, or VLLM_FUSED_MOE_CHUNK_SIZE (16384) where the line
    chunks; a chunked batch keeps the fused output (M_full, K) apart. 0.11 runs the functional fused_experts (transient
    intermediate caches) on one GPU; 0.12-0.16 are not traced. Quantized experts (FP8, MXFP4, GPTQ/AWQ Marlin) use
    other experts classes and are not counted.
    """
    if not version.moe_workspace or spec.moe is None or quantized:
        return 0
    moe = spec.moe
    n, k, topk = 2 * moe.expert_intermediate_size // tp, spec.hidden_size, moe.experts_per_token
    chunk = min(tokens, version.moe_chunk_tokens) if version.moe_chunk_tokens else tokens
    ws13 = chunk * topk * max(n // 2, k)
    ws2 = chunk * topk * max(n, k)
    parts = [max(ws13, tokens * k), ws2] if chunk == tokens else [ws13, ws2, tokens * k]
    return sum(_round_up(p * dtype_bytes, WORKSPACE_ALIGN) for p in parts)


def peak_activation_bytes(
    spec: ModelSpec,
    dtype_bytes: int,
    tokens: int,
    seqs: int,
    tp: int,
    version: VllmVersion | None = None,
    sampler: str = "torch",
    moe_workspace: int = 0,
    model_runner_v2: bool = False,
) -> int:
    """Peak torch memory of the profile run above the weights (docs/methodology.md 3.3 and 3.8).

    V1: the forward pass, then the sampler on min(tokens, seqs) rows of full-vocabulary logits (gathered
    on every tensor-parallel rank) while the [tokens, hidden] output is still alive; the peak is the
    larger of the two. The persistent fused-MoE workspace (moe_workspace_bytes) is alive under the sampler and at
    every MoE layer beside the residual and hidden state. V0: the forward pass plus the fp32 logits of its dummy
    sequences. Model Runner V2 (vllm/v1/worker/gpu/model_runner.py _dummy_sampler_run, 0.22.0-0.29.0 sdists): the
    dummy batch's sampling states are the arrays' initial values (temperature 0, top-k = vocab, top-p 1, no
    penalties: sample/states.py), so Sampler.apply_sampling_params makes no fp32 copy, no top-k/top-p runs and the
    Gumbel argmax reads the logits in place: the model-dtype logits (compute_logits) are all the sampler holds.
    """
    version = version or VLLM_VERSIONS["0.11"]
    forward = forward_peak_bytes(spec, dtype_bytes, tokens, tp)
    rows = min(tokens, seqs)
    if not version.v1:
        return forward + rows * spec.vocab_size * version.sampler_bytes_per_logit
    per_logit = FLASHINFER_SAMPLER_BYTES if sampler == "flashinfer" else version.sampler_bytes_per_logit
    if model_runner_v2:
        per_logit = dtype_bytes
    hidden = tokens * spec.hidden_size * dtype_bytes
    sampled = rows * spec.vocab_size * per_logit + hidden
    if moe_workspace:
        return max(forward, moe_workspace + 2 * hidden, moe_workspace + sampled)
    return max(forward, sampled)


def cudagraph_estimate_bytes(spec: ModelSpec, dtype_bytes: int, seqs: int, tp: int) -> int:
    """What 0.2x subtracts for the CUDA-graph pool (gpu_model_runner.profile_cudagraph_memory).

    The pool keeps, for the largest capture size (min(2 x max_num_seqs, 512), compilation config
    max_cudagraph_capture_size), the static outputs of every piecewise graph: per layer the qkv
    projection and the attention output and residual. Not checked against a logged 0.2x figure yet.
    """
    size = min(2 * seqs, 512)
    per_layer = (spec.q_dim + 2 * spec.kv_dim) // tp + 2 * spec.hidden_size
    return spec.num_layers * size * per_layer * dtype_bytes


def _kv_heads_per_rank(spec: ModelSpec, tp: int) -> int:
    return max(1, spec.num_kv_heads // tp)


def page_bytes_per_layer(spec: ModelSpec, kv_dtype_bytes: int, block_size: int, tp: int) -> int:
    """One block of one attention layer on one rank (vllm/v1/kv_cache_interface.py page_size_bytes)."""
    if spec.mla is not None:  # the latent is not split over ranks and has no separate K and V
        return block_size * (spec.mla.kv_lora_rank + spec.mla.qk_rope_head_dim) * kv_dtype_bytes
    return 2 * block_size * _kv_heads_per_rank(spec, tp) * spec.head_dim * kv_dtype_bytes


def linear_state_bytes_per_request(spec: ModelSpec, dtype_bytes: int, tp: int) -> int:
    """Gated DeltaNet state per request per layer: conv state plus the recurrent matrix (approximate)."""
    la = spec.linear_attention
    if la is None:
        return 0
    conv_dim = 2 * la.key_dim + la.value_dim
    conv = (la.conv_kernel - 1) * conv_dim * dtype_bytes
    recurrent = la.num_value_heads * la.key_head_dim * la.value_head_dim * dtype_bytes
    return (conv + recurrent) // tp


def _blocks_per_request(spec: ModelSpec, layer_type: str, max_len: int, block: int, batched_tokens: int) -> int:
    if layer_type == SLIDING and spec.sliding_window:
        # vllm/v1/kv_cache_interface.py SlidingWindowSpec.max_memory_usage_bytes
        return ceil_div(min(spec.sliding_window - 1 + batched_tokens, max_len), block) + 1
    return ceil_div(max_len, block)


def hybrid_kv_groups(full: int, sliding: int, heuristic: bool) -> tuple[int, int, int]:
    """(group size, full groups, sliding groups) of vLLM's hybrid KV cache manager for full and sliding-window layers
    of one page size (kv_cache_utils._get_kv_cache_groups_uniform_page_size, 0.10 on): the group size is the smaller
    count (from 0.18 the larger one when it is under 1.5x the smaller), each type is split into ceil(count / size)
    groups, the last padded. Each block holds one page of every group, so num_blocks = available // (page x size) and
    "GPU KV cache size" = num_blocks // groups x block_size: Gemma 3's 52 sliding + 10 full layers are laid out as
    70 (6 sliding groups of 10, 8 of them padding, and 1 full group)."""
    size = min(full, sliding)
    if heuristic and max(full, sliding) < size * 1.5:
        size = max(full, sliding)
    return size, ceil_div(full, size), ceil_div(sliding, size)


def kv_bytes_for_request(
    spec: ModelSpec,
    max_len: int,
    page_bytes: int,
    block: int,
    batched: int,
    state_bytes: int,
    layers: list[str],
) -> int:
    total = 0
    for kind in layers:
        if kind == LINEAR:
            total += state_bytes
        else:
            total += _blocks_per_request(spec, kind, max_len, block, batched) * page_bytes
    return total


def _estimate_max_len(
    spec: ModelSpec,
    available: int,
    page_bytes: int,
    block: int,
    batched: int,
    state_bytes: int,
    layers: list[str],
    upper: int,
) -> int:
    """vLLM's binary search for the longest request that fits (kv_cache_utils.estimate_max_model_len)."""
    lo, hi = 0, upper
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if kv_bytes_for_request(spec, mid, page_bytes, block, batched, state_bytes, layers) <= available:
            lo = mid
        else:
            hi = mid - 1
    return lo


def _gib(n: float) -> str:
    return f"{n / GIB:.2f}"


# Lines whose logs show a cold torch.compile in the profile run raising the activation peak above the plan (round 11 of
# tests/data/real-engine-logs.md: one RTX 4090 and 0.27.1 log 1.18 GiB of peak activation on a boot without a compile
# cache and 0.19 GiB with it, the same KV tokens then as the plan; the excess is Inductor's, not sized here). Round 12:
# 0.29.0 and 0.30.0 cold starts log 1.05-2.43 GiB less KV than the plan (V134, V137, V138), an eager or warm start of
# the same setup within 0.11 GiB (V135, V136). Upstream this is vLLM issue #54122 (open: compilation and autotuning
# scratch charged as peak activation on a first boot, "tens of GiB per GPU" on 96 GiB cards) and #54383 (0.28.0, about
# 5% less KV on a new shape's first boot); the fixes proposed (PRs #54209, #54479) were not in a release read here.
COLD_COMPILE_LINES = ("0.2x", "0.3x")


# The newest vLLM release whose source the rules here were read from (its sdist on PyPI): what `--vllm-version auto`
# plans off gfx906, where "the latest" is asked for and the rules that need a release (Model Runner V2, the utilization
# default, MXFP4 padding) need one.
LATEST_RELEASE = "0.33.0"


def planned_release(opts: VllmOptions, hw: Hardware) -> str | None:
    """The release (or line) the rules of one plan read: the one chosen, else on gfx906 the fork's 0.11 line and
    elsewhere LATEST_RELEASE."""
    chosen = opts.vllm_version
    if chosen is None or str(chosen).strip().lower() == "auto":
        return default_release(hw)
    return LATEST_RELEASE if str(chosen).strip().lower() == "latest" else chosen


def _tightest_stage(
    free_but_weights: int, stage_bytes: tuple[int, ...], stages: list[range], kv_cache_memory_bytes: int | None
) -> int:
    """The pipeline stage with the least memory per KV layer, whose block count vLLM keeps (the minimum over workers):
    each stage has `free_but_weights` less its own weights, or a set --kv-cache-memory on every stage alike."""

    def room(k: int) -> float:
        return (kv_cache_memory_bytes or free_but_weights - stage_bytes[k]) / len(stages[k])

    return min(range(len(stages)), key=room)


def plan_vllm(spec: ModelSpec, hw: Hardware, opts: VllmOptions, *, suggest: bool = True) -> VllmPlan:
    tp, pp = opts.tensor_parallel_size, opts.pipeline_parallel_size
    # The release (or line) the rules read, and the utilization it runs at: the one given, else that release's default
    # (0.11 on gfx906: 0.9; LATEST_RELEASE elsewhere: 0.92).
    release = planned_release(opts, hw)
    default_util = default_gpu_memory_utilization(release)
    util = default_util if opts.gpu_memory_utilization is None else opts.gpu_memory_utilization
    if not 0 < util <= 1:
        raise UsageError(
            "--gpu-memory-utilization", util, "must be in (0, 1]", hint=f"vLLM's default is {default_util:g} here"
        )
    if opts.entrypoint not in ("serve", "llm"):
        raise UsageError(
            "--vllm-entrypoint", opts.entrypoint, "not a way vLLM starts", hint="use serve (vllm serve) or llm"
        )
    if tp < 1 or pp < 1:
        raise UsageError("--tensor-parallel-size", tp, "must be 1 or more")
    if opts.block_size not in (1, 8, 16, 32, 64, 128):
        raise UsageError("--block-size", opts.block_size, "vLLM accepts 1, 8, 16, 32, 64 or 128")
    if spec.num_attention_heads % tp:
        raise UsageError(
            "--tensor-parallel-size",
            tp,
            f"Total number of attention heads ({spec.num_attention_heads}) must be divisible by "
            f"tensor parallel size ({tp})",
            hint="choose a divisor of the head count",
        )
    if tp * pp > hw.count:
        raise UsageError(
            "--tensor-parallel-size",
            tp,
            f"tensor x pipeline parallel = {tp * pp} GPUs but --gpus is {hw.count}",
            hint=f"add --gpus {tp * pp}",
        )
    if pp > spec.num_layers:
        raise UsageError("--pipeline-parallel-size", pp, f"more stages than the model's {spec.num_layers} layers")
    if opts.max_model_len is not None and opts.max_model_len <= 0:
        raise UsageError("--max-model-len", opts.max_model_len, "must be a positive number of tokens")
    for name, value in (
        ("--max-num-seqs", opts.max_num_seqs),
        ("--max-num-batched-tokens", opts.max_num_batched_tokens),
    ):
        if value is not None and value <= 0:
            raise UsageError(name, value, "must be positive")

    quant = spec.quant
    if opts.quantization and quant is None:
        from planner.core.precision import quant_from_flag

        try:
            quant = quant_from_flag(opts.quantization)
        except KeyError:
            raise UsageError(
                "--quantization",
                opts.quantization,
                "not a quantization mi50plan sizes",
                hint="use gptq, awq, fp8 or int8",
            ) from None
    fp8_weight_only = False
    if quant is not None and quant.method == "fp8" and not hw.profile.supports("fp8") and spec.quant is not None:
        fp8_weight_only = True  # a pre-quantized fp8 checkpoint: weight-only fp8 kernels, sized as stored
    elif quant is not None and quant.method == "fp8" and not hw.profile.supports("fp8"):
        raise UsageError(
            "--quantization",
            "fp8",
            f"{hw.profile.display_name} ({hw.profile.arch}) has no fp8 hardware",
            hint="use a GPTQ or AWQ int4/int8 checkpoint instead",
        )
    dtype, warns = resolve_dtype(spec, hw, opts.dtype, quant)
    p = hw.profile
    cannot = vllm_cannot_run(spec.quant.method, p.platform, p.arch, p.supports("fp8")) if spec.quant else None
    if cannot:  # sized as stored all the same: the memory a build with those kernels would take
        warns.append(f"{spec.quant.method} checkpoint on {p.display_name} ({p.arch}): {cannot}")
    elif fp8_weight_only:
        warns.append(
            f"fp8 checkpoint on {hw.profile.display_name} without fp8 hardware: vLLM needs weight-only "
            f"fp8 kernels (Marlin, CUDA sm80+); gfx906 forks do not run it"
        )
    kv_dtype = resolve_kv_dtype(opts.kv_cache_dtype, dtype, hw)
    act_bytes = DTYPE_BYTES[dtype]
    kv_bytes = DTYPE_BYTES[kv_dtype]
    notes = list(spec.notes)
    if spec.quant is None and opts.quantization:
        notes.append(
            f"planned as a {opts.quantization} checkpoint of this model (vLLM needs a pre-quantized "
            f"checkpoint for gptq/awq)"
        )

    derived_len = spec.max_position_embeddings
    max_len = opts.max_model_len or derived_len
    version = resolve_version(release, hw)
    batched, seqs = scheduler_defaults(hw, opts, version, max_len)
    profile = hw.profile
    platform = profile.platform if profile.platform in LOAD_OVERHEAD_BYTES else "cuda"

    # vLLM budgets from the total the runtime reports (torch.cuda.mem_get_info()[1]), not the nominal size.
    # On a unified-memory machine that total is the whole memory, while the free memory vLLM's start-up
    # check reads (mem_get_info()[0], the OS's MemFree there) is what the OS leaves: the budget below
    # (vllm-project/vllm#48140, GB10: "mem_get_info() returns MemFree"; #46307: util x 119 GiB).
    total = profile.device_total_bytes
    requested = int(total * util)
    w = weight_bytes(spec, dtype, quant, tp, pp)
    vision = vision_weight_bytes(spec, act_bytes, tp)
    stage_bytes = tuple(b + (vision if i == 0 else 0) for i, b in enumerate(w.stage_bytes))  # the tower: stage 0
    w = replace(
        w, total_bytes=w.total_bytes + vision, per_rank_bytes=w.per_rank_bytes + vision, stage_bytes=stage_bytes
    )
    if opts.mxfp4_backend not in MXFP4_BACKENDS:
        raise UsageError("mxfp4_backend", opts.mxfp4_backend, "not an MXFP4 MoE backend", hint="auto or marlin")
    pad = mxfp4_padding_bytes(
        spec,
        w.quantized_bytes // (tp * pp),
        quant,
        platform,
        profile.arch,
        tp,
        version.name,
        release,
        opts.mxfp4_backend,
    )
    offload = min(int(opts.cpu_offload_gb * GIB), w.per_rank_bytes)
    rope = rope_cache_bytes(spec, act_bytes)
    weights_loaded = (
        w.per_rank_bytes + pad + rope - offload + LOAD_OVERHEAD_BYTES[platform] + opts.load_overhead_correction_bytes
    )
    if opts.sampler not in SAMPLERS:
        raise UsageError("sampler", opts.sampler, "not a vLLM sampler", hint="torch or flashinfer")
    moe_ws = moe_workspace_bytes(spec, act_bytes, batched, tp, version, quant is not None)
    runner_v2 = version.v1 and (
        model_runner_v2(release, spec) if opts.use_v2_model_runner is None else opts.use_v2_model_runner
    )
    activation = peak_activation_bytes(spec, act_bytes, batched, seqs, tp, version, opts.sampler, moe_ws, runner_v2)
    encoder = (  # V1's profile run only
        encoder_profile(spec, act_bytes, batched, seqs, max_len, tp, version.mm_widen_encoder_outputs)
        if version.v1
        else None
    )
    if encoder is not None:
        activation = max(encoder.peak_bytes, activation + encoder.alive_bytes)
    non_torch = (
        version.non_torch_bytes + (version.non_torch_tp_bytes if tp > 1 else 0) + opts.other_overhead_correction_bytes
    )
    fi_workspace = fi_allreduce_workspace_bytes(version, hw, spec, act_bytes, batched, tp, pp, opts.enforce_eager)
    non_torch += fi_workspace
    if runner_v2:
        non_torch += v2_sampler_state_bytes(spec, seqs)
    cudagraphs = 0
    if (
        version.subtracts_cudagraphs
        and platform == "cuda"
        and not opts.enforce_eager
        and not v2_runner_skips_cudagraph_estimate(release, spec, runner_v2)
    ):
        cudagraphs = cudagraph_estimate_bytes(spec, act_bytes, seqs, tp)
    available = requested - (weights_loaded + activation + non_torch + cudagraphs)
    stage_layers = range(spec.num_layers)
    if w.stage_bytes:
        # Each pipeline stage sizes its KV blocks from its own free memory and layers, and the engine keeps the fewest
        # (the minimum over workers): plan that stage, with its own weights (vLLM's layer split, the embedding on
        # the first stage, the head on the last).
        stages = pipeline_stages(spec.num_layers, pp)
        tight = _tightest_stage(available + w.per_rank_bytes, w.stage_bytes, stages, opts.kv_cache_memory_bytes)
        available += w.per_rank_bytes - w.stage_bytes[tight]
        weights_loaded += w.stage_bytes[tight] - w.per_rank_bytes
        w = replace(w, per_rank_bytes=w.stage_bytes[tight])
        stage_layers = stages[tight]
    if opts.kv_cache_memory_bytes is not None:
        if opts.kv_cache_memory_bytes <= 0:
            raise UsageError("--kv-cache-memory", opts.kv_cache_memory_bytes, "must be a positive number of bytes")
        # gpu_worker.determine_available_memory: a set kv_cache_memory_bytes is used as is, no profiling;
        # gpu_memory_utilization is then ignored.
        available = opts.kv_cache_memory_bytes
        notes.append("--kv-cache-memory set: vLLM skips memory profiling and ignores --gpu-memory-utilization")
    if pad and opts.mxfp4_backend == "auto" and platform == "cuda" and cuda_capability(profile.arch) == 90:
        # traced on Hopper only (0.11.0 get_mxfp4_backend); Blackwell's backends were not read
        marlin_pad = mxfp4_padding_bytes(
            spec, w.quantized_bytes // (tp * pp), quant, platform, profile.arch, tp, version.name, release, "marlin"
        )
        if marlin_pad - pad >= GIB // 10:
            notes.append(
                "MXFP4 experts planned on vLLM's Triton backend (the official images); an install without the "
                "triton_kernels package (a plain pip install) runs Marlin, as VLLM_MXFP4_USE_MARLIN=1 does where the "
                f"release reads it: {_gib(marlin_pad - pad)} GiB more weights per GPU (--vllm-mxfp4-backend marlin)"
            )
    if rope >= GIB // 10:  # worth a line where it moves the budget (Gemma 3, Llama 4); Qwen2.5's 8 MiB is not
        notes.append(f"weights include the rope cos/sin caches, {_gib(rope)} GiB per GPU ({len(spec.ropes)} distinct)")
    if vision:
        notes.append(f"weights include the vision tower and projector, {_gib(vision)} GiB per GPU")
    if encoder is not None:
        notes.append(
            f"profile run encodes {encoder.items} dummy images first: {_gib(encoder.alive_bytes)} GiB of pixels and "
            "encoder outputs stay alive under the language model's peak"
        )
    elif spec.vision is not None and version.v1:
        notes.append("the profile run's dummy vision-encoder batch is not planned for this tower")
    if fi_workspace:
        notes.append(
            f"non-torch includes FlashInfer's all-reduce fusion workspace, {_gib(fi_workspace)} GiB per GPU "
            f"(3 buffers, each rounded to the 512 MiB multicast granularity; --enforce-eager skips it)"
        )
    if opts.cpu_offload_gb < 0:
        raise UsageError("--cpu-offload-gb", opts.cpu_offload_gb, "must be 0 or more")
    if offload:
        notes.append(f"--cpu-offload-gb keeps {_gib(offload)} GiB of weights per GPU in host RAM")
    if version.name in COLD_COMPILE_LINES and not opts.enforce_eager and opts.kv_cache_memory_bytes is None:
        notes.append(
            "this plan is a start with a warm torch.compile cache: a first start compiles inside vLLM's memory "
            "profile and can log less KV cache (1.0-2.4 GiB less in 0.27-0.30 logs, more on large GPUs: vLLM "
            "issue #54122); a restart that keeps ~/.cache/vllm, --enforce-eager or --kv-cache-memory holds the plan"
        )
    if opts.swap_space_gb is not None and version.v1:
        notes.append("--swap-space has no effect on the V1 engine (no CPU KV blocks)")

    layers_per_stage = list(spec.layer_types[stage_layers.start : stage_layers.stop])
    attn_layers = [t for t in layers_per_stage if t != LINEAR]
    page = page_bytes_per_layer(spec, kv_bytes, opts.block_size, tp)
    state = linear_state_bytes_per_request(spec, act_bytes, tp)
    page_all_layers = page * len(attn_layers)
    hybrid = SLIDING in attn_layers and FULL in attn_layers
    # the hybrid KV cache manager (0.10 on)
    grouped = hybrid and LINEAR not in layers_per_stage and version.v1 and version.name != "0.8"
    if hybrid and not grouped:
        notes.append("hybrid sliding-window/full KV cache grouping approximated (tokens = blocks x block size)")
    if LINEAR in layers_per_stage:
        notes.append("linear-attention (Gated DeltaNet) state sized approximately")

    per_request = kv_bytes_for_request(spec, max_len, page, opts.block_size, batched, state, layers_per_stage)
    blocks = max(0, available) // page_all_layers if page_all_layers else 0
    tokens = blocks * opts.block_size
    if grouped:
        size, full_groups, sliding_groups = hybrid_kv_groups(
            attn_layers.count(FULL), attn_layers.count(SLIDING), version.group_size_heuristic
        )
        blocks = max(0, available) // (page * size)
        tokens = blocks // (full_groups + sliding_groups) * opts.block_size
        # get_max_concurrency_for_kv_cache_config: num_blocks over the blocks one max_model_len request takes in
        # every group (sliding groups: the window plus a batch, SlidingWindowSpec.max_memory_usage_bytes)
        per_request_blocks = full_groups * _blocks_per_request(
            spec, FULL, max_len, opts.block_size, batched
        ) + sliding_groups * _blocks_per_request(spec, SLIDING, max_len, opts.block_size, batched)
        max_conc = blocks / per_request_blocks if blocks else 0.0
    elif blocks and page_all_layers:
        max_conc = max(0, available) / per_request if per_request else 0.0
        if SLIDING not in attn_layers and LINEAR not in layers_per_stage:
            # exactly as vLLM logs it: num_blocks / ceil(L / block)
            max_conc = blocks / ceil_div(max_len, opts.block_size)
    else:
        max_conc = 0.0

    error = None
    estimated = None
    startup_free = profile.runtime_memory_bytes - CONTEXT_BYTES[platform]
    if max_len > derived_len:
        error = (
            f"User-specified max_model_len ({max_len}) is greater than the derived max_model_len "
            f"(max_position_embeddings={derived_len} in model's config.json). To allow overriding this "
            f"maximum, set the env var VLLM_ALLOW_LONG_MAX_MODEL_LEN=1."
        )
    elif startup_free < requested:
        error = (
            f"ValueError: Free memory on device ({_gib(startup_free)}/{_gib(total)} GiB) on startup is less "
            f"than desired GPU memory utilization ({util}, {_gib(requested)} GiB). "
            f"Decrease GPU memory utilization or reduce GPU memory used by other processes."
        )
    elif available <= 0:
        error = (
            "ValueError: No available memory for the cache blocks. Try increasing "
            "`gpu_memory_utilization` when initializing the engine."
        )
    elif per_request > available:
        estimated = _estimate_max_len(spec, available, page, opts.block_size, batched, state, layers_per_stage, max_len)
        error = (
            f"ValueError: To serve at least one request with the models's max seq len ({max_len}), "
            f"({_gib(per_request)} GiB KV cache is needed, which is larger than the available KV cache "
            f"memory ({_gib(available)} GiB). Based on the available memory, the estimated maximum model "
            f"length is {estimated}. Try increasing `gpu_memory_utilization` or decreasing "
            f"`max_model_len` when initializing the engine."
        )
    fits = error is None
    if fits and max_len > spec.max_position_embeddings:
        warns.append("max_model_len beyond the model's trained context")
    warns += [f"{profile.display_name}: {w_}" for w_ in profile.warnings]

    plan = VllmPlan(
        engine="vllm",
        dtype=dtype,
        kv_cache_dtype=kv_dtype,
        quantization=quant.method if quant else None,
        weights_scheme=w.scheme,
        fits=fits,
        max_model_len=max_len,
        tensor_parallel_size=tp,
        pipeline_parallel_size=pp,
        gpus_used=tp * pp,
        memory_total_bytes=total,
        gpu_memory_utilization=util,
        requested_bytes=requested,
        weights_bytes=weights_loaded,
        weights_raw_bytes=w.per_rank_bytes,
        rope_cache_bytes=rope,
        activation_bytes=activation,
        non_torch_bytes=non_torch,
        kv_cache_bytes=available,
        kv_page_bytes_per_block=page_all_layers,
        kv_cache_blocks=blocks,
        kv_cache_tokens=tokens,
        kv_bytes_per_request=per_request,
        max_concurrency=max_conc,
        max_num_seqs=seqs,
        max_num_batched_tokens=batched,
        estimated_max_model_len=estimated,
        error=error,
        warnings=tuple(warns),
        notes=tuple(notes),
        flags=tuple(opts.flags()),
        vllm_version=version.name,
        entrypoint=opts.entrypoint,
        cudagraph_bytes=cudagraphs,
        cpu_offload_bytes=offload,
    )
    if suggest and not fits:
        plan = replace(plan, suggestions=tuple(suggest_fixes(spec, hw, opts, plan)))
    return plan


def _try(spec: ModelSpec, hw: Hardware, opts: VllmOptions) -> VllmPlan | None:
    try:
        return plan_vllm(spec, hw, opts, suggest=False)
    except UsageError:
        return None


def _suggestion(change: str, flags: list[str], plan: VllmPlan | None, note: str = "") -> Suggestion | None:
    if plan is None:
        return None
    return Suggestion(change, tuple(flags), plan.fits, plan.kv_cache_tokens, plan.max_concurrency, note=note)


# The int4 suggestion names no repository: the engine does no I/O; the planning layer names a real one from the
# catalog's quantized table (planner.planning.launch.name_checkpoints) or says what to search for.
INT4_CHECKPOINT = "an int4 GPTQ/AWQ checkpoint of this model"


def suggest_fixes(spec: ModelSpec, hw: Hardware, opts: VllmOptions, plan: VllmPlan) -> list[Suggestion]:
    """The smallest changes that make the plan fit, each re-planned (only fitting ones are kept)."""
    out: list[Suggestion | None] = []
    block = opts.block_size
    if plan.kv_cache_bytes > 0 and plan.estimated_max_model_len:
        new_len = max(block, (plan.estimated_max_model_len // 256) * 256 or plan.estimated_max_model_len)
        p = _try(spec, hw, replace(opts, max_model_len=new_len))
        out.append(_suggestion(f"lower --max-model-len to {new_len}", ["--max-model-len", str(new_len)], p))
    if plan.max_model_len > spec.max_position_embeddings:
        new_len = spec.max_position_embeddings
        p = _try(spec, hw, replace(opts, max_model_len=new_len))
        out.append(
            _suggestion(f"use --max-model-len {new_len} (the model's limit)", ["--max-model-len", str(new_len)], p)
        )
    if plan.error and "Free memory on device" in plan.error:
        # vLLM's own hint: decrease the utilization to what the free memory at start-up allows (the
        # unified-memory case: the OS keeps part of the total), in 0.01 steps down.
        for step in range(int(round(plan.gpu_memory_utilization * 100)) - 1, 0, -1):
            util = step / 100
            p = _try(spec, hw, replace(opts, gpu_memory_utilization=util))
            if p is not None and p.error and "Free memory on device" in p.error:
                continue
            if p is not None and p.fits:
                flags = ["--gpu-memory-utilization", f"{util:.2f}"]
                out.append(_suggestion(f"lower --gpu-memory-utilization to {util:.2f}", flags, p))
            break
    # Raise utilization in 0.01 steps up to what start-up allows.
    for step in range(int(round(plan.gpu_memory_utilization * 100)) + 1, 100):
        util = step / 100
        p = _try(spec, hw, replace(opts, gpu_memory_utilization=util))
        if p is not None and p.fits:
            out.append(
                _suggestion(
                    f"raise --gpu-memory-utilization to {util:.2f}",
                    ["--gpu-memory-utilization", f"{util:.2f}"],
                    p,
                )
            )
            break
        if p is not None and p.error and "Free memory on device" in p.error:
            break
    for tp in (2, 4, 8):
        if tp <= opts.tensor_parallel_size or spec.num_attention_heads % tp:
            continue
        multi = Hardware(hw.profile, max(hw.count, tp * opts.pipeline_parallel_size))
        p = _try(spec, multi, replace(opts, tensor_parallel_size=tp))
        if p is not None and p.fits:
            extra = "" if hw.count >= tp else f" (needs {tp} GPUs: --gpus {tp})"
            out.append(_suggestion(f"--tensor-parallel-size {tp}{extra}", ["--tensor-parallel-size", str(tp)], p))
            break
    if spec.quant is None and not opts.quantization:
        qspec = replace(spec, quant=INT4_GPTQ)
        p = _try(qspec, hw, replace(opts, dtype="auto"))
        if p is not None and p.fits:
            out.append(
                _suggestion(
                    INT4_CHECKPOINT,
                    ["--quantization", "gptq"],
                    p,
                    note=f"weights {_gib(p.weights_bytes)} GiB",
                )
            )
        elif p is not None and p.estimated_max_model_len:
            p2 = _try(qspec, hw, replace(opts, dtype="auto", max_model_len=(p.estimated_max_model_len // 256) * 256))
            out.append(
                _suggestion(
                    f"{INT4_CHECKPOINT} with --max-model-len {(p.estimated_max_model_len // 256) * 256}",
                    [
                        "--quantization",
                        "gptq",
                        "--max-model-len",
                        str((p.estimated_max_model_len // 256) * 256),
                    ],
                    p2,
                )
            )
    return [s for s in out if s is not None and s.fits]


def max_concurrency_at(plan: VllmPlan, length: int, block_size: int = 16) -> float:
    if not plan.kv_cache_blocks:
        return 0.0
    return plan.kv_cache_blocks / math.ceil(length / block_size)
