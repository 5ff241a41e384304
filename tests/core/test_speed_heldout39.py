"""The thirty-ninth held-out speed file, scripts/data/llamabench-heldout-39.csv (docs/methodology.md section 5).

10 published llama-bench figures (5 prefill, 5 decode), gathered by a helper who computed no prediction for them and
checked every figure by value against every earlier file:

- sudoingX/qwen38-mtp at c7bc415 (sweeps/rtx-3090.md, the RTX 3080 10 GB section): unsloth's Qwen3.8-27B UD-IQ2_XXS
  on an RTX 3080 under CUDA, llama.cpp b10472 (the official win-cuda-12.4 release), pp512 and tg128 with -fa 1;
- ROCm/hip-ep at dc85ff3 (CLAUDE.md, the section "Llama 3.1 8B Q4_K_M Vulkan baseline", measured 2026-05-05 at commit
  683c5acb; the page's Test / t/s table summarises llama-bench output and prints no ngl): Llama 3.1 8B Q4_K_M on the
  Radeon 8060S (Strix Halo) under Vulkan, pp128, pp4096, tg128 at depth 0 and 4096;
- PrismML-Eng/Bonsai-demo at 70ae3e4 (community-benchmarks/ternary-bonsai/cuda-rtxa5000-ubuntu.md, the "Qwen3.6-27B
  Q4_K_M (reference)" table, build 9767): Qwen3.6-27B Q4_K_M on an RTX A5000 under CUDA, pp512 and tg128 at depth 0
  and 32768.

As gathered it held 36 figures; before any score the 26 of PrismML's 1-bit Q1_0 and ternary Q2_0 GGUFs were taken
out (methodology section 5: formats the planner does not know, whose kernels come from PrismML's fork; their rows stay
in the history of the merge of branch bench39). One mapping was added (Qwen3.8-27B IQ2_XXS, the Qwen3.5-27B shape).
Registered, then scored once by the model shipped (issue 11's twenty-fourth round's B) and by the twenty-sixth round's
candidate P; fit_efficiency.py never reads it.
"""

from __future__ import annotations

from tests.core.heldout_files import assert_composition, assert_gathered, assert_scored, scored

THIRTY_NINTH = "llamabench-heldout-39.csv"

# Rows per (GPU string, backend) as kept (methodology section 5 lists them with their sources): a later edit that drops
# or adds rows changes these on purpose, not by accident.
ROWS = {
    ("NVIDIA GeForce RTX 3080", "CUDA"): 2,  # sudoingX/qwen38-mtp
    ("AMD Radeon 8060S", "Vulkan"): 4,  # ROCm/hip-ep
    ("NVIDIA RTX A5000", "CUDA"): 4,  # PrismML-Eng/Bonsai-demo, the Q4_K_M reference table
}


def test_the_thirty_ninth_held_out_file_is_new_sourced_mapped_recent_and_pinned():
    rows, _ = assert_gathered(
        THIRTY_NINTH,
        ROWS,
        # the page that prints no ngl (llama-bench's default, 99)
        unprinted_ngl=frozenset(
            {"https://github.com/ROCm/hip-ep/blob/dc85ff37820b2422337b5a7e107f9554d659c380/CLAUDE.md"}
        ),
        # llama-bench's own label of a mapped model
        label_models=frozenset({"qwen35 27B Q4_K - Medium"}),
    )
    assert_composition(
        rows,
        tests={"pp": 5, "tg": 5},
        profiles={"rtx3080": 2, "strix-halo": 4, "rtx-a5000": 4},
        moe=0,
    )
    # no row of the 1-bit or ternary formats the planner does not know
    assert not {r["quant"] for r in rows} & {"Q1_0", "Q2_0"}


def test_the_shipped_model_scores_every_row_of_the_thirty_ninth_file():
    # scripts/heldout_benchmarks.py on this file, scored once after it was registered, by B (issue 11's twenty-fourth
    # round's model: decode 6.6%, prefill 23.9%) and by the twenty-sixth round's P, shipped since: decode 7.0%, prefill
    # 22.9% median |error|, band coverage 100% (10 of 10), no GPU x kind cell at 2x. The limits leave a refit room
    # (about 1.5x those medians, the coverage 0.1 under it); they fail if the file stops being scored or the model
    # drifts off.
    res = scored(THIRTY_NINTH)
    assert_scored(
        res,
        {"decode": (0.11, 5), "prefill": (0.35, 5)},
        coverage=0.90,
        backends=frozenset({"cuda", "vulkan"}),
    )
