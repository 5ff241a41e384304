"""Does a model fit, under each engine, and what would make it fit (the `fit` use case)."""

from __future__ import annotations

from dataclasses import asdict, dataclass, replace

from planner.core.gguf_quant import COMMON_QUANTS, FILE_TYPES, default_gguf_quant
from planner.core.hardware import Hardware
from planner.core.tensors import count_params
from planner.engines.base import Suggestion
from planner.engines.llamacpp import REPACK_TYPES, GGUFWeights, LlamaCppOptions, plan_llamacpp
from planner.engines.ollama import OllamaOptions, plan_ollama
from planner.engines.ollama_library import library_estimate
from planner.engines.vllm import VllmOptions, plan_vllm
from planner.errors import UsageError
from planner.planning.context import CalibrationUse, auto_tensor_parallel, hardware_info, load_hardware, parse_engines
from planner.results import FitReport, ModelInfo, QuantSize
from planner.sources.resolved import ResolvedModel


@dataclass(frozen=True)
class FitOptions:
    """Every engine's options for one `fit`: vLLM's, llama.cpp's and Ollama's, by their flag names."""

    vllm: VllmOptions = VllmOptions()
    llamacpp: LlamaCppOptions = LlamaCppOptions()
    ollama: OllamaOptions = OllamaOptions()
    quant: str | None = None  # the GGUF quant for llama.cpp and Ollama (None: the model's or Q4_K_M)
    auto_tensor_parallel: bool = False  # no TP given: use the GPUs (the largest TP they hold)
    mmproj: str | None = None  # llama.cpp --mmproj FILE: read into llamacpp.mmproj_bytes / mmproj_vision


def with_projector(opts: LlamaCppOptions, path: str | None) -> LlamaCppOptions:
    """llama.cpp's options with a --mmproj file's tensor bytes and vision encoder shape read in."""
    if not path:
        return opts
    from planner.engines.llamacpp import VisionTower
    from planner.sources.mmproj import read_mmproj

    proj = read_mmproj(path)
    vision = None
    if proj.has_vision:
        vision = VisionTower(
            proj.image_size or 0,
            proj.patch_size or 1,
            proj.hidden_size or 0,
            proj.heads or 1,
            proj.intermediate_size or 0,
            flash_attn=opts.flash_attn == "on",
        )
    return replace(opts, mmproj_bytes=proj.tensor_bytes, mmproj_vision=vision)


@dataclass(frozen=True)
class FitBasis:
    """What a FitReport's plans were made from, so memory_curve.memory_curves can re-plan them."""

    resolved: ResolvedModel
    hw: Hardware
    options: FitOptions
    arch: str | None = None


def model_info(resolved: ResolvedModel) -> ModelInfo:
    spec = resolved.spec
    counts = count_params(spec)
    return ModelInfo(
        id=spec.model_id,
        source=resolved.source,
        location=resolved.location,
        architecture=spec.architecture,
        parameters=resolved.checkpoint_params or counts.total,
        parameters_counted=counts.total,
        active_parameters=counts.active,
        layers=spec.num_layers,
        hidden_size=spec.hidden_size,
        attention_heads=spec.num_attention_heads,
        kv_heads=spec.num_kv_heads,
        head_dim=spec.head_dim,
        vocab_size=spec.vocab_size,
        max_position_embeddings=spec.max_position_embeddings,
        checkpoint_dtype=spec.torch_dtype,
        quantization=asdict(spec.quant) if spec.quant else None,
        moe=asdict(spec.moe) if spec.moe else None,
        notes=tuple(spec.notes) + tuple(resolved.notes),
    )


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
    name = quant if quant is not None else (resolved.default_quant or default_gguf_quant(resolved.spec))
    try:
        name = normalise_quant(name)
    except KeyError:
        raise UsageError(
            "--quant",
            quant,
            "not a GGUF quant mi50plan sizes",
            hint="use one of "
            + ", ".join(COMMON_QUANTS)
            + " (or any llama-quantize type: "
            + ", ".join(q for q in FILE_TYPES if q not in COMMON_QUANTS and q not in ("F32", "BF16"))
            + ")",
        ) from None
    # an Ollama library tag whose blob Ollama's own converter typed (gpt-oss): engines/ollama_library.py
    library = library_estimate(resolved.spec, name) if resolved.default_quant is not None else None
    est = library or estimate_gguf(resolved.spec, name)
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


