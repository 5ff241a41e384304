"""Every llama-quantize file type sized from the quantizer's per-tensor rules (planner/core/gguf_quant.py).

Golden numbers come from llama.cpp itself (the llama.cpp vendored by llama-cpp-python 0.3.36):
- tools/quantize/quantize.cpp QUANT_OPTIONS prints each K and legacy type's file size for Llama-3-8B
  ("Q3_K_S 3.41G, +1.6321 ppl @ Llama-3-8B", ...), in GiB, and each i-quant's bits per weight;
- ggml/src/ggml-common.h static_asserts give each block's bytes;
- src/llama-quant.cpp llama_tensor_get_type_impl gives the per-tensor promotions checked below.
"""

from __future__ import annotations

import pytest

from planner.core.gguf_quant import FILE_TYPES, GGML_TYPES, estimate_gguf, tensor_types
from planner.sources import catalog
from planner.sources.models import spec_from_any_config


def _spec(model_id: str):
    return spec_from_any_config(catalog.catalog_config(catalog.find(model_id)), model_id, "catalog")


# quantize.cpp QUANT_OPTIONS, "<size>G ... @ Llama-3-8B" (Llama 3.1 8B has the same shapes). Q2_K_S is left
# out: the help text repeats Q2_K's 2.96G for it, while its rules (Q2_K attn_v only at GQA >= 4, ffn_down
# Q4_K in the first eighth of layers only) make it smaller; tested apart below.
LLAMA3_8B_GIB = {
    "Q2_K": 2.96,
    "Q3_K_S": 3.41,
    "Q3_K_M": 3.74,
    "Q3_K_L": 4.03,
    "Q4_0": 4.34,
    "Q4_1": 4.78,
    "Q4_K_S": 4.37,
    "Q4_K_M": 4.58,
    "Q5_0": 5.21,
    "Q5_1": 5.65,
    "Q5_K_S": 5.21,
    "Q5_K_M": 5.33,
    "Q6_K": 6.14,
    "Q8_0": 7.96,
}


@pytest.mark.parametrize("quant,gib", sorted(LLAMA3_8B_GIB.items()))
def test_k_and_legacy_files_match_llama_quantize(quant, gib):
    size = estimate_gguf(_spec("meta-llama/Llama-3.1-8B"), quant).file_bytes / 2**30
    assert size == pytest.approx(gib, rel=0.005), f"{quant}: {size:.3f} GiB planned, quantize.cpp prints {gib}G"


def test_q2_k_s_is_smaller_than_q2_k():
    spec = _spec("meta-llama/Llama-3.1-8B")
    assert estimate_gguf(spec, "Q2_K_S").file_bytes < estimate_gguf(spec, "Q2_K").file_bytes


# quantize.cpp QUANT_OPTIONS: "IQ2_XXS 2.06 bpw", "IQ2_XS 2.31", "IQ1_S 1.56", "IQ1_M 1.75", "TQ1_0 1.69",
# "TQ2_0 2.06", "IQ3_XXS 3.06", "IQ3_S 3.44", "IQ4_NL 4.50", "IQ4_XS 4.25"; the block bytes are ggml-common.h's.
@pytest.mark.parametrize(
    "ggml_type,bpw",
    [
        ("IQ2_XXS", 2.06),
        ("IQ2_XS", 2.31),
        ("IQ1_S", 1.56),
        ("IQ1_M", 1.75),
        ("TQ1_0", 1.69),
        ("TQ2_0", 2.06),
        ("IQ3_XXS", 3.06),
        ("IQ3_S", 3.44),
        ("IQ4_NL", 4.50),
        ("IQ4_XS", 4.25),
    ],
)
def test_block_bytes_give_the_printed_bits_per_weight(ggml_type, bpw):
    block, size = GGML_TYPES[ggml_type]
    assert 8 * size / block == pytest.approx(bpw, abs=0.006)


