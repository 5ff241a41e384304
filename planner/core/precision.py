"""Precisions and the bytes a model's weights take under each (docs/methodology.md section 2).

Pure. Weight bytes come from the tensor inventory, so embeddings, lm_head, norms and biases that a
quantization scheme leaves in 16 bit are counted exactly, not folded into one bits-per-weight.
"""

from __future__ import annotations

from dataclasses import dataclass

from planner.core.hardware import cuda_capability
from planner.core.spec import ModelSpec, QuantConfig, ceil_div
from planner.core.tensors import EMBEDDING, EXPERT, LINEAR_W, LM_HEAD, Tensor, tensor_inventory

DTYPE_BYTES = {"fp32": 4, "fp16": 2, "bf16": 2, "fp8": 1, "int8": 1}
DTYPE_ALIASES = {
    "float32": "fp32",
    "float": "fp32",
    "float16": "fp16",
    "half": "fp16",
    "bfloat16": "bf16",
    "fp8_e4m3": "fp8",
    "fp8_e5m2": "fp8",
    "auto": "auto",
}


def canonical_dtype(name: str) -> str:
    key = name.strip().lower()
    return DTYPE_ALIASES.get(key, key)


@dataclass(frozen=True)
class WeightBytes:
    total_bytes: int  # the whole checkpoint as loaded
    per_rank_bytes: int  # on one tensor-parallel rank of one pipeline stage
    quantized_bytes: int  # the part in the quantized format
    unquantized_bytes: int  # embeddings, lm_head, norms, biases, routers kept at the activation dtype
    scheme: str  # "fp16", "gptq int4 g128", ...
    stage_bytes: tuple[int, ...] = ()  # per pipeline stage, on one tensor-parallel rank (pipeline_stages' split)


