"""The thirty-eighth held-out speed file, scripts/data/llamabench-heldout-38.csv (docs/methodology.md section 5).

16 published llama-bench figures (9 prefill, 7 decode), all on Intel Arc, gathered by a helper who computed no
prediction for them and checked every figure by value against every earlier file:

- llama.cpp PR #14244, s-Nick's description of 2025-06-17 (the B580 table's "master t/s" column): a Qwen2-1.5B-shaped
  Q4_0 and Q4_K_M on an Arc B580 under SYCL;
- llama.cpp PR #12972, Alcpz's compare table (its first column, the baseline bb1681fb, build 5376): llama 8B Q4_K_M on
  an Arc A770 under SYCL;
- llama.cpp PR #26372, icfaust's comment of 2026-08-07 (the Qwen3.5 summary's master column, master build 10072):
  Qwen3.5-4B Q4_K_M pp512 on an Arc A770 under SYCL, flash attention off and on;
- bosd/trx50-arc-b70-benchmarks at 7a68f8c and 5f4d8fa: llama-bench JSON of 2026-06-01 (Qwen3-4B Q4_K_M and
  Qwen3.6-35B-A3B Q4_K_M on one Arc Pro B70 under SYCL and Vulkan; the builds were made without full git history, so
  their build numbers read 50 and 1 and the rows rest on the run date).

Kept as gathered. No mapping was added. Registered, then scored once by the model shipped (issue 11's twenty-fourth
round's B), with no candidate; fit_efficiency.py never reads it.
"""

from __future__ import annotations

from tests.core.heldout_files import assert_composition, assert_gathered, assert_scored, scored

THIRTY_EIGHTH = "llamabench-heldout-38.csv"

# Rows per (GPU string, backend) as kept (methodology section 5 lists them with their sources): a later edit that drops
# or adds rows changes these on purpose, not by accident.
ROWS = {
    ("Intel Arc B580", "SYCL"): 4,  # PR #14244
    ("Intel Arc A770", "SYCL"): 4,  # PRs #12972 and #26372
    ("Intel Arc Pro B70", "SYCL"): 4,  # bosd
    ("Intel Arc Pro B70", "Vulkan"): 4,  # bosd
}


def test_the_thirty_eighth_held_out_file_is_new_sourced_mapped_recent_and_pinned():
    rows, _ = assert_gathered(
        THIRTY_EIGHTH,
        ROWS,
        # the pages that print no ngl (llama-bench's default, 99)
        unprinted_ngl=frozenset(
            {"https://github.com/ggml-org/llama.cpp/pull/12972", "https://github.com/ggml-org/llama.cpp/pull/26372"}
        ),
        # llama-bench's own label of a mapped model (the load check gives 16 rows, none skipped)
        label_models=frozenset({"qwen3 4B Q4_K - Medium"}),
    )
    assert_composition(
        rows,
        tests={"pp": 9, "tg": 7},
        profiles={"arc-b580": 4, "arc-a770": 4, "arc-pro-b70": 8},
        moe=4,
    )


def test_the_shipped_model_scores_every_row_of_the_thirty_eighth_file():
    # scripts/heldout_benchmarks.py on this file, scored once after it was registered, by the model shipped (issue 11's
    # twenty-fourth round's B): decode 12.9%, prefill 27.1% median |error|, band coverage 75.0% (12 of 16; outside: the
    # B580's SYCL pp512 of the Q4_K_M 1.5B, the A770's SYCL llama 8B Q4_K_M pp512 and tg128 of build 5376, the Arc Pro
    # B70's Vulkan tg128 of Qwen3.6-35B-A3B), no GPU x kind cell at 2x. The limits leave a refit room (about 1.5x those
    # medians, the coverage 0.1 under it); they fail if the file stops being scored or the model drifts further off.
    res = scored(THIRTY_EIGHTH)
    assert_scored(
        res,
        {"decode": (0.20, 7), "prefill": (0.41, 9)},
        coverage=0.65,
        backends=frozenset({"sycl", "vulkan"}),
    )
