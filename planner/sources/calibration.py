"""The user's calibrations: speed factors (and vLLM memory corrections) fitted from their own runs.

Stored in ``planner.sources.profiles.config_dir() / "calibration.json"``, written atomically, one
entry per hardware + engine + backend. A prediction looks its entry up with ``lookup`` and passes it
to ``planner.core.speed.predict(..., calibration=entry)``: an entry has ``decode`` and ``prefill``
attributes, the multiplicative factors on the fitted efficiencies that predict() documents, ``kv``
on the KV-cache read at depth, and ``ttft_overhead_s``, the fixed time per request it adds to TTFT.
``entry.describe()`` is the line a prediction prints so the user sees a calibration is in use.

File shape (schema_version 1)::

    {"schema_version": 1, "calibrations": {"host/llamacpp/cpu": {
        "name": "host/llamacpp/cpu", "hardware": "host", "engine": "llamacpp", "backend": "cpu",
        "decode": 1.07, "prefill": 0.81, "kv": 0.62, "ttft_overhead_s": 0.021, "created_at": "...", "model": "...",
        "sources": [{"file": "results.json", "probed_at": "...", "blocks": ["short c=1", ...]}],
        "points": 3, "memory": {...} or null}}}
"""

from __future__ import annotations

import json
import math
from dataclasses import asdict, dataclass, field
from pathlib import Path

from planner.errors import ResultsFileError, UsageError
from planner.sources import paths

FILE_NAME = "calibration.json"


@dataclass(frozen=True)
class Calibration:
    name: str
    hardware: str
    engine: str
    backend: str
    decode: float = 1.0
    prefill: float = 1.0
    kv: float = 1.0  # on the KV-cache read at depth, on top of decode
    ttft_overhead_s: float = 0.0  # fixed time per request added to TTFT (HTTP, tokenisation, scheduling)
    created_at: str = ""
    model: str | None = None
    sources: tuple[dict, ...] = ()
    points: int = 0
    # vLLM, from a start-up log: {"log": path, "weights_delta_bytes": measured - planned "Model loading
    # took", "overhead_delta_bytes": the rest of the KV miss (activation + non-torch), planned - measured}
    memory: dict | None = None
    residuals: dict = field(default_factory=dict)

    def describe(self) -> str:
        files = sorted({s.get("file", "?") for s in self.sources})
        probes = len(self.sources)
        return (
            f"calibration '{self.name}' in use (decode x{self.decode:.3f}, KV read x{self.kv:.3f}, "
            f"prefill x{self.prefill:.3f}, TTFT +{self.ttft_overhead_s * 1000:.1f} ms; "
            f"from {probes} run{'s' if probes != 1 else ''} in {', '.join(files) or '-'}, {self.created_at})"
        )

    def has_speed(self) -> bool:
        """Whether speed factors were fitted (a vLLM log alone stores memory corrections only)."""
        return self.points > 0

    def vllm_memory(self) -> tuple[int, int] | None:
        """(load overhead, other overhead) corrections in bytes from a vLLM log, or None."""
        m = self.memory or {}
        if "weights_delta_bytes" not in m and "overhead_delta_bytes" not in m:
            return None
        return int(m.get("weights_delta_bytes") or 0), int(m.get("overhead_delta_bytes") or 0)

    def describe_memory(self) -> str:
        load, other = self.vllm_memory() or (0, 0)
        return (
            f"calibration '{self.name}' in use (vLLM memory: load overhead {load / 2**30:+.3f} GiB, other "
            f"overhead {other / 2**30:+.3f} GiB; from {(self.memory or {}).get('log', '-')}, {self.created_at})"
        )

    def factors(self) -> dict[str, float]:
        return {
            "decode": self.decode,
            "prefill": self.prefill,
            "kv": self.kv,
            "ttft_overhead_s": self.ttft_overhead_s,
        }


def key_for(hardware: str, engine: str, backend: str) -> str:
    return f"{hardware.strip().lower()}/{engine.strip().lower()}/{backend.strip().lower()}"


