"""`mi50plan predict`, `recommend` and `compare`: how fast, which deployment, and why one is faster.

Memory verdicts come from the engines' fit plans (planner.engines.vllm / llamacpp / ollama); speed from
planner.core.speed (docs/methodology.md section 5).
"""

from __future__ import annotations

import math
import re
from dataclasses import asdict, dataclass

import typer
from tabulate import tabulate

from planner.cli import options as o
from planner.cli.fit import CalibrationUse, gguf_weights, load_hardware
from planner.cli.output import emit
from planner.core.efficiency import level_contributions
from planner.core.hardware import Hardware
from planner.core.speed import (
    BACKENDS,
    Deployment,
    Prediction,
    check_concurrency,
    check_deployment,
    features_for,
    predict,
    work_from_spec,
)
from planner.engines.llamacpp import LlamaCppOptions, plan_llamacpp
from planner.engines.ollama import OllamaOptions, plan_ollama
from planner.engines.vllm import VllmOptions, plan_vllm
from planner.errors import ExitCode, PlannerError, UsageError
from planner.sources import catalog
from planner.sources.efficiency_data import default_efficiency
from planner.sources.models import ResolvedModel, resolve_model

BackendOpt = o.Annotated[
    str | None, typer.Option("--backend", help="llama.cpp/Ollama backend: rocm, vulkan, cuda, cpu.")
]
QuantOpt = o.Annotated[
    str | None, typer.Option("--quant", help="GGUF quant for llama.cpp/Ollama: Q4_0, Q4_K_M, Q8_0...")
]
PromptOpt = o.Annotated[int, typer.Option("--prompt-tokens", help="Prompt length in tokens.")]
OutputOpt = o.Annotated[int, typer.Option("--output-tokens", help="Generated tokens per request.")]
DepthOpt = o.Annotated[
    int, typer.Option("--context-depth", help="Tokens already in the context (llama-bench -d).")
]
ConcOpt = o.Annotated[str, typer.Option("--concurrency", help="Concurrent streams, e.g. 1,4,16.")]
DEFAULT_CONTEXT = 4096  # the context recommend plans when --max-model-len is not given (Ollama's default)
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


class DoesNotFit(PlannerError):
    exit_code = ExitCode.DOES_NOT_FIT


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
    max_model_len: int | None,
    cals: CalibrationUse | None = None,
) -> Verdict:
    """The memory plan of the engine itself (vLLM, llama.cpp, Ollama) for this deployment.

    `cals` applies the user's stored vLLM memory corrections (none when it is None)."""
    spec = resolved.spec
    try:
        if d.engine == "vllm":
            opts = VllmOptions(
                dtype=d.dtype,
                quantization=d.quantization if spec.quant is None else None,
                max_model_len=max_model_len,
                tensor_parallel_size=d.tensor_parallel_size,
            )
            if cals is not None:
                opts = cals.vllm(opts, hw)
            plan = plan_vllm(spec, Hardware(hw.profile, hw.count), opts, suggest=False)
            return Verdict(
                plan.fits, plan.error, plan.max_model_len, plan.max_concurrency, plan.kv_cache_tokens
            )
        weights = gguf_weights(resolved, d.quant)
        used = Hardware(hw.profile, d.layer_split)
        if d.engine == "llamacpp":
            plan = plan_llamacpp(
                spec, weights, used, LlamaCppOptions(ctx_size=max_model_len or DEFAULT_CONTEXT, parallel=1)
            )
        else:
            plan = plan_ollama(spec, weights, used, OllamaOptions(num_ctx=max_model_len))
    except UsageError as exc:
        return Verdict(False, exc.message, max_model_len or 0, 0.0, 0)
    reason = plan.error or (
        None if plan.fits else "does not fit in GPU memory (layers would spill to the CPU)"
    )
    return Verdict(plan.fits, reason, plan.max_model_len, plan.max_concurrency, plan.kv_cache_tokens)


def parse_concurrency(text: str) -> list[int]:
    try:
        values = [int(v) for v in text.replace(" ", "").split(",") if v]
    except ValueError:
        raise UsageError(
            "--concurrency", text, "not a list of whole numbers", hint="e.g. --concurrency 1,4,16"
        ) from None
    if not values or min(values) < 1:
        raise UsageError("--concurrency", text, "must be 1 or more", hint="e.g. --concurrency 1,4,16")
    return sorted(set(values))


