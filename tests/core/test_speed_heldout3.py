"""The third held-out speed file, scripts/data/llamabench-heldout-3.csv (docs/methodology.md section 5).

132 published llama-bench figures that neither the fitted file nor the first two held-out files hold, gathered
where those are thin (AMD ROCm and Vulkan, Intel SYCL and Vulkan, Apple Metal, an old CUDA card): the
lhl/strix-halo-testing results.jsonl files, the kyuz0 R9700 / Arc Pro B70 / P100 toolbox logs and one
geerlingguy issue, each row with its URL. Held out when gathered and scored blind; fitted since issue 11's twelfth
round (scripts/public_common.py FITTED_HELDOUT). These tests guard that it stays new, sourced and mapped, and that
scripts/heldout_benchmarks.py keeps scoring every row of it.
"""

from __future__ import annotations

from collections import Counter

from tests.core.heldout_files import assert_new_sourced_mapped, assert_scored, read, scored

THIRD = "llamabench-heldout-3.csv"

# Rows per (GPU string, backend) as gathered (methodology section 5 lists them with their sources): a later
# edit that drops or adds rows changes these on purpose, not by accident.
ROWS = {
    ("AMD Ryzen AI Max+ 395 iGPU (Radeon 8060S)", "ROCm"): 20,  # lhl/strix-halo-testing, 10 models
    ("AMD Ryzen AI Max+ 395 iGPU (Radeon 8060S)", "Vulkan"): 20,
    ("AMD Radeon AI PRO R9700", "ROCm"): 28,  # kyuz0/amd-r9700-ai-toolboxes, 7 models x (pp512, tg128, 16k depth)
    ("Intel Arc Pro B70", "SYCL"): 20,  # kyuz0/intel-b70-ai-toolboxes, 10 models
    ("Intel Arc Pro B70", "Vulkan"): 20,
    ("NVIDIA Tesla P100 PCIe 16GB", "CUDA"): 22,  # kyuz0/nvidia-p100-ai-toolboxes, 1 to 4 cards
    ("Apple M3 Ultra", "Metal"): 2,  # geerlingguy/beowulf-ai-cluster#17, single node
}


def test_the_third_held_out_file_is_new_sourced_and_mapped():
    third = read(THIRD)
    assert Counter((r["gpu"], r["backend"]) for r in third) == ROWS
    public = read("llamabench-public.csv")
    earlier = public + read("llamabench-heldout.csv") + read("llamabench-heldout-2.csv")
    assert_new_sourced_mapped(third, earlier, "llama.cpp build ")
    for r in third:
        assert "sd=" in r["notes"], r  # the run-to-run spread llama-bench printed, kept with the figure


def test_the_shipped_model_scores_every_row_of_the_third_file():
    # scripts/heldout_benchmarks.py on this file printed decode 25.8% and prefill 37.7% median |error| and 78.8%
    # band coverage (66 + 66 figures) when first scored, 25.6% / 37.5% / 81.8% with the shipped model (methodology
    # section 5); no row is dropped by the loader (roofline, partial offload). The limits
    # leave a refit room (about 1.5x those medians); they fail if the file stops being scored or the model
    # drifts to 2x off on it.
    res = scored(THIRD)
    assert_scored(res, {"decode": (0.40, 66), "prefill": (0.55, 66)}, coverage=0.65)
