"""The datacenter and cloud cards public vLLM logs and capacity questions name (issues 10/11): B200, GH200, A10G,
H20, L20, H800, A800, MI355X, H100 NVL, A2. Their figures come from scripts/data/gpu-specs-extra.csv (each row with
its source and confidence mark) through scripts/profiles_from_specs.py; these tests check what the rows say."""

from __future__ import annotations

import json

from planner.sources.profiles import all_profiles

MIB, GIB = 2**20, 2**30
NEW = ("b200", "gh200", "a10g", "h20", "l20", "h800", "a800-80gb", "mi355x", "h100-nvl", "a2")


def _by_name():
    return {p.name: p for p in all_profiles()}


def test_the_new_cards_ship_and_the_gpu_count():
    by_name = _by_name()
    assert set(NEW) <= set(by_name)
    # 24 gpu-specs.csv rows + 105 gpu-specs-extra.csv rows (87 before this change + the 10 above + rx9070xt, added with
    # the eighteenth held-out speed file, + arc-a310, with the twenty-fourth, + apple-m5-max, with the twenty-fifth, +
    # rtx-pro4000-blackwell, with real-log round 32's V184, + rtx3060ti, with the twenty-ninth, + rtx5060ti, with the
    # thirty-third, + rtx5090-laptop, with the thirty-fifth, + rtx4070-laptop, with the fortieth); `host` is built at
    # run time, not a file.
    assert len([n for n in by_name if n != "host"]) == 129


def test_driver_totals_from_public_logs():
    by_name = _by_name()
    assert by_name["b200"].memory_bytes == 183359 * MIB  # nvidia-smi, NVIDIA/TensorRT-LLM#10278
    assert by_name["a800-80gb"].memory_bytes == 81920 * MIB  # nvidia-smi, dexmal/dexbotic#41
    assert by_name["a10g"].memory_bytes == 23028 * MIB  # nvidia-smi on g5.12xlarge, vllm-project/vllm#9373


def test_runtime_totals():
    by_name = _by_name()
    # The A10G's own logged total, "GPU 0 has a total capacity of 22.06 GiB" (vLLM 0.27.1 on AWS g5, the ddiiwoong
    # post of tests/data/real-engine-logs.md round 9); same boards as logged siblings: A100 SXM 80GB 79.25 GiB and H100
    # SXM 79.18 GiB (vLLM logs, scripts/profiles_from_specs.py RUNTIME_LOGGED_GIB).
    assert round(by_name["a10g"].device_total_bytes / GIB, 2) == 22.06
    assert by_name["a10g"].memory_runtime_source.startswith("log: 22.06 GiB")
    assert round(by_name["a800-80gb"].device_total_bytes / GIB, 2) == 79.25
    assert round(by_name["h800"].device_total_bytes / GIB, 2) == 79.18
    # B200: nvidia-smi's 183359 MiB x (79.18 GiB / 81559 MiB), vLLM's total over nvidia-smi's on H100 SXM
    assert by_name["b200"].device_total_bytes == int(183359 * 79.18 * 1024 / 81559) * MIB
    # MI355X: 288 GiB (ROCm gpu-specs) less the 16 MiB hipMemGetInfo keeps on every logged AMD card
    assert by_name["mi355x"].device_total_bytes == (288 * 1024 - 16) * MIB
    for name in NEW:
        p = by_name[name]
        assert p.memory_runtime_source.startswith(("log:", "derived:")), name
        assert p.device_total_bytes <= p.memory_bytes, name


def test_export_variants_keep_the_compute_and_lose_the_link():
    by_name = _by_name()
    h100, h800, a100, a800 = by_name["h100-sxm"], by_name["h800"], by_name["a100-80gb"], by_name["a800-80gb"]
    assert h800.peak_tflops["fp16"] == h100.peak_tflops["fp16"] and h800.bandwidth_gbps == h100.bandwidth_gbps
    assert a800.peak_tflops["fp16"] == a100.peak_tflops["fp16"] and a800.bandwidth_gbps == a100.bandwidth_gbps
    # NVLink 400 GB/s both directions together on both export parts, against 900 (H100) and 600 (A100)
    assert h800.interconnect == a800.interconnect == "nvlink"
    assert h800.interconnect_gbps == a800.interconnect_gbps == 200.0
    assert (h100.interconnect_gbps, a100.interconnect_gbps) == (450.0, 300.0)
    assert by_name["h20"].interconnect_gbps == 450.0  # the H20 keeps the H100's 900 GB/s NVLink


def test_dense_rates_and_fp8():
    by_name = _by_name()
    b200 = by_name["b200"]
    # HGX B200 (8 GPUs): FP16/BF16 36 PFLOPS and FP8 72 PFLOPS with sparsity -> per GPU dense 2250 and 4500
    assert b200.peak_tflops["fp16"] == 36000 / 8 / 2 and b200.peak_tflops["fp8"] == 72000 / 8 / 2
    assert b200.interconnect_gbps == 900.0  # NVLink 5: 1.8 TB/s both directions together
    mi355x = by_name["mi355x"]
    # 256 CUs x 8192 FP8 FLOP/clock x 2.4 GHz, FP16 half of it; FP32 vector 256 x 128 x 2 x 2.4 GHz
    assert abs(mi355x.peak_tflops["fp8"] - 256 * 8192 * 2.4e9 / 1e12) < 0.1
    assert abs(mi355x.peak_tflops["fp32"] - 256 * 128 * 2 * 2.4e9 / 1e12) < 0.1
    assert mi355x.interconnect == "xgmi"
    for name in ("b200", "gh200", "h20", "l20", "h800", "mi355x", "h100-nvl"):
        assert by_name[name].supports("fp8"), name
    for name in ("a10g", "a800-80gb", "a2"):  # Ampere: no fp8 tensor path
        assert not by_name[name].supports("fp8"), name


def test_a_72b_fits_one_b200_and_a_7b_capacity_plan_runs_on_a10g(run_cli):
    # Qwen2.5-72B in bf16: 72.7B x 2 bytes = 135.4 GiB of weights, under 0.9 x 178.01 GiB
    code, out, _ = run_cli("fit", "Qwen/Qwen2.5-72B-Instruct", "--hardware", "b200", "--engine", "vllm",
                           "--offline", "--json")
    assert code == 0
    (plan,) = json.loads(out)["plans"]
    assert plan["engine"] == "vllm" and plan["fits"] and plan["tensor_parallel_size"] == 1
    code, out, _ = run_cli("capacity", "Qwen/Qwen2.5-7B-Instruct", "--rate", "2", "--prompt-tokens", "500",
                           "--output-tokens", "200", "--ttft-p95", "2", "--hardware", "a10g", "--engine", "vllm",
                           "--offline", "--json")
    assert code == 0 and json.loads(out)
