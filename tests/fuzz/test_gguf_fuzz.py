"""Damaged GGUF headers through `fit`: each is one clear error (exit 3), never a crash, a hang or a plan.

The files are written here by hand in the GGUF v3 layout (gguf-py/gguf/gguf_reader.py; ggml/src/gguf.cpp):
magic, version, tensor count, KV count, KV pairs, tensor infos, padding to general.alignment, data.
"""

from __future__ import annotations

import struct
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.fuzz.harness import run_checked

# GGUF value types (gguf-py GGUFValueType)
U8, I8, U16, I16, U32, I32, F32, BOOL, STRING, ARRAY, U64, I64, F64 = range(13)
FMT = {U8: "B", I8: "b", U16: "H", I16: "h", U32: "I", I32: "i", F32: "f", BOOL: "?", U64: "Q", I64: "q", F64: "d"}
F16_TYPE = 1  # ggml type F16: 2 bytes per element


def _string(text: str | bytes) -> bytes:
    raw = text.encode() if isinstance(text, str) else text
    return struct.pack("<Q", len(raw)) + raw


def _kv(key: str, vtype: int, value) -> bytes:
    out = _string(key) + struct.pack("<I", vtype)
    if vtype == STRING:
        return out + _string(value)
    if vtype == ARRAY:
        item_type, items = value
        out += struct.pack("<IQ", item_type, len(items))
        if item_type == STRING:
            return out + b"".join(_string(i) for i in items)
        return out + b"".join(struct.pack("<" + FMT[item_type], i) for i in items)
    return out + struct.pack("<" + FMT[vtype], value)


def base_meta(**over) -> dict:
    """A tiny Llama: 2 layers, hidden 64, 4 heads (2 KV), vocab 32."""
    meta = {
        "general.architecture": (STRING, "llama"),
        "general.name": (STRING, "fuzz"),
        "general.alignment": (U32, 32),
        "general.file_type": (U32, 1),
        "llama.embedding_length": (U32, 64),
        "llama.block_count": (U32, 2),
        "llama.attention.head_count": (U32, 4),
        "llama.attention.head_count_kv": (U32, 2),
        "llama.feed_forward_length": (U32, 128),
        "llama.context_length": (U32, 256),
        "tokenizer.ggml.tokens": (ARRAY, (STRING, [f"t{i}" for i in range(32)])),
    }
    for key, value in over.items():
        key = key.replace("__", ".")
        if value is None:
            meta.pop(key, None)
        else:
            meta[key] = value
    return meta


def base_tensors() -> list[tuple[str, tuple[int, ...], int]]:
    names = [("token_embd.weight", (64, 32))]
    for layer in range(2):
        names += [(f"blk.{layer}.attn_q.weight", (64, 64)), (f"blk.{layer}.ffn_up.weight", (64, 128))]
    names.append(("output.weight", (64, 32)))
    return [(n, shape, F16_TYPE) for n, shape in names]


