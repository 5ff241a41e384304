"""The thirty-fifth held-out speed file, scripts/data/llamabench-heldout-35.csv (docs/methodology.md section 5).

18 published llama-bench figures (9 prefill, 9 decode), gathered by a helper who computed no prediction for them and
checked every figure by value against every earlier file:

- anthony-chaudhary/fak at cb06362: GCP result.json files of 2026-06 (Qwen2.5-3B Q8_0 on an L4 and an H100 80GB, CUDA)
  and docs/benchmarks/M3-LLAMACPP-RESULTS.md (Qwen2.5-1.5B Q8_0 on an Apple M3 Pro, Metal, build 8200);
- crash1013/localmind docs/Benchmark.md at 3992701: Qwen3.6-35B-A3B Q4_K_M on an Arc Pro B70, SYCL, build 10700;
- Draek2077/otto-code's 2026-08-04 finding at 3ae3cbf: a Qwen3.5/3.6-27B-shaped Q4_K_M on an RTX 5090 Laptop GPU, CUDA
  and Vulkan, b10236;
- Juandeleon-utec/LocalAI-Lab's LAILAB-B001 at de6c4e9: Qwen3-8B Q4_K_M on an RX 9060 XT, ROCm, build 10752;
- thebloodlust/VRAMancer's vulkan_pair_20260922_2313.md at 2376a79 ("3090 seule"): Qwen3.6-35B-A3B Q4_K_M on an RTX
  3090, Vulkan, build 11112.

As gathered it had 24 figures; the lead took out six before any score: the four of llama.cpp's own
tools/llama-bench/README.md (an example output of the tool's documentation, two repeats of one run, from a repository
whose files an earlier file cites) and the two of Rtertgr2/Fine_tuning_LLM's
tests/compress/test_compression_benchmark.py (a unit test's sample input, not a published measurement), with the one
model string and the one shape only they used.
Added with it: an `rtx5090-laptop` profile (confidence D, a third-party spec page) and its GPU string, two shapes
(qwen2-3b, qwen2-1.5b from the Qwen2.5 configs) and three model strings. Registered, then scored once by the model
shipped (issue 11's twenty-third round's refit), with no candidate; fit_efficiency.py never reads it.
"""

from __future__ import annotations

from tests.core.heldout_files import assert_composition, assert_gathered, assert_scored, read, scored

THIRTY_FIFTH = "llamabench-heldout-35.csv"
FAK = "https://github.com/anthony-chaudhary/fak/blob/cb063625a65232e6b2c92395a7e746f0f81d0bd9/"

# Rows per (GPU string, backend) as kept (methodology section 5 lists them with their sources): a later edit that drops
# or adds rows changes these on purpose, not by accident.
ROWS = {
    ("NVIDIA L4", "CUDA"): 4,  # fak
    ("NVIDIA H100 80GB HBM3", "CUDA"): 2,  # fak
    ("Apple M3 Pro", "Metal"): 2,  # fak
    ("Intel Arc Pro B70", "SYCL"): 2,  # localmind
    ("NVIDIA GeForce RTX 5090 Laptop GPU", "CUDA"): 2,  # otto-code
    ("NVIDIA GeForce RTX 5090 Laptop GPU", "Vulkan"): 2,  # otto-code
    ("AMD Radeon RX 9060 XT", "ROCm"): 2,  # LocalAI-Lab
    ("NVIDIA GeForce RTX 3090", "Vulkan"): 2,  # VRAMancer
}


def test_the_thirty_fifth_held_out_file_is_new_sourced_mapped_recent_and_pinned():
    rows, _ = assert_gathered(
        THIRTY_FIFTH,
        ROWS,
        label_models=frozenset({"qwen35moe 35B.A3B Q4_K - Medium"}),
    )
    assert_composition(
        rows,
        tests={"pp": 9, "tg": 9},
        profiles={
            "l4": 4,
            "h100-sxm": 2,
            "apple-m3-pro": 2,
            "arc-pro-b70": 2,
            "rtx5090-laptop": 4,
            "rx9060xt": 2,
            "rtx3090": 2,
        },
        moe=4,
    )
    assert sum(FAK in r["source"] for r in rows) == 8
    # the six figures taken out before the score stay out
    taken_out = ("tools/llama-bench/README.md", "Rtertgr2/Fine_tuning_LLM")
    assert not [r for r in read(THIRTY_FIFTH) if any(t in r["source"] for t in taken_out)]


def test_the_shipped_model_scores_every_row_of_the_thirty_fifth_file():
    # scripts/heldout_benchmarks.py on this file, scored once after it was registered, by the model shipped (issue 11's
    # twenty-third round's refit, files 1-31 fitted): decode 16.2%, prefill 14.1% median |error|, band coverage 94.4%
    # (17 of 18; the one outside is the Arc Pro B70's SYCL tg128 of Qwen3.6-35B-A3B, 67 predicted against 101), no GPU x
    # kind cell at 2x. The limits leave a refit room (about 1.5x those medians, the coverage 0.1 under it); they fail if
    # the file stops being scored or the model drifts further off on it.
    res = scored(THIRTY_FIFTH)
    assert_scored(
        res,
        {"decode": (0.25, 9), "prefill": (0.22, 9)},
        coverage=0.84,
        backends=frozenset({"cuda", "metal", "sycl", "vulkan", "rocm"}),
    )
