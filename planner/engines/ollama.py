"""How Ollama sizes memory and places layers, on top of its llama.cpp runner. Pure.

Follows Ollama's estimator: llm/memory.go (EstimateGPULayers: per-layer weights plus KV, one layer
as a buffer, the GPU's minimum memory, the full- or partial-offload graph, the output layer last) and
fs/ggml/ggml.go (GraphSize: per-architecture graph formulas, KV per layer with Ollama's own bytes per
element). Defaults by version from engine-facts.md section 3. docs/methodology.md section 4 section "Ollama".
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from planner.core.hardware import Hardware
from planner.core.spec import SLIDING, ModelSpec
from planner.engines.base import EnginePlan, Suggestion
from planner.engines.llamacpp import GGUFWeights
from planner.errors import UsageError

GIB = 2**30
MIB = 2**20
DEFAULT_VERSION = "0.16.1"  # the reference report's Ollama (shared/reference/mi50-vllm-vs-ollama-report.md)
# discover/gpu.go: rocmMinimumMemory = cudaMinimumMemory = 457 MiB, kept free on every GPU (metal: see
# minimum_memory_bytes, which gives each version's figure per library).
MINIMUM_MEMORY_BYTES = 457 * MIB
METAL_MINIMUM_MEMORY_BYTES = 512 * MIB  # discover/gpu_darwin.go metalMinimumMemory; ml/device.go MinimumMemory()
# fs/ggml/ggml.go kvCacheBytesPerElement: Ollama's estimate (the runner allocates real ggml blocks:
# q8_0 1.0625, q4_0 0.5625 bytes per element).
OLLAMA_KV_BYTES = {"f16": 2.0, "q8_0": 1.0, "q4_0": 0.5}
# fs/ggml/ggml.go FlashAttention(): architectures Ollama turns flash attention on for by default.
FLASH_DEFAULT_ARCHS = ("bert", "gemma3", "gptoss", "gpt-oss", "mistral3", "olmo3", "qwen3", "qwen3moe")
NUM_BATCH = 512  # api.Options default num_batch
# server/routes.go scheduleRunner, v0.11.0 to v0.15.4 ("This model requires a minimum context"): gpt-oss runs with
# num_ctx >= 8192; from v0.11.4 not in low-VRAM mode (the GPUs' total memory less OLLAMA_GPU_OVERHEAD under 20 GiB).
# v0.15.5 replaced it with the tiered VRAM-based default (commit 0334ffa62).
GPTOSS_MIN_CTX = 8192
GPTOSS_MIN_CTX_VERSIONS = ((0, 11, 0), (0, 15, 4))
LOW_VRAM_BYTES = 20 * GIB
GPTOSS_ARCHS = ("gptoss", "gpt-oss")
# New memory management (PR #11090: the runner reports the allocations it really made, per layer and for the
# worst-case graph) is on by default for Ollama-engine models from 0.11.11 (commit eb10390de "llm: Enable new
# memory estimates by default", 2025-09-11; opt-in OLLAMA_NEW_ESTIMATES=1 from 0.11.5; llm/server.go
# NewLlamaServer: newEstimates = textProcessor != nil). llama-engine models (qwen2, llama, ...) keep the old estimate.
NEW_ESTIMATES_FROM = (0, 11, 11)
# From 0.30.0 (PR #16031, 2026-05-29: "use llama-server exclusively for GGML models") Ollama runs llama-server
# and `ollama ps` SIZE is the sum of the buffer sizes llama-server logs, only the GPU ones when every layer is
# offloaded (llm/llama_server.go MemorySize, isGPUBuffer): no estimate, no 457 MiB minimum, no buffer layer.
LLAMA_SERVER_FROM = (0, 30, 0)
# Architectures the Ollama (Go) engine must run (fs/ggml/ggml.go OllamaEngineRequired), with the first release
# whose list holds them (read from every release tag's source).
OLLAMA_ENGINE_ARCHS = {
    "gemma3": (0, 6, 0),
    "mistral3": (0, 6, 5),
    "llama4": (0, 6, 7),
    "mllama": (0, 7, 0),
    "qwen25vl": (0, 7, 0),
    "gemma3n": (0, 9, 3),
    "gptoss": (0, 11, 0),
    "qwen3": (0, 12, 0),
    "qwen3moe": (0, 12, 2),
    "qwen3vl": (0, 12, 7),
    "qwen3vlmoe": (0, 12, 7),
    "deepseek2": (0, 13, 0),
    "olmo3": (0, 13, 4),
    "bert": (0, 13, 5),
    "glm4moelite": (0, 14, 3),
    "lfm2": (0, 14, 3),
    "qwen3next": (0, 15, 5),
    "nemotron_h": (0, 17, 1),
    "qwen35": (0, 17, 1),
    "qwen35moe": (0, 17, 1),
    "gemma4": (0, 20, 0),
}
# Real ggml block sizes per element, as the runner allocates them (ggml type_traits).
GGML_KV_BYTES = {"f16": 2.0, "q8_0": 34 / 32, "q4_0": 18 / 32}


def parse_version(text: str) -> tuple[int, int, int]:
    parts = text.strip().lstrip("v").split("-")[0].split(".")
    try:
        nums = [int(p) for p in parts]
    except ValueError:
        raise UsageError("--ollama-version", text, "not a version number", hint="e.g. 0.16.1") from None
    while len(nums) < 3:
        nums.append(0)
    return nums[0], nums[1], nums[2]


def minimum_memory_bytes(version: tuple[int, int, int], backend: str) -> int:
    """The memory Ollama sets aside on each GPU of a library (GpuInfo.MinimumMemory), read at the release tags:
    to 0.12.3 discover/gpu.go gives CUDA and ROCm 457 MiB and gpu_darwin.go's GetGPUInfo Metal 512 MiB; 0.12.4-0.12.6
    build the list from the runner's devices (discover/gpu.go devInfoToInfoList), setting 457 MiB for CUDA and ROCm
    only, so Metal and Vulkan set aside nothing; from 0.12.7 ml/device.go MinimumMemory() gives Metal 512 MiB and every
    other library 457 MiB."""
    if backend == "metal":
        return 0 if (0, 12, 4) <= version < (0, 12, 7) else METAL_MINIMUM_MEMORY_BYTES
    if backend not in ("cuda", "rocm") and (0, 12, 4) <= version < (0, 12, 7):
        return 0
    return MINIMUM_MEMORY_BYTES


def default_num_ctx(version: tuple[int, int, int], total_vram_bytes: int) -> int:
    """num_ctx when the user sets none: 2048 up to 0.6.6, 4096 from 0.6.7, VRAM-tiered from 0.15.5."""
    if version < (0, 6, 7):
        return 2048
    if version < (0, 15, 5):
        return 4096
    # server/routes.go: thresholds 23/47 GiB of the summed TotalMemory (slightly under 24/48 on purpose)
    if total_vram_bytes >= 47 * GIB:
        return 262144
    if total_vram_bytes >= 23 * GIB:
        return 32768
    return 4096


def estimator_for(version: tuple[int, int, int], arch: str, override: str | None = None) -> str:
    """'new' (measured allocations) or 'old' (llm/memory.go formulas), as Ollama picks them."""
    if override in ("new", "old"):
        return override
    if version >= LLAMA_SERVER_FROM:
        return "new"  # llama-server's own allocations for every GGML model
    since = OLLAMA_ENGINE_ARCHS.get(arch)
    return "new" if since is not None and version >= max(since, NEW_ESTIMATES_FROM) else "old"


@dataclass(frozen=True)
class OllamaOptions:
    num_ctx: int | None = None
    num_parallel: int = 1  # OLLAMA_NUM_PARALLEL
    kv_cache_type: str = "f16"  # OLLAMA_KV_CACHE_TYPE
    flash_attention: bool | None = None  # OLLAMA_FLASH_ATTENTION; None: Ollama's per-model default
    num_gpu: int | None = None  # layers to offload; None: as many as fit
    version: str = DEFAULT_VERSION
    gpu_overhead_bytes: int = 0  # OLLAMA_GPU_OVERHEAD
    estimator: str | None = None  # None: as Ollama picks by version and model; "new" | "old" (OLLAMA_NEW_ESTIMATES)
    # A vision model's projector (projector.weights / projector.graph in the server log): its weights and the
    # graph of one image, both placed on the first GPU.
    projector_weights_bytes: int = 0
    projector_graph_bytes: int = 0
    sched_spread: bool = False  # OLLAMA_SCHED_SPREAD: always spread over every GPU instead of one that fits

    def flags(self) -> list[str]:
        out = []
        if self.num_ctx:
            out += ["--num-ctx", str(self.num_ctx)]
        if self.num_parallel != 1:
            out += ["--num-parallel", str(self.num_parallel)]
        if self.kv_cache_type != "f16":
            out += ["--kv-cache-type", self.kv_cache_type]
        if self.flash_attention is not None:
            out += ["--flash-attention", "1" if self.flash_attention else "0"]
        return out


@dataclass(frozen=True)
class OllamaPlan(EnginePlan):
    engine: str
    quant: str
    dtype: str
    version: str
    backend: str  # rocm | vulkan | cuda | cpu
    fits: bool  # all layers on the GPU(s)
    runs: bool
    context: int  # num_ctx
    num_parallel: int
    kv_cache_type: str
    flash_attention: bool
    gpu_layers: int  # Ollama counts the output layer: n_layer + 1 when fully offloaded
    total_layers: int
    weights_bytes: int
    kv_cache_bytes: int
    compute_buffer_bytes: int  # Ollama's graph estimate (full or partial offload)
    full_graph_bytes: int  # memory.graph.full in the server log
    partial_graph_bytes: int  # memory.graph.partial
    minimum_memory_bytes: int
    gpu_bytes: int  # VRAMSize
    cpu_bytes: int  # TotalSize - VRAMSize
    total_bytes: int  # TotalSize: memory.required.full in the log and `ollama ps` SIZE (old estimator)
    gpu_sizes: tuple[int, ...]
    tensor_split: str
    processor: str  # `ollama ps` PROCESSOR
    memory_total_bytes: int
    max_model_len: int
    kv_cache_tokens: int
    max_concurrency: float
    weights_exact: bool
    error: str | None = None
    warnings: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()
    flags: tuple[str, ...] = field(default=())
    suggestions: tuple[Suggestion, ...] = ()
    # The largest context fully on the GPUs per KV type (planner.planning.max_context.MaxContext); set by
    # the planning layer after the plan, None when not computed.
    max_context: object | None = None
    launch: tuple[str, ...] = ()  # the command that starts this plan (planner/planning/launch.py), when it fits
    estimator: str = "old"  # old: llm/memory.go formulas; new: the runner's real allocations (0.12+)
    ps_size_bytes: int = 0  # `ollama ps` SIZE (/api/ps size) as this version reports it: see ps_size()


def new_estimate(
    spec: ModelSpec, context: int, num_parallel: int, kv_type: str, batch: int, flash: bool
) -> tuple[list[int], int]:
    """(KV bytes per layer, graph bytes) as the Ollama engine allocates them (kvcache/causal.go, ggml backend
    reserve of the worst-case batch): real ggml block sizes, sliding-window layers with window x parallel
    + batch cells, and the graph counted as for llama.cpp on a GPU backend (every batch position an output)."""
    row = int(2 * spec.num_kv_heads * spec.head_dim * GGML_KV_BYTES[kv_type])
    cells = []
    for t in spec.layer_types:
        n = context
        if t == SLIDING and spec.sliding_window:
            n = min(context, spec.sliding_window * num_parallel + batch)
        cells.append(n)
    kv = [n * row for n in cells]
    mask_elem = 2 if flash else 4
    masks = sum({n: n * batch * mask_elem for n in cells}.values())
    inter = spec.intermediate_size
    if spec.moe is not None:
        inter = spec.moe.experts_per_token * spec.moe.expert_intermediate_size
    ffn = batch * 4 * (3 * inter + 3 * spec.hidden_size)
    layer = ffn
    if not flash:
        layer = max(ffn, batch * max(cells) * spec.num_attention_heads * 4)
    output = batch * spec.vocab_size * 4 + batch * spec.hidden_size * 4
    return kv, max(masks + layer, output)


def ps_size(
    version: tuple[int, int, int],
    estimator: str,
    fully: bool,
    total: int,
    weights: GGUFWeights,
    kv_bytes: int,
    graph_bytes: int,
) -> int:
    """`ollama ps` SIZE (/api/ps `size`) per version:
    - old estimator (llm/memory.go, up to 0.11 and llama-engine models after): TotalSize, the estimate's total,
      the same figure as memory.required.full (an Ollama maintainer's table, ollama#9988: /api/ps size 20090 MiB
      for qwen2.5-coder:32b at num_ctx 2048 in 0.5.0 to 0.6.0);
    - new estimator (0.12+, Ollama-engine models): the allocations the runner reports, weights + cache + graph;
    - 0.30+ (llama-server runner): the sum of llama-server's logged buffers, the GPU ones only when fully
      offloaded: GPU model buffer (token_embd stays CPU_Mapped) + KV + compute (0.30.8 prints 22 GB where 0.24.0
      printed 44.8 GB for the same gemma4 load, ollama#16763)."""
    if version >= LLAMA_SERVER_FROM:
        tied = weights.embedding_bytes if weights.tied_embeddings else 0  # duplicated into the output layer
        gpu_weights = weights.tensor_bytes - weights.embedding_bytes + tied
        return gpu_weights + kv_bytes + graph_bytes if fully else weights.tensor_bytes + kv_bytes + graph_bytes
    if estimator == "new":
        return weights.tensor_bytes + kv_bytes + graph_bytes
    return total


def logged_weights_total(version: tuple[int, int, int], weights: GGUFWeights, kv_bytes: int) -> int:
    """What llm/memory.go logs as memory.weights.total, by version (read at the release tags):
    - up to 0.6.0: the layer loop's sum of layerSize = blk.size() + kv / BlockCount (v0.3.0 to v0.6.0
      `memoryWeights += layerSize`): the repeating blocks plus the KV cache, no output layer;
    - 0.6.1 and 0.6.2: `memoryWeights += blk.Size()` and the log prints memoryWeights: the blocks alone;
    - from 0.6.3: `memoryWeights + memoryLayerOutput`: the blocks plus the output layer (output_norm and output,
      or the tied token_embd)."""
    blocks = sum(weights.layer_bytes)
    if version <= (0, 6, 0):
        return blocks + kv_bytes
    if version < (0, 6, 3):
        return blocks
    return blocks + weights.output_layer_bytes


# A Hugging Face model_type -> the general.architecture llama.cpp's converter writes into its GGUF
# (convert_hf_to_gguf.py: Mistral and Mixtral checkpoints convert as "llama", Phi-3/Phi-4 as "phi3", Cohere's as
# "command-r"); a type not listed keeps its own name without underscores.
OLLAMA_ARCHS = {
    "llama": "llama",
    "mistral": "llama",
    "mixtral": "llama",
    "qwen2": "qwen2",
    "qwen2_moe": "qwen2moe",
    "gemma3_text": "gemma3",
    "gemma3": "gemma3",
    "gemma2": "gemma2",
    "gemma": "gemma",
    "gemma3n": "gemma3n",
    "gpt_oss": "gptoss",
    "qwen3": "qwen3",
    "qwen3_moe": "qwen3moe",
    "qwen3_next": "qwen3next",
    "qwen3_5": "qwen35",
    "qwen3_5_moe": "qwen35moe",
    "deepseek_v2": "deepseek2",
    "deepseek_v3": "deepseek2",
    "mistral3": "mistral3",
    "llama4": "llama4",
    "phi": "phi2",
    "phi3": "phi3",
    "cohere": "command-r",
    "stablelm": "stablelm",
    "chatglm": "chatglm",
}
# The architectures fs/ggml/ggml.go GraphSize has a case for (gptoss: gptoss_graph_size). Every other one gets 0 from
# it, and llm/memory.go falls back to partialOffload = heads / KV heads x kvTotal / 6 and fullOffload = partialOffload.
GRAPH_SIZE_ARCHS = (
    "llama",
    "llama4",
    "mllama",
    "gemma",
    "gemma2",
    "gemma3",
    "gemma3n",
    "command-r",
    "qwen2",
    "phi2",
    "stablelm",
    "deepseek2",
    "chatglm",
)


def ollama_arch(model_type: str) -> str:
    return OLLAMA_ARCHS.get(model_type, model_type.replace("_", ""))


def graph_size(spec: ModelSpec, arch: str, context: int, batch: int, kv_total: int = 0) -> tuple[int, int]:
    """(partialOffload, fullOffload) bytes from fs/ggml/ggml.go GraphSize; context already x num_parallel. An
    architecture GraphSize has no case for takes llm/memory.go's fallback from `kv_total` (the KV bytes of every layer);
    mllama, deepseek2 and chatglm, whose cases read tensor shapes and MLA sizes a config does not give, and llama's
    Mixtral sub-cases are planned with the llama case; gemma3n takes the gemma case x4, as GraphSize does."""
    e, v, h = spec.hidden_size, spec.vocab_size, spec.num_attention_heads
    hk, hkv = spec.head_dim, spec.num_kv_heads
    if arch not in GRAPH_SIZE_ARCHS:
        partial = h // max(hkv, 1) * kv_total // 6
        return partial, partial
    if arch == "command-r":
        full = max(4 * batch * (e + v), 4 * batch * (2 + 4 * e + context * (1 + h)))
        partial = max(
            4 * batch * (e + v) + e * v * 105 // 128,
            4 * batch * (1 + 2 * e + context * (1 + h)) + 4 * e * context + e * e * 9 // 16,
        )
        return partial, full
    if arch == "phi2":
        full = max(4 * batch * (e + v), 4 * batch * (1 + 4 * e + context + context * h))
        partial = max(4 * batch * (2 * e + v) + e * v * 105 // 128, 4 * batch * (2 + 3 * e + context + context * h))
        return partial, full
    if arch == "stablelm":
        full = 4 * batch * (context * (1 + h) + 3 * e + 2)
        return max(4 * batch * (v + 2 * e), full), full
    if arch.startswith("gemma"):
        full = max(4 * batch * (e + v), 4 * batch * (2 + context + context * h + 2 * e + 2 * hk * h))
        partial = max(
            4 * e * batch + e * v * 105 // 128 + 4 * v * batch,
            4 * batch * (2 * e + 1 + 2 * hk * h + context + context * h) + 4 * hk * context * 8 + e * hk * h * 9 // 16,
        )
        if arch == "gemma3n":  # the same case, both graphs x4
            full, partial = 4 * full, 4 * partial
    elif arch == "qwen2":
        full = max(4 * batch * (e + v), 4 * batch * (1 + 2 * e + context + context * h))
        partial = max(
            4 * batch * (e + v) + e * v * 105 // 128,
            4 * (batch * (1 + 2 * e + context * (1 + h)) + e * (1 + context)),
        )
    else:  # "llama" and the default the other architectures fall back to
        full = max(4 * batch * (1 + 4 * e + context * (1 + h)), 4 * batch * (e + v))
        partial = 4 * batch * e + max(
            4 * batch * (1 + e + max(context, e)) + e * e * 9 // 16 + 4 * context * (batch * h + hk * hkv),
            4 * batch * (e + v) + e * v * 105 // 128,
        )
    return partial, full


def gptoss_graph_size(
    spec: ModelSpec, version: tuple[int, int, int], context: int, num_parallel: int, kv_type: str, flash: bool
) -> tuple[int, int]:
    """(partialOffload, fullOffload) of fs/ggml/ggml.go GraphSize, case "gptoss", at the release tags; kvTotal is the
    uniform context x (K + V heads) sum the function takes before its gpt-oss KV; context already x num_parallel:
    - v0.11.0-v0.11.2: full = 4 x heads / KV heads x kvTotal / 6, partial = 2 x full;
    - v0.11.3-v0.11.4: partial = full = that;
    - v0.11.5 on: partial = 2 x heads / KV heads x kvTotal / 6, full unset (llm/memory.go then takes the partial);
      from v0.11.8 with flash attention on, partial = (4 x numParallel + context >> 10 + 110) MiB."""
    kv_total = int(context * spec.head_dim * 2 * spec.num_kv_heads * OLLAMA_KV_BYTES[kv_type]) * spec.num_layers
    gqa = spec.num_attention_heads // max(spec.num_kv_heads, 1)
    if version < (0, 11, 5):
        full = 4 * gqa * kv_total // 6
        return (2 * full if version < (0, 11, 3) else full), full
    partial = 2 * gqa * kv_total // 6
    if flash and version >= (0, 11, 8):
        partial = (4 * num_parallel + (context >> 10) + 110) * MIB
    return partial, partial


def kv_per_layer(spec: ModelSpec, arch: str, context: int, num_parallel: int, kv_type: str, batch: int) -> list[int]:
    per = OLLAMA_KV_BYTES[kv_type]
    row = (spec.head_dim * 2) * spec.num_kv_heads
    out = [int(context * row * per)] * spec.num_layers
    if arch in GPTOSS_ARCHS:
        # fs/ggml/ggml.go GraphSize, case "gptoss" (v0.11.0 on): every even layer numParallel x 4096 + batch cells,
        # every odd one the context: the estimate's own window, not the model's 128-token one
        return [int((num_parallel * 4096 + batch if i % 2 == 0 else context) * row * per) for i in range(len(out))]
    # Gemma 3's sliding-window layers: window x parallel + one batch of cells (GraphSize, case "gemma3": every layer
    # but each 6th, the layer types of the config).
    if arch == "gemma3" and spec.sliding_window:
        window = num_parallel * spec.sliding_window + batch
        out = [int(window * row * per) if t == SLIDING else out[i] for i, t in enumerate(spec.layer_types)]
    return out


def _backend(hw: Hardware, version: tuple[int, int, int]) -> tuple[str, str | None, list[str]]:
    p = hw.profile
    notes: list[str] = []
    if p.platform == "cpu":
        return "cpu", None, notes
    if p.platform == "rocm":
        if p.arch in ("gfx900", "gfx906") and version >= (0, 12, 4):
            if version >= (0, 13, 0):
                notes.append(
                    f"Ollama's ROCm build refuses {p.arch} from 0.12.4 (PR #12481): planned on the Vulkan backend"
                )
                return "vulkan", None, notes
            return (
                "cpu",
                (
                    f"Ollama {'.'.join(map(str, version))} ROCm build refuses {p.arch} (PR #12481) and has "
                    f"no Vulkan backend yet: the model runs on the CPU"
                ),
                notes,
            )
        return "rocm", None, notes
    if p.platform == "cuda":
        return "cuda", None, notes
    return p.platform, None, notes


def plan_ollama(
    spec: ModelSpec, weights: GGUFWeights, hw: Hardware, opts: OllamaOptions, arch: str | None = None
) -> OllamaPlan:
    version = parse_version(opts.version)
    kv_type = opts.kv_cache_type.strip().lower()
    if kv_type not in OLLAMA_KV_BYTES:
        raise UsageError(
            "--kv-cache-type", opts.kv_cache_type, "not an OLLAMA_KV_CACHE_TYPE", hint="use f16, q8_0 or q4_0"
        )
    if opts.num_parallel < 1:
        raise UsageError("--num-parallel", opts.num_parallel, "must be 1 or more")
    if opts.num_ctx is not None and opts.num_ctx <= 0:
        raise UsageError("--num-ctx", opts.num_ctx, "must be a positive number of tokens")
    arch = arch or ollama_arch(spec.model_type)
    profile = hw.profile
    warnings: list[str] = []
    notes: list[str] = list(spec.notes)
    backend, backend_error, backend_notes = _backend(hw, version)
    notes += backend_notes
    gpus = 0 if backend == "cpu" else hw.count
    flash = opts.flash_attention if opts.flash_attention is not None else arch in FLASH_DEFAULT_ARCHS
    if kv_type != "f16" and not flash:
        warnings.append(
            f"OLLAMA_KV_CACHE_TYPE={kv_type} needs flash attention (OLLAMA_FLASH_ATTENTION=1); Ollama falls back to f16"
        )
        kv_type = "f16"
    num_ctx = opts.num_ctx or default_num_ctx(version, profile.memory_bytes * max(gpus, 1) if gpus else 0)
    if opts.num_ctx is None and num_ctx > spec.max_position_embeddings:
        num_ctx = spec.max_position_embeddings  # the tiered default is capped at the model's training length
    low_vram = version >= (0, 11, 4) and profile.memory_bytes * gpus - opts.gpu_overhead_bytes * gpus < LOW_VRAM_BYTES
    if arch in GPTOSS_ARCHS and GPTOSS_MIN_CTX_VERSIONS[0] <= version <= GPTOSS_MIN_CTX_VERSIONS[1] and not low_vram:
        num_ctx = max(num_ctx, GPTOSS_MIN_CTX)  # routes.go: gpt-oss's minimum context
    if num_ctx > spec.max_position_embeddings:
        warnings.append(f"num_ctx {num_ctx} is beyond the model's training context ({spec.max_position_embeddings})")
    if gpus > 1 and not opts.sched_spread:
        # server/sched.go pickBestFullFitByLibrary: first the model on one GPU (the one with the most free
        # memory); only when no single GPU holds it all does Ollama spread it over every GPU of the library.
        single = plan_ollama(spec, weights, Hardware(profile, 1), replace(opts, num_ctx=num_ctx), arch)
        if single.fits:
            return replace(single, notes=single.notes + (f"fits on one of the {gpus} GPUs: Ollama loads it there",))
    context = num_ctx * opts.num_parallel
    batch = min(num_ctx, NUM_BATCH)
    estimator = estimator_for(version, arch, opts.estimator)
    if estimator == "new":
        kv, graph_real = new_estimate(spec, context, opts.num_parallel, kv_type, batch, flash)
        partial = full = graph_real
    else:
        kv = kv_per_layer(spec, arch, context, opts.num_parallel, kv_type, batch)
        if arch in GPTOSS_ARCHS:
            partial, full = gptoss_graph_size(spec, version, context, opts.num_parallel, kv_type, flash)
        else:
            partial, full = graph_size(spec, arch, context, batch, sum(kv))
    if backend == "metal":
        partial = full  # memory.go, every version: "on metal there's no partial offload overhead"
    elif gpus > 1:
        full = partial  # memory.go: multi-GPU always uses the partial graph size
    n_layer = spec.num_layers
    layer_sizes = [weights.layer_bytes[i] + kv[i] for i in range(n_layer)]
    output = weights.output_layer_bytes
    free = profile.runtime_memory_bytes - opts.gpu_overhead_bytes  # what the driver reports
    graph = max(partial, full)
    alloc = [0] * gpus
    counts = [0] * gpus
    # memory.go: "add one layer worth of memory as a buffer": layerSize = blk0.Size(), then layerSize += kv[0]
    buffer = layer_sizes[0]
    minimum = minimum_memory_bytes(version, backend)
    with_space = [g for g in range(gpus) if free >= graph + minimum + 2 * buffer]
    for g in with_space:
        alloc[g] += minimum + buffer
    projector = opts.projector_weights_bytes + opts.projector_graph_bytes
    if projector and with_space:
        # memory.go: the projector's weights and graph are overhead on the first GPU (gpuZeroOverhead)
        alloc[with_space[0]] += projector
    layer_count = 0
    overflow = 0
    for i in range(n_layer):
        size = layer_sizes[i]
        if opts.num_gpu is not None and layer_count >= opts.num_gpu:
            overflow += size
            continue
        placed = False
        for j in range(len(with_space), 0, -1):
            g = with_space[i % j]
            if free > alloc[g] + graph + size:
                alloc[g] += size
                counts[g] += 1
                layer_count += 1
                placed = True
                break
            with_space.remove(g)
        if not placed:
            overflow += size
    fully = layer_count >= n_layer
    if opts.num_gpu is None or layer_count < opts.num_gpu:
        for j in range(len(with_space), 0, -1):
            g = with_space[layer_count % j]
            if free > alloc[g] + graph + output:
                alloc[g] += output
                counts[g] += 1
                layer_count += 1
                break
    if layer_count < n_layer + 1:
        fully = False
        overflow += output
    graph_used = full if fully else partial
    for g in range(gpus):
        if counts[g] > 0:
            alloc[g] += graph_used
    vram = sum(alloc)
    total = vram + overflow
    if vram == 0 and backend == "cpu":
        # The CPU library (memory.go, v0.3-v0.12 at the tags): discover's CPU entry is the one device, its FreeMemory
        # the system's free memory and no MinimumMemory; the same placement runs on it (the buffer, every layer with
        # its KV, the output) and, all of it fitting, adds the full-offload graph. memory.required.full is that sum.
        body = buffer + sum(layer_sizes) + output + projector
        graph_used = full if body + graph < free else partial
        total = body + graph_used
    elif vram == 0:
        total = sum(layer_sizes) + output + graph_used + projector
    processor = (
        "100% GPU"
        if vram >= total
        else "100% CPU"
        if vram == 0
        else (f"{round(100 * (total - vram) / total)}%/{round(100 * vram / total)}% CPU/GPU")
    )
    error = backend_error if backend_error and gpus == 0 else None
    if backend_error:
        warnings.append(backend_error)
    cpu_bytes = total - vram
    host = profile.host_memory_bytes if backend != "cpu" or profile.platform != "cpu" else profile.memory_bytes
    if profile.platform == "cpu":
        host = profile.memory_bytes
    if host is not None and cpu_bytes > host:
        error = (
            f"model requires more system memory ({cpu_bytes / GIB:.1f} GiB) than is available ({host / GIB:.1f} GiB)"
        )
    fits = error is None and (fully or (profile.platform == "cpu"))
    if error is None and not fully and gpus:
        warnings.append(f"{layer_count} of {n_layer + 1} layers on the GPU ({processor}): the rest run on the CPU")
    kv_total = sum(kv)
    return OllamaPlan(
        engine="ollama",
        quant=weights.quant,
        dtype=weights.quant,
        version=".".join(map(str, version)),
        backend=backend,
        fits=fits,
        runs=error is None,
        context=num_ctx,
        num_parallel=opts.num_parallel,
        kv_cache_type=kv_type,
        flash_attention=flash,
        gpu_layers=layer_count if gpus else 0,
        total_layers=n_layer + 1,
        weights_bytes=weights.tensor_bytes,
        kv_cache_bytes=kv_total,
        compute_buffer_bytes=graph_used,
        full_graph_bytes=full,
        partial_graph_bytes=partial,
        minimum_memory_bytes=minimum if gpus else 0,
        gpu_bytes=vram,
        cpu_bytes=cpu_bytes,
        total_bytes=total,
        gpu_sizes=tuple(alloc),
        tensor_split=",".join(str(c) for c in counts) if gpus > 1 else "",
        processor=processor,
        memory_total_bytes=profile.memory_bytes,
        max_model_len=num_ctx,
        kv_cache_tokens=context,
        max_concurrency=float(opts.num_parallel),
        weights_exact=weights.exact,
        error=error,
        warnings=tuple(warnings),
        notes=tuple(notes),
        flags=tuple(opts.flags()),
        estimator=estimator,
        ps_size_bytes=ps_size(version, estimator, fully, total, weights, kv_total, graph_used),
    )


__all__ = [
    "OllamaOptions",
    "OllamaPlan",
    "plan_ollama",
    "default_num_ctx",
    "graph_size",
    "logged_weights_total",
    "parse_version",
]
