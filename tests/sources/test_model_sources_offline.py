"""What a new user meets offline with a model the catalog does not list (issue 14 item 7).

Before: `fit mistralai/Mistral-Small-24B-Instruct-2501` suggested Mistral-7B, Mixtral-8x7B and Llama-3.2-3B
and never the offline routes; `--hardware mi50` suggested "mi60, mi210, mi100"; a config.json passed as a
file was named "config.json"; a config lacking size keys was planned from transformers' defaults unsaid."""

from __future__ import annotations

import json
import re
import shutil

import pytest

from planner.sources.models import resolve_model
from tests.conftest import DATA, REFERENCE_COPY

QWEN_7B = REFERENCE_COPY / "model-configs" / "Qwen--Qwen2.5-7B-Instruct" / "config.json"


def _hint(err: str) -> str:
    return next(line for line in err.splitlines() if line.startswith("hint: "))


def test_unknown_model_offline_names_the_offline_routes(run_cli):
    # Mistral-Small-24B (the example) joined the catalog since; an id no source knows stands in.
    code, _, err = run_cli("fit", "mistralai/Imaginary-Small-24B-Instruct-2501")
    assert code == 3 and "not found" in err
    hint = _hint(err)
    routes = ("folder", "config.json", ".gguf", "HF_HUB_OFFLINE=1")
    routes += ("hf download mistralai/Imaginary-Small-24B-Instruct-2501",)
    for route in routes:
        assert route in hint, route
    # Only close matches: whatever the catalog grows to, never a model of another size.
    suggested = re.search(r"did you mean: (.*?)\?", hint)
    for model_id in suggested.group(1).split(", ") if suggested else []:
        assert "24b" in model_id.lower(), hint
    assert "Mistral-7B" not in hint and "Llama-3.2-3B" not in hint


def test_typos_and_short_names_still_find_the_catalog_model():
    from planner.sources.models import close_catalog_matches

    assert "meta-llama/Llama-3.1-8B-Instruct" in close_catalog_matches("meta-llama/Llama-3.1-8B-Instrcut")[:2]
    assert "Qwen/Qwen2.5-7B-Instruct" in close_catalog_matches("Qwen/Qwen2.5-7B")
    assert "Qwen/Qwen2.5-72B-Instruct" not in close_catalog_matches("Qwen/Qwen2.5-7B")


def test_hardware_prefix_matches_come_first(run_cli):
    code, _, err = run_cli("fit", "Qwen/Qwen2.5-7B-Instruct", "--hardware", "mi50")
    assert code == 3
    assert _hint(err).startswith("hint: did you mean: mi50-16gb, mi50-32gb")


def test_config_file_is_named_after_its_folder_or_name_or_path(run_json, tmp_path):
    folder = tmp_path / "Qwen2.5-7B-Instruct"
    folder.mkdir()
    shutil.copy(QWEN_7B, folder / "config.json")  # this real config has no _name_or_path
    data = run_json("fit", str(folder / "config.json"), "--engine", "vllm")
    assert data["model"]["id"] == "Qwen2.5-7B-Instruct"
    # A config transformers saved carries the repo id in _name_or_path (Llama-2-7b-hf's real config does).
    llama = json.loads((REFERENCE_COPY / "model-configs" / "meta-llama--Llama-2-7b-hf" / "config.json").read_text())
    (tmp_path / "llama.json").write_text(json.dumps(llama))
    assert resolve_model(str(tmp_path / "llama.json")).spec.model_id == llama["_name_or_path"]
    # A training run saves its output path there: the model is named by its last part.
    (tmp_path / "run.json").write_text(json.dumps({**llama, "_name_or_path": "/home/me/runs/checkpoint-500/"}))
    assert resolve_model(str(tmp_path / "run.json")).spec.model_id == "checkpoint-500"


def test_every_key_filled_from_transformers_defaults_is_named(run_json, tmp_path):
    # The real Qwen2.5-7B config less two size keys: transformers' Qwen2Config fills vocab_size=151936
    # and intermediate_size=22016 (its defaults; the real model has 152064 and 18944).
    config = json.loads(QWEN_7B.read_text())
    del config["vocab_size"], config["intermediate_size"]
    folder = tmp_path / "trimmed"
    folder.mkdir()
    (folder / "config.json").write_text(json.dumps(config))
    resolved = resolve_model(str(folder))
    defaulted = dict(resolved.defaulted)
    assert defaulted["vocab_size"] == 151936 and defaulted["intermediate_size"] == 22016
    assert "hidden_size" not in defaulted  # the file has it
    data = run_json("fit", str(folder), "--engine", "vllm")
    note = next(n for n in data["model"]["notes"] if "transformers' defaults" in n)
    assert "vocab_size=151936" in note and "intermediate_size=22016" in note
    # A complete config says nothing of the kind.
    assert resolve_model(str(QWEN_7B)).defaulted == ()


def test_a_config_transformers_cannot_complete_names_both_reasons(tmp_path):
    # Gemma 3's Hub config leaves text_config.vocab_size to transformers' defaults; when another field is
    # malformed (vision_config.hidden_size "abc") transformers cannot fill it in, and the one error line
    # names both: the missing key and the field that stopped transformers.
    from planner.errors import ConfigError

    path = DATA / "real-logs-configs" / "google--gemma-3-4b-it" / "config.json"
    cfg = json.loads(path.read_text())
    del cfg["text_config"]["vocab_size"]
    cfg["vision_config"]["hidden_size"] = "abc"
    (tmp_path / "config.json").write_text(json.dumps(cfg))
    with pytest.raises(ConfigError) as err:
        resolve_model(str(tmp_path), offline=True)
    assert "missing 'vocab_size'" in err.value.problem and "hidden_size" in err.value.problem
