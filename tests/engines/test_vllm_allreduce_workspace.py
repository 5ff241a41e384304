"""FlashInfer all-reduce fusion workspace of vLLM 0.19-0.20 (docs/methodology.md sections 3.4 and 3.8).

Sources (vLLM at tag v0.19.0, FlashInfer at v0.6.6, the version requirements/cuda.txt L12 pins):
- github.com/vllm-project/vllm/blob/v0.19.0/vllm/config/vllm.py#L116-L135 enable_allreduce_rms_fusion: on when
  TP > 1, capability 9.0 or 10.x, FlashInfer installed, DP = PP = 1 (the -O2/-O3 pass configs use it);
- .../vllm/compilation/passes/fusion/allreduce_rms_fusion.py#L54-L59 FI_ALLREDUCE_FUSION_MAX_SIZE_MB[90] =
  {2: 64, 4: 2, 8: 0.5} and #L747-L780 max_token_num = max size / (hidden x dtype bytes), capped at
  max_num_batched_tokens, then get_fi_ar_workspace;
- .../vllm/v1/worker/gpu_worker.py#L366-L381: profile_run (where the pass runs) and profile_cudagraph_memory inside
  memory_profiling, so the workspace lands in non_torch_increase;
- github.com/flashinfer-ai/flashinfer/blob/v0.6.6/flashinfer/comm/trtllm_ar.py#L574-L614 three buffers
  [tp*T*H*2, tp*256*4, 3*tp*T*H*2], each rounded to 2 MiB, as SymmDeviceMemory (allreduce.py#L129
  use_symm_dev_mem=True); .../comm/mnnvl.py#L1111-L1148 _get_allocation_prop: size + 2048 B signal pad rounded to
  the allocation granularity, then to cuMulticastGetGranularity(RECOMMENDED);
- 512 MiB RECOMMENDED multicast granularity (2 MiB MINIMUM) measured on 8 x H100 SXM with NVSwitch:
  github.com/gabrieldemarmiesse/torch-mojo-backend/blob/31de5a4754b4b85c0cc026e955035619305c002d/agents_docs/
  mojo_collectives_nvls_results.md section 1.
Log figures: llm-d-planner accuracy/results/v0.19.0/logs at commit d3121e059da88662db39a926a3ead964be97359b (the
URLs of rows V50-V62 in tests/data/real-engine-logs.csv).
"""

from __future__ import annotations

from dataclasses import replace

import pytest

from planner.core.hardware import Hardware
from planner.engines.vllm import (
    GIB,
    MULTICAST_GRANULARITY_SM90,
    VLLM_VERSIONS,
    VllmOptions,
    fi_allreduce_workspace_bytes,
    plan_vllm,
)
from planner.sources.models import resolve_model
from planner.sources.profiles import get_profile

MIB = 2**20
LLAMA_8B = "meta-llama/Llama-3.1-8B-Instruct"


def _spec(model_id: str):
    return resolve_model(model_id, offline=True).spec


def _nvswitch(name: str = "h100-sxm", gpus: int = 2) -> Hardware:
    return Hardware(replace(get_profile(name), interconnect="nvlink"), gpus)


def test_three_multicast_granules_at_tp_2_and_4():
    # TP 2, Llama-3.1-8B (hidden 4096, bf16): 64 MiB / (4096 x 2) = 8192 tokens; data 2 x 8192 x 4096 x 2 = 128 MiB,
    # flags 2 KiB, Lamport 384 MiB: each below one 512 MiB granule, so 3 x 512 MiB = 1.5 GiB. TP 4: 2 MiB -> 256
    # tokens, 8 + 0 + 24 MiB: again three granules. The logs (llm-d-planner accuracy/results/v0.19.0/logs) show the
    # same non-torch increase at both: 2.07 GiB (meta-llama-llama-3-1-8b---h100-80gb--tp2pp1dp1--8192.log) and
    # 2.13 GiB (...--tp4pp1dp1--8192.log), where vLLM 0.11 logged 0.54 at TP 2 (llm-d-benchmark
    # config_explorer/empirical-vllm-memory-results.md).
    spec, line = _spec(LLAMA_8B), VLLM_VERSIONS["0.19"]
    assert MULTICAST_GRANULARITY_SM90 == 512 * MIB
    for tp in (2, 4, 8):
        got = fi_allreduce_workspace_bytes(line, _nvswitch(gpus=tp), spec, 2, 8192, tp, 1, False)
        assert got == 3 * 512 * MIB, tp


