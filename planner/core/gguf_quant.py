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
}
# tensor_type_fallback: a type whose block does not divide the row length falls back.
_FALLBACK = {
    "Q2_K": "Q4_0",
    "Q3_K": "Q4_0",
    "Q4_K": "Q5_0",
    "Q5_K": "Q5_1",
    "Q6_K": "Q8_0",
    "IQ4_XS": "IQ4_NL",
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
    "Q3_K_M": "Q3_K",
    "Q4_K_S": "Q4_K",
    "Q4_K_M": "Q4_K",
    "Q5_K_S": "Q5_K",
    "Q5_K_M": "Q5_K",
    "Q6_K": "Q6_K",
    "IQ4_XS": "IQ4_XS",
    "IQ4_NL": "IQ4_NL",
    "MXFP4": "MXFP4",
}
COMMON_QUANTS = ("Q4_0", "Q4_1", "Q4_K_M", "Q5_K_M", "Q6_K", "Q8_0", "F16", "IQ4_XS")
# GGUF header plus tokenizer metadata: a few MB (the 7B reference: 4,683,073,184 B file vs tensors).
HEADER_BYTES_ESTIMATE = 6 * 2**20


def tensor_type_bytes(ggml_type: str, elements: int) -> int:
    block, size = GGML_TYPES[ggml_type]
    return -(-elements // block) * size


def _use_more_bits(i_layer: int, n_layers: int) -> bool:
    return i_layer < n_layers // 8 or i_layer >= 7 * n_layers // 8 or (i_layer - n_layers // 8) % 3 == 2


def normalise_quant(name: str) -> str:
    key = name.strip().upper().replace("-", "_")
    if key not in FILE_TYPES:
        raise KeyError(name)
    return key


def tensor_type(t: Tensor, quant: str, spec: ModelSpec, attn_v_index: int, n_attn_v: int) -> str:
    """The type llama.cpp's quantizer gives one tensor in a `quant` file."""
    base = FILE_TYPES[quant]
    if (
        t.rows == 1
        and t.experts == 1
        or t.name.endswith(".bias")
        or "norm" in t.name
        or t.name
        in ("ssm_conv1d", "ssm_a_log", "ssm_dt_bias", "attn_sinks", "exp_probs_b", "ffn_gate_inp_shexp")
    ):
        return "F32"  # 1-D and tiny tensors stay F32
    if base in ("F32", "F16", "BF16"):
        return base
    if quant == "MXFP4":
        return "MXFP4" if t.experts > 1 else "Q8_0"
    n_expert = spec.moe.num_experts if spec.moe else 0
    new = base
    is_output = t.name == "output" or (t.name == "token_embd" and spec.tie_word_embeddings)
    if is_output:
        new = base if base == "Q8_0" else "Q6_K"
    elif t.name == "token_embd":
        new = base
    elif t.name in ("attn_v",):
        if quant == "Q3_K_M":
            new = "Q5_K" if attn_v_index < 2 else "Q4_K"
        elif quant in ("IQ4_XS", "IQ4_NL") and spec.num_attention_heads // spec.num_kv_heads >= 4:
            new = "Q5_K"
        elif quant in ("Q4_K_M", "Q5_K_M") and _use_more_bits(attn_v_index, n_attn_v):
            new = "Q6_K"
        elif quant == "Q4_K_S" and attn_v_index < 4:
            new = "Q5_K"
        if n_expert == 8:
            new = "Q8_0"
    elif t.name == "attn_k" and n_expert == 8:
        new = "Q8_0"
    elif t.name in ("ffn_down", "ffn_down_exps", "ffn_down_shexp") and t.layer is not None:
        i, n = t.layer, spec.num_layers
        if quant == "Q2_K":
            new = "Q3_K"
        elif quant == "Q3_K_M":
            new = "Q5_K" if i < n // 16 else "Q4_K"
        elif quant == "Q4_K_M" and _use_more_bits(i, n) or quant == "Q5_K_M" and _use_more_bits(i, n):
            new = "Q6_K"
        elif quant == "Q4_K_S" and i < n // 8 or quant in ("IQ4_XS", "IQ4_NL") and i < n // 8:
            new = "Q5_K"
    elif t.name == "attn_output":
        if n_expert == 8 and quant in ("Q2_K", "Q3_K_M", "Q4_K_S", "Q4_K_M", "IQ4_XS", "IQ4_NL"):
            new = "Q5_K"
        elif quant == "Q2_K":
            new = "Q3_K"
        elif quant == "Q3_K_M":
            new = "Q4_K"
    block = GGML_TYPES[new][0]
    if t.cols % block:
        new = _FALLBACK.get(new, "F16")
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


def estimate_gguf(spec: ModelSpec, quant: str, tensors: list[Tensor] | None = None) -> GGUFEstimate:
    quant = normalise_quant(quant)
    tensors = tensors if tensors is not None else tensor_inventory(spec)
    n_attn_v = sum(1 for t in tensors if t.name == "attn_v")
    attn_v_seen = 0
    type_bytes: dict[str, int] = {}
    layer_bytes = [0] * spec.num_layers
    output = embedding = total = elements = 0
    for t in tensors:
        ttype = tensor_type(t, quant, spec, attn_v_seen, n_attn_v)
        if t.name == "attn_v":
            attn_v_seen += 1
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
