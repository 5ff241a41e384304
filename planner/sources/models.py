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
import difflib
import json
import os
import re
import socket
from dataclasses import replace
from pathlib import Path
from urllib.parse import urlparse

from planner.core.precision import INT4_AWQ, INT4_GPTQ, INT8_GPTQ
from planner.core.spec import ModelSpec, QuantConfig, spec_from_config
from planner.errors import ConfigError, ModelNotFound
from planner.sources import catalog
from planner.sources.files import read_json
from planner.sources.resolved import ResolvedModel

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
    return spec_and_defaults(config, model_id, where)[0]


def spec_and_defaults(config: dict, model_id: str, where: str) -> tuple[ModelSpec, tuple[tuple[str, object], ...]]:
    """The spec, and the keys filled from transformers' defaults that it depends on.

    A config missing a key the planner needs is completed by transformers' own config class (its
    defaults are what transformers and vLLM would load). Of the keys it adds, a key counts when the
    spec changes, or cannot be built, without it: those are named, with their values."""
    try:
        return spec_from_config(config, model_id, where), ()
    except ConfigError as first:
        if "missing" not in first.problem:
            raise
        try:
            completed = normalise_with_transformers(config, where)
        except ConfigError as second:
            # both reasons: the key the planner lacks, and what stopped transformers filling it in (often
            # the real fault: a malformed field elsewhere in the file)
            cause = second.__cause__  # what transformers raised (normalise_with_transformers chains it)
            why = f"{type(cause).__name__}: {cause}" if cause is not None else second.problem
            raise ConfigError(
                where, f"{first.problem}; transformers cannot fill it in: {' '.join(why.split())}", first.hint
            ) from None
    spec = spec_from_config(completed, model_id, where)
    used = []
    for path in _added_keys(config, completed):
        try:
            depends = spec_from_config(_without(completed, path), model_id, where) != spec
        except ConfigError:
            depends = True
        if depends or path[-1] in SIZE_KEYS:  # a size key is always named, even when its default matches
            used.append((".".join(path), _at(completed, path)))
    return spec, tuple(used)


