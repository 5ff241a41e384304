"""The typed results of the planner API: frozen dataclasses, each with one ``to_dict()``.

``to_dict()`` is the JSON every command prints with ``--json`` (one serialisation path; the schema is
docs/json.md, generated from these types by scripts/make_json_doc.py and checked by a test). Fields
only grow: a released name is never renamed. Rules of the mapping:

- a nested result becomes an object, a tuple a list, NaN ``null``;
- a ``Band`` field ``x`` becomes three keys, ``x``, ``x_low`` and ``x_high`` (the value and its
  interval), so flat consumers keep working;
- ``hardware`` is the same ``HardwareInfo`` block in every command, ``calibrations`` the same list of
  the stored calibrations the call applied (one line each).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, fields, is_dataclass
from typing import Any

SCHEMA_VERSION = 2  # 2: one hardware block and `calibrations` in every command (docs/json.md)


def to_jsonable(value: Any) -> Any:
    """Plain JSON types from results, engine plans and containers (the one serialiser)."""
    if is_dataclass(value) and not isinstance(value, type):
        out: dict[str, Any] = {}
        for f in fields(value):
            item = getattr(value, f.name)
            if f.metadata.get("json") is False:
                continue
            if f.metadata.get("flatten"):
                out.update(to_jsonable(item))
                continue
            if isinstance(item, Band):
                out[f.name] = to_jsonable(item.value)
                out[f"{f.name}_low"] = to_jsonable(item.low)
                out[f"{f.name}_high"] = to_jsonable(item.high)
            else:
                out[f.name] = to_jsonable(item)
        return out
    if isinstance(value, dict):
        return {str(k): to_jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [to_jsonable(v) for v in value]
    if isinstance(value, float) and (math.isnan(value) or math.isinf(value)):
        return None  # NaN and infinities are not JSON
    return value


class Result:
    """Base of every top-level result: ``to_dict()`` is its JSON, with ``schema_version`` first."""

    def to_dict(self) -> dict:
        return {"schema_version": SCHEMA_VERSION, **to_jsonable(self)}


# ---- shared blocks --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Band:
    """A predicted value and its interval (docs/methodology.md section 5: what low/high cover)."""

    value: float
    low: float
    high: float


@dataclass(frozen=True)
class HardwareInfo:
    """The hardware block of every result: one profile times a count."""

    name: str
    display_name: str
    count: int
    memory_bytes: int  # one device
    bandwidth_gbps: float  # one device
    platform: str  # rocm | cuda | cpu | ...
    arch: str


@dataclass(frozen=True)
class ModelInfo:
    """What the planner knows of the model and where its config came from."""

    id: str
    source: str  # local | gguf | ollama-store | hub | hf-cache | catalog
    location: str
    architecture: str
    parameters: int
    parameters_counted: int
    active_parameters: int
    layers: int
    hidden_size: int
    attention_heads: int
    kv_heads: int
    head_dim: int
    vocab_size: int
    max_position_embeddings: int
    checkpoint_dtype: str
    quantization: dict | None
    moe: dict | None
    notes: tuple[str, ...] = ()


# ---- fit ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class QuantSize:
    quant: str
    file_bytes: int
    bits_per_weight: float


@dataclass(frozen=True)
class FitReport(Result):
    """`plan()` / `mi50plan fit`: each engine's memory plan (planner.engines: VllmPlan, LlamaCppPlan,
    OllamaPlan, all ``EnginePlan``), the GGUF file sizes, the calibrations applied and warnings."""

    model: ModelInfo
    hardware: HardwareInfo
    plans: tuple[Any, ...]  # EnginePlan subclasses, in the order asked
    calibrations: tuple[str, ...] = ()
    gguf_quants: tuple[QuantSize, ...] = ()
    warnings: tuple[str, ...] = ()
    # What the plans were made from (planner.planning.fit.FitBasis): memory_curves re-plans from it.
    basis: Any = field(default=None, compare=False, repr=False, metadata={"json": False})

    def plan_for(self, engine: str):
        """The plan of one engine (vllm, ollama, llamacpp), or None."""
        return next((p for p in self.plans if p.engine == engine), None)

    @property
    def fits(self) -> bool:
        return bool(self.plans) and all(p.fits for p in self.plans)


@dataclass(frozen=True)
class MemoryPoint:
    """One context length of one engine plan, re-planned by the engine itself (all the plan's GPUs)."""

    context: int  # tokens (vLLM --max-model-len, llama.cpp -c, Ollama num_ctx)
    weights_bytes: int  # model weights on the GPUs
    kv_cache_bytes: int  # vLLM: one request of this context; llama.cpp/Ollama: the cache allocated
    compute_bytes: int  # vLLM peak activation; llama.cpp/Ollama compute (graph) buffers
    overhead_bytes: int  # vLLM non-torch + CUDA graphs; Ollama minimum memory + its one-layer buffer
    total_bytes: int  # the sum of the four
    fits: bool  # the engine's own verdict at this context (what max_context bisects)


@dataclass(frozen=True)
class MemoryCurve:
    """Memory against context length for one engine plan (`fit --plot`)."""

    engine: str
    label: str
    gpus: int
    budget_bytes: int  # what the engine compares against, all GPUs (vLLM: total x utilization)
    memory_bytes: int  # the cards' memory, all GPUs
    budget_rule: str  # the budget in words
    max_context: int  # the plan's largest fitting context at its KV type (0: none)
    kv_type: str
    points: tuple[MemoryPoint, ...]


@dataclass(frozen=True)
class MemoryCurves(Result):
    """`planner.api.memory_curves(report)`: the data `fit --plot` draws, one curve per engine plan."""

    model: str
    hardware: HardwareInfo
    curves: tuple[MemoryCurve, ...]


# ---- predict --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Prediction:
    """One deployment at one concurrency: speeds with their bands (docs/methodology.md section 5)."""

    engine: str
    backend: str
    precision: str  # as the user named it: fp16, Q4_K_M, gptq (fp16)
    precision_class: str
    concurrency: int
    prompt_tokens: int
    output_tokens: int
    context_depth: int
    prefill_tokens_per_s: Band
    ttft_s: Band
    decode_tokens_per_s: Band  # per stream
    tpot_s: Band
    e2e_s: Band
    throughput_tokens_per_s: Band  # output tokens/s over all streams
    decode_bytes_per_token: float
    decode_efficiency: float
    prefill_efficiency: float
    tensor_parallel_size: int = 1
    layer_split: int = 1
    notes: tuple[str, ...] = ()
    dtype: str | None = None  # vLLM: the precision; None for GGUF engines
    quant: str | None = None  # llama.cpp/Ollama: the GGUF quant; None for vLLM
    context: int | None = None  # the deployment's context (max_model_len, n_ctx, num_ctx)
    max_concurrency: float | None = None  # requests of `context` tokens the KV cache holds


@dataclass(frozen=True)
class Rejection:
    """A deployment (or one concurrency level of it) that does not fit, with the reason."""

    deployment: str
    reason: str | None
    concurrency: int | None = None  # predict: the level that does not fit; None: the whole deployment
    context: int | None = None  # the context it was planned at


@dataclass(frozen=True)
class PredictReport(Result):
    model: str
    hardware: HardwareInfo
    prompt_tokens: int
    output_tokens: int
    context_depth: int
    predictions: tuple[Prediction, ...]
    rejected: tuple[Rejection, ...] = ()
    calibrations: tuple[str, ...] = ()


@dataclass(frozen=True)
class ConcurrencyPoint:
    """One concurrency level of one deployment, as the predict table prints it (bands as value, low, high)."""

    concurrency: int
    throughput_tokens_per_s: Band  # output tokens/s over all streams
    ttft_s: Band
    tpot_s: Band
    e2e_s: Band


@dataclass(frozen=True)
class ConcurrencySeries:
    """Throughput and latency against concurrency for one deployment (`predict --plot`)."""

    label: str  # engine, precision, backend and parallelism, as a person reads it
    engine: str
    context: int | None
    points: tuple[ConcurrencyPoint, ...]


@dataclass(frozen=True)
class ConcurrencyCurves(Result):
    """`planner.api.concurrency_curves(report)`: the data `predict --plot` draws, one series per deployment."""

    model: str
    hardware: HardwareInfo
    prompt_tokens: int
    output_tokens: int
    context_depth: int
    series: tuple[ConcurrencySeries, ...]


# ---- recommend ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Candidate:
    """One deployment recommend considered: its fit verdict and, when it fits, its prediction."""

    deployment: str  # a label a person reads: "llama.cpp Q8_0 vulkan"
    engine: str
    fits: bool
    reason: str | None = None
    prediction: Prediction | None = None
    context: int | None = None
    kv_cache_tokens: int | None = None
    max_concurrency: int | None = None  # concurrent requests of prompt+output tokens predicted for throughput
    throughput_tokens_per_s: float | None = None
    quality_bits: float | None = None
    meets_goal: bool = False
    launch: tuple[str, ...] = ()
    spec: Any = field(default=None, compare=False, metadata={"json": False})  # the core Deployment


@dataclass(frozen=True)
class ModelCandidates:
    model: str
    parameters: int
    ranked: tuple[Candidate, ...]
    rejected: tuple[Rejection, ...]


@dataclass(frozen=True)
class Winner:
    model: str
    deployment: str
    engine: str
    e2e_s: float
    decode_tokens_per_s: float
    launch: tuple[str, ...]


@dataclass(frozen=True)
class Recommendation(Result):
    goal: str
    max_latency_s: float | None
    prompt_tokens: int
    output_tokens: int
    hardware: HardwareInfo
    models: tuple[ModelCandidates, ...]
    winner: Winner | None
    calibrations: tuple[str, ...] = ()


# ---- compare --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Setup:
    """One side of a comparison: the setup text, its prediction and whether it fits."""

    setup: str
    model: str
    hardware: HardwareInfo
    prediction: Prediction = field(metadata={"flatten": True})  # its keys sit beside these in the JSON
    fits: bool = True
    fit_reason: str | None = None


@dataclass(frozen=True)
class DecodeSplit:
    """The decode time ratio B/A split into factors whose product is the ratio (docs/methodology.md)."""

    decode_ratio: float
    bytes_per_token_factor: float
    precision_kernel_factor: float
    model_size_and_precision_factor: float
    engine_and_backend_factor: float
    hardware_factor: float
    residual_factor: float
    model_size_and_precision_share: float
    engine_and_backend_share: float
    hardware_share: float = 0.0


@dataclass(frozen=True)
class Comparison(Result):
    hardware: HardwareInfo  # setup A's hardware (each setup carries its own)
    prompt_tokens: int
    output_tokens: int
    setups: tuple[Setup, Setup]
    split: DecodeSplit
    e2e_ratio: float
    calibrations: tuple[str, ...] = ()


# ---- validate and calibrate -----------------------------------------------------------------------


@dataclass(frozen=True)
class MetricComparison:
    """One predicted figure against one measured figure."""

    metric: str  # ttft_s, decode_tokens_per_s, kv_cache_gib, ...
    predicted: float | None
    measured: float | None
    unit: str
    error_pct: float | None
    # What identifies the measurement (prompt_set, concurrency, probe, test, max_model_len ...): its keys
    # sit beside the others in the JSON.
    where: dict = field(default_factory=dict, metadata={"flatten": True})


@dataclass(frozen=True)
class Validation(Result):
    source: str  # the file validated
    model: str | None
    engine: str | None
    hardware: HardwareInfo
    comparisons: tuple[MetricComparison, ...]
    calibrations: tuple[str, ...] = ()
    plan_error: str | None = None
    log: dict | None = None  # the figures read from a vLLM log
    from_log: tuple[str, ...] = ()  # the settings a vLLM log settled (the flags not given), one line each


@dataclass(frozen=True)
class CalibrationResult(Result):
    calibration: dict  # the stored entry (planner.sources.calibration.Calibration as a dict)
    file: str
    describe: str
    hardware: HardwareInfo | None = None


@dataclass(frozen=True)
class CalibrationList(Result):
    calibrations: tuple[dict, ...]
    file: str


# ---- probe ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ProbeRecord(Result):
    """One probe of a live server as saved in a results file (docs/json.md "probe")."""

    probed_at: str
    server: dict
    settings: dict
    runs: tuple[dict, ...]
    summary: tuple[dict, ...]
    cold_start: dict | None = None

    @property
    def failed(self) -> list[dict]:
        return [r for r in self.runs if r.get("status") != "ok"]


@dataclass(frozen=True)
class LatencyStats:
    """Mean and percentiles (linear interpolation) of one latency over a load point's measured requests."""

    mean: float | None
    p50: float | None
    p95: float | None
    p99: float | None


@dataclass(frozen=True)
class LoadPoint:
    """One offered load of `probe --rate/--users`: Poisson arrivals at `rate`, or `users` in a closed loop.

    The first 10% of the requests (in send order) are kept in `requests` but left out of the statistics."""

    rate: float | None  # asked requests/s (open loop)
    users: int | None  # closed-loop users
    think_time_s: float
    duration_s: float  # the time new requests were sent
    wall_s: float  # the whole run, the drain of the last requests included
    sent: int
    completed: int
    failed: int
    measured: int  # in the statistics
    offered_rate: float | None  # requests sent per second of the window (the Poisson draw's own rate)
    request_rate: float  # achieved: completions/s between the first and the last measured completion
    throughput_tokens_per_s: float  # request_rate x mean output tokens
    input_tokens_per_s: float
    prompt_tokens: float | None  # mean of the measured requests, as the server counted them
    output_tokens: float | None
    ttft_s: LatencyStats
    tpot_s: LatencyStats
    e2e_s: LatencyStats
    goodput: float  # share of the measured window's requests within every target (1 without targets)
    queue_growth: float | None  # p50 TTFT of the last third of requests over the first third
    busy_rate: float | None  # completions/s while the measured requests were being sent (saturation when overrun)
    keeps_up: bool  # achieved >= 90% of offered and queue_growth <= 2 (docs/methodology.md section 8)
    load_average: float | None  # the machine's 1-minute load average when the point ended
    requests: tuple[dict, ...] = ()  # sent_s, prompt_tokens, output_tokens, ttft_s, e2e_s, tpot_s, error, status


@dataclass(frozen=True)
class MeasuredSaturation:
    """Where the server stopped keeping up (docs/methodology.md section 8, "saturation rate")."""

    rate_per_s: float | None  # completions/s at the rates it did not keep up with (median; section 8)
    kept_up_to: float | None  # the highest offered rate it kept up with
    overran_from: float | None  # the lowest offered rate it did not keep up with


@dataclass(frozen=True)
class LoadProbe(Result):
    """`probe URL --rate R[,R...]` or `--users N[,N...]` (docs/json.md "probe ... --rate")."""

    probed_at: str
    server: dict
    mode: str  # "load"
    settings: dict  # prompt/output lengths, duration, seed, targets, time-outs
    points: tuple[LoadPoint, ...]
    saturation: MeasuredSaturation
    warmup: tuple[dict, ...] = ()  # requests sent one at a time before the load, not counted

    @property
    def failed(self) -> list[dict]:
        return [r for p in self.points for r in p.requests if r.get("error") is not None]
