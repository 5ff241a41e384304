"""One output path: data to stdout as a table or JSON, hints and warnings to stderr."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from dataclasses import asdict, is_dataclass

from planner.sources.files import write_atomic  # noqa: F401  (re-exported: one atomic writer, in sources)

SCHEMA_VERSION = 1
GIB = 2**30


def to_jsonable(value):
    if is_dataclass(value) and not isinstance(value, type):
        return {k: to_jsonable(v) for k, v in asdict(value).items()}
    if isinstance(value, dict):
        return {str(k): to_jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [to_jsonable(v) for v in value]
    if isinstance(value, float) and value != value:  # NaN is not JSON
        return None
    return value


def emit(data: dict, as_json: bool, render: Callable[[dict], str]) -> None:
    if as_json:
        payload = {"schema_version": SCHEMA_VERSION, **to_jsonable(data)}
        sys.stdout.write(json.dumps(payload, indent=2, ensure_ascii=False) + "\n")
    else:
        sys.stdout.write(render(data).rstrip("\n") + "\n")


def warn(message: str) -> None:
    sys.stderr.write(f"warning: {message}\n")


def note(message: str) -> None:
    sys.stderr.write(f"{message}\n")


def gib(n_bytes: float | None, digits: int = 2) -> str:
    if n_bytes is None:
        return "-"
    return f"{n_bytes / GIB:.{digits}f} GiB"


def gb(n_bytes: float | None) -> str:
    return "-" if n_bytes is None else f"{n_bytes / 1e9:.2f} GB"


BAR_CHARS = {"weights": "█", "activation": "▓", "overhead": "▒", "kv": "░", "free": "·", "short": "!"}


def memory_bar(parts: list[tuple[str, int]], total: int, width: int = 50) -> str:
    """A one-line bar of memory use: parts are (kind, bytes) in BAR_CHARS kinds; total is the device."""
    cells = []
    used = 0
    for kind, size in parts:
        if size <= 0:
            continue
        n = round(width * size / total) if total else 0
        cells.append(BAR_CHARS.get(kind, "#") * n)
        used += size
    bar = "".join(cells)
    if len(bar) > width:
        bar = bar[: width - 1] + BAR_CHARS["short"]
    bar += BAR_CHARS["free"] * (width - len(bar))
    return f"[{bar}]"


def bar_legend(kinds: list[str]) -> str:
    names = {
        "weights": "weights",
        "activation": "activation",
        "overhead": "runtime",
        "kv": "KV cache",
        "free": "unused",
        "short": "over budget",
    }
    return "  ".join(f"{BAR_CHARS[k]} {names[k]}" for k in kinds)
