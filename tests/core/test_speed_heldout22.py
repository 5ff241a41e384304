"""The twenty-second held-out speed file, scripts/data/llamabench-heldout-22.csv (docs/methodology.md section 5).

40 published llama-bench figures (30 prefill, 10 decode) from llama.cpp masters of 2025-07 to 2026-09 that neither the
fitted file nor the twenty-one other held-out files hold, from ten pull-request threads no earlier file cites: the
"before" (master) column of a developer's comparison table, one card, every layer on it.

- llama.cpp PRs #19309 (GLM-4.7-Flash Q4_K_M, pp512 at depths 0-24576), #15546 (Qwen3-30B-A3B Q2_K, DeepSeek-V2-Lite
  Q4_K_M, gpt-oss-20b MXFP4, pp512), #14555 (DeepSeek-V2-Lite at depths 512 and 8192) and #17675 (three tg128 rows):
  one RTX 5090 under Vulkan;
- llama.cpp PR #29152 (JohannesGaessler's 't/s master' column: Gemma 4 26B-A4B Q4_0, pp256 at depths 0 and 32768 at
  ubatch 1, 2 and 4; the table prints no ngl, fa, size or sd): one RTX 3090 under CUDA;
- llama.cpp PR #24362 (0cc4m's 't/s (before)' column: Llama 3 8B Q4_0, Gemma 3 12B Q4_0, GLM-4.7-Flash Q3_K_S): one
  Radeon Pro VII (gfx906, the MI50's chip) under Vulkan;
- llama.cpp PR #18280 (0cc4m's 'before' column with coopmat: Llama 3 8B Q4_K_S and Q4_0) and noamsto/nix-amd-ai PR #129
  (the Vulkan row of its llama-bench summary table, Qwen3.5-4B UD-Q4_K_XL): the Strix Halo iGPU under Vulkan;
- llama.cpp PRs #27952 (the 'master:' run, Gemma 4 26B-A4B Q4_0, ubatch 1024) on an RX 7900 XTX and #25483 (the
  'Before:' run, Qwen3.6-35B-A3B UD-Q2_K_XL, fa 0) on an RX 7900 XT, both under Vulkan.

Gatherer's notes, written before any prediction for these rows was computed or seen (none was computed by the
gatherer): several tables are cut in the stored threads (#27952, #25483, #24362, #18280) and only the rows shown were
taken; the "before" column is taken as master in #24362 and #18280 (the comments do not name its commit); #29152's
ubatch 1-4 is unusual and its size is #27952's print of the same model string; #15544 prints #15546's table again and
is cited once. Left out by the lead before any score: PR #8416's eight rows (master 6b2a849d of 2024-07, older than the
2025-2026 builds every file since the sixth holds). The lead registered the file and scored it once, blind, under the
rule written before the score (methodology section 5: the shipped model, no candidate); it is fitted since issue 11's
seventeenth
round (scripts/public_common.py FITTED_HELDOUT).
"""

from __future__ import annotations

from collections import Counter

from tests.core.heldout_files import (
    assert_gathered,
    assert_new_origins,
    assert_scored,
    families_of,
    moe_rows,
    profiles_of,
    scored,
)

TWENTY_SECOND = "llamabench-heldout-22.csv"
PR = "https://github.com/ggml-org/llama.cpp/pull/"

# Rows per (GPU string, backend) as gathered (methodology section 5 lists them with their sources): a later edit that
# drops or adds rows changes these on purpose, not by accident.
ROWS = {
    # PRs #19309 (4), #15546 (3), #14555 (4) and #17675 (3)
    ("NVIDIA GeForce RTX 5090", "Vulkan"): 14,
    # PR #24362: three models at depths 0, 4096, 8192 (GLM-4.7-Flash at depth 0 only)
    ("AMD Radeon Pro VII", "Vulkan"): 7,
    # PR #29152: pp256 at depths 0 and 32768, ubatch 1, 2 and 4
    ("NVIDIA GeForce RTX 3090", "CUDA"): 6,
    # PR #18280 (6) and nix-amd-ai PR #129 (2): two strings of the Strix Halo iGPU
    ("AMD Radeon 8060S", "Vulkan"): 6,
    ("AMD Ryzen AI Max+ 395 iGPU (Radeon 8060S)", "Vulkan"): 2,
    # PR #27952 (3) and PR #25483 (2)
    ("AMD Radeon RX 7900 XTX", "Vulkan"): 3,
    ("AMD Radeon RX 7900 XT", "Vulkan"): 2,
}


