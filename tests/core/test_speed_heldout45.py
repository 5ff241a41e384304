"""The forty-fifth held-out speed file, scripts/data/llamabench-heldout-45.csv (docs/methodology.md section 5).

14 published llama-bench figures (6 prefill, 8 decode) of 2026 builds only (build 9000 or more: the twenty-eighth
round's rule), gathered by a helper who computed no prediction for them and checked every figure by value against every
earlier file:

- shmilee/local-llama at 3349e8d (docs/speed-report.md, '# T14p' / '## Vulkan vs SYCL'): a ThinkPad T14p's Meteor Lake
  iGPU ('Intel(R) Arc(tm) Graphics (MTL)') under Vulkan (build ebe8fba, 9496) and SYCL (build 'unknown (9934)', the
  repository's PKGBUILD-sycl built from the ggml-org release tarball), ngl 999, Qwen2-class 1.5B, Qwen3.5-4B and
  Gemma-4-26B-A4B in Q4_K_M, pp512 and tg128;
- llama.cpp issue #24005 (johnkarlhill's comment, turn 6): an Intel Arc Pro B70 under Vulkan (Windows builds 9458 /
  9466, the comment does not say which), ngl -1, Qwen3.6-35B-A3B UD-Q4_K_XL, tg128 and tg128 at depth 4096.

Kept as gathered, registered, then scored once by P and by the twenty-eighth round's E (kept, shipped). Added with it:
one model string (qwen2 1.5B Q4_K - Medium, the qwen2-1.5b shape the catalog has; `fit_efficiency.py --check`: the
fit's inputs are unchanged).
"""

from __future__ import annotations

from tests.core.heldout_files import GITHUB_AND_HUGGING_FACE, assert_composition, assert_gathered, assert_scored, scored

FORTY_FIFTH = "llamabench-heldout-45.csv"

# Rows per (GPU string, backend) as kept (methodology section 5 lists them with their sources): a later edit that drops
# or adds rows changes these on purpose, not by accident.
ROWS = {
    ("Intel Core Ultra 100 Series iGPU", "Vulkan"): 6,  # shmilee/local-llama speed-report, T14p, build 9496
    ("Intel Core Ultra 100 Series iGPU", "SYCL"): 6,  # shmilee/local-llama speed-report, T14p, build 9934
    ("Intel Arc Pro B70", "Vulkan"): 2,  # llama.cpp issue #24005
}


def test_the_forty_fifth_held_out_file_is_gathered_new_sourced_mapped_recent_and_pinned():
    rows, _ = assert_gathered(FORTY_FIFTH, ROWS, hosts=GITHUB_AND_HUGGING_FACE)
    assert_composition(
        rows,
        tests={"pp": 6, "tg": 8},
        profiles={"intel-arc-meteorlake": 12, "arc-pro-b70": 2},
        moe=6,  # Gemma-4-26B-A4B (4), Qwen3.6-35B-A3B (2)
        backends={"Vulkan": 8, "SYCL": 6},
    )
    assert not [r for r in rows if r["tps"].startswith("~")]
    # the twenty-eighth round's rule: 2026 builds only (build 9000 or more)
    import sys

    from tests.core.heldout_files import ROOT

    sys.path.insert(0, str(ROOT / "scripts"))
    from benchmarks_common import build_number

    assert all(build_number(r["engine_version"]) >= 9000 for r in rows)


def test_the_shipped_model_scores_every_row_of_the_forty_fifth_file():
    # scripts/heldout_benchmarks.py on this file, scored once after it was registered, by issue 11's twenty-eighth
    # round's E (shipped since; P read 8.8% / 52.8% / 64.3%): decode 9.6%, prefill 51.6% median |error|, band coverage
    # 64.3% (9 of 14), one GPU x kind cell at 2x: the Meteor Lake iGPU's prefill, x0.48 (its Vulkan pp512 of the 1.5B
    # 322 against 921 tok/s). The limits leave a refit room (about 1.5x those medians, the coverage 0.1 under it).
    res = scored(FORTY_FIFTH)
    assert_scored(
        res, {"decode": (0.15, 8), "prefill": (0.78, 6)}, coverage=0.54, backends=frozenset({"vulkan", "sycl"})
    )

