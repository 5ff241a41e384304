"""The thirtieth held-out speed file, scripts/data/llamabench-heldout-30.csv (docs/methodology.md section 5).

18 published llama-bench figures (8 prefill, 10 decode), gathered for issue 11's eighteenth round (a build-era level,
judged by a rule written before any score) by a helper who computed no prediction for them:

- geerlingguy/ai-benchmarks README at bdf9441: its "Eval Rate" column as tg128 of Llama 3.2 3B and Qwen2.5 14B in
  Q4_K_M on an RTX 3080 Ti, an R9700, an RTX 4070 Ti and an RTX A4000, rows added from 2025-11-25 (builds 7147 and 7293
  where printed; ngl not printed, so blank; the backend, Vulkan, read from the same host's issues);
- llama.cpp PR #21751 (0cc4m, 2026-04-22, the "before" column, fa 1): Llama 3 8B Q4_K_S and Llama 2 13B Q5_K_M on an
  RX 9070 XT and Strix Halo's Radeon 8060S, Vulkan;
- llama.cpp PR #18666 (the b7644 column): Llama 3 8B Q5_0 pp2048 at ubatch 512, 1024 and 2048 on the 8060S, ROCm;
- llama.cpp PR #19092 (the master column of 2026-01): GLM-4.7-Flash Q2_K_M pp512 at depth 32768 on an RTX 5090, CUDA.

As gathered it had 22 figures; the lead took out two pairs of 2024 builds before any score (the stated rule: 2025-2026
builds only) with the W7800 profile and Gemma 2 27B shape that came for them. The lead registered it (b2feccb) and
scored it once by the shipped model and by the eighteenth round's candidate; it is fitted since issue 11's twenty-third
round (scripts/public_common.py FITTED_HELDOUT).
"""

from __future__ import annotations

from tests.core.heldout_files import assert_composition, assert_gathered, assert_scored, read, scored

THIRTIETH = "llamabench-heldout-30.csv"
README = "https://github.com/geerlingguy/ai-benchmarks/blob/bdf94413f5f273c985c164ac0abfafa312c4390f/README.md"

# Rows per (GPU string, backend) as kept (methodology section 5 lists them with their sources): a later edit that drops
# or adds rows changes these on purpose, not by accident.
ROWS = {
    ("NVIDIA GeForce RTX 3080 Ti", "Vulkan"): 2,  # the README
    ("AMD Radeon AI PRO R9700", "Vulkan"): 2,  # the README
    ("NVIDIA GeForce RTX 4070 Ti", "Vulkan"): 2,  # the README
    ("NVIDIA RTX A4000", "Vulkan"): 1,  # the README
    ("AMD Radeon RX 9070 XT", "Vulkan"): 4,  # PR #21751
    ("AMD Radeon 8060S", "Vulkan"): 3,  # PR #21751
    ("Radeon 8060S Graphics", "ROCm"): 3,  # PR #18666
    ("NVIDIA GeForce RTX 5090", "CUDA"): 1,  # PR #19092
}


def test_the_thirtieth_held_out_file_is_new_sourced_mapped_recent_and_pinned():
    rows, _ = assert_gathered(
        THIRTIETH,
        ROWS,
        unprinted_ngl=frozenset({README}),
    )
    assert {r["source"].split(" ")[0] for r in rows} == {
        README,
        "https://github.com/ggml-org/llama.cpp/pull/21751",
        "https://github.com/ggml-org/llama.cpp/pull/18666",
        "https://github.com/ggml-org/llama.cpp/pull/19092",
    }
    # one MoE figure (GLM-4.7-Flash); every other row dense
    assert_composition(
        rows,
        tests={"pp": 8, "tg": 10},
        profiles={
            "rtx3080ti": 2,
            "ai-pro-r9700": 2,
            "rtx4070ti": 2,
            "rtx-a4000": 1,
            "rx9070xt": 4,
            "strix-halo": 6,
            "rtx5090": 1,
        },
        moe=1,
    )
    # the two 2024-build pairs taken out before the score stay out
    assert not [r for r in read(THIRTIETH) if "8186" in r["source"] or "dmatora" in r["source"]]


def test_the_shipped_model_scores_every_row_of_the_thirtieth_file():
    # scripts/heldout_benchmarks.py on this file, scored once after it was gathered (by someone who computed no
    # prediction for it) by the shipped model (issue 11's seventeenth-round refit): decode 24.1%, prefill 24.3% median
    # |error|, band coverage 66.7% (10 + 8 figures), no GPU x kind cell at 2x; every figure faster than predicted. The
    # limits leave a refit room (about 1.5x those medians, the coverage 0.1 under it); they fail if the file stops being
    # scored or the model drifts further off on it.
    res = scored(THIRTIETH)
    assert_scored(
        res,
        {"decode": (0.37, 10), "prefill": (0.37, 8)},
        coverage=0.56,
        backends=frozenset({"cuda", "rocm", "vulkan"}),
    )