def ollama_weights(resolved: ResolvedModel, quant: str | None) -> GGUFWeights:
    """What Ollama loads for a model: where the plan's launch pulls an Ollama library tag of this type
    (launch.ollama_library_tag), that tag's blob (Ollama's own converter typed gpt-oss's: engines/ollama_library.py;
    the catalog's file size where it has one), as `fit gpt-oss:20b` sizes it; else the GGUF gguf_weights sizes."""
    if resolved.gguf is None and resolved.default_quant is None:
        from planner.core.gguf_quant import normalise_quant
        from planner.planning.launch import ollama_library_tag
        from planner.sources import catalog

        name = quant or default_gguf_quant(resolved.spec)
        try:
            name = normalise_quant(name)
        except KeyError:
            return gguf_weights(resolved, quant)  # which says why the type is unknown
        tag = ollama_library_tag(resolved.spec.model_id, name)
        if tag is not None:
            entry = catalog.ollama_tag(tag) or {}
            resolved = replace(resolved, default_quant=name, checkpoint_bytes=entry.get("file_bytes"))
    return gguf_weights(resolved, quant)


def ollama_suggestion(resolved: ResolvedModel, hw: Hardware) -> tuple[Suggestion, ...]:
    """vLLM does not fit: would a GGUF Q4_K_M (or the type the checkpoint is published in: gpt-oss's MXFP4) under
    Ollama? Re-planned, kept only when it fits."""
    quant = default_gguf_quant(resolved.spec)
    try:
        weights = ollama_weights(ResolvedModel(resolved.spec, resolved.source, resolved.location), quant)
        plan = plan_ollama(resolved.spec, weights, hw, OllamaOptions())
    except UsageError:
        return ()
    if not plan.fits:
        return ()
    return (
        Suggestion(
            change=f"a GGUF {quant} under Ollama",
            flags=("--engine", "ollama", "--quant", quant),
            fits=True,
            kv_cache_tokens=plan.kv_cache_tokens,
            max_concurrency=plan.max_concurrency,
            engine="ollama",
            note=f"weights {plan.weights_bytes / 1e9:.2f} GB, context {plan.context:,}",
        ),
    )


def with_max_context(plan, resolved: ResolvedModel, hw: Hardware, options: FitOptions, arch: str | None):
    """The plan with its largest fitting context per KV type (planner/planning/max_context.py)."""
    from planner.planning import max_context as mc

    spec = resolved.spec
    if plan.engine == "vllm":
        opts = replace(options.vllm, tensor_parallel_size=plan.tensor_parallel_size)
        found = mc.for_vllm(spec, hw, opts, plan.kv_cache_dtype if plan.kv_cache_dtype == "fp8" else "auto")
    elif plan.engine == "llamacpp":
        found = mc.for_llamacpp(spec, gguf_weights(resolved, plan.quant), hw, options.llamacpp, plan.cache_type_v)
    else:
        found = mc.for_ollama(spec, gguf_weights(resolved, plan.quant), hw, options.ollama, arch, plan.kv_cache_type)
    return replace(plan, max_context=found)


