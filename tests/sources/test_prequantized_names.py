"""Pre-quantized checkpoints the offline catalog does not hold (planner.sources.catalog.prequantized).

Offline, an AWQ, GPTQ or FP8 repo of a catalog model is planned as that model in the scheme: from its
planner/catalog/quantized.json row (the page that names it), else from the quantizers' naming conventions ("-AWQ",
"-GPTQ-Int4", "-GPTQ-Int8", "-FP8", "-FP8-Dynamic", "-quantized.w8a8", "-quantized.w4a16"). The plan says so in a
note; anything else stays "not found".
"""

from __future__ import annotations

from dataclasses import replace

import pytest

from planner.core.precision import INT4_AWQ, INT4_GPTQ, INT8_GPTQ
from planner.errors import ModelNotFound
from planner.sources import catalog
from planner.sources.models import resolve_model


def test_a_quantized_json_repo_is_its_base_model_in_its_scheme():
    # quantized.json: Qwen/Qwen2.5-14B-Instruct-GPTQ-Int8, base Qwen/Qwen2.5-14B-Instruct, gptq 8-bit, named in Qwen's
    # speed benchmark page; the catalog holds the base, not the repo
    ref = "Qwen/Qwen2.5-14B-Instruct-GPTQ-Int8"
    assert catalog.find(ref) is None
    model = resolve_model(ref, offline=True)
    base = resolve_model("Qwen/Qwen2.5-14B-Instruct", offline=True)
    assert model.spec.quant == INT8_GPTQ and base.spec.quant is None
    assert model.spec.model_id == ref and model.location == "Qwen/Qwen2.5-14B-Instruct"
    assert replace(model.spec, quant=None, model_id=base.spec.model_id) == base.spec  # the base's shapes, as read
    (note,) = model.notes
    assert "GPTQ 8-bit" in note and "speed_benchmark.rst" in note and "own config.json was not read" in note


@pytest.mark.parametrize(
    ("ref", "base", "quant"),
    [
        # AutoAWQ's ending on a community repo of a catalog model (Meta's ids are spelled without "Meta-" for 3.1)
        ("TechxGenus/Meta-Llama-3-70B-Instruct-AWQ", "meta-llama/Meta-Llama-3-70B-Instruct", INT4_AWQ),
        ("someone/Qwen2.5-7B-Instruct-GPTQ-Int4", "Qwen/Qwen2.5-7B-Instruct", INT4_GPTQ),
        ("someone/qwen3-8b-gptq", "Qwen/Qwen3-8B", INT4_GPTQ),
        ("someone/Meta-Llama-3.1-8B-Instruct-FP8-Dynamic", "meta-llama/Llama-3.1-8B-Instruct", None),
        # llm-compressor's INT8 W8A8 (compressed-tensors, one byte per weight, per-channel scales)
        ("RedHatAI/Qwen2.5-7B-Instruct-quantized.w8a8", "Qwen/Qwen2.5-7B-Instruct", "w8a8"),
        # llm-compressor's INT4 W4A16 preset (int4, symmetric, groups of 128): vLLM runs it as GPTQ-Marlin
        ("RedHatAI/Meta-Llama-3.1-8B-Instruct-quantized.w4a16", "meta-llama/Llama-3.1-8B-Instruct", INT4_GPTQ),
    ],
)
def test_a_conventional_name_reads_as_its_base_model(ref, base, quant):
    model = resolve_model(ref, offline=True)
    assert model.location == base
    if quant is None:  # FP8: 8-bit, per-channel scales, no zero points
        assert (model.spec.quant.method, model.spec.quant.bits, model.spec.quant.block_size) == ("fp8", 8, None)
    elif quant == "w8a8":  # as a read compressed-tensors config gives it (core/spec.py _quant_config)
        assert (model.spec.quant.method, model.spec.quant.bits) == ("compressed-tensors", 8)
    else:
        assert model.spec.quant == quant
    assert "read from the name's ending" in model.notes[0]


@pytest.mark.parametrize(
    "ref",
    [
        "foo/Bar-AWQ",  # no catalog model of that name
        "someone/Qwen2.5-7B-Instruct-bnb-4bit",  # an ending whose layout the planner does not read
        "someone/Qwen2.5-7B-Instruct-w4a16",  # a bare W4A16: 4-bit with a group size the name does not say
        "someone/AWQ",  # nothing before the ending
        "someone/Qwen2.5-7B-Instruct-AWQ-GGUF",  # a GGUF repo: its files say their own type
    ],
)
def test_anything_else_stays_not_found(ref):
    with pytest.raises(ModelNotFound):
        resolve_model(ref, offline=True)


def test_a_checkpoint_the_catalog_holds_keeps_its_own_config():
    model = resolve_model("Qwen/Qwen2.5-7B-Instruct-GPTQ-Int4", offline=True)
    assert model.location == "Qwen/Qwen2.5-7B-Instruct-GPTQ-Int4" and model.notes == ()
    assert model.spec.quant is not None and model.spec.quant.method == "gptq"


@pytest.mark.parametrize(
    "ref", ["Qwen/Qwen2.5-7B-Instruct-GPTQ-Int4", "someone/Qwen2.5-7B-Instruct-AWQ", "someone/qwen3-8b-gptq"]
)
def test_a_quantized_checkpoint_is_launched_as_itself(run_json, ref):
    # vLLM reads the checkpoint's quantization_config: `vllm serve <the repo>`, not a search for another checkpoint
    (plan,) = run_json("fit", ref, "--offline", "--engine", "vllm", "--hardware", "rtx4090")["plans"]
    assert plan["fits"] and plan["launch"][-1].startswith(f"vllm serve {ref}")
    assert not any("no known" in line for line in plan["launch"])