def gguf_bytes(
    meta: dict | None = None, tensors=None, *, version: int = 3, n_tensors=None, n_kv=None, alignment: int = 32
) -> bytes:
    meta = base_meta() if meta is None else meta
    tensors = base_tensors() if tensors is None else tensors
    body = b"".join(_kv(k, t, v) for k, (t, v) in meta.items())
    infos = b""
    offset = 0
    sizes = []
    for name, shape, ttype in tensors:
        infos += _string(name) + struct.pack("<I", len(shape)) + b"".join(struct.pack("<Q", d) for d in shape)
        infos += struct.pack("<IQ", ttype, offset)
        n = 1
        for d in shape:
            n *= d
        size = n * 2
        sizes.append(size)
        offset += -(-size // 32) * 32
    head = b"GGUF" + struct.pack(
        "<IQQ", version, len(tensors) if n_tensors is None else n_tensors, len(meta) if n_kv is None else n_kv
    )
    header = head + body + infos
    pad = (-len(header)) % max(alignment, 1)
    total = sum(-(-s // 32) * 32 for s in sizes)
    data = b"\x00" * total if total < 2**20 else b""  # a huge shape promises data the file does not hold
    return header + b"\x00" * pad + data


def write(tmp_path: Path, raw: bytes, name: str = "model.gguf") -> Path:
    path = tmp_path / name
    path.write_bytes(raw)
    return path


def test_the_seed_file_plans(tmp_path):
    """The unmutated writer output is a valid model: the mutations below are what makes each case invalid."""
    run_checked(["fit", str(write(tmp_path, gguf_bytes())), "--engine", "llamacpp", "--json"], invalid=False)


HOSTILE_KV = {
    "alignment-0": {"general.alignment": (U32, 0)},
    "alignment-3": {"general.alignment": (U32, 3)},
    "alignment-str": {"general.alignment": (STRING, "32")},
    "alignment-huge": {"general.alignment": (U64, 2**63)},
    "embedding_length-0": {"llama.embedding_length": (U32, 0)},
    "embedding_length-neg": {"llama.embedding_length": (I32, -64)},
    "embedding_length-huge": {"llama.embedding_length": (U64, 10**12)},
    "embedding_length-float": {"llama.embedding_length": (F32, 64.5)},
    "embedding_length-nan": {"llama.embedding_length": (F32, float("nan"))},
    "embedding_length-inf": {"llama.embedding_length": (F64, float("inf"))},
    "embedding_length-str": {"llama.embedding_length": (STRING, "64")},
    "embedding_length-missing": {"llama.embedding_length": None},
    "head_count-0": {"llama.attention.head_count": (U32, 0)},
    "head_count-missing": {"llama.attention.head_count": None},
    "head_count-empty-array": {"llama.attention.head_count": (ARRAY, (U32, []))},
    "head_count_kv-0": {"llama.attention.head_count_kv": (U32, 0)},
    "head_count_kv-3": {"llama.attention.head_count_kv": (U32, 3)},
    "head_count_kv-8": {"llama.attention.head_count_kv": (U32, 8)},
    "head_count_kv-array-0": {"llama.attention.head_count_kv": (ARRAY, (U32, [0, 0]))},
    "head_count_kv-bool": {"llama.attention.head_count_kv": (BOOL, True)},
    "block_count-0": {"llama.block_count": (U32, 0)},
    "block_count-1e7": {"llama.block_count": (U32, 10**7)},
    "block_count-2^64": {"llama.block_count": (U64, 2**64 - 1)},
    "block_count-neg": {"llama.block_count": (I64, -2)},
    "context_length--1": {"llama.context_length": (I32, -1)},
    "context_length-0": {"llama.context_length": (U32, 0)},
    "context_length-2^63": {"llama.context_length": (U64, 2**63)},
    "key_length-0": {"llama.attention.key_length": (U32, 0)},
    "key_length-huge": {"llama.attention.key_length": (U32, 2**31)},
    "ffn-0": {"llama.feed_forward_length": (U32, 0)},
    "ffn-huge": {"llama.feed_forward_length": (U64, 2**40)},
    "vocab_size-neg": {
        "llama.vocab_size": (I32, -5),
        "tokenizer.ggml.tokens": (ARRAY, (STRING, [])),
        "llama.embedding_length": (U32, 0),
    },
    "vocab-huge": {"llama.vocab_size": (U64, 2**40)},
    "architecture-missing": {"general.architecture": None},
    "architecture-int": {"general.architecture": (U32, 7)},
    "architecture-unknown": {"general.architecture": (STRING, "nonsense")},
    "sliding-window-neg": {"llama.attention.sliding_window": (I32, -5), "llama.block_count": (U32, 0)},
}


@pytest.mark.parametrize("name", list(HOSTILE_KV))
def test_hostile_metadata(tmp_path, name):
    raw = gguf_bytes(base_meta(**{k.replace(".", "__"): v for k, v in HOSTILE_KV[name].items()}))
    run_checked(["fit", str(write(tmp_path, raw)), "--json"], invalid=True, time_limit_s=10)


def test_no_tensors(tmp_path):
    run_checked(["fit", str(write(tmp_path, gguf_bytes(tensors=[]))), "--json"], invalid=True, time_limit_s=10)


STRUCTURE = {
    "version-1": lambda: gguf_bytes(version=1),
    "version-4": lambda: gguf_bytes(version=4),
    "n_kv-huge": lambda: gguf_bytes(n_kv=2**63),
    "n_tensors-huge": lambda: gguf_bytes(n_tensors=2**40),
    "n_kv-more-than-present": lambda: gguf_bytes(n_kv=50),
    "n_tensors-more-than-present": lambda: gguf_bytes(n_tensors=50),
    "magic-only": lambda: b"GGUF",
    "empty": lambda: b"",
    "not-gguf": lambda: b"GGML" + b"\x00" * 100,
    "string-len-huge": lambda: b"GGUF" + struct.pack("<IQQ", 3, 1, 1) + struct.pack("<Q", 2**62) + b"abc",
    "array-count-huge": lambda: (
        b"GGUF" + struct.pack("<IQQ", 3, 0, 1) + _string("a") + struct.pack("<IIQ", ARRAY, U32, 2**61)
    ),
    "string-array-count-huge": lambda: (
        b"GGUF" + struct.pack("<IQQ", 3, 0, 1) + _string("a") + struct.pack("<IIQ", ARRAY, STRING, 2**61)
    ),
    "nested-arrays-deep": lambda: (
        b"GGUF"
        + struct.pack("<IQQ", 3, 0, 1)
        + _string("a")
        + struct.pack("<I", ARRAY)
        + struct.pack("<IQ", ARRAY, 1) * 5000
    ),
    "unknown-value-type": lambda: b"GGUF" + struct.pack("<IQQ", 3, 0, 1) + _string("a") + struct.pack("<I", 99),
    "tensor-dims-9": lambda: gguf_bytes(tensors=[("token_embd.weight", (1,) * 9, F16_TYPE)]),
    "tensor-huge-shape": lambda: gguf_bytes(tensors=[("token_embd.weight", (2**62, 2**62), F16_TYPE)]),
    "tensor-unknown-type": lambda: gguf_bytes(tensors=[("token_embd.weight", (64, 32), 999)]),
    "tensor-layer-huge": lambda: gguf_bytes(tensors=[("blk.99999999999.attn_q.weight", (64, 64), F16_TYPE)]),
    "bad-utf8-key": lambda: b"GGUF" + struct.pack("<IQQ", 3, 0, 1) + _string(b"\xff\xfe") + struct.pack("<IB", U8, 1),
}


@pytest.mark.parametrize("name", list(STRUCTURE))
def test_damaged_structure(tmp_path, name):
    run_checked(["fit", str(write(tmp_path, STRUCTURE[name]())), "--json"], invalid=True, time_limit_s=10)


def test_truncated_at_every_tenth_byte(tmp_path):
    raw = gguf_bytes()
    header_end = raw.index(b"output.weight") + 40
    for cut in range(0, header_end, 10):
        run_checked(["fit", str(write(tmp_path, raw[:cut], f"cut{cut}.gguf")), "--json"], invalid=True, time_limit_s=10)


@settings(max_examples=120, derandomize=True, deadline=None, suppress_health_check=list(HealthCheck))
@given(data=st.data())
def test_random_byte_flips(tmp_path_factory, data):
    """Overwrite up to 4 bytes of the header with random values: an error or a plan, never a crash or hang."""
    raw = bytearray(gguf_bytes())
    header_end = raw.index(b"output.weight") + 40
    for _ in range(data.draw(st.integers(1, 4))):
        at = data.draw(st.integers(4, header_end))
        raw[at] = data.draw(st.integers(0, 255))
    path = write(tmp_path_factory.mktemp("gguf"), bytes(raw))
    run_checked(["fit", str(path), "--json"], invalid=None, time_limit_s=10)
