"""Predictions against measurements: probe results, vLLM logs, `vllm bench` and llama-bench (`validate`)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from planner.core.hardware import Hardware
from planner.engines.vllm import VllmOptions, plan_vllm
from planner.errors import UsageError
from planner.planning.comparing import backend_of, chosen_probes, comparison, deployment_of
from planner.planning.context import CalibrationUse, hardware_info, load_hardware
from planner.planning.predict import run_prediction
from planner.results import MetricComparison, Validation
from planner.sources.resolved import ResolvedModel

if TYPE_CHECKING:
    from planner.sources.llamacpp_log import LlamaCppLog

GIB = 2**30
ENGINE_OF_KIND = {"vllm": "vllm", "ollama": "ollama", "llamacpp": "llamacpp"}


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


@dataclass(frozen=True)
class ModelSettings:
    """The flags a measurement file does not settle, as in `fit` and `predict`."""

    model: str | None = None
    engine: str | None = None
    backend: str | None = None
    hardware: str = "mi50-16gb"
    gpus: int = 1
    dtype: str = "auto"
    quantization: str | None = None
    max_model_len: int | None = None
    offline: bool = False
    slots: int | None = None  # llama-server -np / OLLAMA_NUM_PARALLEL / vLLM max_num_seqs of a load probe


def predict_for(ctx: Context, prompt_tokens: float, output_tokens: float, concurrency: int, cal, depth: int = 0):
    return run_prediction(
        ctx.resolved,
        ctx.hw,
        deployment_of(ctx),
        max(1, round(prompt_tokens)),
        max(1, round(output_tokens)),
        concurrency,
        depth,
        cal,
        context_limit=ctx.context_limit,
    )


def model_id_from_file(name: object, where: str) -> str:
    """A model named inside a results or bench file is a model id, never a path (the file is not trusted)."""
    text = str(name) if isinstance(name, str) else ""
    looks_like_path = (
        not text
        or len(text) > 200
        or text.startswith(("/", ".", "~", "\\"))
        or ".." in text
        or "\x00" in text
        or "\\" in text
        or text.lower().endswith((".gguf", ".json"))
    )
    if looks_like_path:
        raise UsageError(
            "--model",
            None,
            f"{where} names the model {text[:80]!r}: a name read from a file is a model id, not opened as a path",
            hint="pass --model (a Hub id, a config folder or a .gguf file) on the command line",
        )
    return text


def context_for(settings: ModelSettings, server: dict, model: str | None = None) -> Context:
    from planner.sources.models import resolve_model

    engine_name = settings.engine or ENGINE_OF_KIND.get(server.get("kind", ""))
    if engine_name is None:
        raise UsageError(
            "--engine",
            None,
            f"the results come from a {server.get('kind')} server; which engine is it?",
            hint="pass --engine vllm, llamacpp or ollama",
        )
    model_name = model or settings.model
    if not model_name:
        if not server.get("model"):
            raise UsageError("--model", None, "the results file names no model", hint="pass --model")
        model_name = model_id_from_file(server.get("model"), "the results file")
    resolved = resolve_model(model_name, offline=settings.offline)
    hw = load_hardware(settings.hardware, settings.gpus)
    return Context(
        resolved,
        hw,
        engine_name,
        settings.backend,
        settings.dtype,
        settings.quantization,
        settings.max_model_len or server.get("max_model_len"),
    )


def vllm_context(settings: ModelSettings) -> Context:
    """The context of a vLLM start-up log: its model is --model, else the one the log's config line names."""
    if not settings.model:
        raise UsageError(
            "--model",
            None,
            "the vLLM log names no model (no 'with config: model=...' or 'non-default args' line)",
            hint="pass the model vLLM served, e.g. --model Qwen/Qwen2.5-1.5B-Instruct",
        )
    from dataclasses import replace

    return context_for(replace(settings, engine="vllm"), {"kind": "vllm"})


