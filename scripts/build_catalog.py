"""Rebuild planner/catalog/catalog.json from the real config.json files in scripts/data/model-configs.

Each folder <org>--<model>/ holds a config.json copied from a public repository; SOURCES.json names where
(a GitHub URL at a fixed commit, how it was copied, notes) and NOT_ADDED.json the configs found but left
out, with why. Each catalog entry keeps the config verbatim, its source, and the keys that transformers'
own config class fills with defaults (Gemma 3's text_config has no vocab_size, say), so the offline path
never imports transformers. Run: python scripts/build_catalog.py [--check]
"""

from __future__ import annotations

import copy
import json
import os
import sys
import warnings
from pathlib import Path

from script_args import check_only

ROOT = Path(__file__).resolve().parents[1]
CONFIGS = ROOT / "scripts" / "data" / "model-configs"
OUT = ROOT / "planner" / "catalog" / "catalog.json"

# Ollama library tags for catalog models: Ollama name -> (HF id, default quant, file bytes when known).
# 4.68 GB for qwen2.5:7b-instruct is the reference report's `ollama list` figure.
OLLAMA_TAGS = {
    "qwen2.5:0.5b": ("Qwen/Qwen2.5-0.5B-Instruct", "Q4_K_M", None),
    "qwen2.5:1.5b": ("Qwen/Qwen2.5-1.5B-Instruct", "Q4_K_M", None),
    "qwen2.5:3b": ("Qwen/Qwen2.5-3B-Instruct", "Q4_K_M", None),
    "qwen2.5:7b": ("Qwen/Qwen2.5-7B-Instruct", "Q4_K_M", 4_683_073_184),
    "qwen2.5:7b-instruct": ("Qwen/Qwen2.5-7B-Instruct", "Q4_K_M", 4_683_073_184),
    "qwen2.5:7b-instruct-q4_K_M": ("Qwen/Qwen2.5-7B-Instruct", "Q4_K_M", 4_683_073_184),
    "qwen2.5:14b": ("Qwen/Qwen2.5-14B-Instruct", "Q4_K_M", None),
    "qwen2.5:32b": ("Qwen/Qwen2.5-32B-Instruct", "Q4_K_M", None),
    "qwen2.5:72b": ("Qwen/Qwen2.5-72B-Instruct", "Q4_K_M", None),
    "qwen3:8b": ("Qwen/Qwen3-8B", "Q4_K_M", None),
    "qwen3:14b": ("Qwen/Qwen3-14B", "Q4_K_M", None),
    "qwen3:30b": ("Qwen/Qwen3-30B-A3B", "Q4_K_M", None),
    "qwen3:32b": ("Qwen/Qwen3-32B", "Q4_K_M", None),
    "qwen3:235b": ("Qwen/Qwen3-235B-A22B", "Q4_K_M", None),
    "llama3.1:8b": ("meta-llama/Llama-3.1-8B-Instruct", "Q4_K_M", None),
    "llama3.1:70b": ("meta-llama/Llama-3.1-70B-Instruct", "Q4_K_M", None),
    "llama3.2:1b": ("meta-llama/Llama-3.2-1B-Instruct", "Q8_0", None),
    "llama3.2:3b": ("meta-llama/Llama-3.2-3B-Instruct", "Q4_K_M", None),
    "llama2:7b": ("meta-llama/Llama-2-7b-hf", "Q4_0", None),
    "mistral:7b": ("mistralai/Mistral-7B-Instruct-v0.3", "Q4_K_M", None),
    "mixtral:8x7b": ("mistralai/Mixtral-8x7B-Instruct-v0.1", "Q4_0", None),
    "gemma2:9b": ("google/gemma-2-9b-it", "Q4_0", None),
    "gemma3:27b": ("google/gemma-3-27b-it", "Q4_K_M", None),
    "phi3:mini": ("microsoft/Phi-3-mini-4k-instruct", "Q4_0", None),
    "deepseek-r1:7b": ("deepseek-ai/DeepSeek-R1-Distill-Qwen-7B", "Q4_K_M", None),
    "deepseek-v3": ("deepseek-ai/DeepSeek-V3", "Q4_K_M", None),
    "gpt-oss:20b": ("openai/gpt-oss-20b", "MXFP4", None),
    "gpt-oss:120b": ("openai/gpt-oss-120b", "MXFP4", None),
    # Added with the wider catalog: the Ollama library's tag for the same model, at the library's default
    # quantization (Q4_K_M for models published since mid-2024, Q4_0 for older ones); sizes not recorded.
    "qwen3:0.6b": ("Qwen/Qwen3-0.6B", "Q4_K_M", None),
    "qwen3:1.7b": ("Qwen/Qwen3-1.7B", "Q4_K_M", None),
    "qwen3:4b": ("Qwen/Qwen3-4B", "Q4_K_M", None),
    "qwen3-coder:480b": ("Qwen/Qwen3-Coder-480B-A35B-Instruct", "Q4_K_M", None),
    "qwen2:0.5b": ("Qwen/Qwen2-0.5B-Instruct", "Q4_0", None),
    "qwen2:1.5b": ("Qwen/Qwen2-1.5B-Instruct", "Q4_0", None),
    "llama3.1:405b": ("meta-llama/Llama-3.1-405B", "Q4_K_M", None),
    "llama3:70b": ("meta-llama/Meta-Llama-3-70B-Instruct", "Q4_0", None),
    "llama4:scout": ("meta-llama/Llama-4-Scout-17B-16E-Instruct", "Q4_K_M", None),
    "llama2:13b": ("meta-llama/Llama-2-13b-chat-hf", "Q4_0", None),
    "llama2:70b": ("meta-llama/Llama-2-70b-hf", "Q4_0", None),
    "codellama:7b": ("codellama/CodeLlama-7b-Instruct-hf", "Q4_0", None),
    "codellama:13b": ("codellama/CodeLlama-13b-Instruct-hf", "Q4_0", None),
    "codellama:34b": ("codellama/CodeLlama-34b-Instruct-hf", "Q4_0", None),
    "tinyllama:1.1b": ("TinyLlama/TinyLlama-1.1B-Chat-v1.0", "Q4_0", None),
    "deepseek-r1:8b": ("deepseek-ai/DeepSeek-R1-Distill-Llama-8B", "Q4_K_M", None),
    "deepseek-r1:32b": ("deepseek-ai/DeepSeek-R1-Distill-Qwen-32B", "Q4_K_M", None),
    "deepseek-r1:671b": ("deepseek-ai/DeepSeek-R1", "Q4_K_M", None),
    "gemma:2b": ("google/gemma-2b", "Q4_0", None),
    "gemma:7b": ("google/gemma-7b", "Q4_0", None),
    "gemma2:2b": ("google/gemma-2-2b-it", "Q4_0", None),
    "gemma2:27b": ("google/gemma-2-27b-it", "Q4_0", None),
    "gemma3:1b": ("google/gemma-3-1b-it", "Q4_K_M", None),
    "phi3:medium": ("microsoft/Phi-3-medium-4k-instruct", "Q4_0", None),
    "phi4:14b": ("microsoft/phi-4", "Q4_K_M", None),
    "mistral-nemo:12b": ("mistralai/Mistral-Nemo-Instruct-2407", "Q4_0", None),
    "mistral-small:22b": ("mistralai/Mistral-Small-Instruct-2409", "Q4_0", None),
    "mistral-small:24b": ("mistralai/Mistral-Small-24B-Instruct-2501", "Q4_K_M", None),
    "mixtral:8x22b": ("mistralai/Mixtral-8x22B-Instruct-v0.1", "Q4_0", None),
    "command-r:35b": ("CohereForAI/c4ai-command-r-v01", "Q4_0", None),
    "aya:8b": ("CohereForAI/aya-23-8B", "Q4_0", None),
    "olmo2:7b": ("allenai/OLMo-2-1124-7B-Instruct", "Q4_K_M", None),
    "olmo2:13b": ("allenai/OLMo-2-1124-13B-Instruct", "Q4_K_M", None),
    "granite3-dense:2b": ("ibm-granite/granite-3.0-2b-instruct", "Q4_K_M", None),
    "granite3-dense:8b": ("ibm-granite/granite-3.0-8b-instruct", "Q4_K_M", None),
    "nemotron:70b": ("nvidia/Llama-3.1-Nemotron-70B-Instruct-HF", "Q4_K_M", None),
    "yi:34b": ("01-ai/Yi-34B", "Q4_0", None),
    "deepseek-v2:16b": ("deepseek-ai/DeepSeek-V2-Lite", "Q4_0", None),
    # Added with the catalog's third widening (same default-quant rule).
    "gemma3:4b": ("google/gemma-3-4b-it", "Q4_K_M", None),
    "llama3.3:70b": ("meta-llama/Llama-3.3-70B-Instruct", "Q4_K_M", None),
    "qwen2.5vl:7b": ("Qwen/Qwen2.5-VL-7B-Instruct", "Q4_K_M", None),
    "qwen3-vl:2b": ("Qwen/Qwen3-VL-2B-Instruct", "Q4_K_M", None),
    "qwen3-vl:30b": ("Qwen/Qwen3-VL-30B-A3B-Instruct", "Q4_K_M", None),
    # Mistral Small 3.1 (same rule); mistral-small3.2:24b waits for a public copy of its config.json (NOT_ADDED.json).
    "mistral-small3.1:24b": ("mistralai/Mistral-Small-3.1-24B-Instruct-2503", "Q4_K_M", None),
}


