"""A multimodal model's vision tower and projector, counted from its config's ``vision_config``.

Pure. vLLM loads the tower with the language model ("Model loading took" includes it), so its bytes go into
vLLM's weights; llama.cpp and Ollama load it from a separate projector file (--mmproj, the projector GGUF),
whose GGUF text model has no vision tensors, so the tensor inventory (core/tensors.py) stays text-only.
Each count follows the architecture's modeling code (vLLM 0.19.0 model_executor/models: siglip.py with
gemma3_mm.py, qwen2_vl.py, qwen2_5_vl.py, qwen3_vl.py, pixtral.py with mistral3.py, mllama4.py; the same
modules in transformers). docs/methodology.md section 1.
"""

from __future__ import annotations

from dataclasses import dataclass

from planner.errors import ConfigError
from planner.schemas import MAX_INTERMEDIATE


@dataclass(frozen=True)
class VisionWeights:
    """A multimodal checkpoint's vision tower and projector as vLLM loads them (Gemma 3 SigLIP, Qwen2/2.5/3-VL,
    Pixtral, Llama 4); not the GGUF projector of engines/llamacpp.VisionTower."""

    params: int  # tower + projector, as the checkpoint stores them
    sharded_params: int  # the linear weights and biases vLLM shards across tensor-parallel ranks
    hidden_size: int
    intermediate_size: int
    # The profile run's dummy item (docs/methodology.md 3.10); None where the item's size is not traced.
    tokens_per_item: int | None = None  # embeddings one item gives the language model
    patches_per_item: int | None = None  # the encoder's sequence length for one item
    pixels_per_item: int | None = None  # elements of one item's pixel_values

    @property
    def replicated_params(self) -> int:
        return self.params - self.sharded_params


def _real(cfg: dict, key: str, where: str, default: float | None = None) -> float:
    # bounded like the text model's widths (planner.schemas), so that the counts stay finite
    value = cfg.get(key, default)
    if not isinstance(value, (int, float)) or isinstance(value, bool) or not 0 < value <= MAX_INTERMEDIATE:
        raise ConfigError(
            where, f"vision_config '{key}' must be a positive number up to {MAX_INTERMEDIATE}, got {value!r}"
        )
    return value


def _int(cfg: dict, key: str, where: str, default: int | None = None) -> int:
    value = _real(cfg, key, where, default)
    if not float(value).is_integer():  # a count or a width: 0.5 would truncate to 0 (a patch size divides)
        raise ConfigError(where, f"vision_config '{key}' must be a whole number, got {value!r}")
    return int(value)


def _linear(n_in: int, n_out: int, bias: bool) -> int:
    return n_in * n_out + (n_out if bias else 0)


