"""Read a local .gguf header: architecture metadata -> ModelSpec, and every tensor's type and bytes.

The header is parsed here with the gguf package's own tables (GGUFValueType, GGMLQuantizationType,
GGML_QUANT_SIZES) rather than ``gguf.GGUFReader``: the reader builds a numpy view per array element,
which takes 13 s on a 262,144-token vocabulary (Gemma 3); skipping arrays by their lengths takes
well under a second. The layout is the GGUF v2/v3 format (gguf-py/gguf/gguf_reader.py, ggml/src/gguf.cpp):
magic, version, tensor count, KV count, KV pairs, tensor infos, padding to general.alignment, data.

Weights are exact: each tensor's bytes come from its ggml type's block size, so the model buffer
llama.cpp logs ("CPU_Mapped model buffer size") is the sum of the tensors here.
"""

from __future__ import annotations

import math
import os
import re
import struct
from dataclasses import dataclass, field
from pathlib import Path

from planner.core.spec import FULL, SLIDING, ModelSpec
from planner.errors import GGUFError
from planner.schemas import MAX_CONTEXT, MAX_HEAD_DIM, MAX_HEADS, MAX_HIDDEN, MAX_INTERMEDIATE, MAX_LAYERS, MAX_VOCAB

# llama.cpp's llama_ftype enum (include/llama.h) -> the quant name users type.
FILE_TYPE_NAMES = {
    0: "F32",
    1: "F16",
    2: "Q4_0",
    3: "Q4_1",
    7: "Q8_0",
    8: "Q5_0",
    9: "Q5_1",
    10: "Q2_K",
    11: "Q3_K_S",
    12: "Q3_K_M",
    13: "Q3_K_L",
    14: "Q4_K_S",
    15: "Q4_K_M",
    16: "Q5_K_S",
    17: "Q5_K_M",
    18: "Q6_K",
    19: "IQ2_XXS",
    20: "IQ2_XS",
    21: "Q2_K_S",
    22: "IQ3_XS",
    23: "IQ3_XXS",
    24: "IQ1_S",
    25: "IQ4_NL",
    26: "IQ3_S",
    27: "IQ3_M",
    28: "IQ2_S",
    29: "IQ2_M",
    30: "IQ4_XS",
    31: "IQ1_M",
    32: "BF16",
    36: "TQ1_0",
    37: "TQ2_0",
    38: "MXFP4",
}
# GGUF architecture -> the Hugging Face model_type the rest of the planner knows.
ARCH_MODEL_TYPE = {
    "llama": "llama",
    "qwen2": "qwen2",
    "qwen3": "qwen3",
    "qwen2moe": "qwen2_moe",
    "qwen3moe": "qwen3_moe",
    "gemma": "gemma",
    "gemma2": "gemma2",
    "gemma3": "gemma3_text",
    "phi3": "phi3",
    "deepseek2": "deepseek_v3",
    "gpt-oss": "gpt_oss",
    "gptoss": "gpt_oss",
    "mistral3": "mistral",
}
# Layers that use sliding-window attention, as llama.cpp sets them (src/llama-model.cpp load_hparams:
# hparams.set_swa_pattern(6) for gemma3 means five sliding layers then one full one; gemma2 alternates).
SWA_PATTERN = {"gemma3": 6, "gemma2": 2}
_BLOCK = re.compile(r"^blk\.(\d+)\.")
_MAGIC = b"GGUF"


@dataclass(frozen=True)
class GGUFTensor:
    name: str
    ggml_type: str  # Q4_K, Q6_K, F32 ...
    shape: tuple[int, ...]  # GGUF ne[] order: ne[0] first (the row length)
    n_elements: int
    n_bytes: int
    layer: int | None  # blk.N index, None for token_embd / output / output_norm / rope_freqs


@dataclass(frozen=True)
class GGUFModel:
    path: str
    architecture: str
    name: str
    quant: str  # file type (general.file_type) as a name: Q4_K_M
    spec: ModelSpec
    file_bytes: int
    param_count: int
    tensors: tuple[GGUFTensor, ...]
    tensor_bytes: int  # all tensor data: llama.cpp's "file size" / model buffer
    tensor_bytes_by_layer: tuple[int, ...]  # per repeating block, for offload planning
    output_bytes: int  # output.weight (or nothing when tied) + output_norm: llama.cpp's output layer
    embedding_bytes: int  # token_embd: the input layer, always on the CPU in llama.cpp
    tied_embeddings: bool  # no output.weight: llama.cpp duplicates token_embd into the output layer
    context_length: int
    metadata: dict = field(default_factory=dict, compare=False)  # scalar KVs (arrays skipped)

    @property
    def type_counts(self) -> dict[str, int]:
        counts: dict[str, int] = {}
        for t in self.tensors:
            counts[t.ggml_type] = counts.get(t.ggml_type, 0) + 1
        return counts


