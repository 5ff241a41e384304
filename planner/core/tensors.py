"""The tensor inventory of a model: every weight tensor, named as llama.cpp's GGUF names it.

One list serves three jobs: exact parameter counts (total and active), weight bytes under any
precision (fp16, GPTQ/AWQ, fp8), and GGUF file sizes, where llama.cpp's quantizer picks a type per
tensor name (docs/methodology.md sections 1 and 5). Pure.
"""

from __future__ import annotations

from dataclasses import dataclass

from planner.core.spec import FULL, LINEAR, SLIDING, ModelSpec

# Roles decide what a quantization scheme touches.
EMBEDDING = "embedding"
LM_HEAD = "lm_head"
LINEAR_W = "linear"  # a dense projection inside a block: quantizable
EXPERT = "expert"  # routed expert weights: quantizable, only top-k of them read per token
ROUTER = "router"
SMALL = "small"  # norms, biases, sinks, conv and decay parameters: kept in 16/32 bit


# Architectures whose checkpoints ship Q, K and V as one projection and the gate and up projections as one (Phi-3 and
# Phi-4: qkv_proj, gate_up_proj), which llama.cpp keeps fused in its GGUF (llama-model.cpp, LLM_ARCH_PHI3: attn_qkv
# {n_embd, n_embd + 2 n_embd_gqa}, ffn_up {n_embd, 2 n_ff}). The sizes are the same; the quantizer's types are not: a
# fused attn_qkv takes attn_v's rules (llama-quant.cpp category_is_attn_v), Q6_K on half the layers of a Q4_K_M file.
FUSED_QKV_GATE_UP = ("phi3",)


@dataclass(frozen=True)
class Tensor:
    name: str  # GGUF-style name without the "blk.N." prefix
    layer: int | None  # None for token_embd / output / output_norm
    rows: int  # output features (GGUF ne[1])
    cols: int  # input features (GGUF ne[0]); the dimension quant blocks run along
    role: str
    experts: int = 1  # stacked experts share one tensor in GGUF

    @property
    def elements(self) -> int:
        return self.rows * self.cols * self.experts


def _attention(spec: ModelSpec, i: int) -> list[Tensor]:
    h = spec.hidden_size
    out: list[Tensor] = [Tensor("attn_norm", i, 1, h, SMALL)]
    if spec.mla is not None:
        m = spec.mla
        n = spec.num_attention_heads
        qk_head = m.qk_nope_head_dim + m.qk_rope_head_dim
        if m.q_lora_rank:
            out += [
                Tensor("attn_q_a", i, m.q_lora_rank, h, LINEAR_W),
                Tensor("attn_q_a_norm", i, 1, m.q_lora_rank, SMALL),
                Tensor("attn_q_b", i, n * qk_head, m.q_lora_rank, LINEAR_W),
            ]
        else:
            out.append(Tensor("attn_q", i, n * qk_head, h, LINEAR_W))
        out += [
            Tensor("attn_kv_a_mqa", i, m.kv_lora_rank + m.qk_rope_head_dim, h, LINEAR_W),
            Tensor("attn_kv_a_norm", i, 1, m.kv_lora_rank, SMALL),
            Tensor("attn_kv_b", i, n * (m.qk_nope_head_dim + m.v_head_dim), m.kv_lora_rank, LINEAR_W),
            Tensor("attn_output", i, h, n * m.v_head_dim, LINEAR_W),
        ]
        return out
    if spec.layer_types[i] == LINEAR:
        la = spec.linear_attention
        assert la is not None
        conv_dim = 2 * la.key_dim + la.value_dim
        out += [
            Tensor("ssm_in_qkvz", i, 2 * la.key_dim + 2 * la.value_dim, h, LINEAR_W),
            Tensor("ssm_in_ba", i, 2 * la.num_value_heads, h, LINEAR_W),
            Tensor("ssm_conv1d", i, conv_dim, la.conv_kernel, SMALL),
            Tensor("ssm_dt_bias", i, 1, la.num_value_heads, SMALL),
            Tensor("ssm_a_log", i, 1, la.num_value_heads, SMALL),
            Tensor("ssm_norm", i, 1, la.value_head_dim, SMALL),
            Tensor("ssm_out", i, h, la.value_dim, LINEAR_W),
        ]
        return out
    q_rows = spec.q_dim * (2 if spec.attention_output_gate else 1)
    if spec.model_type in FUSED_QKV_GATE_UP:
        out.append(Tensor("attn_qkv", i, q_rows + 2 * spec.kv_dim, h, LINEAR_W))
    else:
        out += [
            Tensor("attn_q", i, q_rows, h, LINEAR_W),
            Tensor("attn_k", i, spec.kv_dim, h, LINEAR_W),
            Tensor("attn_v", i, spec.kv_dim, h, LINEAR_W),
        ]
    out.append(Tensor("attn_output", i, h, spec.q_dim, LINEAR_W))
    if spec.attention_bias:
        out += [
            Tensor("attn_q.bias", i, 1, spec.q_dim, SMALL),
            Tensor("attn_k.bias", i, 1, spec.kv_dim, SMALL),
            Tensor("attn_v.bias", i, 1, spec.kv_dim, SMALL),
        ]
    if spec.attention_out_bias:
        out.append(Tensor("attn_output.bias", i, 1, h, SMALL))
    if spec.qk_norm_full_width:
        out += [
            Tensor("attn_q_norm", i, 1, spec.q_dim, SMALL),
            Tensor("attn_k_norm", i, 1, spec.kv_dim, SMALL),
        ]
    elif spec.qk_norm:
        out += [
            Tensor("attn_q_norm", i, 1, spec.head_dim, SMALL),
            Tensor("attn_k_norm", i, 1, spec.head_dim, SMALL),
        ]
    if spec.attention_sinks:
        out.append(Tensor("attn_sinks", i, 1, spec.num_attention_heads, SMALL))
    return out


