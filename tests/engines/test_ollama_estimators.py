"""Ollama's two memory estimators, chosen by version and model (docs/methodology.md section 4, Ollama)."""

from __future__ import annotations

from planner.core.gguf_quant import estimate_gguf
from planner.core.hardware import Hardware
from planner.engines.llamacpp import GGUFWeights
from planner.engines.ollama import OllamaOptions, estimator_for, plan_ollama
from planner.sources.models import resolve_model
from planner.sources.profiles import get_profile

MIB = 2**20


def _weights(spec, quant="Q4_K_M"):
    est = estimate_gguf(spec, quant)
    return GGUFWeights(
        est.quant, est.layer_bytes, est.output_bytes, est.embedding_bytes, spec.tie_word_embeddings, est.file_bytes
    )


def test_new_estimates_only_for_ollama_engine_models_from_0_12():
    # PR #12252 (2025-09-11): on by default for Ollama-engine models; llama-engine models keep the old estimate
    assert estimator_for((0, 12, 0), "gptoss") == "new"
    assert estimator_for((0, 11, 10), "gptoss") == "old"
    assert estimator_for((0, 16, 1), "qwen2") == "old"  # the reference report's qwen2.5:7b
    assert estimator_for((0, 11, 10), "gptoss", "new") == "new"  # OLLAMA_NEW_ESTIMATES=1


def test_estimator_boundaries_read_from_the_release_tags():
    # commit eb10390de "llm: Enable new memory estimates by default" is in v0.11.11, not in v0.11.10
    assert estimator_for((0, 11, 11), "gptoss") == "new"
    # fs/ggml/ggml.go OllamaEngineRequired lists qwen3 from v0.12.0 and qwen3moe from v0.12.2
    assert estimator_for((0, 11, 11), "qwen3") == "old" and estimator_for((0, 12, 0), "qwen3") == "new"
    assert estimator_for((0, 12, 1), "qwen3moe") == "old" and estimator_for((0, 12, 2), "qwen3moe") == "new"
    # v0.30.0 (PR #16031) runs llama-server for every GGML model: real allocations for qwen2 too
    assert estimator_for((0, 29, 0), "qwen2") == "old" and estimator_for((0, 30, 0), "qwen2") == "new"


def test_ps_size_per_version():
    spec = resolve_model("Qwen/Qwen2.5-7B-Instruct", offline=True).spec
    hw = Hardware(get_profile("rtx3090"))
    w = _weights(spec)
    old = plan_ollama(spec, w, hw, OllamaOptions(num_ctx=4096, version="0.6.0"))
    assert old.ps_size_bytes == old.total_bytes  # TotalSize: memory.required.full (ollama#9988, ollama#10801)
    # 0.30+: llama-server's GPU buffers only (model without token_embd, KV, compute): no 457 MiB minimum
    new = plan_ollama(spec, w, hw, OllamaOptions(num_ctx=4096, version="0.30.8"))
    assert new.ps_size_bytes == w.tensor_bytes - w.embedding_bytes + new.kv_cache_bytes + new.compute_buffer_bytes
    assert new.ps_size_bytes < new.total_bytes


def test_gpt_oss_sliding_layers_hold_the_window_not_the_context():
    spec = resolve_model("openai/gpt-oss-20b", offline=True).spec
    hw = Hardware(get_profile("rtx3090"))
    plan = plan_ollama(spec, _weights(spec), hw, OllamaOptions(num_ctx=8192, version="0.16.1"))
    assert plan.estimator == "new"
    row = 2 * spec.num_kv_heads * spec.head_dim * 2  # f16 K and V per cell per layer
    full = spec.num_full_layers * 8192 * row
    swa = spec.num_sliding_layers * (128 + 512) * row  # window x 1 slot + one batch
    assert plan.kv_cache_bytes == full + swa


def test_old_estimator_for_gpt_oss_follows_graphsize():
    # fs/ggml/ggml.go GraphSize, case "gptoss", at the release tags (llm/memory.go logs it as memory.required.kv and
    # memory.graph.*): even layers numParallel x 4096 + batch cells, odd layers the context; the graph from v0.11.8
    # with flash attention (forced on for gpt-oss: llm/server.go "model wants flash attention") is
    # (4 x numParallel + context >> 10 + 110) MiB, without it 2 x heads / KV heads x kvTotal / 6 (v0.11.5 on),
    # and in v0.11.0 full = 4 x that, partial = 2 x full. Round 7's O22 (gpt-oss:120b, 0.11.10, ROCm/ROCm#4909) logs
    # memory.required.kv 450.0 MiB and memory.graph.full/partial 122.0 MiB at 8192 cells: the same formulas.
    spec = resolve_model("openai/gpt-oss-20b", offline=True).spec
    hw = Hardware(get_profile("rtx3090"))
    row = 2 * spec.num_kv_heads * spec.head_dim * 2
    half = spec.num_layers // 2
    plan = plan_ollama(spec, _weights(spec), hw, OllamaOptions(num_ctx=8192, version="0.11.10"))
    assert plan.estimator == "old" and plan.flash_attention
    assert plan.kv_cache_bytes == half * (4096 + 512) * row + half * 8192 * row
    assert plan.full_graph_bytes == plan.partial_graph_bytes == (4 + 8 + 110) * MIB
    kv_total = 8192 * row * spec.num_layers
    gqa = spec.num_attention_heads // spec.num_kv_heads
    no_fa = plan_ollama(spec, _weights(spec), hw, OllamaOptions(num_ctx=8192, version="0.11.6"))
    assert no_fa.partial_graph_bytes == no_fa.full_graph_bytes == 2 * gqa * kv_total // 6
    first = plan_ollama(spec, _weights(spec), hw, OllamaOptions(num_ctx=8192, version="0.11.0"))
    assert first.full_graph_bytes == 4 * gqa * kv_total // 6 and first.partial_graph_bytes == 2 * first.full_graph_bytes


