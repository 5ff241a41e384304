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
from dataclasses import asdict, dataclass, field
from pathlib import Path

from planner.errors import ResultsFileError, UsageError
from planner.schemas import check_calibration
from planner.sources import paths
from planner.sources.files import parse_json, read_text

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
    batch: float = 1.0  # on the batched-decode compute (fitted from a load curve; planning/capacity)
    ttft_overhead_s: float = 0.0  # fixed time per request added to TTFT (HTTP, tokenisation, scheduling)
    # llama-server on a CPU, from a load curve (planning/load_curve.fit_cpu_step): the factors of llama.cpp's
    # step (engines/llamacpp_scheduling.py; 0 = not fitted: the load simulation uses decode and prefill) and
    # the set-up of a micro-batch whose graph is not reused, and the server's work per output token of a step
    step_decode: float = 0.0
    step_prefill: float = 0.0
    graph_build_s: float = 0.0
    step_output_s: float = 0.0
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
            f"prefill x{self.prefill:.3f}, "
            + (f"batch x{self.batch:.3f}, " if self.batch != 1.0 else "")
            + f"TTFT +{self.ttft_overhead_s * 1000:.1f} ms"
            + (
                f", llama.cpp step: reads x{self.step_decode:.3f}, compute x{self.step_prefill:.3f}, graph set-up "
                f"{self.graph_build_s * 1000:.1f} ms, per output token {self.step_output_s * 1000:.2f} ms"
                if self.step_decode
                else ""
            )
            + f"; from {probes} run{'s' if probes != 1 else ''} in {', '.join(files) or '-'}, {self.created_at})"
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
            "batch": self.batch,
            "ttft_overhead_s": self.ttft_overhead_s,
            "step_decode": self.step_decode,
            "step_prefill": self.step_prefill,
            "graph_build_s": self.graph_build_s,
            "step_output_s": self.step_output_s,
        }


def key_for(hardware: str, engine: str, backend: str) -> str:
    return f"{hardware.strip().lower()}/{engine.strip().lower()}/{backend.strip().lower()}"


def path() -> Path:
    return paths.calibration_file()


def _load_raw() -> dict:
    p = path()
    try:
        present = p.is_file()
    except OSError:
        present = False
    if not present and not p.exists():
        return {"schema_version": 1, "calibrations": {}}
    # A store that cannot be parsed cannot be fixed by `calibrate --remove` (which must read it): say to remove it.
    fix = f"remove the file (every stored calibration goes with it) or fix it by hand: {p}"
    text = read_text(p, "calibration file", ResultsFileError)
    data = parse_json(text, str(p), "calibration file", ResultsFileError, fix)
    if not isinstance(data, dict) or not isinstance(data.get("calibrations"), dict):
        raise ResultsFileError(f"{p}: not a mi50plan calibration file", hint=fix)
    return data  # entries are checked when read (_from_dict), so `calibrate --remove NAME` can drop a bad one


def _from_dict(d: object, key: str = "?") -> Calibration:
    """One stored entry, checked against its declared schema (planner.schemas): one clear error, not a crash."""
    if not isinstance(d, dict):
        raise ResultsFileError(
            f"{path()}: calibration '{key}' is not an object",
            hint=f"`mi50plan calibrate --remove {key}`, or remove the file: {path()}",
        )
    check_calibration(d, str(path()), key[:80])  # the key is what `calibrate --remove` takes
    if key != "?" and (d["name"] != key or key_for(d["hardware"], d["engine"], d["backend"]) != key):
        raise ResultsFileError(
            f"{path()}: calibration '{key[:80]}' holds name={d['name'][:80]!r} for "
            f"{d['hardware'][:40]}/{d['engine'][:40]}/{d['backend'][:40]}: the entry does not match its key",
            hint=f"`mi50plan calibrate --remove {key[:80]}`, then calibrate again",
        )
    known = set(Calibration.__dataclass_fields__)
    values = {k: v for k, v in d.items() if k in known}
    values["sources"] = tuple(s for s in values.get("sources") or () if isinstance(s, dict))
    return Calibration(**values)


def load_all() -> list[Calibration]:
    return [_from_dict(v, str(k)) for k, v in sorted(_load_raw()["calibrations"].items())]


def lookup(hardware: str, engine: str, backend: str) -> Calibration | None:
    """The calibration for this hardware+engine+backend, or None. Never raises for a missing file."""
    key = key_for(hardware, engine, backend)
    raw = _load_raw()["calibrations"].get(key)
    return _from_dict(raw, key) if raw else None


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
