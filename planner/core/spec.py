"""The normalised model spec: every number the planners need, read from a Hugging Face config dict.

Pure: takes a dict (already loaded by ``planner.sources``), returns a frozen ``ModelSpec``.
Architectures differ in how they name things; this module is the one place that knows the names.
docs/methodology.md section 1 explains each field.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from planner.core.rope import Rope, ropes_from_config
from planner.core.vision import VisionWeights, vision_tower_from_config
from planner.errors import ConfigError
from planner.schemas import check_config

# Layer kinds as the KV planners see them.
FULL = "full_attention"
SLIDING = "sliding_attention"
LINEAR = "linear_attention"  # recurrent state (Qwen3-Next Gated DeltaNet): fixed size, no KV per token


@dataclass(frozen=True)
class QuantConfig:
    """A pre-quantized checkpoint's quantization_config, reduced to what sizes memory."""

    method: str  # gptq | awq | fp8 | mxfp4 | bitsandbytes | compressed-tensors ...
    bits: int
    group_size: int | None = None  # None: per-channel (-1 in GPTQ configs)
    has_zero_points: bool = True  # asymmetric (AWQ zero_point, GPTQ sym=False stores real zeros)
    desc_act: bool = False
    block_size: tuple[int, int] | None = None  # fp8 block scales
    unquantized_modules: tuple[str, ...] = ()


@dataclass(frozen=True)
class LinearAttention:
    """Gated DeltaNet (Qwen3-Next) dimensions: the recurrent state replaces a KV cache."""

    num_key_heads: int
    num_value_heads: int
    key_head_dim: int
    value_head_dim: int
    conv_kernel: int

    @property
    def key_dim(self) -> int:
        return self.num_key_heads * self.key_head_dim

    @property
    def value_dim(self) -> int:
        return self.num_value_heads * self.value_head_dim


@dataclass(frozen=True)
class MLA:
    """DeepSeek multi-head latent attention."""

    kv_lora_rank: int
    q_lora_rank: int | None
    qk_nope_head_dim: int
    qk_rope_head_dim: int
    v_head_dim: int


@dataclass(frozen=True)
class MoE:
    num_experts: int
    experts_per_token: int
    expert_intermediate_size: int
    shared_expert_intermediate_size: int = 0  # total over all shared experts
    shared_expert_gate: bool = False  # Qwen MoE: a sigmoid gate on the shared expert
    dense_layers: tuple[int, ...] = ()  # layers that keep a dense MLP (DeepSeek first_k_dense_replace)
    router_bias: bool = False
    expert_bias: bool = False  # gpt-oss experts carry biases
    score_correction_bias: bool = False  # DeepSeek V3 e_score_correction_bias


@dataclass(frozen=True)
class ModelSpec:
    model_id: str
    model_type: str
    architecture: str
    hidden_size: int
    num_layers: int
    num_attention_heads: int
    num_kv_heads: int
    head_dim: int
    intermediate_size: int
    vocab_size: int
    max_position_embeddings: int
    tie_word_embeddings: bool
    torch_dtype: str  # the checkpoint's dtype as the config says: float16 | bfloat16 | float32
    layer_types: tuple[str, ...]
    sliding_window: int | None = None
    attention_bias: bool = False  # bias on q, k, v
    attention_out_bias: bool = False  # bias on o_proj
    mlp_bias: bool = False
    qk_norm: bool = False  # per-head RMSNorm on q and k (Qwen3, Gemma 3)
    qk_norm_full_width: bool = False  # the q and k norms span the whole projection (OLMo 2, MiniMax-M2)
    attention_output_gate: bool = False  # Qwen3-Next full attention: q_proj emits a gate too
    attention_sinks: bool = False  # gpt-oss: one learned sink logit per head
    norms_per_layer: int = 2
    mla: MLA | None = None
    moe: MoE | None = None
    linear_attention: LinearAttention | None = None
    quant: QuantConfig | None = None
    multimodal: str | None = None  # the wrapper's model_type (Gemma 3, Qwen-VL, Mistral 3, Llama 4 ...)
    vision: VisionWeights | None = None  # its vision tower and projector (vLLM loads them; core/vision.py)
    ropes: tuple[Rope, ...] = ()  # the distinct rotary embeddings (core/rope.py; vLLM's cos/sin caches)
    notes: tuple[str, ...] = field(default=())  # what is approximated, said in the output

    # ---- derived sizes -------------------------------------------------------------------------

    @property
    def q_dim(self) -> int:
        return self.num_attention_heads * self.head_dim

    @property
    def kv_dim(self) -> int:
        return self.num_kv_heads * self.head_dim

    @property
    def num_full_layers(self) -> int:
        return sum(1 for t in self.layer_types if t == FULL)

    @property
    def num_sliding_layers(self) -> int:
        return sum(1 for t in self.layer_types if t == SLIDING)

    @property
    def num_linear_layers(self) -> int:
        return sum(1 for t in self.layer_types if t == LINEAR)

    @property
    def is_moe(self) -> bool:
        return self.moe is not None

    def kv_elements_per_token_per_layer(self) -> int:
        """Key plus value elements one token stores in one attention layer (MLA: the latent)."""
        if self.mla is not None:
            return self.mla.kv_lora_rank + self.mla.qk_rope_head_dim
        return 2 * self.num_kv_heads * self.head_dim