def _sources() -> dict[str, dict]:
    return json.loads((CONFIGS / "SOURCES.json").read_text())


def _filled_defaults(config: dict) -> dict:
    """Keys transformers' config class adds that the file lacks (text_config included)."""
    os.environ.setdefault("TRANSFORMERS_VERBOSITY", "error")
    warnings.filterwarnings("ignore")
    from transformers import AutoConfig

    body = copy.deepcopy(config)  # transformers edits nested dicts (rope_scaling) in place
    model_type = body.pop("model_type")
    full = AutoConfig.for_model(model_type, **body).to_dict()
    wanted = (
        "vocab_size",
        "tie_word_embeddings",
        "layer_types",
        "max_position_embeddings",
        "head_dim",
        "intermediate_size",
        "sliding_window",
        "num_attention_heads",
        "num_key_value_heads",
    )
    filled: dict = {}
    if isinstance(config.get("text_config"), dict):
        text = full.get("text_config") or {}
        filled["text_config"] = {k: text[k] for k in wanted if k in text and k not in config["text_config"]}
        if "tie_word_embeddings" in config:  # the wrapper's own setting rules (Qwen3-VL MoE: false at the top only)
            filled["text_config"].pop("tie_word_embeddings", None)
        if "tie_word_embeddings" not in config and "tie_word_embeddings" in full:
            filled["tie_word_embeddings"] = full["tie_word_embeddings"]
    else:
        filled = {
            k: full[k]
            for k in ("vocab_size", "tie_word_embeddings", "head_dim")
            if k not in config and full.get(k) is not None
        }
    return filled


