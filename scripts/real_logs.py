"""Predicted vs logged memory for every real-log case, and a summary per engine and metric.

    python scripts/real_logs.py [--csv PATH] [--v1-only] [--summary]

--summary prints only the summaries of all cases and of the later rounds, and every case off by more than 10%
(the user guide's "How far to trust the memory plans" shows it).

Reads tests/data/real-engine-logs.csv (a copy of ../shared/reference/real-engine-logs.csv with more cases,
each with its source). Model configs come from the offline catalog, ../shared/model-configs and
tests/data/real-logs-configs. The vLLM sampler's 38 bytes per logit are counted from the source; the last
table shows what each log implies and a leave-one-case-out fit of it, as a check that nothing is tuned to the
rows it is scored on.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from planner.errors import ConfigError  # noqa: E402
from planner.planning.real_logs import (  # noqa: E402
    HELD_OUT_ROUNDS,
    compare_all,
    held_out_round,
    sampler_leave_one_out,
    summarise,
)
from planner.sources.profiles import all_profiles, get_profile  # noqa: E402
from planner.sources.real_logs import read_real_logs, spec_resolver  # noqa: E402

SHARED = Path(os.environ.get("MI50PLAN_REFERENCE", ROOT.parent / "shared"))
CONFIG_DIRS = (ROOT / "tests" / "data" / "real-logs-configs", SHARED / "model-configs")


# The held-out rounds (planner.planning.real_logs.held_out_round: one per HELD_OUT_ROUNDS entry), as the summary
# titles them; the cases each holds are listed from the data.
ROUNDS = {
    1: ("1", "held out: see tests/data/real-engine-logs.md"),
    2: ("2", "scored before the changes they led to; the md gives that table"),
    3: ("3", "vLLM only; the md gives the table scored before any change"),
    4: ("4", "vLLM only; the md gives the table scored before any change"),
    5: ("5", "vLLM only; the md gives the table scored before any change"),
    6: ("5 follow-up", "multimodal; the md gives the table scored before any change"),
    7: ("6", "llama.cpp, ROCm, Vulkan and CUDA; the md gives the table scored before any change"),
    8: ("7", "vLLM, llama.cpp and Ollama; the md gives the table scored before any change"),
    9: ("8", "vLLM, llama.cpp and Ollama; the md gives the table scored before any change"),
    10: ("9", "vLLM, llama.cpp and Ollama; the md gives the table scored before any change"),
    11: ("10", "vLLM; the md gives the table scored before any change"),
    12: ("11", "vLLM, llama.cpp and Ollama; the md gives the table scored before any change"),
    13: ("12", "vLLM 0.29-0.33; the md gives the table scored before any change"),
    14: ("13", "vLLM cold/warm compile threads; the md gives the table scored before any change"),
    15: ("14", "llama.cpp on ROCm, CUDA, Metal, Vulkan, SYCL; vLLM 0.8.3; the md gives the table before any change"),
    16: ("15", "llama.cpp on ROCm (Radeon Pro VII) and SYCL (Arc A770); the md gives the table before any change"),
    17: ("16", "vLLM 0.19 eager (RTX 3060); llama.cpp, Ollama on Metal; the md gives the table before any change"),
    18: ("17", "llama.cpp on Vulkan (RTX 5080); the md gives the table before any change"),
    19: ("18", "vLLM 0.15.1, warm and cold (RTX 3090, Qwen2.5-14B AWQ); the md gives the table before any change"),
    20: ("19", "vLLM 0.13.0 and 0.15.1, warm (RTX 5090, RTX 6000 Ada); the md gives the table before any change"),
    21: ("20", "vLLM 0.27.1 cold and eager (L4), 0.15 FP8 70B (H100); the md gives the table before any change"),
    22: ("21", "llama.cpp gfx906 (Radeon VII), Ollama 0.5.4 + runner (RTX 4090), vLLM 0.20.0 eager AWQ (T4); see md"),
    23: ("22", "vLLM 0.28.0 Qwen3-14B-AWQ default + tuned (L40S), 0.15.1 cold 128K (RTX 6000 Ada); see md"),
    24: ("23", "vLLM 0.16 and 0.19 nightlies, MiniMax-M2 and M2.5 FP8 at TP 4 (4x H100 80GB), 128K; see md"),
    25: ("24", "vLLM Qwen3-0.6B at 16K (L40S, release unstated); Ollama phi-4 Q4_K_M (RTX 4060 Laptop); see md"),
    26: ("25", "vLLM 0.29.0 Qwen2.5-1.5B fp16 at 4K, max_num_seqs 32-256 (Kaggle T4); O26's runner as L64; see md"),
    27: ("26", "vLLM 0.27.1 Qwen3-32B TP2/PP2, Qwen3-235B FP8 TP4/EP/PP4 (RTX PRO 6000); T4 repeat; see md"),
    28: ("27", "vLLM 0.10.2 Qwen3-14B (A100 40GB); gemma3:12b on Ollama (12 GB); llama3.2:3b runner (4070S); see md"),
    29: ("28", "llama-cpp-python, Llama 3 8B Q4_K_M (RTX 3070); a qwen2.5 1.5B tag on Ollama (RTX 3060); see md"),
    30: (
        "29",
        "vLLM 0.16.0 Llama 3 70B AWQ at TP 2 (2x L40S), cold; 0.11 gpt-oss-120b at 0.95 (H100); Ollama gemma3:12b"
        " (12 GB card, CPU), gpt-oss:20b (RTX 4060 Ti), gpt-oss:120b at 128K (H200); see md",
    ),
    31: (
        "30",
        "vLLM 0.11.2 gpt-oss-120b at 98K on Marlin (Kaggle H100), cold; 0.19.0 RedHatAI W8A8 Qwen2.5-7B and"
        " Mistral-Small 3.1 at TP 1/2, Llama 3.1 8B --quantization fp8 (H100); see md",
    ),
    32: (
        "31",
        "vLLM 0.26.0 Qwen2.5-7B-Instruct-AWQ at 32K (RTX 4080, WSL2); 0.10.2 Qwen3-235B-A22B-Instruct-2507-FP8 at"
        " TP 8 + EP (8x L40S); 0.11.0 Llama 3.1 8B at 32000 (L4), cold; 0.13.0 Qwen2.5-14B-Instruct-AWQ, awq kernel"
        " (RTX A5000), cold; see md",
    ),
    33: (
        "32",
        "vLLM 0.19.1 Qwen2.5-14B-Instruct-AWQ at 4096, 0.9 and at 16384, 0.5 (start fails) (A10G, EKS); 0.28.0"
        " Qwen2.5-7B-Instruct-AWQ at 8192 (RTX PRO 4000 Blackwell, profile added after the round); 0.19.1"
        " Phi-3-mini-4k fp16 at 0.85"
        " (RTX 3090, WSL2), warm; 0.13.0 (NVIDIA 26.01) an abliterated gpt-oss-20b at 0.25 on Marlin (GB10), cold,"
        " no config; see md",
    ),
    34: (
        "33",
        "vLLM 0.10.2 Qwen3-30B-A3B-Instruct-2507 bf16 at 4096 (warm) and 6144 (cold), 0.22.1 the same with"
        " --quantization fp8 at 0.92 (H100 80GB HBM3), cold; 0.11.2 Meta-Llama-3-8B-Instruct at 1024 (H200), cold,"
        " no config when scored (mapped after the round); see md",
    ),
    35: (
        "34",
        "vLLM 0.30.0 Qwen2.5-1.5B-Instruct fp16 at 4096, 0.85, Model Runner V2, with and without prefix caching"
        " (Tesla T4), warm; see md",
    ),
    36: (
        "35",
        "vLLM 0.19.0 RedHatAI Llama-3.1-8B w4a16 (no config) and w8a8, gpt-oss-20b at 0.95 on Triton MXFP4 (start"
        " fails after sizing) (H100), cold; 0.19.2rc1 cyankiwi Qwen3.6-35B-A3B-AWQ on ROCm (Strix Halo), no config;"
        " llama.cpp b9010 on Vulkan (Strix Halo): Qwen3-Coder-30B-A3B at -np 1/8/16, and Qwen3.6-35B-A3B at -np 1/8"
        " (a second batch, scored before any change as well); see md",
    ),
    37: (
        "36",
        "vLLM main of 2025-09-10 Qwen3-0.6B via lm_eval (A100 80GB); 0.11.0 Llama-3.1-8B-Instruct at 4096 (A100 40GB),"
        " warm; 0.14.0rc1 casperhansen R1-Distill-Qwen-14B AWQ on ROCm (RX 9070 XT), cold, and 0.25.1 gemma-4-26B-A4B"
        " AWQ-INT4 and NVFP4 (GB10), cold, no config; llama.cpp b8179 Qwen2.5-3B Q4_K_M on Vulkan (RTX 3060 Laptop,"
        " no profile), b8054 on Metal (Apple M4); see md",
    ),
    38: (
        "37",
        "vLLM 0.19.0 hugging-quants Llama-3.1-70B-Instruct AWQ-INT4 at TP 2 (A100 40GB, inferred), warm; 0.10.0"
        " cpatonn Qwen3-30B-A3B-Thinking-2507 AWQ-4bit (RTX 3090), warm, no config; 0.30.0 Qwen2.5-3B-Instruct-AWQ"
        " eager at 0.45 (unnamed 8 GB card), no profile; see md",
    ),
    39: (
        "38",
        "vLLM 0.12.0 Qwen3-30B-A3B-Instruct-2507 eager at 0.85 (RTX PRO 6000 Blackwell Server Edition, inferred);"
        " llama.cpp b8121 TinyLlama-1.1B-Chat Q4_K_M on Vulkan (RTX 3090), b6050 Mistral-Nemo Q5_K_M with flash"
        " attention off (Apple M2 Pro) and b7960 Mistral-Small-3.1-24B Q4_K_M at the fitted 90880 (Apple M3 Pro), on"
        " Metal; see md",
    ),
    40: (
        "39",
        "llama.cpp b8133 Mistral-Nemo-Instruct-2407 (a fine-tune) Q4_K_M with q8_0 K/V at -ngl 40 of 41 (RTX 5070) and"
        " b7896 Qwen2.5-14B-Instruct Q4_K_M at 32768 (RTX 3090), CUDA; b7151 a Mistral-Nemo fine-tune Q4_K_M at 8192"
        " with -b 128 on Vulkan (Arc B580, a second batch, scored before any change as well); flash attention on, 4"
        " slots; no vLLM or Ollama case; see md",
    ),
    41: (
        "40",
        "vLLM 0.26.1rc1.dev156 Qwen3-Coder-30B-A3B-Instruct at 131072 with 16 seqs (A100-SXM4-80GB, inferred), warm,"
        " no config; llama.cpp b7772 gpt-oss-20b F16 GGUF (unsloth) at the fitted 64000 with 4 auto slots, CUDA"
        " (Tesla T4); see md",
    ),
    42: (
        "41",
        "vLLM 0.31.0 Qwen2.5-Coder-1.5B-Instruct fp16 at 16384 (A100 40GB, inferred), cold, and 0.13.0"
        " Meta-Llama-3-8B-Instruct at TP 4 (four unnamed cc 8.0 cards), cold: no config; 0.10.2 Qwen2.5-3B fp16 with 1"
        " seq (unnamed 24 GB card), cold, 0.10.0 Qwen3-14B at 32768 (unnamed card), cold, and 0.13.0 a"
        " Qwen3-30B-A3B-Instruct-2507 W4A16 at TP 2 (two unnamed cc 8.9 cards), warm: no profile; 0.22.1 Qwen3-8B fp16"
        " eager with LoRA at TP 2, 0.85 (two T4, inferred; a second batch, scored before any change as well); no"
        " llama.cpp or Ollama case; see md",
    ),
    43: (
        "42",
        "vLLM 0.28.0 Qwen3-32B-AWQ at 8192 and 0.70/0.85, Qwen3-14B-AWQ at 16384 and 32768 and 0.70 (RTX 5090, logged"
        " total 31.36 GiB); 0.11.0 Qwen2.5-0.5B/1.5B-Instruct at 0.5 and Qwen2.5-7B-Instruct, Mistral-7B-Instruct-v0.3"
        " at 0.9, 32768 and 16384 batched tokens (RTX 4090); all planned; no llama.cpp or Ollama case; see md",
    ),
    44: (
        "43",
        "no vLLM or llama.cpp case; Ollama 0.11.5 (stated, not logged) partial offloads (45-46 of 65 layers) of"
        " deepseek-r1:32b and qwen2.5-coder:32b (both inferred from the notes) on an RTX 5070 Ti, the estimate quoted"
        " from a project log's excerpt; both planned; see md",
    ),
    45: (
        "44",
        "no vLLM or Ollama case; llama.cpp build 8200 llama-batched-bench on an Apple M3 Pro (Metal),"
        " Qwen2.5-7B-Instruct Q8_0 in three split files, 5 sequences (kv_unified false) at n_ctx 16640 (-c 16384)"
        " and 49920, flash attention auto (on), -ub 512; an early-2024 CUDA build's gritlm example, GritLM-7B Q4_1 at"
        " -ngl 25 of 33 on an RTX 4070 (a second batch: both compute buffers missed); all three planned; see md",
    ),
    46: (
        "45",
        "no vLLM case; Ollama 0.12.6 (logged) on a 16 GB Apple M1 Pro (Metal): qwen2.5:1.5b (tag inferred from the"
        " blob) and qwen2.5:7b at num_ctx 4096, the estimate and its llama.cpp runner's buffers from one server log;"
        " Ollama 0.18.2's llama.cpp runner for llama3 (Meta-Llama-3-8B-Instruct Q4_0) on a 16 GB Apple M4; all five"
        " planned; see md",
    ),
}
assert len(ROUNDS) == len(HELD_OUT_ROUNDS), "a held-out round without a title"


def span(cases: set[str]) -> str:
    """V50-V63, L22-L27: the first and last case id of each engine letter."""
    out = []
    for letter in "VLO":
        ids = sorted(int(c[1:]) for c in cases if c[0] == letter)
        if ids:
            out.append(f"{letter}{ids[0]}" + (f"-{letter}{ids[-1]}" if len(ids) > 1 else ""))
    return ", ".join(out)


resolve = spec_resolver(CONFIG_DIRS)


# The figures issue 10 sets targets on, listed case by case in the --summary.
HEADLINE = (
    ("vllm", "kv_cache_gib"),
    ("vllm", "kv_cache_tokens"),
    ("llamacpp", "gpu_compute_buffer_mib"),
    ("ollama", "required_full_gib"),
    ("ollama", "ollama_ps_size_mib"),
)


# The plan is a start with a warm torch.compile cache; a cold one compiles inside vLLM's memory profile and charges
# the compiler's scratch to the activation peak (vLLM issue #54122, open; tests/data/real-engine-logs.md). Cases whose
# source states a cold start ("compile_cache=cold") are in every other group; this one leaves them out.
NOT_COLD = "all cases but the starts their sources state were cold (torch.compile cache empty: vLLM issue #54122)"


def _off(r, v1_only: bool) -> bool:
    return r.error is not None and abs(r.error) > 0.10 and not (v1_only and r.engine_version == "v0")


def _print_summary(title: str, group: list, v1_only: bool) -> None:
    print(title)
    print(f"{'engine':8} {'metric':24} {'n':>3} {'median |err|':>12} {'max |err|':>10}  worst")
    for s in summarise(group, v1_only=v1_only):
        print(
            f"{s.engine:8} {s.metric:24} {s.count:3} {100 * s.median_abs_error:11.1f}% "
            f"{100 * s.max_abs_error:9.1f}%  {s.worst_case}"
        )
    print()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--csv", type=Path, default=ROOT / "tests" / "data" / "real-engine-logs.csv")
    parser.add_argument("--v1-only", action="store_true", help="leave vLLM V0 cases out of the summary")
    parser.add_argument(
        "--summary", action="store_true", help="only the summaries of all cases and of the held-out ones (no rows)"
    )
    args = parser.parse_args()
    sampler_inputs: dict = {}
    try:
        cases = read_real_logs(args.csv)
    except ConfigError as exc:  # one line and a hint, as the CLI gives
        hint = "give --csv a file with the columns of tests/data/real-engine-logs.csv"
        print(f"error: {exc}\nhint: {hint}", file=sys.stderr)
        return 2
    rows = compare_all(cases, resolve, get_profile, sampler_inputs, all_profiles())
    not_cold = [r for r in rows if r.compile_cache != "cold"]
    if args.summary:
        later = [r for r in rows if held_out_round(r.case) > 0]
        for title, group in (
            ("all cases", rows),
            ("cases added after the model was built (each round scored before the changes it led to)", later),
            (NOT_COLD, not_cold),
        ):
            _print_summary(title, group, args.v1_only)
        print("off by more than 10% (tests/data/real-engine-logs.md records each, with what is known of the cause;")
        print("'cold': a start its source states had an empty torch.compile cache)")
        for engine, metric in HEADLINE:
            off = sorted(
                {r for r in rows if r.engine == engine and r.metric == metric and _off(r, args.v1_only)},
                key=lambda r: (r.case[0], int(r.case[1:])),
            )
            named = [r.case + (" (cold)" if r.compile_cache == "cold" else "") for r in off]
            print(f"{engine:8} {metric:24} {len(off):3}  {', '.join(named) or '-'}")
        return 0
    print(f"{'case':5} {'engine':8} {'version':8} {'metric':24} {'logged':>12} {'predicted':>12} {'error':>8}  source")
    for r in rows:
        pred = f"{r.predicted:12.2f}" if r.predicted is not None else f"{'-':>12}"
        err = f"{100 * r.error:+7.1f}%" if r.error is not None else f"{'-':>8}"
        print(
            f"{r.case:5} {r.engine:8} {r.engine_version[:8]:8} {r.metric:24} {r.logged:12.2f} {pred} {err}  "
            f"{r.source_url if not r.note else r.note}"
        )
    print()
    groups = [
        ("all cases", rows),
        ("OLD cases (those the model was built with)", [r for r in rows if held_out_round(r.case) == 0]),
    ]
    for n, (label, note) in ROUNDS.items():
        group = [r for r in rows if held_out_round(r.case) == n]
        groups.append((f"NEW cases, round {label}: {span({r.case for r in group})} ({note})", group))
    groups.append(("NEW cases, all rounds", [r for r in rows if held_out_round(r.case) > 0]))
    groups.append((NOT_COLD, not_cold))
    for title, group in groups:
        _print_summary(title, group, args.v1_only)
    print("vLLM V1 sampler bytes per logit, leave one case out (counted from the source: 38)")
    print(f"{'case':5} {'implied':>8} {'fit on others':>14} {'activation error':>17}")
    for case, implied, fitted, error in sampler_leave_one_out(sampler_inputs):
        print(f"{case:5} {implied:8.2f} {fitted:14.2f} {100 * error:+16.1f}%")
    return 0


if __name__ == "__main__":
    from script_args import run

    raise SystemExit(run(main))
