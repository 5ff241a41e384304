"""The Python API of mi50plan: plan, predict, recommend, compare, validate, calibrate, probe.

Each function takes the CLI's flags as keyword arguments in snake_case and returns a typed result
(planner.results) whose ``to_dict()`` is exactly what the command prints with ``--json``. Errors are
``planner.errors.PlannerError`` subclasses with a ``hint``. Nothing here imports typer or prints.

    >>> import planner
    >>> r = planner.plan("Qwen/Qwen2.5-7B-Instruct", engine="vllm", dtype="float16")
    >>> r.plans[0].fits, r.plans[0].kv_cache_bytes < 0
    (False, True)
"""

from __future__ import annotations

from pathlib import Path

from planner.engines.llamacpp import LlamaCppOptions
from planner.engines.ollama import DEFAULT_VERSION as OLLAMA_VERSION
from planner.engines.ollama import OllamaOptions
from planner.engines.vllm import MXFP4_BACKENDS, VllmOptions
from planner.errors import UsageError
from planner.planning.validate import ModelSettings
from planner.results import (
    CalibrationList,
    CalibrationResult,
    Comparison,
    ConcurrencyCurves,
    FitReport,
    LoadProbe,
    MemoryCurves,
    PredictReport,
    ProbeRecord,
    Recommendation,
    Validation,
)

Engine = str | list[str] | tuple[str, ...] | None


def _bool_flag(option: str, value) -> bool | None:
    if value is None or isinstance(value, bool):
        return value
    v = str(value).strip().lower()
    if v in ("1", "true", "on", "yes"):
        return True
    if v in ("0", "false", "off", "no"):
        return False
    raise UsageError(option, value, "must be 1 or 0", hint="OLLAMA_FLASH_ATTENTION takes 1 or 0")


