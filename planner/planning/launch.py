"""The command that starts a deployment: `vllm serve`, `llama-server` or Ollama with a Modelfile.

Checkpoints are named only when a real repository is known (planner/catalog/quantized.json, each
with its source); otherwise the command says what to look for instead of inventing a repo id.
"""

from __future__ import annotations

from planner.core.hardware import Hardware
from planner.core.spec import ModelSpec
from planner.core.speed import Deployment

SCHEME_WORDS = {"gptq": "GPTQ int4", "awq": "AWQ int4", "int8": "GPTQ int8", "fp8": "FP8", "gguf": "GGUF"}


def known_checkpoint(model_id: str, scheme: str) -> str | None:
    """A real pre-quantized repository of `model_id` in `scheme` (gptq, awq, int8, fp8, gguf), or None."""
    from planner.sources import catalog

    repo, _ = catalog.quantized_checkpoint(model_id, scheme)
    return repo


def vllm_checkpoint(model_id: str, quantization: str | None) -> tuple[str, list[str]]:
    if not quantization:
        return model_id, []
    from planner.sources import catalog

    repo, line = catalog.quantized_checkpoint(model_id, quantization)
    if repo:
        return repo, [f"# {line}"]
    words = SCHEME_WORDS.get(quantization, quantization)
    placeholder = f"<{words.replace(' ', '-')}-checkpoint-of-{model_id.split('/')[-1]}>"
    return placeholder, [
        f"# no known {words} checkpoint of {model_id}: search the Hub for '{model_id.split('/')[-1]} {words}'"
        " (vLLM reads its quantization_config) or quantize one with llm-compressor / AutoAWQ"
    ]


def name_checkpoints(suggestions: tuple, model_id: str) -> tuple:
    """vLLM's int4 suggestions with a real GPTQ or AWQ repository of `model_id` from the catalog's quantized
    table (its flags then name that repo's scheme), or with what to search the Hub for when none is known."""
    from dataclasses import replace

    from planner.engines.vllm import INT4_CHECKPOINT

    out = []
    for s in suggestions:
        if getattr(s, "engine", "vllm") != "vllm" or not s.change.startswith(INT4_CHECKPOINT):
            out.append(s)
            continue
        rest = s.change[len(INT4_CHECKPOINT) :]
        found = next(
            ((scheme, repo) for scheme in ("gptq", "awq") for repo in [known_checkpoint(model_id, scheme)] if repo),
            None,
        )
        if found is None:
            name = model_id.split("/")[-1]
            change = f"{INT4_CHECKPOINT}{rest} (none known to mi50plan: search the Hub for '{name} GPTQ' or 'AWQ')"
            out.append(replace(s, change=change))
            continue
        scheme, repo = found
        flags = tuple(scheme if f == "gptq" else f for f in s.flags)
        change = f"the int4 {SCHEME_WORDS[scheme].split()[0]} checkpoint {repo}{rest}"
        out.append(replace(s, change=change, flags=flags))
    return tuple(out)


# The files a catalog GGUF repo is taken to carry: the K and legacy types second-state's Qwen2.5 GGUF repos publish
# (their model cards' tables run Q2_K ... Q8_0 and f16; not re-read when this list was written). An i-quant or any
# other type is not claimed: the launch says to make it with llama-quantize instead. A repo whose named file is an
# MXFP4 one is taken to carry that file alone (ggml-org's gpt-oss-20b and -120b GGUF repos: one MXFP4 file each).
KNOWN_REPO_QUANTS = (
    "Q2_K", "Q3_K_S", "Q3_K_M", "Q3_K_L", "Q4_0", "Q4_K_S", "Q4_K_M", "Q5_0", "Q5_K_S", "Q5_K_M", "Q6_K", "Q8_0", "F16",
)  # fmt: skip


