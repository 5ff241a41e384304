"""`mi50plan validate` (predicted vs measured) and `mi50plan calibrate` (fit the user's factors).

Each command parses its flags, calls planner.api and renders (planner/cli/render_validate.py)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from planner.cli import options as o
from planner.cli.output import emit, note
from planner.cli.render_validate import render_list, render_validate

VALIDATE_HELP = """Compare predictions with measurements: a probe results file, a vLLM or llama.cpp start-up
log, a `vllm bench serve` result, or llama-bench output.

Flags the file does not settle (model, engine, hardware, vLLM settings) are taken as in `fit` and
`predict`. A vLLM log settles what it states about itself (release, model, dtype, max-model-len,
parallel sizes, quantization, --enforce-eager, the flags it was started with, the runtime's total
memory) and the output lists each; a flag given wins. --hardware is never read from a log. A stored
calibration for the same hardware+engine+backend is used and named (--no-calibration to compare the
raw model).

Examples:

  mi50plan validate results.json --hardware mi50-16gb

  mi50plan validate --vllm-log vllm-startup.log --model Qwen/Qwen2.5-1.5B-Instruct --dtype fp16

  mi50plan validate --vllm-log server.log --hardware l40s   (model, release and flags from the log)

  mi50plan validate --llama-log llama-server.log --model ./model.gguf --hardware rtx3090   (every buffer
  the log prints, planned with the context, batch, slots, KV types and offload it logs)

  mi50plan validate --llama-bench llama-bench.json --model ./model.gguf --hardware host

  mi50plan validate curve.json --model ./model.gguf --hardware host --plot curve.svg   (a load probe:
  per rate, simulated against measured p50 TTFT, TPOT, E2E, requests/s and the saturation rate)
"""

CALIBRATE_HELP = """Fit the speed model to your own runs and use the fit in every later prediction.

From probe results: the decode factor, the prefill factor and a fixed per-request TTFT overhead
(probe several prompt lengths, e.g. short,medium,long, so the overhead can be told apart from the
prefill rate), and a KV-read factor when the prompts are long enough to show it. From a vLLM
start-up log: the memory corrections later vLLM plans on that hardware use. Stored per hardware +
engine + backend in the config directory; every output that uses one says so.

Examples:

  mi50plan calibrate results.json --hardware host

  mi50plan calibrate curve.json --model ./model.gguf --hardware host   (a load probe: decode, prefill
  and batch factors and the TTFT overhead of the serving simulation; include --users 1 or a low rate)

  mi50plan calibrate --vllm-log vllm-startup.log --model Qwen/Qwen2.5-1.5B-Instruct --dtype fp16

  mi50plan calibrate --list

  mi50plan calibrate --remove host/llamacpp/cpu