def pipeline_stages(num_layers: int, pipeline_parallel_size: int) -> list[range]:
    """The layers of each pipeline stage as vLLM splits them (vllm/distributed/utils.py get_pp_indices): L // P
    each, the remainder one more each on the stages before the last, from the second-to-last back (94 layers on 4
    stages: 23, 24, 24, 23)."""
    pp = pipeline_parallel_size
    counts = [num_layers // pp] * pp
    for i in range(2, num_layers % pp + 2):
        counts[-i] += 1
    starts = [sum(counts[:i]) for i in range(pp)]
    return [range(start, start + n) for start, n in zip(starts, counts, strict=True)]


# Synthetic quant configs for "what if" plans and the --quantization flag on an unquantized model.
INT4_GPTQ = QuantConfig("gptq", 4, 128, True)
INT4_AWQ = QuantConfig("awq", 4, 128, True)
INT8_GPTQ = QuantConfig("gptq", 8, 128, True)
FP8_RUNTIME = QuantConfig("fp8", 8, None, False)


# ROCm archs whose vLLM builds run MXFP4 MoE checkpoints: vLLM's gpt-oss recipe (vllm-project/recipes
# OpenAI/GPT-OSS.md: "H100, H200, B200 as well as MI300x, MI325x, MI355x and Radeon AI PRO R9700"; Ampere "by
# default ... Marlin MXFP4 MoE")
VLLM_MXFP4_ROCM_ARCHS = ("gfx942", "gfx950", "gfx1201")


def vllm_cannot_run(method: str | None, platform: str, arch: str, has_fp8: bool) -> str | None:
    """Why vLLM's kernels do not run a checkpoint quantized with `method` on this card, or None. fp8 needs fp8
    hardware, or on CUDA sm80+ Marlin's weight-only fp8 (engines/vllm.py); MXFP4 experts need CUDA sm80+ (Marlin before
    Hopper) or a ROCm arch of VLLM_MXFP4_ROCM_ARCHS. The gfx906 forks run neither."""
    sm = cuda_capability(arch) if platform == "cuda" else None
    if method == "fp8" and not has_fp8 and not (sm is not None and sm >= 80):
        return "vLLM runs fp8 checkpoints on fp8 hardware or, weight-only, with Marlin on CUDA sm80+; neither is here"
    if method == "mxfp4" and not ((sm is not None and sm >= 80) or arch in VLLM_MXFP4_ROCM_ARCHS):
        return (
            "vLLM's MXFP4 MoE kernels run on CUDA sm80+ and ROCm "
            + "/".join(VLLM_MXFP4_ROCM_ARCHS)
            + " (vLLM's gpt-oss "
            "recipe); this card is none of them"
        )
    return None


def quant_from_flag(flag: str) -> QuantConfig:
    table = {
        "gptq": INT4_GPTQ,
        "awq": INT4_AWQ,
        "gptq_marlin": INT4_GPTQ,
        "awq_marlin": INT4_AWQ,
        "fp8": FP8_RUNTIME,
        "int8": INT8_GPTQ,
        "int4": INT4_GPTQ,
    }
    return table[flag.lower()]


def _quantized_tensor_bytes(t: Tensor, q: QuantConfig) -> int:
    """Bytes of one linear tensor in a packed format (vllm/model_executor/layers/quantization)."""
    n = t.elements
    if q.method in ("gptq", "awq"):
        groups_per_row = ceil_div(t.cols, q.group_size) if q.group_size else 1
        group_count = groups_per_row * t.rows * t.experts
        packed = n * q.bits // 8  # qweight: int32 words holding 32/bits values
        scales = group_count * 2  # fp16 scale per group per output
        zeros = group_count * q.bits // 8 if q.has_zero_points else 0  # packed qzeros
        g_idx = t.cols * 4 * t.experts if q.method == "gptq" else 0  # int32 per input channel
        return packed + scales + zeros + g_idx
    if q.method == "fp8":
        if q.block_size:
            br, bc = q.block_size
            return n + ceil_div(t.rows, br) * ceil_div(t.cols, bc) * t.experts * 4  # fp32 block scales
        return n + 4 * t.experts  # one fp32 scale per tensor
    if q.method == "mxfp4":
        return n // 2 + ceil_div(n, 32)  # 4-bit values + one e8m0 scale per 32
    if q.method == "bitsandbytes":
        return n * q.bits // 8 + (ceil_div(n, 64) * 4 if q.bits == 4 else t.rows * 4)
    return n * q.bits // 8


def _is_quantized(t: Tensor, q: QuantConfig) -> bool:
    if t.role not in (LINEAR_W, EXPERT):
        return False
    if q.method == "mxfp4":
        return t.role == EXPERT  # gpt-oss keeps attention and router in bf16 (modules_to_not_convert)
    return True


def weight_bytes(
    spec: ModelSpec,
    dtype: str,
    quant: QuantConfig | None = None,
    tensor_parallel_size: int = 1,
    pipeline_parallel_size: int = 1,
    tensors: list[Tensor] | None = None,
) -> WeightBytes:
    """Weights as loaded: quantized tensors packed, the rest at ``dtype`` (fp16/bf16/fp32)."""
    tensors = tensors if tensors is not None else tensor_inventory(spec)
    act = DTYPE_BYTES[dtype]
    quantized = unquantized = 0
    sharded = replicated = 0
    tp, pp = tensor_parallel_size, pipeline_parallel_size
    stages = pipeline_stages(spec.num_layers, pp) if pp > 1 else []
    # Per stage: its layers; the embedding on the first, the final norm and lm_head on the last, and a tied
    # embedding there too (vLLM's models build embed_tokens on the last rank when the head is tied to it).
    tied = spec.tie_word_embeddings
    stage_sharded, stage_replicated = [0] * pp, [0] * pp
    for t in tensors:
        size = _quantized_tensor_bytes(t, quant) if quant and _is_quantized(t, quant) else t.elements * act
        if quant and _is_quantized(t, quant):
            quantized += size
        else:
            unquantized += size
        # Tensor parallel shards projections, experts and the vocab; norms and small vectors replicate.
        is_sharded = t.role in (LINEAR_W, EXPERT, EMBEDDING, LM_HEAD)
        if is_sharded:
            sharded += size
        else:
            replicated += size
        if stages:
            if t.layer is not None:
                held = [next((i for i, r in enumerate(stages) if t.layer in r), pp - 1)]  # MTP layers: the last
            elif t.role == EMBEDDING:
                held = [0, pp - 1] if tied else [0]
            else:
                held = [pp - 1]
            for i in held:
                if is_sharded:
                    stage_sharded[i] += size
                else:
                    stage_replicated[i] += size
    total = quantized + unquantized
    per_rank = ceil_div(sharded, tp * pp) + ceil_div(replicated, pp)
    stage_bytes = tuple(ceil_div(a, tp) + b for a, b in zip(stage_sharded, stage_replicated, strict=True))
    if quant:
        group = f" g{quant.group_size}" if quant.group_size else ""
        scheme = f"{quant.method} {'int' if quant.method in ('gptq', 'awq') else ''}{quant.bits}{group}".strip()
        if quant.method in ("fp8", "mxfp4"):
            scheme = quant.method
    else:
        scheme = dtype
    return WeightBytes(total, per_rank, quantized, unquantized, scheme, stage_bytes if stages else ())
