"""The thirty-third held-out speed file, scripts/data/llamabench-heldout-33.csv (docs/methodology.md section 5).

25 published llama-bench figures (13 prefill, 12 decode), gathered for issue 11's twenty-second round by a helper who
computed no prediction for them and checked every figure by value against every earlier file:

- danielesalpietro/kickstart-berlin issue #58 (2026-08-31): Qwen2.5-7B Q4_K_M on an RTX 3090 and an RTX 5060 Ti, CUDA;
- llama.cpp PR #14001 (rillomas, 2025-06-04, the b5583 master column, Windows): Gemma 2 2B Q4_K_M on an Arc B580, A770
  and 140V, Vulkan;
- llama.cpp PR #25380 (rillomas, 2026-07-08, the master table): gpt-oss 20B pp8192 on an Arc Pro B50, Vulkan;
- llama.cpp PR #28426 (2026-09-05, the reference column): a Qwen3.5-architecture 27B Q3_K_XL tg512 on an RX 9070 XT;
- brittlewis12/qwen-llm docs/bench/2026-05-17-family-baseline at 05db449: an Apple M4 Max under Metal, build 9187;
- maeddesg/ROCmForge results/phase3_vulkan_vs_rocm_benchmark.md at 5045dad: Qwen3-8B Q4_K_M on an RX 9070 XT, ROCm
  and Vulkan.

As gathered it had 33 figures: the lead took out the eight of eliasjustus/justsearch's tempdoc 903 before any score
(the page states that a game client and browsers used the GPU during the runs). Registered, then scored once by the
seventeenth round's model and by the twenty-second round's candidate, which it kept; fit_efficiency.py never reads it.
"""

from __future__ import annotations

from tests.core.heldout_files import assert_composition, assert_gathered, assert_scored, read, scored

THIRTY_THIRD = "llamabench-heldout-33.csv"
KICKSTART = "https://github.com/danielesalpietro/kickstart-berlin/issues/58"
ROCMFORGE = (
    "https://github.com/maeddesg/ROCmForge/blob/5045dad1d6db9f808f688414123c91066acdecd2/results/"
    "phase3_vulkan_vs_rocm_benchmark.md"
)
PR14001 = "https://github.com/ggml-org/llama.cpp/pull/14001"
PR28426 = "https://github.com/ggml-org/llama.cpp/pull/28426"
QWEN_LLM = "https://github.com/brittlewis12/qwen-llm/blob/05db449906397286bcb13d2cff0b0de636fc9c09/"

# Rows per (GPU string, backend) as kept (methodology section 5 lists them with their sources): a later edit that drops
# or adds rows changes these on purpose, not by accident.
ROWS = {
    ("NVIDIA GeForce RTX 3090", "CUDA"): 2,  # kickstart-berlin #58
    ("NVIDIA GeForce RTX 5060 Ti", "CUDA"): 2,  # kickstart-berlin #58
    ("Intel Arc B580", "Vulkan"): 2,  # PR #14001
    ("Intel Arc A770", "Vulkan"): 2,  # PR #14001
    ("Intel Arc 140V", "Vulkan"): 2,  # PR #14001
    ("Intel Arc Pro B50", "Vulkan"): 2,  # PR #25380
    ("AMD Radeon RX 9070 XT", "Vulkan"): 3,  # PR #28426, ROCmForge
    ("AMD Radeon RX 9070 XT", "ROCm"): 2,  # ROCmForge
    ("Apple M4 Max", "Metal"): 8,  # qwen-llm
}


def test_the_thirty_third_held_out_file_is_new_sourced_mapped_recent_and_pinned():
    rows = read(THIRTY_THIRD)
    qwen_llm = {r["source"].split(" ")[0] for r in rows if QWEN_LLM in r["source"]}
    # the pages that print no ngl (llama-bench's default, 99), as the rows' notes say
    rows, _ = assert_gathered(
        THIRTY_THIRD,
        ROWS,
        unprinted_ngl=frozenset({KICKSTART, PR14001, PR28426, ROCMFORGE} | qwen_llm),
        label_models=frozenset(
            {
                "gpt-oss 20B Q4_K - Medium",
                "qwen35 9B Q4_K - Medium",
                "qwen35 27B Q4_K - Medium",
                "qwen35moe 35B.A3B Q4_K - Medium",
                "qwen35moe 122B.A10B Q4_K - Medium",
                "Qwen3-8B Q4_K_M",
            }
        ),
    )
    pages = {r["source"].split(" ")[0] for r in rows}
    pr25380 = "https://github.com/ggml-org/llama.cpp/pull/25380"
    assert pages - qwen_llm == {KICKSTART, PR14001, pr25380, PR28426, ROCMFORGE}
    assert_composition(
        rows,
        tests={"pp": 13, "tg": 12},
        profiles={
            "rtx3090": 2,
            "rtx5060ti": 2,
            "arc-b580": 2,
            "arc-a770": 2,
            "intel-arc-140v": 2,
            "arc-pro-b50": 2,
            "rx9070xt": 5,
            "apple-m4-max": 8,
        },
        moe=6,
    )
    # the eight figures of justsearch's tempdoc 903 taken out before the score stay out
    assert not [r for r in read(THIRTY_THIRD) if "justsearch" in r["source"]]


def test_the_shipped_model_scores_every_row_of_the_thirty_third_file():
    # scripts/heldout_benchmarks.py on this file, scored once after it was registered: the model it kept (the
    # twenty-second round's) decode 17.5%, prefill 42.0% median |error|, band coverage 76.0% (19 of 25), two GPU x kind
    # cells at 2x (the Arc B580's and 140V's prefill of Gemma 2 2B on b5583, x3.68 and x3.52); the seventeenth round's
    # model read 17.5% / 42.5% / 76.0% with three. The limits leave a refit room (about 1.5x those medians, the
    # coverage 0.1 under it); they fail if the file stops being scored or the model drifts further off on it.
    res = scored(THIRTY_THIRD)
    assert_scored(
        res,
        {"decode": (0.27, 12), "prefill": (0.63, 13)},
        coverage=0.66,
        backends=frozenset({"cuda", "vulkan", "rocm", "metal"}),
    )
