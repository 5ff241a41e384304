"""Fit the speed model to the user's own runs, and vLLM memory corrections from a log (`calibrate`)."""

from __future__ import annotations

import statistics
from dataclasses import asdict, replace
from datetime import UTC, datetime
from pathlib import Path

from planner.core import measure
from planner.core.hardware import Hardware
from planner.engines.vllm import VllmOptions, plan_vllm
from planner.errors import UsageError
from planner.planning.context import hardware_info
from planner.planning.validate import (
    GIB,
    Context,
    ModelSettings,
    backend_of,
    context_for,
    predict_for,
    probe_blocks,
    vllm_context,
    with_log_settings,
)
from planner.results import CalibrationList, CalibrationResult

# Fit the KV-read factor only when the probed depths move the predicted TPOT by at least this share: with
# medians that wander about 5% between blocks, a smaller KV signal fits the noise (a 770-token prompt
# on Gemma 3 270M moves it 2.5%, and a two-term fit there gave KV factors of 0.07-0.9 run to run).
KV_SPREAD_MIN = 0.10
NEUTRAL = {"decode": 1.0, "prefill": 1.0, "kv": 1.0, "ttft_overhead_s": 0.0}


def _relative_misses(ctx: Context, points: list, cal: dict) -> float:
    """Sum of squared relative errors of the predicted TTFT and decode rate against the blocks' medians."""
    total = 0.0
    for _, _, b in points:
        pred = predict_for(ctx, b["prompt_tokens"], b["output_tokens"], 1, cal)
        pairs = ((pred.ttft_s, b["ttft_s"]["p50"]), (pred.decode_tokens_per_s, b["decode_tokens_per_s"]["p50"]))
        for predicted, measured in pairs:
            if measured:
                total += ((predicted - measured) / measured) ** 2
    return total


def fit_factors(contents: dict, ctx_for, probe_index: int | None) -> tuple[Context, dict, list[dict]]:
    """Fit the decode and KV-read factors, the prefill factor and the fixed TTFT overhead at concurrency 1."""
    points = []
    ctx = None
    for i, probe, block in probe_blocks(contents, probe_index):
        if block["concurrency"] != 1 or not block.get("prompt_tokens") or not block.get("output_tokens"):
            continue
        ctx = ctx or ctx_for(probe["server"])
        points.append((i, probe, block))
    if ctx is None:
        raise UsageError(
            "calibrate",
            None,
            "no successful concurrency-1 run with token counts in the file",
            hint="probe with --concurrency 1 (the default) and --save",
        )
    cal = dict(NEUTRAL)
    # predict() may be piecewise (weight-read bound vs compute bound): refit a few times from the
    # current factors so the final ones reproduce the measurements, not just the first linearisation.
    # Where a floor of predict() does not scale with a factor (an overhead-dominated TTFT), successive
    # refits can alternate between two states: keep the state that reproduces the measurements best.
    best: tuple[float, dict] | None = None
    for _ in range(6):
        weights_s, kv_s, mt_decode, prefill_s, mt_ttft = [], [], [], [], []
        # TPOT = weight read (depth-free: the TPOT after a 1-token prompt) + the KV read at a block's depth
        shallow = 1.0 / predict_for(ctx, 1, 2, 1, cal).decode_tokens_per_s
        for _, _, b in points:
            pred = predict_for(ctx, b["prompt_tokens"], b["output_tokens"], 1, cal)
            if b["decode_tokens_per_s"]["p50"]:
                weights_s.append(shallow)
                kv_s.append(max(0.0, 1.0 / pred.decode_tokens_per_s - shallow))
                mt_decode.append(1.0 / b["decode_tokens_per_s"]["p50"])
            if b["ttft_s"]["p50"]:
                prefill_s.append(pred.ttft_s - cal["ttft_overhead_s"])  # the predicted prefill time alone
                mt_ttft.append(b["ttft_s"]["p50"])
        if mt_decode:
            both = None
            tpot = [w + k for w, k in zip(weights_s, kv_s, strict=True)]
            # The KV term is only told apart from the noise of a median (about 5% here) when the blocks'
            # depths change the predicted TPOT by KV_SPREAD_MIN or more; else one decode scale.
            if (max(kv_s) - min(kv_s)) / statistics.fmean(tpot) >= KV_SPREAD_MIN:
                both = measure.fit_two_terms(weights_s, kv_s, mt_decode)
            if both is not None:  # time scales s_w, s_kv: decode /= s_w; the KV read's own factor s_w / s_kv
                cal["decode"] /= both[0]
                cal["kv"] *= both[0] / both[1]
            else:
                cal["decode"] /= measure.fit_scale(tpot, mt_decode)
        if mt_ttft:
            # TTFT = overhead + prefill time / prefill factor: a scale s on the prefill time divides the factor.
            overhead, scale = measure.fit_overhead_and_scale(prefill_s, mt_ttft)
            cal["prefill"] /= scale
            cal["ttft_overhead_s"] = overhead
        miss = _relative_misses(ctx, points, cal)
        if best is None or miss < best[0]:
            best = (miss, dict(cal))
    cal = best[1]
    sources: dict[int, dict] = {}
    for i, probe, b in points:
        entry = sources.setdefault(i, {"probe": i, "probed_at": probe.get("probed_at"), "blocks": []})
        entry["blocks"].append(f"{b['prompt_set']} c=1")
    return ctx, cal, list(sources.values())


