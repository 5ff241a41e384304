"""The ninth held-out speed file, scripts/data/llamabench-heldout-9.csv (docs/methodology.md section 5).

20 published llama-bench figures (10 prefill, 10 decode) from llama.cpp builds of 2025 and 2026 that neither the
fitted file nor the eight other held-out files hold, each row with its URL: Intel Arc Pro B70 (Vulkan, at depth 8192
and 65536), Arc Pro B60 (SYCL), Arc A770 and the Radeon 780M iGPU (Vulkan), an RTX 4080 SUPER (CUDA) and
Strix Halo (ROCm, gpt-oss-120b at depth 4096 and 8192). It was gathered, mapped and checked before any prediction for
its rows was computed; it is not registered in scripts/heldout_benchmarks.py and scripts/fit_efficiency.py never
reads it. It falls well short of the brief it was gathered for (about 100 rows; 12 GPUs, none over 15%; no backend
over 40%; MI50/MI60 and Apple rows): the spread test below states the spread it has, not the one asked for.
These tests guard that it stays new, sourced, mapped, recent and as spread as gathered.
"""

from __future__ import annotations

from collections import Counter

from tests.core.heldout_files import (
    assert_new_sourced_mapped,
    assert_pinned,
    assert_recent_and_new_under_any_name,
    earlier,
    origin,
    read,
)

NINTH = "llamabench-heldout-9.csv"

# Rows per (GPU string, backend) as gathered (methodology section 5 lists them with their sources): a later
# edit that drops or adds rows changes these on purpose, not by accident.
ROWS = {
    # llama.cpp PR #24408, SleepinDevil's comment: Qwen3.6-27B Q6_K at depth 0 / 8192 / 65536 (build 9595 + PRs)
    ("Intel Arc Pro B70", "Vulkan"): 6,
    # llama.cpp issue #22413, arthw's comment: Qwen3.6-35B-A3B Q4_K_M (build 9159)
    ("Intel(R) Arc(TM) Pro B60 Graphics", "SYCL"): 2,
    # brand-o/normiebench issues #49, #10, #12: Llama 3.1 8B Q4_K_M pp512 and tg128 (March 2026)
    ("NVIDIA GeForce RTX 4080 SUPER", "CUDA"): 2,
    ("AMD Radeon 780M Graphics", "Vulkan"): 2,
    ("Intel(R) Arc(TM) A770 Graphics", "Vulkan"): 2,
    # lhl/strix-halo-testing issue #33 (4) and llama.cpp PR #18442 (2): gpt-oss-120b at depth 4096 / 8192
    ("AMD Radeon 8060S", "ROCm"): 6,
}
MOE_SHARE = 0.4  # gpt-oss-120b and Qwen3.6-35B-A3B rows (8 of 20); the rest dense


def test_the_ninth_held_out_file_is_new_sourced_mapped_recent_and_spread():
    ninth = read(NINTH)
    assert Counter((r["gpu"], r["backend"]) for r in ninth) == ROWS
    rows_before = earlier(NINTH)
    assert {r["source"] for r in read("llamabench-heldout-8.csv")} <= {r["source"] for r in rows_before}
    assert_new_sourced_mapped(ninth, rows_before, "llama.cpp ")
    assert_recent_and_new_under_any_name(ninth, rows_before, dated=("2025", "2026"))
    assert_pinned(ninth, threads="pull|issues|discussions")

    # assert_spread's rules with the spread this file has (the brief asked for 12 GPUs, none over 15%, no backend
    # over 40% and at most 25% MoE rows: see the module docstring): single pp or tg tests, each kind at least 40% of
    # the file; 6 GPU profiles, none over 30% of the rows; 4 backends, none over 55%; at least 7 origins; some and at
    # most 40% MoE rows.
    kinds = Counter(r["test"][:2] for r in ninth)
    assert set(kinds) == {"pp", "tg"} and not any("+" in r["test"] for r in ninth)
    assert min(kinds.values()) >= 0.4 * len(ninth), kinds
    profile = {g["gpu"]: g["profile"] for g in read("llamabench-gpus.csv")}
    per_profile = Counter(profile[r["gpu"]] for r in ninth)
    assert len(per_profile) >= 6, per_profile
    assert max(per_profile.values()) <= 0.3 * len(ninth), per_profile
    backends = Counter(r["backend"] for r in ninth)
    assert set(backends) == {"CUDA", "ROCm", "Vulkan", "SYCL"}, backends
    assert max(backends.values()) <= 0.55 * len(ninth), backends
    assert len({origin(r["source"]) for r in ninth}) >= 7
    shapes = {s["family"]: s for s in read("model-shapes.csv")}
    family = {m["model"]: m["family"] for m in read("llamabench-models.csv")}
    moe = [r for r in ninth if int(shapes[family[r["model"]]]["experts"] or 0) > 1]
    assert 0 < len(moe) <= MOE_SHARE * len(ninth), len(moe)
    # rows at depth 4096 and deeper on backends other than CUDA
    assert sum(int(r["depth"]) >= 4096 and r["backend"] != "CUDA" for r in ninth) >= 10
