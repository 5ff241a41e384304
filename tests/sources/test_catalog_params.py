"""Parameter counts of every catalog model against transformers' own model built on the meta device.

The reference is transformers itself (AutoModelForCausalLM / AutoModelForImageTextToText.from_config under
torch.device("meta")), built from the same config.json files the catalog ships (scripts/data/model-configs,
each copied from the public repository SOURCES.json names). Models whose architecture transformers does not
know are not in the catalog (scripts/data/model-configs/NOT_ADDED.json says which and why).
"""

from __future__ import annotations

import copy
import json
import logging
import os
import re
import warnings
from pathlib import Path

import pytest

from planner.core.tensors import count_params
from planner.sources import catalog
from planner.sources.models import resolve_model

CATALOG = catalog.catalog_ids()
CONFIGS = Path(__file__).resolve().parents[2] / "scripts" / "data" / "model-configs"

# Differences that are real and explained, not errors.
EXPLAINED = {
    # DeepSeek V3's e_score_correction_bias (one per routed expert, 58 MoE layers x 256) is stored in the
    # checkpoint and loaded by vLLM, but transformers registers it as a buffer, not a parameter.
    "deepseek-ai/DeepSeek-V3": 58 * 256,
    "deepseek-ai/DeepSeek-R1": 58 * 256,  # same architecture as V3
    # Magistral's config.json names no tie_word_embeddings; transformers 5 then ties lm_head to the embedding
    # at the wrapper level, while the checkpoint stores its own lm_head (Mistral Small 3.x text config:
    # tie_word_embeddings false), vocab 131,072 x hidden 5,120.
    "mistralai/Magistral-Small-2509": 131_072 * 5_120,
    "mistralai/Mistral-Small-3.1-24B-Instruct-2503": 131_072 * 5_120,  # same: no tie_word_embeddings in its file
}


def _transformers_count(config: dict) -> tuple[int, int | None]:
    """(all parameters, text-model parameters with its own lm_head for multimodal wrappers)."""
    os.environ.setdefault("TRANSFORMERS_VERBOSITY", "error")
    logging.getLogger("transformers").setLevel(logging.ERROR)
    torch = pytest.importorskip("torch")
    from transformers import AutoConfig, AutoModelForCausalLM, AutoModelForImageTextToText

    body = {k: v for k, v in copy.deepcopy(config).items() if k != "model_type"}  # transformers edits in place
    conf = AutoConfig.for_model(config["model_type"], **body)
    with warnings.catch_warnings(), torch.device("meta"):
        warnings.simplefilter("ignore")
        if "text_config" in config or "vision_config" in config:  # flat Qwen2-VL / Qwen2.5-VL: vision_config only
            model = AutoModelForImageTextToText.from_config(conf)
            inner = getattr(model, "model", model)
            language = getattr(inner, "language_model", None) or model.language_model
            text = sum(p.numel() for p in language.parameters())
            head = getattr(model, "lm_head", None)
            own = {id(p) for p in language.parameters()}
            if head is not None and id(head.weight) not in own:
                text += head.weight.numel()  # an untied lm_head lives on the wrapper
            return sum(p.numel() for p in model.parameters()), text
        model = AutoModelForCausalLM.from_config(conf)
    return sum(p.numel() for p in model.parameters()), None


@pytest.mark.parametrize("model_id", CATALOG)
def test_param_count_equals_transformers(model_id):
    entry = catalog.find(model_id)
    spec = resolve_model(model_id, offline=True).spec
    ours = count_params(spec).total
    theirs, text_only = _transformers_count(entry["config"])
    if text_only is not None:
        # Multimodal wrapper (Gemma 3, Llama 4, Qwen3.5, Qwen2.5-VL, Magistral): the tensor inventory is the text
        # model's, and the vision tower and projector (core/vision.py, counted for vLLM's weights) are exactly the
        # rest; the catalog's Llama 4 configs lack vision_config (transformers builds its defaults), so nothing is
        # counted there.
        assert ours - text_only == EXPLAINED.get(model_id, 0)
        assert theirs > text_only
        if spec.vision is not None:
            assert spec.vision.params == theirs - text_only
        else:
            assert spec.multimodal and any("vision tower not counted" in n for n in spec.notes)
    else:
        assert ours - theirs == EXPLAINED.get(model_id, 0)


def test_moe_active_parameters_are_top_k_of_experts():
    # Qwen3-30B-A3B: the name says about 3B active of 30.5B (model card: 3.3B activated)
    counts = count_params(resolve_model("Qwen/Qwen3-30B-A3B", offline=True).spec)
    assert 3.0e9 < counts.active < 3.6e9 and 30e9 < counts.total < 31e9