def test_workspace_does_not_follow_the_hidden_size():
    # The rounding is why the logs show one figure across models: TP 2 hidden 2048 (Kimi-VL-A3B), 2880
    # (gpt-oss-20b), 4096 (Llama-3.1-8B) and 8192 (Qwen2.5-72B) all log 2.07-2.09 GiB non-torch; unrounded the
    # workspace would be 258, 362, 518 and 518 MiB.
    line, hw = VLLM_VERSIONS["0.19"], _nvswitch()
    sizes = {
        fi_allreduce_workspace_bytes(line, hw, _spec(m), 2, 8192, 2, 1, False)
        for m in (LLAMA_8B, "Qwen/Qwen2.5-72B-Instruct", "openai/gpt-oss-20b")
    }
    assert sizes == {int(1.5 * GIB)}


@pytest.mark.parametrize(
    ("case", "line", "profile", "nvlink", "tp", "pp", "eager"),
    [
        ("TP 1: no tensor-parallel group", "0.19", "h100-sxm", True, 1, 1, False),
        ("no multicast without NVSwitch", "0.19", "h100-sxm", False, 2, 1, False),
        ("PCIe H100", "0.19", "h100-pcie", False, 2, 1, False),
        ("A100 (8.0) is not in the fusion's capabilities", "0.19", "a100-80gb", True, 2, 1, False),
        ("--enforce-eager turns torch.compile off", "0.19", "h100-sxm", True, 2, 1, True),
        ("TP x PP disables the fusion", "0.19", "h100-sxm", True, 2, 2, False),
        ("TP 3 is not a FlashInfer world size", "0.19", "h100-sxm", True, 3, 1, False),
        ("0.11: fusion off by default (enable_fi_allreduce_fusion False)", "0.11", "h100-sxm", True, 2, 1, False),
        ("0.3x: flashinfer 0.6.11 uses torch symmetric memory (untraced)", "0.3x", "h100-sxm", True, 2, 1, False),
    ],
)
def test_no_workspace_where_vllm_creates_none_or_untraced(case, line, profile, nvlink, tp, pp, eager):
    prof = get_profile(profile)  # h100-sxm's profile says NVLink (scripts/data/gpu-links.csv): PCIe where not
    hw = Hardware(replace(prof, interconnect="nvlink" if nvlink else "pcie"), tp * pp)
    assert fi_allreduce_workspace_bytes(VLLM_VERSIONS[line], hw, _spec(LLAMA_8B), 2, 8192, tp, pp, eager) == 0, case


def test_plan_counts_it_as_non_torch():
    # Qwen2.5-72B at TP 2, vLLM 0.19.0, utilization 0.95, max_model_len 8192 (V59, qwen-qwen2-5-72b-instruc--h100-80gb
    # --tp2pp1dp1--8192.log): logged non-torch 2.09 GiB and 3.04 GiB of KV per rank. The workspace is 1.5 GiB of it;
    # the plan's non-torch is 0.13 + 0.41 (0.11's TP 2 figure) + 1.5 = 2.04 GiB.
    spec = _spec("Qwen/Qwen2.5-72B-Instruct")
    opts = VllmOptions(tensor_parallel_size=2, gpu_memory_utilization=0.95, max_model_len=8192, vllm_version="0.19.0")
    with_ws = plan_vllm(spec, _nvswitch(), opts)
    without = plan_vllm(spec, Hardware(get_profile("h100-pcie"), 2), opts)  # PCIe: no multicast, no workspace
    assert with_ws.non_torch_bytes - without.non_torch_bytes == int(1.5 * GIB)
    assert with_ws.non_torch_bytes / GIB == pytest.approx(2.09, abs=0.1)
    assert with_ws.kv_cache_bytes / GIB == pytest.approx(3.04, rel=0.10)


def test_plan_says_so_in_its_notes():
    spec = _spec(LLAMA_8B)
    opts = VllmOptions(tensor_parallel_size=2, vllm_version="0.19.0")
    assert any("all-reduce fusion workspace, 1.50 GiB" in n for n in plan_vllm(spec, _nvswitch(), opts).notes)
    eager = replace(opts, enforce_eager=True)
    assert not any("all-reduce fusion" in n for n in plan_vllm(spec, _nvswitch(), eager).notes)
