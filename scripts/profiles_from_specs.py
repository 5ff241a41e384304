"""Write or check profiles/*.toml from two spec tables:

- scripts/data/gpu-specs.csv: a verbatim copy of shared/reference/gpu-specs.csv (the project's first
  24 GPUs, each row with its source and a confidence mark);
- scripts/data/gpu-specs-extra.csv: every other GPU the speed model is fitted and tested on (all of
  scripts/data/llamabench-public.csv and the hardware issue 11 lists), one row per GPU with its vendor
  source and a confidence mark (M: vendor figure not re-read, D: derived as the source column says).

The CSVs are the cited sources; this script turns each row into a profile file, with the gfx906 engine
facts (../shared/reference/engine-facts.md) added by hand below. `--check` exits 1 when a profile
drifts from its row. Both CSVs are in the repository, so the check runs without ../shared.
"""

from __future__ import annotations

import csv
import re
import sys
from pathlib import Path

from script_args import check_only

ROOT = Path(__file__).resolve().parents[1]
CSV = ROOT / "scripts" / "data" / "gpu-specs.csv"
EXTRA_CSV = ROOT / "scripts" / "data" / "gpu-specs-extra.csv"
# gpu-specs.csv has no FP32 column: the vector FP32 rate of its GPUs, each with its source (the speed
# model's prefill counts the dequantisation work against it).
FP32_CSV = ROOT / "scripts" / "data" / "gpu-specs-fp32.csv"
# The GPU-to-GPU link of the server parts that have one beyond PCIe (SXM/OAM boards: NVLink, Infinity Fabric),
# per direction, with the vendor page; every other profile keeps the PCIe default (16 GB/s per direction).
LINKS_CSV = ROOT / "scripts" / "data" / "gpu-links.csv"
NAMES = {
    "MI50-16GB": ("mi50-16gb", "AMD Instinct MI50 16 GB"),
    "MI50-32GB": ("mi50-32gb", "AMD Instinct MI50 32 GB"),
    "MI60": ("mi60", "AMD Instinct MI60 32 GB"),
    "RadeonVII": ("radeon-vii", "AMD Radeon VII 16 GB"),
    "MI100": ("mi100", "AMD Instinct MI100 32 GB"),
    "MI210": ("mi210", "AMD Instinct MI210 64 GB"),
    "MI250X-per-GCD": ("mi250x-gcd", "AMD Instinct MI250X, one GCD (64 GB)"),
    "MI300X": ("mi300x", "AMD Instinct MI300X 192 GB"),
    "MI325X": ("mi325x", "AMD Instinct MI325X 256 GB"),
    "RX7900XTX": ("rx7900xtx", "AMD Radeon RX 7900 XTX 24 GB"),
    "W7900": ("w7900", "AMD Radeon PRO W7900 48 GB"),
    "V100-SXM2": ("v100-32gb", "NVIDIA V100 SXM2 32 GB"),
    "T4": ("t4", "NVIDIA T4 16 GB"),
    "A10": ("a10", "NVIDIA A10 24 GB"),
    "L4": ("l4", "NVIDIA L4 24 GB"),
    "L40S": ("l40s", "NVIDIA L40S 48 GB"),
    "A100-40GB": ("a100-40gb", "NVIDIA A100 40 GB"),
    "A100-80GB-SXM": ("a100-80gb", "NVIDIA A100 SXM 80 GB"),
    "H100-SXM": ("h100-sxm", "NVIDIA H100 SXM 80 GB"),
    "H100-PCIe": ("h100-pcie", "NVIDIA H100 PCIe 80 GB"),
    "H200-SXM": ("h200", "NVIDIA H200 SXM 141 GB"),
    "RTX3090": ("rtx3090", "NVIDIA GeForce RTX 3090 24 GB"),
    "RTX4090": ("rtx4090", "NVIDIA GeForce RTX 4090 24 GB"),
    "RTX5090": ("rtx5090", "NVIDIA GeForce RTX 5090 32 GB"),
}
# Runtime-visible total (torch.cuda.mem_get_info()[1]: what vLLM multiplies by gpu_memory_utilization), in
# GiB as the log prints it, with the log it comes from. Cards without a log use runtime_memory()'s rule.
RUNTIME_LOGGED_GIB = {
    "MI50-16GB": (16368 / 1024, "16368 MiB: vLLM 0.11 gfx906 log, shared/reference/mi50-vllm-vs-ollama-report.md"),
    "H100-SXM": (
        79.18,
        "79.18 GiB: vLLM 0.11 logs, github.com/llm-d/llm-d-benchmark config_explorer/empirical-vllm-memory-results.md",
    ),
    "RTX3090": (23.58, "23.58 GiB: vLLM log total_gpu_memory=23.58GiB, github.com/vllm-project/vllm/issues/10517"),
    "A100-80GB-SXM": (79.25, "79.25 GiB: public vLLM logs as surveyed in mi50plan issue 10"),
    "L40S": (44.42, "44.42 GiB: public vLLM logs as surveyed in mi50plan issue 10"),
    # nvidia-smi shows 23034 MiB (22.49 GiB) on an L4; what PyTorch and vLLM see is 22.04 GiB (mi50plan issue 10
    # round 11, tests/data/real-engine-logs.md)
    "L4": (
        22.04,
        "22.04 GiB: vLLM 0.28.0 log 'GPU 0 has a total capacity of 22.04 GiB' on an AWS g6 L4, github.com/ddiiwoong/"
        "newblog blog/2026-08-23-llm-advanced-optimization.md (nvidia-smi: 23034 MiB)",
    ),
    # vLLM 0.27.1's per-card total on RTX PRO 6000 Blackwell Server Edition cards, as two posts of one author state it
    # with their start-up logs (mi50plan issue 10 round 26, tests/data/real-engine-logs.md)
    "rtx-pro6000-blackwell": (
        95.01,
        "95.01 GiB: vLLM 0.27.1 on RTX PRO 6000 Blackwell Server Edition cards, github.com/kubesimplify/website "
        "content/blog/running-a-big-llm-across-multiple-gpus-with-vllm.md (branch blog/two-gpu-vllm, a6ed090)",
    ),
    # the A10G's own PyTorch total, logged on AWS g5 cards (mi50plan issue 10 round 9, tests/data/real-engine-logs.md
    # V108-V113); until round 32 the profile borrowed the A10's 22.18 below
    "a10g": (
        22.06,
        "22.06 GiB: vLLM 0.27.1's OOM 'GPU 0 has a total capacity of 22.06 GiB' on an AWS g5.12xlarge A10G, "
        "github.com/ddiiwoong/newblog blog/2026-08-23-llm-advanced-optimization.md (nvidia-smi: 23028 MiB, "
        "vllm-project/vllm#9373)",
    ),
    # the H200's PyTorch total, from TensorRT-LLM's PyTorch backend (torch.cuda.mem_get_info) on the machine of the
    # vLLM log V190 (mi50plan issue 10 round 33, tests/data/real-engine-logs.md); until then derived from H100-SXM
    "H200-SXM": (
        139.80,
        "139.80 GiB: TensorRT-LLM 1.2.0rc4 'device total memory 139.80 GiB' on an H200, github.com/faradawn/bench3 "
        "logs/trtllm-serve-egine.log at 64ae4f5",
    ),
    # the T4's PyTorch total as a Kaggle notebook prints it from torch.cuda.mem_get_info (mi50plan issue 10 round 20,
    # tests/data/real-engine-logs.md V151; round 34's V191 and V192 log the same in "Free memory on device"); until then
    # derived from the L4's ratio (14.69)
    "T4": (
        14.56,
        "14.56 GiB: 'GPU 0: Tesla T4 total=14.56 GiB free=14.46 GiB' (torch.cuda.mem_get_info) in a Kaggle notebook, "
        "github.com/samiulabir201/swiss-legal-citation-retrieval notebooks/13_kaggle_and_utilities at 659db05",
    ),
    # the A10's own PyTorch total
    "A10": (
        22.18,
        "22.18 GiB: PyTorch's 'GPU 0 has a total capacity of 22.18 GiB' on an A10, "
        "github.com/OpenBMB/MiniCPM-V/issues/640",
    ),
}
# Ratio runtime/nominal of the logged card with the same kind of memory (its logged GiB over its nominal GiB), for
# cards without a log.
RUNTIME_RULE = {
    "hbm": ("H100-SXM", RUNTIME_LOGGED_GIB["H100-SXM"][0] / 80),
    "gddr-ecc": ("L4", RUNTIME_LOGGED_GIB["L4"][0] / 24),  # datacenter GDDR6, ECC on by default (T4, A10, L4, L40S)
    "gddr": ("RTX3090", RUNTIME_LOGGED_GIB["RTX3090"][0] / 24),  # consumer GDDR6X/GDDR7
}
MEMORY_KIND = {
    "V100-SXM2": "hbm",
    "A100-40GB": "hbm",
    "H100-PCIe": "hbm",
    "H200-SXM": "hbm",
    "T4": "gddr-ecc",
    "A10": "gddr-ecc",
    "RTX4090": "gddr",
    "RTX5090": "gddr",
}


