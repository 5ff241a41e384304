"""`mi50plan fit`: does a model fit, under each engine, and what would make it fit."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, replace

import typer
from tabulate import tabulate

from planner.cli import options as o
from planner.cli.output import bar_legend, emit, gib, memory_bar, warn
from planner.core.gguf_quant import COMMON_QUANTS
from planner.core.hardware import Hardware
from planner.core.tensors import count_params
from planner.engines.llamacpp import REPACK_TYPES, GGUFWeights, LlamaCppOptions, LlamaCppPlan, plan_llamacpp
from planner.engines.ollama import OllamaOptions, OllamaPlan, plan_ollama
from planner.engines.vllm import VllmOptions, VllmPlan, plan_vllm
from planner.errors import ExitCode, UsageError
from planner.sources.models import ResolvedModel, resolve_model
from planner.sources.profiles import get_profile

ENGINES = ("vllm", "ollama", "llamacpp")

FIT_HELP = """Will MODEL fit on the hardware, under each engine?

Prints the memory budget, weights, activation and runtime overhead, the KV cache in bytes and tokens,
the maximum concurrency, the error the engine itself would raise, and the smallest changes that fit.
Exit 0 for any computed plan; --require-fit exits 5 when the chosen engine does not fit.

Examples:

  mi50plan fit Qwen/Qwen2.5-7B-Instruct --dtype fp16

  mi50plan fit Qwen/Qwen2.5-1.5B-Instruct --dtype fp16 --max-model-len 4096 --engine vllm

  mi50plan fit ./my-model-dir --hardware mi50-32gb --gpus 2 --tensor-parallel-size 2 --json

  mi50plan fit Qwen/Qwen2.5-32B-Instruct --engine ollama --quant Q4_K_M --gpus 2

  mi50plan fit ./gemma-3-270m-q4_k_m.gguf --engine llamacpp --ctx-size 8192 -ctk q8_0 -ctv q8_0

  mi50plan fit qwen2.5:7b --engine ollama --hardware host
"""


def parse_engines(engine: str) -> list[str]:
    value = engine.strip().lower().replace("llama.cpp", "llamacpp").replace("llama-cpp", "llamacpp")
    if value == "all":
        return list(ENGINES)
    wanted = [e.strip() for e in value.split(",") if e.strip()]
    for e in wanted:
        if e not in ENGINES:
            raise UsageError("--engine", engine, "unknown engine", hint="use all, vllm, ollama or llamacpp")
    return wanted


def load_hardware(name: str, gpus: int) -> Hardware:
    if gpus < 1:
        raise UsageError("--gpus", gpus, "must be 1 or more")
    return Hardware(get_profile(name), gpus)


@dataclass
class CalibrationUse:
    """The user's stored calibrations as one command applies them, and which it applied.

    Every output that used one lists `applied()`, so a calibrated number is never shown as the raw model's."""

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

    def applied(self) -> list[str]:
        return list(self.used.values())


def model_json(resolved: ResolvedModel) -> dict:
    spec = resolved.spec
    counts = count_params(spec)
    return {
        "id": spec.model_id,
        "source": resolved.source,
        "location": resolved.location,
        "architecture": spec.architecture,
        "parameters": resolved.checkpoint_params or counts.total,
        "parameters_counted": counts.total,
        "active_parameters": counts.active,
        "layers": spec.num_layers,
        "hidden_size": spec.hidden_size,
        "attention_heads": spec.num_attention_heads,
        "kv_heads": spec.num_kv_heads,
        "head_dim": spec.head_dim,
        "vocab_size": spec.vocab_size,
        "max_position_embeddings": spec.max_position_embeddings,
        "checkpoint_dtype": spec.torch_dtype,
        "quantization": asdict(spec.quant) if spec.quant else None,
        "moe": asdict(spec.moe) if spec.moe else None,
        "notes": list(spec.notes) + list(resolved.notes),
    }


def hardware_json(hw: Hardware) -> dict:
    p = hw.profile
    return {
        "name": p.name,
        "display_name": p.display_name,
        "count": hw.count,
        "memory_bytes": p.memory_bytes,
        "bandwidth_gbps": p.bandwidth_gbps,
        "platform": p.platform,
        "arch": p.arch,
    }


