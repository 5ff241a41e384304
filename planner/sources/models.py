"""Find a model's config, and say which source answered.

Order (docs/user-guide.md "Where model configs come from"):
  1. a local path: a folder with config.json, a config.json file, or a .gguf file;
  2. an Ollama name (``qwen2.5:7b``): the local Ollama store, else the catalog's tag table;
  3. the Hugging Face Hub through huggingface_hub: its local cache first, then the network
     (HF_TOKEN honoured, never printed; HF_HUB_OFFLINE=1 or --offline skips the network);
  4. the built-in offline catalog, when the Hub is unreachable or offline.
"""

from __future__ import annotations

import copy
import json
import os
import socket
from dataclasses import dataclass, field, replace
from pathlib import Path
from urllib.parse import urlparse

from planner.core.spec import ModelSpec, spec_from_config
from planner.errors import ConfigError, ModelNotFound
from planner.sources import catalog
from planner.sources.files import read_json

MAX_REF_CHARS = 1024  # a path or repo id longer than this is not one (PATH_MAX is 4096, repo ids 96)
CONFIG_MAX_BYTES = 16 * 2**20  # real config.json files are a few kB; a layer list of 1000 is still small
# Keys that size the model: when transformers fills one from its defaults, the plan says so.
SIZE_KEYS = (
    "hidden_size",
    "num_hidden_layers",
    "num_attention_heads",
    "num_key_value_heads",
    "head_dim",
    "intermediate_size",
    "vocab_size",
    "max_position_embeddings",
    "num_experts",
    "num_local_experts",
    "num_experts_per_tok",
    "moe_intermediate_size",
)


@dataclass(frozen=True)
class ResolvedModel:
    spec: ModelSpec
    source: str  # local | gguf | ollama-store | hub | hf-cache | catalog
    location: str  # path, repo id or catalog id: where the config was read
    config: dict = field(default_factory=dict, compare=False)
    checkpoint_params: int | None = None  # exact count from safetensors metadata, when read
    checkpoint_bytes: int | None = None  # total bytes of the safetensors files, when known
    gguf: object | None = None  # planner.sources.gguf_file.GGUFModel for .gguf and Ollama blobs
    default_quant: str | None = None  # an Ollama tag's quant (qwen2.5:7b -> Q4_K_M)
    notes: tuple[str, ...] = ()


def _load_json(path: Path) -> dict:
    data = read_json(path, "Hugging Face config.json", ConfigError, max_bytes=CONFIG_MAX_BYTES)
    if not isinstance(data, dict):
        raise ConfigError(str(path), "config is not a JSON object", hint="check the file is a Hugging Face config.json")
    return data


def normalise_with_transformers(config: dict, where: str) -> dict:
    """Fill keys a config leaves to transformers' defaults (Gemma 3 text_config.vocab_size, ...).

    Imported lazily: transformers costs about 2 s to import and is only needed for such configs.
    """
    model_type = config.get("model_type")
    if not model_type:
        return config
    os.environ.setdefault("TRANSFORMERS_VERBOSITY", "error")
    os.environ.setdefault("TRANSFORMERS_NO_ADVISORY_WARNINGS", "1")
    import logging
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        logging.getLogger("transformers").setLevel(logging.ERROR)
        try:
            from transformers import AutoConfig  # "PyTorch was not found" goes to this logger

            body = {k: v for k, v in copy.deepcopy(config).items() if k != "model_type"}  # edited in place
            full = AutoConfig.for_model(model_type, **body).to_dict()
        except Exception as exc:  # transformers' own checks raise many kinds; each means the same here
            raise ConfigError(
                where, f"incomplete config and transformers cannot complete it ({type(exc).__name__}: {exc})"
            ) from exc
    return catalog.merge_defaults(config, full)


def _defaulted_keys(config: dict, completed: dict) -> list[tuple[str, object]]:
    """(key, value) for each size key the file leaves out and transformers' defaults filled in."""
    out = []
    for own, full, prefix in (
        (config, completed, ""),
        (config.get("text_config"), completed.get("text_config"), "text_config."),
    ):
        if not isinstance(own, dict) or not isinstance(full, dict):
            continue
        for key in SIZE_KEYS:
            if own.get(key) is None and full.get(key) is not None:
                out.append((prefix + key, full[key]))
    return out


