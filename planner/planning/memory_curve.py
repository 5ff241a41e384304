"""Memory against context length per engine plan: the data `fit --plot` draws (docs/capacity.md "Plots").

Each engine plan of a `fit` report is re-planned by its own engine at a range of context lengths, with
the options planner/planning/max_context.py bisects (so where the curve stops fitting is the plan's
``max_context``). Each point splits the GPU memory the engine compares with its budget into weights,
KV cache, compute buffers and overheads, summed over the plan's GPUs:

- vLLM (per rank, x the ranks): weights ("Model loading took"), KV for ONE request of this context
  (what vLLM checks at start-up; the rest of the budget becomes more KV cache), the profile run's peak
  activation, non-torch memory + CUDA graphs; budget = total x --gpu-memory-utilization.
- llama.cpp (all layers on the GPUs, --fit off, to see the demand): model + repacked + projector
  buffers, the KV cache, the compute buffers; budget = free memory - the --fit margin (common/fit.cpp),
  which is where --fit starts to move layers off the GPU.
- Ollama: all layers' and the output layer's weights, the KV cache, the graph, and the minimum memory
  plus the one-layer buffer it reserves per GPU (llm/memory.go); budget = the free memory it reads.

On one GPU the stack crosses the budget where the engine stops fitting (tests/cli/test_plots_cli.py). On
several the engines decide per GPU (layers placed one by one), so the summed stack can cross the summed
budget a little before or after; each point's ``fits`` is the engine's own verdict, and it is what counts.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace

from planner.core.hardware import Hardware
from planner.engines.llamacpp import plan_llamacpp
from planner.engines.ollama import MINIMUM_MEMORY_BYTES, plan_ollama
from planner.engines.vllm import plan_vllm
from planner.errors import UsageError
from planner.planning import max_context as mc
from planner.results import MemoryCurve, MemoryCurves, MemoryPoint

MIN_CONTEXT = mc.STEP


@dataclass(frozen=True)
class _Breakdown:
    weights: int
    kv: int
    compute: int
    overhead: int


def contexts_for(limit: int, max_context: int) -> list[int]:
    """Powers of two from 256 to the model's limit, the limit, and the stopping point and one step past it."""
    out = {limit}
    n = MIN_CONTEXT
    while n < limit:
        out.add(n)
        n *= 2
    if max_context >= MIN_CONTEXT:
        out.add(min(max_context, limit))
    if 0 <= max_context < limit:
        out.add(min(limit, max(max_context, 0) + mc.STEP))
    return sorted(out)


def _vllm_curve(spec, hw: Hardware, opts, plan) -> tuple[MemoryCurve, Callable[[int], tuple[_Breakdown, bool]]]:
    kv = plan.kv_cache_dtype if plan.kv_cache_dtype == "fp8" else "auto"
    opts = replace(opts, tensor_parallel_size=plan.tensor_parallel_size, kv_cache_dtype=kv)
    ranks = plan.gpus_used

    def point(n: int) -> tuple[_Breakdown, bool]:
        p = plan_vllm(spec, hw, replace(opts, max_model_len=n), suggest=False)
        over = p.non_torch_bytes + p.cudagraph_bytes
        b = _Breakdown(
            p.weights_bytes * ranks, p.kv_bytes_per_request * ranks, p.activation_bytes * ranks, over * ranks
        )
        return b, p.fits

    rule = f"total x --gpu-memory-utilization {plan.gpu_memory_utilization:g}, per GPU x {ranks}"
    return _curve(plan, "vllm", ranks, plan.requested_bytes * ranks, plan.memory_total_bytes * ranks, rule), point


