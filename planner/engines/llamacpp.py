"""How llama.cpp (llama-server) sizes memory: model, KV and compute buffers, per device. Pure.

Follows the llama.cpp vendored by llama-cpp-python 0.3.36 (build 0c1e570): src/llama-model.cpp
(load_tensors: layer placement), src/llama-context.cpp (n_ctx padding, n_outputs_max, sched_reserve),
src/llama-kv-cache.cpp and src/llama-kv-cache-iswa.cpp (KV cells per stream, the SWA cache size),
src/llama-graph.cpp (masks, flash attention), tools/server/server.cpp (-np auto), common/fit.cpp
(--fit). docs/methodology.md section 4 derives each number and compares it with a real server's log.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from planner.core.hardware import Hardware
from planner.core.spec import LINEAR, SLIDING, ModelSpec, ceil_div
from planner.core.tensors import EXPERT, tensor_inventory
from planner.engines.base import EnginePlan, Suggestion
from planner.errors import UsageError

MIB = 2**20
# ggml type -> (elements per block, bytes per block), ggml/src/ggml.c type_traits: f16 2, q8_0 34/32 =
# 1.0625, q4_0 18/32 = 0.5625 bytes per element.
KV_TYPES: dict[str, tuple[int, int]] = {
    "f32": (1, 4),
    "f16": (1, 2),
    "bf16": (1, 2),
    "q8_0": (32, 34),
    "q4_0": (32, 18),
    "q4_1": (32, 20),
    "iq4_nl": (32, 18),
    "q5_0": (32, 22),
    "q5_1": (32, 24),
}
PAD_CTX = 256  # llama-context.cpp: cparams.n_ctx = GGML_PAD(n_ctx, 256); the SWA cache pads to 256 too
# Legacy builds padded the cache to the flash-attention kernels' need only: get_padding(cparams) = flash_attn ? 256 :
# 32 (llama_kv_cache_get_padding in llama-kv-cache.cpp, llama_kv_cache_unified::get_padding; kv_size = GGML_PAD(n_ctx,
# padding)). llama.cpp#15009 (a July 2025 build, flash attention off): -c 70000 gives a cache of 70016 cells.
PAD_CTX_LEGACY_NO_FA = 32
FIT_MARGIN_BYTES = 1024 * MIB  # common/fit.cpp: --fit-target default 1024 MiB per device
FIT_MIN_CTX = 4096  # --fit-ctx default: --fit never shrinks an unset context below this
SERVER_AUTO_PARALLEL = 4  # tools/server/server.cpp: -np -1 (auto) -> 4 slots with a unified KV cache
# ggml-alloc reuses freed tensors but not perfectly: the FFN's live set (gate, up, GLU output and the
# residual; GGML_OP_GLU is not in-place, ggml-alloc.c ggml_op_can_inplace) times this slack is the
# peak. Fitted to the real llama-server here (Gemma 3 270M, n_ubatch 128-1024: 9,098 floats per token
# against a live set of 6,784); docs/methodology.md section 4 "compute buffer".
ALLOC_SLACK = 1.341
# Types the CPU backend repacks into interleaved layouts (ggml-cpu/repack.cpp) when it runs a layer:
# a second copy in the CPU_REPACK buffer on top of the mmapped file.
REPACK_TYPES = ("Q4_0", "Q4_K", "IQ4_NL")
# ggml-cuda.cu and ggml-vulkan.cpp: op_offload_min_batch_size (GGML_OP_OFFLOAD_MIN_BATCH, default 32); offload_op takes
# an op whose batch (ne[1] of a MUL_MAT, ne[2] of a MUL_MAT_ID, the rows of the rest; never GET_ROWS) reaches it.
OP_OFFLOAD_MIN_BATCH = 32
# HF model types whose pre-2025 llama.cpp graph is build_llama / build_qwen2: separate wq, wk, wv (biases added in
# place), no Q/K norm, RoPE on the reshaped projections (the attention placement of _gpu_compute_bytes).
PRE_GLU_LLAMA_STYLE = ("llama", "mistral", "qwen2")


def kv_row_bytes(kv_type: str, elements: int) -> int:
    block, size = KV_TYPES[kv_type]
    return ceil_div(elements, block) * size


def normalise_kv_type(value: str, option: str) -> str:
    key = value.strip().lower()
    if key not in KV_TYPES:
        raise UsageError(
            option,
            value,
            "not a llama.cpp KV cache type",
            hint="use f16, q8_0 or q4_0 (also f32, bf16, q4_1, q5_0, q5_1, iq4_nl)",
        )
    return key


@dataclass(frozen=True)
class GGUFWeights:
    """Tensor bytes of one GGUF file, grouped as llama.cpp places them."""

    quant: str
    layer_bytes: tuple[int, ...]  # each repeating block
    output_bytes: int  # output.weight + output_norm (without the tied embedding)
    embedding_bytes: int  # token_embd: the input layer, always on the CPU
    tied_embeddings: bool  # llama.cpp then duplicates token_embd into the output layer's buffer
    file_bytes: int
    repack_bytes_by_layer: tuple[int, ...] = ()  # REPACK_TYPES bytes per block (CPU backend only)
    exact: bool = False  # read from a file, not estimated

    @property
    def tensor_bytes(self) -> int:
        return sum(self.layer_bytes) + self.output_bytes + self.embedding_bytes

    @property
    def output_layer_bytes(self) -> int:
        return self.output_bytes + (self.embedding_bytes if self.tied_embeddings else 0)


@dataclass(frozen=True)
class VisionTower:
    """A multimodal projector's vision encoder (the mmproj GGUF's clip.vision.* keys)."""

    image_size: int
    patch_size: int
    hidden_size: int
    heads: int
    intermediate_size: int
    flash_attn: bool = False

    @property
    def patches(self) -> int:
        return (self.image_size // self.patch_size) ** 2


def projector_compute_bytes(v: VisionTower) -> int:
    """tools/mtmd/clip.cpp builds one image's ViT graph: without flash attention the scores
    [patches, patches, heads] f32 dominate, else the MLP's [intermediate, patches] f32 set (gate/up/out)
    and three [hidden, patches] tensors, as for the language model (SigLIP at 896 px: 4096 patches, 16 heads:
    1 GiB)."""
    n = v.patches
    ffn = n * 4 * (3 * v.intermediate_size + 3 * v.hidden_size)
    if v.flash_attn:
        return ffn
    return max(ffn, n * n * v.heads * 4 + n * 4 * 3 * v.hidden_size)


@dataclass(frozen=True)
class LlamaCppOptions:
    ctx_size: int | None = None  # -c; None or 0: the model's training context
    cache_type_k: str = "f16"
    cache_type_v: str = "f16"
    flash_attn: str = "auto"  # on | off | auto
    ubatch_size: int = 512
    batch_size: int = 2048
    parallel: int | None = None  # -np; None: auto (4 slots, unified KV)
    kv_unified: bool | None = None  # None: what the server picks (unified only with -np auto)
    n_gpu_layers: int | None = None  # -ngl; None: auto (all, then --fit)
    split_mode: str = "layer"  # none | layer | row
    swa_full: bool = False
    fit: bool = True
    fit_target_bytes: int = FIT_MARGIN_BYTES
    n_outputs: int | None = None  # logits rows reserved; None: the server's n_parallel
    mmproj_bytes: int = 0  # --mmproj: the projector file's tensor bytes, loaded on the first GPU
    mmproj_vision: VisionTower | None = None  # its encoder's shape, for its compute buffer
    n_cpu_moe: int = 0  # --n-cpu-moe N: the expert tensors of the first N layers stay on the CPU
    # Builds before the llama_kv_cache rename (2025 and earlier): the attention mask is an f32 input on the host,
    # cast on the device under flash attention, and the host buffer holds one copy of the input embeddings; -ngl
    # counts the repeating layers first (i_gpu_start = n_layer - ngl, the output layer offloaded last; before #18148).
    legacy_graph: bool = False
    # Builds before llama.cpp#14158 (June 2025, the GGML_OP_GLU ops): build_ffn runs SwiGLU as ggml_silu(gate) then
    # ggml_mul(gate, up), both in place (ggml-alloc.c ggml_op_can_inplace: UNARY, MUL), and the attention graph is the
    # pre-refactor llm_build_kqv one; see _gpu_compute_bytes. Set from the log format (planning/real_logs.py).
    pre_glu_graph: bool = False
    # --no-op-offload turns it off: matmuls whose weights sit in host memory then run on the CPU.
    op_offload: bool = True
    # Builds since llama.cpp#18898 (2026-01-17): the host holds both embedding inputs (host_compute_bytes).
    embd_select_graph: bool = True
    # Builds since llama.cpp#23764 (2026-05-27): under flash attention the host mask is reserved in f16.
    f16_mask_graph: bool = True

    def flags(self) -> list[str]:
        out: list[str] = []
        if self.ctx_size:
            out += ["--ctx-size", str(self.ctx_size)]
        if self.cache_type_k != "f16":
            out += ["--cache-type-k", self.cache_type_k]
        if self.cache_type_v != "f16":
            out += ["--cache-type-v", self.cache_type_v]
        if self.flash_attn != "auto":
            out += ["--flash-attn", self.flash_attn]
        if self.ubatch_size != 512:
            out += ["--ubatch-size", str(self.ubatch_size)]
        if self.batch_size != 2048:
            out += ["--batch-size", str(self.batch_size)]
        if self.parallel is not None:
            out += ["--parallel", str(self.parallel)]
        if self.n_gpu_layers is not None:
            out += ["--n-gpu-layers", str(self.n_gpu_layers)]
        if self.split_mode != "layer":
            out += ["--split-mode", self.split_mode]
        if self.swa_full:
            out += ["--swa-full"]
        if self.kv_unified:
            out += ["--kv-unified"]
        if self.mmproj_bytes:
            out += ["--mmproj", "<projector.gguf>"]
        if self.n_cpu_moe:
            out += ["--n-cpu-moe", str(self.n_cpu_moe)]
        if not self.op_offload:
            out += ["--no-op-offload"]
        return out


@dataclass(frozen=True)
class KvCache:
    kind: str  # non-SWA | SWA
    layers: int
    cells: int  # per stream
    streams: int
    bytes: int


@dataclass(frozen=True)
class DeviceUse:
    name: str  # CPU, GPU0, GPU1 ...
    layers: int  # repeating layers (the output layer counts separately)
    output_layer: bool
    model_bytes: int
    kv_bytes: int
    compute_bytes: int
    repack_bytes: int = 0
    projector_bytes: int = 0  # --mmproj: the vision projector's weights and its own compute buffer
    recurrent_bytes: int = 0  # hybrid models: the recurrent-state buffer of this device's linear layers ("RS buffer")

    @property
    def total_bytes(self) -> int:
        return (
            self.model_bytes
            + self.kv_bytes
            + self.compute_bytes
            + self.repack_bytes
            + self.projector_bytes
            + self.recurrent_bytes
        )


@dataclass(frozen=True)
class LlamaCppPlan(EnginePlan):
    engine: str
    quant: str
    dtype: str  # the quant, for the shared JSON fields
    fits: bool  # everything on the GPU(s) (or, CPU-only, in RAM)
    runs: bool  # starts at all (layers spilled to host RAM run on the CPU)
    context: int  # n_ctx after padding
    n_ctx_seq: int
    parallel: int
    kv_unified: bool
    flash_attn: bool
    cache_type_k: str
    cache_type_v: str
    n_ubatch: int
    n_outputs: int
    gpu_layers: int  # -ngl as llama.cpp counts it: repeating layers + the output layer
    total_layers: int  # n_layer + 1
    weights_bytes: int  # all model buffers
    kv_cache_bytes: int
    compute_buffer_bytes: int  # all devices
    host_compute_bytes: int  # the CPU-side compute buffer (CUDA_Host/ROCm_Host beside a GPU backend; CPU)
    output_buffer_bytes: int  # host logits buffer ("CPU output buffer size")
    gpu_bytes: int
    cpu_bytes: int
    memory_total_bytes: int  # one GPU
    host_memory_bytes: int | None
    kv_caches: tuple[KvCache, ...]
    devices: tuple[DeviceUse, ...]
    kv_cache_tokens: int  # cells a single sequence can use
    max_concurrency: float
    max_model_len: int
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


# ---- KV cache -------------------------------------------------------------------------------------


def kv_caches(
    spec: ModelSpec,
    n_ctx: int,
    n_seq: int,
    unified: bool,
    n_ubatch: int,
    type_k: str,
    type_v: str,
    swa_full: bool,
    layer_filter=None,
    pad: int = PAD_CTX,
) -> tuple[int, int, list[KvCache]]:
    """The caches llama.cpp creates: (n_ctx, n_ctx_seq, caches); llama-context.cpp, llama-kv-cache-iswa. `pad`: the
    cache padding of the build (PAD_CTX, or PAD_CTX_LEGACY_NO_FA for a legacy build without flash attention)."""
    n_ctx = ceil_div(n_ctx, pad) * pad
    if unified:
        n_ctx_seq, streams, size_base = n_ctx, 1, n_ctx
    else:
        n_ctx_seq = ceil_div(n_ctx // n_seq, pad) * pad
        n_ctx = n_ctx_seq * n_seq
        streams, size_base = n_seq, n_ctx_seq
    k_gqa = spec.num_kv_heads * spec.head_dim
    per_cell_layer = kv_row_bytes(type_k, k_gqa) + kv_row_bytes(type_v, k_gqa)
    # Hybrid models (Qwen3-Next, Qwen3.5): llama_memory_hybrid gives the attention cache only the layers that are
    # not recurrent (llama-model.cpp create_memory: filter !hparams.is_recurrent(il)); the linear layers keep a
    # fixed-size state instead (recurrent_state_bytes).
    layers = [
        i for i in range(spec.num_layers) if (layer_filter is None or layer_filter(i)) and spec.layer_types[i] != LINEAR
    ]
    swa_layers = [i for i in layers if spec.layer_types[i] == SLIDING and spec.sliding_window]
    base_layers = [i for i in layers if i not in swa_layers]
    caches = [
        KvCache(
            "non-SWA",
            len(base_layers),
            size_base,
            streams,
            streams * size_base * len(base_layers) * per_cell_layer,
        )
    ]
    if any(spec.layer_types[i] == SLIDING for i in range(spec.num_layers)) and spec.sliding_window:
        # The SWA cache holds the window plus one ubatch, padded to 256 (llama-kv-cache-iswa.cpp);
        # --swa-full makes it as large as the base cache.
        size_swa = (
            size_base
            if swa_full
            else ceil_div(min(size_base, spec.sliding_window * (n_seq if unified else 1) + n_ubatch), PAD_CTX) * PAD_CTX
        )
        caches.append(
            KvCache(
                "SWA",
                len(swa_layers),
                size_swa,
                streams,
                streams * size_swa * len(swa_layers) * per_cell_layer,
            )
        )
    return n_ctx, n_ctx_seq, caches


def recurrent_state_bytes(spec: ModelSpec, layers: int, n_seq: int) -> int:
    """llama_memory_recurrent's buffer ("RS buffer size") for `layers` Gated DeltaNet layers: per layer and per
    sequence slot (mem_size = max(1, n_seq_max)) an f32 conv state r of n_embd_r = (ssm_d_conv - 1) x (d_inner +
    2 x n_group x d_state) and an f32 recurrent state s of n_embd_s = d_state x d_inner (llama-memory-recurrent.cpp,
    llama-hparams.cpp n_embd_r/n_embd_s; qwen3next/qwen35 map d_inner to the value dim, d_state to the key head
    dim and n_group to the key heads). Qwen3.5-35B-A3B, 30 linear layers, one slot: 2.81 + 60.00 MiB
    (llama.cpp#21608)."""
    la = spec.linear_attention
    if la is None or layers <= 0:
        return 0
    conv = (la.conv_kernel - 1) * (2 * la.key_dim + la.value_dim)
    state = la.key_head_dim * la.value_dim
    return layers * max(1, n_seq) * (conv + state) * 4


# ---- compute buffer -------------------------------------------------------------------------------


def compute_buffer_bytes(
    spec: ModelSpec,
    caches: list[KvCache],
    n_ubatch: int,
    n_outputs: int,
    flash_attn: bool,
    kv_quantized: bool,
    gpu: bool = False,
    f16_kv_copies: int = 0,
    pre_glu: bool = False,
) -> int:
    """sched_reserve's worst-case graph: n_ubatch tokens, n_outputs logits rows (llama-context.cpp).

    Masks: one [n_kv, n_ubatch] per cache kind, f16 under flash attention (llama-graph.cpp casts them),
    f32 otherwise; alive through the last attention layer, freed before the logits. Layer peak: the FFN live
    set with ALLOC_SLACK; without flash attention the KQ matrix [n_kv, n_ubatch, n_head] f32 and its
    neighbours. Output: the logits. Output-bound CPU buffers do not grow with the masks: llama-fit-params
    projects 514 MiB at n_ctx 4096 and 32768 alike (Gemma 3 270M, 512 output rows), and llama-cpp-python's
    server logs 514.50 MiB with 16 MiB of f32 masks (engine-facts.md section 4).
    """
    mask_elem = 2 if flash_attn else 4
    masks = sum(c.cells * n_ubatch * mask_elem for c in caches if c.layers)
    if gpu:
        return _gpu_compute_bytes(spec, caches, n_ubatch, n_outputs, flash_attn, masks, f16_kv_copies, pre_glu)
    ffn_floats = 3 * spec.intermediate_size + spec.hidden_size
    if spec.moe is not None:
        moe = spec.moe
        ffn_floats = 3 * moe.experts_per_token * moe.expert_intermediate_size + spec.hidden_size
    peak = int(n_ubatch * 4 * ffn_floats * ALLOC_SLACK)
    if not flash_attn:
        n_kv = max((c.cells for c in caches if c.layers), default=0)
        kq = n_ubatch * n_kv * spec.num_attention_heads * 4
        peak = max(peak, kq + n_ubatch * 4 * (4 * spec.q_dim + spec.hidden_size + 2 * spec.kv_dim))
    elif kv_quantized:
        # Quantized K/V under flash attention add rotated copies of k_cur/v_cur (llama-graph.cpp
        # llama_mul_mat_hadamard, "attn_rot_k"): measured +0.53 MiB at n_ubatch 512 on Gemma 3 270M.
        masks += n_ubatch * 2 * spec.kv_dim * 2
    output = n_outputs * spec.vocab_size * 4 + 2 * n_outputs * spec.hidden_size * 4
    return max(masks + peak, output)


def _gpu_compute_bytes(
    spec: ModelSpec,
    caches: list[KvCache],
    n_ubatch: int,
    n_outputs: int,
    flash_attn: bool,
    masks: int,
    f16_kv_copies: int = 0,
    pre_glu: bool = False,
) -> int:
    """A GPU backend's compute buffer (CUDA, ROCm, Vulkan, Metal), counted from the graph's live tensors.

    GPU backends keep matmul and flash-attention scratch in their own pools (ggml-cuda.cu
    ggml_cuda_pool), outside the compute buffer, so ggml-alloc's buffer holds only graph tensors:
    - FFN peak: gate, up and the GLU output ([n_ff, n_ubatch] f32 each) with three [n_embd, n_ubatch]
      f32 tensors (the layer input, the attention residual ffn_inp and the normed input), plus the
      masks ([n_kv, n_ubatch], f16 under flash attention) alive until the last attention layer.
    - Without flash attention: the KQ scores [n_kv, n_ubatch, n_head] f32 and its softmax in place.
    - Output: the logits of n_outputs rows plus the final hidden state; the masks are freed by then.
    - Flash attention over a quantized K or V cache on CUDA/ROCm (current builds): the MMA/TILE kernels of a
      prompt batch read f16, and the FLASH_ATTN_EXT node's allocation carries f16 copies of the K and V views
      ([n_embd_k_gqa, n_kv] x 2 B each, ggml-cuda.cu get_alloc_size -> fattn-common.cuh
      ggml_cuda_flash_attn_ext_get_f16_extra_data): f16_kv_copies says how many (0, 1 or 2).
    Checked on a CUDA H200 log (164.01 MiB, Qwen2.5-7B shape, n_ctx 32768, ubatch 512, 4 slots).

    Builds before the GLU ops (pre_glu; docs/methodology.md section 4 "compute buffer, 2024-2025 builds"):
    - the SwiGLU FFN keeps gate and up only: ggml_silu and ggml_mul reuse the gate's memory in place;
    - without flash attention, in the dense llama-style graph (separate wq/wk/wv, no Q/K norm: llama, mistral,
      qwen2) the KQ scores land at the offset ggml-alloc gives them: above the mask copy, the layer input, the
      attention norm's hole and the Q projection and its RoPE output, 2 x ([n_embd] + [q_dim]) f32 rows per token.
      The RoPE is not run in place: its source is the reshape view of Q, and ggml_gallocr_is_own reads a view's own
      'allocated' flag, which ggml_gallocr_allocate_node never sets for views, so the in-place branch for view
      parents never fires (ggml-alloc.c, the same in the 2024 and the 0.3.36 sources). Replaying ggml-alloc over
      that graph (llama.cpp b3600 llm_build_kv / llm_build_kqv / build_llama) gives the logged buffers of L11, L12,
      L29, L31 and L32 to the byte, and this closed form for every dense shape tried.
    """
    h = spec.hidden_size
    ffn = _gpu_ffn_bytes(spec, n_ubatch, pre_glu)
    layer = ffn
    if not flash_attn:
        n_kv = max((c.cells for c in caches if c.layers), default=0)
        kq = n_ubatch * n_kv * spec.num_attention_heads * 4
        if pre_glu and spec.moe is None and spec.model_type in PRE_GLU_LLAMA_STYLE:
            layer = max(ffn, kq + n_ubatch * 4 * 2 * (spec.q_dim + h))
        else:
            layer = max(ffn, kq + n_ubatch * 4 * (spec.q_dim + 2 * spec.kv_dim + 2 * h))
    elif f16_kv_copies:
        n_kv = max((c.cells for c in caches if c.layers), default=0)
        attn = n_ubatch * 4 * (2 * spec.q_dim + 2 * h) + f16_kv_copies * n_kv * spec.kv_dim * 2
        layer = max(ffn, attn)
    output = n_outputs * spec.vocab_size * 4 + n_ubatch * h * 4
    return max(masks + layer, output)


def _gpu_ffn_bytes(spec: ModelSpec, n_ubatch: int, pre_glu: bool = False) -> int:
    """The FFN live set on a GPU: gate, up, GLU output [n_ff, n_ubatch] f32 and three [n_embd, n_ubatch] f32.
    Before the GLU ops (pre_glu) a dense gated FFN has no separate GLU output: ggml_silu(gate) and ggml_mul(gate,
    up) run in place (llama.cpp b3600 llm_build_ffn, LLM_FFN_SILU + LLM_FFN_PAR)."""
    h = spec.hidden_size
    inter = spec.intermediate_size
    ffn = n_ubatch * 4 * ((2 if pre_glu and spec.moe is None else 3) * inter + 3 * h)
    if spec.moe is not None:
        # build_moe_ffn (llama-graph.cpp): gate, up and their GLU [n_ff_exp, k, n_ubatch] f32, then the down
        # projection's per-expert outputs [n_embd, k, n_ubatch] while the GLU output is still alive (the
        # weighting by the router probabilities runs in place on them).
        moe = spec.moe
        k_ff = moe.experts_per_token * moe.expert_intermediate_size
        k_h = moe.experts_per_token * h
        ffn = n_ubatch * 4 * (max(3 * k_ff, k_ff + k_h) + 3 * h)
        if moe.dense_layers:
            ffn = max(ffn, n_ubatch * 4 * (3 * inter + 3 * h))
    return ffn


def _host_inputs(spec: ModelSpec, caches: list[KvCache], opts: LlamaCppOptions, flash: bool) -> int:
    """The host buffer of this build: legacy builds are the oldest form of both rules (one input, an f32 mask)."""
    current = not opts.legacy_graph
    return host_compute_bytes(
        spec,
        caches,
        opts.ubatch_size,
        flash,
        embd_select=current and opts.embd_select_graph,
        f16_mask=current and opts.f16_mask_graph,
    )


def host_compute_bytes(
    spec: ModelSpec,
    caches: list[KvCache],
    n_ubatch: int,
    flash_attn: bool,
    embd_select: bool = True,
    f16_mask: bool = True,
) -> int:
    """The host-side compute buffer beside a GPU backend ("CUDA_Host compute buffer size"): the inputs
    the scheduler builds on the CPU before copying them to the GPU: the token embeddings looked up from
    token_embd (which stays on the CPU) and the embeddings input, [n_embd, n_ubatch] f32 x 2, and the attention
    masks ([n_kv, n_ubatch], f16 under flash attention, else f32; llama-graph.cpp build_attn_inp_kq_mask).
    H200 log: 46.01 MiB = 14 + 32. Legacy builds (llama_new_context_with_model ... llama_kv_cache_unified
    logs) kept one [n_embd, n_ubatch] f32 copy and an f32 mask, cast to f16 on the device under flash
    attention (both flags off; _host_inputs): V100 pythia-2.8B 9.01 MiB = 5 + 4, Mistral 7B at n_ctx 32768
    72.01 = 8 + 64.
    `embd_select`: builds since llama.cpp#18898 (2026-01) build both inputs, the token rows and the embd input,
    and pick one with ggml_build_forward_select (llama-graph.cpp build_inp_embd); before, `if (ubatch.token)`
    built only the get_rows output: one copy. `f16_mask`: builds since llama.cpp#23764 (2026-05) reserve the mask
    in f16 under flash attention; before, the f32 input was cast on the device (llama.cpp#15974, build 6464:
    1.13 MiB = 1 x [2048, 128] f32 + an f32 256 x 128 mask)."""
    mask_elem = 2 if flash_attn and f16_mask else 4
    masks = sum(c.cells * n_ubatch * mask_elem for c in caches if c.layers)
    return n_ubatch * spec.hidden_size * 4 * (2 if embd_select else 1) + masks


# ---- --fit ---------------------------------------------------------------------------------------


def _fit_host_projection(devs: list[DeviceUse]) -> int:
    """What fit.cpp projects for the host (llama_memory_breakdown: model + context + compute): the tensors
    repacked for the CPU leave the mapped model buffer and their CPU_REPACK copy is not counted, nor is the
    logits output buffer. llama-fit-params, Gemma 3 270M: 222 + 111 + 514 = 848 MiB (235.16 mapped less 12.66
    repacked)."""
    return sum(d.model_bytes - d.repack_bytes + d.kv_bytes + d.compute_bytes + d.projector_bytes for d in devs)


def fit_context_size(budget: int, used_min: int, used_max: int, n_ctx_min: int, n_ctx_max: int, streams: int) -> int:
    """common/fit.cpp common_params_fit_impl step 2 ("reduce the context"): the memory at --fit-ctx (used_min)
    and at the full context (used_max) bound a straight line; the context whose projected use meets the budget
    (free memory less the --fit-target margins) is read off it, rounded down to 256 x n_streams and kept at or
    above n_ctx_min. When even n_ctx_min does not fit, n_ctx_min (and fit goes on to move layers).
    llama-fit-params on Gemma 3 270M, CPU, 25,276,510,208 B host memory, used 764 MiB at 4096 and 848 at 32768:
    -fitt 23300 -> -c 18176, -fitt 23320 -> -c 11264 (tests/engines/test_llamacpp_fit.py)."""
    if budget <= used_min or used_max <= used_min:
        return n_ctx_min
    ctx = n_ctx_min + (n_ctx_max - n_ctx_min) * (budget - used_min) // (used_max - used_min)
    align = PAD_CTX * streams
    return max(ctx - ctx % align, n_ctx_min)


# ---- placement ------------------------------------------------------------------------------------


def layer_devices(n_layer: int, n_gpu_layers: int, gpus: int, split_mode: str, legacy: bool = False) -> list[int]:
    """Device of each layer 0..n_layer (the last is the output layer): -1 CPU, else the GPU index.

    llama-model.cpp load_tensors: i_gpu_start = n_layer + 1 - ngl; layers from there go to the GPUs,
    split by upper_bound over cumulative equal shares (same free memory on identical cards). Builds before
    llama.cpp#18148 (2025-12, "offload output layer to GPU first"; every legacy_graph build) started at
    max(n_layer - ngl, 0) with the same act_gpu_layers = min(ngl, n_layer + 1), so the output layer was the last
    to be offloaded (-ngl n_layer: every block on the GPU, the output layer on the CPU).
    """
    if gpus == 0:
        return [-1] * (n_layer + 1)
    used = 1 if split_mode == "none" else gpus
    start = max((n_layer if legacy else n_layer + 1) - n_gpu_layers, 0)
    act = min(n_gpu_layers, n_layer + 1)
    splits = [(i + 1) / used for i in range(used)]
    out = []
    for il in range(n_layer + 1):
        if il < start or il - start >= act:
            out.append(-1)
            continue
        frac = (il - start) / act
        out.append(next(i for i, s in enumerate(splits) if s > frac))
    return out


def _repack(weights: GGUFWeights, i: int) -> int:
    return weights.repack_bytes_by_layer[i] if i < len(weights.repack_bytes_by_layer) else 0


def place(
    spec: ModelSpec,
    weights: GGUFWeights,
    hw_gpus: int,
    ngl: int,
    opts: LlamaCppOptions,
    n_ctx_req: int,
    n_seq: int,
    unified: bool,
    flash: bool,
    n_outputs: int,
    cuda_like: bool = False,
    metal: bool = False,
    largest: dict[int, tuple[int, int]] | None = None,
) -> tuple[list[DeviceUse], list[KvCache], int, int]:
    """Each device's buffers for -ngl `ngl`. `largest`: a cache for _largest_tensors, filled on first use (the --fit
    loop calls this once per layer count)."""
    n_layer = spec.num_layers
    where = layer_devices(n_layer, ngl, hw_gpus, opts.split_mode, opts.legacy_graph)
    kv_quant = opts.cache_type_k not in ("f16", "f32", "bf16") or opts.cache_type_v not in (
        "f16",
        "f32",
        "bf16",
    )
    pad = PAD_CTX_LEGACY_NO_FA if opts.legacy_graph and not flash else PAD_CTX
    n_ctx, n_ctx_seq, all_caches = kv_caches(
        spec, n_ctx_req, n_seq, unified, opts.ubatch_size, opts.cache_type_k, opts.cache_type_v, opts.swa_full, pad=pad
    )
    devices: list[DeviceUse] = []
    names = ["CPU"] + [f"GPU{i}" for i in range(hw_gpus)]
    f16_copies = 0
    if flash and cuda_like and not opts.legacy_graph:
        f16_copies = sum(t not in ("f16", "f32", "bf16") for t in (opts.cache_type_k, opts.cache_type_v))
    moe_on_cpu = expert_bytes_by_layer(spec, weights, min(opts.n_cpu_moe, n_layer))
    # Op offload (ggml-backend.cpp ggml_backend_sched_backend_id_from_cur): an op whose weight sits in host memory
    # goes to the first GPU backend whose offload_op accepts its batch; at reservation (n_ubatch tokens) that is
    # every op of the CPU layers but the token lookup, so GPU0 computes them and the host keeps only the inputs.
    # Metal's offload_op takes only the matmuls (ggml-metal.cpp): not modelled, its CPU layers keep the CPU formula.
    offload = bool(hw_gpus) and not metal and opts.op_offload and opts.ubatch_size >= OP_OFFLOAD_MIN_BATCH
    host_weights = bool(hw_gpus) and (any(w == -1 for w in where) or any(where[i] != -1 for i in moe_on_cpu))
    offload_peak = 0
    if offload and host_weights:
        largest = largest if largest is not None else {}
        if not largest:
            largest.update(_largest_tensors(spec, weights))
        offload_peak = op_offload_bytes(
            spec, weights, where, all_caches, opts, n_outputs, flash, kv_quant, f16_copies, moe_on_cpu, largest
        )
    for dev in [-1] + list(range(hw_gpus)):
        layer_ids = [i for i in range(n_layer) if where[i] == dev]
        has_output = where[n_layer] == dev
        if dev != -1 and not layer_ids and not has_output and not (dev == 0 and offload_peak):
            continue
        model = sum(weights.layer_bytes[i] for i in layer_ids)
        if has_output:
            model += weights.output_layer_bytes if dev != -1 else weights.output_bytes
        if dev == -1:
            model += weights.embedding_bytes  # the input layer always stays on the CPU
        _, _, caches = kv_caches(
            spec,
            n_ctx_req,
            n_seq,
            unified,
            opts.ubatch_size,
            opts.cache_type_k,
            opts.cache_type_v,
            opts.swa_full,
            layer_filter=lambda i, d=dev: where[i] == d,
            pad=pad,
        )
        kv = sum(c.bytes for c in caches)
        recurrent = recurrent_state_bytes(spec, sum(spec.layer_types[i] == LINEAR for i in layer_ids), n_seq)
        if dev == -1 and offload:
            # The host buffer holds the inputs only; logits stay here when the output rows are too few to offload.
            compute = _host_inputs(spec, all_caches, opts, flash)
            if has_output and n_outputs < OP_OFFLOAD_MIN_BATCH:
                compute += n_outputs * spec.vocab_size * 4
        elif layer_ids or (dev == -1 and hw_gpus == 0):
            # The logits belong to the device that holds the output layer (llama-model.cpp: dev_output =
            # get_layer_buft_list(n_layer), the last GPU when all layers are offloaded); the scheduler runs the
            # output projection there, so only that device's compute buffer reserves the n_outputs rows.
            compute = compute_buffer_bytes(
                spec,
                caches,
                opts.ubatch_size,
                n_outputs if has_output else 0,
                flash,
                kv_quant,
                gpu=dev != -1,
                f16_kv_copies=f16_copies,
                pre_glu=opts.pre_glu_graph,
            )
        elif dev == -1 and hw_gpus:
            compute = _host_inputs(spec, all_caches, opts, flash)
            if has_output:
                compute += n_outputs * spec.vocab_size * 4
        elif has_output:
            # A device with no repeating layers: host-side inputs (embeddings of one ubatch) and, for
            # the output layer alone, its logits.
            compute = opts.ubatch_size * spec.hidden_size * 4 * 2 + n_outputs * spec.vocab_size * 4
        else:
            compute = 0  # GPU0 holding no layer: only the op-offloaded work below
        if dev == 0:
            compute = max(compute, offload_peak)
        # make_cpu_buft_list puts the GPU's host buffer type (CUDA_Host, ROCm_Host, Vulkan_Host, SYCL; Metal has none)
        # before the CPU's extra (repack) types, and with mmap the loader swaps that host type for the plain CPU buffer
        # (llama-model-loader.cpp "avoid using a host buffer when using mmap"): beside such a GPU nothing is repacked.
        repack = sum(_repack(weights, i) for i in layer_ids) if dev == -1 and (metal or not hw_gpus) else 0
        if dev == -1:
            model += sum(b for i, b in moe_on_cpu.items() if where[i] != -1)
        else:
            model -= sum(b for i, b in moe_on_cpu.items() if where[i] == dev)
        projector = 0
        if opts.mmproj_bytes and dev == (0 if hw_gpus else -1):
            projector = opts.mmproj_bytes + (projector_compute_bytes(opts.mmproj_vision) if opts.mmproj_vision else 0)
        devices.append(
            DeviceUse(names[dev + 1], len(layer_ids), has_output, model, kv, compute, repack, projector, recurrent)
        )
    return devices, all_caches, n_ctx, n_ctx_seq


def _largest_tensors(spec: ModelSpec, weights: GGUFWeights) -> dict[int, tuple[int, int]]:
    """Per layer: the bytes of its largest tensor and of its largest routed-expert tensor, each its share of the
    layer's bytes by element count (the quant mix may give the FFN tensors different types; not modelled)."""
    total: dict[int, int] = {}
    big: dict[int, int] = {}
    big_exp: dict[int, int] = {}
    for t in tensor_inventory(spec):
        if t.layer is None:
            continue
        total[t.layer] = total.get(t.layer, 0) + t.elements
        big[t.layer] = max(big.get(t.layer, 0), t.elements)
        if t.role == EXPERT:
            big_exp[t.layer] = max(big_exp.get(t.layer, 0), t.elements)
    out = {}
    for i, n in total.items():
        if i < len(weights.layer_bytes) and n:
            b = weights.layer_bytes[i]
            out[i] = (b * big[i] // n, b * big_exp.get(i, 0) // n)
    return out


def op_offload_bytes(
    spec: ModelSpec,
    weights: GGUFWeights,
    where: list[int],
    caches: list[KvCache],
    opts: LlamaCppOptions,
    n_outputs: int,
    flash: bool,
    kv_quant: bool,
    f16_copies: int,
    moe_on_cpu: dict[int, int],
    largest: dict[int, tuple[int, int]],
) -> int:
    """GPU0's compute buffer for the work op offload brings from host memory (docs/methodology.md section 4).

    ggml-backend.cpp ggml_backend_sched_split_graph: an op on GPU0 whose source sits in an incompatible (host)
    buffer gets a copy of that source in GPU0's compute buffer (ggml_dup_tensor_layout, "create a copy of the input
    in the split's backend"), allocated at the start of its split and freed after its last use; a host weight starts a
    new split ("the memory of the previously offloaded weights can be reused"), so one weight copy is alive at a time,
    the whole tensor even for MUL_MAT_ID (only the used experts' rows are filled, at compute time). The peak is:
    - a CPU layer: its largest weight beside the FFN live set, or its attention set with copies of its K and V views
      (the cache of a CPU layer is host memory);
    - routed experts kept on the CPU (--n-cpu-moe): the largest expert tensor beside the FFN live set;
    - the output layer on the CPU, when its n_outputs rows reach the offload batch: the output weight (token_embd
      when tied) beside the logits and the normed hidden state. ROCm#5104 (0 of 41 layers on the GPU, Qwen3-14B
      Q8_0): 788.24 + 296.75 + 10.00 = 1094.99 MiB logged.
    """
    n_layer = spec.num_layers
    ub = opts.ubatch_size
    h = spec.hidden_size
    mask_elem = 2 if flash else 4
    masks = sum(c.cells * ub * mask_elem for c in caches if c.layers)
    ffn = _gpu_ffn_bytes(spec, ub, opts.pre_glu_graph)
    peak = 0
    cpu_layers = [i for i in range(n_layer) if where[i] == -1]
    if cpu_layers:
        attn = compute_buffer_bytes(
            spec, caches, ub, 0, flash, kv_quant, gpu=True, f16_kv_copies=f16_copies, pre_glu=opts.pre_glu_graph
        )
        n_kv = max((c.cells for c in caches if c.layers), default=0)
        views = n_kv * (kv_row_bytes(opts.cache_type_k, spec.kv_dim) + kv_row_bytes(opts.cache_type_v, spec.kv_dim))
        w = max(largest.get(i, (0, 0))[0] for i in cpu_layers)
        peak = max(attn + views, masks + w + ffn)
    experts = [largest.get(i, (0, 0))[1] for i in moe_on_cpu if where[i] != -1]
    if experts:
        peak = max(peak, masks + max(experts) + ffn)
    if where[n_layer] == -1 and n_outputs >= OP_OFFLOAD_MIN_BATCH:
        w_out = weights.embedding_bytes if weights.tied_embeddings else max(weights.output_bytes - h * 4, 0)
        peak = max(peak, w_out + n_outputs * spec.vocab_size * 4 + ub * h * 4)
    return peak


def expert_bytes_by_layer(spec: ModelSpec, weights: GGUFWeights, first: int) -> dict[int, int]:
    """The routed experts' share of each of the first `first` layers' bytes (by element count): what
    --n-cpu-moe keeps on the CPU (common/arg.cpp: the ffn_*_exps tensors of blk.0..N-1 go to the CPU buffer)."""
    if spec.moe is None or first <= 0:
        return {}
    total: dict[int, int] = {}
    experts: dict[int, int] = {}
    for t in tensor_inventory(spec):
        if t.layer is not None and t.layer < first:
            total[t.layer] = total.get(t.layer, 0) + t.elements
            if t.role == EXPERT:
                experts[t.layer] = experts.get(t.layer, 0) + t.elements
    return {
        i: weights.layer_bytes[i] * experts.get(i, 0) // total[i]
        for i in total
        if i < len(weights.layer_bytes) and total[i]
    }


def plan_llamacpp(spec: ModelSpec, weights: GGUFWeights, hw: Hardware, opts: LlamaCppOptions) -> LlamaCppPlan:
    if opts.ubatch_size <= 0 or opts.batch_size <= 0:
        raise UsageError("--ubatch-size", opts.ubatch_size, "must be positive", hint="llama.cpp's default is 512")
    if opts.flash_attn not in ("on", "off", "auto"):
        raise UsageError("--flash-attn", opts.flash_attn, "must be on, off or auto")
    if opts.split_mode not in ("none", "layer", "row"):
        raise UsageError("--split-mode", opts.split_mode, "must be none, layer or row")
    if opts.parallel is not None and opts.parallel < 1:
        raise UsageError("--parallel", opts.parallel, "must be 1 or more (leave it out for auto)")
    if opts.ctx_size is not None and opts.ctx_size < 0:
        raise UsageError("--ctx-size", opts.ctx_size, "must be 0 (the model's) or a positive number of tokens")
    type_k = normalise_kv_type(opts.cache_type_k, "--cache-type-k")
    type_v = normalise_kv_type(opts.cache_type_v, "--cache-type-v")
    opts = replace(opts, cache_type_k=type_k, cache_type_v=type_v)
    profile = hw.profile
    on_gpu = profile.platform != "cpu"
    gpus = hw.count if on_gpu else 0
    warnings: list[str] = []
    notes: list[str] = list(spec.notes)
    if not weights.exact:
        notes.append(
            f"{weights.quant} tensor sizes estimated from llama.cpp's quantizer type mix "
            f"(file about {weights.file_bytes / 1e9:.2f} GB)"
        )
    flash = opts.flash_attn != "off"  # auto: on where the backend supports it (CPU, CUDA/HIP, Vulkan)
    if not flash and type_v not in ("f16", "f32", "bf16"):
        raise UsageError(
            "--cache-type-v",
            type_v,
            "quantized V cache was requested, but this requires Flash Attention",
            hint="add --flash-attn on (or auto), or keep --cache-type-v f16",
        )
    auto_np = opts.parallel is None
    n_seq = SERVER_AUTO_PARALLEL if auto_np else opts.parallel
    unified = opts.kv_unified if opts.kv_unified is not None else auto_np
    n_outputs = opts.n_outputs or n_seq
    n_layer = spec.num_layers
    train = spec.max_position_embeddings
    ctx_req = opts.ctx_size or train
    user_ctx = bool(opts.ctx_size)
    n_ctx_seq_req = ctx_req if unified else ctx_req // n_seq
    if n_ctx_seq_req > train:
        warnings.append(
            f"n_ctx_seq ({ceil_div(n_ctx_seq_req, PAD_CTX) * PAD_CTX}) > n_ctx_train ({train}) -- "
            f"possible training context overflow (llama.cpp's own warning)"
        )
    ngl = n_layer + 1 if opts.n_gpu_layers is None or opts.n_gpu_layers < 0 else min(opts.n_gpu_layers, n_layer + 1)
    if not on_gpu:
        ngl = 0
    free = profile.runtime_memory_bytes  # llama.cpp reads cudaMemGetInfo/hipMemGetInfo
    # The CUDA/HIP backend (not Vulkan, Metal or the CPU) sizes flash attention over quantized KV with f16 copies.
    cuda_like = profile.platform in ("cuda", "rocm") and profile.engine("llamacpp").backends[:1] != ("vulkan",)
    metal = profile.platform == "metal"  # no host buffer type (ggml-metal.cpp get_host_buffer_type = NULL)

    streams = 1 if unified else n_seq
    cpu_only_budget = profile.memory_bytes if not on_gpu else None  # fit.cpp: no device -> total host memory
    if opts.fit and not user_ctx:
        ctx_req = train * streams  # fit.cpp resolves an unset context to n_ctx_train x n_streams first

    largest: dict[int, tuple[int, int]] = {}  # filled by the first partial offload, reused by the --fit loop

    def attempt(ctx: int, layers: int):
        devs, caches, n_ctx, n_ctx_seq = place(
            spec, weights, gpus, layers, opts, ctx, n_seq, unified, flash, n_outputs, cuda_like, metal, largest
        )
        gpu_devs = [d for d in devs if d.name != "CPU"]
        over = any(d.total_bytes > free for d in gpu_devs)
        if on_gpu:
            tight = any(d.total_bytes > free - opts.fit_target_bytes for d in gpu_devs)
        else:
            tight = _fit_host_projection(devs) > cpu_only_budget - opts.fit_target_bytes
        return devs, caches, n_ctx, n_ctx_seq, over, tight

    def used(ctx: int) -> int:
        devs = attempt(ctx, ngl)[0]
        if on_gpu:
            return sum(d.total_bytes for d in devs if d.name != "CPU")
        return _fit_host_projection(devs)

    devs, caches, n_ctx, n_ctx_seq, over, tight = attempt(ctx_req, ngl)
    fit_changed = []
    if opts.fit and tight:
        # common/fit.cpp step 2: an unset context is interpolated between --fit-ctx and n_ctx_train.
        min_total = FIT_MIN_CTX * streams
        if not user_ctx and ctx_req > min_total:
            budget = (free * gpus if on_gpu else cpu_only_budget) - opts.fit_target_bytes * max(gpus, 1)
            if gpus > 1:
                model_per_layer = sum(d.model_bytes for d in devs if d.name != "CPU") // max(min(ngl, n_layer), 1)
                budget -= (gpus + 1) * model_per_layer // (6 if spec.moe is not None else 2)
            ctx = fit_context_size(budget, used(min_total), used(ctx_req), min_total, ctx_req, streams)
            devs, caches, n_ctx, n_ctx_seq, over, tight = attempt(ctx, ngl)
            ctx_req = ctx
            fit_changed.append(f"--fit shrank the context to {n_ctx}")
            if ctx > min_total and gpus <= 1:
                tight = False  # fit.cpp returns here: "entire model can be fit by reducing context"
        # step 3: move layers to the CPU (only when -ngl is not set; CPU-only fits give up here)
        if on_gpu and tight and opts.n_gpu_layers is None:
            while ngl > 0 and tight:
                ngl -= 1
                devs, caches, n_ctx, n_ctx_seq, over, tight = attempt(ctx_req, ngl)
            fit_changed.append(f"--fit offloads {ngl} of {n_layer + 1} layers to the GPU")
    notes += fit_changed
    gpu_bytes = sum(d.total_bytes for d in devs if d.name != "CPU")
    cpu_dev = next((d for d in devs if d.name == "CPU"), None)
    cpu_bytes = cpu_dev.total_bytes if cpu_dev else 0
    output_buffer = n_outputs * spec.vocab_size * 4
    cpu_bytes += output_buffer
    host = profile.host_memory_bytes if on_gpu else profile.memory_bytes
    error = None
    if on_gpu and over:
        worst = max((d for d in devs if d.name != "CPU"), key=lambda d: d.total_bytes)
        if profile.platform == "vulkan" or (profile.engine("llamacpp").backends[:1] == ("vulkan",)):
            error = (
                f"ggml_vulkan: Device memory allocation of size {worst.total_bytes} failed. "
                f"vk::Device::allocateMemory: ErrorOutOfDeviceMemory"
            )
        else:
            error = (
                "ggml_backend_cuda_buffer_type_alloc_buffer: "
                f"allocating {worst.total_bytes / MIB:.2f} MiB on "
                f"device {worst.name[3:]}: cudaMalloc failed: out of memory"
            )
    elif host is not None and cpu_bytes > host:
        error = (
            f"not enough host memory: {cpu_bytes / 2**30:.2f} GiB needed on the CPU side, "
            f"{host / 2**30:.2f} GiB in the machine"
        )
    all_on_gpu = on_gpu and ngl >= n_layer + 1
    fits = error is None and (all_on_gpu or not on_gpu)
    runs = error is None
    if on_gpu and runs and not all_on_gpu:
        warnings.append(f"only {ngl} of {n_layer + 1} layers on the GPU: the rest run on the CPU from host RAM")
    kv_total = sum(c.bytes for c in caches)
    compute_total = sum(d.compute_bytes for d in devs)
    kv_tokens = n_ctx_seq
    return LlamaCppPlan(
        engine="llamacpp",
        quant=weights.quant,
        dtype=weights.quant,
        fits=fits,
        runs=runs,
        context=n_ctx,
        n_ctx_seq=n_ctx_seq,
        parallel=n_seq,
        kv_unified=unified,
        flash_attn=flash,
        cache_type_k=type_k,
        cache_type_v=type_v,
        n_ubatch=min(opts.ubatch_size, opts.batch_size, n_ctx),
        n_outputs=n_outputs,
        gpu_layers=ngl,
        total_layers=n_layer + 1,
        weights_bytes=sum(d.model_bytes for d in devs),
        kv_cache_bytes=kv_total,
        compute_buffer_bytes=compute_total,
        host_compute_bytes=cpu_dev.compute_bytes if cpu_dev else 0,
        output_buffer_bytes=output_buffer,
        gpu_bytes=gpu_bytes,
        cpu_bytes=cpu_bytes,
        memory_total_bytes=profile.memory_bytes,
        host_memory_bytes=host,
        kv_caches=tuple(caches),
        devices=tuple(devs),
        kv_cache_tokens=kv_tokens,
        max_concurrency=float(n_seq),
        max_model_len=n_ctx_seq,
        weights_exact=weights.exact,
        error=error,
        warnings=tuple(warnings),
        notes=tuple(notes),
        flags=tuple(replace(opts, n_gpu_layers=opts.n_gpu_layers).flags()),
    )


__all__ = [
    "GGUFWeights",
    "LlamaCppOptions",
    "LlamaCppPlan",
    "plan_llamacpp",
    "kv_caches",
    "compute_buffer_bytes",
    "layer_devices",
    "KV_TYPES",
    "normalise_kv_type",
]
