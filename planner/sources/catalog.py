"""The built-in offline catalog (planner/catalog/catalog.json, built by scripts/build_catalog.py) and the
table of known pre-quantized checkpoints (planner/catalog/quantized.json, each with its source)."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
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


def is_prequantized(model_id: str) -> bool:
    """True for a catalog entry that is itself a quantized checkpoint (its config has a quantization_config)."""
    entry = find(model_id)
    return entry is not None and isinstance(entry["config"].get("quantization_config"), dict)


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


# ---- pre-quantized checkpoints (planner/catalog/quantized.json) -------------------------------------

# The planner's quantization names -> (scheme, bits) in quantized.json. GGUF types (Q4_K_M ...) map to "gguf".
_SCHEMES = {
    "awq": ("awq", 4),
    "gptq": ("gptq", 4),
    "int4": ("gptq", 4),
    "int8": ("gptq", 8),
    "fp8": ("fp8", 8),
    "gguf": ("gguf", None),
}
_SCHEME_WORDS = {"awq": "an AWQ int4", "gptq": "a GPTQ", "fp8": "an FP8", "gguf": "a GGUF"}


@dataclass(frozen=True)
class QuantizedRepo:
    """A real pre-quantized checkpoint on the Hub and the public page or file that names it."""

    repo: str
    base_model: str
    scheme: str  # awq | gptq | fp8 | gguf
    bits: int | None  # None for GGUF repos (one file per quant type)
    source: str
    note: str = ""
    gguf_file: str | None = None  # a file of the repo the source names, for GGUF repos


@lru_cache(maxsize=1)
def _quantized() -> tuple[QuantizedRepo, ...]:
    data = json.loads(files("planner.catalog").joinpath("quantized.json").read_text(encoding="utf-8"))
    return tuple(QuantizedRepo(**row) for row in data["repos"])


def _scheme(scheme: str) -> tuple[str, int | None]:
    key = scheme.strip().lower()
    if key in _SCHEMES:
        return _SCHEMES[key]
    if key.startswith(("q", "iq", "f16", "bf16", "mxfp4")):  # a GGUF type such as Q4_K_M or IQ4_XS
        return "gguf", None
    raise ValueError(f"unknown quantization scheme {scheme!r}")


def quantized_repos(model_id: str, scheme: str) -> list[QuantizedRepo]:
    """Known pre-quantized checkpoints of a model for a scheme (awq, gptq, int8, fp8, gguf or a GGUF type).

    The model's own organisation first (Qwen/...-AWQ before a community AWQ), then, for a GGUF type, repos whose
    named file is of that type, then table order. Pure lookup: an empty list means none is known, not that none
    exists. Raises ValueError for a scheme it does not know.
    """
    wanted, bits = _scheme(scheme)
    base = model_id.strip().lower()
    gguf_type = scheme.strip().lower() if wanted == "gguf" and scheme.strip().lower() != "gguf" else None
    rows = [
        r
        for r in _quantized()
        if r.base_model.lower() == base and r.scheme == wanted and (bits is None or r.bits == bits)
    ]
    org = base.split("/", 1)[0]

    def rank(r: QuantizedRepo) -> tuple[bool, bool]:
        own = r.repo.lower().split("/", 1)[0] == org
        typed = gguf_type is not None and r.gguf_file is not None and gguf_type in r.gguf_file.lower()
        return (not own, not typed)

    return sorted(rows, key=rank)


def quantized_checkpoint(model_id: str, scheme: str) -> tuple[str | None, str]:
    """(a real repo id or None, one line for a launch command) for a pre-quantized checkpoint of a model.

    With a known repo the line names it and where it is named; otherwise it says what to look for on the Hub.
    """
    wanted, bits = _scheme(scheme)
    term = {"awq": "AWQ int4", "gptq": f"GPTQ int{bits or 4}", "fp8": "FP8", "gguf": "GGUF"}[wanted]
    found = quantized_repos(model_id, scheme)
    if found:
        best = found[0]
        others = f"; also {', '.join(r.repo for r in found[1:3])}" if len(found) > 1 else ""
        return best.repo, f"{best.repo} is a {term} checkpoint of {model_id} (named in {best.source}{others})"
    name = model_id.split("/", 1)[-1]
    return None, (
        f"no {term} checkpoint of {model_id} is known to mi50plan: look for one on the Hub "
        f"(search '{name} {term.split()[0]}') and check its config.json quantization_config"
    )


# The name endings of pre-quantized checkpoints on the Hub and what they hold, by the quantizers' own conventions:
# AutoAWQ's "-AWQ" (4-bit), AutoGPTQ's "-GPTQ" / "-GPTQ-Int4" / "-GPTQ-Int8", FP8 checkpoints' "-FP8" /
# "-FP8-Dynamic" (llm-compressor, Qwen, NVIDIA ModelOpt), llm-compressor's INT8 "-quantized.w8a8" and its INT4
# "-quantized.w4a16" (RedHatAI / neuralmagic, made with the W4A16 preset). Only these: a name that says nothing else is
# not read (a bare "-w4a16" from another tool is 4-bit with groups whose size the name does not say).
_NAME_SCHEMES = (
    (re.compile(r"-awq(?:-int4)?$", re.IGNORECASE), "awq", 4),
    (re.compile(r"-gptq-int8$", re.IGNORECASE), "gptq", 8),
    (re.compile(r"-gptq(?:-int4)?$", re.IGNORECASE), "gptq", 4),
    # llm-compressor's INT4 weights with 16-bit activations: compressed-tensors' W4A16 preset is int4, symmetric, one
    # scale per group of 128 (neuralmagic/compressed-tensors src/compressed_tensors/quantization/quant_scheme.py), which
    # vLLM runs as GPTQ-Marlin ("The model is convertible to gptq_marlin during runtime"): the GPTQ int4 footprint
    (re.compile(r"-quantized\.w4a16$", re.IGNORECASE), "gptq", 4),
    (re.compile(r"-fp8(?:-dynamic)?$", re.IGNORECASE), "fp8", 8),
    # llm-compressor's INT8 weights and activations, as RedHatAI / neuralmagic name them ("-quantized.w8a8")
    (re.compile(r"-(?:quantized\.)?w8a8$", re.IGNORECASE), "int8", 8),
)


@dataclass(frozen=True)
class Prequantized:
    """A pre-quantized checkpoint the catalog does not hold, read as its base model's catalog entry in a scheme."""

    base: dict  # the base model's catalog entry
    scheme: str  # awq | gptq | fp8 | int8 (W8A8, compressed-tensors)
    bits: int
    why: str  # how the base and scheme were known: a quantized.json row (with its source) or the repo's name


def prequantized(model_id: str) -> Prequantized | None:
    """A checkpoint of a catalog model in AWQ, GPTQ, FP8 or INT8 W8A8 that the catalog does not list itself: a
    quantized.json row (its base and scheme from the page it names), else a repo name of "<base name><ending>" (the
    endings of _NAME_SCHEMES; the base found by find(), "Meta-" dropped as the catalog spells Meta's ids). None
    otherwise."""
    wanted = model_id.strip().lower()
    for r in _quantized():
        if r.repo.lower() == wanted and r.scheme != "gguf" and r.bits and (base := find(r.base_model)):
            return Prequantized(base, r.scheme, r.bits, f"a checkpoint of {r.base_model} named in {r.source}")
    name = model_id.strip().split("/")[-1]
    for pattern, scheme, bits in _NAME_SCHEMES:
        m = pattern.search(name)
        if m is None or m.start() == 0:
            continue
        stem = name[: m.start()]
        base = find(stem) or find(stem.removeprefix("Meta-"))
        if base is not None and not is_prequantized(base["id"]):
            return Prequantized(base, scheme, bits, f"the scheme read from the name's ending '{name[m.start() :]}'")
        return None
    return None