def vllm_memory_correction(log: dict, ctx: Context, opts: VllmOptions) -> dict:
    """Measured minus planned bytes from a vLLM start-up log, planned without any stored correction.

    "Model loading took" corrects the load overhead; the rest of the KV miss (KV memory is the budget
    minus weights, activation and non-torch memory) corrects the other overheads."""
    if log.get("weights_gib") is None and log.get("kv_cache_gib") is None:
        raise UsageError(
            "--vllm-log",
            None,
            'the log has neither "Model loading took" nor "Available KV cache memory"',
            hint="pass the whole start-up log of `vllm serve`",
        )
    opts = replace(opts, max_model_len=opts.max_model_len or log.get("max_model_len"))
    plan = plan_vllm(ctx.resolved.spec, ctx.hw, opts, suggest=False)
    weights_delta = 0
    memory: dict = {}
    if log.get("weights_gib") is not None:
        weights_delta = int(round(log["weights_gib"] * GIB - plan.weights_bytes))
        memory["weights_delta_bytes"] = weights_delta
    if log.get("kv_cache_gib") is not None:
        kv_miss = int(round(plan.kv_cache_bytes - log["kv_cache_gib"] * GIB))
        memory["overhead_delta_bytes"] = kv_miss - weights_delta
    return memory


def _entry(cal) -> dict:
    return asdict(cal) | {"sources": list(cal.sources)}


def list_calibrations() -> CalibrationList:
    from planner.sources import calibration as calib

    return CalibrationList(tuple(_entry(c) for c in calib.load_all()), str(calib.path()))


def remove_calibrations(name: str | None) -> tuple[list[str], str]:
    """Remove one stored calibration by name, or all of them (name None); returns (removed, file)."""
    from planner.sources import calibration as calib
    from planner.sources.files import write_atomic

    return calib.remove(name, write_atomic), str(calib.path())


