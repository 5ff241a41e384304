"""Efficiency factors for the speed model: what fraction of peak bandwidth (decode) and of peak fp16
compute (prefill) an engine reaches, as data. Pure: no I/O; the data file is loaded by the caller
(``planner.catalog.efficiency.json``, written by scripts/fit_efficiency.py) and passed in as a dict.

The model is log-linear with few, physical levels (docs/methodology.md section 5.2):

    log eff = intercept + arch[class] + precision[class] + backend[class] + engine[class] + moe * is_moe

fitted by ridge least squares (each level shrunk towards its prior, the intercept free), separately
for decode and prefill. A level the data never saw sits at its prior, so an unseen GPU class falls
back to the intercept, an unseen precision to the Q4_0 baseline: predictions degrade gracefully
instead of failing, and the band widens (``Efficiency.unfitted``).

Three scalar corrections sit on top, each fitted from the rows that measure it (prior 1):
``kv_read`` (decode KV-cache read efficiency relative to a 16-bit weight read), ``attention``
(prefill attention FLOP efficiency relative to the GEMMs), ``batch_compute`` (batched decode compute
relative to prefill compute).
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass, field

# Groups of levels share one coefficient where physics says they must behave alike.
# Decode is a weight read: 16-bit weights move the same bytes whether fp16, bf16 or bf16 emulated
# (the measured BF16 rows on gfx906 decode at 50-54% like F16, engine-facts.md section 5).
DECODE_TIES = {
    "fp16": "f16",
    "bf16": "f16",
    "bf16-without-hw": "f16",
    "gptq-int4": "awq-int4",
    "iquant": "q4_0",
}
# Prefill is compute: bf16 without bf16 hardware is a different code path (converted to fp32), so it
# keeps its own level; bf16 on hardware that has it is f16.
PREFILL_TIES = {"fp16": "f16", "bf16": "f16", "gptq-int4": "awq-int4", "iquant": "kquant"}
PRECISION_CLASSES = (
    "q4_0",
    "kquant",
    "iquant",
    "q8",
    "f16",
    "fp16",
    "bf16",
    "bf16-without-hw",
    "awq-int4",
    "gptq-int4",
    "int8",
    "fp8",
)
BASE_PRECISION = "q4_0"  # the level at 0: every other precision is relative to Q4_0
BASE_BACKEND = "native"  # rocm on AMD, cuda on NVIDIA, cpu on a CPU: the vendor's own path
BASE_ENGINE = "llamacpp"  # Ollama runs llama.cpp's kernels: the same engine class (ENGINE_CLASS)
ENGINE_CLASS = {"llamacpp": "llamacpp", "ollama": "llamacpp", "vllm": "vllm"}
MAX_BANDWIDTH_EFFICIENCY = 0.92  # no measured engine streams weights faster (RTX 3090: 77%)
MAX_COMPUTE_EFFICIENCY = 0.95


def arch_class(arch: str, platform: str) -> str:
    """GPU families that share kernels and memory systems (gfx906 is GCN5: no matrix units)."""
    a = arch.lower()
    if platform == "cpu" or a in ("cpu", "x86_64", "aarch64", "arm64"):
        return "cpu"
    if a.startswith(("gfx900", "gfx906")):
        return "gcn5"
    if a.startswith(("gfx908", "gfx90a", "gfx94", "gfx95")):
        return "cdna"
    if a.startswith(("gfx10", "gfx11", "gfx12")):
        return "rdna"
    if a.startswith("sm"):
        return "nvidia"
    return a


def backend_class(backend: str, platform: str) -> str:
    b = (backend or "").lower()
    if b in ("", "rocm", "hip", "cuda") or (b == "cpu" and platform == "cpu"):
        return BASE_BACKEND
    return b  # vulkan, or cpu on a GPU machine (never predicted: the CLI refuses it)


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
        q = gguf_quant.upper()
        if q in ("F16", "F32"):
            return "f16"
        if q == "BF16":
            return "bf16" if bf16_hw else "bf16-without-hw"
        if q.startswith("IQ"):
            return "iquant"
        if "_K" in q or q.startswith("UD-"):
            return "q8" if "Q8" in q else "kquant"
        if q.startswith(("Q8", "Q6")):
            return "q8"
        return "q4_0"  # Q4_0, Q4_1, Q5_0, Q5_1: the legacy block types share the fast kernels
    if vllm_quant:
        m = vllm_quant.lower()
        if m in ("gptq", "awq"):
            if quant_bits == 8:
                return "int8"
            return f"{m}-int4"
        if m in ("int8",):
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

    def levels(self, kind: str) -> dict[str, str]:
        ties = DECODE_TIES if kind == "decode" else PREFILL_TIES
        return {
            "arch": self.arch,
            "precision": ties.get(self.precision, self.precision),
            "backend": self.backend,
            "engine": ENGINE_CLASS.get(self.engine, self.engine),
        }


@dataclass(frozen=True)
class Observation:
    """One measured efficiency: the measured time inverted through the speed model."""

    kind: str  # decode | prefill
    features: Features
    efficiency: float
    row_id: str = ""


@dataclass(frozen=True)
class Efficiency:
    value: float
    unfitted: tuple[str, ...]  # levels that sat at their prior (no measured row): the band widens
    log_sigma: float  # one-sigma spread in log space, from the leave-one-out residuals

    def band(self) -> tuple[float, float]:
        width = self.log_sigma * (1.0 + 0.5 * len(self.unfitted))
        return self.value * math.exp(-width), self.value * math.exp(width)


# Priors (log space) a level is shrunk towards. Zero: "like the baseline". The two non-zero priors are
# published gfx906 observations independent of any single row (engine-facts.md section 5): K-quants
# prefill at about half the Q4_0 rate; Vulkan prefill at 0.5-0.85x ROCm (midpoint 0.65).
DEFAULT_PRIORS: dict[str, dict[str, float]] = {
    "decode": {},
    "prefill": {"precision:kquant": math.log(0.5), "backend:vulkan": math.log(0.65)},
}
RIDGE = 0.1  # prior weight in units of one observation; chosen by leave-one-out (methodology.md 5.2)


def _solve(a: list[list[float]], b: list[float]) -> list[float]:
    """Gaussian elimination with partial pivoting (the systems are at most ~15 x 15)."""
    n = len(b)
    m = [row[:] + [b[i]] for i, row in enumerate(a)]
    for col in range(n):
        piv = max(range(col, n), key=lambda r: abs(m[r][col]))
        m[col], m[piv] = m[piv], m[col]
        if abs(m[col][col]) < 1e-12:
            continue
        for r in range(n):
            if r != col:
                f = m[r][col] / m[col][col]
                if f:
                    m[r] = [x - f * y for x, y in zip(m[r], m[col], strict=True)]
    return [m[i][n] / m[i][i] if abs(m[i][i]) > 1e-12 else 0.0 for i in range(n)]


def fit_levels(
    observations: Iterable[Observation],
    kind: str,
    priors: dict[str, float] | None = None,
    ridge: float = RIDGE,
) -> dict:
    """Ridge least squares of log efficiency on one-hot levels; returns the coefficient table."""
    obs = [o for o in observations if o.kind == kind and o.efficiency > 0]
    priors = DEFAULT_PRIORS[kind] if priors is None else priors
    names: list[str] = []
    rows: list[dict[str, float]] = []
    for o in obs:
        x = {
            f"{k}:{v}": 1.0
            for k, v in o.features.levels(kind).items()
            if not (k == "precision" and v == BASE_PRECISION)
            and not (k == "backend" and v == BASE_BACKEND)
            and not (k == "engine" and v == BASE_ENGINE)
        }
        if o.features.moe:
            x["moe"] = 1.0
        rows.append(x)
        for key in x:
            if key not in names:
                names.append(key)
    names = ["intercept"] + sorted(names)
    idx = {n: i for i, n in enumerate(names)}
    n = len(names)
    ata = [[0.0] * n for _ in range(n)]
    atb = [0.0] * n
    for x, o in zip(rows, obs, strict=True):
        vec = [0.0] * n
        vec[0] = 1.0
        for key, v in x.items():
            vec[idx[key]] = v
        y = math.log(o.efficiency)
        for i in range(n):
            if vec[i]:
                atb[i] += vec[i] * y
                for j in range(n):
                    ata[i][j] += vec[i] * vec[j]
    for name, i in idx.items():
        if name != "intercept":
            ata[i][i] += ridge
            atb[i] += ridge * priors.get(name, 0.0)
    coef = _solve(ata, atb) if obs else [math.log(0.35)] + [0.0] * (n - 1)
    counts = {name: sum(1 for x in rows if name in x) for name in names}
    counts["intercept"] = len(rows)
    table: dict = {"intercept": coef[0], "levels": {}, "rows": {}, "priors": dict(priors)}
    for name in names[1:]:
        table["levels"][name] = coef[idx[name]]
        table["rows"][name] = counts[name]
    table["rows"]["intercept"] = counts["intercept"]
    return table


def efficiency_from_table(
    table: dict, kind: str, features: Features, log_sigma: float, cap: float
) -> Efficiency:
    """Evaluate the fitted levels for one deployment; unseen levels use their prior."""
    log_e = float(table["intercept"])
    unfitted: list[str] = []
    keys = [
        f"{k}:{v}"
        for k, v in features.levels(kind).items()
        if not (k == "precision" and v == BASE_PRECISION)
        and not (k == "backend" and v == BASE_BACKEND)
        and not (k == "engine" and v == BASE_ENGINE)
    ]
    if features.moe:
        keys.append("moe")
    priors = table.get("priors", {})
    for key in keys:
        if key in table["levels"]:
            log_e += float(table["levels"][key])
        else:
            log_e += float(priors.get(key, DEFAULT_PRIORS[kind].get(key, 0.0)))
            unfitted.append(key)
    return Efficiency(min(cap, math.exp(log_e)), tuple(unfitted), log_sigma)


@dataclass(frozen=True)
class EfficiencyModel:
    """The whole data file as the speed model reads it (see planner/catalog/efficiency.json)."""

    decode: dict
    prefill: dict
    kv_read: float = 1.0
    attention: float = 1.0
    batch_compute: float = 1.0
    decode_log_sigma: float = 0.2
    prefill_log_sigma: float = 0.3
    cpu: dict = field(default_factory=dict)
    communication: dict = field(default_factory=dict)

    @classmethod
    def from_dict(cls, data: dict) -> EfficiencyModel:
        return cls(
            decode=data["decode"],
            prefill=data["prefill"],
            kv_read=float(data.get("kv_read", {}).get("value", 1.0)),
            attention=float(data.get("attention", {}).get("value", 1.0)),
            batch_compute=float(data.get("batch_compute", {}).get("value", 1.0)),
            decode_log_sigma=float(data.get("band", {}).get("decode_log_sigma", 0.2)),
            prefill_log_sigma=float(data.get("band", {}).get("prefill_log_sigma", 0.3)),
            cpu=dict(data.get("cpu", {})),
            communication=dict(data.get("communication", {})),
        )

    def decode_efficiency(self, features: Features) -> Efficiency:
        if features.arch == "cpu" and "decode" in self.cpu:
            return Efficiency(float(self.cpu["decode"]), ("arch:cpu",), self.decode_log_sigma)
        return efficiency_from_table(
            self.decode, "decode", features, self.decode_log_sigma, MAX_BANDWIDTH_EFFICIENCY
        )

    def prefill_efficiency(self, features: Features) -> Efficiency:
        if features.arch == "cpu" and "prefill" in self.cpu:
            return Efficiency(float(self.cpu["prefill"]), ("arch:cpu",), self.prefill_log_sigma)
        return efficiency_from_table(
            self.prefill, "prefill", features, self.prefill_log_sigma, MAX_COMPUTE_EFFICIENCY
        )


def level_contributions(table: dict, kind: str, features: Features) -> dict[str, float]:
    """Log contribution of each level type (arch, precision, backend, engine, moe) for one deployment,
    so a speed ratio can be split into its causes (compare)."""
    priors = table.get("priors", {})
    out = {"arch": 0.0, "precision": 0.0, "backend": 0.0, "engine": 0.0, "moe": 0.0}
    for k, v in features.levels(kind).items():
        key = f"{k}:{v}"
        out[k] = float(table["levels"].get(key, priors.get(key, 0.0)))
    if features.moe:
        out["moe"] = float(table["levels"].get("moe", 0.0))
    return out
