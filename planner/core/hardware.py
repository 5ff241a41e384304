"""Hardware profiles as validated data (the files live in profiles/; loading is in planner.sources.profiles).

Validation is strict: unknown keys are rejected, units are in the key names, ranges are checked, and
every problem names the field. Pure: takes a dict, returns a frozen HardwareProfile or raises.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields

PLATFORMS = ("rocm", "cuda", "cpu", "metal", "vulkan", "sycl")


def cuda_capability(arch: str) -> int | None:
    """A CUDA arch name's compute capability as one number ("sm86" -> 86, "sm90a" -> 90); None for any other arch."""
    digits = arch[2:].rstrip("abcdefghijklmnopqrstuvwxyz") if arch.startswith("sm") else ""
    return int(digits) if digits.isdigit() else None


def turing_without_tensor_cores(arch: str, peak_tflops: dict) -> bool:
    """A Turing (sm75) part without tensor cores: TU116/TU117, the GTX 16 series. Their sheets give packed FP16
    at twice FP32; every Turing part with tensor cores lists its tensor rate, 8x FP32 (RTX 2080 Ti, T4)."""
    fp16, fp32 = peak_tflops.get("fp16", 0.0), peak_tflops.get("fp32", 0.0)
    return cuda_capability(arch) == 75 and 0 < fp16 <= 2.5 * fp32


DTYPE_KEYS = ("fp32", "fp16", "bf16", "fp8", "int8", "int4")
ENGINE_NAMES = ("vllm", "ollama", "llamacpp")


class ProfileInvalid(ValueError):
    def __init__(self, field_name: str, problem: str) -> None:
        super().__init__(f"{field_name}: {problem}")
        self.field_name = field_name
        self.problem = problem


@dataclass(frozen=True)
class EngineSupport:
    supported: bool
    backends: tuple[str, ...] = ()  # llama.cpp / Ollama backends that run here: rocm, vulkan, cuda, cpu
    notes: str = ""
    versions: str = ""  # e.g. "vLLM 0.11 via nlzy/vllm-gfx906"


@dataclass(frozen=True)
class HardwareProfile:
    name: str
    display_name: str
    vendor: str
    arch: str
    platform: str
    memory_bytes: int  # the card's size for display (nvidia-smi / rocm-smi total, or nominal)
    bandwidth_gbps: float  # peak memory bandwidth, GB/s (decimal)
    peak_tflops: dict[str, float]  # dense peak per dtype; a missing dtype has no hardware path
    supported_dtypes: tuple[str, ...]
    engines: dict[str, EngineSupport]
    interconnect_gbps: float = 16.0  # GPU-to-GPU / host link per direction, GB/s
    tdp_w: float | None = None
    host_memory_bytes: int | None = None  # RAM behind the GPUs, for Ollama/llama.cpp offload
    cpu_cores: int | None = None
    memory_note: str = ""
    # What the runtime reports as total (torch.cuda.mem_get_info()[1], i.e. cudaMemGetInfo/hipMemGetInfo):
    # the figure vLLM multiplies by gpu_memory_utilization and llama.cpp/Ollama read as free memory.
    # None: the same as memory_bytes. memory_runtime_source says where the figure comes from (a log
    # line, or "derived: ..." with the rule).
    memory_runtime_bytes: int | None = None
    memory_runtime_source: str = ""
    # Unified-memory machines (Apple Silicon, DGX Spark GB10, Strix Halo): the GPU shares system memory;
    # the budget is what the runtime reports as total (memory_runtime_bytes, else memory_bytes) less what the
    # OS keeps (os_reserved_bytes); os_reserved_source says where that figure or its rule comes from.
    os_reserved_bytes: int = 0
    os_reserved_source: str = ""
    warnings: tuple[str, ...] = ()
    sources: tuple[str, ...] = ()
    confidence: str = ""
    unified_memory: bool = False  # CPU and GPU share one memory (Apple M-series, APUs, GB10, Jetson)
    # --- capacity planning (issue 13): optional, with defaults; docs/methodology.md "Capacity" ---
    interconnect: str = "pcie"  # GPU-to-GPU link inside a node: pcie | xgmi | nvlink
    interconnect_source: str = ""  # the vendor page giving the link and its speed (empty: the PCIe default)
    network_gbps: float = 1.25  # node-to-node link per direction, GB/s (10 GbE)
    price_per_hour: float | None = None  # USD per device-hour, when the profile knows one
    path: str = field(default="", compare=False)

    @property
    def device_total_bytes(self) -> int:
        """The total the runtime reports (cudaMemGetInfo / hipMemGetInfo total, Metal's working-set cap)."""
        return self.memory_runtime_bytes if self.memory_runtime_bytes is not None else self.memory_bytes

    @property
    def runtime_memory_bytes(self) -> int:
        """The budget engines size against, per device: the runtime's total, less what the OS keeps on a
        unified-memory machine (the free memory llama.cpp and Ollama read at start-up)."""
        base = self.device_total_bytes
        return base - self.os_reserved_bytes if self.unified_memory else base

    def supports(self, dtype: str) -> bool:
        return dtype in self.supported_dtypes

    def engine(self, name: str) -> EngineSupport:
        return self.engines.get(name, EngineSupport(supported=True))