def path() -> Path:
    return paths.calibration_file()


def _load_raw() -> dict:
    p = path()
    if not p.exists():
        return {"schema_version": 1, "calibrations": {}}
    try:
        data = json.loads(p.read_text(encoding="utf-8"))
    except (ValueError, OSError) as exc:
        raise ResultsFileError(
            f"{p}: unreadable calibration file ({exc})",
            hint=f"remove it (`mi50plan calibrate --remove`) or fix it by hand: {p}",
        ) from exc
    if not isinstance(data, dict) or not isinstance(data.get("calibrations"), dict):
        raise ResultsFileError(f"{p}: not a mi50plan calibration file", hint=f"remove {p}")
    return data


def _from_dict(d: object) -> Calibration:
    """One stored entry, checked: a hand-edited or damaged file gives one clear error, not a crash."""

    def bad(name: str, what: str) -> ResultsFileError:
        return ResultsFileError(
            f"{path()}: calibration '{name}' {what}",
            hint="`mi50plan calibrate --remove NAME`, then calibrate again",
        )

    if not isinstance(d, dict):
        raise bad("?", "is not an object")
    name = d.get("name", "?")
    missing = [k for k in ("name", "hardware", "engine", "backend") if not isinstance(d.get(k), str)]
    if missing:
        raise bad(name, f"has no {missing[0]}")
    known = set(Calibration.__dataclass_fields__)
    values = {k: v for k, v in d.items() if k in known}
    values["sources"] = tuple(s for s in values.get("sources") or () if isinstance(s, dict))
    cal = Calibration(**values)

    def number(value: object) -> bool:
        return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)

    for factor in ("decode", "prefill", "kv"):
        value = getattr(cal, factor)
        if not number(value) or not value > 0:
            raise bad(cal.name, f"has {factor}={value!r}; must be > 0")
    if not number(cal.ttft_overhead_s) or not 0 <= cal.ttft_overhead_s < 3600:
        raise bad(cal.name, f"has ttft_overhead_s={cal.ttft_overhead_s!r}; must be 0 or more seconds")
    if not isinstance(cal.points, int):
        raise bad(cal.name, f"has points={cal.points!r}; must be a count")
    if cal.memory is not None:
        if not isinstance(cal.memory, dict):
            raise bad(cal.name, "has a memory entry that is not an object")
        for key in ("weights_delta_bytes", "overhead_delta_bytes"):
            if key in cal.memory and not number(cal.memory[key]):
                raise bad(cal.name, f"has memory.{key}={cal.memory[key]!r}; must be a number of bytes")
    return cal


def load_all() -> list[Calibration]:
    return [_from_dict(v) for _, v in sorted(_load_raw()["calibrations"].items())]


def lookup(hardware: str, engine: str, backend: str) -> Calibration | None:
    """The calibration for this hardware+engine+backend, or None. Never raises for a missing file."""
    raw = _load_raw()["calibrations"].get(key_for(hardware, engine, backend))
    return _from_dict(raw) if raw else None


def save(cal: Calibration, write) -> Path:
    """Store (replace) one entry; `write` is an atomic writer (planner.cli.output.write_atomic)."""
    data = _load_raw()
    data["calibrations"][cal.name] = asdict(cal)
    data["calibrations"][cal.name]["sources"] = list(cal.sources)
    write(path(), json.dumps(data, indent=2, ensure_ascii=False) + "\n")
    return path()


def remove(name: str | None, write) -> list[str]:
    """Remove one entry by name, or all of them when name is None; returns the names removed."""
    data = _load_raw()
    entries = data["calibrations"]
    if name is None:
        gone = sorted(entries)
        entries.clear()
    else:
        if name not in entries:
            raise UsageError(
                "--remove",
                name,
                "no such calibration",
                hint="`mi50plan calibrate --list` shows them"
                + (f"; stored: {', '.join(sorted(entries))}" if entries else ""),
            )
        gone = [name]
        del entries[name]
    write(path(), json.dumps(data, indent=2, ensure_ascii=False) + "\n")
    return gone
