"""`mi50plan validate` (predicted vs measured) and `mi50plan calibrate` (fit the user's factors)."""

from __future__ import annotations

import statistics
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated

import typer
from tabulate import tabulate

from planner.cli import options as o
from planner.cli.fit import CalibrationUse, load_hardware
from planner.cli.output import emit, note, write_atomic
from planner.core import measure
from planner.core.hardware import Hardware
from planner.engines.vllm import VllmOptions, plan_vllm
from planner.errors import UsageError
from planner.sources import calibration as calib
from planner.sources import probe as probe_src
from planner.sources import run_files
from planner.sources.models import ResolvedModel, resolve_model

GIB = 2**30
ENGINE_OF_KIND = {"vllm": "vllm", "ollama": "ollama", "llamacpp": "llamacpp"}

VALIDATE_HELP = """Compare predictions with measurements: a probe results file, a vLLM start-up log,
a `vllm bench serve` result, or llama-bench output.

Flags the file does not settle (model, engine, hardware, vLLM settings) are taken as in `fit` and
`predict`; a vLLM log does not name its model, so pass --model. A stored calibration for the same
hardware+engine+backend is used and named (--no-calibration to compare the raw model).

Examples:

  mi50plan validate results.json --hardware mi50-16gb

  mi50plan validate --vllm-log vllm-startup.log --model Qwen/Qwen2.5-1.5B-Instruct --dtype fp16

  mi50plan validate --llama-bench llama-bench.json --model ./model.gguf --hardware host
"""

CALIBRATE_HELP = """Fit the speed model to your own runs and use the fit in every later prediction.

From probe results: the decode factor, the prefill factor and a fixed per-request TTFT overhead
(probe several prompt lengths, e.g. short,medium,long, so the overhead can be told apart from the
prefill rate), and a KV-read factor when the prompts are long enough to show it. From a vLLM
start-up log: the memory corrections later vLLM plans on that hardware use. Stored per hardware +
engine + backend in the config directory; every output that uses one says so.

Examples:

  mi50plan calibrate results.json --hardware host

  mi50plan calibrate --vllm-log vllm-startup.log --model Qwen/Qwen2.5-1.5B-Instruct --dtype fp16

  mi50plan calibrate --list

  mi50plan calibrate --remove host/llamacpp/cpu
"""


@dataclass
class Context:
    """What a prediction needs besides the lengths."""

    resolved: ResolvedModel
    hw: Hardware
    engine: str
    backend: str | None
    dtype: str
    quantization: str | None
    context_limit: int | None


def _deployment(ctx: Context):
    from planner.core.speed import Deployment

    gguf = ctx.resolved.gguf
    return Deployment(
        engine=ctx.engine,
        backend=ctx.backend,
        dtype="fp16" if ctx.dtype == "auto" else ctx.dtype,
        quantization=ctx.quantization,
        quant=gguf.quant if gguf is not None else None,
        weights_bytes=gguf.tensor_bytes if gguf is not None else None,
    )


def predict_for(ctx: Context, prompt_tokens: int, output_tokens: int, concurrency: int, cal):
    from planner.core.speed import predict

    return predict(
        ctx.resolved.spec,
        ctx.hw,
        _deployment(ctx),
        max(1, round(prompt_tokens)),
        max(1, round(output_tokens)),
        concurrency,
        0,
        cal,
        context_limit=ctx.context_limit,
    )


def backend_of(ctx: Context) -> str:
    from planner.core.speed import default_backend

    return (ctx.backend or default_backend(ctx.engine, ctx.hw)).lower()


def comparison(metric: str, predicted: float | None, measured: float | None, unit: str, **where) -> dict:
    return {
        "metric": metric,
        "predicted": predicted,
        "measured": measured,
        "unit": unit,
        "error_pct": measure.error_pct(predicted, measured),
        **where,
    }


# ---------------------------------------------------------------- probe results


