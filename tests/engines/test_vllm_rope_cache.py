"""vLLM's rotary cos/sin caches in "Model loading took" (docs/methodology.md 3.1).

Each figure is rows x rotary_dim x dtype bytes per distinct rope, rows as the rope's class in vLLM's
model_executor/layers/rotary_embedding/ (0.11.0 and 0.19.0 sdists) computes them; the configs are the catalog's
(Hugging Face config.json copies) and tests/data/real-logs-configs.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from planner.core.hardware import Hardware
from planner.core.spec import spec_from_config
from planner.engines.vllm import LOAD_OVERHEAD_BYTES, VllmOptions, plan_vllm, rope_cache_bytes
from planner.errors import ConfigError
from planner.sources.models import resolve_model
from planner.sources.profiles import get_profile

MIB = 2**20
CONFIGS = Path(__file__).resolve().parents[1] / "data" / "real-logs-configs"


def _catalog(model_id: str):
    return resolve_model(model_id, offline=True).spec


def _local(name: str):
    return spec_from_config(json.loads((CONFIGS / name / "config.json").read_text()), name)


@pytest.mark.parametrize(
    ("spec", "dtype_bytes", "expected"),
    [
        # Llama 3.1: rope_type llama3 keeps base.py's max_position rows (llama3_rope.py overrides only the
        # frequencies): 131072 x 128 x 2 B = 32 MiB
        (lambda: _catalog("meta-llama/Llama-3.1-8B-Instruct"), 2, 131072 * 128 * 2),
        # Gemma 3 4B (config.json: max_position_embeddings 131072, head_dim 256, rope_scaling linear factor 8,
        # rope_local_base_freq 10000): models/gemma3.py gives sliding layers a default rope at the local base and
        # full layers the linear one; linear_scaling_rope.py makes max_position x factor rows:
        # (131072 + 8 x 131072) x 256 x 2 B = 576 MiB
        (lambda: _local("google--gemma-3-4b-it"), 2, 9 * 131072 * 256 * 2),
        # Llama 4 Scout: 10,485,760 positions (llama3 type, not extended) x 128 x 2 B = 2.5 GiB per rank
        (lambda: _local("meta-llama--Llama-4-Scout-17B-16E-Instruct"), 2, 10485760 * 128 * 2),
        # DeepSeek-V3: MLA's scaled rope runs DeepSeek YaRN (models/deepseek_v2.py), deepseek_scaling_rope.py
        # makes original_max_position x factor rows of qk_rope_head_dim: 4096 x 40 x 64 x 2 B = 20 MiB
        (lambda: _catalog("deepseek-ai/DeepSeek-V3"), 2, 4096 * 40 * 64 * 2),
        # gpt-oss-20b: models/gpt_oss.py passes dtype=torch.float32 and YaRN (yarn_scaling_rope.py: original x
        # factor rows): 4096 x 32 x 64 x 4 B = 32 MiB
        (lambda: _catalog("openai/gpt-oss-20b"), 2, 4096 * 32 * 64 * 4),
        # Qwen2.5-VL-7B: M-RoPE (mrope_section), mrope.py enlarges the cache 4x: 4 x 128000 x 128 x 2 B = 125 MiB
        (lambda: _local("Qwen--Qwen2.5-VL-7B-Instruct"), 2, 4 * 128000 * 128 * 2),
        # Phi-3-mini-128k: longrope, phi3_long_rope_scaled_rope.py concatenates the short cache (original 4096
        # rows) and the long one (131072 rows), rotary_dim = head_dim 96: 135168 x 96 x 2 B
        (lambda: _catalog("microsoft/Phi-3-mini-128k-instruct"), 2, (4096 + 131072) * 96 * 2),
        # Pythia-1.4B: rotary_pct 0.25 of head_dim 128 = 32, 2048 positions: 2048 x 32 x 2 B = 128 KiB
        (lambda: _local("EleutherAI--pythia-1.4b"), 2, 2048 * 32 * 2),
    ],
    ids=["llama3.1", "gemma3-4b", "llama4-scout", "deepseek-v3", "gpt-oss", "qwen2.5-vl", "phi3-longrope", "pythia"],
)
def test_rope_cache_bytes(spec, dtype_bytes, expected):
    assert rope_cache_bytes(spec(), dtype_bytes) == expected


def test_one_cache_per_distinct_rope():
    # get_rope caches instances by key, so a model's layers share one rope: Llama 3.1 has one entry, Gemma 3 two
    assert len(_catalog("meta-llama/Llama-3.1-8B-Instruct").ropes) == 1
    assert len(_local("google--gemma-3-12b-it").ropes) == 2


def test_rope_cache_is_in_the_weights_on_every_rank():
    # not sharded: Llama 4 Scout's 2.5 GiB is in "Model loading took" at TP 1 and at TP 4
    spec = _local("meta-llama--Llama-4-Scout-17B-16E-Instruct")
    hw = Hardware(get_profile("h100-sxm"), 4)
    for tp in (1, 4):
        plan = plan_vllm(spec, hw, VllmOptions(tensor_parallel_size=tp, max_model_len=8192), suggest=False)
        assert plan.rope_cache_bytes == 10485760 * 128 * 2
        assert plan.weights_bytes - plan.weights_raw_bytes == plan.rope_cache_bytes  # CUDA: no load overhead


def test_rocm_load_overhead_keeps_the_reference_runs():
    # engine-facts.md section 1: "Model loading took" sits 0.16-0.19 GiB (0.175 the middle) above the raw
    # parameters for Qwen2.5-1.5B and 7B on ROCm; their 8 MiB rope cache (32768 x 128 x 2 B) is part of that gap,
    # so the rope plus the platform's part is still 0.175 GiB for them
    spec = _catalog("Qwen/Qwen2.5-1.5B-Instruct")
    assert rope_cache_bytes(spec, 2) == 8 * MIB
    plan = plan_vllm(spec, Hardware(get_profile("mi50-16gb"), 1), VllmOptions(max_model_len=4096), suggest=False)
    assert plan.weights_bytes - plan.weights_raw_bytes == int(0.175 * 2**30)
    assert LOAD_OVERHEAD_BYTES["rocm"] == int(0.175 * 2**30) - 8 * MIB


# A Llama-3.1-8B-shaped config for the broken rope fields below.
LLAMA = {
    "model_type": "llama",
    "hidden_size": 4096,
    "num_hidden_layers": 32,
    "num_attention_heads": 32,
    "num_key_value_heads": 8,
    "intermediate_size": 14336,
    "vocab_size": 128256,
    "max_position_embeddings": 131072,
}


@pytest.mark.parametrize("factor", [-3, 0, "4", True])
def test_a_rope_scaling_factor_that_is_not_a_positive_number_is_refused(factor):
    # vLLM sizes a scaled rope's cache as max_position x factor rows (rotary_embedding's linear/dynamic/YaRN
    # classes): a zero, negative or non-numeric factor is a broken config, one line at the CLI edge.
    cfg = {**LLAMA, "rope_scaling": {"rope_type": "linear", "factor": factor}}
    with pytest.raises(ConfigError, match="rope scaling 'factor' must be a positive number"):
        spec_from_config(cfg, "broken/rope", "broken/config.json")
    cfg["rope_scaling"]["factor"] = 8.0
    assert spec_from_config(cfg, "ok/rope").ropes[0].factor == 8.0


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"rope_scaling": {"rope_type": "linear", "factor": 1e300}}, "rope scaling 'factor'"),
        ({"rope_scaling": {"rope_type": "yarn", "factor": 4, "original_max_position_embeddings": "x"}}, "original"),
        ({"rope_scaling": {"rope_type": "yarn", "factor": 4}, "original_max_position_embeddings": 1e300}, "original"),
        ({"rotary_dim": 1e300}, "'rotary_dim'"),
        # rows and dimensions must be whole: 0.5 made a zero-row cache or was dropped without a word
        ({"rotary_dim": 0.5}, "'rotary_dim' must be a positive whole number"),
        ({"rope_scaling": {"rope_type": "yarn", "factor": 4, "original_max_position_embeddings": 0.5}}, "whole"),
        ({"original_max_position_embeddings": -4096}, "'original_max_position_embeddings'"),
    ],
)
def test_rope_fields_the_cache_is_sized_by_are_bounded(fields, message):
    # An unbounded factor, original length or rotary_dim made the cache size overflow (a traceback at the CLI):
    # a config error instead, one line at the CLI edge.
    cfg = {**LLAMA, **fields}
    with pytest.raises(ConfigError, match=message):
        spec_from_config(cfg, "broken/rope", "broken/config.json")