def test_llama4_active_parameters_match_the_name():
    # Llama-4-Scout-17B-16E and Maverick-17B-128E: "17B" active parameters per token (one routed expert plus
    # the shared expert, every layer for Scout, every other layer for Maverick: interleave_moe_layer_step 2).
    for model_id in ("meta-llama/Llama-4-Scout-17B-16E-Instruct", "meta-llama/Llama-4-Maverick-17B-128E-Instruct"):
        counts = count_params(resolve_model(model_id, offline=True).spec)
        assert 16.5e9 < counts.active < 17.5e9, model_id


def test_safetensors_index_total_matches_our_bytes():
    # meta-llama/Llama-2-7b-hf model.safetensors.index.json: total_size 13,476,839,424 B (fp16 checkpoint).
    # That checkpoint also stores each layer's rotary_emb.inv_freq buffer: 32 layers x 64 fp32 values.
    from planner.core.precision import weight_bytes

    spec = resolve_model("meta-llama/Llama-2-7b-hf", offline=True).spec
    inv_freq_bytes = spec.num_layers * (spec.head_dim // 2) * 4
    assert weight_bytes(spec, "fp16").total_bytes + inv_freq_bytes == 13_476_839_424


def test_catalog_is_built_from_the_copied_configs():
    folders = {p.name.replace("--", "/", 1) for p in CONFIGS.iterdir() if p.is_dir()}
    assert folders == set(CATALOG)
    for model_id in CATALOG:
        on_disk = json.loads((CONFIGS / model_id.replace("/", "--", 1) / "config.json").read_text())
        assert catalog.find(model_id)["config"] == on_disk


def test_every_catalog_config_names_its_public_source():
    pinned = re.compile(r"^https://github\.com/[\w.-]+/[\w.-]+/blob/[0-9a-f]{40}/\S+$")
    unverified = []
    for model_id in CATALOG:
        source = catalog.find(model_id)["source"]
        assert source["copy"] in ("verbatim", "python dict", "quoted", "unverified"), model_id
        assert source["note"] or source["copy"] == "verbatim", model_id
        if source["copy"] == "unverified":
            unverified.append(model_id)
        else:
            assert pinned.match(source["url"]), (model_id, source["url"])
    # The three configs inherited without a re-found public file (scripts/data/model-configs/SOURCES.json).
    assert sorted(unverified) == [
        "Qwen/Qwen2.5-72B-Instruct",
        "Qwen/Qwen2.5-7B-Instruct-GPTQ-Int4",
        "deepseek-ai/DeepSeek-R1-Distill-Qwen-7B",
    ]


def test_configs_left_out_are_not_in_the_catalog():
    left_out = json.loads((CONFIGS / "NOT_ADDED.json").read_text())
    assert left_out and not set(left_out) & set(CATALOG)
    assert all(v["why"] for v in left_out.values())


def test_catalog_covers_the_families_users_ask_for():
    ids = set(CATALOG)
    for wanted in (
        "Qwen/Qwen3-4B",
        "Qwen/Qwen3.5-27B",
        "Qwen/Qwen3.6-35B-A3B",
        "Qwen/Qwen3-Coder-480B-A35B-Instruct",
        "meta-llama/Llama-4-Scout-17B-16E-Instruct",
        "mistralai/Mistral-Small-24B-Instruct-2501",
        "mistralai/Mistral-Small-3.1-24B-Instruct-2503",
        "microsoft/phi-4",
        "deepseek-ai/DeepSeek-R1-Distill-Llama-8B",
        "deepseek-ai/DeepSeek-R1",
        "allenai/OLMo-2-1124-7B-Instruct",
        "ibm-granite/granite-3.0-8b-instruct",
        "CohereForAI/c4ai-command-r-v01",
        "meta-llama/Llama-3.3-70B-Instruct",
        "google/gemma-3-4b-it",
        "Qwen/Qwen2.5-VL-7B-Instruct",
        "Qwen/Qwen3-VL-30B-A3B-Instruct",
    ):
        assert wanted in ids
    assert len(ids) >= 100


def test_every_ollama_tag_points_at_a_catalog_model():
    for name, tag in catalog.ollama_tags().items():
        assert catalog.find(tag["model"]) is not None, name
        assert tag["quant"] in ("Q4_0", "Q4_K_M", "Q8_0", "MXFP4"), name