def _context(
    model: str | None,
    server: dict,
    engine: str | None,
    hardware: str,
    gpus: int,
    backend: str | None,
    dtype: str,
    quantization: str | None,
    max_model_len: int | None,
    offline: bool,
) -> Context:
    engine_name = engine or ENGINE_OF_KIND.get(server.get("kind", ""))
    if engine_name is None:
        raise UsageError(
            "--engine",
            None,
            f"the results come from a {server.get('kind')} server; which engine is it?",
            hint="pass --engine vllm, llamacpp or ollama",
        )
    model_name = model or server.get("model")
    if not model_name:
        raise UsageError("--model", None, "the results file names no model", hint="pass --model")
    # A name from the file is a model id, never a path; only --model may name a local file.
    resolved = resolve_model(model_name, offline=offline, local_paths=model is not None)
    hw = load_hardware(hardware, gpus)
    return Context(
        resolved,
        hw,
        engine_name,
        backend,
        dtype,
        quantization,
        max_model_len or server.get("max_model_len"),
    )


def _vllm_context(
    model: str | None,
    hardware: str,
    gpus: int,
    backend: str | None,
    dtype: str,
    quantization: str | None,
    max_model_len: int | None,
    offline: bool,
) -> Context:
    """The context of a vLLM start-up log, which does not name its model: --model must."""
    if not model:
        raise UsageError(
            "--model",
            None,
            "a vLLM log does not name its model",
            hint="pass the model vLLM served, e.g. --model Qwen/Qwen2.5-1.5B-Instruct",
        )
    server = {"kind": "vllm"}
    return _context(model, server, "vllm", hardware, gpus, backend, dtype, quantization, max_model_len, offline)


def _blocks(data: dict, probe_index: int | None) -> list[tuple[int, dict, dict]]:
    probes = data["probes"]
    if probe_index is not None:
        if not -len(probes) <= probe_index < len(probes):
            raise UsageError("--probe", probe_index, f"the file holds {len(probes)} probes")
        chosen = [(probe_index % len(probes), probes[probe_index])]
    else:
        chosen = list(enumerate(probes))
    return [(i, p, b) for i, p in chosen for b in p.get("summary", []) if b.get("ok")]


def compare_results(data: dict, ctx_for, cals: CalibrationUse, probe_index: int | None) -> list[dict]:
    out: list[dict] = []
    for i, probe, block in _blocks(data, probe_index):
        ctx = ctx_for(probe["server"])
        cal = cals.speed(ctx.hw, ctx.engine, backend_of(ctx))
        prompt_tokens = block.get("prompt_tokens")
        output_tokens = block.get("output_tokens")
        if not prompt_tokens or not output_tokens:
            continue
        conc = block["concurrency"]
        pred = predict_for(ctx, prompt_tokens, output_tokens, conc, cal)
        where = {
            "prompt_set": block["prompt_set"],
            "concurrency": conc,
            "probe": i,
            "prompt_tokens": round(prompt_tokens),
            "output_tokens": round(output_tokens),
        }
        out.append(comparison("ttft_s", pred.ttft_s, block["ttft_s"]["p50"], "s", **where))
        out.append(
            comparison(
                "decode_tokens_per_s",
                pred.decode_tokens_per_s,
                block["decode_tokens_per_s"]["p50"],
                "tok/s",
                **where,
            )
        )
        out.append(comparison("e2e_s", pred.e2e_s, block["e2e_s"]["p50"], "s", **where))
        if conc > 1:
            out.append(
                comparison(
                    "throughput_tokens_per_s",
                    pred.throughput_tokens_per_s,
                    block.get("aggregate_tokens_per_s"),
                    "tok/s",
                    **where,
                )
            )
    return out


# ---------------------------------------------------------------- vLLM log, bench, llama-bench


def compare_vllm_log(log: dict, ctx: Context, opts: VllmOptions) -> tuple[list[dict], dict]:
    plan = plan_vllm(ctx.resolved.spec, ctx.hw, opts)
    where = {"max_model_len": plan.max_model_len}
    rows = [
        comparison("weights_gib", plan.weights_bytes / GIB, log.get("weights_gib"), "GiB", **where),
        comparison("kv_cache_gib", plan.kv_cache_bytes / GIB, log.get("kv_cache_gib"), "GiB", **where),
        comparison("kv_cache_tokens", plan.kv_cache_tokens, log.get("kv_cache_tokens"), "tokens", **where),
        comparison("max_concurrency", plan.max_concurrency, log.get("max_concurrency"), "x", **where),
    ]
    return [r for r in rows if r["measured"] is not None], {"fits": plan.fits, "error": plan.error}