def parse_latency(text: str | None) -> float | None:
    if text is None:
        return None
    m = re.fullmatch(r"\s*([0-9.]+)\s*(ms|s)?\s*", text)
    if not m:
        raise UsageError("--max-latency", text, "not a duration", hint="e.g. 2s or 1500ms")
    value = float(m.group(1)) / (1000 if m.group(2) == "ms" else 1)
    if value <= 0:
        raise UsageError("--max-latency", text, "must be positive")
    return value


def deployments_for(
    engine: str,
    dtype: str,
    quantization: str | None,
    quant: str | None,
    tp: int,
    backend: str | None,
    resolved: ResolvedModel,
) -> list[Deployment]:
    from planner.cli.fit import parse_engines

    out = []
    gguf_only = resolved.gguf is not None or resolved.source == "ollama-store"
    for e in parse_engines(engine):
        if e == "vllm":
            if gguf_only:
                continue
            dt = "fp16" if dtype in ("auto", "float16", "half") else dtype
            out.append(Deployment("vllm", None, dtype=dt, quantization=quantization, tensor_parallel_size=tp))
        else:
            q = (
                quant
                or resolved.default_quant
                or (resolved.gguf.quant if resolved.gguf is not None else "Q4_K_M")
            )
            out.append(Deployment(e, backend, quant=q, layer_split=1))
    return out


def prediction_json(p: Prediction, verdict: Verdict | None = None) -> dict:
    data = asdict(p)
    data["notes"] = list(p.notes)
    key = "dtype" if p.engine == "vllm" else "quant"
    data[key] = p.precision
    if verdict is not None:
        data["context"] = verdict.context
        data["max_concurrency"] = verdict.max_concurrency
    return data


def _band(v: float, lo: float, hi: float, fmt: str = ".0f") -> str:
    return f"{v:{fmt}} ({lo:{fmt}}-{hi:{fmt}})"


def render_predict(data: dict) -> str:
    out = [
        f"{data['model']} on {data['hardware']['count']} x {data['hardware']['display_name']}: "
        f"prompt {data['prompt_tokens']}, output {data['output_tokens']}, depth {data['context_depth']}",
        "",
    ]
    rows = []
    for p in data["predictions"]:
        rows.append(
            [
                f"{p['engine']} {p['backend']}",
                p.get("dtype") or p.get("quant"),
                p["concurrency"],
                _band(
                    p["prefill_tokens_per_s"], p["prefill_tokens_per_s_low"], p["prefill_tokens_per_s_high"]
                ),
                _band(p["ttft_s"], p["ttft_s_low"], p["ttft_s_high"], ".2f"),
                _band(p["decode_tokens_per_s"], p["decode_tokens_per_s_low"], p["decode_tokens_per_s_high"]),
                f"{p['tpot_s'] * 1000:.1f} ms",
                _band(p["e2e_s"], p["e2e_s_low"], p["e2e_s_high"], ".2f"),
                _band(
                    p["throughput_tokens_per_s"],
                    p["throughput_tokens_per_s_low"],
                    p["throughput_tokens_per_s_high"],
                ),
            ]
        )
    out.append(
        tabulate(
            rows,
            headers=[
                "engine",
                "precision",
                "conc",
                "prefill tok/s",
                "TTFT s",
                "decode tok/s",
                "TPOT",
                "e2e s",
                "throughput tok/s",
            ],
            tablefmt="simple",
        )
    )
    for r in data.get("rejected", []):
        out.append(f"rejected: {r['deployment']}: {r['reason']}")
    notes = sorted({n for p in data["predictions"] for n in p["notes"]})
    out += [f"note: {n}" for n in notes]
    out += [f"calibrated: {c}" for c in data.get("calibrations", [])]
    out.append("bands: leave-one-out spread of the fitted factors (docs/methodology.md section 5)")
    return "\n".join(out)


def _hw_json(hw: Hardware) -> dict:
    return {
        "name": hw.name,
        "display_name": hw.profile.display_name,
        "count": hw.count,
        "bandwidth_gbps": hw.profile.bandwidth_gbps,
    }


def _label(d: Deployment) -> str:
    if d.engine == "vllm":
        parts = ["vLLM", d.quantization or "", d.dtype]
        if d.tensor_parallel_size > 1:
            parts.append(f"TP{d.tensor_parallel_size}")
    else:
        parts = ["Ollama" if d.engine == "ollama" else "llama.cpp", d.quant or "", d.backend or ""]
        if d.layer_split > 1:
            parts.append(f"split x{d.layer_split}")
    return " ".join(p for p in parts if p)