def test_gpt_oss_minimum_context_per_version():
    # server/routes.go scheduleRunner: num_ctx = max(num_ctx, 8192) for gpt-oss from v0.11.0 to v0.15.4, from v0.11.4
    # not in low-VRAM mode (under 20 GiB of GPU memory); v0.15.5 replaced it with the tiered default
    spec = resolve_model("openai/gpt-oss-20b", offline=True).spec
    w = _weights(spec)
    big, small = Hardware(get_profile("rtx3090")), Hardware(get_profile("rtx4060ti"))
    assert plan_ollama(spec, w, big, OllamaOptions(num_ctx=4096, version="0.11.10")).context == 8192
    assert plan_ollama(spec, w, big, OllamaOptions(num_ctx=4096, version="0.15.5")).context == 4096
    assert plan_ollama(spec, w, big, OllamaOptions(num_ctx=16384, version="0.11.10")).context == 16384
    assert small.profile.memory_bytes < 20 * 2**30
    assert plan_ollama(spec, w, small, OllamaOptions(num_ctx=4096, version="0.11.10")).context == 4096
    assert plan_ollama(spec, w, small, OllamaOptions(num_ctx=4096, version="0.11.2")).context == 8192


def test_projector_goes_on_the_first_gpu():
    spec = resolve_model("google/gemma-3-27b-it", offline=True).spec
    hw = Hardware(get_profile("h100-sxm"))
    base = plan_ollama(spec, _weights(spec), hw, OllamaOptions(num_ctx=8192))
    vision = plan_ollama(
        spec,
        _weights(spec),
        hw,
        OllamaOptions(num_ctx=8192, projector_weights_bytes=800 * MIB, projector_graph_bytes=1024 * MIB),
    )
    assert vision.total_bytes - base.total_bytes == 1824 * MIB
    assert vision.gpu_sizes[0] - base.gpu_sizes[0] == 1824 * MIB


def test_metal_has_no_partial_offload_graph():
    # llm/memory.go, every version from the v0.1 line on: "on metal there's no partial offload overhead"
    # (graphPartialOffload = graphFullOffload when the first GPU's library is Metal); elsewhere the partial graph of
    # the old estimator is its own (llama: 4 x batch x (e + context x h) plus ..., fs/ggml/ggml.go GraphSize). O24 in
    # tests/data/real-engine-logs.csv logs it on an Apple M2 Pro: memory.graph.partial equal to memory.graph.full.
    spec = resolve_model("Qwen/Qwen2.5-7B-Instruct", offline=True).spec
    opts = OllamaOptions(num_ctx=4096, version="0.7.0")
    metal = plan_ollama(spec, _weights(spec), Hardware(get_profile("apple-m2-pro"), 1), opts)
    cuda = plan_ollama(spec, _weights(spec), Hardware(get_profile("rtx3090"), 1), opts)
    assert metal.backend == "metal" and cuda.backend == "cuda"
    assert metal.full_graph_bytes == cuda.full_graph_bytes  # the same GraphSize formula
    assert cuda.partial_graph_bytes > cuda.full_graph_bytes
    assert metal.partial_graph_bytes == metal.full_graph_bytes


def test_architectures_graphsize_has_no_case_for_take_memory_gos_fallback():
    # llm/memory.go: when fs/ggml/ggml.go GraphSize leaves the graph at 0 (no case for the GGUF's general.architecture),
    # partial = heads / KV heads x kvTotal / 6 and full = partial. phi-4 (phi3: 40 heads, 10 KV heads, 40 layers of
    # 2 x 10 x 128 f16 per token) at num_ctx 2048: kvTotal 400 MiB, graph 266.67 MiB, as real-log case O26 logs
    # (tests/data/real-engine-logs.md round 24)
    from planner.engines.ollama import GRAPH_SIZE_ARCHS, graph_size, ollama_arch

    assert [ollama_arch(t) for t in ("mistral", "mixtral", "phi3", "phi", "cohere", "qwen3_5", "olmo2")] == [
        "llama",
        "llama",
        "phi3",
        "phi2",
        "command-r",
        "qwen35",
        "olmo2",
    ]
    spec = resolve_model("microsoft/phi-4", offline=True).spec
    kv_total = 40 * 2048 * 2 * 10 * 128 * 2
    partial, full = graph_size(spec, "phi3", 2048, 512, kv_total)
    assert partial == full == 4 * kv_total // 6 and round(partial / 2**20, 2) == 266.67
    # an architecture with a GraphSize case keeps its own formula whatever the KV total; gemma3n is the gemma case x4
    assert "llama" in GRAPH_SIZE_ARCHS and graph_size(spec, "llama", 2048, 512, kv_total) != (partial, full)
    gemma = graph_size(spec, "gemma3", 2048, 512, kv_total)
    assert graph_size(spec, "gemma3n", 2048, 512, kv_total) == (4 * gemma[0], 4 * gemma[1])
    # Qwen3.5 GGUFs (qwen35) are Ollama-engine models from 0.17.1: the measured estimate from 0.17.1 on, as Ollama picks
    assert estimator_for((0, 17, 1), ollama_arch("qwen3_5")) == "new"
    assert estimator_for((0, 17, 0), ollama_arch("qwen3_5")) == "old"