def compare_bench(bench: dict, ctx: Context, cal) -> list[dict]:
    conc = int(bench.get("max_concurrency") or 1)
    prompt, output = bench.get("mean_input_tokens"), bench.get("mean_output_tokens")
    if not prompt or not output:
        raise UsageError("--bench", None, "the result holds no input/output lengths")
    pred = predict_for(ctx, prompt, output, conc, cal)
    where = {"concurrency": conc, "prompt_tokens": round(prompt), "output_tokens": round(output)}
    rows = [
        comparison(
            "ttft_s", pred.ttft_s, bench.get("median_ttft_s") or bench.get("mean_ttft_s"), "s", **where
        ),
        comparison(
            "tpot_s", pred.tpot_s, bench.get("median_tpot_s") or bench.get("mean_tpot_s"), "s", **where
        ),
        comparison(
            "throughput_tokens_per_s",
            pred.throughput_tokens_per_s,
            bench.get("output_tokens_per_s"),
            "tok/s",
            **where,
        ),
    ]
    if bench.get("mean_e2e_s") is not None:
        rows.append(comparison("e2e_s", pred.e2e_s, bench["mean_e2e_s"], "s", **where))
    return [r for r in rows if r["measured"] is not None]


def compare_llama_bench(rows: list[dict], ctx: Context, cal) -> list[dict]:
    out = []
    for row in rows:
        depth = row["n_depth"]
        from planner.core.speed import predict

        if row["n_prompt"] and not row["n_gen"]:
            pred = predict(
                ctx.resolved.spec,
                ctx.hw,
                _deployment(ctx),
                row["n_prompt"],
                1,
                1,
                depth,
                cal,
                context_limit=None,
            )
            out.append(
                comparison(
                    "prefill_tokens_per_s",
                    pred.prefill_tokens_per_s,
                    row["tokens_per_s"],
                    "tok/s",
                    test=row["test"],
                )
            )
        elif row["n_gen"] and not row["n_prompt"]:
            # llama-bench's tg test decodes n_gen tokens after an empty prompt (1 token) at depth d.
            pred = predict(
                ctx.resolved.spec,
                ctx.hw,
                _deployment(ctx),
                1,
                row["n_gen"],
                1,
                depth,
                cal,
                context_limit=None,
            )
            out.append(
                comparison(
                    "decode_tokens_per_s",
                    pred.decode_tokens_per_s,
                    row["tokens_per_s"],
                    "tok/s",
                    test=row["test"],
                )
            )
    return out


# ---------------------------------------------------------------- rendering


def _num(value: float | None, unit: str) -> str:
    if value is None:
        return "-"
    if unit == "tokens":
        return f"{value:,.0f}"
    return f"{value:.4g}"


def _label(c: dict) -> str:
    if "prompt_set" in c:
        return f"{c['prompt_set']} c={c['concurrency']} ({c['prompt_tokens']} in, {c['output_tokens']} out)"
    if "test" in c:
        return c["test"]
    if "max_model_len" in c:
        return f"max-model-len {c['max_model_len']:,}"
    return f"c={c.get('concurrency', 1)} ({c.get('prompt_tokens')} in, {c.get('output_tokens')} out)"


def bar_chart(comparisons: list[dict], width: int = 30) -> str:
    """Predicted (▒) and measured (█) side by side, each pair scaled to its larger value."""
    lines = []
    for c in comparisons:
        p, m = c["predicted"], c["measured"]
        if p is None or m is None or max(abs(p), abs(m)) == 0:
            continue
        top = max(abs(p), abs(m))
        err = c["error_pct"]
        lines.append(f"{c['metric']}  {_label(c)}")
        lines.append(
            f"  predicted {'▒' * round(width * abs(p) / top):<{width}} {_num(p, c['unit'])} {c['unit']}"
        )
        lines.append(
            f"  measured  {'█' * round(width * abs(m) / top):<{width}} {_num(m, c['unit'])} {c['unit']}"
            + (f"   {err:+.1f}%" if err is not None else "")
        )
    return "\n".join(lines)