def _req(cfg: dict, key: str, where: str, *alts: str) -> int:
    for k in (key, *alts):
        value = cfg.get(k)
        if value is not None:
            if not isinstance(value, (int, float)) or isinstance(value, bool) or value <= 0:
                raise ConfigError(where, f"'{k}' must be a positive number, got {value!r}")
            return int(value)
    raise ConfigError(
        where,
        f"missing '{key}'",
        hint="pass a complete Hugging Face config.json (or a GGUF file); see `mi50plan fit --help`",
    )


def _quant_config(cfg: dict) -> QuantConfig | None:
    q = cfg.get("quantization_config")
    if not isinstance(q, dict):
        return None
    method = str(q.get("quant_method", "")).lower()
    if method in ("gptq", "awq", "gptq_marlin", "awq_marlin"):
        bits = int(q.get("bits", q.get("w_bit", 4)))
        group = q.get("group_size", q.get("q_group_size", 128))
        group = None if group in (None, -1, 0) else int(group)
        # GPTQ checkpoints always store a qzeros tensor, symmetric or not; AWQ says so in zero_point.
        zeros = bool(q.get("zero_point", True)) if method.startswith("awq") else True
        return QuantConfig(method.split("_")[0], bits, group, zeros, bool(q.get("desc_act", False)))
    if method == "fp8":
        block = q.get("weight_block_size")
        return QuantConfig("fp8", 8, None, False, block_size=tuple(block) if block else None)
    if method == "mxfp4":
        return QuantConfig(
            "mxfp4", 4, 32, False, unquantized_modules=tuple(q.get("modules_to_not_convert", ()))
        )
    if method == "bitsandbytes":
        bits = 4 if q.get("load_in_4bit") else 8
        return QuantConfig("bitsandbytes", bits, 64 if bits == 4 else None, False)
    if method == "compressed-tensors":
        return QuantConfig("compressed-tensors", 8, None, False)
    raise ConfigError(
        "quantization_config",
        f"unsupported quant_method '{method}'",
        hint="supported: gptq, awq, fp8, mxfp4, bitsandbytes",
    )


def _torch_dtype(cfg: dict, outer: dict) -> str:
    value = cfg.get("torch_dtype") or cfg.get("dtype") or outer.get("torch_dtype") or outer.get("dtype")
    value = str(value or "bfloat16").replace("torch.", "")
    return {"half": "float16", "float": "float32", "bf16": "bfloat16", "fp16": "float16"}.get(value, value)