PREDICT_HELP = """How fast will MODEL run: prefill, TTFT, decode tok/s, TPOT, end-to-end latency, throughput.

Each figure carries a band (the leave-one-out spread of the fitted efficiency factors). A deployment
that does not fit exits 5 with the engine's own reason; a concurrency the KV cache cannot hold exits 2.

Examples:

  mi50plan predict Qwen/Qwen2.5-1.5B-Instruct --engine vllm --prompt-tokens 32 --output-tokens 128

  mi50plan predict meta-llama/Llama-2-7b-hf --engine llamacpp --quant Q4_0 --backend rocm --hardware mi50-32gb

  mi50plan predict Qwen/Qwen2.5-7B-Instruct --engine ollama --concurrency 1,4 --context-depth 2048 --json
"""


def predict_command(
    model: o.ModelArg,
    engine: o.EngineOpt = "all",
    hardware: o.HardwareOpt = "mi50-16gb",
    gpus: o.GpusOpt = 1,
    dtype: o.DtypeOpt = "auto",
    quantization: o.QuantizationOpt = None,
    quant: QuantOpt = None,
    max_model_len: o.MaxModelLenOpt = None,
    tensor_parallel_size: o.TpOpt = 1,
    backend: BackendOpt = None,
    prompt_tokens: PromptOpt = 32,
    output_tokens: OutputOpt = 128,
    context_depth: DepthOpt = 0,
    concurrency: ConcOpt = "1",
    offline: o.OfflineOpt = False,
    no_calibration: o.NoCalibrationOpt = False,
    as_json: o.JsonOpt = False,
) -> None:
    hw = load_hardware(hardware, gpus)
    levels = parse_concurrency(concurrency)
    resolved = resolve_model(model, offline=offline)
    spec = resolved.spec
    window = max_model_len or spec.max_position_embeddings
    if context_depth + prompt_tokens + output_tokens > window:
        raise UsageError(
            "--prompt-tokens",
            prompt_tokens,
            f"with --output-tokens {output_tokens} and --context-depth {context_depth} the request needs "
            f"{context_depth + prompt_tokens + output_tokens:,} tokens; the context holds {window:,}",
            hint="shorten the request, or raise --max-model-len (up to the model's context)",
        )
    deployments = deployments_for(engine, dtype, quantization, quant, tensor_parallel_size, backend, resolved)
    cals = CalibrationUse(enabled=not no_calibration)
    single = len(deployments) == 1
    predictions, rejected = [], []
    for d in deployments:
        try:
            d = check_deployment(spec, hw, d)
        except UsageError as exc:
            if single:
                raise
            rejected.append({"deployment": _label(d), "reason": exc.message})
            continue
        verdict = fit_verdict(resolved, hw, d, max_model_len, cals)
        if not verdict.fits:
            if single:
                raise DoesNotFit(
                    f"{_label(d)} does not fit on {hw.count} x {hw.profile.display_name}: {verdict.reason}",
                    hint=f"`mi50plan fit {model} --engine {d.engine}` shows the plan and what would fit; "
                    f"`mi50plan recommend {model}` ranks what does",
                )
            rejected.append({"deployment": _label(d), "reason": verdict.reason})
            continue
        need = context_depth + prompt_tokens + output_tokens
        max_at_len = verdict.max_concurrency * verdict.context / max(1, need) if verdict.context else None
        for c in levels:
            check_concurrency(c, max_at_len, need)
            p = predict(
                spec,
                hw,
                d,
                prompt_tokens,
                output_tokens,
                c,
                context_depth,
                cals.speed(hw, d.engine, d.backend),
                context_limit=verdict.context,
            )
            predictions.append(prediction_json(p, verdict))
    if not predictions:
        raise DoesNotFit(
            f"no deployment of {model} fits: "
            + "; ".join(f"{r['deployment']}: {r['reason']}" for r in rejected),
            hint="try --hardware with more memory, --gpus 2, or a smaller --quant",
        )
    data = {
        "model": spec.model_id,
        "hardware": _hw_json(hw),
        "prompt_tokens": prompt_tokens,
        "output_tokens": output_tokens,
        "context_depth": context_depth,
        "predictions": predictions,
        "rejected": rejected,
        "calibrations": cals.applied(),
    }
    emit(data, as_json, render_predict)


# ---- recommend ------------------------------------------------------------------------------------