class _Reader:
    def __init__(self, fh, path: str) -> None:
        self.fh = fh
        self.path = path
        self.size = os.fstat(fh.fileno()).st_size

    def read(self, n: int) -> bytes:
        # Never ask for more than the file holds: a corrupt count of 2**60 must not allocate 2**60 bytes.
        data = self.fh.read(n) if n <= self.size - self.fh.tell() else b""
        if len(data) != n:
            raise GGUFError(
                f"{self.path}: truncated GGUF header (ended at byte {self.fh.tell()})",
                hint="the download is incomplete; fetch the file again (compare its size and sha256)",
            )
        return data

    def unpack(self, fmt: str):
        return struct.unpack("<" + fmt, self.read(struct.calcsize("<" + fmt)))[0]

    def string(self) -> str:
        n = self.unpack("Q")
        if n > 1 << 24:
            raise GGUFError(
                f"{self.path}: corrupt GGUF header (a {n}-byte string)", hint="fetch the file again"
            )
        return self.read(n).decode("utf-8", errors="replace")


def _value(r: _Reader, vtype: int, keep: bool):
    from gguf import GGUFValueType

    scalar = {
        GGUFValueType.UINT8: "B",
        GGUFValueType.INT8: "b",
        GGUFValueType.UINT16: "H",
        GGUFValueType.INT16: "h",
        GGUFValueType.UINT32: "I",
        GGUFValueType.INT32: "i",
        GGUFValueType.FLOAT32: "f",
        GGUFValueType.BOOL: "?",
        GGUFValueType.UINT64: "Q",
        GGUFValueType.INT64: "q",
        GGUFValueType.FLOAT64: "d",
    }
    vt = GGUFValueType(vtype)
    if vt in scalar:
        return r.unpack(scalar[vt])
    if vt == GGUFValueType.STRING:
        return r.string()
    if vt == GGUFValueType.ARRAY:
        item_type = GGUFValueType(r.unpack("I"))
        count = r.unpack("Q")
        if item_type in scalar:
            size = struct.calcsize("<" + scalar[item_type])
            raw = r.read(size * count)
            if keep and count <= 4096:  # per-layer arrays (head_count per layer), not token tables
                return list(struct.unpack(f"<{count}{scalar[item_type]}", raw))
            return _ArrayLen(count)
        for _ in range(count):  # arrays of strings (tokens, merges): skip by length
            if item_type == GGUFValueType.STRING:
                r.read(r.unpack("Q"))
            else:
                _value(r, int(item_type), False)
        return _ArrayLen(count)
    raise GGUFError(
        f"{r.path}: unknown GGUF value type {vtype}", hint="a newer GGUF version? update the gguf package"
    )


@dataclass(frozen=True)
class _ArrayLen:
    length: int