def _layer_types(
    cfg: dict, model_type: str, num_layers: int, where: str
) -> tuple[tuple[str, ...], int | None]:
    window = cfg.get("sliding_window")
    window = int(window) if isinstance(window, (int, float)) and window > 0 else None
    explicit = cfg.get("layer_types")
    if isinstance(explicit, list) and len(explicit) == num_layers:
        mapped = []
        for t in explicit:
            if t in ("sliding_attention", "sliding", "local"):
                mapped.append(SLIDING)
            elif t in ("linear_attention",):
                mapped.append(LINEAR)
            else:
                mapped.append(FULL)
        return tuple(mapped), window
    if model_type in ("qwen3_next", "qwen3_5_text", "qwen3_5_moe_text"):
        interval = int(cfg.get("full_attention_interval", 4))
        return tuple(FULL if (i + 1) % interval == 0 else LINEAR for i in range(num_layers)), None
    if model_type == "gemma2":
        # Gemma 2 alternates local (sliding) and global attention, starting with local.
        return tuple(SLIDING if i % 2 == 0 else FULL for i in range(num_layers)), window or 4096
    if model_type in ("gemma3_text", "gemma3"):
        pattern = int(cfg.get("sliding_window_pattern", 6))
        return tuple(FULL if (i + 1) % pattern == 0 else SLIDING for i in range(num_layers)), window or 4096
    if model_type in ("qwen2", "qwen3", "qwen3_moe", "qwen2_moe"):
        # Qwen: sliding_window is set in the config but only used when use_sliding_window is true.
        if cfg.get("use_sliding_window") and window:
            first = int(cfg.get("max_window_layers", num_layers))
            return tuple(FULL if i < first else SLIDING for i in range(num_layers)), window
        return (FULL,) * num_layers, None
    if (
        model_type in ("mistral", "mixtral", "phi3")
        and window
        and window < int(cfg.get("max_position_embeddings", 1 << 30))
    ):
        return (SLIDING,) * num_layers, window
    return (FULL,) * num_layers, None


