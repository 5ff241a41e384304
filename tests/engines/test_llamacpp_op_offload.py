"""llama.cpp compute buffers under partial offload: op offload and layer placement (docs/methodology.md section 4,
"Compute buffer", "Partial offload")."""

from __future__ import annotations

from planner.core.gguf_quant import estimate_gguf
from planner.core.hardware import Hardware
from planner.engines.llamacpp import GGUFWeights, LlamaCppOptions, layer_devices, plan_llamacpp
from planner.sources.models import resolve_model
from planner.sources.profiles import get_profile

MIB = 2**20


def _weights(spec, quant):
    est = estimate_gguf(spec, quant)
    return GGUFWeights(
        est.quant, est.layer_bytes, est.output_bytes, est.embedding_bytes, spec.tie_word_embeddings, est.file_bytes
    )


def _rocm5104(**kw):
    # github.com/ROCm/legacy-rocm-build/issues/5104 (build 5898, llama_kv_cache_unified log format): Qwen3-14B Q8_0 with
    # 0 of 41 layers on a 7900 GRE, n_ctx 4096, n_batch 2048, n_ubatch 512, flash_attn 0, one sequence.
    spec = resolve_model("Qwen/Qwen3-14B", offline=True).spec
    opts = dict(
        ctx_size=4096, flash_attn="off", parallel=1, n_gpu_layers=0, n_outputs=512, legacy_graph=True, fit=False
    )
    opts.update(kw)
    return spec, plan_llamacpp(
        spec, _weights(spec, "Q8_0"), Hardware(get_profile("rx7900xtx")), LlamaCppOptions(**opts)
    )


def test_no_layer_on_the_gpu_still_reserves_the_offloaded_output_projection():
    # ROCm#5104 logs "ROCm0 compute buffer size = 1094.99 MiB" and "ROCm_Host compute buffer size = 18.01 MiB" with
    # every layer on the CPU ("CPU_Mapped model buffer size = 14965.61 MiB", "CPU KV buffer size = 640.00 MiB").
    # Op offload (ggml-backend.cpp ggml_backend_sched_backend_id_from_cur) runs the output matmul on ROCm0 with a copy
    # of output.weight (q8_0, 151936 x 5120 x 34/32 B = 788.24 MiB) beside the logits (151936 x 512 x 4 B = 296.75 MiB)
    # and the normed hidden state (5120 x 512 x 4 B = 10.00 MiB); the host keeps the inputs: 10 MiB of embeddings and
    # the 8 MiB f32 mask.
    _, plan = _rocm5104()
    gpu = next(d for d in plan.devices if d.name == "GPU0")
    cpu = next(d for d in plan.devices if d.name == "CPU")
    assert gpu.layers == 0 and not gpu.output_layer
    assert abs(gpu.compute_bytes / MIB - 1094.99) <= 0.01
    assert abs(plan.host_compute_bytes / MIB - 18.01) <= 0.02
    assert round(cpu.kv_bytes / MIB, 2) == 640.00
    assert abs(cpu.model_bytes / MIB - 14965.61) <= 0.01


def test_no_op_offload_keeps_the_cpu_layers_compute_on_the_host():
    # --no-op-offload (llama-context.cpp: cparams.op_offload -> ggml_backend_sched_new): nothing is copied to the GPU,
    # and the host buffer holds the CPU layers' graph (the CPU formula: at least the f32 KQ scores of one layer,
    # 4096 cells x 512 x 40 heads x 4 B = 320 MiB, and the logits of 512 rows).
    spec, plan = _rocm5104(op_offload=False)
    assert all(d.name == "CPU" for d in plan.devices)
    assert plan.host_compute_bytes >= 512 * spec.vocab_size * 4
    assert plan.host_compute_bytes >= 4096 * 512 * spec.num_attention_heads * 4
    assert "--no-op-offload" in plan.flags


def test_small_ubatch_is_not_offloaded():
    # offload_op needs a batch of op_offload_min_batch_size = 32 (ggml-cuda.cu, ggml-vulkan.cpp;
    # GGML_OP_OFFLOAD_MIN_BATCH)
    _, plan = _rocm5104(ubatch_size=16, batch_size=16, n_outputs=16)
    assert all(d.name == "CPU" for d in plan.devices)


