"""What every use case needs first: the hardware, the engines asked for, the stored calibrations."""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace

from planner.core.hardware import Hardware
from planner.engines.vllm import VllmOptions
from planner.errors import UsageError
from planner.results import HardwareInfo

ENGINES = ("vllm", "ollama", "llamacpp")
MAX_GPUS = 4096  # more devices than any single deployment; bounds every loop over GPUs


def parse_engines(engine: str | list[str] | tuple[str, ...] | None) -> list[str]:
    """'all', one name, a comma-separated list or a list of names -> engine names in canonical form."""
    if engine is None:
        return list(ENGINES)
    items = [engine] if isinstance(engine, str) else list(engine)
    text = ",".join(str(i) for i in items)
    value = text.strip().lower().replace("llama.cpp", "llamacpp").replace("llama-cpp", "llamacpp")
    if value == "all":
        return list(ENGINES)
    wanted = [e.strip() for e in value.split(",") if e.strip()]
    if not wanted:
        raise UsageError("--engine", text, "names no engine", hint="use all, vllm, ollama or llamacpp")
    for e in wanted:
        if e not in ENGINES:
            raise UsageError("--engine", text, "unknown engine", hint="use all, vllm, ollama or llamacpp")
    return list(dict.fromkeys(wanted))


_SIZE = re.compile(r"\s*(\d+(?:\.\d+)?)\s*([kmgt]?)(i?b?)\s*", re.IGNORECASE)
_POWERS = {"": 0, "k": 1, "m": 2, "g": 3, "t": 4}


def parse_size(value: int | float | str | None, option: str) -> int | None:
    """A byte count as vLLM's --kv-cache-memory takes it: bytes, or a number with a unit.

    8GiB, 8Gi and 8G are binary (2**30), 8GB decimal (10**9); vLLM's own parser (human_readable_int)
    reads a lower-case suffix (8g) as decimal and an upper-case one (8G) as binary, and so does this."""
    if value is None:
        return None
    if isinstance(value, bool):
        raise UsageError(option, value, "not a size", hint="bytes, or a size such as 8GiB")
    if isinstance(value, (int, float)):
        number, unit, tail = float(value), "", ""
    else:
        m = _SIZE.fullmatch(str(value)) if len(str(value)) <= 64 else None
        if m is None:
            raise UsageError(option, value, "not a size", hint="bytes, or a size such as 8GiB, 8G or 8GB")
        number, unit, tail = float(m.group(1)), m.group(2), m.group(3)
    binary = tail.lower().startswith("i") or (unit.isupper() and tail == "")
    size = int(number * (1024 if binary else 1000) ** _POWERS[unit.lower()])
    if size <= 0 or size > 2**50:
        raise UsageError(option, value, "must be a positive size up to 1 PiB", hint="e.g. 8GiB")
    return size


def load_hardware(name: str, gpus: int) -> Hardware:
    from planner.sources.profiles import get_profile

    if not isinstance(gpus, int) or gpus < 1:
        raise UsageError("--gpus", gpus, "must be 1 or more")
    if gpus > MAX_GPUS:
        raise UsageError("--gpus", gpus, f"must be {MAX_GPUS} or fewer")
    return Hardware(get_profile(name), gpus)


def auto_tensor_parallel(attention_heads: int, gpus: int, pipeline_parallel_size: int = 1) -> int:
    """--gpus N without a tensor parallel size: the largest power of two that the GPUs hold and that
    divides the attention heads (vLLM requires heads % TP == 0), so every GPU serves the model."""
    tp = 1
    for t in (2, 4, 8, 16, 32, 64):
        if t * pipeline_parallel_size <= gpus and attention_heads % t == 0:
            tp = t
    return tp


def hardware_info(hw: Hardware) -> HardwareInfo:
    p = hw.profile
    return HardwareInfo(
        name=p.name,
        display_name=p.display_name,
        count=hw.count,
        memory_bytes=p.memory_bytes,
        bandwidth_gbps=p.bandwidth_gbps,
        platform=p.platform,
        arch=p.arch,
    )


@dataclass
class CalibrationUse:
    """The user's stored calibrations as one call applies them, and which it applied.

    Every result that used one lists `applied()`, so a calibrated number is never shown as the raw
    model's. ``enabled=False`` (--no-calibration) applies none."""

    enabled: bool = True
    used: dict[str, str] = field(default_factory=dict)

    def speed(self, hw: Hardware, engine: str, backend: str | None):
        """The speed calibration for this hardware + engine + backend (backend already resolved), or None."""
        if not self.enabled:
            return None
        from planner.sources import calibration as calib

        cal = calib.lookup(hw.profile.name, engine, backend or "")
        if cal is None or not cal.has_speed():
            return None
        self.used[cal.name] = cal.describe()
        return cal

    def vllm(self, opts: VllmOptions, hw: Hardware) -> VllmOptions:
        """opts with the vLLM memory corrections stored for this hardware (`calibrate --vllm-log`)."""
        if not self.enabled:
            return opts
        from planner.core.speed import default_backend
        from planner.sources import calibration as calib

        cal = calib.lookup(hw.profile.name, "vllm", default_backend("vllm", hw))
        corrections = cal.vllm_memory() if cal is not None else None
        if corrections is None:
            return opts
        self.used[f"{cal.name} memory"] = cal.describe_memory()
        load, other = corrections
        return replace(opts, load_overhead_correction_bytes=load, other_overhead_correction_bytes=other)

    def applied(self) -> tuple[str, ...]:
        return tuple(self.used.values())


def efficiency():
    """The fitted speed factors (package data), loaded once; passed into planner.core.speed."""
    from planner.sources.efficiency_data import default_efficiency

    return default_efficiency()