def spec_from_any_config(config: dict, model_id: str, where: str) -> ModelSpec:
    """The spec of a config; keys it leaves out are filled from transformers' defaults, with a note each."""
    try:
        return spec_from_config(config, model_id, where)
    except ConfigError as first:
        if "missing" not in first.problem:
            raise
        try:
            completed = normalise_with_transformers(config, where)
        except ConfigError:
            raise first from None
    defaulted = _defaulted_keys(config, completed)
    said = ", ".join(f"{k}={v}" for k, v in defaulted)
    try:
        spec = spec_from_config(completed, model_id, where)
    except ConfigError as exc:
        if not defaulted:
            raise
        raise ConfigError(
            where,
            f"{exc.problem} (the file leaves {said} to transformers' defaults)",
            hint="add the missing keys to config.json (see the model card)",
        ) from None
    notes = tuple(f"config leaves {k} to transformers' default {v}" for k, v in defaulted)
    return replace(spec, notes=spec.notes + notes)


def _from_local(path: Path) -> ResolvedModel:
    if path.is_dir():
        ggufs = sorted(path.glob("*.gguf"))
        if not (path / "config.json").exists():
            if ggufs:
                return _from_gguf(ggufs[0])
            raise ConfigError(
                str(path), "folder has no config.json", hint="point at a model folder or a .gguf file"
            )
        config_path = path / "config.json"
    else:
        config_path = path
    if config_path.suffix == ".gguf" or _is_gguf(config_path):
        return _from_gguf(config_path)
    config = _load_json(config_path)
    name = config.get("_name_or_path") or path.name
    spec = spec_from_any_config(config, str(name), str(config_path))
    params, total_bytes = _local_safetensors(config_path.parent)
    return ResolvedModel(spec, "local", str(config_path), config, params, total_bytes)


def _is_gguf(path: Path) -> bool:
    try:
        with path.open("rb") as fh:
            return fh.read(4) == b"GGUF"
    except OSError:
        return False


def _from_gguf(path: Path) -> ResolvedModel:
    from planner.sources.gguf_file import read_gguf

    model = read_gguf(path)
    return ResolvedModel(model.spec, "gguf", str(path), {}, model.param_count, model.file_bytes, gguf=model)


def _local_safetensors(folder: Path) -> tuple[int | None, int | None]:
    index = folder / "model.safetensors.index.json"
    if index.exists():
        try:
            total = json.loads(index.read_text(encoding="utf-8"))["metadata"]["total_size"]
        except (KeyError, ValueError, TypeError, OSError, RecursionError):
            return None, None
        if isinstance(total, int) and not isinstance(total, bool) and 0 < total < 2**50:
            return None, total
    return None, None


def hub_reachable(timeout_s: float = 1.5) -> bool:
    """A quick DNS + TCP check, so an offline machine falls back at once instead of retrying for 20 s."""
    endpoint = os.environ.get("HF_ENDPOINT", "https://huggingface.co")
    parsed = urlparse(endpoint)
    host = parsed.hostname or "huggingface.co"
    port = parsed.port or (443 if parsed.scheme == "https" else 80)
    try:
        with socket.create_connection((host, port), timeout=timeout_s):
            return True
    except OSError:
        return False


def _hf_cache_dir() -> str:
    """huggingface_hub's cache folder, read from the environment now (its constants are read at import)."""
    if os.environ.get("HF_HUB_CACHE"):
        return os.environ["HF_HUB_CACHE"]
    home = os.environ.get("HF_HOME") or os.path.join(
        os.environ.get("XDG_CACHE_HOME") or os.path.expanduser("~/.cache"), "huggingface"
    )
    return os.path.join(home, "hub")


def _offline_env() -> bool:
    return os.environ.get("HF_HUB_OFFLINE", "").lower() in ("1", "true", "yes", "on")


