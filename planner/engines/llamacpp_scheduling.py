"""How llama-server runs its slots' steps: where it splits a prompt, and what one step costs on a CPU. Pure.

Each iteration of llama-server's loop (tools/server/server-context.cpp update_slots / pre_decode) builds ONE
batch: the sampled token of every generating slot (logits on), then prompt tokens of the slots still
reading their prompt while the batch holds fewer than n_batch tokens (logits on the prompt's last token
only); llama_decode runs it in micro-batches of n_ubatch tokens. With context checkpoints (on by default,
n_ctx_checkpoints 32, for a model with sliding-window or recurrent layers) a prompt's batch stops
min(n_batch, offset) tokens before the prompt's end for each offset in {4 + n_ubatch, 4}, so the last
4 tokens of every prompt run in a step of their own (llama.cpp PR #20288).

The CPU step (one thread reads the weights and does the arithmetic, so the parts add up):

    step = u x read / decode  +  (tokens x gemm_token + attention + outputs x lm_head) / prefill  +  kv / (decode x kv)
           + outputs x output_s

u micro-batches each read every weight once (speed.ModelWork.read_bytes at the speed model's weight-read
bandwidth, plus the fixed per-layer cost); every token (prompt or decode) runs the transformer's GEMMs,
2 x (params - lm_head) FLOPs, at the prefill GEMM rate; only the `outputs` tokens (one per generating slot
and per prompt that ends in the step) run the output head, 2 x vocab x hidden FLOPs (llama.cpp keeps the
rows of the output tokens before the head: inp_out_ids); attention at each token's depth; the KV read of
the decoding slots; output_s the server's per-output-token work outside the graph (sampling over the whole
vocabulary, detokenising and streaming the token). `decode`, `prefill` and `output_s` are the calibration's
(docs/methodology.md section 8).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

CHECKPOINT_TAIL = 4  # tokens before a prompt's end where llama-server stops the batch (checkpoint_offsets)
N_CTX_CHECKPOINTS = 32  # common.h default: > 0, so checkpoints are on


def prompt_breaks(checkpoints: bool, n_batch: int, n_ubatch: int) -> tuple[int, ...]:
    """The scheduler's prompt_breaks of llama-server: none without context checkpoints."""
    if not checkpoints or N_CTX_CHECKPOINTS <= 0:
        return ()
    return tuple(sorted({min(n_batch, CHECKPOINT_TAIL + n_ubatch), min(n_batch, CHECKPOINT_TAIL)}, reverse=True))


def needs_checkpoints(sliding_layers: int, recurrent: bool = False) -> bool:
    """llama-server checkpoints a model whose memory cannot be rolled back: SWA (without --swa-full) or
    recurrent layers (do_checkpoint in update_slots)."""
    return sliding_layers > 0 or recurrent


@dataclass(frozen=True)
class CpuStepParts:
    """The unit costs of a llama.cpp step on a CPU (seconds, before the calibration's factors)."""

    read_s: float  # one micro-batch's weight read and fixed per-layer cost
    token_s: float  # the transformer GEMMs of one token
    output_s: float  # the output head of one output token
    attention_s: float  # attention of one token per context position it attends to (all layers)
    kv_s: float  # the KV read of one decoding slot per context position it attends to
    ubatch: int
    attended: Callable[[float], float]  # positions attended at a depth, summed over layers (ModelWork.attended)

    def split(self, decode_seqs: int, decode_depth: float, prompt_tokens: int, prompt_depth: float):
        """(time scaled by 1/decode, time scaled by 1/prefill, KV time scaled by 1/(decode x kv))."""
        tokens = decode_seqs + prompt_tokens
        reads = max(1, math.ceil(tokens / self.ubatch))
        # causal prompt tokens see on average half of their own chunk
        seen = decode_seqs * self.attended(decode_depth)
        seen += prompt_tokens * self.attended(prompt_depth + prompt_tokens / 2) if prompt_tokens else 0.0
        compute = tokens * self.token_s + decode_seqs * self.output_s + seen * self.attention_s
        return reads * self.read_s, compute, decode_seqs * self.attended(decode_depth) * self.kv_s


def cpu_step(parts: CpuStepParts, decode: float, prefill: float, kv: float, output_s: float = 0.0):
    """The StepTime of planner.core.simulate for `parts` with the calibration's factors; `output_s` is the
    server's own work per output token of a step (sampling over the vocabulary, detokenising, streaming the
    token: tools/server, common/sampling.cpp), paid once per generating slot."""

    def step(decode_seqs: int, decode_depth: float, prompt_tokens: int, prompt_depth: float) -> float:
        read, compute, kv_read = parts.split(decode_seqs, decode_depth, prompt_tokens, prompt_depth)
        return read / decode + compute / prefill + kv_read / (decode * kv) + max(0, decode_seqs - 1) * output_s

    return step
