"""Fitted factors of the speed model, as data. Pure: no I/O; the data file
(``planner/catalog/efficiency.json``, written by scripts/fit_efficiency.py) is loaded by the caller
(planner.sources.efficiency_data) and passed in as an ``EfficiencyModel``.

Two efficiencies are log-linear in a few physical levels (docs/methodology.md section 5.2)::

    log eff = intercept + vendor + arch + backend + precision + kernel + engine + moe * is_moe

- decode eff: the fraction of peak memory bandwidth a token's weight read reaches;
- prefill eff: the fraction of peak dense compute a large GEMM reaches.

`memory` (unified LPDDR shared with the CPU, or a discrete card's HBM or GDDR), `vendor` (nvidia, amd, apple,
intel) and `arch` (a GPU generation: ampere, rdna3, gcn5, apple ...) are the hardware; `backend` the
API (cuda, rocm, vulkan, metal, sycl, cpu); `precision` the weight format's kernel class (f16, q8,
q4_0, kquant, iquant, mxfp4 ...); `kernel` the precision on one backend (a Q4_K matrix-vector kernel
on Metal is not the one on CUDA); `engine` vllm vs llama.cpp; `era` a recent llama.cpp build
(from 7500) on one backend: the matmul paths changed with the builds (prefill since issue 11's twenty-second
round, decode since its twenty-fourth).
Each level is fitted by ridge least squares, shrunk towards 0 ("like the average"), so a GPU the
fit never saw gets its vendor's and backend's factors, and an unseen generation its vendor's.

Additive physics with fitted scalars sit beside them (docs/methodology.md section 5.1):
``layer_overhead_s`` (a fixed time per layer per graph evaluation, per backend, and per backend for a recent
llama.cpp build, "vulkan@recent": kernel launches and synchronisation, which kernel fusion cut in 2025's builds),
``moe_layer_overhead`` (an MoE layer's extra share of that cost: router, top-k, gather and expert kernels),
``kv_read`` (KV-cache read efficiency relative to the weight read), ``attention`` (attention FLOP efficiency
relative to the GEMMs) and
``attention_backend`` (a factor on it per backend: each backend has its own flash-attention kernels),
``vector_work`` and ``decode_vector_work`` (per precision: the vector-unit work of dequantising
weights per GEMM FLOP, at the FP32 vector rate: why a GPU with huge matrix units and a modest FP32
rate, an H100, prefills quantized models slower than an RTX 4090), ``gemm_half_tokens`` (the
micro-batch at which GEMMs reach half their large-batch efficiency) and ``batch_compute`` (batched
decode GEMMs relative to prefill GEMMs). ``band`` holds the central interval of the leave-one-GPU-out
log errors of recent-build rows (a plan is for a current build) whose held-out coverage is 80%
(scripts/fit_efficiency.py), which predict() puts around every figure.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

# Decode is a weight read: 16-bit weights move the same bytes whether fp16, bf16 or bf16 emulated.
DECODE_TIES = {"fp16": "f16", "bf16": "f16", "bf16-without-hw": "f16", "gptq-int4": "awq-int4"}
# Prefill is compute: bf16 without bf16 hardware is a different code path (converted), its own level.
PREFILL_TIES = {"fp16": "f16", "bf16": "f16", "gptq-int4": "awq-int4"}
PRECISION_CLASSES = (
    "q4_0",
    "kquant",
    "iquant",
    "q8",
    "mxfp4",
    "f16",
    "fp16",
    "bf16",
    "bf16-without-hw",
    "awq-int4",
    "gptq-int4",
    "int8",
    "fp8",
)
LEVEL_TYPES = ("memory", "vendor", "arch", "backend", "precision", "kernel", "engine", "era")
ENGINE_CLASS = {"llamacpp": "llamacpp", "ollama": "llamacpp", "vllm": "vllm"}
BASE_ENGINE = "llamacpp"  # Ollama runs llama.cpp's kernels: the same engine class
MAX_BANDWIDTH_EFFICIENCY = 0.95
MAX_COMPUTE_EFFICIENCY = 0.95
MOE, MOE_KERNEL = "moe", "moekernel"  # an MoE model's level, and the same on one backend (its mul_mat_id kernels)
# Ridge weight of each level type, in units of one observation: how strongly a level is pulled to 0.
# Broad levels (vendor, backend, precision) are cheap; fine ones (arch, kernel) must earn their place.
RIDGE = {
    "memory": 3.0,
    "vendor": 3.0,
    "arch": 10.0,
    "backend": 3.0,
    "precision": 3.0,
    "kernel": 10.0,
    "engine": 3.0,
    MOE: 3.0,
    MOE_KERNEL: 10.0,
    "era": 10.0,
}
BAND_LEVEL = 0.8  # the low/high band is this central interval of held-out errors


def vendor_class(arch: str, platform: str) -> str:
    a = arch.lower()
    if platform == "cpu" or a in ("cpu", "x86_64", "aarch64", "arm64"):
        return "cpu"
    if a.startswith("gfx"):
        return "amd"
    if a.startswith("sm"):
        return "nvidia"
    if a.startswith("apple"):
        return "apple"
    if a.startswith("xe"):
        return "intel"
    return a


# GPU generations: chips that share kernels, matrix units and memory systems.
_NVIDIA = {
    "sm60": "pascal",
    "sm61": "pascal",
    "sm70": "volta",
    "sm75": "turing",
    "sm80": "ampere-dc",
    "sm86": "ampere",
    "sm87": "ampere",
    "sm89": "ada",
    "sm90": "hopper",
    "sm100": "blackwell-dc",
    "sm120": "blackwell",
    "sm121": "blackwell",
}


def arch_class(arch: str, platform: str) -> str:
    """The GPU generation (gfx906 is GCN5: no matrix units; gfx1151 is the RDNA3.5 of APUs)."""
    a = arch.lower()
    vendor = vendor_class(a, platform)
    if vendor == "cpu":
        return "cpu"
    if vendor == "nvidia":
        return _NVIDIA.get(a, "nvidia")
    if vendor == "amd":
        for prefix, name in (
            ("gfx80", "gcn4"),
            ("gfx90a", "cdna2"),
            ("gfx908", "cdna1"),
            ("gfx90", "gcn5"),
            ("gfx94", "cdna3"),
            ("gfx95", "cdna4"),
            ("gfx103", "rdna2"),
            ("gfx115", "rdna3.5"),
            ("gfx11", "rdna3"),
            ("gfx12", "rdna4"),
        ):
            if a.startswith(prefix):
                return name
        return "amd"
    return a  # apple-m2, xe-hpg, xe2, xe-lpg


# Generations whose every part carries HBM (P100 is sm60; V100/Titan V sm70; A100/A30 sm80;
# H100/H200 sm90; B200 sm100; Vega/MI25/MI50/MI60/Radeon VII gfx90x; every CDNA Instinct).
_HBM_ARCHS = ("sm60", "sm70", "sm80", "sm90", "sm100", "gfx90", "gfx94", "gfx95")


def memory_class(arch: str, unified: bool) -> str:
    """unified (LPDDR shared with the CPU), hbm (stacked, wide and slow per pin: a batch-1 matrix-vector
    read keeps too few bytes in flight to reach its peak) or gddr."""
    if unified:
        return "unified"
    return "hbm" if arch.lower().startswith(_HBM_ARCHS) else "gddr"


def backend_class(backend: str, platform: str) -> str:
    b = (backend or "").lower()
    if b in ("", "native"):
        return {"cuda": "cuda", "rocm": "rocm", "metal": "metal", "sycl": "sycl", "cpu": "cpu"}.get(platform, b)
    return "rocm" if b == "hip" else b


def precision_class(
    engine: str,
    *,
    gguf_quant: str | None = None,
    vllm_quant: str | None = None,
    quant_bits: int | None = None,
    dtype: str = "fp16",
    bf16_hw: bool = True,
) -> str:
    """The precision class of a deployment, as efficiency.json keys it."""
    if gguf_quant:
        q = gguf_quant.upper().removeprefix("UD-")
        if q in ("F16", "F32"):
            return "f16"
        if q == "BF16":
            return "bf16" if bf16_hw else "bf16-without-hw"
        if q.startswith("MXFP4"):
            return "mxfp4"
        if q.startswith(("IQ", "TQ")):
            return "iquant"  # lookup-table kernels (the i-quants and the ternary TQ1_0/TQ2_0)
        if q.startswith("Q8"):
            return "q8"
        if "_K" in q:
            return "kquant"
        return "q4_0"  # Q4_0, Q4_1, Q5_0, Q5_1: the legacy block types share the simple kernels
    if vllm_quant:
        m = vllm_quant.lower()
        if m in ("gptq", "awq"):
            return "int8" if quant_bits == 8 else f"{m}-int4"
        if m == "int8":
            return "int8"
        if m == "fp8":
            return "fp8"
        return "awq-int4"
    if dtype == "bf16":
        return "bf16" if bf16_hw else "bf16-without-hw"
    return "fp16"


@dataclass(frozen=True)
class Features:
    arch: str
    precision: str
    backend: str
    engine: str
    moe: bool
    vendor: str = ""
    memory: str = ""  # unified (LPDDR shared with the CPU: Apple, APUs, GB10), hbm or gddr (memory_class)
    # "recent": a llama.cpp build from 7500 on (its per-layer cost has its own offset); "recent2": one from 9000 on, the
    # second era nested in the first (its own level on top, the same per-layer offset); "" otherwise
    era: str = ""

    @property
    def tau_key(self) -> str:
        """The per-layer cost's key: the backend, or the backend of a recent llama.cpp build ("vulkan@recent")."""
        return f"{self.backend}@recent" if self.era else self.backend  # both eras share the recent offset

    def levels(self, kind: str) -> dict[str, str]:
        ties = DECODE_TIES if kind == "decode" else PREFILL_TIES
        precision = ties.get(self.precision, self.precision)
        engine = ENGINE_CLASS.get(self.engine, self.engine)
        out = {
            "memory": self.memory,
            "vendor": self.vendor,
            "arch": self.arch,
            "backend": self.backend,
            "precision": precision,
            "kernel": f"{precision}@{self.backend}",
            "engine": engine,
        }
        if engine == BASE_ENGINE:
            del out["engine"]
        if kind != "decode":
            del out["memory"]  # the memory system bounds the weight read, not the GEMMs
        if self.era:  # a recent build's level on its backend (prefill: the twenty-second round; decode: the 24th)
            out["era"] = f"recent@{self.backend}"
        return {k: v for k, v in out.items() if v}

    def keys(self, kind: str) -> list[str]:
        keys = [f"{k}:{v}" for k, v in self.levels(kind).items()]
        if self.era == "recent2":  # the second era, nested in the first (issue 11's twenty-eighth round)
            keys.append(f"era:recent2@{self.backend}")
        return keys + ([MOE, f"{MOE_KERNEL}:{self.backend}"] if self.moe else [])