def test_every_file_type_is_sized_and_ordered():
    """Each type quantize.cpp lists (less the experimental Q1_0/Q2_0 and MXFP4_MOE, sized elsewhere) plans a file,
    and within a family more bits make a bigger file."""
    spec = _spec("meta-llama/Llama-3.1-8B")
    sizes = {q: estimate_gguf(spec, q).file_bytes for q in FILE_TYPES if q not in ("F32", "MXFP4")}
    for chain in (
        ("IQ1_S", "IQ1_M", "IQ2_XXS", "IQ2_XS", "IQ2_S", "IQ2_M", "IQ3_XXS", "IQ3_XS", "IQ3_S", "IQ3_M", "IQ4_XS"),
        ("Q2_K_S", "Q2_K", "Q3_K_S", "Q3_K_M", "Q3_K_L", "Q4_K_S", "Q4_K_M", "Q5_K_S", "Q5_K_M", "Q6_K", "Q8_0"),
        ("TQ1_0", "TQ2_0"),
    ):
        assert [sizes[q] for q in chain] == sorted(sizes[q] for q in chain), chain


def _types(model_id: str, quant: str, name: str) -> set[str]:
    return {ttype for t, ttype in tensor_types(_spec(model_id), quant) if t.name == name}


@pytest.mark.parametrize(
    "quant,name,expected",
    [
        # output: Q5_K for the IQ1/IQ2 files and IQ3_XXS, Q6_K otherwise
        ("IQ2_XXS", "output", {"Q5_K"}),
        ("IQ3_XXS", "output", {"Q5_K"}),
        ("IQ3_M", "output", {"Q6_K"}),
        # token_embd: Q2_K under IQ2_XXS/XS and IQ1, IQ3_S under IQ2_S/M and IQ3_XXS
        ("IQ1_M", "token_embd", {"Q2_K"}),
        ("IQ2_M", "token_embd", {"IQ3_S"}),
        # attn_v at GQA 4 (Llama 3 8B: 32 heads, 8 KV heads): Q4_K for the IQ2/IQ3 files, Q5_K for IQ4_XS and Q3_K_L
        ("IQ2_XS", "attn_v", {"Q4_K"}),
        ("IQ3_M", "attn_v", {"Q4_K"}),
        ("IQ4_XS", "attn_v", {"Q5_K"}),
        ("Q3_K_L", "attn_v", {"Q5_K"}),
        ("Q2_K", "attn_v", {"Q4_K"}),
        # attn_q/attn_k: IQ3_XS -> IQ3_XXS, IQ3_XXS -> IQ2_S
        ("IQ3_XS", "attn_q", {"IQ3_XXS"}),
        ("IQ3_XXS", "attn_k", {"IQ2_S"}),
        # ffn_down: IQ3_M Q4_K in the first eighth of layers, IQ2_S/M IQ3_S there; Q3_K_L Q5_K everywhere
        ("IQ3_M", "ffn_down", {"Q4_K", "IQ3_S"}),
        ("IQ2_M", "ffn_down", {"IQ3_S", "IQ2_S"}),
        ("Q3_K_L", "ffn_down", {"Q5_K"}),
        # attn_output: Q3_K_L Q5_K, IQ3_M Q4_K, IQ1 -> IQ2_XXS
        ("Q3_K_L", "attn_output", {"Q5_K"}),
        ("IQ3_M", "attn_output", {"Q4_K"}),
        ("IQ1_S", "attn_output", {"IQ2_XXS"}),
        # ffn_gate/up of IQ3_XS: IQ3_XXS in the middle three quarters of layers
        ("IQ3_XS", "ffn_gate", {"IQ3_S", "IQ3_XXS"}),
    ],
)
def test_promotions_follow_llama_quant(quant, name, expected):
    assert _types("meta-llama/Llama-3.1-8B", quant, name) == expected


def test_router_stays_f32():
    # conversion/base.py keeps FFN_GATE_INP in F32 and llama-quant.cpp tensor_allows_quantization skips it
    assert _types("Qwen/Qwen3-30B-A3B", "Q4_K_M", "ffn_gate_inp") == {"F32"}