def _parse(path: Path) -> tuple[dict, list[tuple[str, tuple[int, ...], int]], int]:
    from gguf import GGUFValueType

    try:
        fh = path.open("rb")
    except OSError as exc:
        raise GGUFError(
            f"{path}: cannot read ({exc.strerror})", hint="check the path and permissions"
        ) from exc
    with fh:
        r = _Reader(fh, str(path))
        head = fh.read(4)
        if head != _MAGIC:
            raise GGUFError(
                f"{path}: not a GGUF file (starts with {head!r}, expected b'GGUF')",
                hint="pass a .gguf model file, a Hugging Face config.json or a model folder",
            )
        version = r.unpack("I")
        if version not in (2, 3):
            raise GGUFError(
                f"{path}: GGUF version {version} is not supported (2 or 3)",
                hint="re-convert the model with a current llama.cpp convert_hf_to_gguf.py",
            )
        n_tensors, n_kv = r.unpack("Q"), r.unpack("Q")
        if n_tensors > 1 << 20 or n_kv > 1 << 20:
            raise GGUFError(
                f"{path}: corrupt GGUF header ({n_tensors} tensors, {n_kv} keys)", hint="fetch the file again"
            )
        meta: dict = {}
        for _ in range(n_kv):
            key = r.string()
            vtype = r.unpack("I")
            try:
                meta[key] = _value(r, vtype, keep=not key.startswith("tokenizer."))
            except (ValueError, RecursionError) as exc:
                raise GGUFError(
                    f"{path}: corrupt GGUF header at key '{key}'", hint="fetch the file again"
                ) from exc
        infos = []
        for _ in range(n_tensors):
            name = r.string()
            n_dims = r.unpack("I")
            if n_dims > 8:
                raise GGUFError(f"{path}: corrupt tensor info for '{name}'", hint="fetch the file again")
            shape = tuple(r.unpack("Q") for _ in range(n_dims))
            if any(d > 2**40 for d in shape) or math.prod(shape) > 2**50:
                raise GGUFError(
                    f"{path}: corrupt tensor info for '{name}' (shape {shape})", hint="fetch the file again"
                )
            ttype = r.unpack("I")
            offset = r.unpack("Q")
            infos.append((name, shape, ttype, offset))
        alignment = meta.get("general.alignment", 32)
        # gguf.cpp: the alignment is a non-zero power of two (GGUF_DEFAULT_ALIGNMENT is 32).
        if not isinstance(alignment, int) or isinstance(alignment, bool) or not 0 < alignment <= 2**30 or (
            alignment & (alignment - 1)
        ):
            raise GGUFError(
                f"{path}: corrupt GGUF header (general.alignment = {alignment!r}; must be a power of two)",
                hint="fetch the file again",
            )
        data_start = -(-fh.tell() // alignment) * alignment
        assert GGUFValueType  # imported for _value's table
    return meta, infos, data_start


def read_gguf(path: str | Path) -> GGUFModel:
    """Read a GGUF file's header (no tensor data) into a GGUFModel. Raises GGUFError."""
    from gguf import GGML_QUANT_SIZES, GGMLQuantizationType

    path = Path(path).expanduser()
    meta, infos, data_start = _parse(path)
    file_bytes = path.stat().st_size
    arch = str(meta.get("general.architecture", ""))
    if not arch:
        raise GGUFError(
            f"{path}: GGUF header has no general.architecture", hint="not a llama.cpp model file?"
        )
    tensors = []
    if not infos:
        raise GGUFError(
            f"{path}: the GGUF file holds no tensors (tensor_count = 0)",
            hint="a vocabulary-only GGUF cannot be planned; pass the model's weights file",
        )
    end = data_start
    for name, shape, ttype, offset in infos:
        try:
            qtype = GGMLQuantizationType(ttype)
        except ValueError:
            raise GGUFError(
                f"{path}: tensor '{name}' has unknown ggml type {ttype}",
                hint="a newer quant type? update the gguf package",
            ) from None
        block, type_size = GGML_QUANT_SIZES[qtype]
        n = 1
        for d in shape:
            n *= d
        nbytes = n // block * type_size
        m = _BLOCK.match(name)
        tensors.append(GGUFTensor(name, qtype.name, shape, n, nbytes, int(m.group(1)) if m else None))
        end = max(end, data_start + offset + nbytes)
    if end > file_bytes:
        raise GGUFError(
            f"{path}: truncated GGUF file ({file_bytes:,} bytes, the header promises {end:,})",
            hint="the download is incomplete; fetch the file again",
        )
    spec = spec_from_gguf(meta, tensors, str(path))
    n_layers = spec.num_layers
    by_layer = [0] * n_layers
    output = embedding = 0
    tied = not any(t.name == "output.weight" for t in tensors)
    for t in tensors:
        if t.layer is not None and t.layer >= n_layers:
            raise GGUFError(
                f"{path}: tensor '{t.name}' is in block {t.layer}, but block_count is {n_layers}",
                hint="the header is corrupt; fetch the file again",
            )
        if t.layer is not None:
            by_layer[t.layer] += t.n_bytes
        elif t.name.startswith("token_embd"):
            embedding += t.n_bytes
        else:
            output += t.n_bytes  # output.weight, output_norm, rope_freqs: llama.cpp's output layer
    ftype = meta.get("general.file_type")
    quant = (
        FILE_TYPE_NAMES.get(int(ftype), f"ftype {ftype}") if isinstance(ftype, int) else _guess_quant(tensors)
    )
    scalars = {k: v for k, v in meta.items() if not isinstance(v, _ArrayLen) and not isinstance(v, list)}
    return GGUFModel(
        path=str(path),
        architecture=arch,
        name=str(meta.get("general.name", path.stem)),
        quant=quant,
        spec=spec,
        file_bytes=file_bytes,
        param_count=sum(t.n_elements for t in tensors),
        tensors=tuple(tensors),
        tensor_bytes=sum(t.n_bytes for t in tensors),
        tensor_bytes_by_layer=tuple(by_layer),
        output_bytes=output,
        embedding_bytes=embedding,
        tied_embeddings=tied,
        context_length=spec.max_position_embeddings,
        metadata=scalars,
    )


def _guess_quant(tensors: list[GGUFTensor]) -> str:
    counts: dict[str, int] = {}
    for t in tensors:
        if t.layer is not None and t.ggml_type != "F32":
            counts[t.ggml_type] = counts.get(t.ggml_type, 0) + t.n_elements
    return max(counts, key=counts.get) if counts else "F32"


def _int(meta: dict, key: str, where: str, default: int | None = None, lo: int = 1, hi: int = 2**31) -> int:
    """A GGUF hyperparameter as a whole number in [lo, hi]; per-layer arrays give their maximum."""
    value = meta.get(key, default)
    if isinstance(value, list):  # per-layer arrays (head_count_kv per layer): planner takes the maximum
        value = max(value) if value else None
    if not isinstance(value, (int, float)) or isinstance(value, bool):
        raise GGUFError(
            f"{where}: GGUF header lacks '{key}'"
            if value is None
            else f"{where}: GGUF '{key}' = {value!r} is not a number",
            hint="the file may be for an architecture mi50plan does not read; try the model's config.json",
        )
    if isinstance(value, float) and not (math.isfinite(value) and value.is_integer()):
        raise GGUFError(f"{where}: GGUF '{key}' = {value!r} is not a whole number", hint="fetch the file again")
    if not lo <= value <= hi:
        raise GGUFError(
            f"{where}: GGUF '{key}' = {value} is outside [{lo}, {hi}]",
            hint="the header is corrupt or not a model; fetch the file again",
        )
    return int(value)


def spec_from_gguf(meta: dict, tensors: list[GGUFTensor], where: str) -> ModelSpec:
    """The ModelSpec of a GGUF header, from its `<arch>.*` keys (LLM_KV names, src/llama-arch.cpp)."""
    arch = str(meta["general.architecture"])
    p = arch + "."
    # Sanity bounds shared with config.json (planner.schemas); llama.cpp's LLM_KV names.
    hidden = _int(meta, p + "embedding_length", where, hi=MAX_HIDDEN)
    layers = _int(meta, p + "block_count", where, hi=MAX_LAYERS)
    heads = _int(meta, p + "attention.head_count", where, hi=MAX_HEADS)
    kv_heads = _int(meta, p + "attention.head_count_kv", where, heads, hi=heads)
    if heads % kv_heads:
        raise GGUFError(
            f"{where}: GGUF attention.head_count_kv = {kv_heads} does not divide attention.head_count = {heads}",
            hint="the header is corrupt; fetch the file again",
        )
    head_dim = _int(meta, p + "attention.key_length", where, max(1, hidden // heads), hi=MAX_HEAD_DIM)
    ffn = _int(meta, p + "feed_forward_length", where, 4 * hidden, hi=MAX_INTERMEDIATE)
    ctx = _int(meta, p + "context_length", where, 4096, hi=MAX_CONTEXT)
    tokens = meta.get("tokenizer.ggml.tokens")
    embd = next((t for t in tensors if t.name == "token_embd.weight"), None)
    declared = meta.get(p + "vocab_size")
    vocab = (
        (declared if isinstance(declared, int) and not isinstance(declared, bool) else 0)
        or (tokens.length if isinstance(tokens, _ArrayLen) else 0)
        or (embd.shape[1] if embd is not None and len(embd.shape) > 1 else 0)
    )
    if not 0 < vocab <= MAX_VOCAB:
        raise GGUFError(
            f"{where}: cannot tell the vocabulary size (vocab_size {declared!r}, no tokens)",
            hint="the tokenizer is missing from the header",
        )
    window = meta.get(p + "attention.sliding_window")
    window = int(window) if isinstance(window, int) and window > 0 else None
    pattern = SWA_PATTERN.get(arch)
    if window and pattern:
        layer_types = tuple(FULL if (i + 1) % pattern == 0 else SLIDING for i in range(layers))
        if arch == "gemma2":  # gemma2: even layers are sliding (llama-model.cpp, set_swa_pattern(2))
            layer_types = tuple(SLIDING if i % 2 == 0 else FULL for i in range(layers))
    else:
        layer_types = (FULL,) * layers
        window = None if not pattern else window
    names = {t.name for t in tensors}
    model_type = ARCH_MODEL_TYPE.get(arch, arch)
    notes: tuple[str, ...] = ()
    if arch not in ARCH_MODEL_TYPE:
        notes = (f"GGUF architecture '{arch}' approximated as a Llama-style decoder",)
    return ModelSpec(
        model_id=str(meta.get("general.name") or Path(where).stem),
        model_type=model_type,
        architecture=arch,
        hidden_size=hidden,
        num_layers=layers,
        num_attention_heads=heads,
        num_kv_heads=kv_heads,
        head_dim=head_dim,
        intermediate_size=ffn,
        vocab_size=vocab,
        max_position_embeddings=ctx,
        tie_word_embeddings="output.weight" not in names,
        torch_dtype="float16",
        layer_types=layer_types,
        sliding_window=window,
        attention_bias="blk.0.attn_q.bias" in names,
        attention_out_bias="blk.0.attn_output.bias" in names,
        qk_norm="blk.0.attn_q_norm.weight" in names,
        norms_per_layer=4 if "blk.0.post_ffw_norm.weight" in names else 2,
        notes=notes,
    )


__all__ = ["GGUFModel", "GGUFTensor", "read_gguf", "spec_from_gguf", "FILE_TYPE_NAMES"]
