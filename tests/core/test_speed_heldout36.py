"""The thirty-sixth held-out speed file, scripts/data/llamabench-heldout-36.csv (docs/methodology.md section 5).

21 published llama-bench figures (8 prefill, 13 decode), gathered by a helper who computed no prediction for them and
checked every figure by value against every earlier file:

- llama.cpp PR #13506, characharm's comment of 2025-05-13 ("AMD 9070XT, master -fa 1"): qwen2 14B Q4_0 on an RX 9070 XT,
  Vulkan, build 5359;
- llama.cpp PR #19075, 0cc4m's description of 2026-01-24 ("AMD 8060S"): llama 8B Q4_K_S on a Radeon 8060S (Strix Halo),
  the "before" column under Vulkan and the ROCm column (the PR changes only the Vulkan backend);
- llama.cpp PR #12406, 0cc4m's comment of 2025-03-17 ("RTX 3090", the master column): llama 8B Q4_0, Q4_K_S and Q8_0
  decode under Vulkan, flash attention off and on;
- mixa3607/mixa3607.github.com at 2a7fb79: llama-bench JSON of 2026-09-27 (gemma4 26B.A4B Q8_0, an MoE model, on one
  MI50/MI60 32 GB under ROCm 7.2.4, upstream llama.cpp commit 7fe450e, ubatch 2048, depths 0 and 16384);
- llama.cpp PR #13885, s-Nick's description of 2025-05-29 ("Battlemage B580", the master 26b79b6cb column): Qwen2-1.5B-
  shaped Q4_0 and Q4_K_M and llama 7B Q4_0 on an Arc B580, SYCL.

As gathered it had 25 figures; the lead took out four before any score: the MI50 page's ROCm 7.14 runs, built with an
extra compiler scheduling flag (`-mllvm -amdgpu-sched-strategy=max-ilp`), not a default build. Added with it: two model
strings for the Qwen2-1.5B-shaped file of PR #13885. Registered, then scored once by the model shipped (issue 11's
twenty-third round's refit) and by the twenty-fourth round's candidate, which the rule kept (docs/methodology.md section
5); fit_efficiency.py never reads it.
"""

from __future__ import annotations

from tests.core.heldout_files import assert_composition, assert_gathered, assert_scored, read, scored

THIRTY_SIXTH = "llamabench-heldout-36.csv"

# Rows per (GPU string, backend) as kept (methodology section 5 lists them with their sources): a later edit that drops
# or adds rows changes these on purpose, not by accident.
ROWS = {
    ("AMD Radeon RX 9070 XT", "Vulkan"): 2,  # PR #13506
    ("AMD Radeon 8060S", "Vulkan"): 2,  # PR #19075
    ("AMD Radeon 8060S", "ROCm"): 2,  # PR #19075
    ("NVIDIA GeForce RTX 3090", "Vulkan"): 5,  # PR #12406
    ("AMD Instinct MI60 / MI50", "ROCm"): 4,  # mixa3607.github.com
    ("Intel Arc B580", "SYCL"): 6,  # PR #13885
}


def test_the_thirty_sixth_held_out_file_is_new_sourced_mapped_recent_and_pinned():
    rows, _ = assert_gathered(THIRTY_SIXTH, ROWS)  # every model string is in llamabench-models.csv
    assert_composition(
        rows,
        tests={"pp": 8, "tg": 13},
        profiles={"rx9070xt": 2, "strix-halo": 4, "rtx3090": 5, "mi50-32gb": 4, "arc-b580": 6},
        moe=4,
    )
    # the four figures taken out before the score (ROCm 7.14 built with a non-default scheduling flag) stay out
    assert not [r for r in read(THIRTY_SIXTH) if "ROCm 7.14" in r["source"] + r["notes"]]


def test_the_shipped_model_scores_every_row_of_the_thirty_sixth_file():
    # scripts/heldout_benchmarks.py on this file, scored once after it was registered, by the model shipped from issue
    # 11's twenty-fourth round (B: files 1-31 fitted, a recent build's decode level): decode 15.3%, prefill 43.6% median
    # |error|, band coverage 85.7% (18 of 21; outside: the MI50's gemma4 26B-A4B pp2048, 767 predicted against 1418, and
    # two of the Arc B580's SYCL pp512), no GPU x kind cell at 2x. The model it replaced read 16.7% / 43.7% / 85.7%.
    # The limits leave a refit room (about 1.5x those medians, the coverage 0.1 under it); they fail if the file stops
    # being scored or the model drifts further off on it.
    res = scored(THIRTY_SIXTH)
    assert_scored(
        res,
        {"decode": (0.23, 13), "prefill": (0.65, 8)},
        coverage=0.75,
        backends=frozenset({"vulkan", "rocm", "sycl"}),
    )