# Cards whose runtime total is taken from a logged sibling on the same board (gpu-specs-extra.csv rows), with why.
RUNTIME_SIBLING_GIB = {
    "h800": (
        79.18,
        "derived: the H100 SXM 80GB's logged 79.18 GiB (vLLM 0.11 logs, github.com/llm-d/llm-d-benchmark "
        "config_explorer/empirical-vllm-memory-results.md): the H800 is the same GH100 SXM5 board with NVLink cut",
    ),
    "a800-80gb": (
        79.25,
        "derived: the A100 SXM 80GB's logged 79.25 GiB (public vLLM logs, mi50plan issue 10): the A800 is the same "
        "GA100 SXM4 board with NVLink cut; nvidia-smi shows 81920 MiB on both "
        "(A800: github.com/dexmal/dexbotic/issues/41)",
    ),
}
# vLLM's logged total over nvidia-smi's on H100 SXM (79.18 GiB / 81559 MiB, gpu-specs.csv): for cards with an
# nvidia-smi total in a public log but no vLLM total.
SMI_RATIO = 79.18 * 1024 / 81559


def runtime_memory(gpu: str, nominal_gib: float, amd: bool, kind: str = "") -> tuple[int, str]:
    """(bytes, source) of the runtime-visible total: a logged figure, else a documented rule."""
    if gpu in RUNTIME_SIBLING_GIB:
        gib, source = RUNTIME_SIBLING_GIB[gpu]
        return int(round(gib * 2**30 / 2**20)) * 2**20, source
    if gpu in RUNTIME_LOGGED_GIB:
        gib, source = RUNTIME_LOGGED_GIB[gpu]
        return int(round(gib * 2**30 / 2**20)) * 2**20, "log: " + source
    if amd:
        # hipMemGetInfo reports the nominal size less 16 MiB on every logged AMD card (MI50 16/32 GB: 16368 and
        # 32752 MiB, MI210: 65520 MiB; gpu-specs.csv vram_reported_mib).
        return int(nominal_gib * 1024 - 16) * 2**20, "derived: nominal less 16 MiB, as logged on MI50 and MI210"
    ref, ratio = RUNTIME_RULE[kind or MEMORY_KIND.get(gpu, "gddr")]
    return int(nominal_gib * 1024 * ratio) * 2**20, f"derived: nominal x {ratio:.4f}, the ratio logged on {ref}"