def vllm_plan_json(plan: VllmPlan) -> dict:
    data = asdict(plan)
    data["suggestions"] = [asdict(s) for s in plan.suggestions]
    data["warnings"] = list(plan.warnings)
    data["notes"] = list(plan.notes)
    data["flags"] = list(plan.flags)
    return data


def render_vllm(plan: dict, model: dict) -> str:
    lines = []
    verdict = "FITS" if plan["fits"] else "DOES NOT FIT"
    tp = plan["tensor_parallel_size"]
    lines.append(
        f"vLLM  {verdict}  ({plan['weights_scheme']}, KV {plan['kv_cache_dtype']}, "
        f"max-model-len {plan['max_model_len']:,}" + (f", TP {tp}" if tp > 1 else "") + ")"
    )
    total = plan["memory_total_bytes"]
    overhead = plan["non_torch_bytes"]
    kv = plan["kv_cache_bytes"]
    parts = [
        ("weights", plan["weights_bytes"]),
        ("activation", plan["activation_bytes"]),
        ("overhead", overhead),
        ("kv", max(kv, 0)),
    ]
    if kv < 0:
        parts.append(("short", -kv))
    lines.append("  " + memory_bar(parts, total) + f" {gib(total)} per GPU")
    lines.append(
        "  " + bar_legend(["weights", "activation", "overhead", "kv", "free"] + (["short"] if kv < 0 else []))
    )
    rows = [
        [
            "budget (total x utilization)",
            f"{gib(total)} x {plan['gpu_memory_utilization']:g} = {gib(plan['requested_bytes'])}",
        ],
        ["weights (Model loading took)", gib(plan["weights_bytes"])],
        ["peak activation (profile run)", gib(plan["activation_bytes"])],
        ["non-torch runtime memory", gib(plan["non_torch_bytes"])],
        ["KV cache (Available KV cache memory)", gib(kv)],
        ["KV cache tokens (GPU KV cache size)", f"{plan['kv_cache_tokens']:,}"],
        [f"max concurrency at {plan['max_model_len']:,} tokens", f"{plan['max_concurrency']:.2f}x"],
    ]
    lines.append(
        tabulate(rows, tablefmt="plain", colalign=("left", "right")).replace("\n", "\n  ").join(["  ", ""])
    )
    if plan["error"]:
        lines.append(f"  vLLM would raise: {plan['error']}")
    if plan["suggestions"]:
        lines.append("  what would fit:")
        for s in plan["suggestions"]:
            extra = f", {s['note']}" if s.get("note") else ""
            lines.append(
                f"    - {s['change']} -> {s['kv_cache_tokens']:,} KV tokens, "
                f"{s['max_concurrency']:.2f}x concurrency ({s['engine']}{extra})"
            )
    for w in plan["warnings"]:
        lines.append(f"  note: {w}")
    for n in plan["notes"]:
        lines.append(f"  approximation: {n}")
    return "\n".join(lines)


def gguf_weights(resolved: ResolvedModel, quant: str | None) -> GGUFWeights:
    """Exact tensor bytes from a GGUF file or Ollama blob, else the quantizer's estimate for `quant`."""
    from planner.core.gguf_quant import estimate_gguf, normalise_quant

    model = resolved.gguf
    if model is not None:
        if quant and quant.strip().upper().replace("-", "_") != model.quant:
            raise UsageError(
                "--quant",
                quant,
                f"the file is {model.quant}; a GGUF file has one quant",
                hint=f"leave --quant out, or pass a {quant} file",
            )
        repack = [0] * model.spec.num_layers
        for t in model.tensors:
            if t.layer is not None and t.layer < len(repack) and t.ggml_type in REPACK_TYPES:
                repack[t.layer] += t.n_bytes
        return GGUFWeights(
            model.quant,
            model.tensor_bytes_by_layer,
            model.output_bytes,
            model.embedding_bytes,
            model.tied_embeddings,
            model.file_bytes,
            tuple(repack),
            exact=True,
        )
    name = quant or resolved.default_quant or "Q4_K_M"
    try:
        name = normalise_quant(name)
    except KeyError:
        raise UsageError(
            "--quant",
            quant,
            "not a GGUF quant mi50plan sizes",
            hint="use one of " + ", ".join(COMMON_QUANTS) + " (or Q2_K, Q3_K_M, Q4_K_S, Q5_K_S)",
        ) from None
    est = estimate_gguf(resolved.spec, name)
    repack_share = sum(est.type_bytes.get(t, 0) for t in REPACK_TYPES) / max(est.tensor_bytes, 1)
    file_bytes = est.file_bytes
    if resolved.checkpoint_bytes and resolved.source == "catalog" and resolved.default_quant == name:
        file_bytes = resolved.checkpoint_bytes  # an Ollama tag's real file size from the catalog
    return GGUFWeights(
        name,
        est.layer_bytes,
        est.output_bytes,
        est.embedding_bytes,
        resolved.spec.tie_word_embeddings,
        file_bytes,
        tuple(int(b * repack_share) for b in est.layer_bytes),
        exact=False,
    )