def calibrate_from(
    results: str | Path | None = None,
    *,
    vllm_log: str | Path | None = None,
    settings: ModelSettings = ModelSettings(),
    vllm: VllmOptions = VllmOptions(),
    probe_index: int | None = None,
    given: frozenset[str] = frozenset(),
) -> CalibrationResult:
    """Fit and store a calibration from probe results and/or a vLLM log; returns what was stored. A log settles the
    settings it states, as in `validate` (`given`: the option names the caller passed, which win)."""
    from planner.sources import calibration as calib
    from planner.sources import probe as probe_src
    from planner.sources import run_files
    from planner.sources.files import write_atomic

    if results is None and vllm_log is None:
        raise UsageError(
            "calibrate",
            None,
            "give a results file, --vllm-log LOG, --list or --remove NAME",
            hint="`mi50plan calibrate --help` shows examples",
        )
    factors: dict | None = None
    sources: list[dict] = []
    log = total = None
    if vllm_log is not None:  # the settings the log states: the correction is what they leave unexplained
        log = run_files.read_vllm_log(Path(vllm_log))
        settings, vllm, total, _ = with_log_settings(settings, vllm, log.get("settings", {}), given)
    if results is not None:
        from planner.planning.load_curve import fit_load_factors, load_probes

        contents = probe_src.read_results(Path(results))
        ctx_of = lambda server: context_for(settings, server)  # noqa: E731
        if load_probes(contents, probe_index):
            ctx, factors, sources = fit_load_factors(contents, ctx_of, probe_index, settings.slots)
        else:
            ctx, factors, sources = fit_factors(contents, ctx_of, probe_index)
        for s in sources:
            s["file"] = str(results)
    else:
        if settings.engine not in (None, "vllm"):
            raise UsageError("--engine", settings.engine, "a vLLM log calibrates vLLM", hint="leave --engine out")
        ctx = vllm_context(settings)
    memory = None
    if vllm_log is not None:
        if ctx.engine != "vllm":
            raise UsageError(
                "--vllm-log",
                str(vllm_log),
                f"the results file is from a {ctx.engine} server; a vLLM log calibrates vLLM",
                hint="calibrate the vLLM log on its own: mi50plan calibrate --vllm-log LOG --model MODEL",
            )
        opts = replace(
            vllm, dtype=settings.dtype, quantization=settings.quantization, max_model_len=settings.max_model_len
        )
        hw = ctx.hw
        if total:  # planned on the total the log's runtime saw, as validate plans it
            hw = Hardware(replace(hw.profile, memory_runtime_bytes=int(total * GIB)), hw.count)
        memory = vllm_memory_correction(log, replace(ctx, hw=hw) if hw is not ctx.hw else ctx, opts)
        memory["log"] = str(vllm_log)
    name = calib.key_for(ctx.hw.profile.name, ctx.engine, backend_of(ctx))
    old = next((c for c in calib.load_all() if c.name == name), None)
    if factors is None:  # a log alone keeps the speed factors stored before
        factors = old.factors() if old else dict(NEUTRAL)
        sources = list(old.sources) if old else []
    if memory is None and old is not None:  # probe results alone keep the memory corrections
        memory = old.memory
    cal = calib.Calibration(
        name=name,
        hardware=ctx.hw.profile.name,
        engine=ctx.engine,
        backend=backend_of(ctx),
        decode=factors["decode"],
        prefill=factors["prefill"],
        kv=factors["kv"],
        batch=factors.get("batch", 1.0),
        ttft_overhead_s=factors["ttft_overhead_s"],
        step_decode=factors.get("step_decode", 0.0),
        step_prefill=factors.get("step_prefill", 0.0),
        graph_build_s=factors.get("graph_build_s", 0.0),
        step_output_s=factors.get("step_output_s", 0.0),
        created_at=datetime.now(UTC).isoformat(timespec="seconds"),
        model=ctx.resolved.spec.model_id,
        sources=tuple(sources),
        points=sum(len(s.get("blocks", ())) for s in sources),
        memory=memory,
    )
    where = calib.save(cal, write_atomic)
    lines = ([cal.describe()] if cal.has_speed() else []) + ([cal.describe_memory()] if cal.vllm_memory() else [])
    return CalibrationResult(_entry(cal), str(where), "\n".join(lines), hardware_info(ctx.hw))