GFX906_ENGINES = """
[engines.vllm]
supported = true
versions = "community forks only: nlzy/vllm-gfx906 (up to v0.11.2, ROCm 6.3), ai-infos/vllm-gfx906-mobydick (~0.19)"
notes = "upstream vLLM does not support gfx906; no bf16/fp8 hardware, run fp16; GPTQ/AWQ recommended"

[engines.ollama]
supported = true
backends = ["vulkan", "rocm"]
versions = "ROCm build refuses gfx906 from v0.12.4 (PR #12481); Vulkan backend from v0.13"
notes = "use the Vulkan backend on Ollama >= 0.12.4"

[engines.llamacpp]
supported = true
backends = ["rocm", "vulkan", "cpu"]
notes = "HIP build with AMDGPU_TARGETS=gfx906, or Vulkan (RADV)"
"""
GFX906_WARNINGS = (
    'warnings = ["passive cooling: throttles after about 60 s of sustained load without strong '
    'airflow", "the default power policy can pin memory clocks low; forcing high raised decode '
    '6.3 -> 15.9 t/s in one study"]\n'
)


def _first_number(text: str) -> float | None:
    m = re.match(r"\s*([\d.]+)", text or "")
    return float(m.group(1)) if m else None


def _fp32() -> dict[str, str]:
    with FP32_CSV.open(encoding="utf-8") as fh:
        return {r["gpu"]: r["fp32_tflops"] for r in csv.DictReader(fh)}