def _added_keys(original: dict, completed: dict, prefix: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    out = []
    for key, value in completed.items():
        if key not in original:
            out.append((*prefix, key))
        elif isinstance(value, dict) and isinstance(original[key], dict):
            out += _added_keys(original[key], value, (*prefix, key))
    return out


def _without(config: dict, path: tuple[str, ...]) -> dict:
    out = dict(config)
    if len(path) == 1:
        out.pop(path[0], None)
    else:
        out[path[0]] = _without(out[path[0]], path[1:])
    return out


def _at(config: dict, path: tuple[str, ...]) -> object:
    for key in path:
        config = config[key]
    return config


def _short(value: object) -> str:
    if isinstance(value, list) and len(value) > 3:
        if all(v == value[0] for v in value):
            return f"[{value[0]!r}] x {len(value)}"
        return f"[{value[0]!r}, {value[1]!r}, ... {len(value)} items]"
    return repr(value)


def _defaults_note(config: dict, defaulted: tuple[tuple[str, object], ...]) -> tuple[str, ...]:
    if not defaulted:
        return ()
    values = ", ".join(f"{key}={_short(value)}" for key, value in defaulted)
    return (
        f"config.json lacks {len(defaulted)} key(s) the plan needs; filled from transformers' defaults for "
        f"model_type '{config.get('model_type')}': {values} (check them against the model card)",
    )


def _from_local(path: Path) -> ResolvedModel:
    if path.is_dir():
        ggufs = sorted(path.glob("*.gguf"))
        if not (path / "config.json").exists():
            if ggufs:
                return _from_gguf(ggufs[0])
            raise ConfigError(str(path), "folder has no config.json", hint="point at a model folder or a .gguf file")
        config_path = path / "config.json"
    else:
        config_path = path
    if config_path.suffix == ".gguf" or _is_gguf(config_path):
        return _from_gguf(config_path)
    config = _load_json(config_path)
    name = _local_name(config, config_path)
    spec, defaulted = spec_and_defaults(config, name, str(config_path))
    params, total_bytes = _local_safetensors(config_path.parent)
    return ResolvedModel(
        spec,
        "local",
        str(config_path),
        config,
        params,
        total_bytes,
        notes=_defaults_note(config, defaulted),
        defaulted=defaulted,
    )


def cache_repo_id(path: str) -> str | None:
    """ORG/NAME of the Hugging Face cache folder (models--ORG--NAME) a path names, else None."""
    m = re.search(r"(?:^|/)models--([\w.-]+?)--([\w.-]+)", path)
    return f"{m.group(1)}/{m.group(2)}" if m else None


def _local_name(config: dict, config_path: Path) -> str:
    """The model's name for a local config: its `_name_or_path` (the repo id transformers saved), else the
    folder holding it (a Hugging Face cache snapshot: ORG/NAME from models--ORG--NAME), never the
    file's own name."""
    saved = config.get("_name_or_path")
    if isinstance(saved, str) and saved.strip().strip("/"):
        saved = saved.strip().rstrip("/")
        # A path saved by a training run (/home/me/ckpt/checkpoint-500) names the model by its last part.
        return Path(saved).name if saved.startswith(("/", ".", "~")) else saved
    folder = config_path.resolve().parent
    if folder.parent.name == "snapshots" and (repo := cache_repo_id(folder.parent.parent.name)):
        return repo
    return folder.name or str(config_path)


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


def _endpoint() -> str:
    """HF_ENDPOINT as it is now (huggingface_hub reads it once, at import), without a trailing slash."""
    return os.environ.get("HF_ENDPOINT", "https://huggingface.co").rstrip("/")


def hub_reachable(timeout_s: float = 1.5) -> bool:
    """A quick DNS + TCP check, so an offline machine falls back at once instead of retrying for 20 s."""
    parsed = urlparse(_endpoint())
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
        spec, defaulted = spec_and_defaults(config, repo_id, f"{repo_id} (Hugging Face cache)")
        return ResolvedModel(
            spec, "hf-cache", cached, config, notes=_defaults_note(config, defaulted), defaulted=defaulted
        )
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
        RevisionNotFoundError,
    )

    endpoint = _endpoint()
    try:
        path = hf_hub_download(
            repo_id, "config.json", revision=revision, etag_timeout=5, cache_dir=cache_dir, endpoint=endpoint
        )
    except GatedRepoError as exc:
        status = exc.response.status_code if exc.response is not None else None
        page = f"{endpoint}/{repo_id}"
        if os.environ.get("HF_TOKEN") or status == 403:
            why, hint = (
                "Hub: gated repository, HF_TOKEN has no access",
                f"accept the licence (or ask for access) at {page} with the account of HF_TOKEN, then retry; "
                "or give a local folder with its config.json",
            )
        else:
            why, hint = (
                "Hub: gated repository, no HF_TOKEN",
                f"accept the licence at {page}, then export HF_TOKEN=<a read token of that account> "
                "(an environment variable, never a flag: it is not printed or saved); or give a local folder",
            )
        raise ModelNotFound(repo_id, tried + [why], hint=hint) from exc
    except RevisionNotFoundError as exc:
        raise ModelNotFound(
            repo_id,
            tried + [f"Hub: no revision '{revision}'"],
            hint="--revision takes a branch, a tag or a full commit sha of the repository",
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
    spec, defaulted = spec_and_defaults(config, repo_id, f"{repo_id} (Hub)")
    params, notes = _hub_safetensors_params(repo_id, revision)
    return ResolvedModel(
        spec, "hub", repo_id, config, params, None, notes=notes + _defaults_note(config, defaulted), defaulted=defaulted
    )


def _raise_not_found(repo_id: str, tried: list[str], exc: Exception) -> None:
    raise ModelNotFound(repo_id, tried, hint=_not_found_hint(repo_id)) from exc


def _hub_safetensors_params(repo_id: str, revision: str | None) -> tuple[int | None, tuple[str, ...]]:
    """Exact parameter count from the safetensors headers on the Hub (no weights downloaded)."""
    try:
        from huggingface_hub import HfApi

        meta = HfApi(endpoint=_endpoint()).get_safetensors_metadata(repo_id, revision=revision)
        return sum(meta.parameter_count.values()), ()
    except Exception as exc:  # metadata is a bonus: the config alone plans
        return None, (f"safetensors metadata unavailable ({type(exc).__name__}); parameters counted from config",)


def _not_found_hint(model_id: str) -> str:
    """Close catalog matches when there are any, then the offline routes: a model the catalog does not
    list is planned from its config.json, which a user can bring in four ways without the Hub."""
    if "/" not in model_id and ":" not in model_id:  # an Ollama name without its size tag ("llama3.1")
        prefix = model_id.strip().lower() + ":"
        sized = sorted(
            (t for t in catalog.ollama_tags() if t.lower().startswith(prefix) and "-" not in t.split(":", 1)[1]),
            key=_tag_size,
        )
        if sized:
            return "give the Ollama tag with its size: " + ", ".join(sized[:6]) + " (`mi50plan models` lists them)"
    close = close_catalog_matches(model_id)
    name = model_id.rsplit("/", 1)[-1] or "MODEL"
    routes = (
        f"plan it offline from its config.json: a folder holding it (`fit ./{name}/`), the file itself "
        f"(`fit path/to/config.json`), a .gguf file, or the Hugging Face cache (where the Hub is reachable: "
        f"`hf download {model_id} config.json`, or `huggingface-cli download` before huggingface_hub 1.0; then "
        "HF_HUB_OFFLINE=1 reads it from the cache); "
        "`mi50plan models` lists the offline catalog"
    )
    if close:
        return "did you mean: " + ", ".join(close) + "? If not, " + routes
    return routes[0].upper() + routes[1:]


def _tag_size(tag: str) -> tuple[float, str]:
    """An Ollama tag's size for ordering (qwen2.5:0.5b before qwen2.5:14b; 270m is 0.27b)."""
    m = _SIZE.search(tag.split(":", 1)[1].lower())
    return ((float(m.group(1)) / (1000 if m.group(2) == "m" else 1)) if m else float("inf"), tag)


_SIZE = re.compile(r"(?<![a-z0-9.])(\d+(?:\.\d+)?)([bm])(?![a-z])")


def close_catalog_matches(model_id: str, limit: int = 3) -> list[str]:
    """Catalog ids a user may have meant: one a typo away (difflib ratio 0.85 or more on the name after
    the org), or one whose name starts the other's (Qwen2.5-7B -> Qwen2.5-7B-Instruct; a fine-tune named
    after its base). Never a model of another size (7B for a 24B): it would plan a different model."""
    wanted = model_id.strip().lower()
    wanted_name = wanted.rsplit("/", 1)[-1]
    wanted_sizes = set(_SIZE.findall(wanted_name))
    scored = []
    for cid in catalog.catalog_ids():
        name = cid.lower().rsplit("/", 1)[-1]
        sizes = set(_SIZE.findall(name))
        if wanted_sizes and sizes and wanted_sizes != sizes:
            continue
        ratio = difflib.SequenceMatcher(None, wanted_name, name).ratio()
        prefix = name.startswith(wanted_name) or wanted_name.startswith(name)
        if prefix or ratio >= 0.85:
            scored.append((not prefix, -ratio, cid))
    return [cid for *_, cid in sorted(scored)[:limit]]


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
    pre = catalog.prequantized(ref) if ref.count("/") == 1 else None
    if pre is not None and (pre.scheme, pre.bits) in PREQUANTIZED_LAYOUTS:
        return _prequantized_from_catalog(ref, pre)
    raise ModelNotFound(ref, tried, hint=_not_found_hint(ref))


# The usual layout of each pre-quantized scheme the catalog can read a repo as (catalog.prequantized)
PREQUANTIZED_LAYOUTS = {
    ("awq", 4): INT4_AWQ,
    ("gptq", 4): INT4_GPTQ,
    ("gptq", 8): INT8_GPTQ,
    ("fp8", 8): QuantConfig("fp8", 8, None, False),
    # W8A8 INT8 (compressed-tensors): one byte per weight and per-channel scales, as a read config gives it
    ("int8", 8): QuantConfig("compressed-tensors", 8, None, False),
}


def _prequantized_from_catalog(ref: str, pre: catalog.Prequantized) -> ResolvedModel:
    """A pre-quantized checkpoint the catalog does not hold: its base model's config with the scheme's usual layout
    (AWQ and GPTQ 4-bit: group 128 with zero points; GPTQ 8-bit likewise; FP8 and INT8 W8A8: per-channel scales),
    said in a note."""
    quant = PREQUANTIZED_LAYOUTS[(pre.scheme, pre.bits)]
    config = catalog.catalog_config(pre.base)
    base_id = pre.base["id"]
    spec = replace(spec_from_config(config, ref, f"{base_id} (catalog) as {ref}"), quant=quant)
    layout = "per-channel scales" if pre.scheme in ("fp8", "int8") else f"group {quant.group_size} with zero points"
    note = (
        f"{ref} is not in the offline catalog: planned as {base_id} in {pre.scheme.upper()} {pre.bits}-bit "
        f"({layout}): {pre.why}; the checkpoint's own config.json was not read"
    )
    return ResolvedModel(spec, "catalog", base_id, config, notes=(note,))
