"""The forty-first held-out speed file, scripts/data/llamabench-heldout-41.csv (docs/methodology.md section 5).

33 published llama-bench figures (19 prefill, 14 decode), gathered by a helper who computed no prediction for them and
checked every figure by value against every earlier file, asked first for AMD GPUs under ROCm and Vulkan:

- llama.cpp PR #26419 (justinappler, 2026-08-29, the master column at c841aeeb8): Qwen3.6-35B-A3B UD-Q4_K_XL on a
  Radeon 8060S under ROCm 7.14, pp at depths 0 to 16384;
- cjpais/LocalScore issue #9 (lhl, 2025-04-07, release b5062): Llama 3.1 8B Q4_K_M pp1024 on an RX 7900 XTX under ROCm;
- llama.cpp PR #17711 (jeffbolznv, 2025-12-03, the "before" table): Qwen3-30B-A3B Q2_K tg128 on an RTX 5090 under
  Vulkan;
- llama.cpp issue #19984 (frankyriventek, 2026-02-28, a self-built b8180 on ROCm 7.2): Qwen3-Coder-Next Q8_0 on a
  Radeon 8060S at depth 32768;
- daimonionnn/AMD-RDNA-LLM-Tuning-Toolkit at 0daf768 (build 073bb2c): Qwen3.6-27B and gemma-4-31B Q4_K_M on a Radeon
  AI PRO R9700 under Vulkan and ROCm 7.2.3;
- ROCm/ROCm issue #4868: Meta-Llama-3-8B Q4_K_M on an RX 7900 XTX (an AMD engineer's ROCm 6.4.1 run at build 5616, the
  reporter's AMDVLK Vulkan run at build 5558);
- h34v3nzc0dex/strix-halo-llm-finetune-guide at 07d01b0 (build b9296): Qwen3.6-35B-A3B UD-Q4_K_M and BF16 on a Radeon
  8060S under Vulkan and ROCm;
- berney/genai-mei at 86aca07 (build 7751, Vulkan RADV): Qwen3-Coder-30B-A3B and GLM-4.7-Flash Q8_0 on a Radeon 8060S.

As gathered it held 34 figures; before any score the LocalScore issue's tg1024, printed as "~91.8" (an approximation,
not a figure as printed by llama-bench), was taken out. Added with it: three model strings of shapes the catalog has
(`fit_efficiency.py --check`: the fit's inputs are unchanged). Registered, then scored once by the model shipped (issue
11's twenty-sixth round's P); fit_efficiency.py never reads it.
"""

from __future__ import annotations

from tests.core.heldout_files import assert_composition, assert_gathered, assert_scored, scored

FORTY_FIRST = "llamabench-heldout-41.csv"

# Rows per (GPU string, backend) as kept (methodology section 5 lists them with their sources): a later edit that drops
# or adds rows changes these on purpose, not by accident.
ROWS = {
    ("AMD Radeon 8060S Graphics", "ROCm"): 6,  # PR #26419, issue #19984
    ("AMD Radeon 8060S Graphics", "Vulkan"): 6,  # strix-halo-llm-finetune-guide
    ("Radeon 8060S Graphics", "Vulkan"): 5,  # genai-mei
    ("Radeon 8060S Graphics", "ROCm"): 2,  # strix-halo-llm-finetune-guide (BF16)
    ("AMD Radeon AI PRO R9700", "Vulkan"): 4,  # AMD-RDNA-LLM-Tuning-Toolkit
    ("AMD Radeon AI PRO R9700", "ROCm"): 4,  # AMD-RDNA-LLM-Tuning-Toolkit
    ("AMD Radeon RX 7900 XTX", "ROCm"): 3,  # LocalScore #9, ROCm #4868
    ("AMD Radeon RX 7900 XTX", "Vulkan"): 2,  # ROCm #4868
    ("NVIDIA GeForce RTX 5090", "Vulkan"): 1,  # PR #17711
}


def test_the_forty_first_held_out_file_is_new_sourced_mapped_recent_and_pinned():
    rows, _ = assert_gathered(
        FORTY_FIRST,
        ROWS,
        # llama-bench's own labels of mapped models
        label_models=frozenset(
            {
                "gemma4 31B Q4_K - Medium",
                "llama 8B Q4_K - Medium",
                "qwen35moe 35B.A3B BF16",
                "qwen35moe 35B.A3B Q4_K - Medium",
                "qwen36 27B Q4_K - Medium",
                "qwen3moe 30B.A3B Q2_K - Medium",
                "qwen3moe 30B.A3B Q8_0",
                "qwen3next 80B.A3B Q8_0",
            }
        ),
    )
    assert_composition(
        rows,
        tests={"pp": 19, "tg": 14},
        profiles={"strix-halo": 19, "ai-pro-r9700": 8, "rx7900xtx": 5, "rtx5090": 1},
        moe=20,  # Qwen3.6-35B-A3B, Qwen3-30B-A3B, Qwen3-Coder-Next, GLM-4.7-Flash
    )
    assert not [r for r in rows if r["tps"].startswith("~")]


def test_the_shipped_model_scores_every_row_of_the_forty_first_file():
    # scripts/heldout_benchmarks.py on this file, scored once after it was registered, by the model shipped (issue 11's
    # twenty-sixth round's P): decode 12.0%, prefill 16.0% median |error|, band coverage 84.8% (28 of 33; outside: the
    # Radeon 8060S's Qwen3.6-35B-A3B BF16 pp512 under ROCm and Vulkan and its Vulkan BF16 tg128, predicted 2.1-2.9x
    # fast; the RTX 5090's Vulkan tg128 of Qwen3-30B-A3B Q2_K, x0.56; genai-mei's 8060S Vulkan tg128 of
    # Qwen3-Coder-30B-A3B Q8_0, x0.64), no GPU x kind cell at 2x. The limits leave a refit room (about 1.5x those
    # medians, the coverage 0.1 under it).
    res = scored(FORTY_FIRST)
    assert_scored(
        res,
        {"decode": (0.18, 14), "prefill": (0.24, 19)},
        coverage=0.74,
        backends=frozenset({"rocm", "vulkan"}),
    )
