"""How fast a deployment runs (the `predict` use case), and the fit verdict speed predictions rest on."""

from __future__ import annotations

import math
from dataclasses import dataclass, replace

from planner.core import speed
from planner.core.gguf_quant import default_gguf_quant
from planner.core.hardware import Hardware
from planner.core.speed import Deployment, check_deployment
from planner.engines.llamacpp import LlamaCppOptions, plan_llamacpp
from planner.engines.ollama import OllamaOptions, plan_ollama
from planner.engines.vllm import VllmOptions, plan_vllm
from planner.errors import ExitCode, PlannerError, UsageError
from planner.planning.context import (
    CalibrationUse,
    auto_tensor_parallel,
    efficiency,
    hardware_info,
    load_hardware,
    parse_engines,
)
from planner.planning.fit import gguf_weights
from planner.results import (
    Band,
    ConcurrencyCurves,
    ConcurrencyPoint,
    ConcurrencySeries,
    Prediction,
    PredictReport,
    Rejection,
)
from planner.sources.resolved import ResolvedModel

BANDED = ("prefill_tokens_per_s", "ttft_s", "decode_tokens_per_s", "tpot_s", "e2e_s", "throughput_tokens_per_s")


class DoesNotFit(PlannerError):
    exit_code = ExitCode.DOES_NOT_FIT


@dataclass(frozen=True)
class Contexts:
    """The one context rule of every command (docs/user-guide.md "Which context"): each engine runs at
    the context the user gave it (--max-model-len for all engines, or the engine's own --ctx-size /
    --num-ctx), else at the engine's own default: vLLM the model's max_model_len, llama-server the
    model's training context (-c 0), Ollama its version's default for this much VRAM."""

    max_model_len: int | None = None
    ctx_size: int | None = None  # llama.cpp -c
    num_ctx: int | None = None  # Ollama num_ctx

    def for_engine(self, engine: str) -> int | None:
        if engine == "llamacpp":
            return self.ctx_size or self.max_model_len
        if engine == "ollama":
            return self.num_ctx or self.max_model_len
        return self.max_model_len


@dataclass(frozen=True)
class Verdict:
    fits: bool
    reason: str | None  # the engine's own error, or why it does not fit
    context: int
    max_concurrency: float  # requests of `context` tokens the KV cache holds
    kv_cache_tokens: int


def fit_verdict(
    resolved: ResolvedModel,
    hw: Hardware,
    d: Deployment,
    contexts: Contexts | int | None,
    cals: CalibrationUse | None = None,
    vllm: VllmOptions | None = None,
) -> Verdict:
    """The memory plan of the engine itself (vLLM, llama.cpp, Ollama) for this deployment.

    `contexts`: the context rule (an int or None: --max-model-len for every engine). `cals` applies the
    user's stored vLLM memory corrections (none when it is None)."""
    if not isinstance(contexts, Contexts):
        contexts = Contexts(max_model_len=contexts)
    max_model_len = contexts.for_engine(d.engine)
    spec = resolved.spec
    try:
        if d.engine == "vllm":
            opts = replace(
                vllm or VllmOptions(),  # the vLLM memory flags (--vllm-version, --enforce-eager, ...)
                dtype=d.dtype,
                quantization=d.quantization if spec.quant is None else None,
                max_model_len=max_model_len,
                tensor_parallel_size=d.tensor_parallel_size,
            )
            if cals is not None:
                opts = cals.vllm(opts, hw)
            plan = plan_vllm(spec, Hardware(hw.profile, hw.count), opts, suggest=False)
            return Verdict(plan.fits, plan.error, plan.max_model_len, plan.max_concurrency, plan.kv_cache_tokens)
        weights = gguf_weights(resolved, d.quant)
        used = Hardware(hw.profile, d.layer_split)
        if d.engine == "llamacpp":
            plan = plan_llamacpp(spec, weights, used, LlamaCppOptions(ctx_size=max_model_len, parallel=1))
        else:
            plan = plan_ollama(spec, weights, used, OllamaOptions(num_ctx=max_model_len))
    except UsageError as exc:
        return Verdict(False, exc.message, max_model_len or 0, 0.0, 0)
    reason = plan.error or (None if plan.fits else "does not fit in GPU memory (layers would spill to the CPU)")
    return Verdict(plan.fits, reason, plan.max_model_len, plan.max_concurrency, plan.kv_cache_tokens)


