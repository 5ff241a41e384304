"""The table of real pre-quantized checkpoints (planner/catalog/quantized.json) and its lookup.

Every repo there is named by a public page or file recorded in its 'source' (a Hugging Face collection or
organisation page, a project's docs, or a file in a public GitHub repository pinned by commit).
"""

from __future__ import annotations

import json
import re
from importlib.resources import files

import pytest

from planner.sources import catalog

ROWS = json.loads(files("planner.catalog").joinpath("quantized.json").read_text(encoding="utf-8"))["repos"]
REPO_ID = re.compile(r"^[\w.-]+/[\w.-]+$")
BITS = {"awq": {4}, "gptq": {4, 8}, "fp8": {8}, "gguf": {None}}
MARKER = {"awq": "awq", "gptq": "gptq", "fp8": "fp8", "gguf": "gguf"}


@pytest.mark.parametrize("row", ROWS, ids=[r["repo"] + ":" + r["base_model"] for r in ROWS])
def test_every_entry_is_well_formed_with_a_source(row):
    assert set(row) <= {"repo", "base_model", "scheme", "bits", "source", "note", "gguf_file"}
    assert REPO_ID.match(row["repo"]) and REPO_ID.match(row["base_model"])
    assert row["bits"] in BITS[row["scheme"]]
    assert MARKER[row["scheme"]] in row["repo"].lower()  # the repo's own name says its scheme
    source = row["source"]
    assert source.startswith(("https://huggingface.co/", "https://github.com/"))
    if source.startswith("https://github.com/"):
        assert re.match(r"^https://github\.com/[\w.-]+/[\w.-]+/blob/[0-9a-f]{40}/", source), source
    if "gguf_file" in row:
        assert row["scheme"] == "gguf" and row["gguf_file"].endswith(".gguf")


def test_entries_are_unique():
    keys = [(r["repo"], r["base_model"]) for r in ROWS]
    assert len(keys) == len(set(keys))


def test_most_used_catalog_models_have_a_known_checkpoint():
    covered = {r["base_model"] for r in ROWS} & set(catalog.catalog_ids())
    assert len(covered) >= 40
    for model_id in ("Qwen/Qwen2.5-7B-Instruct", "meta-llama/Llama-3.1-70B-Instruct", "Qwen/Qwen3-32B"):
        assert model_id in covered


def test_lookup_names_the_official_repo_first():
    # Qwen docs (quantization/awq.md) serve Qwen/Qwen2.5-7B-Instruct-AWQ; vLLM reads its quantization_config.
    assert catalog.quantized_repos("Qwen/Qwen2.5-7B-Instruct", "awq")[0].repo == "Qwen/Qwen2.5-7B-Instruct-AWQ"
    fp8 = [r.repo for r in catalog.quantized_repos("Qwen/Qwen3-32B", "fp8")]
    assert fp8[0] == "Qwen/Qwen3-32B-FP8" and "RedHatAI/Qwen3-32B-FP8-dynamic" in fp8


def test_lookup_maps_the_planner_quantization_names():
    llama = "meta-llama/Llama-3.1-70B-Instruct"
    assert [r.repo for r in catalog.quantized_repos(llama, "awq")] == [
        "hugging-quants/Meta-Llama-3.1-70B-Instruct-AWQ-INT4"
    ]
    assert catalog.quantized_repos(llama, "gptq")[0].repo == "hugging-quants/Meta-Llama-3.1-70B-Instruct-GPTQ-INT4"
    assert catalog.quantized_repos("Qwen/Qwen2.5-14B-Instruct", "int8")[0].repo == "Qwen/Qwen2.5-14B-Instruct-GPTQ-Int8"
    # Any GGUF type finds the GGUF repos, the ones whose named file is of that type first.
    gguf = catalog.quantized_repos("meta-llama/Llama-3.1-8B-Instruct", "Q4_K_M")
    assert gguf and all(r.scheme == "gguf" for r in gguf)
    assert catalog.quantized_repos("qwen/qwen2.5-7b-instruct", "AWQ")  # ids and schemes are case-insensitive
    with pytest.raises(ValueError):
        catalog.quantized_repos("Qwen/Qwen2.5-7B-Instruct", "nf5")


def test_checkpoint_line_names_a_real_repo_or_what_to_look_for():
    repo, line = catalog.quantized_checkpoint("meta-llama/Llama-3.1-70B-Instruct", "awq")
    assert repo == "hugging-quants/Meta-Llama-3.1-70B-Instruct-AWQ-INT4"
    assert repo in line and "huggingface.co/collections/hugging-quants" in line
    # No AWQ repo of Mixtral is in the table: the line says what to search for and names no repo.
    repo, line = catalog.quantized_checkpoint("mistralai/Mixtral-8x7B-Instruct-v0.1", "awq")
    assert repo is None
    assert "Mixtral-8x7B-Instruct-v0.1 AWQ" in line and "Mixtral-8x7B-Instruct-v0.1-AWQ" not in line


def test_prequantized_catalog_entries_are_marked():
    # Qwen3-32B-FP8's config.json carries an fp8 quantization_config; Qwen3-32B's does not.
    assert catalog.is_prequantized("Qwen/Qwen3-32B-FP8")
    assert catalog.is_prequantized("Qwen/Qwen2.5-7B-Instruct-GPTQ-Int4")
    assert not catalog.is_prequantized("Qwen/Qwen3-32B") and not catalog.is_prequantized("no/such-model")