def _llamacpp_curve(
    spec, weights, hw: Hardware, opts, plan
) -> tuple[MemoryCurve, Callable[[int], tuple[_Breakdown, bool]]]:
    t = plan.cache_type_v
    quantized = t != "f16"
    base = replace(
        opts, cache_type_k=t, cache_type_v=t, flash_attn="on" if quantized else opts.flash_attn, n_gpu_layers=None
    )
    gpus = hw.count if hw.profile.platform != "cpu" else 1
    free = hw.profile.runtime_memory_bytes if hw.profile.platform != "cpu" else hw.profile.memory_bytes

    def point(n: int) -> tuple[_Breakdown, bool]:
        demand = plan_llamacpp(spec, weights, hw, replace(base, ctx_size=n, fit=False))
        on = [d for d in demand.devices if d.name != "CPU"] or list(demand.devices)
        b = _Breakdown(
            sum(d.model_bytes + d.repack_bytes + d.projector_bytes for d in on),
            sum(d.kv_bytes for d in on),
            sum(d.compute_bytes for d in on),
            0,
        )
        return b, mc._safe(lambda: plan_llamacpp(spec, weights, hw, replace(base, ctx_size=n)))

    margin = base.fit_target_bytes if hw.profile.platform != "cpu" else 0
    rule = f"free memory - the --fit margin of {margin / 2**20:.0f} MiB, per GPU x {gpus}"
    return _curve(plan, "llamacpp", gpus, (free - margin) * gpus, hw.profile.memory_bytes * gpus, rule), point


def _ollama_curve(
    spec, weights, hw: Hardware, opts, arch, plan
) -> tuple[MemoryCurve, Callable[[int], tuple[_Breakdown, bool]]]:
    t = plan.kv_cache_type
    base = replace(opts, kv_cache_type=t, flash_attention=True if t != "f16" else opts.flash_attention, num_gpu=None)
    gpus = max(1, len(plan.gpu_sizes))
    free = hw.profile.runtime_memory_bytes - base.gpu_overhead_bytes

    def point(n: int) -> tuple[_Breakdown, bool]:
        p = plan_ollama(spec, weights, hw, replace(base, num_ctx=n), arch)
        layer0 = (weights.layer_bytes[0] if weights.layer_bytes else 0) + p.kv_cache_bytes // max(1, spec.num_layers)
        reserve = (MINIMUM_MEMORY_BYTES + layer0) * len(plan.gpu_sizes)
        graph = max(p.full_graph_bytes, p.partial_graph_bytes)  # memory.go places layers against the larger
        b = _Breakdown(sum(weights.layer_bytes) + weights.output_layer_bytes, p.kv_cache_bytes, graph, reserve)
        return b, p.fits

    rule = f"the free memory Ollama reads (minus OLLAMA_GPU_OVERHEAD), per GPU x {gpus}"
    return _curve(plan, "ollama", gpus, free * gpus, hw.profile.memory_bytes * gpus, rule), point


def _curve(plan, engine: str, gpus: int, budget: int, memory: int, rule: str) -> MemoryCurve:
    found = plan.max_context
    label = {"vllm": "vLLM", "llamacpp": "llama.cpp", "ollama": "Ollama"}[engine] + f" {plan.dtype}"
    return MemoryCurve(
        engine=engine,
        label=label,
        gpus=gpus,
        budget_bytes=int(budget),
        memory_bytes=int(memory),
        budget_rule=rule,
        max_context=found.context if found is not None else 0,
        kv_type=found.kv_type if found is not None else "",
        points=(),
    )


def memory_curves(report) -> MemoryCurves:
    """The memory-against-context curve of every plan in a FitReport made by planner.planning.fit."""
    from planner.planning.fit import gguf_weights, with_max_context

    basis = report.basis
    if basis is None:
        raise UsageError("--plot", None, "this fit report carries no basis to re-plan from", hint="use planner.plan")
    resolved, hw, options, arch = basis.resolved, basis.hw, basis.options, basis.arch
    spec = resolved.spec
    curves = []
    for plan in report.plans:
        if plan.max_context is None:
            plan = with_max_context(plan, resolved, hw, options, arch)
        if plan.engine == "vllm":
            curve, point = _vllm_curve(spec, hw, options.vllm, plan)
        elif plan.engine == "llamacpp":
            curve, point = _llamacpp_curve(spec, gguf_weights(resolved, plan.quant), hw, options.llamacpp, plan)
        else:
            curve, point = _ollama_curve(spec, gguf_weights(resolved, plan.quant), hw, options.ollama, arch, plan)
        points = []
        for n in contexts_for(spec.max_position_embeddings, curve.max_context):
            try:
                b, fits = point(n)
            except UsageError:
                continue
            total = b.weights + b.kv + b.compute + b.overhead
            points.append(MemoryPoint(n, b.weights, b.kv, b.compute, b.overhead, total, fits))
        curves.append(replace(curve, points=tuple(points)))
    return MemoryCurves(model=report.model.id, hardware=report.hardware, curves=tuple(curves))