def fit_resolved(
    resolved: ResolvedModel,
    hw: Hardware,
    engines: list[str],
    options: FitOptions,
    cals: CalibrationUse,
    *,
    all_engines: bool = False,
) -> FitReport:
    """The fit report of a resolved model; `all_engines`: the caller asked for every engine."""
    plans: list = []
    on_cpu = hw.profile.platform == "cpu"
    if "vllm" in engines:
        if (resolved.gguf is not None or on_cpu) and engines == ["vllm"]:
            why = (
                "a GGUF file is served by llama.cpp or Ollama in mi50plan"
                if resolved.gguf is not None
                else f"vLLM is not planned on {hw.profile.display_name}"
            )
            raise UsageError("--engine", "vllm", why, hint="use --engine llamacpp or --engine ollama")
        skip = resolved.gguf is not None or on_cpu or (all_engines and resolved.source == "ollama-store")
        if not skip:
            vopts, chosen = options.vllm, None
            if options.auto_tensor_parallel and hw.count > 1:
                tp = auto_tensor_parallel(resolved.spec.num_attention_heads, hw.count, vopts.pipeline_parallel_size)
                if tp != vopts.tensor_parallel_size:
                    vopts = replace(vopts, tensor_parallel_size=tp)
                    chosen = (
                        f"--gpus {hw.count}: planned at --tensor-parallel-size {tp}, the largest tensor parallel "
                        f"size {hw.count} GPUs hold that divides the {resolved.spec.num_attention_heads} attention "
                        f"heads (pass -tp to choose)"
                    )
            vplan = plan_vllm(resolved.spec, hw, cals.vllm(vopts, hw))
            if chosen:
                vplan = replace(vplan, warnings=(chosen, *vplan.warnings))
            if not vplan.fits:
                from planner.planning.launch import name_checkpoints

                named = name_checkpoints(vplan.suggestions, resolved.spec.model_id)
                vplan = replace(vplan, suggestions=named + ollama_suggestion(resolved, hw))
            plans.append(vplan)
    arch = getattr(resolved.gguf, "architecture", None)
    if "ollama" in engines:
        weights = ollama_weights(resolved, options.quant)
        plans.append(plan_ollama(resolved.spec, weights, hw, options.ollama, arch))
    if "llamacpp" in engines:
        weights = gguf_weights(resolved, options.quant)
        plans.append(plan_llamacpp(resolved.spec, weights, hw, options.llamacpp))
    plans = [with_max_context(p, resolved, hw, options, arch) for p in plans]
    from planner.planning.launch import launch_for_plan

    path = resolved.location if resolved.gguf is not None else None
    prequantized = resolved.spec.quant is not None
    plans = [replace(p, launch=launch_for_plan(resolved.spec.model_id, p, hw, path, prequantized)) for p in plans]
    if options.mmproj:  # the projector file the user gave, in place of the engine's placeholder
        plans = [
            replace(p, launch=tuple(x.replace("<projector.gguf>", options.mmproj) for x in p.launch))
            if p.engine == "llamacpp"
            else p
            for p in plans
        ]
    quants: tuple[QuantSize, ...] = ()
    if resolved.gguf is None and len(engines) > 1:
        from planner.core.gguf_quant import estimate_gguf

        quants = tuple(
            QuantSize(e.quant, e.file_bytes, e.bits_per_weight)
            for e in (estimate_gguf(resolved.spec, q) for q in COMMON_QUANTS)
        )
    warnings = tuple(
        f"{p.engine}: context {p.max_model_len} > n_ctx_train ({resolved.spec.max_position_embeddings})"
        " -- possible training context overflow"
        for p in plans
        if p.engine != "vllm" and p.max_model_len > resolved.spec.max_position_embeddings
    )
    return FitReport(
        model=model_info(resolved),
        hardware=hardware_info(hw),
        plans=tuple(plans),
        calibrations=cals.applied(),
        gguf_quants=quants,
        warnings=warnings,
        basis=FitBasis(resolved, hw, options, arch),
    )


def plan_fit(
    model: str,
    *,
    hardware: str = "mi50-16gb",
    gpus: int = 1,
    engine=None,
    options: FitOptions = FitOptions(),
    offline: bool = False,
    revision: str | None = None,
    calibration: bool = True,
) -> FitReport:
    from planner.sources.models import resolve_model

    engines = parse_engines(engine)
    hw = load_hardware(hardware, gpus)
    resolved = resolve_model(model, offline=offline, revision=revision)
    if options.mmproj and "llamacpp" in engines:
        options = replace(options, llamacpp=with_projector(options.llamacpp, options.mmproj))
    all_engines = engine is None or (isinstance(engine, str) and engine.strip().lower() == "all")
    return fit_resolved(resolved, hw, engines, options, CalibrationUse(enabled=calibration), all_engines=all_engines)