def spec_from_config(config: dict, model_id: str, where: str | None = None) -> ModelSpec:
    """Normalise a Hugging Face config.json dict into a ModelSpec. Raises ConfigError."""
    where = where or model_id
    check_config(config, where)  # types, bounds and relations, declared once in planner.schemas
    outer = config
    multimodal = None
    cfg = config
    if isinstance(config.get("text_config"), dict) and "num_hidden_layers" not in config:
        cfg = config["text_config"]
        multimodal = str(config.get("model_type", "multimodal"))
    model_type = str(cfg.get("model_type") or outer.get("model_type") or "")
    model_type = TEXT_MODEL_TYPES.get(model_type, model_type)
    if isinstance(config.get("vision_config"), dict) and config["vision_config"]:
        multimodal = str(config.get("model_type", "multimodal"))
    architectures = outer.get("architectures") or [model_type or "unknown"]
    notes: list[str] = []

    hidden = _req(cfg, "hidden_size", where, "n_embd", "d_model")
    layers = _req(cfg, "num_hidden_layers", where, "n_layer", "num_layers")
    heads = _req(cfg, "num_attention_heads", where, "n_head")
    kv_heads = int(cfg.get("num_key_value_heads") or cfg.get("multi_query_group_num") or heads)
    if kv_heads <= 0 or heads % kv_heads:
        raise ConfigError(
            where, f"num_key_value_heads={kv_heads} does not divide num_attention_heads={heads}"
        )
    head_dim = cfg.get("head_dim")
    if not head_dim:
        if hidden % heads:
            raise ConfigError(where, f"hidden_size {hidden} is not a multiple of num_attention_heads {heads}")
        head_dim = hidden // heads
    vocab = _req(cfg, "vocab_size", where, "padded_vocab_size")
    # Qwen3.5 MoE text configs name only the expert and shared-expert sizes.
    intermediate = _req(cfg, "intermediate_size", where, "ffn_hidden_size", "n_inner", "moe_intermediate_size")
    max_pos = int(
        cfg.get("max_position_embeddings") or cfg.get("n_positions") or cfg.get("seq_length") or 4096
    )
    tie = cfg.get("tie_word_embeddings", outer.get("tie_word_embeddings"))
    if tie is None:
        # transformers' PretrainedConfig default is True; Gemma ties, Llama-style models set it.
        tie = True
    layer_types, window = _layer_types(cfg, model_type, layers, where)

    mla = None
    if cfg.get("kv_lora_rank"):
        mla = MLA(
            kv_lora_rank=int(cfg["kv_lora_rank"]),
            q_lora_rank=int(cfg["q_lora_rank"]) if cfg.get("q_lora_rank") else None,
            qk_nope_head_dim=int(cfg.get("qk_nope_head_dim", 128)),
            qk_rope_head_dim=int(cfg.get("qk_rope_head_dim", 64)),
            v_head_dim=int(cfg.get("v_head_dim", 128)),
        )
        head_dim = mla.qk_nope_head_dim + mla.qk_rope_head_dim
        if int(cfg.get("num_nextn_predict_layers", 0) or 0):
            notes.append("multi-token-prediction layer not counted (transformers and vLLM serve without it)")

    moe = None
    n_experts = cfg.get("num_experts") or cfg.get("num_local_experts") or cfg.get("n_routed_experts")
    if n_experts:
        top_k = int(cfg.get("num_experts_per_tok") or cfg.get("experts_per_token") or 2)
        expert_inter = int(cfg.get("moe_intermediate_size") or intermediate)
        shared = 0
        shared_gate = False
        if model_type in LLAMA4_TYPES:
            # Llama 4: intermediate_size is the expert (and one shared expert) width, intermediate_size_mlp the
            # dense layers' (transformers Llama4TextConfig).
            shared = expert_inter
            intermediate = int(cfg.get("intermediate_size_mlp") or intermediate)
        elif cfg.get("shared_expert_intermediate_size"):
            shared = int(cfg["shared_expert_intermediate_size"])
            shared_gate = True
        elif cfg.get("n_shared_experts"):
            shared = int(cfg["n_shared_experts"]) * expert_inter
        dense: list[int] = []
        if cfg.get("first_k_dense_replace"):
            dense = list(range(int(cfg["first_k_dense_replace"])))
        dense += [int(i) for i in cfg.get("mlp_only_layers") or []]
        # Qwen MoE decoder_sparse_step and Llama 4 interleave_moe_layer_step: layer i is sparse when (i+1) % step == 0
        step = int(cfg.get("decoder_sparse_step") or cfg.get("interleave_moe_layer_step") or 1)
        if step > 1:
            dense += [i for i in range(layers) if (i + 1) % step != 0]
        moe = MoE(
            num_experts=int(n_experts),
            experts_per_token=top_k,
            expert_intermediate_size=expert_inter,
            shared_expert_intermediate_size=shared,
            shared_expert_gate=shared_gate,
            dense_layers=tuple(sorted(set(dense))),
            router_bias=model_type == "gpt_oss",
            expert_bias=model_type == "gpt_oss",
            score_correction_bias=cfg.get("topk_method") == "noaux_tc",
        )

    linear = None
    if LINEAR in layer_types:
        linear = LinearAttention(
            num_key_heads=int(cfg["linear_num_key_heads"]),
            num_value_heads=int(cfg["linear_num_value_heads"]),
            key_head_dim=int(cfg["linear_key_head_dim"]),
            value_head_dim=int(cfg["linear_value_head_dim"]),
            conv_kernel=int(cfg.get("linear_conv_kernel_dim", 4)),
        )

    attention_bias = bool(cfg.get("attention_bias", False)) or model_type in ("qwen2", "qwen2_moe")
    attention_out_bias = bool(cfg.get("attention_bias", False)) and model_type in (
        "gpt_oss",
        "llama",
        "mistral",
    )
    norms = 4 if model_type in ("gemma2", "gemma3_text", "gemma3") else 2
    if model_type == "cohere":
        norms = 1  # Cohere runs attention and MLP in parallel off one input_layernorm
    vision = vision_tower_from_config(outer, hidden, where)  # None without a vision_config
    if vision is not None:
        notes.append(
            f"multimodal {multimodal}: vision tower and projector {vision.params / 1e9:.2f} B parameters, "
            "loaded by vLLM; llama.cpp and Ollama load them from the projector file"
        )
    elif multimodal:
        notes.append(f"multimodal {multimodal}: vision tower not counted, text model only")
    if model_type not in KNOWN_MODEL_TYPES:
        notes.append(f"architecture '{model_type}' approximated as a Llama-style decoder")

    return ModelSpec(
        model_id=model_id,
        model_type=model_type,
        architecture=str(architectures[0]),
        hidden_size=hidden,
        num_layers=layers,
        num_attention_heads=heads,
        num_kv_heads=kv_heads,
        head_dim=int(head_dim),
        intermediate_size=intermediate,
        vocab_size=vocab,
        max_position_embeddings=max_pos,
        tie_word_embeddings=bool(tie),
        torch_dtype=_torch_dtype(cfg, outer),
        layer_types=layer_types,
        sliding_window=window,
        attention_bias=attention_bias,
        attention_out_bias=attention_out_bias,
        mlp_bias=bool(cfg.get("mlp_bias", False)),
        qk_norm=model_type in QK_NORM_TYPES or model_type in FULL_WIDTH_QK_NORM_TYPES or _minimax_qk_norm(cfg),
        qk_norm_full_width=model_type in FULL_WIDTH_QK_NORM_TYPES or _minimax_qk_norm(cfg),
        attention_output_gate=model_type == "qwen3_next" or bool(cfg.get("attn_output_gate")),
        attention_sinks=model_type == "gpt_oss",
        norms_per_layer=norms,
        mla=mla,
        moe=moe,
        linear_attention=linear,
        quant=_quant_config(outer) or _quant_config(cfg),
        multimodal=multimodal,
        vision=vision,
        ropes=ropes_from_config(
            cfg, outer, model_type, int(head_dim), max_pos, mla.qk_rope_head_dim if mla is not None else None, where
        ),
        notes=tuple(notes),
    )


