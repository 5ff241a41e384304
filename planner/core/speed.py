"""How fast a deployment runs: prefill, TTFT, decode, TPOT, end-to-end latency and throughput. Pure.

The API other modules call (the calibrate/validate commands fit ``calibration`` from measured runs)::

    predict(spec: ModelSpec, hw: Hardware, deployment: Deployment, prompt_tokens: int,
            output_tokens: int, concurrency: int = 1, context_depth: int = 0,
            calibration: Mapping[str, float] | object | None = None,
            *, efficiency: EfficiencyModel, work: ModelWork | None = None,
            context_limit: int | None = None) -> Prediction

    calibration: the user's corrections for their hardware+engine: multiplicative factors on the
        fitted efficiencies (``kv`` on the KV-cache read at depth, on top of ``decode``) and a fixed
        per-request time added to TTFT, {"decode": 1.10, "prefill": 0.85, "kv": 0.5,
        "ttft_overhead_s": 0.02} (each key optional; factors > 0, overhead >= 0), or any object with
        those attributes (or ``decode_factor`` / ``prefill_factor``).
        Fitting one: measured_decode_tok_s / predict(..., calibration=None).decode_tokens_per_s; TTFT
        is overhead + prefill time / prefill factor, fitted over several prompt lengths (the
        calibrate command, docs/methodology.md section 6).
    efficiency: the fitted factors (required: this module reads no data). A caller loads the shipped
        ones with planner.sources.efficiency_data.default_efficiency().
    work: bytes/FLOPs of the model (ModelWork); None derives it from spec and deployment.
    context_limit: the deployment's context (max_model_len, num_ctx); None: the model's own limit.

Physics (docs/methodology.md section 5.1):

- prefill, per micro-batch of n tokens: max(weight read, 2 x active params x n FLOPs at peak
  compute x prefill efficiency x n / (n + gemm_half_tokens)), plus attention FLOPs (4 x q_dim x
  context per token per layer) at the attention efficiency, plus layers x the backend's fixed
  per-layer cost; tokens/s = prompt / time; TTFT = prefill time of the batch (+ a calibrated fixed
  per-request overhead, 0 by default).
- decode step: max(weight bytes read / (bandwidth x decode efficiency), batch x 2 x active params
  FLOPs / (compute x batch efficiency)) + layers x the backend's fixed per-layer cost (kernel
  launches and synchronisation, which dominate small models on fast GPUs) + the KV cache read at
  the current depth, per stream, at the KV read efficiency. MoE reads only the experts its tokens
  route to (1 - (1 - k/E)^tokens of them), so a batch shares the dense weights and most experts.
- tensor parallel divides reads and FLOPs by the rank count and adds two all-reduces per layer;
  layer split runs stages one after another and adds one hop per stage boundary.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field, replace

from planner.core.efficiency import (
    MAX_BANDWIDTH_EFFICIENCY,
    EfficiencyModel,
    Features,
    arch_class,
    backend_class,
    memory_class,
    precision_class,
    vendor_class,
)
from planner.core.gguf_quant import estimate_gguf, normalise_quant
from planner.core.hardware import Hardware, cuda_capability, turing_without_tensor_cores
from planner.core.precision import DTYPE_BYTES, canonical_dtype, quant_from_flag, vllm_cannot_run, weight_bytes
from planner.core.spec import ModelSpec
from planner.core.tensors import count_params
from planner.errors import UsageError

GGUF_ENGINES = ("llamacpp", "ollama")
ENGINES = ("vllm", "llamacpp", "ollama")
BACKENDS = ("rocm", "vulkan", "cuda", "metal", "sycl", "cpu")
# Micro-batch sizes: llama.cpp n_ubatch default 512 (common/common.h); vLLM serve
# max_num_batched_tokens 2048 under 70 GiB (engine-facts.md section 2; chunked prefill).
UBATCH = {"llamacpp": 512, "ollama": 512, "vllm": 2048}
# Logical batch: llama.cpp n_batch default 2048 (common/common.h; llama-bench caps it at its context,
# prompt + depth); Ollama num_batch 512 (api/types.go DefaultOptions). With a layer split, the
# micro-batches of one logical batch flow through the devices as a pipeline (src/llama-context.cpp
# `pipeline_parallel`: more than one device, every layer offloaded, split mode layer), at most
# GGML_SCHED_MAX_COPIES (4, ggml/CMakeLists.txt) of them in flight.
NBATCH = {"llamacpp": 2048, "ollama": 512, "vllm": 2048}
PIPELINE_COPIES = 4
# Communication priors (no measured row isolates them): a small-message all-reduce over PCIe with
# RCCL/NCCL costs tens of microseconds; a layer-split hop copies one activation between devices.
DEFAULT_COMMUNICATION = {"allreduce_latency_s": 50e-6, "hop_latency_s": 20e-6}


@dataclass(frozen=True)
class Deployment:
    engine: str  # vllm | llamacpp | ollama
    backend: str | None = None  # rocm | vulkan | cuda | metal | sycl | cpu; None: the engine's default here
    dtype: str = "fp16"  # vLLM dtype (weights and activations)
    quantization: str | None = None  # vLLM gptq | awq | int8 (a pre-quantized checkpoint)
    quant: str | None = None  # GGUF file type for llama.cpp and Ollama (Q4_K_M, Q4_0, ...)
    tensor_parallel_size: int = 1  # vLLM
    layer_split: int = 1  # llama.cpp / Ollama: GPUs the layers are split over
    kv_bytes_per_element: float = 2.0  # f16 KV cache
    weights_bytes: int | None = None  # measured size of all weights (a file, a log line): overrides
    ubatch: int | None = None  # llama.cpp -ub / vLLM max_num_batched_tokens; None: the engine default
    # The llama.cpp build a plan is for: "current" (a build from 9000 or of May 2026 on, the default: both era levels),
    # "recent" (7500-8999, from December 2025: the first era's levels only) or "older" (the fit's rows of an older or
    # unstated build: the plain per-layer cost, no era level). Issue 11's twenty-second, twenty-fourth and
    # twenty-eighth rounds (docs/methodology.md section 5).
    build: str = "current"

    @property
    def precision_label(self) -> str:
        if self.engine in GGUF_ENGINES:
            return self.quant or "Q4_K_M"
        return f"{self.quantization} ({self.dtype})" if self.quantization else self.dtype


@dataclass(frozen=True)
class ModelWork:
    """What one token costs: bytes to read and FLOPs to do. Built from a spec or from totals."""

    params_total: int
    params_active: int
    weights_bytes: int  # resident, all ranks together
    read_dense_bytes: int  # read every step whatever the batch (all but routed experts and the
    # token-embedding table, of which a step reads one row per token)
    expert_bytes: int  # all routed experts; a step reads the fraction its tokens route to
    num_experts: int = 0
    experts_per_token: int = 0
    kv_bytes_per_token_layer: float = 0.0  # K+V of one token in one attention layer
    full_layers: int = 0
    sliding_layers: int = 0
    recurrent_layers: int = 0  # linear-attention (Gated DeltaNet) or state-space layers: a recurrent state, no KV
    sliding_window: int | None = None
    q_dim: int = 0  # attention FLOPs per token per context position per layer: 4 x q_dim
    num_layers: int = 0
    hidden_size: int = 0
    notes: tuple[str, ...] = ()

    def expert_fraction(self, tokens: int) -> float:
        """Share of routed experts a step of `tokens` tokens touches (uniform routing)."""
        if not self.num_experts:
            return 0.0
        return 1.0 - (1.0 - self.experts_per_token / self.num_experts) ** max(1, tokens)

    def read_bytes(self, tokens: int) -> float:
        return self.read_dense_bytes + self.expert_bytes * self.expert_fraction(tokens)

    def expert_params_active(self) -> float:
        """Parameters of the routed experts one token uses (their bytes at the model's bytes per parameter)."""
        if not self.num_experts or not self.weights_bytes:
            return 0.0
        per_param = self.weights_bytes / max(1, self.params_total)
        share = self.expert_bytes / per_param * self.experts_per_token / self.num_experts
        return min(float(self.params_active), share)

    def tokens_per_expert(self, tokens: float) -> float:
        """Tokens each routed expert's GEMM sees in a micro-batch (uniform routing): n k / E, at least 1."""
        if not self.num_experts:
            return tokens
        return max(1.0, tokens * self.experts_per_token / self.num_experts)

    def attended(self, depth: float) -> float:
        """Context positions one token attends to, summed over attention layers."""
        window = self.sliding_window or depth
        return self.full_layers * depth + self.sliding_layers * min(depth, window)

    def kv_read_bytes(self, depth: float) -> float:
        return self.kv_bytes_per_token_layer * self.attended(depth)

    def attention_flops(self, depth: float) -> float:
        return 4.0 * self.q_dim * self.attended(depth)


def work_from_totals(
    weights_bytes: int,
    params_total: int,
    params_active: int | None = None,
    *,
    embedding_bytes: int = 0,
    spec: ModelSpec | None = None,
    num_experts: int = 0,
    experts_per_token: int = 0,
    kv_bytes_per_element: float = 2.0,
    notes: tuple[str, ...] = (),
) -> ModelWork:
    """Work for a model known only by its size (a file, a benchmark row): one step reads the active
    share of the weights; with E experts of which k route, the expert bytes X solve
    X (1 - k/E) = W (1 - active/total). Attention and KV shapes come from `spec` when given."""
    active = params_active or params_total
    body = weights_bytes - embedding_bytes
    expert = 0
    if num_experts and experts_per_token and active < params_total:
        expert = int(body * (1 - active / params_total) / (1 - experts_per_token / num_experts))
    else:
        num_experts = experts_per_token = 0
    shape = _shape(spec, kv_bytes_per_element) if spec is not None else {}
    return ModelWork(
        params_total,
        active,
        weights_bytes,
        body - expert,
        expert,
        num_experts,
        experts_per_token,
        notes=notes,
        **shape,
    )


def _shape(spec: ModelSpec, kv_bytes_per_element: float) -> dict:
    return {
        "kv_bytes_per_token_layer": spec.kv_elements_per_token_per_layer() * kv_bytes_per_element,
        "full_layers": spec.num_full_layers,
        "sliding_layers": spec.num_sliding_layers,
        "recurrent_layers": spec.num_linear_layers,
        "sliding_window": spec.sliding_window,
        "q_dim": spec.q_dim,
        "num_layers": spec.num_layers,
        "hidden_size": spec.hidden_size,
    }


def work_from_spec(spec: ModelSpec, deployment: Deployment) -> ModelWork:
    counts = count_params(spec)
    if deployment.engine in GGUF_ENGINES:
        est = estimate_gguf(spec, deployment.quant or "Q4_K_M")
        total = est.tensor_bytes
        embedding = 0 if spec.tie_word_embeddings else est.embedding_bytes
    else:
        quant = spec.quant or (quant_from_flag(deployment.quantization) if deployment.quantization else None)
        dtype = canonical_dtype(deployment.dtype)
        w = weight_bytes(spec, dtype if dtype in DTYPE_BYTES else "fp16", quant)
        total = w.total_bytes
        embedding = 0 if spec.tie_word_embeddings else counts.embedding * 2
    if deployment.weights_bytes:
        scale = deployment.weights_bytes / total
        total, embedding = deployment.weights_bytes, int(embedding * scale)
    # Routed experts are quantized like the other matrices: their bytes follow their element share.
    expert = int(total * counts.expert / counts.total)
    moe = spec.moe
    return ModelWork(
        params_total=counts.total,
        params_active=counts.active,
        weights_bytes=total,
        read_dense_bytes=total - embedding - expert,
        expert_bytes=expert,
        num_experts=moe.num_experts if moe else 0,
        experts_per_token=moe.experts_per_token if moe else 0,
        notes=spec.notes,
        **_shape(spec, deployment.kv_bytes_per_element),
    )


@dataclass(frozen=True)
class Prediction:
    engine: str
    backend: str
    precision: str  # as the user named it: fp16, Q4_K_M, gptq (fp16)
    precision_class: str  # the efficiency.json key
    concurrency: int
    prompt_tokens: int
    output_tokens: int
    context_depth: int
    prefill_tokens_per_s: float
    prefill_tokens_per_s_low: float
    prefill_tokens_per_s_high: float
    ttft_s: float
    ttft_s_low: float
    ttft_s_high: float
    decode_tokens_per_s: float  # per stream
    decode_tokens_per_s_low: float
    decode_tokens_per_s_high: float
    tpot_s: float
    tpot_s_low: float
    tpot_s_high: float
    e2e_s: float
    e2e_s_low: float
    e2e_s_high: float
    throughput_tokens_per_s: float  # output tokens/s over all streams
    throughput_tokens_per_s_low: float
    throughput_tokens_per_s_high: float
    decode_bytes_per_token: float  # weights + KV read per decode step of one stream, all devices
    decode_efficiency: float
    prefill_efficiency: float
    tensor_parallel_size: int = 1
    layer_split: int = 1
    notes: tuple[str, ...] = field(default=())


def default_backend(engine: str, hw: Hardware) -> str:
    platform = hw.profile.platform
    if engine == "vllm":
        return "cuda" if platform == "cuda" else "rocm"
    if engine == "ollama" and platform == "sycl":
        return "vulkan"  # Ollama ships no SYCL build; Intel GPUs run its Vulkan backend
    if platform in ("cpu", "metal", "sycl", "vulkan"):
        return platform
    if engine == "ollama" and arch_class(hw.profile.arch, platform) == "gcn5":
        return "vulkan"  # Ollama's ROCm build refuses gfx906 from 0.12.4 (engine-facts.md section 3)
    return platform


def check_deployment(spec: ModelSpec, hw: Hardware, d: Deployment) -> Deployment:
    """Validate and fill the backend; raises UsageError with the reason."""
    if d.engine not in ENGINES:
        raise UsageError("--engine", d.engine, "unknown engine", hint="use vllm, llamacpp or ollama")
    # the profile's own word first: an engine the card cannot run is the reason, not the backend it would default to
    support = hw.profile.engine(d.engine)
    if not support.supported:
        raise UsageError(
            "--engine", d.engine, f"{hw.profile.display_name}: {support.notes or 'not supported'}"
        )
    if d.engine == "vllm" and spec.quant is not None:
        p = hw.profile
        why = vllm_cannot_run(spec.quant.method, p.platform, p.arch, p.supports("fp8"))
        if why:
            raise UsageError(
                "--engine",
                "vllm",
                f"{spec.quant.method} checkpoint on {p.display_name} ({p.arch}): {why}",
                hint="use --engine llamacpp or --engine ollama (a GGUF of it)",
            )
    backend = (d.backend or default_backend(d.engine, hw)).lower()
    if backend not in BACKENDS:
        raise UsageError(
            "--backend", backend, "unknown backend", hint="use rocm, vulkan, cuda, metal, sycl or cpu"
        )
    platform = hw.profile.platform
    if d.engine == "vllm" and backend not in ("rocm", "cuda"):
        raise UsageError(
            "--backend",
            backend,
            "vLLM runs on ROCm or CUDA only",
            hint="drop --backend, or use --engine llamacpp for Vulkan/CPU",
        )
    if backend == "cpu" and platform != "cpu":
        raise UsageError(
            "--backend",
            "cpu",
            f"{hw.profile.display_name} is a GPU profile",
            hint="use --hardware host to predict CPU inference on this machine",
        )
    if platform == "cpu" and backend != "cpu":
        raise UsageError("--backend", backend, "the host profile runs on the CPU", hint="use --backend cpu")
    native = ("rocm", "cuda", "metal", "sycl")
    if backend in native and backend != platform:
        raise UsageError("--backend", backend, f"{hw.profile.display_name} is a {platform} device")
    if d.engine in GGUF_ENGINES and support.backends and backend not in support.backends:
        raise UsageError(
            "--backend",
            backend,
            f"{d.engine} on {hw.profile.display_name} runs on {', '.join(support.backends)}",
            hint=f"use --backend {support.backends[0]}",
        )
    if d.engine in GGUF_ENGINES:
        try:
            quant = normalise_quant(d.quant or "Q4_K_M")
        except KeyError:
            raise UsageError(
                "--quant",
                d.quant,
                "not a GGUF file type mi50plan knows",
                hint="e.g. Q4_0, Q4_K_M, Q5_K_M, Q6_K, Q8_0, F16",
            ) from None
        d = replace(d, quant=quant)
    tp, ls = d.tensor_parallel_size, d.layer_split
    if tp < 1 or ls < 1:
        raise UsageError("--tensor-parallel-size", tp, "must be 1 or more")
    if tp * ls > hw.count:
        raise UsageError(
            "--gpus", hw.count, f"the deployment uses {tp * ls} devices", hint=f"add --gpus {tp * ls}"
        )
    if tp > 1 and spec.num_attention_heads % tp:
        raise UsageError(
            "--tensor-parallel-size",
            tp,
            f"the head count ({spec.num_attention_heads}) is not divisible by it",
        )
    return replace(d, backend=backend)


def _factor(calibration, key: str) -> float:
    if calibration is None:
        return 1.0
    if isinstance(calibration, Mapping):
        value = calibration.get(key, 1.0)
    else:
        value = getattr(calibration, key, None)
        if value is None:
            value = getattr(calibration, f"{key}_factor", 1.0)
    value = float(value)
    if not value > 0:
        raise UsageError(f"calibration.{key}", value, "must be a positive factor")
    return value


def calibration_value(calibration, key: str) -> float:
    """One figure of a calibration (a stored Calibration or a dict of factors); 0 without one. Raises on a
    negative or non-finite value (a stored calibration is validated; a hand-made dict may not be)."""
    if calibration is None:
        return 0.0
    value = calibration.get(key, 0.0) if isinstance(calibration, Mapping) else getattr(calibration, key, 0.0)
    value = float(value or 0.0)
    if not (value >= 0 and math.isfinite(value)):
        raise UsageError(f"calibration.{key}", value, "must be 0 or more")
    return value


def _overhead(calibration) -> float:
    """The calibrated fixed time per request (HTTP, tokenisation, scheduling) added to TTFT; 0 without one."""
    return calibration_value(calibration, "ttft_overhead_s")


def features_for(spec_is_moe: bool, hw: Hardware, d: Deployment, quant_bits: int | None = None) -> Features:
    p = hw.profile
    prec = precision_class(
        d.engine,
        gguf_quant=d.quant if d.engine in GGUF_ENGINES else None,
        vllm_quant=d.quantization if d.engine == "vllm" else None,
        quant_bits=quant_bits,
        dtype=canonical_dtype(d.dtype),
        bf16_hw=p.supports("bf16"),
    )
    return Features(
        arch_class(p.arch, p.platform),
        prec,
        backend_class(d.backend or "", p.platform),
        d.engine,
        spec_is_moe,
        vendor_class(p.arch, p.platform),
        memory_class(p.arch, p.unified_memory),
        {"current": "recent2", "recent": "recent"}.get(d.build, "") if d.engine in GGUF_ENGINES else "",
    )


def peak_flops(hw: Hardware, precision: str = "", backend: str = "") -> float:
    """The dense rate the GEMMs are measured against: fp16 (matrix units where the chip has them), or
    fp32 where that is faster (Pascal GeForce runs fp16 at 1/64 rate; llama.cpp's CPU path is fp32), or
    half the int8 rate where that is faster: matrix units run int8 at twice their full fp16 rate, and a
    GeForce sheet's fp16 figure is the half rate of fp32 accumulation (RTX 3090: 71 of 142; RTX 4090: 165
    of 330), while llama.cpp accumulates quantized GEMMs in int32 (MMQ) and F16 ones in fp16 (cuBLAS).
    BF16 weights on a chip without BF16 arithmetic (the MI50's gfx906, pre-Ampere NVIDIA) are multiplied
    by rocBLAS/cuBLAS GemmEx in BF16 all the same (ggml-cuda `ggml_cuda_op_mul_mat_cublas`: supports_bf16 is
    true for every AMD and NVIDIA device), which such a chip runs on its FP32 units: the FP32 rate. A profile with
    no int8 figure takes, for a quantized GEMM on `backend`, the dp4a rate where llama.cpp runs one
    (`dp4a_int8_tflops`: Pascal on CUDA)."""
    peaks = hw.profile.peak_tflops
    int8 = peaks.get("int8", 0.0) or dp4a_int8_tflops(hw, precision, backend)
    value = max(peaks.get("fp16", 0.0), peaks.get("fp32", 0.0), int8 / 2)
    if not value:
        raise UsageError("--hardware", hw.name, "the profile has no fp16/fp32 peak_tflops")
    return vector_flops(hw) if precision == "bf16-without-hw" else value * 1e12


def dp4a_int8_tflops(hw: Hardware, precision: str, backend: str) -> float:
    """The int8 rate of a Pascal GeForce/Tesla chip (compute capability 6.1) for llama.cpp's quantized GEMMs on
    CUDA, which its sheets leave out. Such a chip has no fp16 matrix units (and fp16 at 1/64 rate), so ggml-cuda
    runs every quantized GEMM as MMQ on `__dp4a` (mmq.cu `ggml_cuda_should_use_mmq`: NVIDIA without fp16 MMA
    takes MMQ at any batch): one instruction is 4 int8 multiply-adds at the FP32 FMA issue rate, 4x the FP32
    FLOP rate (the Tesla P40's sheet: 47 INT8 TOPS beside 12 FP32 TFLOPS). 0 where it does not apply."""
    if backend != "cuda" or precision not in INT_DOT_PRECISIONS or cuda_capability(hw.profile.arch) != 61:
        return 0.0
    return 4.0 * hw.profile.peak_tflops.get("fp32", 0.0)


def vector_flops(hw: Hardware) -> float:
    """The FP32 vector rate (CUDA cores, stream processors), where dequantisation runs."""
    peaks = hw.profile.peak_tflops
    return (peaks.get("fp32") or peaks.get("fp16", 0.0) / 2 or 1.0) * 1e12


# GGUF block-quant classes: their matrix-vector kernels (ggml-cuda mmvq) take int8 dot products.
INT_DOT_PRECISIONS = ("q4_0", "kquant", "iquant", "q8", "mxfp4")
MMVQ_MAX_BATCH_SIZE = 8  # ggml-cuda mmvq.cuh: wider batches go to MMQ or cuBLAS


def int_dot_extra_instructions(hw: Hardware, backend: str) -> float:
    """Extra instructions per 4-weight dot product where the chip has no int8 dot-product instruction.

    llama.cpp's quantized matrix-vector kernels take each dot product of 4 int8 weights with 4 int8
    activations in one instruction where there is one (ggml-cuda common.cuh `ggml_cuda_dp4a`: CUDA
    `__dp4a` from compute capability 6.1; HIP `sdot4` on gfx906, CDNA and RDNA2, `sudot4` on RDNA3/4).
    Otherwise it falls back: on gfx900 and RDNA1 to inline assembly of four 24-bit multiplies and two
    three-way adds (6 instructions, 5 extra); on every other chip (CUDA below 6.1: the P100's 6.0; GCN4
    gfx803) to C code of four byte multiplies whose operands are first sign-extended from their bytes
    (4 multiply-adds and 8 extractions: about 12 instructions, 11 extra). Counted from the source, not
    timed; none of the fitted rows runs such a chip on such a backend."""
    arch = hw.profile.arch.lower()
    sm = cuda_capability(arch) if backend == "cuda" else None
    if sm is not None:
        return 11.0 if sm < 61 else 0.0
    if backend == "rocm" and arch.startswith("gfx"):
        if arch == "gfx900" or arch.startswith("gfx101"):
            return 5.0
        if arch.startswith("gfx8"):
            return 11.0
    return 0.0


@dataclass(frozen=True)
class Rates:
    """Effective rates of one deployment on one device (bytes/s, FLOP/s) and its fixed costs."""

    bandwidth: float  # weight reads
    kv_bandwidth: float
    compute: float  # prefill GEMMs at a large micro-batch
    attention: float
    batch_compute: float  # batched decode GEMMs
    layer_overhead_s: float = 0.0  # per layer per graph evaluation (launches, synchronisation)
    moe_layer_overhead: float = 0.0  # an MoE layer's extra share of that cost
    recurrent_layer_overhead: float = 0.0  # a recurrent (linear-attention) layer's extra share of it
    gemm_half_tokens: float = 0.0  # GEMM efficiency is n / (n + this) of the large-batch one
    vector_s_per_flop: float = 0.0  # dequantisation on the vector units, per GEMM FLOP
    decode_vector_s_per_flop: float = 0.0  # the same in a matrix-vector decode step
    int_dot_s_per_weight: float = 0.0  # emulated int8 dot products, per weight per decoded token

    def layer_seconds(self, work: ModelWork) -> float:
        """The fixed cost of one graph evaluation: every layer's launches and synchronisation, an MoE
        layer's more (router, top-k, gather and expert kernels), a recurrent layer's more (gates, the
        short convolution, the state update and its copy back, the gated norm)."""
        layers = work.num_layers * (1.0 + self.moe_layer_overhead * (work.num_experts > 0))
        return self.layer_overhead_s * (layers + work.recurrent_layers * self.recurrent_layer_overhead)

    def gemm_seconds(self, flops: float, tokens: int) -> float:
        """Matrix-unit time at this micro-batch plus the vector-unit dequantisation time."""
        return flops * (tokens + self.gemm_half_tokens) / (tokens * self.compute) + flops * self.vector_s_per_flop


def rates_for(hw: Hardware, features: Features, eff: EfficiencyModel) -> tuple[Rates, float, float]:
    """The point-estimate rates; also the decode and prefill efficiencies."""
    d = eff.decode_efficiency(features).value
    p = eff.prefill_efficiency(features).value
    # The KV cache is 16-bit whatever the weights: its read runs at the f16 weight-read efficiency
    # times the fitted kv_read factor (attention kernels read K/V in tiles, not as one stream).
    kv_e = eff.decode_efficiency(replace(features, precision="f16", moe=False)).value
    bw = hw.profile.bandwidth_gbps * 1e9
    peak = peak_flops(hw, features.precision, features.backend)
    rates = Rates(
        bandwidth=bw * d,
        kv_bandwidth=bw * min(MAX_BANDWIDTH_EFFICIENCY, kv_e * eff.cpu_value(features, "kv_read", eff.kv_read)),
        compute=peak * p,
        attention=peak * p * eff.cpu_value(features, "attention", eff.attention_factor(features.backend)),
        batch_compute=peak * p * eff.batch_compute,
        layer_overhead_s=eff.cpu_value(features, "layer_overhead_s", eff.layer_overhead(features.tau_key)),
        moe_layer_overhead=eff.cpu_value(features, "moe_layer_overhead", eff.moe_layer_overhead),
        recurrent_layer_overhead=eff.cpu_value(features, "recurrent_layer_overhead", eff.recurrent_layer_overhead),
        gemm_half_tokens=eff.cpu_value(features, "gemm_half_tokens", eff.gemm_half_tokens),
        vector_s_per_flop=eff.vector_per_flop(features) / vector_flops(hw),
        decode_vector_s_per_flop=eff.vector_per_flop(features, "decode") / vector_flops(hw),
        int_dot_s_per_weight=int_dot_seconds_per_weight(hw, features),
    )
    return rates, d, p


def int_dot_seconds_per_weight(hw: Hardware, features: Features) -> float:
    """Seconds per weight per token of the emulated dot products (`int_dot_extra_instructions`): the
    extra instructions of one 4-weight product at the FP32 rate's instruction rate (one FMA, 2 FLOPs)."""
    if features.engine not in GGUF_ENGINES or features.precision not in INT_DOT_PRECISIONS:
        return 0.0
    return int_dot_extra_instructions(hw, features.backend) / 4.0 / (vector_flops(hw) / 2.0)


@dataclass(frozen=True)
class _Layout:
    tp: int
    stages: int
    comm: dict


def _comm_s(layout: _Layout, work: ModelWork, tokens: int, hw: Hardware) -> float:
    link = hw.profile.interconnect_gbps * 1e9
    act = tokens * work.hidden_size * 2  # fp16 activations
    t = 0.0
    if layout.tp > 1:  # two all-reduces per layer (attention out, MLP out); ring: 2(n-1)/n of the data
        per = layout.comm["allreduce_latency_s"] + act * 2 * (layout.tp - 1) / layout.tp / link
        t += 2 * work.num_layers * per
    if layout.stages > 1:
        t += (layout.stages - 1) * (layout.comm["hop_latency_s"] + act / link)
    return t


def pipeline_factor(micro_batches: int, stages: int) -> float:
    """Time of one logical batch of m micro-batches pipelined over S devices, as a share of running them
    one after another: the first crosses all S stages, then one leaves every 1/S of a micro-batch time
    (every 1/4 once more than GGML_SCHED_MAX_COPIES are in flight)."""
    m, s = micro_batches, stages
    if s <= 1 or m <= 1:
        return 1.0
    p = s if m <= PIPELINE_COPIES else min(s, PIPELINE_COPIES)
    return ((s - 1) / s + m / p) / m


def prefill_seconds(
    work: ModelWork,
    rates: Rates,
    tokens: int,
    start_depth: int,
    ubatch: int,
    layout: _Layout,
    hw: Hardware,
    n_batch: int | None = None,
) -> float:
    """Micro-batch by micro-batch: the weight read or the GEMMs (whichever is longer; a routed expert's
    GEMM sees only the n k / E tokens routed to it), attention at the chunk's depth, the fixed per-layer
    cost of one graph evaluation, communication. With a layer split and `n_batch` (llama.cpp), the
    micro-batches of each logical batch are pipelined over the devices."""
    expert = work.expert_params_active()
    dense = work.params_active - expert
    t = 0.0
    done = 0
    batch = max(ubatch, n_batch or ubatch)
    while done < tokens:
        in_batch = min(batch, tokens - done)
        chunks = math.ceil(in_batch / ubatch)
        factor = pipeline_factor(chunks, layout.stages) if n_batch else 1.0
        end = done + in_batch
        while done < end:
            n = min(ubatch, end - done)
            mid = start_depth + done + n / 2  # causal: on average a token sees half the chunk
            read = work.read_bytes(n) / layout.tp
            gemm = rates.gemm_seconds(2.0 * dense * n / layout.tp, n)
            if expert:
                gemm += rates.gemm_seconds(2.0 * expert * n / layout.tp, work.tokens_per_expert(n))
            attn = n * work.attention_flops(mid) / layout.tp
            chunk = max(read / rates.bandwidth, gemm) + attn / rates.attention
            chunk += rates.layer_seconds(work) + _comm_s(layout, work, n, hw)
            t += chunk * factor
            done += n
    return t


def emulated_int_dot_seconds(work: ModelWork, rates: Rates, streams: int, layout: _Layout) -> float:
    """A decode step's emulated int8 dot products (`int_dot_seconds_per_weight`): each token's, up to the widest
    batch the matrix-vector kernels take; wider batches go to MMQ or cuBLAS."""
    if streams > MMVQ_MAX_BATCH_SIZE:
        return 0.0
    return streams * work.params_active / layout.tp * rates.int_dot_s_per_weight


def decode_step_parts(
    work: ModelWork, rates: Rates, streams: int, depth: float, layout: _Layout, hw: Hardware
) -> tuple[float, float]:
    """(depth-free time, KV-read time) of one decode step: the weight read (or the batched GEMMs),
    the fixed per-layer cost and communication; then the KV cache read at `depth`, per stream."""
    read = work.read_bytes(streams) / layout.tp
    mem = read / rates.bandwidth
    gemm = streams * 2.0 * work.params_active / layout.tp / rates.batch_compute
    fixed = rates.layer_seconds(work) + _comm_s(layout, work, streams, hw)
    # dequantising the weights once per step on the vector units (the kernel does not reach bandwidth)
    fixed += 2.0 * work.params_active / layout.tp * rates.decode_vector_s_per_flop
    fixed += emulated_int_dot_seconds(work, rates, streams, layout)
    kv = streams * work.kv_read_bytes(depth) / layout.tp / rates.kv_bandwidth
    return max(mem, gemm) + fixed, kv


def decode_step_seconds(
    work: ModelWork, rates: Rates, streams: int, depth: float, layout: _Layout, hw: Hardware
) -> float:
    return sum(decode_step_parts(work, rates, streams, depth, layout, hw))


def check_concurrency(concurrency: int, max_concurrency: float | None, context: int) -> None:
    if concurrency < 1:
        raise UsageError("--concurrency", concurrency, "must be 1 or more")
    if max_concurrency is not None and concurrency > max_concurrency:
        raise UsageError(
            "--concurrency",
            concurrency,
            f"the KV cache holds at most {math.floor(max_concurrency)} requests of {context:,} tokens "
            f"(max concurrency {max_concurrency:.2f}x)",
            hint=f"use --concurrency {max(1, math.floor(max_concurrency))} or less, or shorten "
            f"--max-model-len",
        )


def predict(
    spec: ModelSpec,
    hw: Hardware,
    deployment: Deployment,
    prompt_tokens: int,
    output_tokens: int,
    concurrency: int = 1,
    context_depth: int = 0,
    calibration=None,
    *,
    efficiency: EfficiencyModel,
    work: ModelWork | None = None,
    context_limit: int | None = None,
) -> Prediction:
    limit = context_limit or spec.max_position_embeddings
    _check_lengths(
        prompt_tokens, output_tokens, context_depth, concurrency, limit, spec.max_position_embeddings
    )
    d = check_deployment(spec, hw, deployment)
    work = work or work_from_spec(spec, d)
    quant_bits = spec.quant.bits if spec.quant else (8 if d.quantization == "int8" else None)
    return predict_work(
        work,
        hw,
        d,
        prompt_tokens,
        output_tokens,
        concurrency,
        context_depth,
        calibration,
        efficiency=efficiency,
        moe=spec.is_moe or work.num_experts > 0,
        quant_bits=quant_bits,
    )


def _tensor_core_notes(hw: Hardware, d: Deployment, feats: Features) -> list[str]:
    """What the model leaves out on a Turing part without tensor cores (docs/methodology.md section 5)."""
    if feats.backend != "cuda" or not turing_without_tensor_cores(hw.profile.arch, hw.profile.peak_tflops):
        return []
    name = hw.profile.display_name
    if d.engine in GGUF_ENGINES:
        return [
            f"{name} has no tensor cores, but llama.cpp's CUDA build takes its tensor-core (MMA) kernels by "
            "compute capability, and such a chip runs them far below its FP16 rate: prompt processing on CUDA "
            "measured 2.6x below this model on a GTX 1660 and 3x below Vulkan on the same chip (llama.cpp #15233, "
            "PR #15360); --backend vulkan avoids it"
        ]
    if d.engine == "vllm" and canonical_dtype(d.dtype) == "fp16" and not d.quantization:
        return [
            f"{name} has no tensor cores: vLLM reports fp16 batched decode collapsing at 2 or more streams on "
            "this series, with fp32 up to 9x faster there (vLLM #54950); this prediction does not model it"
        ]
    return []


def _check_lengths(
    prompt_tokens: int, output_tokens: int, context_depth: int, concurrency: int, limit: int, model_limit: int
) -> None:
    if prompt_tokens < 1:
        raise UsageError("--prompt-tokens", prompt_tokens, "must be 1 or more")
    if output_tokens < 1:
        raise UsageError("--output-tokens", output_tokens, "must be 1 or more")
    if context_depth < 0:
        raise UsageError("--context-depth", context_depth, "must be 0 or more")
    if concurrency < 1:
        raise UsageError("--concurrency", concurrency, "must be 1 or more")
    needed = context_depth + prompt_tokens + output_tokens
    if needed > limit:
        raise UsageError(
            "--output-tokens",
            output_tokens,
            f"depth {context_depth} + prompt {prompt_tokens} + output {output_tokens} = {needed:,} "
            f"tokens is beyond the context of {limit:,}",
            hint=f"at most {max(0, limit - context_depth - prompt_tokens):,} output tokens fit; or raise "
            f"--max-model-len (up to the model's {model_limit:,})",
        )


def predict_work(
    work: ModelWork,
    hw: Hardware,
    d: Deployment,
    prompt_tokens: int,
    output_tokens: int,
    concurrency: int = 1,
    context_depth: int = 0,
    calibration=None,
    *,
    efficiency: EfficiencyModel,
    moe: bool = False,
    quant_bits: int | None = None,
) -> Prediction:
    """The model itself, for a deployment already checked (check_deployment) and its work known."""
    eff = efficiency
    feats = features_for(moe, hw, d, quant_bits)
    layout = _Layout(d.tensor_parallel_size, d.layer_split, {**DEFAULT_COMMUNICATION, **eff.communication})
    ubatch = d.ubatch or UBATCH[d.engine]
    # A calibration scales the whole measured time (decode step, prefill); `kv` the KV read on top.
    dscale, pscale = _factor(calibration, "decode"), _factor(calibration, "prefill")
    kvscale = _factor(calibration, "kv")
    overhead = _overhead(calibration)
    b = concurrency
    mid_depth = context_depth + prompt_tokens + output_tokens / 2

    rates, de, pe = rates_for(hw, feats, eff)
    n_batch = NBATCH[d.engine] if d.engine in GGUF_ENGINES else None
    prefill_s = prefill_seconds(work, rates, prompt_tokens * b, context_depth, ubatch, layout, hw, n_batch) / pscale
    fixed, kv = decode_step_parts(work, rates, b, mid_depth, layout, hw)
    tpot = fixed / dscale + kv / (dscale * kvscale)
    # The band: the central interval of the leave-one-GPU-out errors of recent-build speeds whose held-out
    # coverage is 80% (efficiency.json "band").
    unseen = eff.unseen_generation(feats)
    d_lo, d_hi = eff.band_factors("decode", unseen)
    p_lo, p_hi = eff.band_factors("prefill", unseen)
    fields: dict[str, float] = {}
    for suffix, pf, df in (("", 1.0, 1.0), ("_low", p_lo, d_lo), ("_high", p_hi, d_hi)):
        t_pre, t_tok = prefill_s / pf, tpot / df
        ttft = t_pre + overhead
        fields[f"prefill_tokens_per_s{suffix}"] = prompt_tokens * b / t_pre
        fields[f"decode_tokens_per_s{suffix}"] = 1.0 / t_tok
        fields[f"throughput_tokens_per_s{suffix}"] = b / t_tok
        # times: the slow edge of a speed is the high edge of its time
        other = {"": "", "_low": "_high", "_high": "_low"}[suffix]
        fields[f"ttft_s{other}"] = ttft
        fields[f"tpot_s{other}"] = t_tok
        fields[f"e2e_s{other}"] = ttft + (output_tokens - 1) * t_tok

    notes = list(work.notes)
    if unseen:
        err = eff.unseen_error
        notes.append(
            f"no published benchmark of the {feats.arch} generation is in the fitted data: the band is the wider "
            "one of GPUs held out alone in their generation"
            + (
                f" (their median error: decode {100 * err['decode']:.0f}%, prefill {100 * err['prefill']:.0f}%)"
                if {"decode", "prefill"} <= err.keys()
                else ""
            )
        )
    if feats.backend == "vulkan" and feats.arch == "gcn5":
        notes.append(
            "Vulkan on gfx906 has cliffs: q4_0 KV at long context and parallel > 1 measured at "
            "5-9 tok/s (measured-benchmarks.csv, Korean MI50 study)"
        )
    emulated = emulated_int_dot_seconds(work, rates, b, layout)
    if emulated:
        notes.append(
            f"{hw.profile.display_name} has no int8 dot-product instruction for llama.cpp's {feats.backend} "
            f"kernels: they emulate it, {1000 * emulated:.1f} ms of each decode step (docs/methodology.md section 5)"
        )
    if feats.precision == "bf16-without-hw":
        notes.append(
            f"{hw.profile.display_name} has no bf16 hardware: BF16 prefill runs about 4x slower than F16"
        )
    notes += _tensor_core_notes(hw, d, feats)
    return Prediction(
        engine=d.engine,
        backend=d.backend or "",
        precision=d.precision_label,
        precision_class=feats.precision,
        concurrency=b,
        prompt_tokens=prompt_tokens,
        output_tokens=output_tokens,
        context_depth=context_depth,
        decode_bytes_per_token=work.read_bytes(1) + work.kv_read_bytes(mid_depth),
        decode_efficiency=de,
        prefill_efficiency=pe,
        tensor_parallel_size=d.tensor_parallel_size,
        layer_split=d.layer_split,
        notes=tuple(notes),
        **fields,
    )