def build() -> dict:
    sources = _sources()
    models = []
    for folder in sorted(p for p in CONFIGS.iterdir() if p.is_dir()):
        model_id = folder.name.replace("--", "/", 1)
        if model_id not in sources:
            raise SystemExit(f"{folder}: no entry in SOURCES.json (every config names where it was copied from)")
        config = json.loads((folder / "config.json").read_text())
        entry = {
            "id": model_id,
            "config": config,
            "source": sources[model_id],
            "filled_by_transformers": _filled_defaults(config),
        }
        index = folder / "model.safetensors.index.json"
        if index.exists():
            entry["safetensors_total_bytes"] = json.loads(index.read_text())["metadata"]["total_size"]
        models.append(entry)
    ollama = {
        name: {"model": hf, "quant": q, "file_bytes": size} for name, (hf, q, size) in OLLAMA_TAGS.items()
    }
    return {
        "schema_version": 1,
        "models": models,
        "ollama_tags": ollama,
        "note": "configs copied from public repositories (scripts/data/model-configs); source per entry",
    }


def main() -> int:
    check = check_only(__doc__, sys.argv[1:], "planner/catalog/catalog.json")
    data = json.dumps(build(), indent=1, sort_keys=True) + "\n"
    if check:
        same = OUT.exists() and OUT.read_text() == data
        print("catalog up to date" if same else "catalog out of date: run python scripts/build_catalog.py")
        return 0 if same else 1
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(data)
    print(f"wrote {OUT} ({len(data):,} bytes)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