LLAMA4_TYPES = ("llama4", "llama4_text")
# Text models of multimodal wrappers that are another type's decoder (transformers Qwen2_5_VLTextModel is Qwen2's:
# biased q/k/v; Qwen3-VL's text model is Qwen3's: per-head q/k norms). Flat Qwen2-VL / Qwen2.5-VL configs give the
# wrapper's type to the text fields too.
TEXT_MODEL_TYPES = {
    "qwen2_vl": "qwen2",
    "qwen2_5_vl": "qwen2",
    "qwen2_vl_text": "qwen2",
    "qwen2_5_vl_text": "qwen2",
    "qwen3_vl_text": "qwen3",
    "qwen3_vl_moe_text": "qwen3_moe",
}
# Per-head RMSNorm on q and k (a head_dim-wide weight each).
QK_NORM_TYPES = ("qwen3", "qwen3_moe", "qwen3_next", "qwen3_5_text", "qwen3_5_moe_text", "gemma3_text", "gemma3")
# RMSNorm over the whole q and k projections (weights q_dim and kv_dim wide): transformers Olmo2Attention.
FULL_WIDTH_QK_NORM_TYPES = ("olmo2",)


def _minimax_qk_norm(cfg: dict) -> bool:
    """MiniMax-M2 normalises the whole q and k projections when qk_norm_type is per_layer."""
    return cfg.get("model_type") == "minimax_m2" and bool(cfg.get("use_qk_norm")) and (
        cfg.get("qk_norm_type", "per_layer") == "per_layer"
    )


KNOWN_MODEL_TYPES = frozenset(
    {
        "llama",
        "mistral",
        "mixtral",
        "qwen2",
        "qwen2_moe",
        "qwen3",
        "qwen3_moe",
        "qwen3_next",
        "gemma",
        "gemma2",
        "gemma3",
        "gemma3_text",
        "phi3",
        "deepseek_v2",
        "deepseek_v3",
        "gpt_oss",
        "qwen3_5_text",
        "qwen3_5_moe_text",
        "llama4_text",
        "granite",
        "cohere",
        "olmo2",
        "minimax_m2",
        "mistral3",
    }
)


def ceil_div(a: int, b: int) -> int:
    return -(-a // b)


def gib(n_bytes: float) -> float:
    return n_bytes / 2**30


def round_up(value: int, multiple: int) -> int:
    return int(math.ceil(value / multiple) * multiple)