# Every field a profile file may set: the dataclass's own (but not `path`, which says where it was read).
_TOP_KEYS = {f.name for f in fields(HardwareProfile)} - {"path"} | {"schema_version"}
_REQUIRED = (
    "name",
    "display_name",
    "vendor",
    "arch",
    "platform",
    "memory_bytes",
    "bandwidth_gbps",
    "peak_tflops",
    "supported_dtypes",
    "sources",
)
_ENGINE_KEYS = {"supported", "backends", "notes", "versions"}


def _number(data: dict, key: str, lo: float, hi: float, *, integer: bool = False) -> float:
    value = data[key]
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise ProfileInvalid(key, f"must be a number, got {value!r}")
    if integer and not isinstance(value, int):
        raise ProfileInvalid(key, f"must be a whole number of bytes, got {value!r}")
    if not lo < value <= hi:
        raise ProfileInvalid(key, f"{value} is outside ({lo}, {hi}]")
    return value


def _strings(data: dict, key: str) -> tuple[str, ...]:
    value = data.get(key, [])
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ProfileInvalid(key, "must be a list of strings")
    return tuple(value)


def _runtime_memory(data: dict, nominal: int) -> int | None:
    if "memory_runtime_bytes" not in data:
        return None
    value = int(_number(data, "memory_runtime_bytes", 2**28, 2**44, integer=True))
    if value > nominal:
        raise ProfileInvalid("memory_runtime_bytes", f"{value} is more than memory_bytes ({nominal})")
    if not str(data.get("memory_runtime_source", "")).strip():
        raise ProfileInvalid(
            "memory_runtime_source", "say where memory_runtime_bytes comes from (a log line or a rule)"
        )
    return value


def _flag(data: dict, key: str) -> bool:
    value = data.get(key, False)
    if not isinstance(value, bool):
        raise ProfileInvalid(key, "must be true or false")
    return value