def gguf_plan_json(plan: LlamaCppPlan | OllamaPlan) -> dict:
    data = asdict(plan)
    data["suggestions"] = [asdict(s) if not isinstance(s, dict) else s for s in plan.suggestions]
    for key in ("warnings", "notes", "flags"):
        data[key] = list(data[key])
    return data


def _gguf_bar(plan: dict) -> list[str]:
    total = plan["memory_total_bytes"]
    gpu = plan["gpu_bytes"]
    if not gpu:
        return []
    gpus = max(
        1, len([d for d in plan.get("devices", []) if d["name"] != "CPU"]) or len(plan.get("gpu_sizes", []))
    )
    per = gpu / gpus
    kv_share = plan["kv_cache_bytes"] * per / max(plan["gpu_bytes"] + plan["cpu_bytes"], 1)
    compute = min(plan["compute_buffer_bytes"] / gpus, per)
    weights = max(per - kv_share - compute - plan.get("minimum_memory_bytes", 0), 0)
    parts = [
        ("weights", int(weights)),
        ("activation", int(compute)),
        ("overhead", plan.get("minimum_memory_bytes", 0)),
        ("kv", int(kv_share)),
    ]
    if per > total:
        parts.append(("short", int(per - total)))
    return [
        "  " + memory_bar(parts, total) + f" {gib(total)} per GPU",
        "  " + bar_legend(["weights", "activation", "overhead", "kv", "free"]),
    ]


def render_gguf(plan: dict, model: dict) -> str:
    name = {"ollama": "Ollama", "llamacpp": "llama.cpp"}[plan["engine"]]
    verdict = "FITS" if plan["fits"] else ("RUNS WITH CPU OFFLOAD" if plan.get("runs") else "DOES NOT FIT")
    head = f"{name}  {verdict}  ({plan['quant']}, context {plan['context']:,}"
    if plan["engine"] == "ollama":
        head += f", {plan['backend']}, Ollama {plan['version']}, KV {plan['kv_cache_type']})"
    else:
        fa = "on" if plan["flash_attn"] else "off"
        head += f", KV {plan['cache_type_k']}/{plan['cache_type_v']}, flash-attn {fa})"
    lines = [head] + _gguf_bar(plan)
    rows = [
        [
            "weights" + ("" if plan["weights_exact"] else " (estimated)"),
            f"{plan['weights_bytes'] / 1e9:.2f} GB = {gib(plan['weights_bytes'])}",
        ],
        ["KV cache", gib(plan["kv_cache_bytes"])],
    ]
    if plan["engine"] == "llamacpp":
        for c in plan["kv_caches"]:
            if c["layers"]:
                rows.append(
                    [
                        f"  {c['kind']}: {c['cells']:,} cells x {c['streams']} x {c['layers']} layers",
                        gib(c["bytes"]),
                    ]
                )
    rows.append(
        [
            "compute buffer" if plan["engine"] == "llamacpp" else "graph (Ollama estimate)",
            gib(plan["compute_buffer_bytes"]),
        ]
    )
    if plan["engine"] == "ollama" and plan["minimum_memory_bytes"]:
        rows.append(["GPU minimum memory", gib(plan["minimum_memory_bytes"])])
    rows += [
        ["layers on GPU", f"{plan['gpu_layers']}/{plan['total_layers']}"],
        ["on GPU / on CPU", f"{gib(plan['gpu_bytes'])} / {gib(plan['cpu_bytes'])}"],
    ]
    if plan["engine"] == "ollama":
        rows.append(
            [
                "ollama ps",
                f"SIZE {plan['total_bytes'] / 1e9:.1f} GB  PROCESSOR {plan['processor']}  "
                f"CONTEXT {plan['context']}",
            ]
        )
        if plan["tensor_split"]:
            rows.append(["layers per GPU", plan["tensor_split"]])
    else:
        for d in plan["devices"]:
            rows.append(
                [
                    f"  {d['name']}: model / KV / compute",
                    f"{d['model_bytes'] / 2**20:.2f} / {d['kv_bytes'] / 2**20:.2f} / "
                    f"{d['compute_bytes'] / 2**20:.2f} MiB"
                    + (f" (+{d['repack_bytes'] / 2**20:.2f} MiB CPU_REPACK)" if d["repack_bytes"] else ""),
                ]
            )
    lines.append(
        tabulate(rows, tablefmt="plain", colalign=("left", "right")).replace("\n", "\n  ").join(["  ", ""])
    )
    if plan["error"]:
        lines.append(f"  {name} would fail: {plan['error']}")
    for w in plan["warnings"]:
        lines.append(f"  note: {w}")
    for n in plan["notes"]:
        lines.append(f"  approximation: {n}")
    if plan["flags"]:
        lines.append("  flags: " + " ".join(plan["flags"]))
    return "\n".join(lines)