@dataclass(frozen=True)
class Efficiency:
    value: float
    unfitted: tuple[str, ...]  # levels no measured row informed: they sit at 0 (the average)


def efficiency_from_table(table: dict, kind: str, features: Features, cap: float) -> Efficiency:
    """Evaluate the fitted levels for one deployment; an unseen level contributes 0."""
    log_e = float(table["intercept"])
    unfitted: list[str] = []
    for key in features.keys(kind):
        if key in table["levels"]:
            log_e += float(table["levels"][key])
        else:
            unfitted.append(key)
    return Efficiency(min(cap, math.exp(log_e)), tuple(unfitted))


@dataclass(frozen=True)
class EfficiencyModel:
    """The whole data file as the speed model reads it (see planner/catalog/efficiency.json)."""

    decode: dict
    prefill: dict
    layer_overhead_s: dict = field(default_factory=dict)  # backend -> seconds per layer per graph run
    kv_read: float = 1.0
    attention: float = 1.0
    attention_backend: dict = field(default_factory=dict)  # backend -> attention factor on top of `attention`
    gemm_half_tokens: float = 0.0
    batch_compute: float = 1.0
    vector_work: dict = field(default_factory=dict)  # prefill precision -> vector FLOPs per GEMM FLOP
    decode_vector_work: dict = field(default_factory=dict)  # decode precision -> the same, one token
    band: dict = field(default_factory=lambda: {"decode": (-0.3, 0.3), "prefill": (-0.5, 0.5)})
    # The wider band of a GPU generation no fitted row has, and the held-out median |error| of such GPUs.
    band_unseen: dict = field(default_factory=dict)
    unseen_error: dict = field(default_factory=dict)
    cpu: dict = field(default_factory=dict)
    communication: dict = field(default_factory=dict)
    moe_layer_overhead: float = 0.0  # an MoE layer's extra fixed cost, as a share of the per-layer cost
    recurrent_layer_overhead: float = 0.0  # a recurrent (linear-attention) layer's extra fixed cost, the same way

    @classmethod
    def from_dict(cls, data: dict) -> EfficiencyModel:
        band = data.get("band", {})
        unseen = data.get("band_unseen_generation", {})
        return cls(
            decode=data["decode"],
            prefill=data["prefill"],
            layer_overhead_s={k: float(v) for k, v in data.get("layer_overhead_s", {}).get("value", {}).items()},
            kv_read=float(data.get("kv_read", {}).get("value", 1.0)),
            attention=float(data.get("attention", {}).get("value", 1.0)),
            attention_backend={k: float(v) for k, v in data.get("attention_backend", {}).get("value", {}).items()},
            gemm_half_tokens=float(data.get("gemm_half_tokens", {}).get("value", 0.0)),
            batch_compute=float(data.get("batch_compute", {}).get("value", 1.0)),
            vector_work={k: float(v) for k, v in data.get("vector_work", {}).get("value", {}).items()},
            decode_vector_work={
                k: float(v) for k, v in data.get("decode_vector_work", {}).get("value", {}).items()
            },
            band={k: tuple(band[k]) for k in ("decode", "prefill") if k in band}
            or {"decode": (-0.3, 0.3), "prefill": (-0.5, 0.5)},
            band_unseen={k: tuple(unseen[k]) for k in ("decode", "prefill") if k in unseen},
            unseen_error=dict(unseen.get("median_abs_error", {})),
            cpu=dict(data.get("cpu", {})),
            communication=dict(data.get("communication", {})),
            moe_layer_overhead=float(data.get("moe_layer_overhead", {}).get("value", 0.0)),
            recurrent_layer_overhead=float(data.get("recurrent_layer_overhead", {}).get("value", 0.0)),
        )

    def decode_efficiency(self, features: Features) -> Efficiency:
        if features.arch == "cpu" and "decode" in self.cpu:
            return Efficiency(float(self.cpu["decode"]), ("arch:cpu",))
        return efficiency_from_table(self.decode, "decode", features, MAX_BANDWIDTH_EFFICIENCY)

    def prefill_efficiency(self, features: Features) -> Efficiency:
        if features.arch == "cpu" and "prefill" in self.cpu:
            return Efficiency(float(self.cpu["prefill"]), ("arch:cpu",))
        return efficiency_from_table(self.prefill, "prefill", features, MAX_COMPUTE_EFFICIENCY)

    def cpu_value(self, features: Features, key: str, gpu_value: float) -> float:
        """A CPU-path factor from the `cpu` block where it holds one: the GPU file has no CPU rows, so its
        fit must not move llama.cpp's CPU path (the CPU capacity checks of methodology section 8)."""
        return float(self.cpu[key]) if features.arch == "cpu" and key in self.cpu else gpu_value

    def attention_factor(self, backend: str) -> float:
        """Attention FLOP efficiency relative to the GEMMs on a backend: the common factor times the backend's own
        (its flash-attention kernels); a backend the fit has no rows of gets the common factor alone."""
        return self.attention * self.attention_backend.get(backend, 1.0)

    def layer_overhead(self, backend: str) -> float:
        """Seconds per layer per graph evaluation on a backend ("vulkan", or "vulkan@recent" for a current llama.cpp
        build: the plain backend's cost where the fit has no such offset); an unseen backend gets the median."""
        base = backend.split("@")[0]
        for key in (backend, base):
            if key in self.layer_overhead_s:
                return self.layer_overhead_s[key]
        values = sorted(v for k, v in self.layer_overhead_s.items() if "@" not in k)
        return values[len(values) // 2] if values else 0.0

    def vector_per_flop(self, features: Features, kind: str = "prefill") -> float:
        """Vector-unit work (dequantisation, conversions) per GEMM FLOP of a precision, counted against
        the FP32 vector rate; an unseen precision gets the median."""
        ties, table = (PREFILL_TIES, self.vector_work) if kind == "prefill" else (DECODE_TIES, self.decode_vector_work)
        precision = ties.get(features.precision, features.precision)
        if precision in table:
            return table[precision]
        values = sorted(table.values())
        return values[len(values) // 2] if values else 0.0

    def unseen_generation(self, features: Features) -> bool:
        """No fitted row of this GPU generation (its arch level is in neither table): a GPU nobody in the data
        has benchmarked, like the ones leave-one-GPU-out holds out alone in their generation."""
        if features.arch == "cpu" or not features.arch:
            return False
        key = f"arch:{features.arch}"
        return key not in self.decode["levels"] and key not in self.prefill["levels"]

    def band_factors(self, kind: str, unseen: bool = False) -> tuple[float, float]:
        """Multipliers on a predicted speed for the low and high edge of the band (the wider one of an
        unseen generation when `unseen`)."""
        table = self.band_unseen if unseen and kind in self.band_unseen else self.band
        lo, hi = table.get(kind, (-0.3, 0.3))
        return math.exp(lo), math.exp(hi)


def level_contributions(table: dict, kind: str, features: Features) -> dict[str, float]:
    """Log contribution of each level type for one deployment, so a speed ratio can be split into its
    causes (compare): arch holds vendor + generation; precision holds the kernel too; backend the build era."""
    out = {"arch": 0.0, "precision": 0.0, "backend": 0.0, "engine": 0.0, "moe": 0.0}
    group = {
        "memory": "arch",
        "vendor": "arch",
        "arch": "arch",
        "kernel": "precision",
        "precision": "precision",
        "era": "backend",
    }
    for k, v in features.levels(kind).items():
        out[group.get(k, k)] += float(table["levels"].get(f"{k}:{v}", 0.0))
    if features.moe:
        out["moe"] = float(table["levels"].get(MOE, 0.0))
        out["moe"] += float(table["levels"].get(f"{MOE_KERNEL}:{features.backend}", 0.0))
    return out