def _count(option: str, value: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 100_000:
        raise UsageError(option, value, "must be a whole number, 0 or more")
    return value


def _estimator(value: str | None) -> str | None:
    if value is None:
        return None
    name = str(value).strip().lower()
    if name not in ("new", "old"):
        raise UsageError(
            "--ollama-estimator",
            value,
            "not an Ollama estimator",
            hint="use new (the Ollama engine's measured allocations, 0.12+) or old (llm/memory.go)",
        )
    return name


def vllm_options(
    *,
    dtype: str = "auto",
    quantization: str | None = None,
    max_model_len: int | None = None,
    gpu_memory_utilization: float | None = None,
    tensor_parallel_size: int = 1,
    pipeline_parallel_size: int = 1,
    kv_cache_dtype: str = "auto",
    max_num_seqs: int | None = None,
    max_num_batched_tokens: int | None = None,
    block_size: int = 16,
    vllm_version: str | None = None,
    kv_cache_memory: int | str | None = None,
    enforce_eager: bool = False,
    enable_prefix_caching: bool | None = None,
    cpu_offload_gb: float = 0.0,
    swap_space: float | None = None,
    vllm_entrypoint: str = "serve",
    vllm_mxfp4_backend: str = "auto",
) -> VllmOptions:
    """vLLM's options by its own flag names (`vllm serve --help`).

    `vllm_version`: the release line to plan (None or "auto": 0.11 on gfx906, elsewhere the
    latest release read, 0.33.0); `gpu_memory_utilization`: None takes that release's default (0.9 up to 0.19, 0.92
    from 0.20);
    `kv_cache_memory`: bytes, or a size such as "8GiB" (vLLM's --kv-cache-memory); `vllm_entrypoint`: "serve"
    (`vllm serve`) or "llm" (the Python `LLM(...)` class, whose default batch budget is larger, so its KV cache
    smaller); `vllm_mxfp4_backend`: "auto" (the official images: Triton for gpt-oss's MXFP4 experts on Hopper) or
    "marlin" (a pip install without the triton_kernels package, or VLLM_MXFP4_USE_MARLIN=1: Marlin pads the experts
    more)."""
    from planner.engines.vllm import version_key
    from planner.planning.context import parse_size

    if vllm_version is not None and str(vllm_version).strip().lower() != "auto":
        version_key(vllm_version)  # an unknown version is a usage error naming the known ones
    backend = str(vllm_mxfp4_backend).strip().lower()
    if backend not in MXFP4_BACKENDS:
        raise UsageError(
            "--vllm-mxfp4-backend",
            vllm_mxfp4_backend,
            "not an MXFP4 MoE backend",
            hint="auto (vLLM's official images) or marlin (a pip install without triton_kernels)",
        )
    for option, value in (("--cpu-offload-gb", cpu_offload_gb), ("--swap-space", swap_space)):
        if value is not None and not 0 <= value <= 2**20:
            raise UsageError(option, value, "must be 0 or more GiB, at most 1048576")
    return VllmOptions(
        vllm_version=vllm_version,
        kv_cache_memory_bytes=parse_size(kv_cache_memory, "--kv-cache-memory"),
        enforce_eager=enforce_eager,
        enable_prefix_caching=enable_prefix_caching,
        cpu_offload_gb=cpu_offload_gb,
        swap_space_gb=swap_space,
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
        entrypoint=str(vllm_entrypoint).strip().lower(),
        mxfp4_backend=backend,
    )


def plan(
    model: str,
    *,
    hardware: str = "mi50-16gb",
    gpus: int = 1,
    engine: Engine = None,
    # vLLM
    dtype: str = "auto",
    quantization: str | None = None,
    max_model_len: int | None = None,
    gpu_memory_utilization: float | None = None,
    tensor_parallel_size: int | None = None,
    pipeline_parallel_size: int = 1,
    kv_cache_dtype: str = "auto",
    max_num_seqs: int | None = None,
    max_num_batched_tokens: int | None = None,
    block_size: int = 16,
    vllm_version: str | None = None,
    kv_cache_memory: int | str | None = None,
    enforce_eager: bool = False,
    enable_prefix_caching: bool | None = None,
    cpu_offload_gb: float = 0.0,
    swap_space: float | None = None,
    vllm_entrypoint: str = "serve",
    vllm_mxfp4_backend: str = "auto",
    # llama.cpp and Ollama
    quant: str | None = None,
    ctx_size: int | None = None,
    cache_type_k: str = "f16",
    cache_type_v: str = "f16",
    flash_attn: str = "auto",
    ubatch_size: int = 512,
    batch_size: int = 2048,
    parallel: int | None = None,
    n_gpu_layers: int | None = None,
    split_mode: str = "layer",
    swa_full: bool = False,
    kv_unified: bool | None = None,
    mmproj: str | None = None,
    n_cpu_moe: int = 0,
    op_offload: bool = True,
    num_ctx: int | None = None,
    num_parallel: int = 1,
    kv_cache_type: str = "f16",
    flash_attention: bool | str | None = None,
    num_gpu: int | None = None,
    ollama_version: str = OLLAMA_VERSION,
    ollama_estimator: str | None = None,
    # where the config comes from
    offline: bool = False,
    revision: str | None = None,
    calibration: bool = True,
) -> FitReport:
    """Does `model` fit on `gpus` x `hardware` under each engine (`mi50plan fit`)?

    `engine`: None or "all" for vLLM, Ollama and llama.cpp, one name, or a list of names.
    `tensor_parallel_size` None: with `gpus` > 1, the largest TP the GPUs hold (the plan says so)."""
    from planner.planning.fit import FitOptions, plan_fit

    options = FitOptions(
        vllm=vllm_options(
            dtype=dtype,
            quantization=quantization,
            max_model_len=max_model_len,
            gpu_memory_utilization=gpu_memory_utilization,
            tensor_parallel_size=tensor_parallel_size or 1,
            pipeline_parallel_size=pipeline_parallel_size,
            kv_cache_dtype=kv_cache_dtype,
            max_num_seqs=max_num_seqs,
            max_num_batched_tokens=max_num_batched_tokens,
            block_size=block_size,
            vllm_version=vllm_version,
            kv_cache_memory=kv_cache_memory,
            enforce_eager=enforce_eager,
            enable_prefix_caching=enable_prefix_caching,
            cpu_offload_gb=cpu_offload_gb,
            swap_space=swap_space,
            vllm_entrypoint=vllm_entrypoint,
            vllm_mxfp4_backend=vllm_mxfp4_backend,
        ),
        auto_tensor_parallel=tensor_parallel_size is None,
        llamacpp=LlamaCppOptions(
            ctx_size=ctx_size,
            cache_type_k=cache_type_k,
            cache_type_v=cache_type_v,
            flash_attn=str(flash_attn).lower(),
            ubatch_size=ubatch_size,
            batch_size=batch_size,
            parallel=parallel,
            n_gpu_layers=n_gpu_layers,
            split_mode=str(split_mode).lower(),
            swa_full=swa_full,
            kv_unified=kv_unified,
            n_cpu_moe=_count("--n-cpu-moe", n_cpu_moe),
            op_offload=op_offload,
        ),
        ollama=OllamaOptions(
            num_ctx=num_ctx,
            num_parallel=num_parallel,
            kv_cache_type=kv_cache_type,
            flash_attention=_bool_flag("--flash-attention", flash_attention),
            num_gpu=num_gpu,
            version=ollama_version,
            estimator=_estimator(ollama_estimator),
        ),
        quant=quant,
        mmproj=mmproj,
    )
    return plan_fit(
        model,
        hardware=hardware,
        gpus=gpus,
        engine=engine,
        options=options,
        offline=offline,
        revision=revision,
        calibration=calibration,
    )


def predict(
    model: str,
    *,
    hardware: str = "mi50-16gb",
    gpus: int = 1,
    engine: Engine = None,
    dtype: str = "auto",
    quantization: str | None = None,
    quant: str | None = None,
    max_model_len: int | None = None,
    ctx_size: int | None = None,
    num_ctx: int | None = None,
    tensor_parallel_size: int | None = None,
    backend: str | None = None,
    prompt_tokens: int = 32,
    output_tokens: int = 128,
    context_depth: int = 0,
    concurrency: int | str | list[int] = 1,
    offline: bool = False,
    calibration: bool = True,
    vllm_version: str | None = None,
    kv_cache_memory: int | str | None = None,
    enforce_eager: bool = False,
) -> PredictReport:
    """How fast `model` runs: prefill, TTFT, decode, TPOT, e2e and throughput with bands (`predict`).

    Contexts follow the one rule of every command (planner.planning.predict.Contexts); a concurrency
    level that does not fit is a ``rejected`` entry with its level, not an error. `vllm_version`,
    `kv_cache_memory` and `enforce_eager` size vLLM's KV cache as in `plan` (what fits, how many streams)."""
    from planner.planning.predict import predict_model

    return predict_model(
        model,
        hardware=hardware,
        gpus=gpus,
        engine=engine,
        dtype=dtype,
        quantization=quantization,
        quant=quant,
        max_model_len=max_model_len,
        ctx_size=ctx_size,
        num_ctx=num_ctx,
        tensor_parallel_size=tensor_parallel_size,
        backend=backend,
        prompt_tokens=prompt_tokens,
        output_tokens=output_tokens,
        context_depth=context_depth,
        concurrency=concurrency,
        offline=offline,
        calibration=calibration,
        vllm=vllm_options(vllm_version=vllm_version, kv_cache_memory=kv_cache_memory, enforce_eager=enforce_eager),
    )


def recommend(
    model: str | None = None,
    *,
    family: str | None = None,
    goal: str = "latency",
    max_latency: float | str | None = None,
    hardware: str = "mi50-16gb",
    gpus: int = 1,
    max_model_len: int | None = None,
    ctx_size: int | None = None,
    num_ctx: int | None = None,
    prompt_tokens: int = 32,
    output_tokens: int = 128,
    offline: bool = False,
    calibration: bool = True,
    vllm_version: str | None = None,
    kv_cache_memory: int | str | None = None,
    enforce_eager: bool = False,
) -> Recommendation:
    """Which deployment should serve `model` (or the largest of `family`) on this hardware (`recommend`).

    `max_latency`: seconds, or a string such as "2s" or "1500ms". `vllm_version`, `kv_cache_memory` and
    `enforce_eager` size the vLLM candidates as in `plan`."""
    from planner.planning.recommend import recommend_models

    return recommend_models(
        model,
        family=family,
        goal=goal,
        max_latency=max_latency,
        hardware=hardware,
        gpus=gpus,
        max_model_len=max_model_len,
        ctx_size=ctx_size,
        num_ctx=num_ctx,
        prompt_tokens=prompt_tokens,
        output_tokens=output_tokens,
        offline=offline,
        calibration=calibration,
        vllm=vllm_options(vllm_version=vllm_version, kv_cache_memory=kv_cache_memory, enforce_eager=enforce_eager),
    )


def compare(
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
    """Two setups "MODEL ENGINE [PRECISION [BACKEND]]" side by side; the decode gap split (`compare`).

    `hardware_b`: put setup B on another GPU profile (default: the same as A)."""
    from planner.planning.compare import compare_setups

    return compare_setups(
        setup_a,
        setup_b,
        hardware=hardware,
        gpus=gpus,
        hardware_b=hardware_b,
        max_model_len=max_model_len,
        prompt_tokens=prompt_tokens,
        output_tokens=output_tokens,
        offline=offline,
        calibration=calibration,
    )


def memory_curves(report: FitReport) -> MemoryCurves:
    """Memory against context length for every plan of a `plan()` report: weights, KV cache, compute
    buffers and overheads, each engine's budget and where it stops fitting (the data of `fit --plot`)."""
    from planner.planning.memory_curve import memory_curves as curves

    return curves(report)


def concurrency_curves(report: PredictReport) -> ConcurrencyCurves:
    """Throughput and latency against concurrency per deployment of a `predict()` report (`predict --plot`)."""
    from planner.planning.predict import concurrency_curves as curves

    return curves(report)


def plot(result: FitReport | PredictReport | MemoryCurves | ConcurrencyCurves, path: str | Path) -> Path:
    """Draw a fit or predict result to PATH (.svg, .png or .html, the plotted numbers embedded as JSON);
    needs matplotlib (``pip install 'mi50plan[plot]'``). Returns the path written."""
    from planner import plots

    if isinstance(result, FitReport):
        result = memory_curves(result)
    elif isinstance(result, PredictReport):
        result = concurrency_curves(result)
    if isinstance(result, MemoryCurves):
        return plots.fit_plot(result, path)
    if isinstance(result, ConcurrencyCurves):
        return plots.predict_plot(result, path)
    raise UsageError("--plot", type(result).__name__, "nothing to plot", hint="pass a plan() or predict() result")


def _settings(
    model, engine, backend, hardware, gpus, dtype, quantization, max_model_len, offline, slots=None
) -> ModelSettings:
    return ModelSettings(
        slots=slots,
        model=model,
        engine=engine,
        backend=backend,
        hardware=hardware,
        gpus=gpus,
        dtype=dtype,
        quantization=quantization,
        max_model_len=max_model_len,
        offline=offline,
    )


# What an option holds when the caller did not pass it (every other option: None).
_UNSET = {"dtype": "auto", "kv_cache_dtype": "auto", "vllm_version": "auto", "gpus": 1}


def _given(**options) -> frozenset[str]:
    """The names of the options the caller passed: a vLLM log settles every other setting it states (validate,
    calibrate)."""
    unset = {name: str(value).lower() for name, value in _UNSET.items()}
    return frozenset(
        name
        for name, value in options.items()
        if value is not None and str(value).strip().lower() != unset.get(name, "\0")
    )


def validate(
    results: str | Path | None = None,
    *,
    vllm_log: str | Path | None = None,
    bench: str | Path | None = None,
    llama_bench: str | Path | None = None,
    model: str | None = None,
    engine: str | None = None,
    backend: str | None = None,
    hardware: str = "mi50-16gb",
    gpus: int = 1,
    dtype: str = "auto",
    quantization: str | None = None,
    max_model_len: int | None = None,
    gpu_memory_utilization: float | None = None,
    tensor_parallel_size: int | None = None,
    kv_cache_dtype: str = "auto",
    max_num_seqs: int | None = None,
    max_num_batched_tokens: int | None = None,
    probe: int | None = None,
    offline: bool = False,
    calibration: bool = True,
    slots: int | None = None,
    vllm_version: str | None = None,
    llama_log: str | Path | None = None,
    quant: str | None = None,
) -> Validation:
    """Predictions against one measurement file: probe results, a vLLM log, `vllm bench` or llama-bench.

    A llama.cpp start-up log (`llama_log`) is compared buffer by buffer with the plan for the settings it logs (pass
    `model`: a GGUF file, or a Hub id sized by the log's file type or `quant`). A vLLM log settles what it states
    about itself (release, model, dtype, max_model_len, parallel sizes, quantization, enforce_eager, the flags
    passed, the runtime's total memory); an argument given here wins
    (`Validation.from_log` lists what the log settled). A load probe (`probe --rate/--users`) is compared with the
    serving simulation per load point; `slots` overrides the server's parallel slots (llama-server -np,
    OLLAMA_NUM_PARALLEL, max_num_seqs)."""
    from planner.planning.validate import validate_file

    given = _given(
        model=model,
        dtype=dtype,
        quantization=quantization,
        max_model_len=max_model_len,
        gpu_memory_utilization=gpu_memory_utilization,
        tensor_parallel_size=tensor_parallel_size,
        kv_cache_dtype=kv_cache_dtype,
        max_num_seqs=max_num_seqs,
        max_num_batched_tokens=max_num_batched_tokens,
        vllm_version=vllm_version,
        gpus=gpus,
    )

    return validate_file(
        results,
        vllm_log=vllm_log,
        bench=bench,
        llama_bench=llama_bench,
        settings=_settings(model, engine, backend, hardware, gpus, dtype, quantization, max_model_len, offline, slots),
        vllm=vllm_options(
            dtype=dtype,
            quantization=quantization,
            max_model_len=max_model_len,
            gpu_memory_utilization=gpu_memory_utilization,
            tensor_parallel_size=tensor_parallel_size or 1,
            kv_cache_dtype=kv_cache_dtype,
            max_num_seqs=max_num_seqs,
            max_num_batched_tokens=max_num_batched_tokens,
            vllm_version=vllm_version,
        ),
        probe_index=probe,
        calibration=calibration,
        given=given,
        llama_log=llama_log,
        quant=quant,
    )


def calibrate(
    results: str | Path | None = None,
    *,
    vllm_log: str | Path | None = None,
    model: str | None = None,
    engine: str | None = None,
    backend: str | None = None,
    hardware: str = "mi50-16gb",
    gpus: int = 1,
    dtype: str = "auto",
    quantization: str | None = None,
    max_model_len: int | None = None,
    gpu_memory_utilization: float | None = None,
    tensor_parallel_size: int | None = None,
    probe: int | None = None,
    offline: bool = False,
    slots: int | None = None,
) -> CalibrationResult:
    """Fit the speed model to probe results (and/or vLLM memory corrections to a log) and store it.

    From a load probe (`probe --rate/--users`): decode, prefill and batch factors and the TTFT overhead
    that make the serving simulation reproduce the curve (docs/methodology.md section 8)."""
    from planner.planning.calibrate import calibrate_from

    given = _given(
        model=model,
        dtype=dtype,
        quantization=quantization,
        max_model_len=max_model_len,
        gpu_memory_utilization=gpu_memory_utilization,
        tensor_parallel_size=tensor_parallel_size,
        gpus=gpus,
    )
    return calibrate_from(
        results,
        vllm_log=vllm_log,
        settings=_settings(model, engine, backend, hardware, gpus, dtype, quantization, max_model_len, offline, slots),
        vllm=vllm_options(
            gpu_memory_utilization=gpu_memory_utilization, tensor_parallel_size=tensor_parallel_size or 1
        ),
        probe_index=probe,
        given=given,
    )


def calibrations() -> CalibrationList:
    """The stored calibrations (`mi50plan calibrate --list`)."""
    from planner.planning.calibrate import list_calibrations

    return list_calibrations()


def probe(
    url: str,
    *,
    model: str | None = None,
    runs: int = 3,
    warmup: int = 1,
    prompts: str = "short,medium",
    prompt_file: str | Path | None = None,
    concurrency: int | str | list[int] = 1,
    output_tokens: int | str = 128,
    timeout: float = 300.0,
    connect_timeout: float = 5.0,
    first_token_timeout: float | None = None,
    idle_timeout: float = 30.0,
    save: str | Path | None = None,
    api_key: str | None = None,
    rate: float | str | list[float] | None = None,
    users: int | str | list[int] | None = None,
    think_time: float = 0.0,
    duration: float | None = None,
    requests: int | None = None,
    prompt_tokens: int | str = 256,
    ttft_p95: float | None = None,
    tpot_p95: float | None = None,
    seed: int = 0,
    progress=None,
) -> ProbeRecord | LoadProbe:
    """Time a live server (`mi50plan probe`). Failed requests are in ``record.failed``, not raised.

    With `rate` (requests/s, or a list: a sweep) or `users` (closed loop) the server is loaded instead:
    Poisson arrivals (or users thinking `think_time` s) for `duration` s per point (default 60) or until
    `requests` are sent (as `vllm bench serve --num-prompts`), whichever comes first; lengths
    `prompt_tokens`/`output_tokens` as a number, "uniform:LOW-HIGH" or "file:PATH"; returns a LoadProbe
    (`runs`, `prompts`, `prompt_file` and `concurrency` belong to single requests and are not used)."""
    if rate is not None or users is not None:
        from planner.planning.load_probe import load_probe
        from planner.planning.probe import timeouts_for

        result, _ = load_probe(
            url,
            rate=rate,
            users=users,
            think_time=think_time,
            duration=duration,
            requests=requests,
            prompt_tokens=prompt_tokens,
            output_tokens=output_tokens,
            ttft_p95=ttft_p95,
            tpot_p95=tpot_p95,
            seed=seed,
            warmup=warmup,
            model=model,
            timeouts=timeouts_for(timeout, connect_timeout, first_token_timeout, idle_timeout),
            save=save,
            progress=progress,
            api_key=api_key,
        )
        return result
    from planner.planning.probe import probe_server

    record, _ = probe_server(
        url,
        model=model,
        runs=runs,
        warmup=warmup,
        prompts=prompts,
        prompt_file=prompt_file,
        concurrency=concurrency,
        output_tokens=output_tokens,
        timeout=timeout,
        connect_timeout=connect_timeout,
        first_token_timeout=first_token_timeout,
        idle_timeout=idle_timeout,
        save=save,
        api_key=api_key,
        progress=progress,
    )
    return record
