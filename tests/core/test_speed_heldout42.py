"""The forty-second held-out speed file, scripts/data/llamabench-heldout-42.csv (docs/methodology.md section 5).

34 published llama-bench figures (17 prefill, 17 decode), gathered by a helper who computed no prediction for them and
checked every figure by value against every earlier file:

- GaijinEntertainment/daScript's dasLLAMA benchmark records at f096c54 (records/m4.json, m1.json, m3air.json:
  llama-bench JSON of ggml-org's release build ebd048fc5, 2026-07-26 to 08-02): an Apple M4 Pro, an M1 Max and an M3
  under Metal, gpt-oss-20b, Qwen3-30B-A3B, Mistral-Small-3.1-24B, Gemma-4-26B-A4B and -E4B, Qwen3.6-35B-A3B;
- AlexsJones/llmfit at 3f44fd3 (llmfit-core/data/benchmark_cache.json, users' leaderboard submissions): an RTX 5080
  under CUDA (a master build dated 2026-06-29, no ngl printed) and an M4 Pro under Metal (build 9820);
- EricLBuehler/mistral.rs at 9e92262 (releases/v0.8.2/report.md, the llama.cpp column of its appendix: commit
  751ebd17a, 2026-05-31, -ngl 99 -fa 1): an H100 80GB HBM3 under CUDA, Gemma 4 E4B and 26B-A4B in Q4_K_M and Q8_0.

Kept as gathered. Added with it: eleven model strings, all of shapes the catalog has (`fit_efficiency.py --check`: the
fit's inputs are unchanged). Registered, then scored once by the model shipped (issue 11's twenty-sixth round's P);
fit_efficiency.py never reads it.
"""

from __future__ import annotations

from tests.core.heldout_files import assert_composition, assert_gathered, assert_scored, scored

FORTY_SECOND = "llamabench-heldout-42.csv"

# Rows per (GPU string, backend) as kept (methodology section 5 lists them with their sources): a later edit that drops
# or adds rows changes these on purpose, not by accident.
ROWS = {
    ("Apple M4 Pro", "Metal"): 12,  # daScript m4.json, llmfit
    ("Apple M1 Max", "Metal"): 8,  # daScript m1.json
    ("Apple M3", "Metal"): 2,  # daScript m3air.json
    ("NVIDIA H100 80GB HBM3", "CUDA"): 8,  # mistral.rs v0.8.2 report
    ("NVIDIA GeForce RTX 5080", "CUDA"): 4,  # llmfit
}


def test_the_forty_second_held_out_file_is_new_sourced_mapped_recent_and_pinned():
    rows, _ = assert_gathered(
        FORTY_SECOND,
        ROWS,
        # the page whose command prints no ngl (llama-bench's default, 99)
        unprinted_ngl=frozenset(
            {
                "https://github.com/AlexsJones/llmfit/blob/3f44fd30a43d2619146f7bc0aa66c90aa54d78e6/llmfit-core/data/"
                "benchmark_cache.json"
            }
        ),
    )
    assert_composition(
        rows,
        tests={"pp": 17, "tg": 17},
        profiles={"apple-m4-pro": 12, "apple-m1-max": 8, "apple-m3": 2, "h100-sxm": 8, "rtx5080": 4},
        moe=20,  # gpt-oss-20b, Qwen3-30B-A3B, Gemma-4-26B-A4B, Qwen3.6-35B-A3B
    )
    assert not [r for r in rows if r["tps"].startswith("~")]


def test_the_shipped_model_scores_every_row_of_the_forty_second_file():
    # scripts/heldout_benchmarks.py on this file, scored once after it was registered, by the model shipped (issue 11's
    # twenty-sixth round's P): decode 16.4%, prefill 34.8% median |error|, band coverage 79.4% (27 of 34), one GPU x
    # kind cell at 2x: the H100's Gemma 4 E4B and 26B-A4B pp512 (mistral.rs's report, llama.cpp 751ebd17a), predicted
    # x1.90-2.37 fast. Also outside the band: the M4 Pro's tg128 of Qwen3-30B-A3B and Mistral-Small-3.1-24B Q4_K_M
    # (x0.60-0.61) and the RTX 5080's gpt-oss-20b Q8_0 tg128 (x0.59). The limits leave a refit room (about 1.5x those
    # medians, the coverage 0.1 under it).
    res = scored(FORTY_SECOND)
    assert_scored(
        res,
        {"decode": (0.25, 17), "prefill": (0.53, 17)},
        coverage=0.69,
        backends=frozenset({"cuda", "metal"}),
    )
