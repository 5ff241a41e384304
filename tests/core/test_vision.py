"""Vision towers and projectors of multimodal models (planner/core/vision.py, docs/methodology.md section 1), and what
they add to vLLM's memory (planner/engines/vllm_multimodal.py, section 3.10)."""

from __future__ import annotations

from pathlib import Path

import pytest

from planner.core.hardware import Hardware
from planner.core.precision import weight_bytes
from planner.core.tensors import count_params
from planner.engines.vllm import VllmOptions, plan_vllm
from planner.engines.vllm_multimodal import encoder_profile, vision_weight_bytes
from planner.sources.models import resolve_model
from planner.sources.profiles import get_profile

CONFIGS = Path(__file__).resolve().parents[1] / "data" / "real-logs-configs"


def _spec(ref: str):
    path = CONFIGS / ref.replace("/", "--", 1)
    return resolve_model(str(path) if path.is_dir() else ref, offline=True).spec


# (model, text parameters, vision tower + projector, the published total and its source). The text column is
# count_params over the config's text model (core/tensors.py, the tensor inventory); the vision column is the
# published total minus it, which core/vision.py's count from the modeling code must reproduce.
TOTALS = [
    # Hub safetensors metadata of google/gemma-3-27b-it (27.4B); KerasHub's medgemma_instruct_27b preset (the same
    # architecture) gives params 27,432,406,640 (keras-hub keras_hub/src/models/gemma3/gemma3_presets.py)
    ("google/gemma-3-27b-it", 27_009_346_304, 423_060_336, 27_432_406_640),
    # Hub API numParameters of Qwen/Qwen2.5-VL-7B-Instruct: 8,292,166,656, which transformers'
    # Qwen2_5_VLForConditionalGeneration built from this config holds too (test_transformers_holds_the_totals)
    ("Qwen/Qwen2.5-VL-7B-Instruct", 7_615_616_512, 676_550_144, 8_292_166_656),
    # Qwen/Qwen2-VL-7B-Instruct: 8,291,375,616, what transformers' Qwen2VLForConditionalGeneration built from this
    # config holds (test_transformers_holds_the_totals)
    ("Qwen/Qwen2-VL-7B-Instruct", 7_615_616_512, 675_759_104, 8_291_375_616),
    # Hub API of Qwen/Qwen3-VL-8B-Instruct (sha 0c351dd): "safetensors": {"total": 8767123696}
    ("Qwen/Qwen3-VL-8B-Instruct", 8_190_735_360, 576_388_336, 8_767_123_696),
    # Mistral Small 3.1/3.2 24B (Magistral Small shares its text model and Pixtral tower): KerasHub's
    # mistral_small_3.1_24b presets, params 24,011,361,280 (keras_hub/src/models/mistral3/mistral3_presets.py)
    ("mistralai/Magistral-Small-2509", 23_572_403_200, 438_958_080, 24_011_361_280),
    ("mistralai/Mistral-Small-3.1-24B-Instruct-2503", 23_572_403_200, 438_958_080, 24_011_361_280),
    # meta-llama/Llama-4-Scout-17B-16E-Instruct: 108,641,793,536, what transformers' Llama4ForConditionalGeneration
    # holds when built from this config on the meta device (the Hub shows 109B)
    ("meta-llama/Llama-4-Scout-17B-16E-Instruct", 107_769_861_120, 871_932_416, 108_641_793_536),
]


@pytest.mark.parametrize(("model", "text", "vision", "total"), TOTALS, ids=[t[0] for t in TOTALS])
def test_text_plus_vision_is_the_published_total(model, text, vision, total):
    spec = _spec(model)
    assert count_params(spec).total == text  # the tensor inventory (and so every GGUF size) stays text-only
    assert spec.vision is not None and spec.vision.params == vision
    assert text + vision == total
    assert any("vision tower and projector" in n for n in spec.notes)


@pytest.mark.parametrize(
    "model", ["Qwen/Qwen2.5-VL-7B-Instruct", "Qwen/Qwen2-VL-7B-Instruct", "meta-llama/Llama-4-Scout-17B-16E-Instruct"]
)
def test_transformers_holds_the_totals(model):
    # The totals above that no model card states are what transformers' image-text model built from the config on
    # the meta device holds: checked here, not taken on trust.
    import copy
    import json
    import warnings

    torch = pytest.importorskip("torch")
    from transformers import AutoConfig, AutoModelForImageTextToText

    config = json.loads((CONFIGS / model.replace("/", "--", 1) / "config.json").read_text())
    body = {k: v for k, v in copy.deepcopy(config).items() if k != "model_type"}
    with warnings.catch_warnings(), torch.device("meta"):
        warnings.simplefilter("ignore")
        built = AutoModelForImageTextToText.from_config(AutoConfig.for_model(config["model_type"], **body))
    total = next(t[3] for t in TOTALS if t[0] == model)
    assert sum(p.numel() for p in built.parameters()) == total


def test_qwen_vl_text_models_are_qwen_decoders():
    # transformers Qwen2_5_VLTextModel is Qwen2's decoder (biased q/k/v); Qwen3-VL's is Qwen3's (per-head q/k norms)
    qwen25, qwen3 = _spec("Qwen/Qwen2.5-VL-7B-Instruct"), _spec("Qwen/Qwen3-VL-8B-Instruct")
    assert qwen25.attention_bias and not qwen25.qk_norm
    assert qwen3.qk_norm and not qwen3.attention_bias


