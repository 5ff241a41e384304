"""Pre-quantized checkpoints the offline catalog does not hold (planner.sources.catalog.prequantized).

Offline, an AWQ, GPTQ or FP8 repo of a catalog model is planned as that model in the scheme: from its
planner/catalog/quantized.json row (the page that names it), else from the quantizers' naming conventions ("-AWQ",
"-GPTQ-Int4", "-GPTQ-Int8", "-FP8", "-FP8-Dynamic"). The plan says so in a note; anything else stays "not found".
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
    ],
)
def test_a_conventional_name_reads_as_its_base_model(ref, base, quant):
    model = resolve_model(ref, offline=True)
    assert model.location == base
    if quant is None:  # FP8: 8-bit, per-channel scales, no zero points
        assert (model.spec.quant.method, model.spec.quant.bits, model.spec.quant.block_size) == ("fp8", 8, None)
    else:
        assert model.spec.quant == quant
    assert "read from the name's ending" in model.notes[0]


@pytest.mark.parametrize(
    "ref",
    [
        "foo/Bar-AWQ",  # no catalog model of that name
        "someone/Qwen2.5-7B-Instruct-bnb-4bit",  # an ending whose layout the planner does not read
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
