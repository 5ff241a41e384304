"""The fourth held-out speed file, scripts/data/llamabench-heldout-4.csv (docs/methodology.md section 5).

100 published llama-bench figures that neither the fitted file nor the three other held-out files hold, gathered
for the hybrid models whose recurrent (Gated DeltaNet, Mamba-2) layers the model has a cost term for, fitted after
the MI50's Qwen3.5 rows: Qwen3.5/3.6, Qwen3-Next and Nemotron 3 on GPUs other than the MI50 (R9700 ROCm, Arc Pro
B70 SYCL and Vulkan, P100 CUDA at depth 32768, Strix Halo ROCm and Vulkan, Apple M5 Metal, RTX 5090 and GB10 CUDA),
each row with its URL. Held out when gathered and scored blind; fitted since issue 11's twelfth round
(scripts/public_common.py FITTED_HELDOUT). These tests guard that it stays new, sourced and mapped, and that
scripts/heldout_benchmarks.py keeps scoring every row of it.
"""

from __future__ import annotations

from collections import Counter

from tests.core.heldout_files import assert_new_sourced_mapped, assert_scored, earlier, read, scored

FOURTH = "llamabench-heldout-4.csv"

# Rows per (GPU string, backend) as gathered (methodology section 5 lists them with their sources): a later
# edit that drops or adds rows changes these on purpose, not by accident.
ROWS = {
    ("AMD Radeon AI PRO R9700", "ROCm"): 12,  # kyuz0/amd-r9700-ai-toolboxes: Nemotron 3 Nano, Qwen3-Next (2 cards)
    ("Intel Arc Pro B70", "SYCL"): 8,  # kyuz0/intel-b70-ai-toolboxes: Nemotron 3 Nano, Qwen3.6 at depth 16384
    ("Intel Arc Pro B70", "Vulkan"): 8,
    ("NVIDIA Tesla P100 PCIe 16GB", "CUDA"): 14,  # kyuz0/nvidia-p100-ai-toolboxes, depth 32768, 1 to 4 cards
    ("AMD Ryzen AI Max+ 395 iGPU (Radeon 8060S)", "ROCm"): 12,  # kyuz0/amd-strix-halo-toolboxes dated folders
    ("AMD Ryzen AI Max+ 395 iGPU (Radeon 8060S)", "Vulkan"): 12,
    ("Apple M5", "Metal"): 24,  # enescingoz/mac-llm-bench: the Qwen 3 and Qwen 3.5/3.6 families
    ("NVIDIA GeForce RTX 5090", "CUDA"): 4,  # llama.cpp #22587 (master column), #28196
    ("NVIDIA GB10", "CUDA"): 6,  # llama.cpp benches/nemotron/nemotron-dgx-spark.md (PR #20420)
}
# llama-bench's names of the hybrid architectures (a recurrent layer beside the attention ones)
HYBRID = ("qwen35", "qwen3next", "nemotron", "Qwen 3.5", "Qwen 3.6", "Qwen3.5")


def test_the_fourth_held_out_file_is_new_sourced_and_mapped():
    fourth = read(FOURTH)
    assert Counter((r["gpu"], r["backend"]) for r in fourth) == ROWS
    rows_before = earlier(FOURTH)
    assert_new_sourced_mapped(fourth, rows_before, "llama.cpp ")
    for r in fourth:
        assert r["gpu"] != "AMD Instinct MI50", r  # the recurrent term was fitted after the MI50's rows
    # most of the file is the hybrid models the recurrent-layer term was never fitted on
    assert sum(r["model"].startswith(HYBRID) for r in fourth) >= 0.6 * len(fourth)


def test_the_shipped_model_scores_every_row_of_the_fourth_file():
    # scripts/heldout_benchmarks.py on this file printed decode 27.9% and prefill 29.8% median |error| and 71.0%
    # band coverage (50 + 50 figures) when first scored as a whole (methodology section 5); no row is dropped by the
    # loader (roofline, partial offload). The limits leave a refit room (about 1.5x those medians); they fail if the
    # file stops being scored or the model drifts to 2x off on it.
    res = scored(FOURTH)
    assert_scored(res, {"decode": (0.42, 50), "prefill": (0.45, 50)}, coverage=0.55)
    # the hybrid rows reach the model as hybrids: their recurrent layers are counted
    assert sum(x["row"].work.recurrent_layers > 0 for x in res) >= 0.6 * len(res)