def render(row: dict) -> tuple[str, str]:
    name, display = NAMES[row["gpu"]]
    arch = row["arch"]
    amd = arch.startswith("gfx")
    mem_gb = _first_number(row["mem_gb"].split("|")[-1])
    if row["vram_reported_mib"]:
        memory = int(row["vram_reported_mib"]) * 2**20
        note = f"{row['vram_reported_mib']} MiB as the runtime reports it (gpu-specs.csv)"
    else:
        memory = int(mem_gb * 2**30)
        note = f"nominal {mem_gb:g} GiB; the runtime reports slightly less (not measured)"
    runtime, runtime_source = runtime_memory(row["gpu"], mem_gb, amd)
    if not row["vram_reported_mib"] and runtime_source.startswith("log: "):
        note = f"nominal {mem_gb:g} GiB; the runtime reports less (memory_runtime_source, a logged figure)"
    peaks = {"fp16": _first_number(row["fp16_dense_tflops"])}
    if row["bf16_hw"] == "yes" and row["bf16_dense_tflops"]:
        peaks["bf16"] = _first_number(row["bf16_dense_tflops"])
    if row["fp8_hw"].startswith("yes") and row["fp8_dense_tflops"]:
        peaks["fp8"] = _first_number(row["fp8_dense_tflops"])
    if row["int8_dense_tops"]:
        peaks["int8"] = _first_number(row["int8_dense_tops"])
    if row["gpu"] in _fp32():
        peaks["fp32"] = float(_fp32()[row["gpu"]])
    dtypes = ["fp32", "fp16"] + (["bf16"] if row["bf16_hw"] == "yes" else []) + (["fp8"] if "fp8" in peaks else [])
    dtypes += ["int8", "int4"]
    lines = [
        "# Generated by scripts/profiles_from_specs.py from shared/reference/gpu-specs.csv; edit the CSV row.",
        "schema_version = 1",
        f'name = "{name}"',
        f'display_name = "{display}"',
        f'vendor = "{"amd" if amd else "nvidia"}"',
        f'arch = "{arch}"',
        f'platform = "{"rocm" if amd else "cuda"}"',
        f"memory_bytes = {memory}",
        f'memory_note = "{note}"',
        f"memory_runtime_bytes = {min(runtime, memory)}",
        f'memory_runtime_source = "{runtime_source}"',
        f"bandwidth_gbps = {float(row['bw_gbs'])}",
        f"tdp_w = {float(row['tdp_w'])}",
        *_link_lines(name),
        f"supported_dtypes = {dtypes}".replace("'", '"'),
        f'confidence = "{row["confidence"]}"',
        f'sources = ["{row["source"]}", "shared/reference/gpu-specs.csv"]',
    ]
    if arch == "gfx906":
        lines.append(GFX906_WARNINGS.strip())
    lines.append("")
    lines.append("[peak_tflops]")
    lines += [f"{k} = {v}" for k, v in peaks.items() if v is not None]
    if arch == "gfx906":
        lines.append(GFX906_ENGINES.rstrip())
    else:
        backends = '["rocm", "vulkan", "cpu"]' if amd else '["cuda", "vulkan", "cpu"]'
        lines += [
            "",
            "[engines.llamacpp]",
            "supported = true",
            f"backends = {backends}",
            "",
            "[engines.ollama]",
            "supported = true",
            f"backends = {backends}",
        ]
    return name, "\n".join(lines) + "\n"


