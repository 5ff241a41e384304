"""Which deployment should serve a model on this hardware (the `recommend` use case)."""

from __future__ import annotations

import math
import re
from dataclasses import replace

from planner.core.gguf_quant import gguf_quants_to_try
from planner.core.hardware import Hardware
from planner.core.speed import Deployment, check_deployment
from planner.engines.vllm import VllmOptions
from planner.errors import UsageError
from planner.planning.context import CalibrationUse, hardware_info, load_hardware
from planner.planning.launch import launch_command
from planner.planning.predict import Contexts, fit_verdict, label, run_prediction, to_prediction
from planner.results import Candidate, ModelCandidates, Recommendation, Rejection, Winner
from planner.sources.resolved import ResolvedModel

GOALS = ("latency", "throughput", "context", "largest")
# Bits per weight as the quality order recommend uses (higher is closer to the checkpoint).
QUALITY_BITS = {
    "fp16": 16,
    "F16": 16,
    "Q8_0": 8.5,
    "int8": 8,
    "Q6_K": 6.56,
    "Q5_K_M": 5.7,
    "Q4_K_M": 4.89,
    "gptq": 4.16,
    "awq": 4.16,
    "Q4_0": 4.5,
}


def parse_latency(text) -> float | None:
    """'2s', '1500ms', or a number of seconds -> seconds (positive, finite)."""
    if text is None:
        return None
    if isinstance(text, (int, float)) and not isinstance(text, bool):
        value = float(text)
    else:
        m = re.fullmatch(r"\s*([0-9]+(?:\.[0-9]+)?|\.[0-9]+)\s*(ms|s)?\s*", str(text))
        if not m:
            raise UsageError("--max-latency", text, "not a duration", hint="e.g. 2s or 1500ms")
        value = float(m.group(1)) / (1000 if m.group(2) == "ms" else 1)
    if not (value > 0 and math.isfinite(value)):
        raise UsageError("--max-latency", text, "must be a positive duration", hint="e.g. 2s or 1500ms")
    return value


def _gguf_quants(resolved: ResolvedModel, usual: tuple[str, ...]) -> list[str]:
    """The GGUF types to try: a GGUF file's own; the type a checkpoint is published in where its other GGUF types
    differ only in name (gpt-oss: MXFP4, gguf_quant.native_gguf_quant); else the usual ones."""
    return [resolved.gguf.quant] if resolved.gguf is not None else gguf_quants_to_try(resolved.spec, usual)


def candidates(resolved: ResolvedModel, hw: Hardware) -> list[Deployment]:
    """vLLM fp16 and int4/int8, llama.cpp and Ollama GGUF quants, TP or layer split over the GPUs."""
    spec = resolved.spec
    out: list[Deployment] = []
    tps = [t for t in (1, 2, 4, 8) if t <= hw.count and spec.num_attention_heads % t == 0]
    gguf_only = resolved.gguf is not None or resolved.source == "ollama-store"
    if not gguf_only:
        for tp in tps:
            out.append(Deployment("vllm", dtype="fp16", tensor_parallel_size=tp))
            if spec.quant is not None:
                continue
            for q in ("gptq", "awq", "int8"):
                out.append(Deployment("vllm", dtype="fp16", quantization=q, tensor_parallel_size=tp))
    splits = [1] + ([hw.count] if hw.count > 1 else [])
    support = hw.profile.engine("llamacpp")
    backends = [
        b
        for b in (support.backends or ["rocm" if hw.profile.platform == "rocm" else hw.profile.platform])
        if b != "cpu" or hw.profile.platform == "cpu"
    ]
    quants = _gguf_quants(resolved, ("Q4_0", "Q4_K_M", "Q5_K_M", "Q6_K", "Q8_0", "F16"))
    for ls in splits:
        for b in backends:
            for q in quants:
                out.append(Deployment("llamacpp", b, quant=q, layer_split=ls))
        for q in _gguf_quants(resolved, ("Q4_K_M", "Q4_0", "Q8_0", "F16")):
            out.append(Deployment("ollama", None, quant=q, layer_split=ls))
    return out


def evaluate(
    resolved: ResolvedModel,
    hw: Hardware,
    contexts: Contexts | int | None,
    prompt: int,
    output: int,
    cals: CalibrationUse | None = None,
    vllm: VllmOptions | None = None,
) -> list[Candidate]:
    """Every candidate deployment: its fit verdict and, when it fits, its (calibrated) prediction."""
    rows: list[Candidate] = []
    spec = resolved.spec
    for d in candidates(resolved, hw):
        try:
            d = check_deployment(spec, hw, d)
        except UsageError as exc:
            rows.append(Candidate(label(d), d.engine, False, exc.message))
            continue
        verdict = fit_verdict(resolved, hw, d, contexts, cals, vllm)
        if not verdict.fits:
            rows.append(Candidate(label(d), d.engine, False, verdict.reason, context=verdict.context, spec=d))
            continue
        if prompt + output > verdict.context:
            why = f"prompt + output ({prompt + output:,} tokens) is beyond its context of {verdict.context:,}"
            rows.append(Candidate(label(d), d.engine, False, why, context=verdict.context, spec=d))
            continue
        try:
            cal = cals.speed(hw, d.engine, d.backend) if cals is not None else None
            p = run_prediction(resolved, hw, d, prompt, output, 1, 0, cal, context_limit=verdict.context)
        except UsageError as exc:
            rows.append(Candidate(label(d), d.engine, False, exc.message, spec=d))
            continue
        need = prompt + output
        max_conc = max(1, math.floor(verdict.max_concurrency * verdict.context / need)) if d.engine == "vllm" else 1
        top = min(max_conc, 256)
        busy = run_prediction(resolved, hw, d, prompt, output, top, 0, cal, context_limit=verdict.context)
        rows.append(
            Candidate(
                label(d),
                d.engine,
                True,
                prediction=to_prediction(p, verdict),
                context=verdict.context,
                kv_cache_tokens=verdict.kv_cache_tokens,
                max_concurrency=top,
                throughput_tokens_per_s=busy.throughput_tokens_per_s,
                quality_bits=QUALITY_BITS.get(d.quantization or d.quant or d.dtype, 4.5),
                spec=d,
            )
        )
    return rows