def test_fit_accepts_the_new_types(run_json):
    out = run_json("fit", "meta-llama/Llama-3.1-8B", "--engine", "llamacpp", "--quant", "IQ3_M", "--offline")
    plan = out["plans"][0]
    # the plan's weights are the estimate's file (the sum of its per-tensor types, about 3.52 GiB for IQ3_M)
    estimate = estimate_gguf(_spec("meta-llama/Llama-3.1-8B"), "IQ3_M")
    assert plan["quant"] == "IQ3_M" and plan["fits"]
    assert plan["weights_bytes"] == pytest.approx(estimate.file_bytes, rel=0.01)


# llama-bench's "size" column (GiB of tensors) for gpt-oss files, copied from published runs held in
# scripts/data: "gpt-oss 20B MXFP4 MoE | 11.27 GiB" (llamabench-public.csv, many rows), "gpt-oss 120B MXFP4 MoE |
# 59.02 GiB" (the same), and unsloth's "F16" files, whose experts stay MXFP4: "gpt-oss ?B F16 | 12.83 GiB" (20b) and
# "60.87 GiB" (120b) (llamabench-heldout-3.csv, lhl/strix-halo-testing llm-bench/gpt-oss-20b-F16/results.jsonl and
# the 120b run beside it). Bartowski's quants of gpt-oss-20b (b6096) print 12.1 GB for MXFP4 and 12.04 GB for Q6_K:
# "All quants keep the feed forward networks at mxfp4" (its model card).
@pytest.mark.parametrize(
    ("model_id", "quant", "gib"),
    [
        ("openai/gpt-oss-20b", "MXFP4", 11.27),
        ("openai/gpt-oss-20b", "F16", 12.83),
        ("openai/gpt-oss-120b", "MXFP4", 59.02),
        ("openai/gpt-oss-120b", "F16", 60.87),
    ],
)
def test_an_mxfp4_checkpoint_keeps_its_experts_mxfp4_in_every_gguf_type(model_id, quant, gib):
    spec = _spec(model_id)
    assert estimate_gguf(spec, quant).tensor_bytes / 2**30 == pytest.approx(gib, abs=0.01)
    # every type keeps the experts: a Q4_K_M or Q8_0 file is within a GiB of the MXFP4 one, not 40% larger
    mxfp4 = estimate_gguf(spec, "MXFP4").tensor_bytes
    for other in ("Q4_K_M", "Q6_K", "Q8_0"):
        typed = tensor_types(spec, other)
        assert {ttype for t, ttype in typed if t.experts > 1 and not t.name.endswith(".bias")} == {"MXFP4"}
        assert abs(estimate_gguf(spec, other).tensor_bytes - mxfp4) < 2**30
    if model_id == "openai/gpt-oss-20b":  # bartowski's Q6_K file, 12.04 GB
        assert estimate_gguf(spec, "Q6_K").file_bytes / 1e9 == pytest.approx(12.04, abs=0.05)


def test_a_dense_checkpoint_is_quantized_whole():
    # the rule is the checkpoint's: a bf16 MoE (Qwen3-30B-A3B) has its experts quantized like any tensor
    spec = _spec("Qwen/Qwen3-30B-A3B")
    experts = {ttype for t, ttype in tensor_types(spec, "Q4_K_M") if t.experts > 1 and not t.name.endswith(".bias")}
    assert "MXFP4" not in experts and experts <= {"Q4_K", "Q6_K", "Q5_0", "Q8_0"}


def test_gpt_oss_defaults_to_its_mxfp4_gguf(run_json):
    # fit with no --quant plans what ggml-org's GGUF repo and Ollama's gpt-oss tags hold: MXFP4 (11.27 GiB of
    # tensors, above), and its launch names ggml-org's file (planner/catalog/quantized.json), not a Q4_K_M one
    out = run_json("fit", "openai/gpt-oss-20b", "--engine", "llamacpp,ollama", "--offline")
    plans = {p["engine"]: p for p in out["plans"]}
    assert plans["llamacpp"]["quant"] == "MXFP4" and plans["ollama"]["quant"] == "MXFP4"
    assert "gpt-oss-20b-mxfp4.gguf" in " ".join(plans["llamacpp"]["launch"])
    assert "# from ggml-org/gpt-oss-20b-GGUF" in plans["llamacpp"]["launch"]