# llama.cpp / Ollama backends per platform (llama.cpp docs/build.md: CUDA, HIP, Vulkan, Metal, SYCL).
BACKENDS = {
    "cuda": ["cuda", "vulkan", "cpu"],
    "rocm": ["rocm", "vulkan", "cpu"],
    "vulkan": ["vulkan", "cpu"],
    "metal": ["metal", "cpu"],
    "sycl": ["sycl", "vulkan", "cpu"],
}
# Ollama ships CUDA, ROCm, Metal and (from 0.12) Vulkan builds; no SYCL build.
OLLAMA_BACKENDS = {"cuda": ["cuda"], "rocm": ["rocm", "vulkan"], "vulkan": ["vulkan"], "metal": ["metal"],
                   "sycl": ["vulkan"]}


def _links() -> dict[str, dict[str, str]]:
    with LINKS_CSV.open(encoding="utf-8") as fh:
        return {row["gpu"]: row for row in csv.DictReader(fh)}


def _link_lines(name: str) -> list[str]:
    link = _links().get(name)
    if link is None:
        return ["interconnect_gbps = 16.0"]
    return [
        f"interconnect_gbps = {float(link['interconnect_gbps'])}",
        f'interconnect = "{link["interconnect"]}"',
        f'interconnect_source = "{link["source"]}"',
    ]


def _list(values: list[str]) -> str:
    return "[" + ", ".join(f'"{v}"' for v in values) + "]"


def _runtime_lines(name: str, memory: int, platform: str, vendor: str, unified: bool, row: dict) -> list[str]:
    """The runtime-visible total of a discrete CUDA/ROCm card (runtime_memory's logged figure or rule)."""
    if unified or platform not in ("cuda", "rocm"):
        return []
    vram_mib = row.get("vram_mib") or ""
    if vram_mib and vendor == "nvidia" and name not in RUNTIME_SIBLING_GIB and name not in RUNTIME_LOGGED_GIB:
        runtime = int(int(vram_mib) * SMI_RATIO) * 2**20
        source = (f"derived: nvidia-smi total {vram_mib} MiB ({row['vram_source']}) x {SMI_RATIO:.4f}, vLLM's "
                  "logged total over nvidia-smi's on H100 SXM (79.18 GiB / 81559 MiB)")
        return [f"memory_runtime_bytes = {min(runtime, memory)}", f'memory_runtime_source = "{source}"']
    kind = row.get("memory_kind") or ""
    nominal = float(row["mem_gb"]) if kind else memory / 2**30
    runtime, source = runtime_memory(name, nominal, vendor == "amd", kind)
    return [f"memory_runtime_bytes = {min(runtime, memory)}", f'memory_runtime_source = "{source}"']