def to_prediction(p: speed.Prediction, verdict: Verdict | None = None) -> Prediction:
    """The API's Prediction (bands as Band) from the speed model's."""
    bands = {k: Band(getattr(p, k), getattr(p, f"{k}_low"), getattr(p, f"{k}_high")) for k in BANDED}
    vllm = p.engine == "vllm"
    return Prediction(
        engine=p.engine,
        backend=p.backend,
        precision=p.precision,
        precision_class=p.precision_class,
        concurrency=p.concurrency,
        prompt_tokens=p.prompt_tokens,
        output_tokens=p.output_tokens,
        context_depth=p.context_depth,
        decode_bytes_per_token=p.decode_bytes_per_token,
        decode_efficiency=p.decode_efficiency,
        prefill_efficiency=p.prefill_efficiency,
        tensor_parallel_size=p.tensor_parallel_size,
        layer_split=p.layer_split,
        notes=tuple(p.notes),
        dtype=p.precision if vllm else None,
        quant=None if vllm else p.precision,
        context=verdict.context if verdict is not None else None,
        max_concurrency=verdict.max_concurrency if verdict is not None else None,
        **bands,
    )


def run_prediction(
    resolved: ResolvedModel,
    hw: Hardware,
    d: Deployment,
    prompt_tokens: int,
    output_tokens: int,
    concurrency: int = 1,
    context_depth: int = 0,
    calibration=None,
    *,
    context_limit: int | None = None,
) -> speed.Prediction:
    """The speed model's prediction with the shipped efficiency factors."""
    return speed.predict(
        resolved.spec,
        hw,
        d,
        prompt_tokens,
        output_tokens,
        concurrency,
        context_depth,
        calibration,
        efficiency=efficiency(),
        context_limit=context_limit,
    )


def label(d: Deployment) -> str:
    if d.engine == "vllm":
        parts = ["vLLM", d.quantization or "", d.dtype]
        if d.tensor_parallel_size > 1:
            parts.append(f"TP{d.tensor_parallel_size}")
    else:
        parts = ["Ollama" if d.engine == "ollama" else "llama.cpp", d.quant or "", d.backend or ""]
        if d.layer_split > 1:
            parts.append(f"split x{d.layer_split}")
    return " ".join(p for p in parts if p)


def deployments_for(
    engine,
    dtype: str,
    quantization: str | None,
    quant: str | None,
    tp: int,
    backend: str | None,
    resolved: ResolvedModel,
    gpus: int = 1,
) -> list[Deployment]:
    """The deployments to predict. llama.cpp and Ollama get every GPU as a layer split: llama.cpp's default
    split mode (-sm layer) spreads the layers over all the devices it sees; Ollama's split is settled
    against its own placement in `ollama_split`."""
    out = []
    gguf_only = resolved.gguf is not None or resolved.source == "ollama-store"
    for e in parse_engines(engine):
        if e == "vllm":
            if gguf_only:
                continue
            dt = "fp16" if dtype in ("auto", "float16", "half") else dtype
            out.append(Deployment("vllm", None, dtype=dt, quantization=quantization, tensor_parallel_size=tp))
        else:
            q = quant or resolved.default_quant or (resolved.gguf.quant if resolved.gguf is not None else None)
            q = q or default_gguf_quant(resolved.spec)
            out.append(Deployment(e, backend, quant=q, layer_split=gpus))
    return out


