"""Options shared by several commands, defined once."""

from __future__ import annotations

from typing import Annotated

import typer

ModelArg = Annotated[
    str,
    typer.Argument(
        help="Hugging Face repo id, local folder/config.json, .gguf file, or Ollama name (qwen2.5:7b)."
    ),
]
JsonOpt = Annotated[bool, typer.Option("--json", help="Print one JSON object (schema in docs/json.md).")]
HardwareOpt = Annotated[
    str,
    typer.Option(
        "--hardware", help="Hardware profile (`mi50plan profiles list`), or 'host' for this machine."
    ),
]
GpusOpt = Annotated[int, typer.Option("--gpus", min=1, help="How many of these GPUs.")]
OfflineOpt = Annotated[
    bool, typer.Option("--offline", help="Never touch the network (the catalog and caches only).")
]
NoCalibrationOpt = Annotated[
    bool,
    typer.Option("--no-calibration", help="Ignore any stored calibration (`mi50plan calibrate --list`)."),
]
RevisionOpt = Annotated[str | None, typer.Option("--revision", help="Hub revision (branch, tag or commit).")]
EngineOpt = Annotated[str, typer.Option("--engine", help="all, vllm, ollama or llamacpp.")]

# vLLM's own flag names and meanings, so `vllm serve` flags can be pasted.
DtypeOpt = Annotated[
    str, typer.Option("--dtype", help="vLLM --dtype: auto, float16/fp16, bfloat16/bf16, float32.")
]
QuantizationOpt = Annotated[
    str | None,
    typer.Option("--quantization", "-q", help="vLLM --quantization: gptq, awq, fp8 (int8 via gptq)."),
]
MaxModelLenOpt = Annotated[
    int | None, typer.Option("--max-model-len", help="vLLM context length (default: model's).")
]
UtilOpt = Annotated[
    float, typer.Option("--gpu-memory-utilization", help="Fraction of TOTAL memory vLLM may use.")
]
TpOpt = Annotated[int, typer.Option("--tensor-parallel-size", "-tp", help="vLLM tensor parallel size.")]
PpOpt = Annotated[int, typer.Option("--pipeline-parallel-size", "-pp", help="vLLM pipeline parallel size.")]
KvDtypeOpt = Annotated[str, typer.Option("--kv-cache-dtype", help="vLLM KV cache dtype: auto, fp8.")]
MaxSeqsOpt = Annotated[int | None, typer.Option("--max-num-seqs", help="vLLM max sequences per batch.")]
MaxBatchedOpt = Annotated[int | None, typer.Option("--max-num-batched-tokens", help="vLLM tokens per batch.")]
BlockSizeOpt = Annotated[int, typer.Option("--block-size", help="vLLM KV block size in tokens.")]