GIB = 2**30
# Unified-memory machines: what the GPU runtime may use (docs/profiles.md "Unified memory"), as
# (runtime-reported total or None, bytes the OS keeps, source). RAM sizes are binary (128 GB = 128 GiB).
# Apple: Metal's recommendedMaxWorkingSetSize, which ggml-metal reports as the device's total and free memory:
# 2/3 of RAM up to 32 GiB, 3/4 above (logged: 16 GiB M1 10922.67 MB, abetlen/llama-cpp-python#687; 16 GiB M4
# 11453.25 MB = 10922.67 MiB, ggml-org/ci pythia_1_4b logs; 32 GiB M2 Max 21845.34 MB, ollama/ollama#434; 96 GiB
# M2 Max 73728.00 MB, ggml-org/llama.cpp#3213).
APPLE_RULE = (
    "Metal recommendedMaxWorkingSetSize: 2/3 of RAM up to 32 GiB, 3/4 above (llama.cpp logs 10922.67 MB on 16 GiB, "
    "llama-cpp-python#687; 21845.34 MB on 32 GiB, ollama#434; 73728.00 MB on 96 GiB, llama.cpp#3213)"
)
GB10_TOTAL = round(121.69 * GIB)  # cudaMemGetInfo total on DGX Spark, as vLLM logs it
GB10_FREE = round(102.2 * GIB)


def unified_budget(name: str, vendor: str, mem_gib: float) -> tuple[int | None, int, str]:
    """(runtime total or None, os_reserved_bytes, source) of a unified-memory machine; (None, 0, "") when no
    rule is known (the whole memory is the budget)."""
    ram = int(mem_gib * GIB)
    if vendor == "apple":
        working_set = ram * 2 // 3 if mem_gib <= 32 else ram * 3 // 4
        return None, ram - working_set, APPLE_RULE
    if name == "gb10":
        return GB10_TOTAL, GB10_TOTAL - GB10_FREE, (
            "CUDA reports 121.69 GiB total; free at boot caps at 101.3-102.2 GiB on a headless DGX OS with caches "
            "dropped (MiaAI-Lab/GLM-5.3-Flash-EXL3-2x-DGX-Sparks#47); vLLM needs --gpu-memory-utilization 0.85 "
            "there (vllm-project/recipes#632)"
        )
    if name == "strix-halo":
        return None, ram - 110 * 10**9, (
            "the GPU sees the BIOS carve-out plus GTT (amdgpu.gttsize, ttm.pages_limit): about 110 GB of a "
            "128 GB machine as commonly tuned (ollama#14855: ~110GB available; lemonade-sdk/llamacpp-rocm#9: "
            "512 MiB VRAM + GTT 105 GB)"
        )
    return None, 0, ""


def _unified_lines(name: str, vendor: str, mem_gib: float) -> list[str]:
    total, reserved, source = unified_budget(name, vendor, mem_gib)
    lines = []
    if total is not None:
        lines += [f"memory_runtime_bytes = {total}", f'memory_runtime_source = "{source}"']
    if reserved:
        lines += [f"os_reserved_bytes = {reserved}", f'os_reserved_source = "{source}"']
    return lines


