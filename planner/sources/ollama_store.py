"""Resolve an Ollama model name (qwen2.5:7b) to a model: the local Ollama store first, else the catalog.

The store layout is Ollama's own (server/modelpath.go, server/manifest.go):
$OLLAMA_MODELS or ~/.ollama/models, with manifests/registry.ollama.ai/library/<name>/<tag> a JSON
manifest whose layer of mediaType application/vnd.ollama.image.model names the GGUF blob by digest,
stored as blobs/sha256-<hex>.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from planner.errors import ModelNotFound
from planner.sources import catalog

MODEL_MEDIA_TYPE = "application/vnd.ollama.image.model"
REGISTRY = "registry.ollama.ai"


def store_dir() -> Path:
    env = os.environ.get("OLLAMA_MODELS")
    return Path(env).expanduser() if env else Path.home() / ".ollama" / "models"


def split_name(name: str) -> tuple[str, str, str]:
    """(namespace, model, tag): 'qwen2.5:7b' -> ('library', 'qwen2.5', '7b'); the tag defaults to latest."""
    base, _, tag = name.strip().partition(":")
    namespace, _, model = base.rpartition("/")
    return namespace or "library", model, tag or "latest"


def find_blob(name: str, root: Path | None = None) -> Path | None:
    """The GGUF blob of `name` in the local store, or None when the store does not have it."""
    root = root or store_dir()
    namespace, model, tag = split_name(name)
    manifest = root / "manifests" / REGISTRY / namespace / model / tag
    if not manifest.is_file():
        return None
    try:
        data = json.loads(manifest.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError):
        return None
    for layer in data.get("layers", []):
        if layer.get("mediaType") == MODEL_MEDIA_TYPE and isinstance(layer.get("digest"), str):
            blob = root / "blobs" / layer["digest"].replace(":", "-")
            return blob if blob.is_file() else None
    return None


def resolve_ollama_name(name: str):
    from planner.sources.resolved import ResolvedModel

    root = store_dir()
    tried = []
    blob = find_blob(name, root)
    if blob is not None:
        from planner.sources.gguf_file import read_gguf

        model = read_gguf(blob)
        return ResolvedModel(
            model.spec,
            "ollama-store",
            str(blob),
            {},
            model.param_count,
            model.file_bytes,
            gguf=model,
            default_quant=model.quant,
        )
    tried.append(f"Ollama store {root}: no manifest for {name}")
    tag = catalog.ollama_tag(name)
    if tag is not None:
        from planner.core.spec import spec_from_config

        entry = catalog.find(tag["model"])
        if entry is not None:
            config = catalog.catalog_config(entry)
            spec = spec_from_config(config, entry["id"], f"{entry['id']} (catalog, Ollama tag {name})")
            note = f"Ollama tag {name} is {entry['id']} at {tag['quant']} (offline catalog)"
            return ResolvedModel(
                spec,
                "catalog",
                entry["id"],
                config,
                None,
                tag.get("file_bytes"),
                default_quant=tag["quant"],
                notes=(note,),
            )
    tried.append("offline catalog: no such Ollama tag")
    raise ModelNotFound(
        name,
        tried,
        hint=f"run `ollama pull {name}` (or set OLLAMA_MODELS to your store), "
        f"or give the Hugging Face repo id with --quant",
    )


__all__ = ["resolve_ollama_name", "find_blob", "store_dir", "split_name"]