def candidates(resolved: ResolvedModel, hw: Hardware) -> list[Deployment]:
    """vLLM fp16 and int4/int8, llama.cpp and Ollama GGUF quants, TP or layer split over the GPUs."""
    spec = resolved.spec
    out: list[Deployment] = []
    tps = [t for t in (1, 2, 4, 8) if t <= hw.count and spec.num_attention_heads % t == 0]
    gguf_only = resolved.gguf is not None or resolved.source == "ollama-store"
    if not gguf_only:
        for tp in tps:
            if spec.quant is not None:
                out.append(Deployment("vllm", dtype="fp16", tensor_parallel_size=tp))
                continue
            out.append(Deployment("vllm", dtype="fp16", tensor_parallel_size=tp))
            for q in ("gptq", "awq", "int8"):
                out.append(Deployment("vllm", dtype="fp16", quantization=q, tensor_parallel_size=tp))
    splits = [1] + ([hw.count] if hw.count > 1 else [])
    support = hw.profile.engine("llamacpp")
    backends = [
        b
        for b in (support.backends or ["rocm" if hw.profile.platform == "rocm" else hw.profile.platform])
        if b != "cpu" or hw.profile.platform == "cpu"
    ]
    quants = (
        [resolved.gguf.quant]
        if resolved.gguf is not None
        else ["Q4_0", "Q4_K_M", "Q5_K_M", "Q6_K", "Q8_0", "F16"]
    )
    for ls in splits:
        for b in backends:
            for q in quants:
                out.append(Deployment("llamacpp", b, quant=q, layer_split=ls))
        for q in [resolved.gguf.quant] if resolved.gguf is not None else ["Q4_K_M", "Q4_0", "Q8_0", "F16"]:
            out.append(Deployment("ollama", None, quant=q, layer_split=ls))
    return out


def evaluate(
    resolved: ResolvedModel,
    hw: Hardware,
    max_model_len: int | None,
    prompt: int,
    output: int,
    cals: CalibrationUse | None = None,
) -> list[dict]:
    """Every candidate deployment: its fit verdict and, when it fits, its (calibrated) prediction."""
    rows = []
    spec = resolved.spec
    for d in candidates(resolved, hw):
        entry = {"deployment": _label(d), "engine": d.engine, "fits": False, "reason": None}
        try:
            d = check_deployment(spec, hw, d)
        except UsageError as exc:
            rows.append({**entry, "reason": exc.message})
            continue
        entry["deployment"] = _label(d)
        verdict = fit_verdict(
            resolved, hw, d, max_model_len or (DEFAULT_CONTEXT if d.engine != "ollama" else None), cals
        )
        if not verdict.fits:
            rows.append({**entry, "reason": verdict.reason, "_d": d})
            continue
        try:
            cal = cals.speed(hw, d.engine, d.backend) if cals is not None else None
            p = predict(spec, hw, d, prompt, output, 1, 0, cal, context_limit=verdict.context)
        except UsageError as exc:
            rows.append({**entry, "reason": exc.message, "_d": d})
            continue
        need = prompt + output
        max_conc = (
            max(1, math.floor(verdict.max_concurrency * verdict.context / need)) if d.engine == "vllm" else 1
        )
        top = min(max_conc, 256)
        busy = predict(spec, hw, d, prompt, output, top, 0, cal, context_limit=verdict.context)
        rows.append(
            {
                **entry,
                "fits": True,
                "_d": d,
                "prediction": prediction_json(p, verdict),
                "context": verdict.context,
                "kv_cache_tokens": verdict.kv_cache_tokens,
                "max_concurrency": top,
                "throughput_tokens_per_s": busy.throughput_tokens_per_s,
                "quality_bits": QUALITY_BITS.get(d.quantization or d.quant or d.dtype, 4.5),
            }
        )
    return rows


def rank(rows: list[dict], goal: str, max_latency: float | None) -> list[dict]:
    fit = [r for r in rows if r["fits"]]
    for r in fit:
        r["meets_goal"] = max_latency is None or r["prediction"]["e2e_s"] <= max_latency
        if not r["meets_goal"]:
            r["reason"] = f"fits, but predicted e2e {r['prediction']['e2e_s']:.2f} s > {max_latency:g} s"
    if goal == "throughput":
        key = lambda r: (not r["meets_goal"], -r["throughput_tokens_per_s"])  # noqa: E731
    elif goal == "context":
        key = lambda r: (not r["meets_goal"], -r["kv_cache_tokens"], r["prediction"]["e2e_s"])  # noqa: E731
    elif goal == "latency" and max_latency is None:
        key = lambda r: r["prediction"]["e2e_s"]  # noqa: E731
    else:  # a latency target (or the largest model): the best quality that meets it, then the fastest
        key = lambda r: (not r["meets_goal"], -r["quality_bits"], r["prediction"]["e2e_s"])  # noqa: E731
    return sorted(fit, key=key)


