"""llama.cpp buffers on GPU backends (docs/methodology.md section 4, "Compute buffer")."""

from __future__ import annotations

from dataclasses import replace

from planner.core.gguf_quant import estimate_gguf
from planner.core.hardware import Hardware
from planner.engines.llamacpp import (
    GGUFWeights,
    LlamaCppOptions,
    VisionTower,
    plan_llamacpp,
    projector_compute_bytes,
)
from planner.sources.models import resolve_model
from planner.sources.profiles import get_profile

MIB = 2**20


def _weights(spec, quant="Q4_K_M"):
    est = estimate_gguf(spec, quant)
    return GGUFWeights(
        est.quant, est.layer_bytes, est.output_bytes, est.embedding_bytes, spec.tie_word_embeddings, est.file_bytes
    )


def _gpu(plan):
    return next(d for d in plan.devices if d.name == "GPU0")


def test_h200_cuda_compute_and_host_buffers():
    # engine-facts.md section 4: CUDA0 compute buffer 164.01 MiB, CUDA_Host 46.01 MiB (Qwen2.5-7B shape, -c 32768
    # -fa on, ubatch 512, 4 slots): 32 MiB f16 mask + 512 x 4 x (3 x 18944 + 3 x 3584) and 14 + 32 on the host
    spec = resolve_model("Qwen/Qwen2.5-7B-Instruct", offline=True).spec
    plan = plan_llamacpp(
        spec, _weights(spec), Hardware(get_profile("h200")), LlamaCppOptions(ctx_size=32768, flash_attn="on")
    )
    assert round(_gpu(plan).compute_bytes / MIB, 2) == 164.00
    assert round(plan.host_compute_bytes / MIB, 2) == 46.00


def test_flash_attention_off_costs_the_kq_scores():
    spec = resolve_model("Qwen/Qwen2.5-7B-Instruct", offline=True).spec
    hw = Hardware(get_profile("h200"))
    on = plan_llamacpp(spec, _weights(spec), hw, LlamaCppOptions(ctx_size=8192, flash_attn="on"))
    off = plan_llamacpp(spec, _weights(spec), hw, LlamaCppOptions(ctx_size=8192, flash_attn="off"))
    # scores [n_kv 8192, ubatch 512, 28 heads] f32 = 448 MiB, plus the f32 mask
    assert _gpu(off).compute_bytes >= 8192 * 512 * 28 * 4 > _gpu(on).compute_bytes


def test_projector_weights_and_graph_go_to_the_first_gpu():
    # SigLIP at 896 px (gemma3 mmproj): 4096 patches x 16 heads: the f32 scores are 1 GiB
    tower = VisionTower(image_size=896, patch_size=14, hidden_size=1152, heads=16, intermediate_size=4304)
    assert projector_compute_bytes(tower) >= 4096 * 4096 * 16 * 4
    spec = resolve_model("Qwen/Qwen2.5-7B-Instruct", offline=True).spec
    hw = Hardware(get_profile("rtx3090"))
    base = plan_llamacpp(spec, _weights(spec), hw, LlamaCppOptions(ctx_size=4096))
    mm = plan_llamacpp(
        spec, _weights(spec), hw, LlamaCppOptions(ctx_size=4096, mmproj_bytes=800 * MIB, mmproj_vision=tower)
    )
    assert mm.gpu_bytes - base.gpu_bytes == 800 * MIB + projector_compute_bytes(tower)


def test_n_cpu_moe_moves_expert_bytes_to_the_host():
    spec = resolve_model("Qwen/Qwen3-30B-A3B", offline=True).spec
    hw = Hardware(get_profile("rtx3090"))
    w = _weights(spec)
    base = plan_llamacpp(spec, w, hw, LlamaCppOptions(ctx_size=4096, fit=False))
    moe = plan_llamacpp(spec, w, hw, LlamaCppOptions(ctx_size=4096, fit=False, n_cpu_moe=10))
    moved = _gpu(base).model_bytes - _gpu(moe).model_bytes
    assert moved > 0.9 * sum(w.layer_bytes[:10])  # experts are almost all of a MoE layer's bytes
    assert moe.weights_bytes == base.weights_bytes  # moved, not dropped


def test_quantized_kv_under_flash_attention_costs_f16_copies_on_cuda_not_vulkan():
    # ggml-cuda.cu get_alloc_size -> fattn-common.cuh ggml_cuda_flash_attn_ext_get_f16_extra_data: the prompt
    # kernels (MMA/TILE) read f16, so the FLASH_ATTN_EXT node carries f16 copies of the K and V views:
    # 2 x 131072 cells x 512 (4 KV heads x 128) x 2 B = 256 MiB at n_ctx 131072; Vulkan's buffer type adds none.
    spec = resolve_model("Qwen/Qwen2.5-7B-Instruct", offline=True).spec
    opts = LlamaCppOptions(ctx_size=131072, flash_attn="on", parallel=1, cache_type_k="q8_0", cache_type_v="q8_0")
    cuda = _gpu(plan_llamacpp(spec, _weights(spec), Hardware(get_profile("h200")), opts))
    f16 = _gpu(
        plan_llamacpp(
            spec, _weights(spec), Hardware(get_profile("h200")), replace(opts, cache_type_k="f16", cache_type_v="f16")
        )
    )
    masks = 131072 * 512 * 2
    assert cuda.compute_bytes >= masks + 2 * 131072 * 512 * 2 > f16.compute_bytes
    vulkan = _gpu(plan_llamacpp(spec, _weights(spec), Hardware(get_profile("arc-b580")), opts))
    assert vulkan.compute_bytes == f16.compute_bytes
