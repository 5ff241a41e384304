"""GGUF file sizes per quant, from the per-tensor type mix llama.cpp's quantizer uses. Pure.

llama.cpp does not quantize every tensor to the file type's base type: the output tensor gets Q6_K,
K-quant "_M" files promote attn_v and ffn_down in some layers (use_more_bits), 1-D tensors (norms,
biases) stay F32, and rows whose length is not a multiple of the block size fall back to another
type. Source: src/llama-quant.cpp (llama_tensor_get_type_impl, tensor_type_fallback) as vendored by
llama-cpp-python 0.3.36. docs/methodology.md section 5.
"""

from __future__ import annotations

from dataclasses import dataclass

from planner.core.spec import ModelSpec
from planner.core.tensors import Tensor, tensor_inventory

# ggml type -> (elements per block, bytes per block): ggml/src/ggml.c type_traits.
GGML_TYPES: dict[str, tuple[int, int]] = {
    "F32": (1, 4),
    "F16": (1, 2),
    "BF16": (1, 2),
    "Q4_0": (32, 18),
    "Q4_1": (32, 20),
    "Q5_0": (32, 22),
    "Q5_1": (32, 24),
    "Q8_0": (32, 34),
    "Q8_1": (32, 36),
    "Q2_K": (256, 84),
    "Q3_K": (256, 110),
    "Q4_K": (256, 144),
    "Q5_K": (256, 176),
    "Q6_K": (256, 210),
    "IQ4_NL": (32, 18),
    "IQ4_XS": (256, 136),
    "MXFP4": (32, 17),
    # ggml-common.h static_asserts (QK_K = 256): half scale + the packed grid indices and signs
    "IQ1_S": (256, 50),
    "IQ1_M": (256, 56),
    "IQ2_XXS": (256, 66),
    "IQ2_XS": (256, 74),
    "IQ2_S": (256, 82),
    "IQ3_XXS": (256, 98),
    "IQ3_S": (256, 110),
    "TQ1_0": (256, 54),
    "TQ2_0": (256, 66),
}
# tensor_type_fallback: a type whose block does not divide the row length falls back.
_FALLBACK = {
    "Q2_K": "Q4_0",
    "Q3_K": "Q4_0",
    "TQ1_0": "Q4_0",
    "TQ2_0": "Q4_0",
    "Q4_K": "Q5_0",
    "Q5_K": "Q5_1",
    "Q6_K": "Q8_0",
    **{t: "IQ4_NL" for t in ("IQ1_S", "IQ1_M", "IQ2_XXS", "IQ2_XS", "IQ2_S", "IQ3_XXS", "IQ3_S", "IQ4_XS")},
}
# File type -> base tensor type.
FILE_TYPES: dict[str, str] = {
    "F32": "F32",
    "F16": "F16",
    "BF16": "BF16",
    "Q8_0": "Q8_0",
    "Q4_0": "Q4_0",
    "Q4_1": "Q4_1",
    "Q5_0": "Q5_0",
    "Q5_1": "Q5_1",
    "Q2_K": "Q2_K",
    "Q2_K_S": "Q2_K",
    "Q3_K_S": "Q3_K",
    "Q3_K_M": "Q3_K",
    "Q3_K_L": "Q3_K",
    "Q4_K_S": "Q4_K",
    "Q4_K_M": "Q4_K",
    "Q5_K_S": "Q5_K",
    "Q5_K_M": "Q5_K",
    "Q6_K": "Q6_K",
    "IQ4_XS": "IQ4_XS",
    "IQ4_NL": "IQ4_NL",
    "MXFP4": "MXFP4",
    # llama_ftype_get_default_type: IQ2_S files start from IQ2_XS, IQ2_M from IQ2_S, IQ3_XS/IQ3_S/IQ3_M from IQ3_S
    "IQ1_S": "IQ1_S",
    "IQ1_M": "IQ1_M",
    "IQ2_XXS": "IQ2_XXS",
    "IQ2_XS": "IQ2_XS",
    "IQ2_S": "IQ2_XS",
    "IQ2_M": "IQ2_S",
    "IQ3_XXS": "IQ3_XXS",
    "IQ3_XS": "IQ3_S",
    "IQ3_S": "IQ3_S",
    "IQ3_M": "IQ3_S",
    "TQ1_0": "TQ1_0",
    "TQ2_0": "TQ2_0",
}
# Files the quantizer makes only with an importance matrix (tensor_requires_imatrix: a tensor of type IQ1_S,
# IQ1_M, IQ2_XXS, IQ2_XS, IQ2_S or IQ3_XXS, or Q2_K in a Q2_K_S file): their rules take the imatrix branches.
# Every other file is sized as made without one (llama-quantize's default).
_IMATRIX_FILES = ("IQ1_S", "IQ1_M", "IQ2_XXS", "IQ2_XS", "IQ2_S", "IQ2_M", "IQ3_XXS", "IQ3_XS", "Q2_K_S")
_IQ2_FAMILY = ("IQ2_XXS", "IQ2_XS", "IQ1_S", "IQ2_S", "IQ2_M", "IQ1_M")
COMMON_QUANTS = ("Q4_0", "Q4_1", "Q4_K_M", "Q5_K_M", "Q6_K", "Q8_0", "F16", "IQ4_XS")
# GGUF header plus tokenizer metadata: a few MB (the 7B reference: 4,683,073,184 B file vs tensors).
HEADER_BYTES_ESTIMATE = 6 * 2**20