# vLLM's --quantization values as the log's config line prints them, read as the planner's methods.
LOG_QUANTIZATION = {"awq": "awq", "awq_marlin": "awq", "gptq": "gptq", "gptq_marlin": "gptq", "fp8": "fp8"}
# VllmOptions fields a log fills when the caller left them at their defaults.
LOG_OPTIONS = (
    "max_model_len",
    "gpu_memory_utilization",
    "max_num_seqs",
    "max_num_batched_tokens",
    "kv_cache_memory_bytes",
    "block_size",
    "enforce_eager",
    "pipeline_parallel_size",
)


def hub_id_from_log(name: str) -> str:
    """The Hub id of a model a vLLM log names: a Hugging Face cache folder (`.../models--Qwen--Qwen2-0.5B/...`) is read
    as Qwen/Qwen2-0.5B; anything else must be an id (model_id_from_file refuses a path)."""
    from planner.sources.models import cache_repo_id

    return cache_repo_id(name) or model_id_from_file(name, "the vLLM log")


def with_log_settings(
    settings: ModelSettings, vllm: VllmOptions, stated: dict, given: frozenset[str]
) -> tuple[ModelSettings, VllmOptions, float | None, tuple[str, ...]]:
    """The flags a vLLM log settles: every setting the caller did not give (`given`: the option names passed) takes the
    value the log states (planner.sources.run_files.parse_vllm_settings); flags given win. Returns the settings, the
    vLLM options, the runtime total in GiB the log states (or None) and a line per value taken from the log."""
    from dataclasses import replace

    from planner.engines.vllm import version_key

    used: list[str] = []
    model_fields: dict = {}
    opts: dict = {}
    if "model" not in given and stated.get("model"):
        model_fields["model"] = hub_id_from_log(stated["model"])
        used.append(f"model {model_fields['model']}")
    if "dtype" not in given and stated.get("dtype"):
        model_fields["dtype"] = opts["dtype"] = stated["dtype"]
        used.append(f"dtype {stated['dtype']}")
    quant = LOG_QUANTIZATION.get(stated.get("quantization", ""))
    if "quantization" not in given and quant:
        model_fields["quantization"] = opts["quantization"] = quant
        used.append(f"quantization {quant}")
    if "vllm_version" not in given and stated.get("vllm_release"):
        try:
            version_key(stated["vllm_release"])
            opts["vllm_version"] = stated["vllm_release"]
            used.append(f"vLLM {stated['vllm_release']}")
        except UsageError:
            release = stated["vllm_release"]
            used.append(f"vLLM {release} (not a release mi50plan models: planned as --vllm-version auto)")
    if "tensor_parallel_size" not in given and stated.get("tensor_parallel_size"):
        opts["tensor_parallel_size"] = stated["tensor_parallel_size"]
        used.append(f"tensor-parallel-size {stated['tensor_parallel_size']}")
    if "kv_cache_dtype" not in given and stated.get("kv_cache_dtype", "auto") != "auto":
        opts["kv_cache_dtype"] = "fp8" if stated["kv_cache_dtype"].startswith("fp8") else stated["kv_cache_dtype"]
        used.append(f"kv-cache-dtype {stated['kv_cache_dtype']}")
    for field in LOG_OPTIONS:
        if field not in given and field in stated:
            opts[field] = value = stated[field]
            flag = field.replace("_", "-")
            used.append(flag if value is True else f"no {flag}" if value is False else f"{flag} {value:g}")
    if "max_model_len" in opts:
        model_fields["max_model_len"] = opts["max_model_len"]
    devices = opts.get("tensor_parallel_size", vllm.tensor_parallel_size) * opts.get(
        "pipeline_parallel_size", vllm.pipeline_parallel_size
    )
    if "gpus" not in given and devices > settings.gpus:
        model_fields["gpus"] = devices
    total = stated.get("runtime_total_gib")
    if total:
        used.append(f"runtime total {total:.2f} GiB")
    return replace(settings, **model_fields), replace(vllm, **opts), total, tuple(used)


