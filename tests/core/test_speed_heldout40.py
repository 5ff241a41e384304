"""The fortieth held-out speed file, scripts/data/llamabench-heldout-40.csv (docs/methodology.md section 5).

32 published llama-bench figures (16 prefill, 16 decode), gathered by a helper who computed no prediction for them and
checked every figure by value against every earlier file, asked first for Pascal cards (the twenty-sixth round changed
their quantized GEMMs' peak and the thirty-ninth file had none):

- ghost91-/llama-bench at b4632ea (fit-bench-results.csv, runs of 2026-05-16/17, no build printed): an RTX 4070 Laptop
  GPU under CUDA, Qwen3.5-9B and -4B, Gemma-4-E4B and Ministral-3-8B, pp4096 and tg128;
- DHUer/gguf-perf at d1b707c and d833b22 (results/measurements_rtx5080.csv and measurements_mac-studio-m4-max.csv,
  build b10794 by the binary's folder): an RTX 5080 under CUDA (Qwen3.5-9B Q4_K_M and Q8_0, gpt-oss-20b MXFP4,
  Qwen3.5-4B) and an M4 Max under Metal (gpt-oss-120b, Qwen3.6-35B-A3B, Qwen3.5-9B, Qwen3.8-27B Q8_0), pp512 and tg128;
- kennel-org/llama-bench-tuner at ece1a39 (reports/pipeline_x1ai_p40_gpu1_swift15_2026-10-02/capacity.csv, build
  b11146, 2026-10-01): a Tesla P40 under CUDA behind a USB4 dock, a Qwen3.8-27B-shaped IQ4_XS fine-tune, pp512 and
  tg64 at depths 0 to 65536, f16 KV, one repetition each.

Kept as gathered. Added with it: the RTX 4070 Laptop's profile (scripts/data/gpu-specs-extra.csv, its 115 W spec
point) and six model strings, all of shapes the catalog has (`fit_efficiency.py --check`: the fit's inputs are
unchanged). Registered, then scored once by the model shipped (issue 11's twenty-sixth round's P) and, for the record,
by the twenty-fourth round's B; fit_efficiency.py never reads it.
"""

from __future__ import annotations

from tests.core.heldout_files import assert_composition, assert_gathered, assert_scored, scored

FORTIETH = "llamabench-heldout-40.csv"

# Rows per (GPU string, backend) as kept (methodology section 5 lists them with their sources): a later edit that drops
# or adds rows changes these on purpose, not by accident.
ROWS = {
    ("NVIDIA GeForce RTX 4070 Laptop GPU", "CUDA"): 8,  # ghost91-/llama-bench
    ("NVIDIA GeForce RTX 5080", "CUDA"): 8,  # DHUer/gguf-perf
    ("Apple M4 Max", "Metal"): 8,  # DHUer/gguf-perf
    ("NVIDIA Tesla P40", "CUDA"): 8,  # kennel-org/llama-bench-tuner
}


def test_the_fortieth_held_out_file_is_new_sourced_mapped_recent_and_pinned():
    rows, _ = assert_gathered(FORTIETH, ROWS)
    assert_composition(
        rows,
        tests={"pp": 16, "tg": 16},
        profiles={"rtx4070-laptop": 8, "rtx5080": 8, "apple-m4-max": 8, "p40": 8},
        moe=6,  # gpt-oss-20b and -120b, Qwen3.6-35B-A3B: two rows each
    )


def test_the_shipped_model_scores_every_row_of_the_fortieth_file():
    # scripts/heldout_benchmarks.py on this file, scored once after it was registered, by the model shipped (issue 11's
    # twenty-sixth round's P): decode 14.0%, prefill 18.8% median |error|, band coverage 96.9% (31 of 32; outside: the
    # RTX 4070 Laptop's Qwen3.5-9B Q4_K_M pp4096), no GPU x kind cell at 2x; the P40's four prefill figures within
    # -12.3% to +15.8% (B, the twenty-fourth round's model: -27.7% to -43.5%; the file: B 13.6% / 30.2% / 96.9%). The
    # limits leave a refit room (about 1.5x those medians, the coverage 0.1 under it).
    res = scored(FORTIETH)
    assert_scored(
        res,
        {"decode": (0.21, 16), "prefill": (0.28, 16)},
        coverage=0.86,
        backends=frozenset({"cuda", "metal"}),
    )
    p40 = [x for x in res if x["row"].group == "p40" and x["kind"] == "prefill"]
    assert len(p40) == 4 and all(abs(x["pred"] / x["measured"] - 1) < 0.2 for x in p40)
