"""A model as a source found it: its spec, where the config came from, and what else the source knew."""

from __future__ import annotations

from dataclasses import dataclass, field

from planner.core.spec import ModelSpec


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
    # Keys the config lacked that transformers' config class filled and the plan depends on, as
    # (dotted key, value): the planner says each one (a note), never plans from a default unsaid.
    defaulted: tuple[tuple[str, object], ...] = ()
