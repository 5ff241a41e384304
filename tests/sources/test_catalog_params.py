"""Parameter counts of every catalog model against transformers' own model built on the meta device.

The reference is transformers itself (AutoModelForCausalLM.from_config under torch.device("meta")),
built from the same config.json files the catalog ships (../shared/model-configs/).
"""

from __future__ import annotations

import copy
import logging
import os
import warnings

import pytest

from planner.core.tensors import count_params
from planner.sources import catalog
from planner.sources.models import resolve_model

CATALOG = catalog.catalog_ids()

# Differences that are real and explained, not errors.
EXPLAINED = {
    # DeepSeek V3's e_score_correction_bias (one per routed expert, 58 MoE layers x 256) is stored in the
    # checkpoint and loaded by vLLM, but transformers registers it as a buffer, not a parameter.
    "deepseek-ai/DeepSeek-V3": 58 * 256,
}


def _transformers_count(config: dict) -> tuple[int, int | None]:
    """(all parameters, text-model parameters for multimodal wrappers)."""
    os.environ.setdefault("TRANSFORMERS_VERBOSITY", "error")
    logging.getLogger("transformers").setLevel(logging.ERROR)
    torch = pytest.importorskip("torch")
    from transformers import AutoConfig, AutoModelForCausalLM, AutoModelForImageTextToText

    body = {
        k: v for k, v in copy.deepcopy(config).items() if k != "model_type"
    }  # transformers edits in place
    conf = AutoConfig.for_model(config["model_type"], **body)
    with warnings.catch_warnings(), torch.device("meta"):
        warnings.simplefilter("ignore")
        if "text_config" in config:
            model = AutoModelForImageTextToText.from_config(conf)
            language = model.model.language_model
            text = sum(p.numel() for p in language.parameters())
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
        # Multimodal wrapper (Gemma 3): mi50plan plans the text model and says so in spec.notes; the
        # vision tower and projector are not counted. Tied lm_head adds no parameters.
        assert spec.multimodal and any("vision tower not counted" in n for n in spec.notes)
        assert ours == text_only
        assert theirs > text_only
    else:
        assert ours - theirs == EXPLAINED.get(model_id, 0)


def test_moe_active_parameters_are_top_k_of_experts():
    # Qwen3-30B-A3B: the name says about 3B active of 30.5B (model card: 3.3B activated)
    counts = count_params(resolve_model("Qwen/Qwen3-30B-A3B", offline=True).spec)
    assert 3.0e9 < counts.active < 3.6e9 and 30e9 < counts.total < 31e9


def test_safetensors_index_total_matches_our_bytes():
    # meta-llama/Llama-2-7b-hf model.safetensors.index.json: total_size 13,476,839,424 B (fp16 checkpoint).
    # That checkpoint also stores each layer's rotary_emb.inv_freq buffer: 32 layers x 64 fp32 values.
    from planner.core.precision import weight_bytes

    spec = resolve_model("meta-llama/Llama-2-7b-hf", offline=True).spec
    inv_freq_bytes = spec.num_layers * (spec.head_dim // 2) * 4
    assert weight_bytes(spec, "fp16").total_bytes + inv_freq_bytes == 13_476_839_424


def test_catalog_is_built_from_the_shared_configs():
    from tests.conftest import shared_config

    for model_id in CATALOG:
        assert catalog.find(model_id)["config"] == shared_config(model_id)
