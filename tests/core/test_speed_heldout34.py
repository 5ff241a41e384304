"""The thirty-fourth held-out speed file, scripts/data/llamabench-heldout-34.csv (docs/methodology.md section 5).

25 published llama-bench figures (19 prefill, 6 decode), gathered for issue 11's twenty-third round by two helpers who
computed no prediction for them and checked every figure by value against every earlier file:

- llama.cpp PR #24546 (IMbackK's review comment of 2026-09-02, the 't/s master' column): Gemma 4 26B-A4B Q6_K and
  gpt-oss 20B pp2048 at microbatch 64, 512 and 1024 on an RX 7900 XTX, ROCm;
- defai-digital/ax-engine's 2026-05-18 mlx-lm / llama.cpp sweep logs at 5b1f0b8 (llama.cpp b9200 under Metal on an
  Apple M5 Max: Qwen3.6 27B, Qwen3.6 35B-A3B, Gemma 4 26B-A4B and 31B in Q4_K_M, pp512 and tg128);
- llama.cpp issue #13565 (lhl, 2025-05-15, b5392): llama 7B Q4_0 on Strix Halo's iGPU under Vulkan, pp512 and tg128;
- llama.cpp PR #25494 (rillomas's comment of 2026-08-12, the 'Before' column, master): pp512 at depths 4096-16384 on an
  Arc Pro B70, Vulkan, q8_0 KV cache;
- llama.cpp issue #28843 (tczank's comment of 2026-09-21, b11065): a Qwen3.8-27B IQ3_XXS on an RX 7900 XTX, Vulkan.

As gathered it had 27 figures: the first helper left out the issue's HIP pp512 figure (the slow result the issue
reports), and the lead took out its HIP tg128 figure before any score, under the rule the gathering briefs state (a
table of a build under the bug its thread reports is out: the issue is "HIP backend performs poorly" on that build).
Registered, then scored once by the shipped model (the twenty-second round's) and by the twenty-third round's refit,
which it kept (with files 32 and 33); fit_efficiency.py never reads it.
"""

from __future__ import annotations

from tests.core.heldout_files import assert_composition, assert_gathered, assert_scored, read, scored

THIRTY_FOURTH = "llamabench-heldout-34.csv"
PR24546 = "https://github.com/ggml-org/llama.cpp/pull/24546"
PR25494 = "https://github.com/ggml-org/llama.cpp/pull/25494"
ISSUE13565 = "https://github.com/ggml-org/llama.cpp/issues/13565"
ISSUE28843 = "https://github.com/ggml-org/llama.cpp/issues/28843"
AX_ENGINE = (
    "https://github.com/defai-digital/ax-engine/blob/5b1f0b861a5e44318afe8179f9c8b3e9e652194a/benchmarks/results/"
    "mlx-inference/2026-05-18-mlx-lm-llamacpp-sweep/logs/"
)

# Rows per (GPU string, backend) as kept (methodology section 5 lists them with their sources): a later edit that drops
# or adds rows changes these on purpose, not by accident.
ROWS = {
    ("AMD Radeon RX 7900 XTX", "ROCm"): 5,  # PR #24546
    ("Apple M5 Max", "Metal"): 8,  # ax-engine
    ("AMD Radeon Graphics, gfx1151", "Vulkan"): 2,  # issue #13565
    ("Intel Arc Pro B70", "Vulkan"): 8,  # PR #25494
    ("AMD Radeon RX 7900 XTX", "Vulkan"): 2,  # issue #28843
}


def test_the_thirty_fourth_held_out_file_is_new_sourced_mapped_recent_and_pinned():
    rows, _ = assert_gathered(
        THIRTY_FOURTH,
        ROWS,
        # the pages that print no ngl (llama-bench's default, 99), as the rows' notes say
        unprinted_ngl=frozenset({PR24546, PR25494, ISSUE13565}),
        label_models=frozenset(
            {
                "gemma4 26B.A4B Q6_K",
                "gpt-oss 20B MXFP4 MoE",
                "qwen35 27B Q4_K - Medium",
                "qwen35moe 35B.A3B Q4_K - Medium",
                "gemma4 26B.A4B Q4_K - Medium",
                "gemma4 31B Q4_K - Medium",
                "llama 7B Q4_0",
                "llama 8B Q4_0",
                "gemma3 12B Q4_0",
            }
        ),
    )
    pages = {r["source"].split(" ")[0] for r in rows}
    ax = {p for p in pages if p.startswith(AX_ENGINE)}
    assert len(ax) == 4 and pages - ax == {PR24546, PR25494, ISSUE13565, ISSUE28843}
    assert_composition(
        rows,
        tests={"pp": 19, "tg": 6},
        profiles={"rx7900xtx": 7, "apple-m5-max": 8, "strix-halo": 2, "arc-pro-b70": 8},
        moe=11,
    )
    # the issue's HIP figures (the slow backend it reports) stay out
    assert not [r for r in read(THIRTY_FOURTH) if ISSUE13565 in r["source"] and r["backend"] == "ROCm"]


def test_the_shipped_model_scores_every_row_of_the_thirty_fourth_file():
    # scripts/heldout_benchmarks.py on this file, scored once after it was registered: the model the twenty-third
    # round kept (files 1-31 fitted) decode 34.4%, prefill 55.2% median |error|, band coverage 52.0% (13 of 25), one GPU
    # x kind cell at 2x (the Apple M5 Max's Metal prefill, x0.37: measured about 3x faster); the twenty-second round's
    # model read 36.0% / 55.8% / 56.0% with the same cell (x0.33). The limits leave a refit room (about 1.5x those
    # medians, the coverage 0.1 under it); they fail if the file stops being scored or the model drifts further off.
    res = scored(THIRTY_FOURTH)
    assert_scored(
        res,
        {"decode": (0.52, 6), "prefill": (0.83, 19)},
        coverage=0.42,
        backends=frozenset({"rocm", "metal", "vulkan"}),
    )
