"""What every engine plan shares (vLLM, llama.cpp, Ollama): the base class and the typed suggestion.

Each engine module returns a frozen dataclass that is an ``EnginePlan``. Every plan has these fields:
``engine``, ``dtype``, ``fits``, ``weights_bytes``, ``kv_cache_bytes``, ``kv_cache_tokens``,
``max_concurrency``, ``max_model_len``, ``memory_total_bytes``, ``error`` (the engine's own words, or
None), ``suggestions`` (``Suggestion``s, each re-planned), ``warnings``, ``notes`` and ``flags``.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Suggestion:
    """A change that makes a plan fit, re-planned with the change applied."""

    change: str  # one line a person reads
    flags: tuple[str, ...]  # what to add to the command line
    fits: bool  # re-planned with the change
    kv_cache_tokens: int
    max_concurrency: float
    engine: str = "vllm"
    note: str = ""


class EnginePlan:
    """Base of the engines' plan dataclasses; ``to_dict()`` is the plan's JSON in `fit --json`."""

    engine: str
    fits: bool
    error: str | None

    def to_dict(self) -> dict:
        from planner.results import to_jsonable

        return to_jsonable(self)