def on_gpus(resolved: ResolvedModel, hw: Hardware, d: Deployment, contexts: Contexts | int | None) -> Deployment:
    """A setup without a parallel layout (compare's "model engine precision") placed on --gpus N as predict
    places its own: vLLM at the largest tensor parallel size the GPUs hold, llama.cpp and Ollama as a layer
    split over them, Ollama's settled by `ollama_split`; validated by check_deployment."""
    if hw.count > 1 and d.engine == "vllm":
        d = replace(d, tensor_parallel_size=auto_tensor_parallel(resolved.spec.num_attention_heads, hw.count))
    elif hw.count > 1:
        d = replace(d, layer_split=hw.count)
    return ollama_split(resolved, hw, check_deployment(resolved.spec, hw, d), contexts)


def ollama_split(resolved: ResolvedModel, hw: Hardware, d: Deployment, contexts: Contexts | int | None) -> Deployment:
    """Ollama loads a model on one GPU when it fits there whole, and spreads it over the GPUs only when it
    does not (its FAQ, "How does Ollama load models on multiple GPUs?"; ollama#4198 and #5635 since 0.1.33;
    OLLAMA_SCHED_SPREAD forces the spread)."""
    if d.engine != "ollama" or d.layer_split <= 1:
        return d
    one = replace(d, layer_split=1)
    return one if fit_verdict(resolved, Hardware(hw.profile, 1), one, contexts).fits else d


def parse_concurrency(levels) -> list[int]:
    """'1,4,16', an int or a list of ints -> sorted distinct levels, each 1 or more."""
    if isinstance(levels, int):
        values = [levels]
    elif isinstance(levels, str):
        try:
            values = [int(v) for v in levels.replace(" ", "").split(",") if v]
        except ValueError:
            raise UsageError(
                "--concurrency", levels, "not a list of whole numbers", hint="e.g. --concurrency 1,4,16"
            ) from None
    else:
        values = [int(v) for v in levels]
    if not values or min(values) < 1:
        raise UsageError("--concurrency", levels, "must be 1 or more", hint="e.g. --concurrency 1,4,16")
    if max(values) > 65536:
        raise UsageError("--concurrency", levels, "must be 65536 or fewer")
    return sorted(set(values))


def predict_model(
    model: str,
    *,
    hardware: str = "mi50-16gb",
    gpus: int = 1,
    engine=None,
    dtype: str = "auto",
    quantization: str | None = None,
    quant: str | None = None,
    max_model_len: int | None = None,
    ctx_size: int | None = None,
    num_ctx: int | None = None,
    tensor_parallel_size: int | None = None,
    backend: str | None = None,
    prompt_tokens: int = 32,
    output_tokens: int = 128,
    context_depth: int = 0,
    concurrency=1,
    offline: bool = False,
    calibration: bool = True,
    vllm: VllmOptions | None = None,
) -> PredictReport:
    from planner.sources.models import resolve_model

    if backend is not None and backend.lower() not in speed.BACKENDS:
        # one clear error for every engine, not a "nothing fits" folded over each deployment's rejection
        raise UsageError("--backend", backend, "unknown backend", hint="use " + ", ".join(speed.BACKENDS))
    hw = load_hardware(hardware, gpus)
    levels = parse_concurrency(concurrency)
    resolved = resolve_model(model, offline=offline)
    spec = resolved.spec
    tp = tensor_parallel_size or auto_tensor_parallel(spec.num_attention_heads, hw.count)
    deployments = deployments_for(engine, dtype, quantization, quant, tp, backend, resolved, hw.count)
    contexts = Contexts(max_model_len, ctx_size, num_ctx)
    cals = CalibrationUse(enabled=calibration)
    single = len(deployments) == 1
    predictions: list[Prediction] = []
    rejected: list[Rejection] = []
    for d in deployments:
        try:
            d = ollama_split(resolved, hw, check_deployment(spec, hw, d), contexts)
        except UsageError as exc:
            if single:
                raise
            rejected.append(Rejection(label(d), exc.message))
            continue
        verdict = fit_verdict(resolved, hw, d, contexts, cals, vllm)
        if not verdict.fits:
            if single:
                raise DoesNotFit(
                    f"{label(d)} does not fit on {hw.count} x {hw.profile.display_name}: {verdict.reason}",
                    hint=f"`mi50plan fit {model} --engine {d.engine}` shows the plan and what would fit; "
                    f"`mi50plan recommend {model}` ranks what does",
                )
            rejected.append(Rejection(label(d), verdict.reason, context=verdict.context))
            continue
        need = context_depth + prompt_tokens + output_tokens
        max_at_len = verdict.max_concurrency * verdict.context / max(1, need) if verdict.context else None
        for c in levels:
            why = level_does_not_fit(d, c, need, verdict, max_at_len)
            if why is not None:
                rejected.append(Rejection(label(d), why, concurrency=c, context=verdict.context))
                continue
            p = run_prediction(
                resolved,
                hw,
                d,
                prompt_tokens,
                output_tokens,
                c,
                context_depth,
                cals.speed(hw, d.engine, d.backend),
                context_limit=verdict.context,
            )
            predictions.append(to_prediction(p, verdict))
    if not predictions and not any(r.concurrency is not None for r in rejected):
        raise DoesNotFit(
            f"no deployment of {model} fits: " + "; ".join(f"{r.deployment}: {r.reason}" for r in rejected),
            hint="try --hardware with more memory, --gpus 2, or a smaller --quant",
        )
    return PredictReport(
        model=spec.model_id,
        hardware=hardware_info(hw),
        prompt_tokens=prompt_tokens,
        output_tokens=output_tokens,
        context_depth=context_depth,
        predictions=tuple(predictions),
        rejected=tuple(rejected),
        calibrations=cals.applied(),
    )