def rank(rows: list[Candidate], goal: str, max_latency: float | None) -> list[Candidate]:
    fit = []
    for r in rows:
        if not r.fits:
            continue
        meets = max_latency is None or r.prediction.e2e_s.value <= max_latency
        reason = None if meets else f"fits, but predicted e2e {r.prediction.e2e_s.value:.2f} s > {max_latency:g} s"
        fit.append(replace(r, meets_goal=meets, reason=reason))

    def e2e(r: Candidate) -> float:
        return r.prediction.e2e_s.value

    if goal == "throughput":
        key = lambda r: (not r.meets_goal, -r.throughput_tokens_per_s)  # noqa: E731
    elif goal == "context":
        key = lambda r: (not r.meets_goal, -r.kv_cache_tokens, e2e(r))  # noqa: E731
    elif goal == "latency" and max_latency is None:
        key = e2e
    else:  # a latency target (or the largest model): the best quality that meets it, then the fastest
        key = lambda r: (not r.meets_goal, -r.quality_bits, e2e(r))  # noqa: E731
    return sorted(fit, key=key)


def recommend_models(
    model: str | None = None,
    *,
    family: str | None = None,
    goal: str = "latency",
    max_latency=None,
    hardware: str = "mi50-16gb",
    gpus: int = 1,
    max_model_len: int | None = None,
    ctx_size: int | None = None,
    num_ctx: int | None = None,
    prompt_tokens: int = 32,
    output_tokens: int = 128,
    offline: bool = False,
    calibration: bool = True,
    vllm: VllmOptions | None = None,
) -> Recommendation:
    from planner.core.tensors import count_params
    from planner.sources import catalog
    from planner.sources.models import resolve_model

    goal = goal.lower()
    if goal not in GOALS:
        raise UsageError("--goal", goal, "unknown goal", hint="use latency, throughput, context or largest")
    if (model is None) == (family is None):
        raise UsageError(
            "MODEL",
            model or "-",
            "give a model or --family, not both or neither",
            hint="e.g. mi50plan recommend --family qwen2.5 --hardware mi50-16gb",
        )
    latency = parse_latency(max_latency)
    hw = load_hardware(hardware, gpus)
    if family is not None:
        fam = family.lower().replace(" ", "")
        ids = [
            i for i in catalog.catalog_ids() if fam and fam in i.lower().replace(" ", "") and "gptq" not in i.lower()
        ]
        if not ids:
            raise UsageError("--family", family, "no catalog model matches", hint="`mi50plan models` lists the catalog")
        goal = "largest" if goal == "latency" and latency is None else goal
    else:
        ids = [model]
    cals = CalibrationUse(enabled=calibration)
    models: list[ModelCandidates] = []
    for mid in ids:
        resolved = resolve_model(mid, offline=offline or family is not None)
        contexts = Contexts(max_model_len, ctx_size, num_ctx)
        rows = evaluate(resolved, hw, contexts, prompt_tokens, output_tokens, cals, vllm)
        ranked = rank(rows, goal, latency)
        launched = tuple(
            replace(r, launch=launch_command(resolved.spec.model_id, r.spec, r.context, hw, resolved.spec))
            if r.meets_goal
            else r
            for r in ranked
        )
        rejected = [Rejection(r.deployment, r.reason) for r in rows if not r.fits]
        rejected += [Rejection(r.deployment, r.reason) for r in ranked if not r.meets_goal]
        models.append(
            ModelCandidates(resolved.spec.model_id, count_params(resolved.spec).total, launched, tuple(rejected))
        )
    winner = None
    order = sorted(models, key=lambda m: -m.parameters) if family is not None else models
    for m in order:
        best = next((r for r in m.ranked if r.meets_goal), None)
        if best is not None:
            winner = Winner(
                model=m.model,
                deployment=best.deployment,
                engine=best.engine,
                e2e_s=best.prediction.e2e_s.value,
                decode_tokens_per_s=best.prediction.decode_tokens_per_s.value,
                launch=best.launch,
            )
            break
    return Recommendation(
        goal=goal,
        max_latency_s=latency,
        prompt_tokens=prompt_tokens,
        output_tokens=output_tokens,
        hardware=hardware_info(hw),
        models=tuple(models),
        winner=winner,
        calibrations=cals.applied(),
    )
