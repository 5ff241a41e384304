"""The thirty-second held-out speed file, scripts/data/llamabench-heldout-32.csv (docs/methodology.md section 5).

10 published llama-bench figures (5 prefill, 5 decode), gathered for issue 11's twenty-first round by a helper who
computed no prediction for them:

- lhl/intel-inference 04-llama.cpp/README.md at 659fca9: the Arc 140V iGPU of a Core Ultra 7 258V on Vulkan (master at
  3306dbaef, the page's rerun of 2026-03-24), Llama 3.2 1B Instruct BF16 and UD-Q4_K_XL, pp512 and tg128;
- llama.cpp PR #20551 (0cc4m, 2026-03-14), its "before" column: Llama 3 8B Q4_0 on an RX 9070 XT, Vulkan;
- FlagOpen/FlagScale's llama.cpp backend README at 1d078ba (2025-05-14, llama.cpp 764b85627): Qwen3 0.6B F16 on an Apple
  M4 under Metal and on an "A800" (the A800 SXM4 80 GB profile), CUDA;
As gathered it had 22 figures: the lead took out the eight of jiegec/kb's llm_local_serving.md (an RTX 4090) before
any score, as the fitted eighth file cites that page at a later revision, and registered 14. Scored once by the shipped
model and by the twenty-first round's candidate; then this test found that the four L40S figures of
willettAMT/perf-analysis-modeling-project were the fitted eighth file's (the same page at another commit), and they
were taken out (methodology section 5 gives both scores). scripts/fit_efficiency.py never reads this file.
"""

from __future__ import annotations

from tests.core.heldout_files import assert_composition, assert_gathered, assert_scored, read, scored

THIRTY_SECOND = "llamabench-heldout-32.csv"
LHL = "https://github.com/lhl/intel-inference/blob/659fca952c083463df22d259db346ca962e1e1a9/04-llama.cpp/README.md"
FLAGSCALE = (
    "https://github.com/FlagOpen/FlagScale/blob/1d078ba3221cb34b1616ad1afdf1f1f9e1bd2ded/flagscale/backends/llama.cpp/"
    "README.md"
)

# Rows per (GPU string, backend) as kept (methodology section 5 lists them with their sources): a later edit that drops
# or adds rows changes these on purpose, not by accident.
ROWS = {
    ("Intel Arc 140V", "Vulkan"): 4,  # lhl/intel-inference
    ("AMD Radeon RX 9070 XT", "Vulkan"): 2,  # PR #20551
    ("Apple M4", "Metal"): 2,  # FlagScale
    ("A800", "CUDA"): 2,  # FlagScale
}


def test_the_thirty_second_held_out_file_is_new_sourced_mapped_recent_and_pinned():
    # the pages that print no ngl: lhl's summary table, FlagScale's M4 table
    rows, _ = assert_gathered(
        THIRTY_SECOND,
        ROWS,
        unprinted_ngl=frozenset({LHL, FLAGSCALE}),
        # llama-bench's own labels, read by the loader as the mapped Qwen3 0.6B and 8B (no row added for them)
        label_models=frozenset({"qwen3 0.6B F16"}),
    )
    assert {r["source"].split(" ")[0] for r in rows} == {
        LHL,
        "https://github.com/ggml-org/llama.cpp/pull/20551",
        FLAGSCALE,
    }
    assert_composition(
        rows,
        tests={"pp": 5, "tg": 5},
        profiles={"intel-arc-140v": 4, "rx9070xt": 2, "apple-m4": 2, "a800-80gb": 2},
        moe=0,
    )
    # the eight figures of jiegec/kb taken out before the score, and the four of willettAMT (the fitted eighth file's
    # figures) after it, stay out
    assert not [r for r in read(THIRTY_SECOND) if "jiegec" in r["source"] or "willettAMT" in r["source"]]


def test_the_shipped_model_scores_every_row_of_the_thirty_second_file():
    # scripts/heldout_benchmarks.py on this file, scored once after it was gathered (by someone who computed no
    # prediction for it) by the shipped model: as registered (14 figures) decode 25.0%, prefill 29.5%, coverage 92.9%;
    # on the 10 blind figures kept, decode 31.5%, prefill 39.9% median |error|, band coverage 90.0% (the one outside:
    # the A800's tg128 of Qwen3 0.6B F16, predicted 328.5 against 168.7 tok/s), no GPU x kind cell at 2x. The limits
    # leave a refit room (about 1.5x those medians, the coverage 0.1 under it); they fail if the file stops being
    # scored or the model drifts further off on it.
    res = scored(THIRTY_SECOND)
    assert_scored(
        res,
        {"decode": (0.47, 5), "prefill": (0.60, 5)},
        coverage=0.8,
        backends=frozenset({"vulkan", "metal", "cuda"}),
    )