def render_quants(quants: list[dict]) -> str:
    rows = [[q["quant"], f"{q['file_bytes'] / 1e9:.2f} GB", f"{q['bits_per_weight']:.2f}"] for q in quants]
    return "GGUF quants (file size as llama.cpp's quantizer would write it)\n" + tabulate(
        rows, headers=["quant", "file", "bits/weight"], tablefmt="plain", disable_numparse=True
    ).replace("\n", "\n  ").join(["  ", ""])


def render_fit(data: dict) -> str:
    m, hw = data["model"], data["hardware"]
    head = (
        f"{m['id']}  ({m['parameters'] / 1e9:.2f}B params"
        + (
            f", {m['active_parameters'] / 1e9:.2f}B active"
            if m["active_parameters"] != m["parameters_counted"]
            else ""
        )
        + f", config from {m['source']})"
    )
    out = [head, f"on {hw['count']} x {hw['display_name']} ({gib(hw['memory_bytes'])} each)", ""]
    for plan in data["plans"]:
        renderer = RENDERERS.get(plan["engine"])
        out.append(renderer(plan, m) if renderer else str(plan))
        out.append("")
    if data.get("gguf_quants"):
        out.append(render_quants(data["gguf_quants"]))
        out.append("")
    for note_line in m["notes"]:
        out.append(f"note: {note_line}")
    out += [f"calibrated: {c}" for c in data.get("calibrations", [])]
    return "\n".join(out)


RENDERERS = {"vllm": render_vllm, "ollama": render_gguf, "llamacpp": render_gguf}