def compare_llama_log(
    log: LlamaCppLog, ctx: Context, max_model_len: int | None = None, quant: str | None = None
) -> tuple[list[MetricComparison], tuple[str, ...]]:
    """A llama.cpp start-up log (planner.sources.llamacpp_log) against the plan with the settings it logs: n_ctx (or
    --max-model-len), n_batch, n_ubatch, n_seq_max, kv_unified, flash attention, the K/V types, the offloaded layers,
    and the graph of its log format's era (planning/real_logs.py OLD_LLAMACPP, PRE_GLU_LLAMACPP). The model's weights
    are the GGUF file's own, else the quantizer's estimate for `quant` or the file type the log prints. Returns the
    comparisons of every buffer the log prints and a line per setting taken from the log."""
    from planner.engines.llamacpp import LlamaCppOptions, plan_llamacpp
    from planner.planning.fit import gguf_weights
    from planner.planning.real_logs import OLD_LLAMACPP, PRE_GLU_LLAMACPP
    from planner.sources.llamacpp_log import mib_to_bytes

    markers = " ".join(log.markers)
    flash = {True: "on", False: "off", None: "auto"}[log.flash_attn]
    opts = LlamaCppOptions(
        ctx_size=max_model_len or log.n_ctx,
        cache_type_k=log.type_k or "f16",
        cache_type_v=log.type_v or "f16",
        flash_attn=flash,
        ubatch_size=log.n_ubatch or 512,
        batch_size=max(log.n_batch or 2048, log.n_ubatch or 512),
        parallel=log.n_seq_max,
        kv_unified=log.kv_unified,
        n_gpu_layers=log.offloaded,
        legacy_graph=bool(OLD_LLAMACPP.search(markers)),
        pre_glu_graph=bool(PRE_GLU_LLAMACPP.search(markers)),
    )
    if ctx.resolved.gguf is not None:
        quant = None  # the file's own tensors
    elif not (quant or log.file_type):
        raise UsageError(
            "--quant",
            None,
            "the log prints no file type ('print_info: file type = ...') to size the model's weights by",
            hint="pass the GGUF file as --model, or its quant: --quant Q4_K_M",
        )
    else:
        quant = quant or log.file_type
    plan = plan_llamacpp(ctx.resolved.spec, gguf_weights(ctx.resolved, quant), ctx.hw, opts)
    gpu = [d for d in plan.devices if d.name != "CPU"]
    cpu = next((d for d in plan.devices if d.name == "CPU"), None)
    mib = 2**20

    def logged(values: dict, keep) -> float | None:
        chosen = [v for k, v in values.items() if keep(k)]
        return sum(chosen) if chosen else None

    def on_gpu(name: str) -> bool:
        return not name.startswith("CPU") and not name.endswith("_Host")

    cpu_model, cpu_repack = (cpu.model_bytes, cpu.repack_bytes) if cpu else (0, 0)
    rows = [
        ("gpu_model_buffer_mib", sum(d.model_bytes for d in gpu), logged(log.model_mib, on_gpu)),
        ("cpu_model_buffer_mib", cpu_model, logged(log.model_mib, lambda k: k in ("CPU", "CPU_Mapped"))),
        ("cpu_repack_buffer_mib", cpu_repack, logged(log.model_mib, lambda k: k == "CPU_REPACK")),
        ("kv_buffer_mib", plan.kv_cache_bytes, log.kv_mib if log.kv else None),
        ("gpu_compute_buffer_mib", sum(d.compute_bytes for d in gpu), logged(log.compute_mib, on_gpu)),
        ("host_compute_buffer_mib", plan.host_compute_bytes, logged(log.compute_mib, lambda k: not on_gpu(k))),
    ]
    where = {"n_ctx": plan.context}
    comps = [comparison(m, b / mib, mib_to_bytes(v) / mib, "MiB", **where) for m, b, v in rows if v is not None]
    stated = (
        ("n_ctx", log.n_ctx if not max_model_len else None),
        ("n_batch", log.n_batch),
        ("n_ubatch", log.n_ubatch),
        ("n_seq_max", log.n_seq_max),
        ("kv_unified", log.kv_unified),
        ("flash attention", flash if log.flash_attn is not None else None),
        ("K/V", f"{log.type_k}/{log.type_v}" if log.type_k else None),
        ("offloaded layers", log.offloaded),
        ("file type", log.file_type if quant == log.file_type else None),
        ("log format", markers or None),
    )
    read = [f"{k} {v}" for k, v in stated if v is not None]
    return comps, tuple(read)