def profile_from_dict(data: dict, path: str = "") -> HardwareProfile:
    if not isinstance(data, dict):
        raise ProfileInvalid("(top)", "not a table")
    unknown = sorted(set(data) - _TOP_KEYS)
    if unknown:
        raise ProfileInvalid(unknown[0], f"unknown key (allowed: {', '.join(sorted(_TOP_KEYS))})")
    for key in _REQUIRED:
        if key not in data:
            raise ProfileInvalid(key, "missing")
    if data.get("schema_version", 1) != 1:
        raise ProfileInvalid(
            "schema_version", f"unsupported version {data['schema_version']!r} (this mi50plan reads 1)"
        )
    platform = data["platform"]
    if platform not in PLATFORMS:
        raise ProfileInvalid("platform", f"{platform!r} is not one of {', '.join(PLATFORMS)}")
    memory = int(_number(data, "memory_bytes", 2**28, 2**44, integer=True))
    bandwidth = float(_number(data, "bandwidth_gbps", 0, 100_000))
    peaks = data["peak_tflops"]
    if not isinstance(peaks, dict) or not peaks:
        raise ProfileInvalid("peak_tflops", "must be a table of dtype = TFLOPS")
    peak_tflops = {}
    for dtype in peaks:
        if dtype not in DTYPE_KEYS:
            raise ProfileInvalid(f"peak_tflops.{dtype}", f"unknown dtype (allowed: {', '.join(DTYPE_KEYS)})")
        peak_tflops[dtype] = float(_number(peaks, dtype, 0, 100_000))
    dtypes = _strings(data, "supported_dtypes")
    for dtype in dtypes:
        if dtype not in DTYPE_KEYS:
            raise ProfileInvalid("supported_dtypes", f"unknown dtype {dtype!r}")
    engines: dict[str, EngineSupport] = {}
    for name, table in (data.get("engines") or {}).items():
        if name not in ENGINE_NAMES:
            raise ProfileInvalid(f"engines.{name}", f"unknown engine (allowed: {', '.join(ENGINE_NAMES)})")
        if not isinstance(table, dict):
            raise ProfileInvalid(f"engines.{name}", "must be a table")
        bad = sorted(set(table) - _ENGINE_KEYS)
        if bad:
            raise ProfileInvalid(f"engines.{name}.{bad[0]}", "unknown key")
        if not isinstance(table.get("supported", True), bool):
            raise ProfileInvalid(f"engines.{name}.supported", "must be true or false")
        engines[name] = EngineSupport(
            supported=table.get("supported", True),
            backends=_strings(table, "backends"),
            notes=str(table.get("notes", "")),
            versions=str(table.get("versions", "")),
        )
    name = data["name"]
    if not isinstance(name, str) or not name or name != name.lower() or " " in name:
        raise ProfileInvalid("name", f"{name!r} must be a lower-case name without spaces")
    return HardwareProfile(
        name=name,
        display_name=str(data["display_name"]),
        vendor=str(data["vendor"]),
        arch=str(data["arch"]),
        platform=platform,
        memory_bytes=memory,
        bandwidth_gbps=bandwidth,
        peak_tflops=peak_tflops,
        supported_dtypes=dtypes,
        engines=engines,
        interconnect_gbps=float(_number(data, "interconnect_gbps", 0, 10_000)) if "interconnect_gbps" in data else 16.0,
        tdp_w=float(_number(data, "tdp_w", 0, 10_000)) if "tdp_w" in data else None,
        host_memory_bytes=int(_number(data, "host_memory_bytes", 0, 2**50, integer=True))
        if "host_memory_bytes" in data
        else None,
        cpu_cores=int(_number(data, "cpu_cores", 0, 4096, integer=True)) if "cpu_cores" in data else None,
        memory_note=str(data.get("memory_note", "")),
        memory_runtime_bytes=_runtime_memory(data, memory),
        memory_runtime_source=str(data.get("memory_runtime_source", "")),
        unified_memory=_flag(data, "unified_memory"),
        **_os_reserved(data, memory),
        warnings=_strings(data, "warnings"),
        sources=_strings(data, "sources"),
        confidence=str(data.get("confidence", "")),
        **_capacity_keys(data),
        path=path,
    )


INTERCONNECTS = ("pcie", "xgmi", "nvlink")


def _os_reserved(data: dict, memory: int) -> dict:
    """os_reserved_bytes (unified-memory machines only) with the source of its figure or rule."""
    if "os_reserved_bytes" not in data:
        return {}
    if not _flag(data, "unified_memory"):
        raise ProfileInvalid("os_reserved_bytes", "only a unified-memory profile (unified_memory = true) sets it")
    total = data.get("memory_runtime_bytes", memory)
    value = int(_number(data, "os_reserved_bytes", -1, total - 1, integer=True))
    if value and not str(data.get("os_reserved_source", "")).strip():
        raise ProfileInvalid("os_reserved_source", "say where os_reserved_bytes comes from (a log line or a rule)")
    return {"os_reserved_bytes": value, "os_reserved_source": str(data.get("os_reserved_source", ""))}


def _capacity_keys(data: dict) -> dict:
    """The optional capacity-planning keys: interconnect kind, node network, price (issue 13)."""
    out: dict = {}
    if "interconnect" in data:
        if data["interconnect"] not in INTERCONNECTS:
            raise ProfileInvalid("interconnect", f"{data['interconnect']!r} is not one of {', '.join(INTERCONNECTS)}")
        out["interconnect"] = data["interconnect"]
    if "interconnect_source" in data:
        out["interconnect_source"] = str(data["interconnect_source"])
    if "network_gbps" in data:
        out["network_gbps"] = float(_number(data, "network_gbps", 0, 10_000))
    if "price_per_hour" in data:
        out["price_per_hour"] = float(_number(data, "price_per_hour", 0, 10_000))
    return out


@dataclass(frozen=True)
class Hardware:
    """What a plan runs on: a profile times a count of identical devices."""

    profile: HardwareProfile
    count: int = 1

    @property
    def name(self) -> str:
        return self.profile.name

    @property
    def total_memory_bytes(self) -> int:
        return self.profile.memory_bytes * self.count
