"""Tensor-parallel all-reduces and the step time of a vLLM engine step on one or several GPUs. Pure.

The serving simulation (planner.core.simulate) times every vLLM step with these; the single-request
speed model (planner.core.speed) keeps its own terms. docs/methodology.md section 8 "Step times".

All-reduce of S bytes over n ranks (NCCL's ring, and the cost model nccl-tests uses:
doc/PERFORMANCE.md, bus bandwidth = algorithm bandwidth x 2(n-1)/n)::

    t = latency + S x 2(n-1)/n / link bandwidth

The latency is the collective's fixed cost. vLLM replaces NCCL for small messages with its own
all-reduce (vllm/distributed/device_communicators/custom_all_reduce.py: CUDA, 2/4/6/8 ranks, fully
NVLink-connected above 2 ranks, messages up to max_size = 8 MiB; one kernel that reads the peers'
buffers over NVLink). Its measured latency at 8 ranks is 10 us for 0.5-4 KiB messages (H100, vLLM's kernel,
the table in sgl-project/sglang PR #2904); NCCL's small-message all-reduce costs tens of microseconds
(the 50 us prior of speed.DEFAULT_COMMUNICATION, used on PCIe and xGMI links and for larger messages).

A step (vLLM runs one forward over all of a step's tokens, chunked prefill and decodes together):

    weights   max(weight bytes per rank / bandwidth, 2 x active params x tokens / ranks / GEMM rate)
    layers    layers x the backend's fixed per-layer cost
    comm      2 all-reduces per layer (attention output, MLP output) of tokens x hidden x 2 bytes
    attention the prompt tokens' attention FLOPs at their depth; the decoding sequences' KV reads
    dequant   only for quantized weights (GPTQ/AWQ/int8 kernels dequantise on the vector units);
              16-bit weights are multiplied as stored, no dequantisation (vLLM's UnquantizedLinearMethod
              calls F.linear, a cuBLAS/hipBLASLt GEMM), so no dequantisation is charged to them.
              On CUDA GPUs of compute capability 8.0 and later vLLM runs GPTQ/AWQ checkpoints through the
              Marlin kernels (gptq_marlin.py / awq_marlin.py: get_min_capability() = 80), which dequantise in
              registers inside the tensor-core GEMM (Frantar et al., "MARLIN", arXiv 2408.11743: near the
              fp16 GEMM rate at large batch), so a prompt chunk is not charged the vector-unit pass there.
"""

from __future__ import annotations

from dataclasses import dataclass

from planner.core.hardware import cuda_capability

# vLLM's custom all-reduce: its kernel at 8 ranks on H100, 0.5-4 KiB messages (sglang PR #2904 measured
# vLLM's kernel: 9.1-10.1 us at 2/4/8 ranks); messages up to its 8 MiB buffer (custom_all_reduce.py max_size).
CUSTOM_ALLREDUCE_LATENCY_S = 10e-6
CUSTOM_ALLREDUCE_MAX_BYTES = 8 * 1024 * 1024
CUSTOM_ALLREDUCE_RANKS = (2, 4, 6, 8)
ACTIVATION_BYTES = 2  # 16-bit activations


def allreduce_seconds(nbytes: float, ranks: int, link_bytes_per_s: float, latency_s: float) -> float:
    """One ring all-reduce of `nbytes` over `ranks` GPUs: latency + S x 2(n-1)/n / link."""
    if ranks <= 1:
        return 0.0
    return latency_s + nbytes * 2.0 * (ranks - 1) / ranks / link_bytes_per_s


@dataclass(frozen=True)
class TensorParallel:
    """How one rank talks to the others: how many, the link (bytes/s per direction), the latencies."""

    ranks: int
    link_bytes_per_s: float
    nccl_latency_s: float  # NCCL/RCCL all-reduce fixed cost
    custom_allreduce: bool = False  # vLLM's custom all-reduce applies (CUDA, NVLink, 2/4/6/8 ranks)

    @classmethod
    def for_vllm(
        cls, ranks: int, platform: str, interconnect: str, link_gbps: float, nccl_latency_s: float
    ) -> TensorParallel:
        custom = platform == "cuda" and ranks in CUSTOM_ALLREDUCE_RANKS and interconnect == "nvlink"
        return cls(ranks, link_gbps * 1e9, nccl_latency_s, custom)

    def allreduce(self, nbytes: float) -> float:
        small = self.custom_allreduce and nbytes <= CUSTOM_ALLREDUCE_MAX_BYTES
        latency = CUSTOM_ALLREDUCE_LATENCY_S if small else self.nccl_latency_s
        return allreduce_seconds(nbytes, self.ranks, self.link_bytes_per_s, latency)

    def per_forward(self, tokens: int, hidden_size: int, layers: int) -> float:
        """Two all-reduces per layer of the step's activations (tokens x hidden x 2 bytes)."""
        if self.ranks <= 1:
            return 0.0
        return 2 * layers * self.allreduce(tokens * hidden_size * ACTIVATION_BYTES)


def vllm_step_parts(
    work,
    rates,
    tp: TensorParallel,
    *,
    decode_seqs: int,
    decode_depth: float,
    prompt_tokens: int,
    prompt_depth: float,
    quantized: bool,
    fused_dequant: bool = False,
) -> tuple[float, float]:
    """(depth-free seconds, decode KV-read seconds) of one vLLM step: one forward over the decodes'
    tokens and `prompt_tokens` prompt tokens starting at mean depth `prompt_depth`. `work` is a
    speed.ModelWork, `rates` a speed.Rates (the fitted efficiencies, unchanged). `fused_dequant`: the
    quantized GEMM dequantises inside the tensor-core kernel (Marlin), see marlin_fused()."""
    n = decode_seqs + prompt_tokens
    ranks = tp.ranks
    read = work.read_bytes(n) / ranks / rates.bandwidth
    flops = 2.0 * work.params_active * n / ranks
    if prompt_tokens:
        gemm = flops * (n + rates.gemm_half_tokens) / (n * rates.compute)  # GEMM efficiency at n tokens
        if quantized and not fused_dequant:
            gemm += flops * rates.vector_s_per_flop
    else:
        gemm = flops / rates.batch_compute
    t = max(read, gemm) + work.num_layers * rates.layer_overhead_s
    t += tp.per_forward(n, work.hidden_size, work.num_layers)
    if quantized and not prompt_tokens:
        t += 2.0 * work.params_active / ranks * rates.decode_vector_s_per_flop
    if prompt_tokens:  # causal: on average a prompt token sees half of its chunk
        mid = prompt_depth + prompt_tokens / 2
        t += prompt_tokens * work.attention_flops(mid) / ranks / rates.attention
    kv = decode_seqs * work.kv_read_bytes(decode_depth) / ranks / rates.kv_bandwidth
    return t, kv


def marlin_fused(platform: str, arch: str) -> bool:
    """vLLM's Marlin kernels serve GPTQ/AWQ weights: CUDA, compute capability 8.0 or later ("sm80" on)."""
    sm = cuda_capability(arch) if platform == "cuda" else None
    return sm is not None and sm >= 80