def render_extra(row: dict) -> tuple[str, str]:
    """A profile from a gpu-specs-extra.csv row."""
    name, platform = row["gpu"], row["platform"]
    unified = row["unified_memory"] == "yes"
    mem_gb = float(row["mem_gb"])
    fp16, fp32 = float(row["fp16_dense_tflops"]), float(row["fp32_tflops"])
    fp8 = row.get("fp8_dense_tflops") or ""
    dtypes = ["fp32", "fp16"] + (["bf16"] if row["bf16_hw"] == "yes" else []) + (["fp8"] if fp8 else [])
    dtypes += ["int8", "int4"]
    # memory_kind (hbm, gddr-ecc, gddr), when set, reads mem_gb as binary (DRAM capacities are: a 96 GB HBM3 part
    # has 96 GiB) and picks runtime_memory's rule; vram_mib is the driver's total from a public log.
    kind, vram_mib = row.get("memory_kind") or "", row.get("vram_mib") or ""
    memory = int(mem_gb * GIB) if unified or kind else int(mem_gb * 1e9)
    if unified:
        note = f"{mem_gb:g} GiB unified memory shared with the CPU (a common configuration)"
    elif vram_mib:
        memory = int(vram_mib) * 2**20
        note = f"{vram_mib} MiB as the driver reports it ({row['vram_source']})"
    elif kind and name in RUNTIME_LOGGED_GIB:
        note = f"nominal {mem_gb:g} GiB ({kind}); the runtime reports less (memory_runtime_source, a logged figure)"
    elif kind:
        note = f"nominal {mem_gb:g} GiB ({kind}); the driver reports slightly less (not in a public log found)"
    else:
        note = f"nominal {mem_gb:g} GB; the runtime reports slightly less (not measured)"
    lines = [
        "# Generated by scripts/profiles_from_specs.py from scripts/data/gpu-specs-extra.csv; edit the CSV row.",
        "schema_version = 1",
        f'name = "{name}"',
        f'display_name = "{row["display_name"]}"',
        f'vendor = "{row["vendor"]}"',
        f'arch = "{row["arch"]}"',
        f'platform = "{platform}"',
        f"memory_bytes = {memory}",
        f'memory_note = "{note}"',
        *_runtime_lines(name, memory if kind or vram_mib else int(mem_gb * 1e9), platform, row["vendor"], unified,
                        row),
        *(_unified_lines(name, row["vendor"], mem_gb) if unified else []),
        f"bandwidth_gbps = {float(row['bw_gbs'])}",
        f"tdp_w = {float(row['tdp_w'])}",
        *_link_lines(name),
        f"supported_dtypes = {_list(dtypes)}",
        f'confidence = "{row["confidence"]}"',
        f"unified_memory = {'true' if unified else 'false'}",
        f'sources = ["{row["source"]}", "scripts/data/gpu-specs-extra.csv"]',
        "",
        "[peak_tflops]",
        f"fp16 = {fp16}",
        f"fp32 = {fp32}",
        *([f"fp8 = {float(fp8)}"] if fp8 else []),
    ]
    lines += ["", "[engines.vllm]"]
    if platform in ("cuda", "rocm"):
        lines.append("supported = true")
    else:
        lines += ["supported = false", f'notes = "vLLM runs on CUDA and ROCm; this is a {platform} device"']
    lines += [
        "",
        "[engines.llamacpp]",
        "supported = true",
        f"backends = {_list(BACKENDS[platform])}",
        "",
        "[engines.ollama]",
        "supported = true",
        f"backends = {_list(OLLAMA_BACKENDS[platform])}",
    ]
    return name, "\n".join(lines) + "\n"


def _rendered() -> list[tuple[str, str]]:
    out = []
    with CSV.open(encoding="utf-8") as fh:
        out += [render(row) for row in csv.DictReader(fh) if row["gpu"] in NAMES]
    with EXTRA_CSV.open(encoding="utf-8") as fh:
        out += [render_extra(row) for row in csv.DictReader(fh)]
    return out


def main() -> int:
    out = ROOT / "profiles"
    check = check_only(__doc__, sys.argv[1:], "profiles/*.toml")
    stale = []
    rendered = _rendered()
    names = [name for name, _ in rendered]
    if len(set(names)) != len(names):
        print("duplicate profile names: " + ", ".join(sorted({n for n in names if names.count(n) > 1})))
        return 1
    for name, text in rendered:
        path = out / f"{name}.toml"
        if check:
            if not path.exists() or path.read_text() != text:
                stale.append(path.name)
        else:
            path.write_text(text)
    if check:
        print("profiles match the spec tables" if not stale else "stale: " + ", ".join(stale))
        return 1 if stale else 0
    print(f"wrote profiles to {out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