def render_validate(data: dict) -> str:
    rows = [
        [
            c["metric"],
            _label(c),
            _num(c["predicted"], c["unit"]),
            _num(c["measured"], c["unit"]),
            c["unit"],
            "-" if c["error_pct"] is None else f"{c['error_pct']:+.1f}%",
        ]
        for c in data["comparisons"]
    ]
    out = [
        f"validating {data['source']}: {data.get('model') or '-'} on {data.get('hardware') or '-'}"
        + (f", {data['engine']}" if data.get("engine") else "")
    ]
    out += [f"  {line}" for line in data.get("calibrations_used", [])]
    out.append("")
    out.append(
        tabulate(
            rows,
            headers=["metric", "where", "predicted", "measured", "unit", "error"],
            tablefmt="simple",
            disable_numparse=True,
        )
    )
    chart = bar_chart(data["comparisons"])
    if chart:
        out += ["", "▒ predicted  █ measured", chart]
    if data.get("plan_error"):
        out.append(f"\nthe plan says vLLM would raise: {data['plan_error']}")
    return "\n".join(out)


# ---------------------------------------------------------------- commands


BackendOpt = Annotated[
    str | None,
    typer.Option("--backend", help="rocm, vulkan, cuda or cpu (default: the engine's own on this hardware)."),
]
ModelOpt = Annotated[str | None, typer.Option("--model", help="Model (default: the one the results name).")]
EngineOverride = Annotated[
    str | None, typer.Option("--engine", help="vllm, llamacpp or ollama (default: from the server kind).")
]


def validate_command(
    results: Annotated[
        Path | None, typer.Argument(help="A results file from `mi50plan probe --save`.")
    ] = None,
    vllm_log: Annotated[Path | None, typer.Option("--vllm-log", help="A vLLM start-up log.")] = None,
    bench: Annotated[
        Path | None, typer.Option("--bench", help="`vllm bench serve --save-result` JSON.")
    ] = None,
    llama_bench: Annotated[
        Path | None, typer.Option("--llama-bench", help="llama-bench -o json or -o md.")
    ] = None,
    model: ModelOpt = None,
    engine: EngineOverride = None,
    backend: BackendOpt = None,
    hardware: o.HardwareOpt = "mi50-16gb",
    gpus: o.GpusOpt = 1,
    dtype: o.DtypeOpt = "auto",
    quantization: o.QuantizationOpt = None,
    max_model_len: o.MaxModelLenOpt = None,
    gpu_memory_utilization: o.UtilOpt = 0.9,
    tensor_parallel_size: o.TpOpt = 1,
    kv_cache_dtype: o.KvDtypeOpt = "auto",
    max_num_seqs: o.MaxSeqsOpt = None,
    max_num_batched_tokens: o.MaxBatchedOpt = None,
    probe_index: Annotated[
        int | None, typer.Option("--probe", help="Only this probe of the file (0 = first, -1 = last).")
    ] = None,
    no_calibration: o.NoCalibrationOpt = False,
    offline: o.OfflineOpt = False,
    as_json: o.JsonOpt = False,
) -> None:
    given = [x for x in (results, vllm_log, bench, llama_bench) if x is not None]
    if len(given) != 1:
        raise UsageError(
            "validate",
            len(given),
            "give exactly one of RESULTS, --vllm-log, --bench, --llama-bench",
            hint="`mi50plan validate --help` shows examples",
        )
    cals = CalibrationUse(enabled=not no_calibration)
    data: dict = {"hardware": hardware}
    if vllm_log is not None:
        log = run_files.read_vllm_log(vllm_log)
        length = max_model_len or log.get("max_model_len")
        ctx = _vllm_context(model, hardware, gpus, backend, dtype, quantization, length, offline)
        opts = VllmOptions(
            dtype=dtype,
            quantization=quantization,
            max_model_len=length,
            gpu_memory_utilization=gpu_memory_utilization,
            tensor_parallel_size=tensor_parallel_size,
            kv_cache_dtype=kv_cache_dtype,
            max_num_seqs=max_num_seqs,
            max_num_batched_tokens=max_num_batched_tokens,
        )
        comps, plan = compare_vllm_log(log, ctx, cals.vllm(opts, ctx.hw))
        data.update(
            source=str(vllm_log),
            model=ctx.resolved.spec.model_id,
            engine="vllm",
            log=log,
            plan_error=plan["error"],
            calibrations_used=cals.applied(),
            comparisons=comps,
        )
    elif results is not None:
        contents = probe_src.read_results(results)

        def ctx_for(server: dict) -> Context:
            return _context(
                model, server, engine, hardware, gpus, backend, dtype, quantization, max_model_len, offline
            )

        comps = compare_results(contents, ctx_for, cals, probe_index)
        first = contents["probes"][0]["server"] if contents["probes"] else {}
        data.update(
            source=str(results),
            model=model or first.get("model"),
            engine=engine or ENGINE_OF_KIND.get(first.get("kind", "")),
            calibrations_used=cals.applied(),
            comparisons=comps,
        )
    else:
        is_bench = bench is not None
        parsed = run_files.read_vllm_bench(bench) if is_bench else run_files.read_llama_bench(llama_bench)
        name = model or (parsed.get("model") if is_bench else parsed[0].get("model_file"))
        if not name:
            raise UsageError(
                "--model",
                None,
                "the file does not name a model the planner can load",
                hint="pass --model (Hub id, config folder or .gguf file)",
            )
        server = {"kind": "vllm" if is_bench else "llamacpp", "model": name}
        ctx = _context(
            model, server, engine, hardware, gpus, backend, dtype, quantization, max_model_len, offline
        )
        cal = cals.speed(ctx.hw, ctx.engine, backend_of(ctx))
        comps = compare_bench(parsed, ctx, cal) if is_bench else compare_llama_bench(parsed, ctx, cal)
        data.update(
            source=str(bench or llama_bench),
            model=ctx.resolved.spec.model_id,
            engine=ctx.engine,
            calibrations_used=cals.applied(),
            comparisons=comps,
        )
    if not data["comparisons"]:
        note("nothing to compare: no successful measurement in the file")
    emit(data, as_json, render_validate)