def _from_hub(repo_id: str, revision: str | None, offline: bool, tried: list[str]) -> ResolvedModel | None:
    from huggingface_hub import try_to_load_from_cache
    from huggingface_hub.errors import HFValidationError

    cache_dir = _hf_cache_dir()
    try:
        cached = try_to_load_from_cache(repo_id, "config.json", revision=revision, cache_dir=cache_dir)
    except (HFValidationError, ValueError, OSError) as exc:
        tried.append(f"Hugging Face: not a valid repo id ({str(exc).splitlines()[0][:120]})")
        return None
    if isinstance(cached, str):
        config = _load_json(Path(cached))
        spec = spec_from_any_config(config, repo_id, f"{repo_id} (Hugging Face cache)")
        return ResolvedModel(spec, "hf-cache", cached, config)
    tried.append("Hugging Face cache: not cached")
    if offline or _offline_env():
        tried.append("Hub: skipped (offline)")
        return None
    if not hub_reachable():
        tried.append("Hub: unreachable")
        return None
    from huggingface_hub import hf_hub_download
    from huggingface_hub.errors import (
        EntryNotFoundError,
        GatedRepoError,
        HfHubHTTPError,
        LocalEntryNotFoundError,
        RepositoryNotFoundError,
    )

    try:
        path = hf_hub_download(repo_id, "config.json", revision=revision, etag_timeout=5, cache_dir=cache_dir)
    except GatedRepoError as exc:
        raise ModelNotFound(
            repo_id,
            tried + ["Hub: gated repository"],
            hint="accept the licence on the model page and set HF_TOKEN, or use a local folder",
        ) from exc
    except RepositoryNotFoundError as exc:
        tried.append("Hub: no such repository (or private without HF_TOKEN)")
        return None if catalog.find(repo_id) else _raise_not_found(repo_id, tried, exc)
    except EntryNotFoundError as exc:
        raise ConfigError(
            repo_id,
            "repository has no config.json",
            hint="GGUF-only repositories: download the .gguf and pass its path",
        ) from exc
    except (LocalEntryNotFoundError, HfHubHTTPError, OSError) as exc:
        tried.append(f"Hub: {type(exc).__name__}")
        return None
    config = _load_json(Path(path))
    spec = spec_from_any_config(config, repo_id, f"{repo_id} (Hub)")
    params, notes = _hub_safetensors_params(repo_id, revision)
    return ResolvedModel(spec, "hub", repo_id, config, params, None, notes=notes)


def _raise_not_found(repo_id: str, tried: list[str], exc: Exception) -> None:
    raise ModelNotFound(repo_id, tried, hint=_not_found_hint(repo_id)) from exc


def _hub_safetensors_params(repo_id: str, revision: str | None) -> tuple[int | None, tuple[str, ...]]:
    """Exact parameter count from the safetensors headers on the Hub (no weights downloaded)."""
    try:
        from huggingface_hub import get_safetensors_metadata

        meta = get_safetensors_metadata(repo_id, revision=revision)
        return sum(meta.parameter_count.values()), ()
    except Exception as exc:  # metadata is a bonus: the config alone plans
        return None, (
            f"safetensors metadata unavailable ({type(exc).__name__}); parameters counted from config",
        )


def _not_found_hint(model_id: str) -> str:
    close = catalog.suggest(model_id)
    if close:
        return "did you mean: " + ", ".join(close) + "? (`mi50plan models` lists the offline catalog)"
    return "give a Hugging Face repo id, a local folder or .gguf file; `mi50plan models` lists the offline catalog"


def resolve_model(
    ref: str, *, offline: bool = False, revision: str | None = None, local_paths: bool = True
) -> ResolvedModel:
    """The model a reference names. local_paths=False for a name read from a file (a results or bench
    file): such a name is a model id, never opened as a path, whatever it looks like."""
    if not ref or not ref.strip():
        raise ModelNotFound(ref, [], hint="give a model: a Hugging Face repo id, a folder or a .gguf file")
    ref = ref.strip()
    if len(ref) > MAX_REF_CHARS or any(ord(c) < 32 or ord(c) == 127 for c in ref):
        shown = repr(ref if len(ref) <= 80 else ref[:77] + "...")
        raise ModelNotFound(
            shown,
            ["not a repo id, path or Ollama name (control characters or too long)"],
            hint="give a Hugging Face repo id (org/name), a local folder or a .gguf file",
        )
    looks_like_path = (
        ref.startswith((".", "/", "~", "\\"))
        or ".." in ref.replace("\\", "/").split("/")
        or ref.endswith((".gguf", ".json"))
    )
    if not local_paths and looks_like_path:
        raise ModelNotFound(
            ref,
            ["a model name read from a file is not opened as a path"],
            hint=f"pass --model {ref} to use that file, or --model with the model's repo id",
        )
    path = Path(ref).expanduser()
    try:
        exists = local_paths and path.exists()
    except (OSError, ValueError):
        exists = False
    if exists:
        return _from_local(path)
    if ref.startswith((".", "/", "~")) or ref.endswith((".gguf", ".json")):
        raise ModelNotFound(ref, ["local path: does not exist"], hint="check the path")
    tried: list[str] = []
    if ":" in ref and "/" not in ref:
        from planner.sources.ollama_store import resolve_ollama_name

        return resolve_ollama_name(ref)
    if ref.count("/") == 1:
        found = _from_hub(ref, revision, offline, tried)
        if found is not None:
            return found
    entry = catalog.find(ref)
    if entry is not None:
        config = catalog.catalog_config(entry)
        spec = spec_from_config(config, entry["id"], f"{entry['id']} (catalog)")
        return ResolvedModel(spec, "catalog", entry["id"], config, None, entry.get("safetensors_total_bytes"))
    tried.append("offline catalog: not listed")
    raise ModelNotFound(ref, tried, hint=_not_found_hint(ref))