def fit_command(
    model: o.ModelArg,
    engine: o.EngineOpt = "all",
    hardware: o.HardwareOpt = "mi50-16gb",
    gpus: o.GpusOpt = 1,
    dtype: o.DtypeOpt = "auto",
    quantization: o.QuantizationOpt = None,
    max_model_len: o.MaxModelLenOpt = None,
    gpu_memory_utilization: o.UtilOpt = 0.9,
    tensor_parallel_size: o.TpOpt = 1,
    pipeline_parallel_size: o.PpOpt = 1,
    kv_cache_dtype: o.KvDtypeOpt = "auto",
    max_num_seqs: o.MaxSeqsOpt = None,
    max_num_batched_tokens: o.MaxBatchedOpt = None,
    block_size: o.BlockSizeOpt = 16,
    quant: str | None = typer.Option(
        None,
        "--quant",
        help="GGUF quant for Ollama/llama.cpp: Q4_K_M (default), Q4_0, Q5_K_M, Q6_K, Q8_0, F16, IQ4_XS ...",
    ),
    ctx_size: int | None = typer.Option(
        None, "--ctx-size", "-c", help="llama.cpp --ctx-size (default: the model's)."
    ),
    cache_type_k: str = typer.Option(
        "f16", "--cache-type-k", "-ctk", help="llama.cpp K cache type: f16, q8_0, q4_0."
    ),
    cache_type_v: str = typer.Option(
        "f16", "--cache-type-v", "-ctv", help="llama.cpp V cache type: f16, q8_0, q4_0."
    ),
    flash_attn: str = typer.Option("auto", "--flash-attn", "-fa", help="llama.cpp --flash-attn on|off|auto."),
    ubatch_size: int = typer.Option(512, "--ubatch-size", "-ub", help="llama.cpp physical batch size."),
    batch_size: int = typer.Option(2048, "--batch-size", "-b", help="llama.cpp logical batch size."),
    parallel: int | None = typer.Option(
        None, "--parallel", "-np", help="llama-server slots (default auto: 4, unified KV)."
    ),
    n_gpu_layers: int | None = typer.Option(
        None,
        "--n-gpu-layers",
        "-ngl",
        help="llama.cpp layers on the GPU (default: all, then --fit moves layers out).",
    ),
    split_mode: str = typer.Option(
        "layer", "--split-mode", "-sm", help="llama.cpp multi-GPU split: none, layer, row."
    ),
    swa_full: bool = typer.Option(False, "--swa-full", help="llama.cpp full-size SWA cache."),
    num_ctx: int | None = typer.Option(
        None, "--num-ctx", help="Ollama num_ctx (default by version and VRAM)."
    ),
    num_parallel: int = typer.Option(1, "--num-parallel", help="OLLAMA_NUM_PARALLEL."),
    kv_cache_type: str = typer.Option(
        "f16", "--kv-cache-type", help="OLLAMA_KV_CACHE_TYPE: f16, q8_0, q4_0."
    ),
    flash_attention: str | None = typer.Option(
        None, "--flash-attention", help="OLLAMA_FLASH_ATTENTION: 1 or 0 (default: Ollama's per-model choice)."
    ),
    num_gpu: int | None = typer.Option(
        None, "--num-gpu", help="Ollama num_gpu: layers to offload (default: all that fit)."
    ),
    ollama_version: str = typer.Option(
        "0.16.1", "--ollama-version", help="Ollama version whose defaults to plan."
    ),
    offline: o.OfflineOpt = False,
    revision: o.RevisionOpt = None,
    no_calibration: o.NoCalibrationOpt = False,
    require_fit: bool = typer.Option(
        False, "--require-fit", help="Exit 5 when a chosen engine's plan does not fit."
    ),
    as_json: o.JsonOpt = False,
) -> None:
    engines = parse_engines(engine)
    hw = load_hardware(hardware, gpus)
    resolved = resolve_model(model, offline=offline, revision=revision)
    cals = CalibrationUse(enabled=not no_calibration)
    vopts = VllmOptions(
        dtype=dtype,
        quantization=quantization,
        max_model_len=max_model_len,
        gpu_memory_utilization=gpu_memory_utilization,
        tensor_parallel_size=tensor_parallel_size,
        pipeline_parallel_size=pipeline_parallel_size,
        kv_cache_dtype=kv_cache_dtype,
        max_num_seqs=max_num_seqs,
        max_num_batched_tokens=max_num_batched_tokens,
        block_size=block_size,
    )
    plans: list[dict] = []
    lopts = LlamaCppOptions(
        ctx_size=ctx_size,
        cache_type_k=cache_type_k,
        cache_type_v=cache_type_v,
        flash_attn=flash_attn.lower(),
        ubatch_size=ubatch_size,
        batch_size=batch_size,
        parallel=parallel,
        n_gpu_layers=n_gpu_layers,
        split_mode=split_mode.lower(),
        swa_full=swa_full,
    )
    oopts = OllamaOptions(
        num_ctx=num_ctx,
        num_parallel=num_parallel,
        kv_cache_type=kv_cache_type,
        flash_attention=_flag_bool("--flash-attention", flash_attention),
        num_gpu=num_gpu,
        version=ollama_version,
    )
    gguf_only = (
        resolved.gguf is not None
        or resolved.source == "ollama-store"
        or (resolved.default_quant is not None and engine == "all")
    )
    on_cpu = hw.profile.platform == "cpu"
    if "vllm" in engines:
        if (resolved.gguf is not None or on_cpu) and engines == ["vllm"]:
            why = (
                "a GGUF file is served by llama.cpp or Ollama in mi50plan"
                if resolved.gguf is not None
                else f"vLLM is not planned on {hw.profile.display_name}"
            )
            raise UsageError("--engine", "vllm", why, hint="use --engine llamacpp or --engine ollama")
        if (
            resolved.gguf is None
            and not on_cpu
            and not (
                gguf_only and resolved.gguf is None and engine == "all" and resolved.source == "ollama-store"
            )
        ):
            vplan = plan_vllm(resolved.spec, hw, cals.vllm(vopts, hw))
            vdata = vllm_plan_json(vplan)
            if not vplan.fits:
                vdata["suggestions"].extend(_ollama_suggestion(resolved, hw))
            plans.append(vdata)
    if "ollama" in engines:
        weights = gguf_weights(resolved, quant)
        plans.append(gguf_plan_json(plan_ollama(resolved.spec, weights, hw, oopts, _gguf_arch(resolved))))
    if "llamacpp" in engines:
        weights = gguf_weights(resolved, quant)
        plans.append(gguf_plan_json(plan_llamacpp(resolved.spec, weights, hw, lopts)))
    data = {
        "model": model_json(resolved),
        "hardware": hardware_json(hw),
        "plans": plans,
        "calibrations": cals.applied(),
    }
    if resolved.gguf is None and len(engines) > 1:
        from planner.core.gguf_quant import estimate_gguf

        data["gguf_quants"] = [
            {"quant": e.quant, "file_bytes": e.file_bytes, "bits_per_weight": e.bits_per_weight}
            for e in (estimate_gguf(resolved.spec, q) for q in COMMON_QUANTS)
        ]
    for p in plans:
        if p["engine"] != "vllm" and ctx_beyond(p, resolved):
            warn(
                f"{p['engine']}: context {p['max_model_len']} > n_ctx_train "
                f"({resolved.spec.max_position_embeddings})"
                f" -- possible training context overflow"
            )
    emit(data, as_json, render_fit)
    if require_fit and not all(p["fits"] for p in plans):
        raise typer.Exit(int(ExitCode.DOES_NOT_FIT))