# Fit the KV-read factor only when the probed depths move the predicted TPOT by at least this share: with
# medians that wander about 5% between blocks, a smaller KV signal fits the noise (a 770-token prompt
# on Gemma 3 270M moves it 2.5%, and a two-term fit there gave KV factors of 0.07-0.9 run to run).
KV_SPREAD_MIN = 0.10


def _fit(contents: dict, ctx_for, probe_index: int | None) -> tuple[Context, dict, list[dict]]:
    """Fit the decode and KV-read factors, the prefill factor and the fixed TTFT overhead at concurrency 1."""
    points = []
    ctx = None
    for i, probe, block in _blocks(contents, probe_index):
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
    cal = {"decode": 1.0, "prefill": 1.0, "kv": 1.0, "ttft_overhead_s": 0.0}
    # predict() may be piecewise (weight-read bound vs compute bound): refit a few times from the
    # current factors so the final ones reproduce the measurements, not just the first linearisation.
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
    sources: dict[int, dict] = {}
    for i, probe, b in points:
        entry = sources.setdefault(i, {"probe": i, "probed_at": probe.get("probed_at"), "blocks": []})
        entry["blocks"].append(f"{b['prompt_set']} c=1")
    return ctx, cal, list(sources.values())


def calibrate_command(
    results: Annotated[
        Path | None, typer.Argument(help="A results file from `mi50plan probe --save`.")
    ] = None,
    list_: Annotated[bool, typer.Option("--list", help="Show the stored calibrations.")] = False,
    remove: Annotated[
        str | None, typer.Option("--remove", help="Remove one calibration by name, or 'all'.")
    ] = None,
    vllm_log: Annotated[
        Path | None,
        typer.Option("--vllm-log", help="Also store vLLM memory corrections from this start-up log."),
    ] = None,
    model: ModelOpt = None,
    engine: EngineOverride = None,
    backend: BackendOpt = None,
    hardware: o.HardwareOpt = "mi50-16gb",
    gpus: o.GpusOpt = 1,
    dtype: o.DtypeOpt = "auto",
    quantization: o.QuantizationOpt = None,
    max_model_len: o.MaxModelLenOpt = None,
    probe_index: Annotated[int | None, typer.Option("--probe", help="Only this probe of the file.")] = None,
    offline: o.OfflineOpt = False,
    as_json: o.JsonOpt = False,
) -> None:
    if list_:
        entries = [c.__dict__ | {"sources": list(c.sources)} for c in calib.load_all()]
        emit({"calibrations": entries, "file": str(calib.path())}, as_json, _render_list)
        return
    if remove is not None:
        gone = calib.remove(None if remove == "all" else remove, write_atomic)
        emit(
            {"removed": gone, "file": str(calib.path())},
            as_json,
            lambda d: "removed: " + (", ".join(d["removed"]) or "nothing"),
        )
        return
    if results is None and vllm_log is None:
        raise UsageError(
            "calibrate",
            None,
            "give a results file, --vllm-log LOG, --list or --remove NAME",
            hint="`mi50plan calibrate --help` shows examples",
        )
    factors: dict | None = None
    sources: list[dict] = []
    if results is not None:
        contents = probe_src.read_results(results)

        def ctx_for(server: dict) -> Context:
            return _context(
                model, server, engine, hardware, gpus, backend, dtype, quantization, max_model_len, offline
            )

        ctx, factors, sources = _fit(contents, ctx_for, probe_index)
        for s in sources:
            s["file"] = str(results)
    else:
        if engine not in (None, "vllm"):
            raise UsageError("--engine", engine, "a vLLM log calibrates vLLM", hint="leave --engine out")
        ctx = _vllm_context(model, hardware, gpus, backend, dtype, quantization, max_model_len, offline)
    memory = None
    if vllm_log is not None:
        if ctx.engine != "vllm":
            raise UsageError(
                "--vllm-log",
                str(vllm_log),
                f"the results file is from a {ctx.engine} server; a vLLM log calibrates vLLM",
                hint="calibrate the vLLM log on its own: mi50plan calibrate --vllm-log LOG --model MODEL",
            )
        memory = vllm_memory_correction(run_files.read_vllm_log(vllm_log), ctx, dtype, quantization, max_model_len)
        memory["log"] = str(vllm_log)
    name = calib.key_for(ctx.hw.profile.name, ctx.engine, backend_of(ctx))
    old = next((c for c in calib.load_all() if c.name == name), None)
    if factors is None:  # a log alone keeps the speed factors stored before
        factors = old.factors() if old else {"decode": 1.0, "prefill": 1.0, "kv": 1.0, "ttft_overhead_s": 0.0}
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
        ttft_overhead_s=factors["ttft_overhead_s"],
        created_at=datetime.now(UTC).isoformat(timespec="seconds"),
        model=ctx.resolved.spec.model_id,
        sources=tuple(sources),
        points=sum(len(s.get("blocks", ())) for s in sources),
        memory=memory,
    )
    where = calib.save(cal, write_atomic)
    note(f"stored in {where}")
    lines = ([cal.describe()] if cal.has_speed() else []) + ([cal.describe_memory()] if cal.vllm_memory() else [])
    emit(
        {
            "calibration": cal.__dict__ | {"sources": list(cal.sources)},
            "file": str(where),
            "describe": "\n".join(lines),
        },
        as_json,
        lambda d: d["describe"],
    )


def vllm_memory_correction(
    log: dict, ctx: Context, dtype: str, quantization: str | None, max_model_len: int | None
) -> dict:
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
    opts = VllmOptions(dtype=dtype, quantization=quantization, max_model_len=max_model_len or log.get("max_model_len"))
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


def _render_list(data: dict) -> str:
    if not data["calibrations"]:
        return f"no calibrations stored ({data['file']})"
    rows = [
        [
            c["name"],
            f"{c['decode']:.3f}",
            f"{c.get('kv', 1.0):.3f}",
            f"{c['prefill']:.3f}",
            f"{c.get('ttft_overhead_s', 0.0) * 1000:.1f}",
            c.get("model") or "-",
            c["points"],
            c["created_at"],
        ]
        for c in data["calibrations"]
    ]
    return (
        tabulate(
            rows,
            headers=["name", "decode x", "KV read x", "prefill x", "TTFT + ms", "model", "points", "created"],
            tablefmt="simple",
            disable_numparse=True,
        )
        + f"\n({data['file']})"
    )


def register(app: typer.Typer) -> None:
    app.command("validate", help=VALIDATE_HELP)(validate_command)
    app.command("calibrate", help=CALIBRATE_HELP)(calibrate_command)