def test_the_twenty_second_held_out_file_is_new_sourced_mapped_recent_and_spread():
    rows, rows_before = assert_gathered(TWENTY_SECOND, ROWS, unprinted_ngl=frozenset({PR + "29152"}))
    numbers = ("19309", "15546", "14555", "17675", "29152", "24362", "18280", "27952", "25483")
    assert_new_origins(
        rows,
        rows_before,
        {f"ggml-org/llama.cpp/pull/{n}" for n in numbers} | {"noamsto/nix-amd-ai/pull/129"},
    )
    # no 2024 build: PR #8416's master of 2024-07 was left out before any score
    assert not [r for r in rows if "2024" in r["engine_version"] or r["source"].startswith(PR + "8416")]
    assert all(("2025" in r["engine_version"]) ^ ("2026" in r["engine_version"]) for r in rows)
    assert Counter("2026" in r["engine_version"] for r in rows) == {True: 24, False: 16}

    # single pp or tg tests; prefill three quarters of the file (the gatherer took the tables as printed)
    assert Counter(r["test"][:2] for r in rows) == {"pp": 30, "tg": 10}
    assert not [r for r in rows if "+" in r["test"]]
    assert profiles_of(rows) == {
        "rtx5090": 14,
        "strix-halo": 8,
        "radeon-vii": 7,
        "rtx3090": 6,
        "rx7900xtx": 3,
        "rx7900xt": 2,
    }
    assert families_of(rows) == {
        "gemma4-26b-a4b": 9,
        "glm47-flash": 5,
        "deepseek-v2-lite": 5,
        "llama3-8b": 9,
        "gemma3-12b": 3,
        "qwen3-30b-a3b": 2,
        "qwen35moe-35b-a3b": 2,
        "qwen35-4b": 2,
        "gpt-oss-20b": 1,
        "llama32-1b": 1,
        "qwen2-7b": 1,
    }
    assert len(moe_rows(rows)) == 24  # GLM-4.7-Flash, DeepSeek-V2-Lite, Gemma 4 26B-A4B, Qwen3/3.6 MoE, gpt-oss

    # one card, every layer on it (ngl 99, or -1 = llama-bench's "all", or unprinted on PR #29152: the default 99);
    # ubatch 1, 2, 4 on the RTX 3090, 1024 on the RX 7900 XTX, the default elsewhere
    assert {r["gpus"] for r in rows} == {"1"}
    assert {(r["gpu"], r["ngl"], r["fa"], r["ubatch"]) for r in rows} == {
        ("NVIDIA GeForce RTX 5090", "99", "1", ""),
        ("AMD Radeon Pro VII", "-1", "1", ""),
        ("NVIDIA GeForce RTX 3090", "", "", "1"),
        ("NVIDIA GeForce RTX 3090", "", "", "2"),
        ("NVIDIA GeForce RTX 3090", "", "", "4"),
        ("AMD Radeon 8060S", "99", "1", ""),
        ("AMD Ryzen AI Max+ 395 iGPU (Radeon 8060S)", "99", "", ""),
        ("AMD Radeon RX 7900 XTX", "-1", "1", "1024"),
        ("AMD Radeon RX 7900 XT", "-1", "0", ""),
    }
    assert Counter(int(r["depth"] or 0) > 0 for r in rows) == {False: 23, True: 17}


def test_the_shipped_model_scores_every_row_of_the_twenty_second_file():
    # scripts/heldout_benchmarks.py on this file, scored once after it was gathered (by someone who computed no
    # prediction for it) by the shipped model (068e286's factors): decode 19.0%, prefill 33.8% median |error|, band
    # coverage 82.5% (10 + 30 figures), one GPU x kind cell off by 2x (the RX 7900 XT's Vulkan prefill, x0.47). The
    # limits leave a refit room (about 1.5x those medians, the coverage 0.1 under it); they fail if the file stops
    # being scored or the model drifts further off on it.
    res = scored(TWENTY_SECOND)
    assert_scored(
        res,
        {"decode": (0.29, 10), "prefill": (0.51, 30)},
        coverage=0.72,
        backends=frozenset({"cuda", "vulkan"}),
    )
