"""llama.cpp's --fit / llama-fit-params (common/fit.cpp) as the plan follows it (docs/methodology.md section 4).

tests/data/llamacpp/fit-params-gemma-3-270m.txt is a real llama-fit-params run (llama.cpp build 0c1e570, the one
llama-cpp-python 0.3.36 vendors, CPU only, Gemma 3 270M Q4_K_M): its projected host memory at the full and at the
minimum context, the host memory of that machine and the context it chose for two --fit-target margins.
"""

from __future__ import annotations

import re
from pathlib import Path

from planner.core.gguf_quant import estimate_gguf
from planner.core.hardware import Hardware
from planner.engines.llamacpp import FIT_MIN_CTX, GGUFWeights, LlamaCppOptions, fit_context_size, plan_llamacpp
from planner.sources.models import resolve_model
from planner.sources.profiles import get_profile

MIB = 2**20
RUN = (Path(__file__).resolve().parents[1] / "data" / "llamacpp" / "fit-params-gemma-3-270m.txt").read_text()


def _weights(spec, quant="Q4_K_M"):
    est = estimate_gguf(spec, quant)
    return GGUFWeights(
        est.quant, est.layer_bytes, est.output_bytes, est.embedding_bytes, spec.tie_word_embeddings, est.file_bytes
    )


def test_context_interpolation_matches_llama_fit_params():
    host = int(re.search(r"= (\d+) B of host memory", RUN).group(1))
    used_max, used_min = (int(v) * MIB for v in re.findall(r"Host\s+\|\s+(\d+) =", RUN)[:2])
    runs = re.findall(r"-fitt (\d+) -lv 4\n(?:.*\n)*?-c (\d+) -ngl -1", RUN)
    assert len(runs) == 2
    for margin_mib, chosen in runs:
        budget = host - int(margin_mib) * MIB
        assert fit_context_size(budget, used_min, used_max, FIT_MIN_CTX, 32768, 1) == int(chosen)


def test_context_interpolation_keeps_the_floor_and_the_stream_alignment():
    # not even the minimum fits: the minimum (fit then moves layers); 4 streams align to 4 x 256 cells
    assert fit_context_size(100 * MIB, 200 * MIB, 900 * MIB, 4096 * 4, 32768 * 4, 4) == 4096 * 4
    ctx = fit_context_size(550 * MIB, 200 * MIB, 900 * MIB, 4096 * 4, 32768 * 4, 4)
    assert ctx % 1024 == 0 and 4096 * 4 < ctx < 32768 * 4


def test_plan_fits_an_unset_context_to_the_card_with_the_margin():
    # Qwen2.5-14B Q5_K_M (n_ctx_train 32768) on a 16 GB MI50: the full context does not leave --fit-target's 1024 MiB,
    # so --fit reads the context off the line between 4096 and 32768 and stops (one GPU: layers stay).
    spec = resolve_model("Qwen/Qwen2.5-14B-Instruct", offline=True).spec
    hw = Hardware(get_profile("mi50-16gb"))
    fitted = plan_llamacpp(spec, _weights(spec, "Q5_K_M"), hw, LlamaCppOptions())
    free = hw.profile.runtime_memory_bytes
    assert fitted.context % 256 == 0 and FIT_MIN_CTX < fitted.context < 32768
    assert fitted.gpu_layers == spec.num_layers + 1
    assert fitted.gpu_bytes <= free - 1024 * MIB
    bigger = plan_llamacpp(
        spec, _weights(spec, "Q5_K_M"), hw, LlamaCppOptions(ctx_size=fitted.context + 1024, fit=False)
    )
    assert bigger.gpu_bytes > free - 1024 * MIB - 1024 * MIB / 8  # the line's step is about the KV of 1024 cells


def test_unified_memory_plans_against_the_budget_not_the_ram():
    # Apple M4 32 GiB: Metal lets llama.cpp use the working-set cap, 2/3 of RAM (21.33 GiB), not the 32 GiB.
    spec = resolve_model("Qwen/Qwen2.5-32B-Instruct", offline=True).spec
    hw = Hardware(get_profile("apple-m4"))
    plan = plan_llamacpp(spec, _weights(spec, "Q4_K_M"), hw, LlamaCppOptions(ctx_size=32768, parallel=1, fit=False))
    assert hw.profile.runtime_memory_bytes < plan.gpu_bytes < hw.profile.memory_bytes
    assert not plan.runs  # what would fit in the RAM does not fit the GPU's share of it
    fitted = plan_llamacpp(spec, _weights(spec, "Q4_K_M"), hw, LlamaCppOptions(parallel=1))
    assert fitted.context < 32768 and fitted.gpu_bytes <= hw.profile.runtime_memory_bytes - 1024 * MIB


def test_cpu_projection_matches_llama_fit_params_kv_and_compute(llama_artifacts):
    # llama-fit-params -fitp on: "Host 222 111 514" (model, context, compute in whole MiB) at the model's 32768
    # and 27 MiB of context at 4096 (the -lv 4 breakdown): its defaults are one sequence and n_outputs_max =
    # n_batch, so 512 output rows; the logits bound the compute buffer at both contexts (the masks are freed).
    from planner.planning.fit import gguf_weights
    from planner.sources.gguf_file import read_gguf
    from planner.sources.models import ResolvedModel

    model = read_gguf(llama_artifacts[1])
    weights = gguf_weights(ResolvedModel(model.spec, "gguf", model.path, gguf=model), None)
    host = Hardware(get_profile("host"))
    logged = {32768: (111, 514), 4096: (27, 514)}
    for ctx, (kv_mib, compute_mib) in logged.items():
        plan = plan_llamacpp(model.spec, weights, host, LlamaCppOptions(ctx_size=ctx, parallel=1, n_outputs=512))
        assert int(plan.kv_cache_bytes / MIB) == kv_mib
        assert int(plan.compute_buffer_bytes / MIB) == compute_mib


def test_cpu_only_fit_reproduces_llama_fit_params_end_to_end(llama_artifacts):
    # The same run's machine (25,276,510,208 B of host memory) as a CPU profile; the tool's defaults (one
    # sequence, 512 output rows); -fitt 23300 and 23320 MiB gave -c 18176 and -c 11264.
    from dataclasses import replace as dc_replace

    from planner.planning.fit import gguf_weights
    from planner.sources.gguf_file import read_gguf
    from planner.sources.models import ResolvedModel

    model = read_gguf(llama_artifacts[1])
    weights = gguf_weights(ResolvedModel(model.spec, "gguf", model.path, gguf=model), None)
    host_bytes = int(re.search(r"= (\d+) B of host memory", RUN).group(1))
    machine = Hardware(dc_replace(get_profile("host"), memory_bytes=host_bytes, memory_runtime_bytes=None))
    for margin_mib, chosen in re.findall(r"-fitt (\d+) -lv 4\n(?:.*\n)*?-c (\d+) -ngl -1", RUN):
        opts = LlamaCppOptions(parallel=1, n_outputs=512, fit_target_bytes=int(margin_mib) * MIB)
        assert plan_llamacpp(model.spec, weights, machine, opts).context == int(chosen)
