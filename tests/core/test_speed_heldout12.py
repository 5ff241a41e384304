"""The twelfth held-out speed file, scripts/data/llamabench-heldout-12.csv (docs/methodology.md section 5).

76 published llama-bench figures (37 prefill, 39 decode) from llama.cpp builds of 2026 that neither the fitted file nor
the eleven other held-out files hold, each row with its URL pinned to a commit or a pull-request thread: an RTX 5090
with CUDA (a Windows host running the official full-cuda docker image of b10066 on Qwen3.6-35B-A3B Q4_K_M, and an EPYC
host's llama-bench CSV on Qwen2.5-7B/14B/32B Instruct in Q4_K_M, Q5_K_M and Q8_0), an NVIDIA GB10 with CUDA (the same
CSV harness and models on a GX10 box), an RX 7900 XTX with ROCm and with Vulkan RADV (b11160, Qwen3.8-27B IQ3_S at depth
0, 4096 and 16384 with f16 and q8_0 KV cache, Q4_K_M with q8_0 KV cache) and an Apple M2 Ultra with Metal (the master
columns of llama.cpp PRs #26570 and #28439: Qwen3-0.6B Q8_0 decode at depth 0 to 32768, Qwen3-30B-A3B Q8_0 prefill and
decode at depth 0 to 16384). It was gathered, mapped and checked before any prediction for its rows was computed or
seen, then registered in scripts/heldout_benchmarks.py and scored once, blind, by the shipped model (unchanged since
068e286); it is fitted since issue 11's seventeenth round (scripts/public_common.py FITTED_HELDOUT).

It falls short of the brief it was gathered for (about 100 rows, at least 10 GPUs with none over 20% of the rows, at
least 4 backends and 5 sources) and meets the twelfth round's relaxed floor (at least 4 GPUs, 2 backends, 3 sources):
the index's whole files and issue threads that name their repository held few 2025-2026 llama-bench tables not already
in the earlier files (methodology section 5 lists what was left out and why). The spread test below states the spread
it has: single pp or tg tests, each kind at least 40% of the file; 4 GPU profiles (RX 7900 XTX 22 rows, 29%; RTX 5090
21; GB10 18; Apple M2 Ultra 15), none over 30% of the rows; 4 backends (CUDA 39, ROCm 16, Metal 15, Vulkan 6), none
over 55%; 5 sources; 14 mixture-of-experts rows (18%: Qwen3.6-35B-A3B, Qwen3-30B-A3B), the rest dense.
These tests guard that it stays new, sourced, mapped, recent and as spread as gathered, and that the shipped model
scores every row of it.
"""

from __future__ import annotations

from tests.core.heldout_files import (
    assert_gathered,
    assert_scored,
    assert_spread,
    read,
    repositories_cited_before,
    scored,
)

TWELFTH = "llamabench-heldout-12.csv"

# Rows per (GPU string, backend) as gathered (methodology section 5 lists them with their sources): a later
# edit that drops or adds rows changes these on purpose, not by accident.
ROWS = {
    # deepindeepsea/rtx5090-q36-bench results/llamabench_docker.log: Windows host, the official docker image
    # ghcr.io/ggml-org/llama.cpp:full-cuda at b10066, -ngl 99 -fa 1 -r 3, Qwen3.6-35B-A3B Q4_K_M pp2048 to pp16384 and
    # tg128 (5 rows; pp512 and pp1024 left out: their sd is 15% and 23% of the mean);
    # pendakwahteknologi/benchmark-rtx5090 results/benchmark_20260402_173652.log: llama-bench -o csv on an EPYC 7543
    # host, build 5803c8d, -ngl 99 -fa 1, Qwen2.5-7B / 14B (Q4_K_M, Q5_K_M, Q8_0) and 32B (Q4_K_M, Q5_K_M) pp512 / tg128
    # (16 rows; the 3B rows left out: no Qwen2.5-3B family, the 32B Q8_0 run failed to load)
    ("NVIDIA GeForce RTX 5090", "CUDA"): 21,
    # pendakwahteknologi/benchmark-rtx5090 results/benchmark_20260402_022035.log: the same harness on a GB10 box
    # (GX10, build 6de97b9), Qwen2.5-7B / 14B / 32B in Q4_K_M, Q5_K_M and Q8_0, pp512 / tg128 (18 rows)
    ("NVIDIA GB10", "CUDA"): 18,
    # victoralcazardev/rx7900xtx-local-llm results/20260924-*: b11160, -ngl 999 -fa 1 -r 3; Qwen3.8-27B IQ3_S pp512 /
    # tg128 at depth 0, 4096 and 16384 with f16 KV (ROCm 6, Vulkan 6) and q8_0 KV (ROCm 6); Qwen3.8-27B Q4_K_M with
    # q8_0 KV at depth 0 and 16384 (ROCm 4)
    ("AMD Radeon RX 7900 XTX", "ROCm"): 16,
    ("AMD Radeon RX 7900 XTX", "Vulkan"): 6,
    # llama.cpp PR #26570: the 't/s master' column on ggerganov's M2 Ultra, Qwen3-0.6B Q8_0 tg32 at depth 0 to 32768
    # (6 rows); PR #28439: the master column, Qwen3-30B-A3B Q8_0 pp2048 at depth 0 to 16384 and tg32 at depth 0 to 8192
    # (9 rows)
    ("Apple M2 Ultra", "Metal"): 15,
}
MOE_SHARE = 0.25  # Qwen3.6-35B-A3B (5 rows) and Qwen3-30B-A3B (9 rows), 18%; the rest dense