def gguf_repo(model_id: str, quant: str) -> tuple[str | None, str | None]:
    """(a known GGUF repository of `model_id` holding a `quant` file, that file's name where the catalog names it):
    the repo whose named file is of that type, else one taken to carry the K and legacy types (KNOWN_REPO_QUANTS) unless
    its named file is an MXFP4 one (ggml-org's gpt-oss repos hold that file alone); (None, None) when none is known."""
    from planner.sources import catalog

    found = catalog.quantized_repos(model_id, quant)
    if not found:
        return None, None
    best = found[0]
    named = (best.gguf_file or "").lower()
    if named and quant.lower() in named:
        return best.repo, best.gguf_file
    if quant.upper() in KNOWN_REPO_QUANTS and "mxfp4" not in named:
        return best.repo, None
    return None, None


def gguf_source(model_id: str, quant: str) -> tuple[str, str]:
    """(file name, a comment saying where to get it): the repo's own named file where it is of that type, the
    repo's file of that type where the repo is taken to carry it, else how to make one."""
    base = model_id.split("/")[-1]
    repo, file = gguf_repo(model_id, quant)
    if repo and file:
        return file, f"# from {repo}"
    if repo:
        return f"{base}-{quant}.gguf", f"# from {repo} (the {quant} file)"
    return f"{base}-{quant}.gguf", (
        f"# the {quant} GGUF of {model_id}: convert with llama.cpp's convert_hf_to_gguf.py + llama-quantize"
    )


def vllm_dtype_flag(spec: ModelSpec, hw: Hardware, quantization: str | None) -> str:
    """The --dtype a launch command passes: what `--dtype auto` runs on this card for this checkpoint
    (vllm.resolve_dtype), named. float16 where the card has no bf16 hardware (upstream vLLM refuses a bf16 checkpoint
    there; the gfx906 forks cast it to fp16) or where the kernels run fp16 (a GPTQ or AWQ checkpoint); bfloat16 for a
    bf16 checkpoint on bf16 hardware, where float16 would change the numbers the model was trained in (and can
    overflow)."""
    from planner.core.precision import quant_from_flag
    from planner.engines.vllm import VLLM_DTYPE_NAMES, resolve_dtype

    quant = spec.quant or (quant_from_flag(quantization) if quantization else None)
    dtype, _ = resolve_dtype(spec, hw, "auto", quant)
    return VLLM_DTYPE_NAMES.get(dtype, "auto")


def launch_command(model_id: str, d: Deployment, context: int, hw: Hardware, spec: ModelSpec) -> tuple[str, ...]:
    if d.engine == "vllm":
        repo, lines = vllm_checkpoint(model_id, d.quantization)
        cmd = f"vllm serve {repo} --dtype {vllm_dtype_flag(spec, hw, d.quantization)} --max-model-len {context}"
        if d.tensor_parallel_size > 1:
            cmd += f" --tensor-parallel-size {d.tensor_parallel_size}"
        return tuple(lines + [cmd])
    if d.engine == "llamacpp":
        file, where = gguf_source(model_id, d.quant)
        cmd = f"llama-server -m {file} -c {context} -ngl 999 -fa on"
        if d.layer_split > 1:
            cmd += " --split-mode layer --tensor-split " + ",".join(["1"] * d.layer_split)
        build = {
            "rocm": "HIP build (-DGGML_HIP=ON -DAMDGPU_TARGETS=" + hw.profile.arch + ")",
            "vulkan": "Vulkan build (-DGGML_VULKAN=ON)",
            "cuda": "CUDA build",
            "cpu": "CPU build",
        }
        return (f"# {build.get(d.backend or '', '')}", where, cmd)
    return ollama_launch(model_id, d.quant, d.backend, context, 1)


def ollama_library_tag(model_id: str, quant: str) -> str | None:
    """The offline catalog's shortest Ollama library tag of `model_id` whose file is of type `quant` (qwen2.5:7b for
    Q4_K_M), or None: a tag of another type is not named for this one (Ollama pulls the tag's own file)."""
    from planner.sources import catalog

    tags = [t for t, v in catalog.ollama_tags().items() if v.get("model") == model_id and v.get("quant") == quant]
    return min(tags, key=len) if tags else None