ENGINE_CONTEXT_FLAG = {"vllm": "--max-model-len", "llamacpp": "--ctx-size", "ollama": "--num-ctx"}


def level_does_not_fit(d: Deployment, concurrency: int, need: int, verdict: Verdict, max_at_len) -> str | None:
    """Why this many concurrent requests of `need` tokens do not fit the deployment's context or KV cache."""
    if verdict.context and need > verdict.context:
        return (
            f"a request of {need:,} tokens (depth + prompt + output) is beyond the context of {verdict.context:,}; "
            f"raise {ENGINE_CONTEXT_FLAG[d.engine]}"
        )
    if max_at_len is not None and concurrency > max_at_len:
        return (
            f"the KV cache holds {math.floor(max_at_len):,} requests of {need:,} tokens, not {concurrency:,} "
            f"({label(d)}: {verdict.kv_cache_tokens:,} KV tokens)"
        )
    return None


def prediction_label(p: Prediction) -> str:
    """A deployment's name from its prediction, as `label` names a Deployment."""
    if p.engine == "vllm":
        parts = ["vLLM", p.precision]
        if p.tensor_parallel_size > 1:
            parts.append(f"TP{p.tensor_parallel_size}")
    else:
        parts = ["Ollama" if p.engine == "ollama" else "llama.cpp", p.precision, p.backend or ""]
        if p.layer_split > 1:
            parts.append(f"split x{p.layer_split}")
    return " ".join(x for x in parts if x)


def concurrency_curves(report: PredictReport) -> ConcurrencyCurves:
    """Throughput and latency against concurrency per deployment: the predictions of `report`, grouped
    (the data `predict --plot` draws; a level that did not fit is left out, as in the table)."""
    groups: dict[str, list[Prediction]] = {}
    for p in report.predictions:
        groups.setdefault(prediction_label(p), []).append(p)
    series = tuple(
        ConcurrencySeries(
            label=name,
            engine=preds[0].engine,
            context=preds[0].context,
            points=tuple(
                ConcurrencyPoint(p.concurrency, p.throughput_tokens_per_s, p.ttft_s, p.tpot_s, p.e2e_s)
                for p in sorted(preds, key=lambda p: p.concurrency)
            ),
        )
        for name, preds in groups.items()
    )
    return ConcurrencyCurves(
        model=report.model,
        hardware=report.hardware,
        prompt_tokens=report.prompt_tokens,
        output_tokens=report.output_tokens,
        context_depth=report.context_depth,
        series=series,
    )