def _siglip(vc: dict, outer: dict, text_hidden: int, where: str) -> VisionWeights:
    """Gemma 3: SiglipVisionModel (siglip.py; all layers and post_layernorm, no head) + Gemma3MultiModalProjector
    (gemma3_mm.py: mm_input_projection_weight [vision hidden, text hidden] and mm_soft_emb_norm, a Gemma RMSNorm)."""
    h, inter = _int(vc, "hidden_size", where), _int(vc, "intermediate_size", where)
    layers, patch = _int(vc, "num_hidden_layers", where), _int(vc, "patch_size", where)
    image, channels = _int(vc, "image_size", where), _int(vc, "num_channels", where, 3)
    patches = (image // patch) ** 2
    block_linear = 4 * _linear(h, h, True) + _linear(h, inter, True) + _linear(inter, h, True)
    block_norms = 2 * 2 * h  # layer_norm1, layer_norm2: LayerNorm weight and bias
    embed = channels * patch * patch * h + h + patches * h  # patch conv with bias, position embedding
    head = 0
    if vc.get("vision_use_head", False):  # SiglipMultiheadAttentionPoolingHead: probe, attention, norm, MLP
        head = h + 3 * h * h + 3 * h + _linear(h, h, True) + 2 * h + _linear(h, inter, True) + _linear(inter, h, True)
    projector = h * text_hidden + h
    sharded = layers * block_linear
    params = embed + layers * (block_linear + block_norms) + 2 * h + head + projector
    tokens = _int(outer, "mm_tokens_per_image", where, 256)
    return VisionWeights(params, sharded, h, inter, tokens, patches, channels * image * image)


def _qwen_vl(vc: dict, text_hidden: int, where: str, kind: str) -> VisionWeights:
    """Qwen2-VL (qwen2_vl.py: LayerNorm blocks, fc1/fc2 of embed_dim x mlp_ratio, LayerNorm merger), Qwen2.5-VL
    (qwen2_5_vl.py: RMSNorm blocks, gated SiLU MLP with biases, RMSNorm merger) and Qwen3-VL / Qwen3.5
    (qwen3_vl.py: LayerNorm blocks, fc1/fc2 with biases, a biased patch conv, a learned position embedding
    and one extra merger per deepstack index). Each merger: norm, Linear(4C, 4C) and Linear(4C, out), biased."""
    depth, patch = _int(vc, "depth", where), _int(vc, "patch_size", where)
    temporal, channels = _int(vc, "temporal_patch_size", where, 2), _int(vc, "in_channels", where, 3)
    merge = _int(vc, "spatial_merge_size", where, 2)
    if kind == "qwen2_vl":
        c = _int(vc, "embed_dim", where)
        inter = int(c * _real(vc, "mlp_ratio", where, 4))
        out = _int(vc, "hidden_size", where, text_hidden)
        mlp = _linear(c, inter, True) + _linear(inter, c, True)
        norms, merger_norm = 2 * 2 * c, 2 * c
    else:
        c, inter = _int(vc, "hidden_size", where), _int(vc, "intermediate_size", where)
        out = _int(vc, "out_hidden_size", where, text_hidden)
        if kind == "qwen2_5_vl":
            mlp = 2 * _linear(c, inter, True) + _linear(inter, c, True)
            norms, merger_norm = 2 * c, c
        else:
            mlp = _linear(c, inter, True) + _linear(inter, c, True)
            norms, merger_norm = 2 * 2 * c, 2 * c
    attn = _linear(c, 3 * c, True) + _linear(c, c, True)
    wide = c * merge * merge
    merger_linear = _linear(wide, wide, True) + _linear(wide, out, True)
    embed = channels * temporal * patch * patch * c
    sharded = depth * (attn + mlp) + merger_linear
    params = embed + depth * (attn + mlp + norms) + merger_norm + merger_linear
    if kind == "qwen3_vl":
        embed_extra = c + _int(vc, "num_position_embeddings", where) * c  # patch conv bias, pos_embed
        indexes = vc.get("deepstack_visual_indexes") or []
        if not isinstance(indexes, list):
            raise ConfigError(where, f"vision_config 'deepstack_visual_indexes' must be a list, got {indexes!r}")
        deepstack = len(indexes)
        params += embed_extra + deepstack * (2 * wide + merger_linear)  # post-shuffle LayerNorm over 4C
        sharded += deepstack * merger_linear
    return VisionWeights(params, sharded, c, inter)


def _pixtral(vc: dict, outer: dict, text_hidden: int, where: str) -> VisionWeights:
    """Mistral 3: PixtralHFVisionModel (pixtral.py: patch conv and attention/MLP without biases, RMSNorms) and
    Mistral3MultiModalProjector (mistral3.py: RMSNorm, the patch merger's Linear(h x s^2, h), linear_1, linear_2).

    Mistral's own repositories ship params.json and consolidated*.safetensors, which vLLM 0.19 loads in Mistral
    format by default (transformers_utils/config.py: config_format auto picks "mistral" for a Mistral repo with
    params.json): PixtralForConditionalGeneration, whose VisionTransformer, PatchMerger and VisionLanguageAdapter are
    plain nn.Linear, replicated on every tensor-parallel rank; the same tensors, so the same count. Planned that way
    (sharded_params 0); an HF-format copy (mistral3.py, parallel linears) would shard them."""
    h, inter = _int(vc, "hidden_size", where), _int(vc, "intermediate_size", where)
    layers, patch = _int(vc, "num_hidden_layers", where), _int(vc, "patch_size", where)
    channels = _int(vc, "num_channels", where, 3)
    merge = _int(outer, "spatial_merge_size", where, 2)
    feature = outer.get("vision_feature_layer", -1)
    n_features = len(feature) if isinstance(feature, list) else 1
    bias = bool(outer.get("multimodal_projector_bias", False))
    block_linear = 4 * h * h + 3 * h * inter
    projector_linear = merge * merge * h * h + _linear(h * n_features, text_hidden, bias)
    projector_linear += _linear(text_hidden, text_hidden, bias)
    params = channels * patch * patch * h + h + layers * (block_linear + 2 * h) + h + projector_linear
    return VisionWeights(params, 0, h, inter)


def _llama4(vc: dict, text_hidden: int, where: str) -> VisionWeights:
    """Llama 4: Llama4VisionModel (mllama4.py: unfold-convolution linear without bias, class embedding, position
    embedding of (image/patch)^2 + 1, pre and post LayerNorm, layers with biased qkv/o and fc1/fc2 and two
    LayerNorms), the pixel-shuffle adapter MLP (fc1 intermediate -> projector_input_dim, fc2 -> projector_output_dim)
    and the projector's linear_1 (vision_output_dim -> text hidden, no bias)."""
    h, inter = _int(vc, "hidden_size", where), _int(vc, "intermediate_size", where)
    layers, patch = _int(vc, "num_hidden_layers", where), _int(vc, "patch_size", where)
    image, channels = _int(vc, "image_size", where), _int(vc, "num_channels", where, 3)
    p_in, p_out = _int(vc, "projector_input_dim", where), _int(vc, "projector_output_dim", where)
    v_out = _int(vc, "vision_output_dim", where)
    bias = bool(vc.get("multi_modal_projector_bias", False))
    block_linear = _linear(h, 3 * h, True) + _linear(h, h, True) + _linear(h, inter, True) + _linear(inter, h, True)
    adapter = _linear(inter, p_in, bias) + _linear(p_in, p_out, bias)
    embed = channels * patch * patch * h + h + ((image // patch) ** 2 + 1) * h
    sharded = channels * patch * patch * h + layers * block_linear + adapter + v_out * text_hidden
    params = embed + 2 * 2 * h + layers * (block_linear + 2 * 2 * h) + adapter + v_out * text_hidden
    return VisionWeights(params, sharded, h, inter)


QWEN_KINDS = {"qwen2_vl": "qwen2_vl", "qwen2_5_vl": "qwen2_5_vl", "qwen3_vl": "qwen3_vl", "qwen3_vl_moe": "qwen3_vl"}
QWEN_KINDS |= {"qwen3_5": "qwen3_vl", "qwen3_5_moe": "qwen3_vl"}  # Qwen3.5 keeps the Qwen3-VL tower


def vision_tower_from_config(config: dict, text_hidden: int, where: str) -> VisionWeights | None:
    """The wrapper's vision tower and projector, or None where it has none or its type is not counted."""
    vc = config.get("vision_config")
    if not isinstance(vc, dict) or not vc:
        return None
    model_type = str(config.get("model_type", ""))
    if model_type == "gemma3":
        return _siglip(vc, config, text_hidden, where)
    if model_type in QWEN_KINDS:
        return _qwen_vl(vc, text_hidden, where, QWEN_KINDS[model_type])
    if model_type == "mistral3":
        return _pixtral(vc, config, text_hidden, where)
    if model_type == "llama4":
        return _llama4(vc, text_hidden, where)
    return None