def ollama_launch(
    model_id: str,
    quant: str,
    backend: str | None,
    context: int,
    parallel: int,
    flash_attention: bool = True,
    kv_cache_type: str = "f16",
) -> tuple[str, ...]:
    tag = ollama_library_tag(model_id, quant)
    if tag is None:
        repo, _ = gguf_repo(model_id, quant)
        tag = f"hf.co/{repo}:{quant}" if repo else f"<a {quant} GGUF of {model_id}>"
    env = [
        f"OLLAMA_CONTEXT_LENGTH={context}",
        f"OLLAMA_NUM_PARALLEL={parallel}",
        f"OLLAMA_FLASH_ATTENTION={1 if flash_attention else 0}",
    ]
    if kv_cache_type != "f16":
        env.append(f"OLLAMA_KV_CACHE_TYPE={kv_cache_type}")
    if backend == "vulkan":
        env.insert(0, "OLLAMA_VULKAN=1")
    return (
        " ".join(env) + " ollama serve",
        "# Modelfile:",
        f"FROM {tag}",
        f"PARAMETER num_ctx {context}",
        "PARAMETER num_gpu 999",
        (
            f"# the tag's {quant} file; `ollama create my-model -f Modelfile`"
            if not tag.startswith("<")
            else f"# FROM a local {quant} .gguf (made with llama-quantize); `ollama create my-model -f Modelfile`"
        ),
    )


def llm_class_call(repo: str, flags: tuple[str, ...]) -> str:
    """The Python `LLM(...)` call with the same settings as `vllm serve repo *flags`: each --flag-name value as the
    keyword flag_name=value (EngineArgs takes the serve flags' names), a bare --flag as True, --no-flag as False."""
    args = [f"model={repo!r}"]
    i = 0
    while i < len(flags):
        name = flags[i].removeprefix("--").replace("-", "_")
        if i + 1 < len(flags) and not flags[i + 1].startswith("--"):
            value = flags[i + 1]
            args.append(f"{name}={value}" if value.replace(".", "", 1).isdigit() else f"{name}={value!r}")
            i += 2
        elif name.startswith("no_"):  # --no-enable-prefix-caching
            args.append(f"{name.removeprefix('no_')}=False")
            i += 1
        else:
            args.append(f"{name}=True")
            i += 1
    return f'python -c "from vllm import LLM; llm = LLM({", ".join(args)})"'


def launch_for_plan(
    model_id: str, plan, hw: Hardware, model_path: str | None = None, prequantized: bool = False
) -> tuple[str, ...]:
    """The command that starts a fitting `fit` plan with exactly its flags (empty when it does not fit).
    `prequantized`: the model is itself a quantized checkpoint (its config has a quantization_config, or the
    catalog reads it as one), so vLLM serves it as it is; otherwise a quantized plan needs such a checkpoint."""
    if not plan.fits:
        return ()
    if plan.engine == "vllm":
        repo, lines = (model_id, []) if prequantized else vllm_checkpoint(model_id, plan.quantization)
        if getattr(plan, "entrypoint", "serve") == "llm":
            return tuple(lines + [llm_class_call(repo, plan.flags)])
        return tuple(lines + [" ".join(["vllm serve", repo, *plan.flags])])
    if plan.engine == "llamacpp":
        if model_path:
            file, where = model_path, None
        else:
            file, where = gguf_source(model_id, plan.quant)
        cmd = " ".join(
            [
                "llama-server",
                "-m",
                file,
                "-c",
                str(plan.context),
                "-ngl",
                str(plan.gpu_layers),
                *[f for f in plan.flags if f not in ("--ctx-size", str(plan.context))],
            ]
        )
        return tuple(x for x in (where, cmd) if x)
    return ollama_launch(
        model_id, plan.quant, plan.backend, plan.context, plan.num_parallel, plan.flash_attention, plan.kv_cache_type
    )
