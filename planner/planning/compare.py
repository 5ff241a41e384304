"""Two deployments side by side, and the decode gap split into model and serving stack (`compare`)."""

from __future__ import annotations

import math

from planner.core.efficiency import level_contributions
from planner.core.speed import Deployment, features_for, work_from_spec
from planner.errors import UsageError
from planner.planning.context import CalibrationUse, efficiency, hardware_info, load_hardware
from planner.planning.predict import fit_verdict, on_gpus, run_prediction, to_prediction
from planner.results import Comparison, DecodeSplit, Setup

VLLM_PRECISIONS = {
    "fp16": "fp16",
    "float16": "fp16",
    "half": "fp16",
    "bf16": "bf16",
    "bfloat16": "bf16",
    "fp32": "fp32",
    "float32": "fp32",
}
VLLM_QUANTIZATIONS = ("gptq", "awq", "int8")


def parse_setup(text: str) -> tuple[str, Deployment]:
    """'MODEL ENGINE [PRECISION [BACKEND]]' -> (model, deployment)."""
    parts = text.split()
    if len(parts) < 2 or len(parts) > 4:
        raise UsageError(
            "SETUP",
            text,
            "expected 'MODEL ENGINE [PRECISION [BACKEND]]'",
            hint='e.g. "Qwen/Qwen2.5-7B-Instruct ollama Q4_K_M"',
        )
    model, engine = parts[0], parts[1].lower().replace("llama.cpp", "llamacpp")
    prec = parts[2] if len(parts) > 2 else None
    backend = parts[3].lower() if len(parts) > 3 else None
    allowed = ("rocm", "cuda") if engine == "vllm" else ("rocm", "cuda", "vulkan", "metal", "sycl", "cpu")
    if backend is not None and backend not in allowed:
        raise UsageError("SETUP", text, f"unknown backend '{parts[3]}'", hint="use " + ", ".join(allowed))
    if engine == "vllm":
        if prec and prec.lower() in VLLM_QUANTIZATIONS:
            return model, Deployment("vllm", dtype="fp16", quantization=prec.lower())
        dtype = VLLM_PRECISIONS.get((prec or "fp16").lower())
        if dtype is None:
            raise UsageError(
                "SETUP", text, f"unknown vLLM precision '{prec}'", hint="use fp16, bf16, fp32, gptq, awq or int8"
            )
        return model, Deployment("vllm", dtype=dtype)
    if engine not in ("llamacpp", "ollama"):
        raise UsageError("SETUP", text, f"unknown engine '{parts[1]}'", hint="use vllm, llamacpp or ollama")
    if prec is not None:
        from planner.core.gguf_quant import normalise_quant

        try:
            prec = normalise_quant(prec)
        except KeyError:
            raise UsageError(
                "SETUP", text, f"unknown GGUF quant '{prec}'", hint="e.g. Q4_K_M, Q4_0, Q5_K_M, Q6_K, Q8_0, F16"
            ) from None
    return model, Deployment(engine, backend, quant=prec or "Q4_K_M")


def decode_split(pa, pb, fa, fb, decode_cal_a: float = 1.0, decode_cal_b: float = 1.0) -> DecodeSplit:
    """Split the decode time ratio b/a into bytes x precision kernels (model) and engine x backend.

    A stored calibration is per hardware + engine + backend, so its decode factor counts with the
    engine and backend."""
    eff = efficiency()
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
    return DecodeSplit(
        decode_ratio=ratio,
        bytes_per_token_factor=bytes_factor,
        precision_kernel_factor=precision_factor,
        model_size_and_precision_factor=model_factor,
        engine_and_backend_factor=engine_factor,
        hardware_factor=hardware_factor,
        residual_factor=ratio / (model_factor * engine_factor * hardware_factor),
        model_size_and_precision_share=math.log(model_factor) / total_log,
        engine_and_backend_share=math.log(engine_factor) / total_log,
        hardware_share=math.log(hardware_factor) / total_log,
    )


def compare_setups(
    setup_a: str,
    setup_b: str,
    *,
    hardware: str = "mi50-16gb",
    gpus: int = 1,
    hardware_b: str | None = None,
    max_model_len: int | None = None,
    prompt_tokens: int = 32,
    output_tokens: int = 128,
    offline: bool = False,
    calibration: bool = True,
) -> Comparison:
    from planner.sources.models import resolve_model

    hws = [load_hardware(hardware, gpus), load_hardware(hardware_b or hardware, gpus)]
    preds, feats, setups, decode_factors = [], [], [], []
    cals = CalibrationUse(enabled=calibration)
    for text, hw in zip((setup_a, setup_b), hws, strict=True):
        model, d = parse_setup(text)
        resolved = resolve_model(model, offline=offline)
        d = on_gpus(resolved, hw, d, max_model_len)
        verdict = fit_verdict(resolved, hw, d, max_model_len, cals)
        cal = cals.speed(hw, d.engine, d.backend)
        decode_factors.append(cal.decode if cal is not None else 1.0)
        p = run_prediction(
            resolved, hw, d, prompt_tokens, output_tokens, 1, 0, cal, context_limit=verdict.context or None
        )
        work = work_from_spec(resolved.spec, d)
        quant_bits = resolved.spec.quant.bits if resolved.spec.quant else None
        feats.append(features_for(resolved.spec.is_moe or work.num_experts > 0, hw, d, quant_bits))
        preds.append(p)
        setups.append(
            Setup(
                text, resolved.spec.model_id, hardware_info(hw), to_prediction(p, verdict), verdict.fits, verdict.reason
            )
        )
    split = decode_split(preds[0], preds[1], feats[0], feats[1], decode_factors[0], decode_factors[1])
    return Comparison(
        hardware=hardware_info(hws[0]),
        prompt_tokens=prompt_tokens,
        output_tokens=output_tokens,
        setups=(setups[0], setups[1]),
        split=split,
        e2e_ratio=preds[1].e2e_s / preds[0].e2e_s,
        calibrations=cals.applied(),
    )