def launch_command(model_id: str, d: Deployment, context: int, hw: Hardware) -> list[str]:
    if d.engine == "vllm":
        repo = model_id
        lines = []
        if d.quantization:
            suffix = {"gptq": "-GPTQ-Int4", "awq": "-AWQ", "int8": "-GPTQ-Int8"}[d.quantization]
            repo = model_id + suffix
            lines.append(f"# a pre-quantized checkpoint, e.g. {repo} (vLLM reads its quantization_config)")
        cmd = f"vllm serve {repo} --dtype float16 --max-model-len {context}"
        if d.tensor_parallel_size > 1:
            cmd += f" --tensor-parallel-size {d.tensor_parallel_size}"
        return lines + [cmd]
    if d.engine == "llamacpp":
        base = model_id.split("/")[-1]
        cmd = f"llama-server -m {base}-{d.quant}.gguf -c {context} -ngl 999 -fa on"
        if d.layer_split > 1:
            cmd += " --split-mode layer --tensor-split " + ",".join(["1"] * d.layer_split)
        build = {
            "rocm": "HIP build (-DGGML_HIP=ON -DAMDGPU_TARGETS=" + hw.profile.arch + ")",
            "vulkan": "Vulkan build (-DGGML_VULKAN=ON)",
            "cuda": "CUDA build",
            "cpu": "CPU build",
        }
        return [f"# {build.get(d.backend or '', '')}", cmd]
    tags = [t for t, v in catalog.ollama_tags().items() if v.get("model") == model_id]
    tag = min(tags, key=len) if tags else None
    tag = tag or f"hf.co/{model_id}-GGUF:{d.quant}"
    env = [f"OLLAMA_CONTEXT_LENGTH={context}", "OLLAMA_NUM_PARALLEL=1", "OLLAMA_FLASH_ATTENTION=1"]
    if d.backend == "vulkan":
        env.insert(0, "OLLAMA_VULKAN=1")
    return [
        " ".join(env) + " ollama serve",
        "# Modelfile:",
        f"FROM {tag}",
        f"PARAMETER num_ctx {context}",
        "PARAMETER num_gpu 999",
        f"# the tag's {d.quant} file; `ollama create my-model -f Modelfile`",
    ]


def render_recommend(data: dict) -> str:
    out = [
        f"{data['goal']} goal"
        + (f", e2e <= {data['max_latency_s']:g} s" if data["max_latency_s"] else "")
        + f" for prompt {data['prompt_tokens']} / output {data['output_tokens']} tokens on "
        f"{data['hardware']['count']} x {data['hardware']['display_name']}",
        "",
    ]
    for m in data["models"]:
        out.append(f"{m['model']}:")
        rows = []
        for r in m["ranked"]:
            p = r["prediction"]
            rows.append(
                [
                    ("* " if r["meets_goal"] else "  ") + r["deployment"],
                    _band(
                        p["decode_tokens_per_s"], p["decode_tokens_per_s_low"], p["decode_tokens_per_s_high"]
                    ),
                    _band(p["ttft_s"], p["ttft_s_low"], p["ttft_s_high"], ".2f"),
                    _band(p["e2e_s"], p["e2e_s_low"], p["e2e_s_high"], ".2f"),
                    f"{r['throughput_tokens_per_s']:.0f} @{r['max_concurrency']}",
                    f"{r['context']:,}",
                ]
            )
        if rows:
            out.append(
                tabulate(
                    rows,
                    headers=[
                        "deployment (* meets goal)",
                        "decode tok/s",
                        "TTFT s",
                        "e2e s",
                        "throughput",
                        "context",
                    ],
                    tablefmt="simple",
                )
            )
        for r in m["rejected"]:
            out.append(f"  rejected: {r['deployment']}: {r['reason']}")
        out.append("")
    w = data.get("winner")
    if w:
        out.append(
            f"recommended: {w['model']}  {w['deployment']}  (predicted e2e {w['e2e_s']:.2f} s, "
            f"decode {w['decode_tokens_per_s']:.0f} tok/s)"
        )
        out += ["  " + line for line in w["launch"]]
    else:
        out.append("no deployment meets the goal: see the rejections above")
    out += [f"calibrated: {c}" for c in data.get("calibrations", [])]
    return "\n".join(out)


