"""`mi50plan fit`: does a model fit, under each engine, and what would make it fit.

Parses the flags, calls planner.api.plan and renders (planner/cli/render_fit.py)."""

from __future__ import annotations

import typer

from planner.cli import options as o
from planner.cli.output import emit, note, warn
from planner.cli.render_fit import render_fit
from planner.errors import ExitCode

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

  mi50plan fit Qwen/Qwen2.5-14B-Instruct --plot memory.svg
  mi50plan fit Qwen/Qwen2.5-7B-Instruct --hardware h100-sxm --vllm-version 0.11 --kv-cache-memory 20GiB --enforce-eager
"""


def fit_command(
    model: o.ModelArg,
    engine: o.EngineOpt = "all",
    hardware: o.HardwareOpt = "mi50-16gb",
    gpus: o.GpusOpt = 1,
    dtype: o.DtypeOpt = "auto",
    quantization: o.QuantizationOpt = None,
    max_model_len: o.MaxModelLenOpt = None,
    gpu_memory_utilization: o.UtilOpt = None,
    tensor_parallel_size: o.TpOpt = None,
    pipeline_parallel_size: o.PpOpt = 1,
    kv_cache_dtype: o.KvDtypeOpt = "auto",
    max_num_seqs: o.MaxSeqsOpt = None,
    max_num_batched_tokens: o.MaxBatchedOpt = None,
    block_size: o.BlockSizeOpt = 16,
    vllm_version: o.VllmVersionOpt = None,
    kv_cache_memory: o.KvCacheMemoryOpt = None,
    enforce_eager: o.EnforceEagerOpt = False,
    enable_prefix_caching: o.PrefixCachingOpt = None,
    cpu_offload_gb: o.CpuOffloadOpt = 0.0,
    swap_space: o.SwapSpaceOpt = None,
    vllm_entrypoint: o.VllmEntrypointOpt = "serve",
    vllm_mxfp4_backend: o.VllmMxfp4BackendOpt = "auto",
    quant: str | None = typer.Option(
        None,
        "--quant",
        help="GGUF quant for Ollama/llama.cpp: Q4_K_M (default), Q4_0, Q5_K_M, Q6_K, Q8_0, F16, IQ4_XS ...",
    ),
    ctx_size: o.CtxSizeOpt = None,
    cache_type_k: str = typer.Option("f16", "--cache-type-k", "-ctk", help="llama.cpp K cache type: f16, q8_0, q4_0."),
    cache_type_v: str = typer.Option("f16", "--cache-type-v", "-ctv", help="llama.cpp V cache type: f16, q8_0, q4_0."),
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
    split_mode: str = typer.Option("layer", "--split-mode", "-sm", help="llama.cpp multi-GPU split: none, layer, row."),
    swa_full: bool = typer.Option(False, "--swa-full", help="llama.cpp full-size SWA cache."),
    kv_unified: bool = typer.Option(
        False,
        "--kv-unified",
        "-kvu",
        help="llama-server: one KV buffer shared by all slots (default: only with --parallel auto).",
    ),
    mmproj: o.MmprojOpt = None,
    n_cpu_moe: o.NCpuMoeOpt = 0,
    no_op_offload: bool = typer.Option(
        False, "--no-op-offload", help="llama.cpp: run the CPU layers' matmuls on the CPU, not the GPU."
    ),
    num_ctx: o.NumCtxOpt = None,
    num_parallel: int = typer.Option(1, "--num-parallel", help="OLLAMA_NUM_PARALLEL."),
    kv_cache_type: str = typer.Option("f16", "--kv-cache-type", help="OLLAMA_KV_CACHE_TYPE: f16, q8_0, q4_0."),
    flash_attention: str | None = typer.Option(
        None, "--flash-attention", help="OLLAMA_FLASH_ATTENTION: 1 or 0 (default: Ollama's per-model choice)."
    ),
    num_gpu: int | None = typer.Option(
        None, "--num-gpu", help="Ollama num_gpu: layers to offload (default: all that fit)."
    ),
    ollama_version: o.OllamaVersionOpt = "0.16.1",
    ollama_estimator: o.OllamaEstimatorOpt = None,
    offline: o.OfflineOpt = False,
    revision: o.RevisionOpt = None,
    no_calibration: o.NoCalibrationOpt = False,
    require_fit: bool = typer.Option(False, "--require-fit", help="Exit 5 when a chosen engine's plan does not fit."),
    plot: str | None = typer.Option(None, "--plot", help="Write memory against context: FILE.svg, .png or .html."),
    as_json: o.JsonOpt = False,
) -> None:
    from planner.api import plan
    from planner.plots import check_plot_path

    if plot is not None:
        check_plot_path(plot)

    report = plan(
        model,
        hardware=hardware,
        gpus=gpus,
        engine=engine,
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
        vllm_version=vllm_version,
        kv_cache_memory=kv_cache_memory,
        enforce_eager=enforce_eager,
        enable_prefix_caching=enable_prefix_caching,
        cpu_offload_gb=cpu_offload_gb,
        swap_space=swap_space,
        vllm_entrypoint=vllm_entrypoint,
        vllm_mxfp4_backend=vllm_mxfp4_backend,
        quant=quant,
        ctx_size=ctx_size,
        cache_type_k=cache_type_k,
        cache_type_v=cache_type_v,
        flash_attn=flash_attn,
        ubatch_size=ubatch_size,
        batch_size=batch_size,
        parallel=parallel,
        n_gpu_layers=n_gpu_layers,
        split_mode=split_mode,
        swa_full=swa_full,
        kv_unified=kv_unified or None,
        mmproj=mmproj,
        n_cpu_moe=n_cpu_moe,
        op_offload=not no_op_offload,
        num_ctx=num_ctx,
        num_parallel=num_parallel,
        kv_cache_type=kv_cache_type,
        flash_attention=flash_attention,
        num_gpu=num_gpu,
        ollama_version=ollama_version,
        ollama_estimator=ollama_estimator,
        offline=offline,
        revision=revision,
        calibration=not no_calibration,
    )
    for line in report.warnings:
        warn(line)
    emit(report.to_dict(), as_json, render_fit)
    if plot is not None:
        from planner.api import plot as draw

        note(f"plot written: {draw(report, plot)}")
    if require_fit and not report.fits:
        raise typer.Exit(int(ExitCode.DOES_NOT_FIT))


def register(app: typer.Typer) -> None:
    app.command("fit", help=o.help_text(FIT_HELP))(fit_command)
