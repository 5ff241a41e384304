"""How many GPUs, replicas and nodes serve a request rate within latency targets (issue 13).

For each candidate deployment (engine x precision x tensor/pipeline parallel or layer split) the
engines' own fit plans (planner.engines) say whether it fits and how much KV cache it has; the serving
simulation (planner.core.simulate) runs that engine's scheduler with step times from the speed model
(planner.core.speed); a bisection on the Poisson rate finds the most one replica sustains within the
p95 targets; replicas behind a load balancer are independent, so the asked rate needs
ceil(rate / max rate per replica) of them. docs/methodology.md "Capacity".
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import asdict, dataclass, field, replace
from functools import lru_cache

from planner.core import parallel, speed
from planner.core.efficiency import EfficiencyModel
from planner.core.gguf_quant import gguf_quants_to_try
from planner.core.hardware import Hardware, HardwareProfile
from planner.core.simulate import Lengths, Load, Scheduler, SimResult, Slo, StepTime, max_rate, saturation_rate
from planner.core.simulate import simulate as run_simulation
from planner.core.spec import ModelSpec
from planner.engines import llamacpp_scheduling
from planner.engines.llamacpp import GGUFWeights, LlamaCppOptions, plan_llamacpp
from planner.engines.ollama import OllamaOptions, plan_ollama
from planner.engines.vllm import VllmOptions, VllmPlan, plan_vllm
from planner.engines.vllm_scheduling import vllm_options_for, vllm_scheduling
from planner.errors import UsageError
from planner.planning import launch as launch_cmd

SCHEMA_VERSION = 1
# A pipeline-stage hop between nodes: one TCP/RDMA message on a LAN, tens of microseconds (a prior,
# like speed.DEFAULT_COMMUNICATION; no measured row isolates it).
NETWORK_HOP_LATENCY_S = 50e-6
# llama-server -b and Ollama num_batch defaults (common/common.h n_batch 2048; Ollama api/types.go
# NumBatch 512); Ollama's queue (envconfig OLLAMA_MAX_QUEUE 512).
LLAMACPP_N_BATCH = 2048
OLLAMA_NUM_BATCH = 512
OLLAMA_MAX_QUEUE = 512
SLOT_CHOICES = (1, 2, 4, 8, 16, 32)
TP_CHOICES = (1, 2, 4, 8)
DEPTH_BUCKET = 32  # step times are cached per 32 tokens of context depth
DEFAULT_REQUESTS = 600


@dataclass(frozen=True)
class Candidate:
    """One deployment shape: what runs on one replica."""

    deployment: speed.Deployment
    pipeline_parallel_size: int = 1  # vLLM stages, one per node
    nodes_per_replica: int = 1  # > 1: vLLM pipeline stages or llama.cpp RPC across machines

    @property
    def gpus_per_replica(self) -> int:
        d = self.deployment
        return d.tensor_parallel_size * self.pipeline_parallel_size * d.layer_split


@dataclass(frozen=True)
class CurvePoint:
    rate: float
    ttft_p50_s: float
    ttft_p95_s: float
    tpot_p50_s: float
    tpot_p95_s: float
    e2e_p95_s: float
    throughput_tokens_per_s: float


@dataclass(frozen=True)
class CapacityCandidate:
    engine: str
    precision: str
    backend: str
    tensor_parallel_size: int
    pipeline_parallel_size: int  # vLLM pipeline stages, or llama.cpp layer-split devices
    gpus_per_replica: int
    nodes_per_replica: int
    slots: int  # vLLM max_num_seqs, llama-server -np, OLLAMA_NUM_PARALLEL
    kv_cache_tokens: int
    replicas: int | None
    gpus: int | None
    nodes: int | None
    max_rate_per_replica: float  # requests/s one replica sustains within the targets
    saturation_rate_per_replica: float  # requests/s one always-busy replica completes
    meets_slo: bool
    ttft_p50_s: float | None  # at the asked load, per replica
    ttft_p95_s: float | None
    tpot_p50_s: float | None
    tpot_p95_s: float | None
    e2e_p95_s: float | None
    goodput: float | None  # share of requests within every target at that load
    throughput_tokens_per_s: float | None  # all replicas
    cost_per_hour: float | None
    cost_per_million_tokens: float | None
    launch: tuple[str, ...]
    pareto: bool = False
    reason: str | None = None
    curve: tuple[CurvePoint, ...] = ()

    @property
    def label(self) -> str:
        par = f"TP{self.tensor_parallel_size}"
        if self.pipeline_parallel_size > 1:
            par += f"xPP{self.pipeline_parallel_size}" if self.engine == "vllm" else f"x{self.pipeline_parallel_size}"
        return f"{self.engine} {self.precision} {par}"

    def to_dict(self) -> dict:
        data = asdict(self)
        data["label"] = self.label
        data["launch"] = list(self.launch)
        data["curve"] = [asdict(p) for p in self.curve]
        return data


@dataclass(frozen=True)
class NotFitting:
    engine: str
    precision: str
    reason: str

    def to_dict(self) -> dict:
        return asdict(self)


@dataclass(frozen=True)
class CapacityPlan:
    model: str
    hardware: str
    rate: float | None
    users: int | None
    think_time_s: float
    prompt_tokens: str
    output_tokens: str
    targets: Slo
    gpus_per_node: int
    max_gpus: int
    price_per_hour: float | None
    candidates: tuple[CapacityCandidate, ...]
    not_fitting: tuple[NotFitting, ...] = ()
    notes: tuple[str, ...] = ()

    @property
    def pareto(self) -> tuple[CapacityCandidate, ...]:
        return tuple(c for c in self.candidates if c.pareto)

    def to_dict(self) -> dict:
        return {
            "schema_version": SCHEMA_VERSION,
            "model": self.model,
            "hardware": self.hardware,
            "load": {
                "rate": self.rate,
                "users": self.users,
                "think_time_s": self.think_time_s,
                "prompt_tokens": self.prompt_tokens,
                "output_tokens": self.output_tokens,
            },
            "targets": {"ttft_p95_s": self.targets.ttft_s, "tpot_p95_s": self.targets.tpot_s},
            "gpus_per_node": self.gpus_per_node,
            "max_gpus": self.max_gpus,
            "price_per_hour": self.price_per_hour,
            "candidates": [c.to_dict() for c in self.candidates],
            "pareto": [c.label for c in self.pareto],
            "not_fitting": [n.to_dict() for n in self.not_fitting],
            "notes": list(self.notes),
        }


# ---- step times from the speed model ----------------------------------------------------------------


def step_time_for(
    spec: ModelSpec,
    hw: Hardware,
    d: speed.Deployment,
    calibration: Mapping[str, float] | object | None = None,
    *,
    efficiency: EfficiencyModel | None = None,
    nodes: int = 1,
) -> StepTime:
    """The simulation's step time from planner.core.speed for deployment `d` (already checked):
    a decode-only step is speed.decode_step_seconds at the batch's size and mean depth; a step that
    also reads prompt tokens is speed.prefill_seconds over all its tokens (weights read once, GEMMs
    over prompt and decode tokens) plus the decoding sequences' KV reads. vLLM steps are one forward
    each, timed by planner.core.parallel (vLLM's all-reduces; no dequantisation of 16-bit weights).
    Pipeline stages across `nodes` machines add one network hop per boundary (hw.profile.network_gbps)."""
    if efficiency is None:
        from planner.sources.efficiency_data import default_efficiency

        efficiency = default_efficiency()
    eff = efficiency
    work = speed.work_from_spec(spec, d)
    quant_bits = spec.quant.bits if spec.quant else (8 if d.quantization == "int8" else None)
    feats = speed.features_for(spec.is_moe, hw, d, quant_bits)
    rates, _, _ = speed.rates_for(hw, feats, eff)
    # A calibration scales whole times, as speed.predict_work applies it: decode steps by 1/decode (the KV
    # read by 1/(decode x kv) on top), prefill by 1/prefill.
    dscale, pscale = speed._factor(calibration, "decode"), speed._factor(calibration, "prefill")
    kvscale = speed._factor(calibration, "kv")
    # An optional "batch" factor (fit_batch_factor, from a closed loop of users) scales the batched-decode
    # compute: the single-request calibration cannot see how a step grows with the batch.
    rates = replace(rates, batch_compute=rates.batch_compute * speed._factor(calibration, "batch"))
    layout = speed._Layout(d.tensor_parallel_size, d.layer_split, {**speed.DEFAULT_COMMUNICATION, **eff.communication})
    ubatch = speed.UBATCH[d.engine]
    network = hw.profile.network_gbps * 1e9

    def hops(tokens: int) -> float:
        return (nodes - 1) * (NETWORK_HOP_LATENCY_S + tokens * work.hidden_size * 2 / network)

    if d.engine == "vllm":  # one forward per step; vLLM's all-reduces and no dequantisation of 16-bit weights
        profile = hw.profile
        tp = parallel.TensorParallel.for_vllm(
            d.tensor_parallel_size,
            profile.platform,
            profile.interconnect,
            profile.interconnect_gbps,
            layout.comm["allreduce_latency_s"],
        )
        quantized = spec.quant is not None or d.quantization is not None
        fused = parallel.marlin_fused(profile.platform, profile.arch)

        @lru_cache(maxsize=65536)
        def vllm_step(seqs: int, dbucket: int, tokens: int, pbucket: int) -> float:
            t, kv = parallel.vllm_step_parts(
                work,
                rates,
                tp,
                decode_seqs=seqs,
                decode_depth=dbucket * DEPTH_BUCKET,
                prompt_tokens=tokens,
                prompt_depth=pbucket * DEPTH_BUCKET,
                quantized=quantized,
                fused_dequant=fused,
            )
            return t / (pscale if tokens else dscale) + kv / (dscale * kvscale) + hops(seqs + tokens)

        def step_vllm(decode_seqs: int, decode_depth: float, prefill_tokens: int, prefill_depth: float) -> float:
            pbucket = round(prefill_depth / DEPTH_BUCKET) if prefill_tokens else 0
            return vllm_step(decode_seqs, round(decode_depth / DEPTH_BUCKET), prefill_tokens, pbucket)

        return step_vllm

    if d.engine == "llamacpp" and hw.profile.platform == "cpu":  # one thread reads and computes: the parts add
        # a load-curve calibration's own factors of this step; else the single-stream ones
        keys = ("step_decode", "step_prefill", "step_output_s")
        sd, sp, out = (speed.calibration_value(calibration, k) for k in keys)
        return llamacpp_scheduling.cpu_step(cpu_step_parts(spec, work, rates), sd or dscale, sp or pscale, kvscale, out)

    @lru_cache(maxsize=65536)
    def decode(n: int, bucket: int) -> float:
        fixed, kv = speed.decode_step_parts(work, rates, n, bucket * DEPTH_BUCKET, layout, hw)
        return fixed / dscale + kv / (dscale * kvscale) + hops(n)

    @lru_cache(maxsize=65536)
    def prefill(tokens: int, bucket: int) -> float:
        t = speed.prefill_seconds(work, rates, tokens, bucket * DEPTH_BUCKET, ubatch, layout, hw) / pscale
        return t + hops(tokens)

    def step(decode_seqs: int, decode_depth: float, prefill_tokens: int, prefill_depth: float) -> float:
        depth = round(decode_depth / DEPTH_BUCKET)
        if not prefill_tokens:
            return decode(decode_seqs, depth)
        t = prefill(prefill_tokens + decode_seqs, round(prefill_depth / DEPTH_BUCKET))
        if decode_seqs:
            t += decode(decode_seqs, depth) - decode(decode_seqs, 0)
        return t

    return step


def cpu_step_parts(spec: ModelSpec, work: speed.ModelWork, rates: speed.Rates) -> llamacpp_scheduling.CpuStepParts:
    """The unit costs of a llama.cpp CPU step (engines/llamacpp_scheduling.py) from the speed model's rates."""
    head = spec.vocab_size * spec.hidden_size  # the output head's parameters (the tied embedding or lm_head)
    body = max(0.1 * work.params_active, work.params_active - head * (1 if spec.tie_word_embeddings else 2))
    return llamacpp_scheduling.CpuStepParts(
        read_s=work.read_bytes(1) / rates.bandwidth + rates.layer_seconds(work),
        token_s=2.0 * body / rates.compute,
        output_s=2.0 * head / rates.compute,
        attention_s=4.0 * work.q_dim / rates.attention,
        kv_s=work.kv_bytes_per_token_layer / rates.kv_bandwidth,
        ubatch=speed.UBATCH["llamacpp"],
        attended=work.attended,
    )


def fit_batch_factor(tpot_of: Callable[[float], float], measured_tpot_s: float) -> float:
    """The batch factor at which `tpot_of(factor)` (a step time, or a simulated p50 TPOT of a closed
    loop of users, built with calibration {"batch": factor}) equals the measured TPOT; bisection on a
    log scale, the TPOT falling as the factor grows. Clamped to [1e-3, 1e3]."""
    lo, hi = 1e-3, 1e3
    if tpot_of(hi) >= measured_tpot_s:
        return hi
    if tpot_of(lo) <= measured_tpot_s:
        return lo
    for _ in range(40):
        mid = math.sqrt(lo * hi)
        if tpot_of(mid) > measured_tpot_s:
            lo = mid
        else:
            hi = mid
    return math.sqrt(lo * hi)


def overhead_s(calibration) -> float:
    return speed._overhead(calibration)


# ---- candidates and their fit plans -------------------------------------------------------------------


@dataclass(frozen=True)
class Fitted:
    candidate: Candidate
    scheduler: Scheduler
    context: int
    kv_cache_tokens: int


def candidates(
    spec: ModelSpec,
    profile: HardwareProfile,
    gpus_per_node: int,
    max_gpus: int,
    engines: tuple[str, ...],
    gguf_only: bool = False,
    gguf_quant: str | None = None,
) -> list[Candidate]:
    """Every shape worth simulating, smallest first; fit_candidate drops those that do not fit."""
    out: list[Candidate] = []
    per_node = min(gpus_per_node, max_gpus)
    tps = [t for t in TP_CHOICES if t <= per_node and spec.num_attention_heads % t == 0]
    if "vllm" in engines and not gguf_only and profile.engine("vllm").supported:
        precisions = (
            [("fp16", None)] if spec.quant is not None else [("fp16", None), ("fp16", "gptq"), ("fp16", "int8")]
        )
        for dtype, q in precisions:
            for tp in tps:
                out.append(Candidate(speed.Deployment("vllm", dtype=dtype, quantization=q, tensor_parallel_size=tp)))
            top = tps[-1] if tps else 1
            for pp in range(2, max_gpus // max(1, per_node) + 1):  # pipeline stages across nodes
                d = speed.Deployment("vllm", dtype=dtype, quantization=q, tensor_parallel_size=top)
                out.append(Candidate(d, pipeline_parallel_size=pp, nodes_per_replica=pp))
    splits = [s for s in (1, 2, 4, 8) if s <= per_node]
    quants = [gguf_quant] if gguf_quant else gguf_quants_to_try(spec, ("Q4_K_M", "Q8_0", "F16"))
    if "llamacpp" in engines and profile.engine("llamacpp").supported:
        for q in quants:
            for ls in splits:
                out.append(Candidate(speed.Deployment("llamacpp", quant=q, layer_split=ls)))
            for nodes in range(2, max_gpus // max(1, per_node) + 1):  # RPC: rpc-server on the other nodes
                out.append(
                    Candidate(
                        speed.Deployment("llamacpp", quant=q, layer_split=per_node * nodes), nodes_per_replica=nodes
                    )
                )
    if "ollama" in engines and profile.engine("ollama").supported:
        for q in [gguf_quant] if gguf_quant else gguf_quants_to_try(spec, ("Q4_K_M", "Q8_0")):
            for ls in splits:
                out.append(Candidate(speed.Deployment("ollama", quant=q, layer_split=ls)))
    return out


def context_for(prompt: Lengths, output: Lengths, model_limit: int) -> int:
    """The context a request needs, rounded up to 256 tokens (vLLM --max-model-len, llama.cpp slot size)."""
    need = prompt.maximum + output.maximum
    if need > model_limit:
        raise UsageError(
            "--output-tokens",
            output.maximum,
            f"prompt {prompt.maximum} + output {output.maximum} tokens is beyond the model's context "
            f"of {model_limit:,}",
        )
    return min(model_limit, -(-need // 256) * 256)


def vllm_server(
    spec: ModelSpec, hw: Hardware, opts: VllmOptions, *, chunked_prefill: bool | None = None
) -> tuple[VllmPlan, Scheduler]:
    """vLLM's fit plan and the scheduler the simulation runs for it: the version's rules and budgets
    (planner.engines.vllm_scheduling), the plan's KV blocks. The plan is sized with the scheduler's
    budget (the profile run's tokens) when it differs from the plan's default (V0 chunked prefill)."""
    rules = vllm_scheduling(
        hw, opts, opts.max_model_len or spec.max_position_embeddings, chunked_prefill=chunked_prefill
    )
    opts = vllm_options_for(opts)
    plan = plan_vllm(spec, hw, opts, suggest=False)
    if plan.fits and plan.max_num_batched_tokens != rules.max_num_batched_tokens:
        plan = plan_vllm(spec, hw, replace(opts, max_num_batched_tokens=rules.max_num_batched_tokens), suggest=False)
    sched = Scheduler(
        "vllm",
        rules.max_num_seqs,
        rules.max_num_batched_tokens,
        max(1, plan.kv_cache_tokens),
        opts.block_size,
        prefill_first=rules.prefill_first,
    )
    return plan, sched


def llamacpp_scheduler(spec: ModelSpec, d: speed.Deployment, slots: int, n_ctx: int) -> Scheduler:
    """llama-server with `-np slots` and no --kv-unified (its default when -np is given): each slot owns
    n_ctx / slots cells, a batch splits into equal-split micro-batches over runs of consecutive slots, and a
    model with sliding-window or recurrent layers checkpoints its prompts (engines/llamacpp_scheduling.py)."""
    checkpoints = llamacpp_scheduling.needs_checkpoints(speed.work_from_spec(spec, d).sliding_layers)
    return Scheduler(
        "llamacpp",
        slots,
        LLAMACPP_N_BATCH,
        n_ctx,
        1,
        slot_tokens=max(1, n_ctx // slots),
        prompt_breaks=llamacpp_scheduling.prompt_breaks(checkpoints, LLAMACPP_N_BATCH, speed.UBATCH["llamacpp"]),
        equal_split_ubatch=speed.UBATCH["llamacpp"],
    )


def ollama_scheduler(slots: int, per_slot: int) -> Scheduler:
    """Ollama's runner with OLLAMA_NUM_PARALLEL = slots: num_ctx (per_slot) cells per slot, a batch of
    OLLAMA_NUM_BATCH, and a bounded queue (OLLAMA_MAX_QUEUE)."""
    return Scheduler(
        "ollama", slots, OLLAMA_NUM_BATCH, per_slot * slots, 1, slot_tokens=per_slot, max_queue=OLLAMA_MAX_QUEUE
    )


def fit_candidate(
    spec: ModelSpec,
    profile: HardwareProfile,
    c: Candidate,
    context: int,
    slots: int,
    weights_for: Callable[[str], GGUFWeights] | None,
    vllm: VllmOptions | None = None,
) -> Fitted | str:
    """The engine's fit plan for this shape with `slots` parallel requests: its scheduler, or why not."""
    d = c.deployment
    try:
        if d.engine == "vllm":
            tp, pp = d.tensor_parallel_size, c.pipeline_parallel_size
            opts = replace(
                vllm or VllmOptions(),
                dtype=d.dtype,
                quantization=d.quantization if spec.quant is None else None,
                max_model_len=context,
                tensor_parallel_size=tp,
                pipeline_parallel_size=pp,
            )
            plan, sched = vllm_server(spec, Hardware(profile, tp * pp), opts)
            if not plan.fits:
                return plan.error or "does not fit"
            return Fitted(c, sched, context, plan.kv_cache_tokens)
        if weights_for is None:
            return "no GGUF weights for this model"
        weights = weights_for(d.quant or "Q4_K_M")
        local = Hardware(profile, d.layer_split)
        if d.engine == "llamacpp":
            opts = LlamaCppOptions(ctx_size=context * slots, parallel=slots, kv_unified=False, n_gpu_layers=999)
            plan = plan_llamacpp(spec, weights, local, opts)
            if not plan.fits:
                return plan.error or "does not fit in GPU memory (layers would spill to the CPU)"
            sched = llamacpp_scheduler(spec, d, slots, plan.n_ctx_seq * slots)
            return Fitted(c, sched, plan.n_ctx_seq, plan.kv_cache_tokens)
        plan = plan_ollama(spec, weights, local, OllamaOptions(num_ctx=context, num_parallel=slots))
        if not plan.fits:
            return plan.error or "does not fit in GPU memory (layers would spill to the CPU)"
        return Fitted(c, ollama_scheduler(slots, context), context, plan.kv_cache_tokens)
    except UsageError as exc:
        return exc.message


# ---- launch commands ------------------------------------------------------------------------------------


def launch(
    model_id: str, spec: ModelSpec, profile: HardwareProfile, f: Fitted, replicas: int | None
) -> tuple[str, ...]:
    """Commands for every node of one replica (vLLM docs/serving/parallelism_scaling.md: Ray, TP = GPUs
    per node, PP = nodes; llama.cpp tools/rpc/README.md: ggml-rpc-server on each worker, --rpc on the head)."""
    d, c, s = f.candidate.deployment, f.candidate, f.scheduler
    lines: list[str] = []
    if replicas and replicas > 1:
        lines.append(f"# {replicas} identical replicas behind a load balancer; each replica:")
    if d.engine == "vllm":
        # the checkpoint as `recommend` names it: a known repository, or what to look for (never an invented repo id)
        repo, named = launch_cmd.vllm_checkpoint(model_id, d.quantization)
        lines += named
        dtype = launch_cmd.vllm_dtype_flag(spec, Hardware(profile, d.tensor_parallel_size), d.quantization)
        cmd = f"vllm serve {repo} --dtype {dtype} --max-model-len {f.context}"
        if d.tensor_parallel_size > 1:
            cmd += f" --tensor-parallel-size {d.tensor_parallel_size}"
        if c.pipeline_parallel_size > 1:
            cmd += f" --pipeline-parallel-size {c.pipeline_parallel_size} --distributed-executor-backend ray"
            lines += [
                "# node 1 (head): ray start --head --port 6379",
                f"# nodes 2..{c.nodes_per_replica}: ray start --address <head-ip>:6379",
                "# then on the head node:",
            ]
        return tuple(lines + [cmd])
    if d.engine == "llamacpp":
        file, where = launch_cmd.gguf_source(model_id, d.quant)
        lines.append(where)
        cmd = f"llama-server -m {file} -c {f.context * s.max_seqs} -np {s.max_seqs} -ngl 999 -fa on"
        local = d.layer_split // c.nodes_per_replica
        if local > 1:
            cmd += " --split-mode layer --tensor-split " + ",".join(["1"] * local)
        if c.nodes_per_replica > 1:
            workers = ",".join(f"<node{i}-ip>:50052" for i in range(2, c.nodes_per_replica + 1))
            lines += [
                f"# nodes 2..{c.nodes_per_replica}, llama.cpp built with -DGGML_RPC=ON (the binary is rpc-server in "
                "builds before its rename to ggml-rpc-server):",
                "ggml-rpc-server -H 0.0.0.0 -p 50052",
                "# then on node 1:",
            ]
            cmd += f" --rpc {workers}"
        return tuple(lines + [cmd])
    return tuple(lines) + launch_cmd.ollama_launch(model_id, d.quant, d.backend, f.context, s.max_seqs)


# ---- the search -------------------------------------------------------------------------------------


def choose_slots(
    spec: ModelSpec,
    profile: HardwareProfile,
    c: Candidate,
    context: int,
    step: StepTime,
    tpot_target: float | None,
    depth: float,
    weights_for,
) -> int:
    """llama-server -np / OLLAMA_NUM_PARALLEL: the most slots whose full decode step stays within the
    TPOT target (llama.cpp's auto is 4 slots) and whose KV cache fits."""
    best = 1
    for n in SLOT_CHOICES:
        if tpot_target is not None and step(n, depth, 0, 0.0) > tpot_target:
            break
        if tpot_target is None and n > 4:
            break
        if isinstance(fit_candidate(spec, profile, c, context, n, weights_for), str):
            break
        best = n
    return best


def _at_load(result: SimResult | None) -> dict:
    if result is None:
        return dict.fromkeys(("ttft_p50_s", "ttft_p95_s", "tpot_p50_s", "tpot_p95_s", "e2e_p95_s", "goodput"))
    return {
        "ttft_p50_s": result.ttft.p50,
        "ttft_p95_s": result.ttft.p95,
        "tpot_p50_s": result.tpot.p50,
        "tpot_p95_s": result.tpot.p95,
        "e2e_p95_s": result.e2e.p95,
        "goodput": result.goodput,
    }


def evaluate(
    model_id: str,
    spec: ModelSpec,
    profile: HardwareProfile,
    f: Fitted,
    step: StepTime,
    *,
    prompt: Lengths,
    output: Lengths,
    slo: Slo,
    rate: float | None,
    users: int | None,
    think_time_s: float,
    gpus_per_node: int,
    max_gpus: int,
    price_per_hour: float | None,
    requests: int,
    seed: int,
    curve_points: int,
) -> CapacityCandidate:
    c, d, sched = f.candidate, f.candidate.deployment, f.scheduler
    sat = saturation_rate(sched, step, prompt, output, seed=seed)
    base = Load(prompt, output, rate=max(sat, 1e-6), requests=requests, seed=seed)
    best, light = max_rate(sched, step, base, slo, ceiling=sat)
    reason = None
    replicas = None
    at_load: SimResult | None = light
    if users is not None:
        per_replica, at_load = _max_users(sched, step, prompt, output, slo, users, think_time_s, requests, seed)
        replicas = math.ceil(users / per_replica) if per_replica else None
        if replicas:
            share = math.ceil(users / replicas)
            at_load = run_simulation(
                sched,
                step,
                Load(prompt, output, users=share, think_time_s=think_time_s, requests=requests, seed=seed),
                slo,
            )
    elif best > 0:
        replicas = math.ceil(rate / best * (1 - 1e-9)) if rate else 1
        for _ in range(3):  # p95s are noisy near the edge: add a replica until the share meets the targets
            share = Load(prompt, output, rate=(rate or best) / replicas, requests=requests, seed=seed)
            at_load = run_simulation(sched, step, share, slo)
            if at_load.meets(slo):
                break
            replicas += 1
    if replicas is None:
        reason = "misses the targets even at light load"
        at_load = run_simulation(
            sched, step, Load(prompt, output, rate=max(sat * 0.05, 1e-6), requests=requests, seed=seed), slo
        )
    gpus = replicas * c.gpus_per_replica if replicas else None
    per_node = min(gpus_per_node, max_gpus)
    if replicas is None:
        nodes = None
    elif c.nodes_per_replica > 1:
        nodes = replicas * c.nodes_per_replica
    else:
        nodes = math.ceil(replicas / max(1, per_node // c.gpus_per_replica))
    meets = replicas is not None and gpus is not None and gpus <= max_gpus
    if replicas is not None and gpus is not None and gpus > max_gpus:
        reason = f"needs {gpus} GPUs, more than --max-gpus {max_gpus}"
    served = None
    if replicas is not None and at_load is not None:
        served = at_load.throughput_tokens_per_s * replicas
    cost = price_per_hour * gpus if price_per_hour is not None and gpus else None
    per_million = cost / (served * 3600) * 1e6 if cost is not None and served else None
    curve: tuple[CurvePoint, ...] = ()
    if curve_points:
        pts = []
        for i in range(1, curve_points + 1):
            r = sat * 1.1 * i / curve_points
            res = run_simulation(sched, step, Load(prompt, output, rate=r, requests=requests, seed=seed), slo)
            pts.append(
                CurvePoint(
                    r, res.ttft.p50, res.ttft.p95, res.tpot.p50, res.tpot.p95, res.e2e.p95, res.throughput_tokens_per_s
                )
            )
        curve = tuple(pts)
    return CapacityCandidate(
        engine=d.engine,
        precision=d.precision_label,
        backend=d.backend or "",
        tensor_parallel_size=d.tensor_parallel_size,
        pipeline_parallel_size=c.pipeline_parallel_size if d.engine == "vllm" else d.layer_split,
        gpus_per_replica=c.gpus_per_replica,
        nodes_per_replica=c.nodes_per_replica,
        slots=sched.max_seqs,
        kv_cache_tokens=f.kv_cache_tokens,
        replicas=replicas,
        gpus=gpus,
        nodes=nodes,
        max_rate_per_replica=best,
        saturation_rate_per_replica=sat,
        meets_slo=meets,
        **_at_load(at_load),
        throughput_tokens_per_s=served,
        cost_per_hour=cost,
        cost_per_million_tokens=per_million,
        launch=launch(model_id, spec, profile, f, replicas),
        reason=reason,
        curve=curve,
    )


def _max_users(sched, step, prompt, output, slo, users, think, requests, seed) -> tuple[int, SimResult | None]:
    """The most closed-loop users one replica serves within the targets (bisection on integers)."""

    def run(n: int) -> SimResult:
        return run_simulation(
            sched, step, Load(prompt, output, users=n, think_time_s=think, requests=requests, seed=seed), slo
        )

    first = run(1)
    if not first.meets(slo):
        return 0, None
    lo, hi, best = 1, max(2, users), first
    top = run(hi)
    if top.meets(slo):
        return hi, top
    while hi - lo > 1:
        mid = (lo + hi) // 2
        res = run(mid)
        if res.meets(slo):
            lo, best = mid, res
        else:
            hi = mid
    return lo, best


def mark_pareto(rows: list[CapacityCandidate]) -> list[CapacityCandidate]:
    """Non-dominated on (cost per hour, or GPUs without a price; p95 end-to-end latency) among those
    that meet the targets."""
    ok = [r for r in rows if r.meets_slo and r.e2e_p95_s is not None]

    def cost(r: CapacityCandidate) -> float:
        return r.cost_per_hour if r.cost_per_hour is not None else float(r.gpus or 0)

    front = set()
    for r in ok:
        dominated = any(
            cost(o) <= cost(r) and o.e2e_p95_s <= r.e2e_p95_s and (cost(o) < cost(r) or o.e2e_p95_s < r.e2e_p95_s)
            for o in ok
        )
        if not dominated:
            front.add(id(r))
    return [replace(r, pareto=id(r) in front) for r in rows]


def rank(rows: list[CapacityCandidate]) -> list[CapacityCandidate]:
    """Those that meet the targets first, cheapest (or fewest GPUs), then the lowest p95 latency."""

    def key(r: CapacityCandidate):
        cost = r.cost_per_hour if r.cost_per_hour is not None else float(r.gpus or math.inf)
        return (not r.meets_slo, cost, r.gpus or math.inf, r.e2e_p95_s if r.e2e_p95_s is not None else math.inf)

    return sorted(rows, key=key)


@dataclass(frozen=True)
class CapacityQuery:
    model_id: str
    spec: ModelSpec
    profile: HardwareProfile
    prompt: Lengths
    output: Lengths
    slo: Slo
    rate: float | None = None
    users: int | None = None
    think_time_s: float = 0.0
    gpus_per_node: int = 8
    max_gpus: int = 64
    engines: tuple[str, ...] = ("vllm", "llamacpp", "ollama")
    price_per_hour: float | None = None  # None: the profile's
    seed: int = 0
    requests: int = DEFAULT_REQUESTS
    curve_points: int = 0  # rates per candidate for a latency-vs-rate plot
    gguf_only: bool = False
    gguf_quant: str | None = None
    slots: int | None = None  # force llama-server -np / OLLAMA_NUM_PARALLEL
    notes: tuple[str, ...] = field(default=())
    vllm: VllmOptions | None = None  # vLLM's memory flags (--vllm-version, --kv-cache-memory, --enforce-eager)


def check_query(q: CapacityQuery) -> None:
    if (q.rate is None) == (q.users is None):
        raise UsageError("--rate", q.rate, "give either --rate or --users", hint="e.g. --rate 3 or --users 20")
    if q.rate is not None and not (q.rate > 0 and math.isfinite(q.rate)):
        raise UsageError("--rate", q.rate, "must be a positive number of requests per second")
    if q.users is not None and q.users < 1:
        raise UsageError("--users", q.users, "must be 1 or more")
    if q.think_time_s < 0 or not math.isfinite(q.think_time_s):
        raise UsageError("--think-time", q.think_time_s, "must be 0 or more seconds")
    if q.gpus_per_node < 1:
        raise UsageError("--gpus-per-node", q.gpus_per_node, "must be 1 or more")
    if q.max_gpus < 1:
        raise UsageError("--max-gpus", q.max_gpus, "must be 1 or more")
    for name, value in (("--ttft-p95", q.slo.ttft_s), ("--tpot-p95", q.slo.tpot_s)):
        if value is not None and not (value > 0 and math.isfinite(value)):
            raise UsageError(name, value, "must be a positive number of seconds")
    if q.requests < 50:
        raise UsageError("--requests", q.requests, "need 50 or more simulated requests for stable percentiles")


def plan_capacity(
    q: CapacityQuery,
    *,
    weights_for: Callable[[str], GGUFWeights] | None = None,
    calibration_for: Callable[[Hardware, str, str], object] | None = None,
    efficiency: EfficiencyModel | None = None,
) -> CapacityPlan:
    """Every candidate deployment of q.model on q.profile, ranked, the Pareto frontier marked.

    weights_for(quant) gives GGUF tensor bytes (llama.cpp/Ollama); calibration_for(hw, engine, backend)
    the user's stored speed calibration or None."""
    check_query(q)
    context = context_for(q.prompt, q.output, q.spec.max_position_embeddings)
    price = q.price_per_hour if q.price_per_hour is not None else q.profile.price_per_hour
    depth = q.prompt.mean + q.output.mean / 2
    rows: list[CapacityCandidate] = []
    misses: list[NotFitting] = []
    seen: set[tuple] = set()
    for c in candidates(q.spec, q.profile, q.gpus_per_node, q.max_gpus, q.engines, q.gguf_only, q.gguf_quant):
        d = c.deployment
        key = (d.engine, d.precision_label)
        if key in seen:  # the smallest shape that meets the targets ends the search for this precision
            continue
        hw = Hardware(q.profile, c.gpus_per_replica)
        try:
            d = speed.check_deployment(q.spec, hw, d)
        except UsageError as exc:
            misses.append(NotFitting(d.engine, d.precision_label, exc.message))
            continue
        c = replace(c, deployment=d)
        cal = calibration_for(hw, d.engine, d.backend or "") if calibration_for else None
        step = step_time_for(q.spec, hw, d, cal, efficiency=efficiency, nodes=c.nodes_per_replica)
        slots = 1
        if d.engine != "vllm":
            slots = q.slots or choose_slots(q.spec, q.profile, c, context, step, q.slo.tpot_s, depth, weights_for)
        fitted = fit_candidate(q.spec, q.profile, c, context, slots, weights_for, q.vllm)
        if isinstance(fitted, str):
            if not any(m.engine == d.engine and m.precision == d.precision_label for m in misses):
                misses.append(NotFitting(d.engine, d.precision_label, fitted))
            continue
        misses = [m for m in misses if not (m.engine == d.engine and m.precision == d.precision_label)]
        sched = replace(fitted.scheduler, ttft_overhead_s=overhead_s(cal))
        fitted = replace(fitted, scheduler=sched)
        row = evaluate(
            q.model_id,
            q.spec,
            q.profile,
            fitted,
            step,
            prompt=q.prompt,
            output=q.output,
            slo=q.slo,
            rate=q.rate,
            users=q.users,
            think_time_s=q.think_time_s,
            gpus_per_node=q.gpus_per_node,
            max_gpus=q.max_gpus,
            price_per_hour=price,
            requests=q.requests,
            seed=q.seed,
            curve_points=q.curve_points,
        )
        rows.append(row)
        if row.meets_slo or c.nodes_per_replica > 1:
            seen.add(key)
    rows = rank(mark_pareto(rows))
    notes = list(q.notes)
    if price is None:
        notes.append("no price known: ranked by GPU count (--price NAME=USD per GPU-hour adds costs)")
    return CapacityPlan(
        model=q.model_id,
        hardware=q.profile.name,
        rate=q.rate,
        users=q.users,
        think_time_s=q.think_time_s,
        prompt_tokens=q.prompt.describe(),
        output_tokens=q.output.describe(),
        targets=q.slo,
        gpus_per_node=q.gpus_per_node,
        max_gpus=q.max_gpus,
        price_per_hour=price,
        candidates=tuple(rows),
        not_fitting=tuple(misses),
        notes=tuple(notes),
    )


# ---- flag values ----------------------------------------------------------------------------------------


def parse_lengths(text: str, option: str) -> Lengths:
    """800 (fixed) or uniform:400-1200; file:PATH is read by planner.sources.loadgen.read_lengths."""
    raw = str(text).strip().lower()
    hint = "e.g. 800, uniform:400-1200 or file:lengths.txt (one length a line)"
    try:
        if raw.startswith("uniform:"):
            low, high = (int(x) for x in raw[8:].split("-", 1))
            if not 1 <= low <= high:
                raise ValueError
            return Lengths.uniform(low, high)
        n = int(raw)
        if n < 1:
            raise ValueError
        return Lengths.fixed(n)
    except ValueError:
        raise UsageError(option, text, "not a token length or distribution", hint=hint) from None


def parse_price(values: list[str] | tuple[str, ...], profile_name: str) -> float | None:
    """--price NAME=USD (per GPU-hour) for the profile in use, or a bare USD; None when none applies."""
    found = None
    for value in values:
        name, _, usd = value.rpartition("=")
        try:
            price = float(usd)
        except ValueError:
            raise UsageError("--price", value, "not NAME=USD", hint="e.g. --price mi50-16gb=0.15") from None
        if not (price >= 0 and math.isfinite(price)):
            raise UsageError("--price", value, "must be 0 or more USD per GPU-hour")
        if not name or name.strip().lower() == profile_name:
            found = price
    return found
