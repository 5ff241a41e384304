"""The built-in offline catalog (planner/catalog/catalog.json), built by scripts/build_catalog.py."""

from __future__ import annotations

import json
from functools import lru_cache
from importlib.resources import files


@lru_cache(maxsize=1)
def _catalog() -> dict:
    return json.loads(files("planner.catalog").joinpath("catalog.json").read_text(encoding="utf-8"))


def merge_defaults(config: dict, filled: dict) -> dict:
    """The config with transformers' defaults added where the file has no value (never overriding)."""
    out = dict(config)
    for key, value in filled.items():
        if isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = merge_defaults(out[key], value)
        elif key not in out:
            out[key] = value
    return out


def catalog_ids() -> list[str]:
    return [m["id"] for m in _catalog()["models"]]


def find(model_id: str) -> dict | None:
    """A catalog entry by exact or case-insensitive id, or by the bare name after the org."""
    wanted = model_id.strip().lower()
    for entry in _catalog()["models"]:
        mid = entry["id"].lower()
        if wanted in (mid, mid.split("/", 1)[1]):
            return entry
    return None


def catalog_config(entry: dict) -> dict:
    return merge_defaults(entry["config"], entry.get("filled_by_transformers", {}))


def ollama_tag(name: str) -> dict | None:
    tags = _catalog()["ollama_tags"]
    if name in tags:
        return tags[name]
    if ":" not in name and f"{name}:latest" in tags:
        return tags[f"{name}:latest"]
    lowered = {k.lower(): v for k, v in tags.items()}
    return lowered.get(name.lower())


def ollama_tags() -> dict:
    return dict(_catalog()["ollama_tags"])


def suggest(model_id: str, limit: int = 3) -> list[str]:
    import difflib

    return difflib.get_close_matches(model_id, catalog_ids(), n=limit, cutoff=0.4)
