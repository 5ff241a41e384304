"""Tensor types of models Ollama converts itself for its library, where they differ from llama-quantize's. Pure.

Ollama's gpt-oss tags (gpt-oss:20b, gpt-oss:120b) were not made by llama-quantize: its own converter wrote them
when gpt-oss shipped (ollama/ollama v0.11.0, 2025-08-05, PR #11672 "gpt-oss"), from OpenAI's original checkpoint
(convert/convert_gptoss.go at v0.11.0): the experts' `.blocks`/`.scales` pairs become MXFP4 and every other tensor
keeps the kind convert/reader.go tensorBase.Kind() gives it: `*.ffn_gate_inp.weight` (the router) and 1-D tensors
(norms, attention biases, sinks) F32, every other 2-D tensor BF16 (the attention, token_embd, output and the 2-D
expert biases). general.file_type 4 is fs/ggml fileTypeMXFP4, the "file_type=MXFP4" O22's Ollama log prints.
core/gguf_quant.py's MXFP4 mix is llama-quantize's MXFP4_MOE (the non-expert matrices in Q8_0), which stays right
for llama.cpp's own GGUFs; this module only answers for Ollama library tags. docs/methodology.md section 4, "Ollama".
"""

from __future__ import annotations

from planner.core.gguf_quant import GGUFEstimate, estimate_from_types, normalise_quant
from planner.core.spec import ModelSpec
from planner.core.tensors import Tensor, tensor_inventory

GPTOSS_MODEL_TYPES = ("gpt_oss",)


def gptoss_library_type(t: Tensor) -> str:
    """The type convert/convert_gptoss.go (v0.11.0) writes a gpt-oss tensor with."""
    if t.experts > 1 and t.rows > 1:
        return "MXFP4"  # the experts' .blocks/.scales pairs
    if t.name == "ffn_gate_inp" or (t.rows == 1 and t.experts == 1):
        return "F32"  # the router, and 1-D tensors: norms, attention biases, sinks
    return "BF16"  # attention, token_embd, output, and the [experts, n] expert biases


def library_estimate(spec: ModelSpec, quant: str) -> GGUFEstimate | None:
    """The sizes of an Ollama library blob whose tensor types Ollama's own converter chose (gpt-oss, MXFP4), laid
    out as core/gguf_quant.py estimate_gguf lays out its estimate; None where the library blob is llama-quantize's."""
    if spec.model_type not in GPTOSS_MODEL_TYPES or normalise_quant(quant) != "MXFP4":
        return None
    return estimate_from_types(spec, "MXFP4", [(t, gptoss_library_type(t)) for t in tensor_inventory(spec)])
