"""The rotary position embeddings a config declares, one entry per distinct rope (docs/methodology.md 3.1).

Pure: reads the config's rope fields (rope_scaling / rope_parameters, partial_rotary_factor, Gemma 3's
rope_local_base_freq ...) under the names vLLM's config patching gives them (transformers_utils/config.py
patch_rope_parameters_dict: a legacy "type" becomes "rope_type", "su" becomes "longrope", "mrope" becomes
"default" with its mrope_section). What each rope costs in memory is the engine's business (engines/vllm.py).
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from planner.errors import ConfigError
from planner.schemas import MAX_CONTEXT, MAX_HEAD_DIM


@dataclass(frozen=True)
class Rope:
    """One rotary embedding as vLLM's get_rope builds it: its key fields, without the base frequency."""

    rope_type: str  # default | linear | dynamic | ntk | yarn | deepseek_yarn | llama3 | longrope | ...
    max_position: int  # the max_position get_rope receives: the config's max_position_embeddings
    rotary_dim: int  # head size x partial rotary factor
    factor: float = 1.0
    original_max_position: int | None = None  # yarn, deepseek_yarn, longrope, llama3
    mrope: bool = False  # a multimodal (M-RoPE) section list: MRotaryEmbedding
    dynamic_alpha: bool = False  # dynamic NTK given as alpha (DynamicNTKAlphaRotaryEmbedding)
    theta: float = 0.0  # the base: two ropes differing only here are two caches (Gemma 3's local and global)
    float32: bool = False  # the model passes dtype=torch.float32 to get_rope (gpt-oss); else the model dtype


def _number(value: object) -> float | None:
    """A positive number from a config field, None for anything else (configs are checked only loosely here)."""
    if isinstance(value, (int, float)) and not isinstance(value, bool) and value > 0:
        return float(value)
    return None


def _check(value: object, hi: int, name: str, where: str, whole: bool = False) -> None:
    """A config field the rope caches are sized by: absent, or a positive number up to hi, a whole one where it
    counts rows or dimensions (else ConfigError)."""
    if value is None:
        return
    if _number(value) is None or value > hi or whole and not float(value).is_integer():
        kind = "whole number" if whole else "number"
        raise ConfigError(where, f"{name} must be a positive {kind} up to {hi}, got {value!r}")


def _params(cfg: dict, outer: dict) -> dict:
    for source in (cfg, outer):
        for key in ("rope_parameters", "rope_scaling"):
            value = source.get(key)
            if isinstance(value, dict) and value:
                return value
    return {}


def _one(
    params: dict, max_pos: int, rotary_dim: int, theta: float, mla: bool, original: float | None, where: str
) -> Rope:
    rope_type = str(params.get("rope_type") or params.get("type") or "default")
    # vLLM sizes a scaled rope's cache by these (original or max_position x factor rows): positive and bounded
    _check(params.get("factor"), MAX_CONTEXT, "rope scaling 'factor'", where)
    key = "original_max_position_embeddings"
    _check(params.get(key), MAX_CONTEXT, f"rope scaling '{key}'", where, whole=True)
    if rope_type == "su":
        rope_type = "longrope"
    mrope = "mrope_section" in params
    if rope_type == "mrope":
        rope_type = "default"
    if mla and rope_type != "default":
        rope_type = "deepseek_yarn"  # models/deepseek_v2.py: every scaled MLA rope runs DeepSeek's YaRN
    factor = _number(params.get("factor"))
    original = _number(params.get("original_max_position_embeddings")) or original
    return Rope(
        rope_type=rope_type,
        max_position=max_pos,
        rotary_dim=rotary_dim,
        factor=factor or 1.0,
        original_max_position=int(original) if original else None,
        mrope=mrope,
        dynamic_alpha=rope_type == "dynamic" and "alpha" in params,
        theta=_number(params.get("rope_theta")) or theta,
    )


def ropes_from_config(
    cfg: dict,
    outer: dict,
    model_type: str,
    head_dim: int,
    max_pos: int,
    mla_rope_dim: int | None,
    where: str = "config.json",
) -> tuple[Rope, ...]:
    """The distinct ropes of a model (vLLM's get_rope shares one instance per distinct configuration)."""
    if cfg.get("alibi") or cfg.get("position_embedding_type") in ("alibi", "absolute"):
        return ()
    params = _params(cfg, outer)
    # transformers_utils/config.py: partial_rotary_factor, rotary_pct or rotary_emb_fraction, into rope_parameters
    partial = _number(params.get("partial_rotary_factor")) or next(
        (f for k in ("partial_rotary_factor", "rotary_pct", "rotary_emb_fraction") if (f := _number(cfg.get(k)))), None
    )
    head = mla_rope_dim or head_dim
    _check(cfg.get("rotary_dim"), MAX_HEAD_DIM, "'rotary_dim'", where, whole=True)
    if cfg.get("rotary_dim") is not None and not mla_rope_dim:
        rotary_dim = int(cfg["rotary_dim"])  # MiniMax-M2: rotary_dim given, partial = rotary_dim / head_dim
    elif partial and partial <= 1:
        rotary_dim = int(head * partial)
    else:
        rotary_dim = head
    theta = _number(cfg.get("rope_theta")) or 0.0
    mla = mla_rope_dim is not None
    # the top-level original_max_position_embeddings (Phi-3) joins the rope parameters (vLLM's config patching)
    _check(cfg.get("original_max_position_embeddings"), MAX_CONTEXT, "'original_max_position_embeddings'", where, True)
    original = _number(cfg.get("original_max_position_embeddings"))
    # transformers v5 configs key the parameters by layer type (Gemma 3: full_attention / sliding_attention)
    by_layer = [v for k, v in params.items() if k.endswith("_attention") and isinstance(v, dict)]
    if by_layer:
        ropes = [_one(p, max_pos, rotary_dim, theta, mla, original, where) for p in by_layer]
    else:
        ropes = [_one(params, max_pos, rotary_dim, theta, mla, original, where)]
        if model_type in ("gemma3", "gemma3_text"):
            # models/gemma3.py: sliding layers override the rope with the default type at rope_local_base_freq
            # (transformers' Gemma3TextConfig default 10,000)
            local = _number(cfg.get("rope_local_base_freq")) or 10_000.0
            ropes.append(Rope("default", max_pos, rotary_dim, theta=local))
    if model_type == "gpt_oss":
        # models/gpt_oss.py (0.11.0, 0.19.0): get_rope(..., dtype=torch.float32, rope_type "yarn")
        ropes = [replace(r, float32=True) for r in ropes]
    return tuple(dict.fromkeys(ropes))
