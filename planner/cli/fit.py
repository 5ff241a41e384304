"""`mi50plan fit`: does a model fit, under each engine, and what would make it fit."""

from __future__ import annotations

from dataclasses import asdict

import typer
from tabulate import tabulate

from planner.cli import options as o
from planner.cli.output import bar_legend, emit, gib, memory_bar
from planner.core.hardware import Hardware
from planner.core.tensors import count_params
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
    lines.append(f"vLLM  {verdict}  ({plan['weights_scheme']}, KV {plan['kv_cache_dtype']}, "
                 f"max-model-len {plan['max_model_len']:,}" + (f", TP {tp}" if tp > 1 else "") + ")")
    total = plan["memory_total_bytes"]
    overhead = plan["non_torch_bytes"]
    kv = plan["kv_cache_bytes"]
    parts = [("weights", plan["weights_bytes"]), ("activation", plan["activation_bytes"]),
             ("overhead", overhead), ("kv", max(kv, 0))]
    if kv < 0:
        parts.append(("short", -kv))
    lines.append("  " + memory_bar(parts, total) + f" {gib(total)} per GPU")
    lines.append("  " + bar_legend(["weights", "activation", "overhead", "kv", "free"] + (["short"] if kv < 0 else [])))
    rows = [
        ["budget (total x utilization)", f"{gib(total)} x {plan['gpu_memory_utilization']:g} = {gib(plan['requested_bytes'])}"],
        ["weights (Model loading took)", gib(plan["weights_bytes"])],
        ["peak activation (profile run)", gib(plan["activation_bytes"])],
        ["non-torch runtime memory", gib(plan["non_torch_bytes"])],
        ["KV cache (Available KV cache memory)", gib(kv)],
        ["KV cache tokens (GPU KV cache size)", f"{plan['kv_cache_tokens']:,}"],
        [f"max concurrency at {plan['max_model_len']:,} tokens", f"{plan['max_concurrency']:.2f}x"],
    ]
    lines.append(tabulate(rows, tablefmt="plain", colalign=("left", "right")).replace("\n", "\n  ").join(["  ", ""]))
    if plan["error"]:
        lines.append(f"  vLLM would raise: {plan['error']}")
    if plan["suggestions"]:
        lines.append("  what would fit:")
        for s in plan["suggestions"]:
            extra = f", {s['note']}" if s.get("note") else ""
            lines.append(f"    - {s['change']} -> {s['kv_cache_tokens']:,} KV tokens, "
                         f"{s['max_concurrency']:.2f}x concurrency ({s['engine']}{extra})")
    for w in plan["warnings"]:
        lines.append(f"  note: {w}")
    for n in plan["notes"]:
        lines.append(f"  approximation: {n}")
    return "\n".join(lines)


def render_fit(data: dict) -> str:
    m, hw = data["model"], data["hardware"]
    head = (f"{m['id']}  ({m['parameters'] / 1e9:.2f}B params"
            + (f", {m['active_parameters'] / 1e9:.2f}B active" if m["active_parameters"] != m["parameters_counted"] else "")
            + f", config from {m['source']})")
    out = [head, f"on {hw['count']} x {hw['display_name']} ({gib(hw['memory_bytes'])} each)", ""]
    for plan in data["plans"]:
        renderer = RENDERERS.get(plan["engine"])
        out.append(renderer(plan, m) if renderer else str(plan))
        out.append("")
    for note_line in m["notes"]:
        out.append(f"note: {note_line}")
    return "\n".join(out)


RENDERERS = {"vllm": render_vllm}


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
    offline: o.OfflineOpt = False,
    revision: o.RevisionOpt = None,
    require_fit: bool = typer.Option(False, "--require-fit", help="Exit 5 when a chosen engine's plan does not fit."),
    as_json: o.JsonOpt = False,
) -> None:
    engines = parse_engines(engine)
    hw = load_hardware(hardware, gpus)
    resolved = resolve_model(model, offline=offline, revision=revision)
    vopts = VllmOptions(
        dtype=dtype, quantization=quantization, max_model_len=max_model_len,
        gpu_memory_utilization=gpu_memory_utilization, tensor_parallel_size=tensor_parallel_size,
        pipeline_parallel_size=pipeline_parallel_size, kv_cache_dtype=kv_cache_dtype,
        max_num_seqs=max_num_seqs, max_num_batched_tokens=max_num_batched_tokens, block_size=block_size,
    )
    plans: list[dict] = []
    if "vllm" in engines:
        if resolved.gguf is not None and engines == ["vllm"]:
            raise UsageError("--engine", "vllm", "a GGUF file is served by llama.cpp or Ollama in mi50plan",
                             hint="use --engine llamacpp or --engine ollama")
        if resolved.gguf is None:
            plans.append(vllm_plan_json(plan_vllm(resolved.spec, hw, vopts)))
    data = {"model": model_json(resolved), "hardware": hardware_json(hw), "plans": plans}
    emit(data, as_json, render_fit)
    if require_fit and not all(p["fits"] for p in plans):
        raise typer.Exit(int(ExitCode.DOES_NOT_FIT))


def register(app: typer.Typer) -> None:
    app.command("fit", help=FIT_HELP)(fit_command)