RECOMMEND_HELP = """Which deployment should serve MODEL (or the largest model of --family) on this hardware?

Enumerates vLLM fp16 and GPTQ/AWQ int4/int8, llama.cpp and Ollama GGUF quants, tensor parallel or layer
split over --gpus; rejects what does not fit (with the engine's own error) or misses the goal; ranks the
rest and prints the launch command of the winner. With --max-latency the winner is the highest-precision
deployment whose predicted e2e latency meets it.

Examples:

  mi50plan recommend Qwen/Qwen2.5-7B-Instruct --hardware mi50-16gb --max-latency 2s

  mi50plan recommend --family qwen2.5 --hardware mi50-16gb --gpus 2

  mi50plan recommend Qwen/Qwen2.5-14B-Instruct --goal throughput --json
"""


def recommend_command(
    model: str | None = typer.Argument(None, help="Model to deploy (or use --family)."),
    family: str | None = typer.Option(
        None, "--family", help="Pick the largest catalog model of this family."
    ),
    goal: str = typer.Option("latency", "--goal", help="latency, throughput, context or largest."),
    max_latency: str | None = typer.Option(None, "--max-latency", help="End-to-end latency target, e.g. 2s."),
    hardware: o.HardwareOpt = "mi50-16gb",
    gpus: o.GpusOpt = 1,
    max_model_len: o.MaxModelLenOpt = None,
    prompt_tokens: PromptOpt = 32,
    output_tokens: OutputOpt = 128,
    offline: o.OfflineOpt = False,
    no_calibration: o.NoCalibrationOpt = False,
    as_json: o.JsonOpt = False,
) -> None:
    goal = goal.lower()
    if goal not in ("latency", "throughput", "context", "largest"):
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
            i for i in catalog.catalog_ids() if fam in i.lower().replace(" ", "") and "gptq" not in i.lower()
        ]
        if not ids:
            raise UsageError(
                "--family", family, "no catalog model matches", hint="`mi50plan models` lists the catalog"
            )
        goal = "largest" if goal == "latency" and latency is None else goal
    else:
        ids = [model]
    models = []
    cals = CalibrationUse(enabled=not no_calibration)
    for mid in ids:
        resolved = resolve_model(mid, offline=offline or family is not None)
        rows = evaluate(resolved, hw, max_model_len, prompt_tokens, output_tokens, cals)
        ranked = rank(rows, goal, latency)
        rejected = [r for r in rows if not r["fits"]] + [r for r in ranked if not r["meets_goal"]]
        from planner.core.tensors import count_params

        models.append(
            {
                "model": resolved.spec.model_id,
                "parameters": count_params(resolved.spec).total,
                "resolved": resolved,
                "ranked": ranked,
                "rejected": rejected,
            }
        )
    winner = None
    order = sorted(models, key=lambda m: -m["parameters"]) if family is not None else models
    for m in order:
        best = next((r for r in m["ranked"] if r["meets_goal"]), None)
        if best is not None:
            p = best["prediction"]
            winner = {
                "model": m["model"],
                "deployment": best["deployment"],
                "engine": best["engine"],
                "e2e_s": p["e2e_s"],
                "decode_tokens_per_s": p["decode_tokens_per_s"],
                "launch": launch_command(m["model"], best["_d"], best["context"], hw),
            }
            break

    def clean(r: dict) -> dict:
        return {k: v for k, v in r.items() if not k.startswith("_")}

    data = {
        "goal": goal,
        "max_latency_s": latency,
        "prompt_tokens": prompt_tokens,
        "output_tokens": output_tokens,
        "hardware": _hw_json(hw),
        "models": [
            {
                "model": m["model"],
                "parameters": m["parameters"],
                "ranked": [clean(r) for r in m["ranked"]],
                "rejected": [{"deployment": r["deployment"], "reason": r["reason"]} for r in m["rejected"]],
            }
            for m in models
        ],
        "winner": winner,
        "calibrations": cals.applied(),
    }
    emit(data, as_json, render_recommend)


# ---- compare --------------------------------------------------------------------------------------


VLLM_PRECISIONS = (
    "auto", "fp16", "float16", "half", "bf16", "bfloat16", "fp32", "float32", "fp8", "gptq", "awq", "int8"
)