def _flag_bool(option: str, value: str | None) -> bool | None:
    if value is None:
        return None
    v = value.strip().lower()
    if v in ("1", "true", "on", "yes"):
        return True
    if v in ("0", "false", "off", "no"):
        return False
    raise UsageError(option, value, "must be 1 or 0", hint="OLLAMA_FLASH_ATTENTION takes 1 or 0")


def _gguf_arch(resolved: ResolvedModel) -> str | None:
    return getattr(resolved.gguf, "architecture", None)


def ctx_beyond(plan: dict, resolved: ResolvedModel) -> bool:
    return plan["max_model_len"] > resolved.spec.max_position_embeddings


def _ollama_suggestion(resolved: ResolvedModel, hw: Hardware) -> list[dict]:
    """vLLM does not fit: would a GGUF Q4_K_M under Ollama? Re-planned, kept only when it fits."""
    try:
        weights = gguf_weights(ResolvedModel(resolved.spec, resolved.source, resolved.location), "Q4_K_M")
        plan = plan_ollama(resolved.spec, weights, hw, OllamaOptions())
    except UsageError:
        return []
    if not plan.fits:
        return []
    return [
        {
            "change": "a GGUF Q4_K_M under Ollama",
            "flags": ["--engine", "ollama", "--quant", "Q4_K_M"],
            "fits": True,
            "kv_cache_tokens": plan.kv_cache_tokens,
            "max_concurrency": plan.max_concurrency,
            "engine": "ollama",
            "note": f"weights {plan.weights_bytes / 1e9:.2f} GB, context {plan.context:,}",
        }
    ]


def register(app: typer.Typer) -> None:
    app.command("fit", help=FIT_HELP)(fit_command)
