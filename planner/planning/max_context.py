"""The largest context that fits fully on the GPUs, per engine plan and KV cache type (issue 14 item 4).

Every engine plan is monotone in its context: more tokens, more KV cache and a larger compute buffer.
So the largest fitting context is found by bisection on the engine's own plan, re-planned at each
step, in the engine's context granularity (llama.cpp pads n_ctx to 256; Ollama and vLLM take any
length, searched in 256-token steps too), capped at the model's training context.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace

from planner.core.hardware import Hardware
from planner.core.spec import ModelSpec
from planner.engines.llamacpp import GGUFWeights, LlamaCppOptions, plan_llamacpp
from planner.engines.ollama import OllamaOptions, plan_ollama
from planner.engines.vllm import VllmOptions, plan_vllm
from planner.errors import UsageError

STEP = 256
# KV types each engine can run beside f16 (llama.cpp: a quantized V cache needs flash attention;
# Ollama: OLLAMA_KV_CACHE_TYPE with flash attention; vLLM: --kv-cache-dtype fp8).
KV_TYPES = {"llamacpp": ("f16", "q8_0", "q4_0"), "ollama": ("f16", "q8_0", "q4_0"), "vllm": ("auto", "fp8")}


@dataclass(frozen=True)
class MaxContext:
    """The largest context (tokens) a plan fits fully on its GPUs at its KV type, and at the others."""

    context: int  # at the plan's own KV type; 0 when not even STEP tokens fit
    kv_type: str  # the plan's KV type
    by_kv_type: dict[str, int] = field(default_factory=dict)  # every KV type the engine allows


def largest(fits: Callable[[int], bool], limit: int) -> int:
    """The largest multiple of STEP (or `limit` itself) in [STEP, limit] with fits(n), else 0."""
    if limit >= STEP and fits(limit):
        return limit
    lo, hi = 0, limit // STEP  # fits(lo * STEP) assumed (0 tokens), fits(hi * STEP) false or untested
    if hi == 0:
        return 0
    while hi - lo > 1:
        mid = (lo + hi) // 2
        if fits(mid * STEP):
            lo = mid
        else:
            hi = mid
    return lo * STEP


def _safe(plan: Callable[[], object]) -> bool:
    try:
        return bool(plan().fits)
    except UsageError:
        return False


def for_llamacpp(
    spec: ModelSpec, weights: GGUFWeights, hw: Hardware, opts: LlamaCppOptions, kv_type: str
) -> MaxContext:
    limit = spec.max_position_embeddings
    out = {}
    for t in KV_TYPES["llamacpp"]:
        quantized = t != "f16"
        o = replace(
            opts,
            cache_type_k=t,
            cache_type_v=t,
            flash_attn="on" if quantized else opts.flash_attn,
            n_gpu_layers=None,
        )
        out[t] = largest(lambda n, o=o: _safe(lambda: plan_llamacpp(spec, weights, hw, replace(o, ctx_size=n))), limit)
    return MaxContext(out.get(kv_type, 0), kv_type, out)


def for_ollama(
    spec: ModelSpec, weights: GGUFWeights, hw: Hardware, opts: OllamaOptions, arch: str | None, kv_type: str
) -> MaxContext:
    limit = spec.max_position_embeddings
    out = {}
    for t in KV_TYPES["ollama"]:
        o = replace(opts, kv_cache_type=t, flash_attention=True if t != "f16" else opts.flash_attention, num_gpu=None)
        out[t] = largest(
            lambda n, o=o: _safe(lambda: plan_ollama(spec, weights, hw, replace(o, num_ctx=n), arch)), limit
        )
    return MaxContext(out.get(kv_type, 0), kv_type, out)


def for_vllm(spec: ModelSpec, hw: Hardware, opts: VllmOptions, kv_type: str) -> MaxContext:
    limit = spec.max_position_embeddings
    out = {}
    for t in KV_TYPES["vllm"]:
        o = replace(opts, kv_cache_dtype=t)
        try:
            plan_vllm(spec, hw, replace(o, max_model_len=STEP), suggest=False)
        except UsageError:
            continue  # this KV type is not available here (fp8 KV on gfx906, say)
        out[t] = largest(
            lambda n, o=o: _safe(lambda: plan_vllm(spec, hw, replace(o, max_model_len=n), suggest=False)), limit
        )
    key = "auto" if kv_type not in out else kv_type
    return MaxContext(out.get(key, 0), kv_type, out)
