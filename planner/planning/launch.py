"""The command that starts a deployment: `vllm serve`, `llama-server` or an Ollama Modelfile."""

from __future__ import annotations

from planner.core.hardware import Hardware
from planner.core.speed import Deployment


def launch_command(model_id: str, d: Deployment, context: int, hw: Hardware) -> tuple[str, ...]:
    from planner.sources import catalog

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
        return tuple(lines + [cmd])
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
        return (f"# {build.get(d.backend or '', '')}", cmd)
    tags = [t for t, v in catalog.ollama_tags().items() if v.get("model") == model_id]
    tag = min(tags, key=len) if tags else None
    tag = tag or f"hf.co/{model_id}-GGUF:{d.quant}"
    env = [f"OLLAMA_CONTEXT_LENGTH={context}", "OLLAMA_NUM_PARALLEL=1", "OLLAMA_FLASH_ATTENTION=1"]
    if d.backend == "vulkan":
        env.insert(0, "OLLAMA_VULKAN=1")
    return (
        " ".join(env) + " ollama serve",
        "# Modelfile:",
        f"FROM {tag}",
        f"PARAMETER num_ctx {context}",
        "PARAMETER num_gpu 999",
        f"# the tag's {d.quant} file; `ollama create my-model -f Modelfile`",
    )