def probe_blocks(data: dict, probe_index: int | None) -> list[tuple[int, dict, dict]]:
    chosen = chosen_probes(data["probes"], probe_index)
    return [(i, p, b) for i, p in chosen for b in p.get("summary", []) if b.get("ok")]


def compare_results(data: dict, ctx_for, cals: CalibrationUse, probe_index: int | None) -> list[MetricComparison]:
    out: list[MetricComparison] = []
    for i, probe, block in probe_blocks(data, probe_index):
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
                "decode_tokens_per_s", pred.decode_tokens_per_s, block["decode_tokens_per_s"]["p50"], "tok/s", **where
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


def compare_vllm_log(log: dict, ctx: Context, opts: VllmOptions) -> tuple[list[MetricComparison], dict]:
    plan = plan_vllm(ctx.resolved.spec, ctx.hw, opts)
    where = {"max_model_len": plan.max_model_len}
    rows = [
        comparison("weights_gib", plan.weights_bytes / GIB, log.get("weights_gib"), "GiB", **where),
        comparison("kv_cache_gib", plan.kv_cache_bytes / GIB, log.get("kv_cache_gib"), "GiB", **where),
        comparison("kv_cache_tokens", plan.kv_cache_tokens, log.get("kv_cache_tokens"), "tokens", **where),
        comparison("max_concurrency", plan.max_concurrency, log.get("max_concurrency"), "x", **where),
    ]
    return [r for r in rows if r.measured is not None], {"fits": plan.fits, "error": plan.error}


def compare_bench(bench: dict, ctx: Context, cal) -> list[MetricComparison]:
    conc = int(bench.get("max_concurrency") or 1)
    prompt, output = bench.get("mean_input_tokens"), bench.get("mean_output_tokens")
    if not prompt or not output:
        raise UsageError("--bench", None, "the result holds no input/output lengths")
    pred = predict_for(ctx, prompt, output, conc, cal)
    where = {"concurrency": conc, "prompt_tokens": round(prompt), "output_tokens": round(output)}
    rows = [
        comparison("ttft_s", pred.ttft_s, bench.get("median_ttft_s") or bench.get("mean_ttft_s"), "s", **where),
        comparison("tpot_s", pred.tpot_s, bench.get("median_tpot_s") or bench.get("mean_tpot_s"), "s", **where),
        comparison(
            "throughput_tokens_per_s", pred.throughput_tokens_per_s, bench.get("output_tokens_per_s"), "tok/s", **where
        ),
    ]
    if bench.get("mean_e2e_s") is not None:
        rows.append(comparison("e2e_s", pred.e2e_s, bench["mean_e2e_s"], "s", **where))
    return [r for r in rows if r.measured is not None]


def compare_llama_bench(rows: list[dict], ctx: Context, cal) -> list[MetricComparison]:
    out = []
    no_limit = Context(**{**ctx.__dict__, "context_limit": None})
    for row in rows:
        depth = row["n_depth"]
        if row["n_prompt"] and not row["n_gen"]:
            pred = predict_for(no_limit, row["n_prompt"], 1, 1, cal, depth)
            out.append(
                comparison(
                    "prefill_tokens_per_s", pred.prefill_tokens_per_s, row["tokens_per_s"], "tok/s", test=row["test"]
                )
            )
        elif row["n_gen"] and not row["n_prompt"]:
            # llama-bench's tg test decodes n_gen tokens after an empty prompt (1 token) at depth d.
            pred = predict_for(no_limit, 1, row["n_gen"], 1, cal, depth)
            out.append(
                comparison(
                    "decode_tokens_per_s", pred.decode_tokens_per_s, row["tokens_per_s"], "tok/s", test=row["test"]
                )
            )
    return out


