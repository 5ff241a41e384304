"""`mi50plan predict`, `recommend` and `compare`: how fast, which deployment, and why one is faster.

Each command parses its flags, calls planner.api and renders (planner/cli/render_predict.py)."""

from __future__ import annotations

import typer

from planner.cli import options as o
from planner.cli.output import emit, note
from planner.cli.render_predict import render_compare, render_predict, render_recommend
from planner.errors import ExitCode

BackendOpt = o.Annotated[
    str | None, typer.Option("--backend", help="llama.cpp/Ollama backend: rocm, vulkan, cuda, cpu.")
]
QuantOpt = o.Annotated[
    str | None, typer.Option("--quant", help="GGUF quant for llama.cpp/Ollama: Q4_0, Q4_K_M, Q8_0...")
]
PromptOpt = o.Annotated[int, typer.Option("--prompt-tokens", help="Prompt length in tokens.")]
OutputOpt = o.Annotated[int, typer.Option("--output-tokens", help="Generated tokens per request.")]
DepthOpt = o.Annotated[int, typer.Option("--context-depth", help="Tokens already in the context (llama-bench -d).")]
ConcOpt = o.Annotated[str, typer.Option("--concurrency", help="Concurrent streams, e.g. 1,4,16.")]
PlotOpt = o.Annotated[str | None, typer.Option("--plot", help="Write a plot: FILE.svg, .png or .html.")]
PREDICT_HELP = """How fast will MODEL run: prefill, TTFT, decode tok/s, TPOT, end-to-end latency, throughput.

Each figure carries a band meant to hold 80% of measurements on a current build of a GPU the fit never
saw (the leave-one-GPU-out errors of the published results; docs/methodology.md section 5). Every engine
runs at its own default context unless --max-model-len (all engines), --ctx-size (llama.cpp) or
--num-ctx (Ollama) says otherwise; the table shows it. A deployment that does not fit exits 5 with the
engine's own reason; a concurrency level the KV cache cannot hold is a row that says so.

Examples:

  mi50plan predict Qwen/Qwen2.5-1.5B-Instruct --engine vllm --prompt-tokens 32 --output-tokens 128

  mi50plan predict meta-llama/Llama-2-7b-hf --engine llamacpp --quant Q4_0 --backend rocm --hardware mi50-32gb

  mi50plan predict Qwen/Qwen2.5-7B-Instruct --engine ollama --concurrency 1,4 --context-depth 2048 --json

  mi50plan predict Qwen/Qwen2.5-7B-Instruct --engine llamacpp,ollama --concurrency 1,2,4,8,16 --plot speed.svg
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
    ctx_size: o.CtxSizeOpt = None,
    num_ctx: o.NumCtxOpt = None,
    tensor_parallel_size: o.TpOpt = None,
    vllm_version: o.VllmVersionOpt = None,
    kv_cache_memory: o.KvCacheMemoryOpt = None,
    enforce_eager: o.EnforceEagerOpt = False,
    backend: BackendOpt = None,
    prompt_tokens: PromptOpt = 32,
    output_tokens: OutputOpt = 128,
    context_depth: DepthOpt = 0,
    concurrency: ConcOpt = "1",
    offline: o.OfflineOpt = False,
    no_calibration: o.NoCalibrationOpt = False,
    plot: PlotOpt = None,
    as_json: o.JsonOpt = False,
) -> None:
    from planner.api import predict

    if plot is not None:
        from planner.plots import check_plot_path

        check_plot_path(plot)
    report = predict(
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
        calibration=not no_calibration,
        vllm_version=vllm_version,
        kv_cache_memory=kv_cache_memory,
        enforce_eager=enforce_eager,
    )
    emit(report, as_json, render_predict)
    if plot is not None and report.predictions:
        from planner.api import plot as draw

        note(f"plot written: {draw(report, plot)}")
    if not report.predictions:  # every level was a "does not fit" row
        raise typer.Exit(int(ExitCode.DOES_NOT_FIT))


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
    family: str | None = typer.Option(None, "--family", help="Pick the largest catalog model of this family."),
    goal: str = typer.Option("latency", "--goal", help="latency, throughput, context or largest."),
    max_latency: str | None = typer.Option(None, "--max-latency", help="End-to-end latency target, e.g. 2s."),
    hardware: o.HardwareOpt = "mi50-16gb",
    gpus: o.GpusOpt = 1,
    max_model_len: o.MaxModelLenOpt = None,
    ctx_size: o.CtxSizeOpt = None,
    num_ctx: o.NumCtxOpt = None,
    vllm_version: o.VllmVersionOpt = None,
    kv_cache_memory: o.KvCacheMemoryOpt = None,
    enforce_eager: o.EnforceEagerOpt = False,
    prompt_tokens: PromptOpt = 32,
    output_tokens: OutputOpt = 128,
    offline: o.OfflineOpt = False,
    no_calibration: o.NoCalibrationOpt = False,
    as_json: o.JsonOpt = False,
) -> None:
    from planner.api import recommend

    report = recommend(
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
        calibration=not no_calibration,
        vllm_version=vllm_version,
        kv_cache_memory=kv_cache_memory,
        enforce_eager=enforce_eager,
    )
    emit(report, as_json, render_recommend)


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
    hardware_b: str | None = typer.Option(
        None, "--hardware-b", help="Put setup B on this hardware profile (default: --hardware): two GPUs side by side."
    ),
    max_model_len: o.MaxModelLenOpt = None,
    prompt_tokens: PromptOpt = 32,
    output_tokens: OutputOpt = 128,
    offline: o.OfflineOpt = False,
    no_calibration: o.NoCalibrationOpt = False,
    as_json: o.JsonOpt = False,
) -> None:
    from planner.api import compare

    report = compare(
        setup_a,
        setup_b,
        hardware=hardware,
        gpus=gpus,
        hardware_b=hardware_b,
        max_model_len=max_model_len,
        prompt_tokens=prompt_tokens,
        output_tokens=output_tokens,
        offline=offline,
        calibration=not no_calibration,
    )
    emit(report, as_json, render_compare)


def register(app: typer.Typer) -> None:
    app.command("predict", help=o.help_text(PREDICT_HELP))(predict_command)
    app.command("recommend", help=o.help_text(RECOMMEND_HELP))(recommend_command)
    app.command("compare", help=o.help_text(COMPARE_HELP))(compare_command)