def test_ollama_sizes_the_library_blob_its_launch_pulls(run_json):
    # A Hub id under Ollama launches `FROM gpt-oss:20b` (the catalog's library tag of that type), so it is sized as
    # that blob, whose non-expert tensors Ollama's converter kept in BF16 (engines/ollama_library.py), exactly as
    # `fit gpt-oss:20b` sizes it; a type no library tag of the model holds is pulled from a GGUF repo instead.
    hub = run_json("fit", "openai/gpt-oss-20b", "--engine", "ollama", "--offline")["plans"][0]
    tag = run_json("fit", "gpt-oss:20b", "--engine", "ollama", "--offline")["plans"][0]
    assert hub["weights_bytes"] == tag["weights_bytes"]
    assert "FROM gpt-oss:20b" in hub["launch"]
    q8 = run_json("fit", "Qwen/Qwen2.5-7B-Instruct", "--engine", "ollama", "--quant", "Q8_0", "--offline")["plans"][0]
    assert "FROM qwen2.5:7b" not in q8["launch"]  # qwen2.5:7b is the Q4_K_M file
    assert "FROM hf.co/second-state/Qwen2.5-7B-Instruct-GGUF:Q8_0" in q8["launch"]


def test_an_mxfp4_only_repo_is_not_claimed_for_another_type(run_json):
    # ggml-org/gpt-oss-20b-GGUF holds one file, gpt-oss-20b-mxfp4.gguf (planner/catalog/quantized.json names it):
    # a Q4_K_M plan says how to make that file, and Ollama is not sent to hf.co/ggml-org/...:Q4_K_M
    out = run_json("fit", "openai/gpt-oss-20b", "--engine", "llamacpp,ollama", "--quant", "Q4_K_M", "--offline")
    text = "\n".join(line for p in out["plans"] for line in p["launch"])
    assert "ggml-org" not in text and "gpt-oss:20b" not in text
    assert "convert with llama.cpp's convert_hf_to_gguf.py + llama-quantize" in text


def test_phi3_keeps_its_fused_projections_and_attn_qkv_takes_attn_v_rules():
    # llama-model.cpp LLM_ARCH_PHI3: attn_qkv {n_embd, n_embd + 2 n_embd_gqa} and ffn_up {n_embd, 2 n_ff}, as Phi-3 and
    # Phi-4 ship qkv_proj and gate_up_proj; llama-quant.cpp category_is_attn_v counts ATTENTION_QKV with attn_v, so a
    # Q4_K_M file gives it Q6_K on the use_more_bits layers (20 of phi-4's 40) and Q4_K on the rest
    from planner.core.tensors import count_params

    spec = _spec("microsoft/phi-4")
    assert _types("microsoft/phi-4", "Q4_K_M", "attn_qkv") == {"Q6_K", "Q4_K"}
    assert _types("microsoft/phi-4", "Q4_K_M", "attn_q") == set() == _types("microsoft/phi-4", "Q4_K_M", "ffn_gate")
    # the split and the fused layouts count the same weights: from the config's shapes (40 layers, hidden 5120, 40/10
    # heads of 128, ffn 17920, vocab 100352, untied), 40 x (5120 x 7680 + 5120^2 + 3 x 5120 x 17920) + 2 x 100352 x 5120
    # = 14,659,092,480 linear weights, plus the norms (414,720): 14,659,507,200
    assert count_params(spec).total == 14_659_507_200
    # real-log case L40 (llama.cpp#12012, this file on two Radeon VII): 8354.71 MiB of model buffers on the GPUs;
    # the plan's Q4_K_M mix is within 0.1% of it (155 MiB under when the projections were split)
    est = estimate_gguf(spec, "Q4_K_M")
    assert abs((est.file_bytes - est.embedding_bytes) / 2**20 / 8354.71 - 1) < 0.01