def test_output_rows_below_the_offload_batch_stay_on_the_host():
    # llama-server reserves n_outputs = its slots (4 here): the output matmul's batch is 4 < 32, so it runs on the CPU
    # and its logits (151936 x 4 x 4 B) are in the host buffer; the layers' ops still go to the GPU.
    spec, plan = _rocm5104(legacy_graph=False, n_outputs=4)
    gpu = next(d for d in plan.devices if d.name == "GPU0")
    inputs = 2 * spec.hidden_size * 512 * 4 + 4096 * 512 * 4  # two embedding copies + the f32 mask (fa off)
    assert plan.host_compute_bytes == inputs + 4 * spec.vocab_size * 4
    assert gpu.compute_bytes < 788 * MIB  # no copy of output.weight


def test_layer_placement_current_and_legacy():
    # llama-model.cpp load_tensors (vendored build 0c1e570): i_gpu_start = max(n_layer + 1 - ngl, 0), act_gpu_layers =
    # min(ngl, n_layer + 1); the output layer is index n_layer. -ngl 93 of 94 layers: blocks 0-1 on the CPU, 2-93 and
    # the output layer on the GPU.
    current = layer_devices(94, 93, 1, "layer")
    assert current[:2] == [-1, -1] and set(current[2:]) == {0}
    # Legacy builds (L24, build 5398: "offloading 93 repeating layers to GPU", "offloaded 93/95 layers", CPU KV buffer
    # 8.00 MiB = one layer): i_gpu_start = max(n_layer - ngl, 0), so block 0 and the output layer stay on the CPU.
    legacy = layer_devices(94, 93, 1, "layer", legacy=True)
    assert legacy[0] == -1 and set(legacy[1:94]) == {0} and legacy[94] == -1
    # every layer requested: the same under both rules
    assert layer_devices(94, 95, 1, "layer") == layer_devices(94, 95, 1, "layer", legacy=True) == [0] * 95


def test_cpu_layers_add_their_largest_weight_copy_to_the_gpu_buffer():
    # Current rule, Qwen3-14B Q8_0 at -ngl 40 (block 0 on the CPU, flash attention on so the FFN set is the layer peak):
    # GPU0 holds a copy of block 0's largest weight (an FFN matrix, 17408 x 5120 at about 8.5 bits) beside the FFN set.
    spec, full = _rocm5104(legacy_graph=False, flash_attn="on", n_gpu_layers=41, n_outputs=None)
    _, part = _rocm5104(legacy_graph=False, flash_attn="on", n_gpu_layers=40, n_outputs=None)
    gpu_full = next(d for d in full.devices if d.name == "GPU0")
    gpu_part = next(d for d in part.devices if d.name == "GPU0")
    ffn_matrix = 17408 * 5120 * 34 // 32
    assert gpu_part.compute_bytes - gpu_full.compute_bytes >= ffn_matrix * 0.9
    assert part.host_compute_bytes == full.host_compute_bytes  # the host keeps the inputs only


def test_no_cpu_repack_beside_a_gpu_with_a_host_buffer():
    # llama-model.cpp make_cpu_buft_list lists the GPU's host buffer type (ROCm_Host here) before the CPU's extra
    # (repack) types, and with mmap the loader swaps it for the plain CPU buffer (llama-model-loader.cpp "avoid using
    # a host buffer when using mmap"): the CPU layers' Q4_K tensors are not repacked. Metal has no host buffer type
    # (ggml-metal.cpp get_host_buffer_type = NULL) and a CPU-only plan repacks.
    spec = resolve_model("Qwen/Qwen3-14B", offline=True).spec
    w = _weights(spec, "Q4_K_M")
    w = GGUFWeights(
        w.quant,
        w.layer_bytes,
        w.output_bytes,
        w.embedding_bytes,
        w.tied_embeddings,
        w.file_bytes,
        repack_bytes_by_layer=tuple(b // 2 for b in w.layer_bytes),
    )
    opts = LlamaCppOptions(ctx_size=4096, parallel=1, n_gpu_layers=20, fit=False)
    rocm = plan_llamacpp(spec, w, Hardware(get_profile("rx7900xtx")), opts)
    assert next(d for d in rocm.devices if d.name == "CPU").repack_bytes == 0
    cpu = plan_llamacpp(spec, w, Hardware(get_profile("host")), opts)
    assert next(d for d in cpu.devices if d.name == "CPU").repack_bytes == sum(w.repack_bytes_by_layer)
