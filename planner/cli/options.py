"""Options shared by several commands, defined once."""

from __future__ import annotations

from typing import Annotated

import typer

ModelArg = Annotated[
    str,
    typer.Argument(help="Hugging Face repo id, local folder/config.json, .gguf file, or Ollama name (qwen2.5:7b)."),
]
JsonOpt = Annotated[bool, typer.Option("--json", help="Print one JSON object (schema in docs/json.md).")]
HardwareOpt = Annotated[
    str,
    typer.Option("--hardware", help="Hardware profile (`mi50plan profiles list`), or 'host' for this machine."),
]
GpusOpt = Annotated[int, typer.Option("--gpus", min=1, help="How many of these GPUs.")]
OfflineOpt = Annotated[bool, typer.Option("--offline", help="Never touch the network (the catalog and caches only).")]
NoCalibrationOpt = Annotated[
    bool,
    typer.Option("--no-calibration", help="Ignore any stored calibration (`mi50plan calibrate --list`)."),
]
RevisionOpt = Annotated[str | None, typer.Option("--revision", help="Hub revision (branch, tag or commit).")]
EngineOpt = Annotated[str, typer.Option("--engine", help="all, vllm, ollama or llamacpp.")]

# vLLM's own flag names and meanings, so `vllm serve` flags can be pasted.
DtypeOpt = Annotated[str, typer.Option("--dtype", help="vLLM --dtype: auto, float16/fp16, bfloat16/bf16, float32.")]
QuantizationOpt = Annotated[
    str | None,
    typer.Option("--quantization", "-q", help="vLLM --quantization: gptq, awq, fp8 (int8 via gptq)."),
]
MaxModelLenOpt = Annotated[
    int | None,
    typer.Option(
        "--max-model-len",
        help="Context for every engine (default: each engine's own: vLLM and llama.cpp the model's, "
        "Ollama its version's default for this VRAM).",
    ),
]
CtxSizeOpt = Annotated[
    int | None, typer.Option("--ctx-size", "-c", help="llama.cpp --ctx-size (default: the model's).")
]
NumCtxOpt = Annotated[int | None, typer.Option("--num-ctx", help="Ollama num_ctx (default by version and VRAM).")]
UtilOpt = Annotated[
    float | None,
    typer.Option(
        "--gpu-memory-utilization",
        help="Fraction of TOTAL memory vLLM may use (default: the release's, 0.9 up to 0.19, 0.92 from 0.20).",
    ),
]
TpOpt = Annotated[
    int | None,
    typer.Option(
        "--tensor-parallel-size", "-tp", help="vLLM tensor parallel size (default: the largest --gpus holds)."
    ),
]
PpOpt = Annotated[int, typer.Option("--pipeline-parallel-size", "-pp", help="vLLM pipeline parallel size.")]
KvDtypeOpt = Annotated[str, typer.Option("--kv-cache-dtype", help="vLLM KV cache dtype: auto, fp8.")]
MaxSeqsOpt = Annotated[int | None, typer.Option("--max-num-seqs", help="vLLM max sequences per batch.")]
MaxBatchedOpt = Annotated[int | None, typer.Option("--max-num-batched-tokens", help="vLLM tokens per batch.")]
BlockSizeOpt = Annotated[int, typer.Option("--block-size", help="vLLM KV block size in tokens.")]
VllmVersionOpt = Annotated[
    str | None,
    typer.Option(
        "--vllm-version",
        help="vLLM release line to plan: v0, 0.8, 0.10, 0.11, 0.12, 0.16, 0.17, 0.19, 0.2x, 0.3x/latest, or a release "
        "such as 0.11.0 (default auto: 0.11 on gfx906, the gfx906 fork's; elsewhere the latest release read, 0.33.0).",
    ),
]
KvCacheMemoryOpt = Annotated[
    str | None,
    typer.Option(
        "--kv-cache-memory",
        "--kv-cache-memory-bytes",
        help="vLLM --kv-cache-memory-bytes: a fixed KV budget per GPU (8GiB, 8G, 8589934592 bytes); "
        "vLLM then skips profiling and ignores --gpu-memory-utilization.",
    ),
]
VllmEntrypointOpt = Annotated[
    str,
    typer.Option(
        "--vllm-entrypoint",
        help="How vLLM is started: serve (`vllm serve`) or llm (the Python LLM(...) class, whose default batch "
        "budget is 8192 tokens below 70 GiB, 16384 above, against serve's 2048 / 8192: a larger profile run, less KV).",
    ),
]
VllmMxfp4BackendOpt = Annotated[
    str,
    typer.Option(
        "--vllm-mxfp4-backend",
        help="The kernels vLLM runs gpt-oss's MXFP4 experts with on Hopper: auto (the official images: Triton) or "
        "marlin (a pip install without the triton_kernels package: larger padded experts, 1.3 GiB more for "
        "gpt-oss-120b).",
    ),
]
EnforceEagerOpt = Annotated[
    bool, typer.Option("--enforce-eager", help="vLLM --enforce-eager: no CUDA graphs (no graph memory estimate).")
]
PrefixCachingOpt = Annotated[
    bool | None,
    typer.Option(
        "--enable-prefix-caching/--no-enable-prefix-caching",
        help="vLLM prefix caching (shares blocks; no memory effect, shown in the launch command).",
    ),
]
CpuOffloadOpt = Annotated[
    float, typer.Option("--cpu-offload-gb", help="vLLM --cpu-offload-gb: GiB of weights per GPU kept in host RAM.")
]
SwapSpaceOpt = Annotated[
    float | None,
    typer.Option("--swap-space", help="vLLM --swap-space GiB of CPU KV blocks per GPU (V0 engine only)."),
]
MmprojOpt = Annotated[
    str | None,
    typer.Option("--mmproj", help="llama.cpp --mmproj FILE: a multimodal projector GGUF, loaded on the first GPU."),
]
NCpuMoeOpt = Annotated[
    int, typer.Option("--n-cpu-moe", help="llama.cpp --n-cpu-moe N: experts of the first N layers stay on the CPU.")
]
OllamaVersionOpt = Annotated[
    str, typer.Option("--ollama-version", help="Ollama version whose defaults and estimator to plan.")
]
OllamaEstimatorOpt = Annotated[
    str | None,
    typer.Option(
        "--ollama-estimator",
        help="Ollama memory estimator: new or old (default: as Ollama picks by version and model).",
    ),
]


def help_text(text: str) -> str:
    """A command's help for click's plain formatter: indented paragraphs (the examples) are kept as
    written (click's \\b marker), so a command line never wraps mid-flag at 80 columns."""
    paragraphs = text.strip("\n").split("\n\n")
    return "\n\n".join("\b\n" + p if p.startswith("  ") else p for p in paragraphs)