def parse_setup(text: str) -> tuple[str, Deployment]:
    parts = text.split()
    if len(parts) < 2:
        raise UsageError(
            "SETUP",
            text,
            "expected 'MODEL ENGINE [PRECISION]'",
            hint='e.g. "Qwen/Qwen2.5-7B-Instruct ollama Q4_K_M"',
        )
    model, engine = parts[0], parts[1].lower().replace("llama.cpp", "llamacpp")
    prec = parts[2] if len(parts) > 2 else None
    if len(parts) > 4 or (len(parts) > 3 and parts[3].lower() not in BACKENDS):
        raise UsageError(
            "SETUP", text, "expected 'MODEL ENGINE [PRECISION [BACKEND]]'", hint=f"backends: {', '.join(BACKENDS)}"
        )
    if engine == "vllm" and prec and prec.lower() not in VLLM_PRECISIONS:
        raise UsageError(
            "SETUP", text, f"unknown vLLM precision '{prec}'", hint=f"use one of {', '.join(VLLM_PRECISIONS)}"
        )
    if engine == "vllm":
        if prec and prec.lower() in ("gptq", "awq", "int8"):
            return model, Deployment("vllm", dtype="fp16", quantization=prec.lower())
        return model, Deployment(
            "vllm", dtype={"float16": "fp16", None: "fp16"}.get(prec, (prec or "fp16").lower())
        )
    if engine not in ("llamacpp", "ollama"):
        raise UsageError("SETUP", text, f"unknown engine '{parts[1]}'", hint="use vllm, llamacpp or ollama")
    return model, Deployment(engine, parts[3].lower() if len(parts) > 3 else None, quant=prec or "Q4_K_M")


def decode_split(
    pa: Prediction, pb: Prediction, fa, fb, decode_cal_a: float = 1.0, decode_cal_b: float = 1.0
) -> dict:
    """Split the decode time ratio b/a into bytes x precision kernels (model) and engine x backend.

    A stored calibration is per hardware + engine + backend, so its decode factor counts with the
    engine and backend."""
    eff = default_efficiency()
    ca, cb = level_contributions(eff.decode, "decode", fa), level_contributions(eff.decode, "decode", fb)
    work_a, work_b = pa.decode_bytes_per_token, pb.decode_bytes_per_token
    ratio = pa.decode_tokens_per_s / pb.decode_tokens_per_s  # how many times slower b decodes
    bytes_factor = work_b / work_a
    precision_factor = math.exp((ca["precision"] + ca["moe"]) - (cb["precision"] + cb["moe"]))
    engine_factor = math.exp((ca["engine"] + ca["backend"]) - (cb["engine"] + cb["backend"]))
    engine_factor *= decode_cal_a / decode_cal_b
    hardware_factor = math.exp(ca["arch"] - cb["arch"])
    model_factor = bytes_factor * precision_factor
    total_log = math.log(ratio) if ratio > 0 and abs(math.log(ratio)) > 1e-9 else 1e-9
    return {
        "decode_ratio": ratio,
        "bytes_per_token_factor": bytes_factor,
        "precision_kernel_factor": precision_factor,
        "model_size_and_precision_factor": model_factor,
        "engine_and_backend_factor": engine_factor,
        "hardware_factor": hardware_factor,
        "residual_factor": ratio / (model_factor * engine_factor * hardware_factor),
        "model_size_and_precision_share": math.log(model_factor) / total_log,
        "engine_and_backend_share": math.log(engine_factor) / total_log,
    }