def test_catalog_llama4_without_vision_config_keeps_its_note():
    # the catalog's Llama 4 configs were copied without vision_config: nothing to count, and the plan says so
    spec = resolve_model("meta-llama/Llama-4-Scout-17B-16E-Instruct", offline=True).spec
    assert spec.vision is None and any("vision tower not counted" in n for n in spec.notes)


def test_vllm_loads_the_tower_sharded_across_tensor_parallel_ranks():
    spec = _spec("google/gemma-3-27b-it")
    v = spec.vision
    assert vision_weight_bytes(spec, 2, 1) == 2 * v.params
    # linear layers shard, the patch and position embeddings, norms and biases-free parts replicate
    assert vision_weight_bytes(spec, 2, 4) == 2 * (-(-v.sharded_params // 4) + v.replicated_params)
    assert weight_bytes(spec, "bf16").total_bytes == 2 * count_params(spec).total


def test_gemma3_profile_run_encodes_32_images_at_8192_tokens():
    # vLLM 0.19.0 MultiModalBudget: budget max(8192, 256) // 256 tokens per image = 32 items ("profiled with 32 image
    # items of the maximum feature size"); pixels [32, 3, 896, 896] in bf16, outputs [32 x 256, 5376] in bf16
    # (gemma-3-27b-it config.json: vision_config image_size 896, mm_tokens_per_image 256, text hidden_size 5376)
    spec = _spec("google/gemma-3-27b-it")
    enc = encoder_profile(spec, 2, 8192, 1024, 8192, 1, widen_to_budget=False)
    assert enc.items == 32
    assert enc.alive_bytes == 32 * 3 * 896 * 896 * 2 + 32 * 256 * 5376 * 2
    # SigLIP over 32 x 4096 patches ((896 / patch_size 14)^2): residual and normed input (vision hidden_size 1152)
    # and fc1 and its GELU (intermediate_size 4304), plus the pixels
    assert enc.peak_bytes == 32 * 3 * 896 * 896 * 2 + 32 * 4096 * (2 * 1152 + 2 * 4304) * 2
    # max_num_seqs caps the items at seqs x (max_model_len // 256) per prompt
    assert encoder_profile(spec, 2, 8192, 1, 512, 1, widen_to_budget=False).items == 2


def test_vllm_0_11_widens_each_encoder_output_to_the_budget():
    # 0.11.0 gpu_model_runner.profile_run: output.new_zeros((encoder_budget, hidden)) for each item shorter than the
    # budget, and the last unwidened output stays referenced by the loop variable
    spec = _spec("google/gemma-3-27b-it")
    narrow = encoder_profile(spec, 2, 8192, 1024, 8192, 1, widen_to_budget=False)
    wide = encoder_profile(spec, 2, 8192, 1024, 8192, 1, widen_to_budget=True)
    assert wide.alive_bytes - narrow.alive_bytes == 32 * 8192 * 5376 * 2


def test_untraced_towers_plan_weights_only():
    spec = _spec("Qwen/Qwen2.5-VL-7B-Instruct")
    assert encoder_profile(spec, 2, 8192, 1024, 8192, 1, widen_to_budget=False) is None
    hw = Hardware(get_profile("h100-sxm"), 1)
    plan = plan_vllm(spec, hw, VllmOptions(max_model_len=8192, vllm_version="0.19"))
    text_only = weight_bytes(spec, "bf16").per_rank_bytes
    # plus the M-RoPE cos/sin cache (docs/methodology.md 3.1, mrope.py: 4 x max_position_embeddings rows):
    # 4 x 128000 x 128 x 2 B = 125 MiB
    assert plan.rope_cache_bytes == 4 * 128000 * 128 * 2
    assert plan.weights_bytes == text_only + 2 * spec.vision.params + plan.rope_cache_bytes
    assert any("dummy vision-encoder batch is not planned" in n for n in plan.notes)


GEMMA, QWEN2, QWEN25, QWEN3 = (
    "google--gemma-3-4b-it",
    "Qwen--Qwen2-VL-7B-Instruct",
    "Qwen--Qwen2.5-VL-7B-Instruct",
    "Qwen--Qwen3-VL-8B-Instruct",
)


@pytest.mark.parametrize(
    ("name", "field", "value"),
    [
        (GEMMA, "hidden_size", 1e300),
        (GEMMA, "patch_size", "14"),
        (GEMMA, "mm_tokens_per_image", "x"),
        (QWEN25, "depth", None),
        (QWEN2, "mlp_ratio", "x"),
        (QWEN3, "deepstack_visual_indexes", 5),
        # counts and sizes that would truncate: a patch size of 0.5 became 0 and divided by zero (a traceback)
        (GEMMA, "patch_size", 0.5),
        (GEMMA, "mm_tokens_per_image", 0.5),
        (QWEN25, "spatial_merge_size", 0.4),
    ],
)
def test_broken_vision_fields_are_config_errors(name, field, value):
    # A non-numeric mm_tokens_per_image or mlp_ratio, a huge vision width or a deepstack index list that is not a list
    # used to escape as a TypeError / ValueError / OverflowError (a traceback at the CLI); a ConfigError is one line
    # and a hint there.
    import json

    from planner.core.spec import spec_from_config
    from planner.errors import ConfigError

    config = json.loads((CONFIGS / name / "config.json").read_text())
    target = config if field == "mm_tokens_per_image" else config["vision_config"]
    target[field] = value
    with pytest.raises(ConfigError, match=field):
        spec_from_config(config, name, f"{name}/config.json")