"""


BackendOpt = Annotated[
    str | None,
    typer.Option("--backend", help="rocm, vulkan, cuda or cpu (default: the engine's own on this hardware)."),
]
ModelOpt = Annotated[str | None, typer.Option("--model", help="Model (default: the one the results name).")]
EngineOverride = Annotated[
    str | None, typer.Option("--engine", help="vllm, llamacpp or ollama (default: from the server kind).")
]


def validate_command(
    results: Annotated[Path | None, typer.Argument(help="A results file from `mi50plan probe --save`.")] = None,
    vllm_log: Annotated[Path | None, typer.Option("--vllm-log", help="A vLLM start-up log.")] = None,
    llama_log: Annotated[
        Path | None, typer.Option("--llama-log", help="A llama-server or llama-cli start-up log (pass --model).")
    ] = None,
    bench: Annotated[Path | None, typer.Option("--bench", help="`vllm bench serve --save-result` JSON.")] = None,
    llama_bench: Annotated[Path | None, typer.Option("--llama-bench", help="llama-bench -o json or -o md.")] = None,
    model: ModelOpt = None,
    engine: EngineOverride = None,
    backend: BackendOpt = None,
    hardware: o.HardwareOpt = "mi50-16gb",
    gpus: o.GpusOpt = 1,
    dtype: o.DtypeOpt = "auto",
    quantization: o.QuantizationOpt = None,
    max_model_len: o.MaxModelLenOpt = None,
    gpu_memory_utilization: o.UtilOpt = None,
    tensor_parallel_size: o.TpOpt = None,
    kv_cache_dtype: o.KvDtypeOpt = "auto",
    max_num_seqs: o.MaxSeqsOpt = None,
    max_num_batched_tokens: o.MaxBatchedOpt = None,
    quant: Annotated[
        str | None,
        typer.Option(
            "--quant", help="A llama.cpp log's GGUF quant when --model is a Hub id (default: the log's file type)."
        ),
    ] = None,
    vllm_version: Annotated[
        str | None,
        typer.Option(
            "--vllm-version",
            help="vLLM release or line the log is planned with (default: the one the log states, else auto).",
        ),
    ] = None,
    probe_index: Annotated[
        int | None, typer.Option("--probe", help="Only this probe of the file (0 = first, -1 = last).")
    ] = None,
    no_calibration: o.NoCalibrationOpt = False,
    offline: o.OfflineOpt = False,
    slots: Annotated[
        int | None,
        typer.Option(
            "--slots", help="A load probe's server: -np, OLLAMA_NUM_PARALLEL or max_num_seqs (default: reported)."
        ),
    ] = None,
    plot: Annotated[
        str | None, typer.Option("--plot", help="Predicted against measured: FILE.svg, .png or .html.")
    ] = None,
    as_json: o.JsonOpt = False,
) -> None:
    from planner.api import validate
    from planner.plots import check_plot_path, validate_plot

    if plot is not None:
        check_plot_path(plot)
    report = validate(
        results,
        vllm_log=vllm_log,
        bench=bench,
        llama_bench=llama_bench,
        model=model,
        engine=engine,
        backend=backend,
        hardware=hardware,
        gpus=gpus,
        dtype=dtype,
        quantization=quantization,
        max_model_len=max_model_len,
        gpu_memory_utilization=gpu_memory_utilization,
        tensor_parallel_size=tensor_parallel_size,
        kv_cache_dtype=kv_cache_dtype,
        max_num_seqs=max_num_seqs,
        max_num_batched_tokens=max_num_batched_tokens,
        probe=probe_index,
        offline=offline,
        calibration=not no_calibration,
        slots=slots,
        vllm_version=vllm_version,
        llama_log=llama_log,
        quant=quant,
    )
    if not report.comparisons:
        note("nothing to compare: no successful measurement in the file")
    emit(report, as_json, render_validate)
    if plot is not None:
        note(f"plot written: {validate_plot(report.to_dict(), plot)}")


def calibrate_command(
    results: Annotated[Path | None, typer.Argument(help="A results file from `mi50plan probe --save`.")] = None,
    list_: Annotated[bool, typer.Option("--list", help="Show the stored calibrations.")] = False,
    remove: Annotated[str | None, typer.Option("--remove", help="Remove one calibration by name, or 'all'.")] = None,
    vllm_log: Annotated[
        Path | None,
        typer.Option("--vllm-log", help="Also store vLLM memory corrections from this start-up log."),
    ] = None,
    model: ModelOpt = None,
    engine: EngineOverride = None,
    backend: BackendOpt = None,
    hardware: o.HardwareOpt = "mi50-16gb",
    gpus: o.GpusOpt = 1,
    dtype: o.DtypeOpt = "auto",
    quantization: o.QuantizationOpt = None,
    max_model_len: o.MaxModelLenOpt = None,
    probe_index: Annotated[int | None, typer.Option("--probe", help="Only this probe of the file.")] = None,
    offline: o.OfflineOpt = False,
    slots: Annotated[
        int | None, typer.Option("--slots", help="A load probe's server slots (default: what it reported).")
    ] = None,
    as_json: o.JsonOpt = False,
) -> None:
    from planner import api
    from planner.planning.calibrate import remove_calibrations

    if list_:
        emit(api.calibrations(), as_json, render_list)
        return
    if remove is not None:
        gone, file = remove_calibrations(None if remove == "all" else remove)
        emit(
            {"removed": gone, "file": file},
            as_json,
            lambda d: "removed: " + (", ".join(d["removed"]) or "nothing"),
        )
        return
    result = api.calibrate(
        results,
        vllm_log=vllm_log,
        model=model,
        engine=engine,
        backend=backend,
        hardware=hardware,
        gpus=gpus,
        dtype=dtype,
        quantization=quantization,
        max_model_len=max_model_len,
        probe=probe_index,
        offline=offline,
        slots=slots,
    )
    note(f"stored in {result.file}")
    emit(result, as_json, lambda d: d["describe"])


def register(app: typer.Typer) -> None:
    app.command("validate", help=o.help_text(VALIDATE_HELP))(validate_command)
    app.command("calibrate", help=o.help_text(CALIBRATE_HELP))(calibrate_command)