def test_the_twelfth_held_out_file_is_new_sourced_mapped_recent_and_spread():
    twelfth, rows_before = assert_gathered(TWELFTH, ROWS)
    # no repository an earlier file cites, in any form of its address, except the llama.cpp pull-request threads (each a
    # thread of its own: origin() counts each pull request of the shared repository as a source)
    assert any("/pull/" not in r["source"] for r in twelfth)  # some rows are repositories, not threads
    assert not repositories_cited_before(twelfth, rows_before)

    # assert_spread's rules with the spread this file has (the brief asked for at least 10 GPUs with none over 20%,
    # 4 backends and 5 sources; this round's floor is 4 GPUs, 2 backends, 3 sources: see the module docstring):
    # single pp or tg tests, each kind at least 40% of the file; 4 GPU profiles, none over 30% of the rows;
    # CUDA, ROCm, Metal and Vulkan, none over 55%; 5 origins; some and at most 25% MoE rows.
    assert_spread(
        twelfth,
        moe_share=MOE_SHARE,
        backends={"CUDA", "ROCm", "Metal", "Vulkan"},
        profiles=4,
        profile_share=0.3,
        origins=5,
        backend_share=0.55,
    )
    profile = {g["gpu"]: g["profile"] for g in read("llamabench-gpus.csv")}
    assert {profile[r["gpu"]] for r in twelfth} == {"rtx5090", "gb10", "rx7900xtx", "apple-m2-ultra"}
    # every row fully offloaded: -ngl 99 or 999 printed, or llama-bench's default 99 where a PR table does not print it
    assert all(int(r["ngl"]) in (99, 999) for r in twelfth)
    # every figure copied as printed: two decimals from the markdown tables, six from the llama-bench CSV logs
    for r in twelfth:
        assert len(r["tps"].split(".")[1]) == (6 if "pendakwahteknologi" in r["source"] else 2), r


def test_the_shipped_model_scores_every_row_of_the_twelfth_file():
    # scripts/heldout_benchmarks.py on this file, scored once as a whole after it was gathered (by someone who computed
    # no prediction for it) by the shipped model (068e286's, fitted on the public file and held-out files 1-8), printed
    # decode 20.8% and prefill 40.7% median |error| and 75.0% band coverage (39 + 37 figures), one GPU x kind cell off
    # by 2x: the GB10's decode, predicted x2.09 fast on all 9 rows (and its prefill x1.77), a log the gatherer flagged
    # as odd before any score (its 7B Q4_K_M prefill below its Q5_K_M and Q8_0). Without the GB10: decode 17.8%,
    # prefill 38.0%, coverage 89.7% (methodology section 5). Prefill off the GB10 is measured faster than predicted
    # (x0.53-0.78) on every row but the RTX 5090 docker run's four MoE rows (x1.05-1.29). The limits leave a refit room
    # (about 1.5x those medians); they fail if the file stops being scored or the model drifts further off on it.
    res = scored(TWELFTH)
    limits = {"decode": (0.31, 39), "prefill": (0.61, 37)}
    assert_scored(res, limits, coverage=0.6, backends=frozenset({"cuda", "rocm", "vulkan", "metal"}))