def tensor_type_bytes(ggml_type: str, elements: int) -> int:
    block, size = GGML_TYPES[ggml_type]
    return -(-elements // block) * size


def _use_more_bits(i_layer: int, n_layers: int) -> bool:
    return i_layer < n_layers // 8 or i_layer >= 7 * n_layers // 8 or (i_layer - n_layers // 8) % 3 == 2


def native_gguf_quant(spec: ModelSpec) -> str | None:
    """The GGUF type a checkpoint's own quantization is published in, where every GGUF of it keeps that type:
    MXFP4 for a checkpoint whose experts ship in MXFP4 (gpt-oss: ggml-org's GGUF and Ollama's tags are MXFP4, and
    tensor_type keeps the experts MXFP4 in any other type). None for everything else (the planner's Q4_K_M)."""
    return "MXFP4" if spec.quant is not None and spec.quant.method == "mxfp4" else None


def default_gguf_quant(spec: ModelSpec) -> str:
    """The GGUF type planned when none is asked: the checkpoint's own (native_gguf_quant), else Q4_K_M."""
    return native_gguf_quant(spec) or "Q4_K_M"


def gguf_quants_to_try(spec: ModelSpec, usual: tuple[str, ...]) -> list[str]:
    """The GGUF types a search tries: the checkpoint's own alone where its other types differ only in name (gpt-oss's
    MXFP4), else the `usual` ones."""
    native = native_gguf_quant(spec)
    return [native] if native else list(usual)


def normalise_quant(name: str) -> str:
    key = name.strip().upper().replace("-", "_")
    if key not in FILE_TYPES:
        raise KeyError(name)
    return key


_ATTN_V_LIKE = ("attn_v", "attn_qkv", "attn_kv_b")  # category_is_attn_v
_IQ2_ATTN_OUT = {"IQ1_S": "IQ2_XXS", "IQ1_M": "IQ2_XXS", "IQ2_S": "IQ3_S", "IQ2_M": "IQ3_S"}
_MOE8_ATTN_OUT_Q5K = (
    "Q2_K", "IQ3_XS", "IQ3_XXS", "Q3_K_S", "Q3_K_M", "IQ4_NL", "Q4_K_S", "Q4_K_M", "IQ3_S", "IQ3_M", "IQ4_XS",
)  # fmt: skip
_DENSE_ATTN_OUT = {"Q2_K": "Q3_K", "IQ3_XXS": "IQ3_S", "Q3_K_M": "Q4_K", "Q3_K_L": "Q5_K", "IQ3_M": "Q4_K"}


def _attn_v_type(quant: str, new: str, gqa: int, index: int, count: int) -> str:
    if quant == "Q2_K":
        return "Q4_K" if gqa >= 4 else "Q3_K"
    if quant == "Q2_K_S" and gqa >= 4 or quant in ("IQ3_XS", "IQ3_S") and gqa >= 4 or quant == "IQ3_M":
        return "Q4_K"
    if quant == "IQ3_XXS":
        return "Q4_K" if gqa >= 4 else ("IQ3_XXS" if quant in _IMATRIX_FILES else "IQ3_S")
    if quant == "Q3_K_M":
        return "Q5_K" if index < 2 else "Q4_K"
    if quant == "Q3_K_L" or quant in ("IQ4_NL", "IQ4_XS") and gqa >= 4:
        return "Q5_K"
    if quant in ("Q4_K_M", "Q5_K_M") and _use_more_bits(index, count):
        return "Q6_K"
    if quant == "Q4_K_S" and index < 4:
        return "Q5_K"
    return new


def _ffn_down_type(quant: str, new: str, i: int, n: int, n_expert: int) -> str:
    imatrix = quant in _IMATRIX_FILES
    if quant == "Q2_K":
        return "Q3_K"
    if quant == "Q2_K_S":
        return "Q4_K" if i < n // 8 else new
    if quant == "IQ3_XXS" and not imatrix:
        return "Q4_K" if i < n // 8 else "Q3_K"
    if quant == "Q3_K_M":
        return "Q5_K" if i < n // 16 else "Q4_K"  # Q3_K only on Falcon
    if quant == "IQ3_M" and (i < n // 8 or n_expert == 8 and _use_more_bits(i, n)):
        return "Q4_K"
    if quant == "Q3_K_L":
        return "Q5_K"
    if quant in ("Q4_K_M", "Q5_K_M"):
        return "Q6_K" if _use_more_bits(i, n) else new
    if quant in ("IQ4_NL", "IQ4_XS") and i < n // 8 and not imatrix or quant == "Q4_K_S" and i < n // 8:
        return "Q5_K"
    return new


def tensor_type(
    t: Tensor, quant: str, spec: ModelSpec, attn_v_index: int, n_attn_v: int, ffn_down_index: int = 0
) -> str:
    """The type llama.cpp's quantizer gives one tensor in a `quant` file (llama_tensor_get_type_impl for the
    tensor categories of tensor_get_category; a non-Falcon architecture; the imatrix branches for the files
    that need one, _IMATRIX_FILES). attn_v_index / ffn_down_index count the attn_v-like / ffn_down tensors
    seen before this one (the quantizer's i_attention_wv / i_ffn_down)."""
    base = FILE_TYPES[quant]
    if (
        t.rows == 1
        and t.experts == 1
        or t.name.endswith(".bias")
        or "norm" in t.name
        or t.name
        in (
            "ssm_conv1d",
            "ssm_a_log",
            "ssm_dt_bias",
            "attn_sinks",
            "exp_probs_b",
            "ffn_gate_inp",
            "ffn_gate_inp_shexp",
        )
    ):
        # 1-D and tiny tensors, and the router (conversion/base.py keeps FFN_GATE_INP in F32; llama-quant.cpp
        # tensor_allows_quantization leaves it alone)
        return "F32"
    if t.experts > 1 and native_gguf_quant(spec) == "MXFP4":
        # A checkpoint whose experts ship in MXFP4 (gpt-oss): convert_hf_to_gguf.py repacks them as MXFP4
        # (GptOssModel), and llama-quantize refuses to requantize a quantized tensor without --allow-requantize, so
        # every published GGUF of it keeps them (bartowski's: "All quants keep the feed forward networks at mxfp4";
        # llama-bench prints 12.83 GiB for a gpt-oss-20b "F16" file, 11.27 GiB for its MXFP4 one: methodology 4).
        return "MXFP4"
    if base in ("F32", "F16", "BF16"):
        return base
    n_expert = spec.moe.num_experts if spec.moe else 0
    gqa = spec.num_attention_heads // max(1, spec.num_kv_heads)
    name = t.name
    new = base
    if name == "output" or name == "token_embd" and spec.tie_word_embeddings:
        if quant == "MXFP4" or t.cols % GGML_TYPES[base][0]:
            new = "Q8_0"
        elif quant in ("IQ2_XXS", "IQ2_XS", "IQ3_XXS", "IQ1_S", "IQ2_S", "IQ2_M", "IQ1_M"):
            new = "Q5_K"
        elif base != "Q8_0":
            new = "Q6_K"
    elif quant == "MXFP4":
        new = "MXFP4" if t.experts > 1 else "Q8_0"
    elif name == "token_embd":
        if quant in ("IQ2_XXS", "IQ2_XS", "IQ1_S", "IQ1_M"):
            new = "Q2_K"
        elif quant in ("IQ2_S", "IQ2_M", "IQ3_XXS"):
            new = "IQ3_S"
        elif quant in ("TQ1_0", "TQ2_0"):
            new = "Q4_K"
    elif quant in _IQ2_FAMILY:
        small = "IQ3_S" if quant in ("IQ2_S", "IQ2_M") else "Q2_K"
        if name in _ATTN_V_LIKE:
            new = "Q4_K" if gqa >= 4 or n_expert >= 4 else small
        elif name == "attn_k" and n_expert == 8:
            new = "Q4_K"
        elif name.startswith("ffn_down"):
            new = small if ffn_down_index < spec.num_layers // 8 else new
        elif name == "attn_output":
            new = "Q5_K" if n_expert == 8 else _IQ2_ATTN_OUT.get(quant, new)
    elif name in _ATTN_V_LIKE:
        new = _attn_v_type(quant, new, gqa, attn_v_index, n_attn_v)
        if spec.num_layers == 80 and spec.model_type in ("llama", "qwen2") and new in ("Q3_K", "Q4_K"):
            new = "Q5_K"  # LLM_TYPE_70B (80 layers): attn_v is 8x smaller than attn_q there
        if n_expert == 8:
            new = "Q8_0"
    elif name == "attn_k":
        new = "Q8_0" if n_expert == 8 else {"IQ3_XS": "IQ3_XXS", "IQ3_XXS": "IQ2_S"}.get(quant, new)
    elif name == "attn_q":
        new = {"IQ3_XS": "IQ3_XXS", "IQ3_XXS": "IQ2_S"}.get(quant, new)
    elif name.startswith("ffn_down") and t.layer is not None:
        new = _ffn_down_type(quant, new, t.layer, spec.num_layers, n_expert)
    elif name == "attn_output":
        moe8 = "Q5_K" if quant in _MOE8_ATTN_OUT_Q5K else new
        new = moe8 if n_expert == 8 else _DENSE_ATTN_OUT.get(quant, new)
    elif name.startswith(("ffn_gate", "ffn_up")) and t.layer is not None and quant == "IQ3_XS":
        n = spec.num_layers
        new = "IQ3_XXS" if n // 8 <= t.layer < 7 * n // 8 else new
    block = GGML_TYPES[new][0]
    if t.cols % block:
        new = _FALLBACK.get(new, new if block <= 32 else "F16")
        if t.cols % GGML_TYPES[new][0]:
            new = "F16"
    return new


@dataclass(frozen=True)
class GGUFEstimate:
    quant: str
    file_bytes: int  # tensors + header estimate
    tensor_bytes: int
    bits_per_weight: float
    type_bytes: dict[str, int]  # bytes per ggml type, to show the mix
    layer_bytes: tuple[int, ...]  # per repeating layer, for offload planning
    output_bytes: int  # output (lm_head) tensor, or the tied embedding's share on the GPU
    embedding_bytes: int  # token_embd (stays on the CPU in llama.cpp unless tied)


def tensor_types(spec: ModelSpec, quant: str, tensors: list[Tensor] | None = None) -> list[tuple[Tensor, str]]:
    """Each tensor with the type the quantizer gives it, in file order (the counters of attn_v-like and ffn_down
    tensors run as llama-quant.cpp's i_attention_wv / i_ffn_down do)."""
    quant = normalise_quant(quant)
    tensors = tensors if tensors is not None else tensor_inventory(spec)
    n_attn_v = sum(1 for t in tensors if t.name in _ATTN_V_LIKE)
    attn_v_seen = ffn_down_seen = 0
    out = []
    for t in tensors:
        out.append((t, tensor_type(t, quant, spec, attn_v_seen, n_attn_v, ffn_down_seen)))
        attn_v_seen += t.name in _ATTN_V_LIKE
        ffn_down_seen += t.name.startswith("ffn_down")
    return out


def estimate_gguf(spec: ModelSpec, quant: str, tensors: list[Tensor] | None = None) -> GGUFEstimate:
    quant = normalise_quant(quant)
    return estimate_from_types(spec, quant, tensor_types(spec, quant, tensors))


def estimate_from_types(spec: ModelSpec, quant: str, typed: list[tuple[Tensor, str]]) -> GGUFEstimate:
    """A file's sizes from its tensors and their ggml types: per type, per repeating layer, output and embedding."""
    type_bytes: dict[str, int] = {}
    layer_bytes = [0] * spec.num_layers
    output = embedding = total = elements = 0
    for t, ttype in typed:
        size = tensor_type_bytes(ttype, t.elements)
        type_bytes[ttype] = type_bytes.get(ttype, 0) + size
        total += size
        elements += t.elements
        if t.layer is not None:
            layer_bytes[t.layer] += size
        elif t.name == "output":
            output += size
        elif t.name == "token_embd":
            embedding += size
        else:
            output += size  # output_norm travels with the output layer
    return GGUFEstimate(
        quant=quant,
        file_bytes=total + HEADER_BYTES_ESTIMATE,
        tensor_bytes=total,
        bits_per_weight=8 * total / elements,
        type_bytes=type_bytes,
        layer_bytes=tuple(layer_bytes),
        output_bytes=output,
        embedding_bytes=embedding,
    )