def render_compare(data: dict) -> str:
    a, b = data["setups"]
    rows = []
    for key, label, fmt in (
        ("decode_tokens_per_s", "decode tok/s", ".0f"),
        ("prefill_tokens_per_s", "prefill tok/s", ".0f"),
        ("ttft_s", "TTFT s", ".3f"),
        ("tpot_s", "TPOT s", ".4f"),
        ("e2e_s", "e2e s", ".2f"),
    ):
        rows.append(
            [
                label,
                _band(a[key], a[f"{key}_low"], a[f"{key}_high"], fmt),
                _band(b[key], b[f"{key}_low"], b[f"{key}_high"], fmt),
            ]
        )
    rows.append(
        [
            "bytes read / token",
            f"{a['decode_bytes_per_token'] / 1e9:.2f} GB",
            f"{b['decode_bytes_per_token'] / 1e9:.2f} GB",
        ]
    )
    rows.append(
        [
            "decode efficiency",
            f"{a['decode_efficiency']:.0%} of bandwidth",
            f"{b['decode_efficiency']:.0%} of bandwidth",
        ]
    )
    s = data["split"]
    out = [
        f"on {data['hardware']['count']} x {data['hardware']['display_name']}, "
        f"prompt {data['prompt_tokens']}, "
        f"output {data['output_tokens']}",
        "",
        tabulate(rows, headers=["", a["setup"], b["setup"]], tablefmt="simple"),
        "",
        f"decode: B is {s['decode_ratio']:.2f}x slower per token than A, split into",
        f"  model size and precision  x{s['model_size_and_precision_factor']:.2f}  "
        f"({s['model_size_and_precision_share']:.0%} of the gap): "
        f"bytes per token x{s['bytes_per_token_factor']:.2f}, "
        f"precision kernels x{s['precision_kernel_factor']:.2f}",
        f"  engine and backend        x{s['engine_and_backend_factor']:.2f}  "
        f"({s['engine_and_backend_share']:.0%} of the gap)",
    ]
    if abs(math.log(s["hardware_factor"])) > 1e-6:
        out.append(f"  hardware                  x{s['hardware_factor']:.2f}")
    out.append(f"e2e: B takes {data['e2e_ratio']:.2f}x as long as A")
    out += [f"calibrated: {c}" for c in data.get("calibrations", [])]
    return "\n".join(out)


COMPARE_HELP = """Two deployments side by side; the speed gap split into model size/precision and engine.

Each SETUP is "MODEL ENGINE [PRECISION [BACKEND]]". The decode gap is split multiplicatively: bytes read
per token and the precision's kernel efficiency (the model), the engine's and backend's fitted factors
(the serving stack); shares are of the log ratio.

Example:

  mi50plan compare "Qwen/Qwen2.5-1.5B-Instruct vllm fp16" "Qwen/Qwen2.5-7B-Instruct ollama Q4_K_M"
"""


def compare_command(
    setup_a: str = typer.Argument(..., help='"MODEL ENGINE [PRECISION [BACKEND]]"'),
    setup_b: str = typer.Argument(..., help='"MODEL ENGINE [PRECISION [BACKEND]]"'),
    hardware: o.HardwareOpt = "mi50-16gb",
    gpus: o.GpusOpt = 1,
    prompt_tokens: PromptOpt = 32,
    output_tokens: OutputOpt = 128,
    offline: o.OfflineOpt = False,
    no_calibration: o.NoCalibrationOpt = False,
    as_json: o.JsonOpt = False,
) -> None:
    hw = load_hardware(hardware, gpus)
    preds, feats, setups, decode_factors = [], [], [], []
    cals = CalibrationUse(enabled=not no_calibration)
    for text in (setup_a, setup_b):
        model, d = parse_setup(text)
        resolved = resolve_model(model, offline=offline)
        d = check_deployment(resolved.spec, hw, d)
        verdict = fit_verdict(resolved, hw, d, None if d.engine == "ollama" else DEFAULT_CONTEXT, cals)
        cal = cals.speed(hw, d.engine, d.backend)
        decode_factors.append(cal.decode if cal is not None else 1.0)
        p = predict(
            resolved.spec, hw, d, prompt_tokens, output_tokens, 1, 0, cal, context_limit=verdict.context or None
        )
        work = work_from_spec(resolved.spec, d)
        feats.append(
            features_for(
                resolved.spec.is_moe or work.num_experts > 0,
                hw,
                d,
                resolved.spec.quant.bits if resolved.spec.quant else None,
            )
        )
        preds.append(p)
        setups.append(
            {**prediction_json(p, verdict), "setup": text, "fits": verdict.fits, "fit_reason": verdict.reason}
        )
    split = decode_split(preds[0], preds[1], feats[0], feats[1], decode_factors[0], decode_factors[1])
    data = {
        "hardware": _hw_json(hw),
        "prompt_tokens": prompt_tokens,
        "output_tokens": output_tokens,
        "setups": setups,
        "split": split,
        "e2e_ratio": preds[1].e2e_s / preds[0].e2e_s,
        "calibrations": cals.applied(),
    }
    emit(data, as_json, render_compare)


def register(app: typer.Typer) -> None:
    app.command("predict", help=PREDICT_HELP)(predict_command)
    app.command("recommend", help=RECOMMEND_HELP)(recommend_command)
    app.command("compare", help=COMPARE_HELP)(compare_command)


__all__ = ["register", "fit_verdict", "Verdict"]