def _dense_mlp(spec: ModelSpec, i: int, inter: int, suffix: str = "", role: str = LINEAR_W) -> list[Tensor]:
    h = spec.hidden_size
    if spec.model_type in FUSED_QKV_GATE_UP and not suffix:
        out = [Tensor("ffn_up", i, 2 * inter, h, role), Tensor("ffn_down", i, h, inter, role)]
    else:
        out = [
            Tensor("ffn_gate" + suffix, i, inter, h, role),
            Tensor("ffn_up" + suffix, i, inter, h, role),
            Tensor("ffn_down" + suffix, i, h, inter, role),
        ]
    if spec.mlp_bias:
        out += [
            Tensor(f"ffn_{p}{suffix}.bias", i, 1, n, SMALL)
            for p, n in (("gate", inter), ("up", inter), ("down", h))
        ]
    return out


def _mlp(spec: ModelSpec, i: int) -> list[Tensor]:
    h = spec.hidden_size
    norms = [Tensor("ffn_norm", i, 1, h, SMALL)] if spec.norms_per_layer > 1 else []  # Cohere: one shared norm
    if spec.norms_per_layer == 4:  # Gemma 2/3 add post-attention and post-ffw norms
        norms += [Tensor("post_attention_norm", i, 1, h, SMALL), Tensor("post_ffw_norm", i, 1, h, SMALL)]
    moe = spec.moe
    if moe is None or i in moe.dense_layers:
        return norms + _dense_mlp(spec, i, spec.intermediate_size)
    e, inter = moe.num_experts, moe.expert_intermediate_size
    out = norms + [
        Tensor("ffn_gate_inp", i, e, h, ROUTER),
        Tensor("ffn_gate_exps", i, inter, h, EXPERT, e),
        Tensor("ffn_up_exps", i, inter, h, EXPERT, e),
        Tensor("ffn_down_exps", i, h, inter, EXPERT, e),
    ]
    if moe.router_bias:
        out.append(Tensor("ffn_gate_inp.bias", i, 1, e, SMALL))
    if moe.expert_bias:
        out += [
            Tensor("ffn_gate_up_exps.bias", i, 1, 2 * inter, SMALL, e),
            Tensor("ffn_down_exps.bias", i, 1, h, SMALL, e),
        ]
    if moe.score_correction_bias:
        out.append(Tensor("exp_probs_b", i, 1, e, SMALL))
    if moe.shared_expert_intermediate_size:
        out += _dense_mlp(spec, i, moe.shared_expert_intermediate_size, "_shexp")
        if moe.shared_expert_gate:
            out.append(Tensor("ffn_gate_inp_shexp", i, 1, h, ROUTER))
    return out


def tensor_inventory(spec: ModelSpec) -> list[Tensor]:
    h = spec.hidden_size
    tensors = [Tensor("token_embd", None, spec.vocab_size, h, EMBEDDING)]
    for i in range(spec.num_layers):
        tensors += _attention(spec, i)
        tensors += _mlp(spec, i)
    tensors.append(Tensor("output_norm", None, 1, h, SMALL))
    if not spec.tie_word_embeddings:
        tensors.append(Tensor("output", None, spec.vocab_size, h, LM_HEAD))
    return tensors


@dataclass(frozen=True)
class ParamCounts:
    total: int
    active: int  # read per token: routed experts counted at top-k of E
    embedding: int
    lm_head: int
    linear: int
    expert: int
    router: int
    small: int


def count_params(spec: ModelSpec, tensors: list[Tensor] | None = None) -> ParamCounts:
    tensors = tensors if tensors is not None else tensor_inventory(spec)
    by_role = {EMBEDDING: 0, LM_HEAD: 0, LINEAR_W: 0, EXPERT: 0, ROUTER: 0, SMALL: 0}
    for t in tensors:
        by_role[t.role] += t.elements
    total = sum(by_role.values())
    active = total
    if spec.moe is not None and by_role[EXPERT]:
        active = (
            total - by_role[EXPERT] + by_role[EXPERT] * spec.moe.experts_per_token // spec.moe.num_experts
        )
    return ParamCounts(
        total=total,
        active=active,
        embedding=by_role[EMBEDDING],
        lm_head=by_role[LM_HEAD],
        linear=by_role[LINEAR_W],
        expert=by_role[EXPERT],
        router=by_role[ROUTER],
        small=by_role[SMALL],
    )


__all__ = ["FULL", "SLIDING", "LINEAR", "Tensor", "ParamCounts", "tensor_inventory", "count_params"]
