"""The thirty-seventh held-out speed file, scripts/data/llamabench-heldout-37.csv (docs/methodology.md section 5).

17 published llama-bench figures (7 prefill, 10 decode), gathered by a helper who computed no prediction for them and
checked every figure by value against every earlier file:

- llama.cpp PR #15355, jeffbolznv's description of 2025-08-15 (the "4070 before" table, master): llama 8B Q4_K_M and
  Q6_K and qwen2 14B Q4_K_M decode on an RTX 4070 under Vulkan;
- jetsonhacks.com's DGX Spark llama-bench page (build 6767, its history table dated 2025-10-15): gpt-oss 20B MXFP4 on
  the GB10 under CUDA, pp2048 and tg32 at depths 0 and 4096;
- llama.cpp PR #15616, ggerganov's description of 2025-08-27 ("Perf M2 Ultra", master): qwen3moe 30B.A3B Q8_0 and qwen2
  7B Q8_0 on an M2 Ultra under Metal;
- llama.cpp PR #23043, Laitaps's description of 2026-05-14 (the master 4c1c3ac09 column of compare-llama-bench, its
  first: the baseline): Qwen3.6-35B-A3B IQ4_NL and Nemotron-3-Nano Q4_K_S on a Radeon AI PRO R9700 under ROCm 7.2.3.

Kept as gathered (the helper left out four figures of two pages an earlier file holds). No mapping was added.
Registered, then scored once by the model shipped (issue 11's twenty-fourth round's B) and by the twenty-fifth round's
refit (files 32-36 fitted), under the rule of docs/methodology.md section 5, which kept the shipped model;
fit_efficiency.py never reads it.
"""

from __future__ import annotations

from tests.core.heldout_files import GITHUB, assert_composition, assert_gathered, assert_scored, scored

THIRTY_SEVENTH = "llamabench-heldout-37.csv"
JETSONHACKS = "https://jetsonhacks.com/"

# Rows per (GPU string, backend) as kept (methodology section 5 lists them with their sources): a later edit that drops
# or adds rows changes these on purpose, not by accident.
ROWS = {
    ("NVIDIA GeForce RTX 4070", "Vulkan"): 3,  # PR #15355
    ("NVIDIA GB10", "CUDA"): 4,  # jetsonhacks
    ("Apple M2 Ultra", "Metal"): 4,  # PR #15616
    ("AMD Radeon AI PRO R9700", "ROCm"): 6,  # PR #23043
}


def test_the_thirty_seventh_held_out_file_is_new_sourced_mapped_recent_and_pinned():
    rows, _ = assert_gathered(
        THIRTY_SEVENTH,
        ROWS,
        hosts=(*GITHUB, JETSONHACKS),
        # llama-bench's own labels of mapped models (the loader reads them as another type of the same model; the load
        # check gives 17 rows, none skipped)
        label_models=frozenset({"qwen35moe 35B.A3B IQ4_NL - 4.5 bpw", "nemotron_h_moe 31B.A3.5B Q4_K_S"}),
        # the pages that print no ngl (llama-bench's default, 99): jetsonhacks' table and PR #15616's
        unprinted_ngl=frozenset(
            {
                "https://jetsonhacks.com/wp-content/uploads/2025/10/spark-llamacpp-bench.html",
                "https://github.com/ggml-org/llama.cpp/pull/15616",
            }
        ),
    )
    assert_composition(
        rows,
        tests={"pp": 7, "tg": 10},
        profiles={"rtx4070": 3, "gb10": 4, "apple-m2-ultra": 4, "ai-pro-r9700": 6},
        moe=13,
    )


def test_the_shipped_model_scores_every_row_of_the_thirty_seventh_file():
    # scripts/heldout_benchmarks.py on this file, scored once after it was registered, by the model shipped (issue 11's
    # twenty-fourth round's B, files 1-31 fitted; the twenty-fifth round's refit, which read 14.4% / 27.2% / 88.2%, was
    # not kept): decode 14.1%, prefill 26.1% median |error|, band coverage 88.2% (15 of 17; outside: the R9700's
    # Nemotron-3-Nano tg32 at depths 4096 and 8192, 78 predicted against 123 tok/s), no GPU x kind cell at 2x. The
    # limits leave a refit room (about 1.5x those medians, the coverage 0.1 under it); they fail if the file stops being
    # scored or the model drifts further off on it.
    res = scored(THIRTY_SEVENTH)
    assert_scored(
        res,
        {"decode": (0.22, 10), "prefill": (0.40, 7)},
        coverage=0.78,
        backends=frozenset({"vulkan", "cuda", "metal", "rocm"}),
    )
