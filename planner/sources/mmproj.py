"""Read a multimodal projector GGUF (llama.cpp --mmproj): its tensor bytes and its vision encoder's shape.

A projector file (general.architecture "clip", written by convert_hf_to_gguf.py --mmproj) holds the
vision tower and the projection; llama.cpp's tools/mtmd/clip.cpp loads every tensor onto the first GPU
and reads the encoder's shape from the clip.vision.* keys (clip-impl.h KEY_IMAGE_SIZE, KEY_PATCH_SIZE,
KEY_N_EMBD, KEY_N_HEAD, KEY_N_FF). The header is parsed as for a model file (planner.sources.gguf_file).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from planner.errors import GGUFError
from planner.sources.gguf_file import _parse

VISION_KEYS = {
    "image_size": "clip.vision.image_size",
    "patch_size": "clip.vision.patch_size",
    "hidden_size": "clip.vision.embedding_length",
    "heads": "clip.vision.attention.head_count",
    "intermediate_size": "clip.vision.feed_forward_length",
}


@dataclass(frozen=True)
class ProjectorFile:
    path: str
    tensor_bytes: int  # every tensor, as clip.cpp loads them onto the GPU
    image_size: int | None  # None: a projector without a vision encoder (audio only)
    patch_size: int | None
    hidden_size: int | None
    heads: int | None
    intermediate_size: int | None

    @property
    def has_vision(self) -> bool:
        return all(v for v in (self.image_size, self.patch_size, self.hidden_size, self.heads, self.intermediate_size))


def read_mmproj(path: str | Path) -> ProjectorFile:
    """The projector's tensor bytes and vision shape. Raises GGUFError for a file that is not one."""
    from gguf import GGML_QUANT_SIZES, GGMLQuantizationType

    path = Path(path).expanduser()
    meta, infos, _ = _parse(path)
    if not infos:
        raise GGUFError(f"{path}: the projector GGUF holds no tensors", hint="pass the model's mmproj-*.gguf file")
    if meta.get("general.architecture") != "clip" and not any(k.startswith("clip.") for k in meta):
        raise GGUFError(
            f"{path}: not a multimodal projector (general.architecture is {meta.get('general.architecture')!r}, "
            "not 'clip')",
            hint="--mmproj takes the mmproj-*.gguf file that comes with a vision model, not the model itself",
        )
    total = 0
    for name, shape, ttype, _offset in infos:
        try:
            block, type_size = GGML_QUANT_SIZES[GGMLQuantizationType(ttype)]
        except ValueError:
            raise GGUFError(
                f"{path}: tensor '{name}' has unknown ggml type {ttype}", hint="update the gguf package"
            ) from None
        n = 1
        for d in shape:
            n *= d
        total += n // block * type_size

    def value(key: str) -> int | None:
        v = meta.get(key)
        return int(v) if isinstance(v, int) and not isinstance(v, bool) and 0 < v < 2**31 else None

    return ProjectorFile(str(path), total, **{field: value(key) for field, key in VISION_KEYS.items()})