def validate_file(
    results: str | Path | None = None,
    *,
    vllm_log: str | Path | None = None,
    bench: str | Path | None = None,
    llama_bench: str | Path | None = None,
    settings: ModelSettings = ModelSettings(),
    vllm: VllmOptions = VllmOptions(),
    probe_index: int | None = None,
    calibration: bool = True,
    given: frozenset[str] = frozenset(),
    llama_log: str | Path | None = None,
    quant: str | None = None,
) -> Validation:
    """`given`: the option names the caller passed; a vLLM log fills every other setting it states."""
    from dataclasses import replace

    from planner.sources import probe as probe_src
    from planner.sources import run_files

    files = [x for x in (results, vllm_log, bench, llama_bench, llama_log) if x is not None]
    if len(files) != 1:
        raise UsageError(
            "validate",
            len(files),
            "give exactly one of RESULTS, --vllm-log, --llama-log, --bench, --llama-bench",
            hint="`mi50plan validate --help` shows examples",
        )
    cals = CalibrationUse(enabled=calibration)
    if llama_log is not None:
        log = run_files.read_llama_log(Path(llama_log))
        if not settings.model:
            raise UsageError(
                "--model",
                None,
                "a llama.cpp log names its GGUF by a path, which validate does not open",
                hint="pass the model: --model ./model.gguf, or a Hub id (the log's file type sizes it)",
            )
        ctx = context_for(replace(settings, engine="llamacpp"), {"kind": "llamacpp"})
        comps, from_log = compare_llama_log(log, ctx, settings.max_model_len, quant)
        return Validation(
            source=str(llama_log),
            model=ctx.resolved.spec.model_id,
            engine="llamacpp",
            hardware=hardware_info(ctx.hw),
            comparisons=tuple(comps),
            from_log=from_log,
        )
    if vllm_log is not None:
        log = run_files.read_vllm_log(Path(vllm_log))
        settings, vllm, total, from_log = with_log_settings(settings, vllm, log.get("settings", {}), given)
        length = settings.max_model_len or log.get("max_model_len")
        ctx = vllm_context(replace(settings, max_model_len=length))
        if total:  # the runtime's total as the log states it, which vLLM's budget is taken from
            ctx.hw = Hardware(replace(ctx.hw.profile, memory_runtime_bytes=int(total * GIB)), ctx.hw.count)
        opts = replace(vllm, max_model_len=length)
        comps, plan = compare_vllm_log(log, ctx, cals.vllm(opts, ctx.hw))
        return Validation(
            source=str(vllm_log),
            model=ctx.resolved.spec.model_id,
            engine="vllm",
            hardware=hardware_info(ctx.hw),
            comparisons=tuple(comps),
            calibrations=cals.applied(),
            plan_error=plan["error"],
            log=log,
            from_log=from_log,
        )
    if results is not None:
        from planner.planning.load_curve import compare_load

        contents = probe_src.read_results(Path(results))
        ctx_of = lambda server: context_for(settings, server)  # noqa: E731
        comps = compare_results(contents, ctx_of, cals, probe_index)
        comps += compare_load(contents, ctx_of, cals, probe_index, settings.slots)
        first = contents["probes"][0]["server"] if contents["probes"] else {}
        return Validation(
            source=str(results),
            model=settings.model or first.get("model"),
            engine=settings.engine or ENGINE_OF_KIND.get(first.get("kind", "")),
            hardware=hardware_info(load_hardware(settings.hardware, settings.gpus)),
            comparisons=tuple(comps),
            calibrations=cals.applied(),
        )
    is_bench = bench is not None
    parsed = run_files.read_vllm_bench(Path(bench)) if is_bench else run_files.read_llama_bench(Path(llama_bench))
    name = settings.model
    if not name:
        from_file = parsed.get("model") if is_bench else (parsed[0].get("model_file") if parsed else None)
        name = model_id_from_file(from_file, str(bench or llama_bench)) if from_file else None
    if not name:
        raise UsageError(
            "--model",
            None,
            "the file does not name a model the planner can load",
            hint="pass --model (Hub id, config folder or .gguf file)",
        )
    server = {"kind": "vllm" if is_bench else "llamacpp", "model": name}
    ctx = context_for(settings, server, name)
    cal = cals.speed(ctx.hw, ctx.engine, backend_of(ctx))
    comps = compare_bench(parsed, ctx, cal) if is_bench else compare_llama_bench(parsed, ctx, cal)
    return Validation(
        source=str(bench or llama_bench),
        model=ctx.resolved.spec.model_id,
        engine=ctx.engine,
        hardware=hardware_info(ctx.hw),
        comparisons=tuple(comps),
        calibrations=cals.applied(),
    )
