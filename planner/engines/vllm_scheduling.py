"""Which scheduler `vllm serve` runs, per vLLM version and flags: its rules and its budgets. Pure.

- V1 (0.8.0 on; vllm/v1/core/sched/scheduler.py): chunked prefill always, decodes first, then waiting
  prompts in chunks, within max_num_batched_tokens; the budgets are the version's `vllm serve` defaults
  (planner.engines.vllm.scheduler_defaults: 2048 tokens / 256 sequences for the OpenAI server in 0.8, the
  device tiers later, the A100 held to the smallest).
- V0 without chunked prefill (vllm/core/scheduler.py _schedule_default, the V0 default below a 32K
  context): prefills first ("By default, vLLM scheduler prioritizes prefills and doesn't batch prefill and
  decode to the same batch", vLLM 0.6 docs/source/models/performance.rst, quoted in PR #7874): whole prompts
  in prefill-only steps; max_num_batched_tokens = max(max_model_len, 2048) (vllm/config.py SchedulerConfig).
- V0 with chunked prefill (--enable-chunked-prefill, or on by default above a 32K context in 0.5-0.6
  arg_utils): decodes first, then prompt chunks, like V1, within 512 tokens ("By default, it is set to 512,
  which has the best ITL on A100 in the initial benchmark", vLLM PR #4580, the same performance.rst).
- An explicit --max-num-batched-tokens / --max-num-seqs wins in every version.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from planner.core.hardware import Hardware
from planner.engines.vllm import VllmOptions, resolve_version, scheduler_defaults

V0_CHUNKED_TOKENS = 512
V0_LONG_CONTEXT = 32768  # 0.5-0.6 arg_utils: chunked prefill on by default above this max_model_len
V0_MIN_TOKENS = 2048


@dataclass(frozen=True)
class VllmScheduling:
    engine: str  # V1 | V0
    chunked_prefill: bool
    max_num_batched_tokens: int
    max_num_seqs: int

    @property
    def prefill_first(self) -> bool:
        return not self.chunked_prefill


def version_key(name: str | None) -> str | None:
    """A release before 0.8 (0.5.x, 0.6.2, 0.7.3) is the V0 engine; anything else as --vllm-version reads it."""
    if name is None:
        return None
    parts = name.strip().lower().lstrip("v").split(".")
    if len(parts) >= 2 and parts[0] == "0" and parts[1].isdigit() and int(parts[1]) < 8:
        return "v0"
    return name


def vllm_options_for(opts: VllmOptions) -> VllmOptions:
    """The options with a pre-0.8 release named as the V0 line the memory plan knows."""
    key = version_key(opts.vllm_version)
    return opts if key == opts.vllm_version else replace(opts, vllm_version=key)


def vllm_scheduling(
    hw: Hardware, opts: VllmOptions, max_model_len: int, *, chunked_prefill: bool | None = None
) -> VllmScheduling:
    """The scheduler `vllm serve` runs with these options (chunked_prefill: --enable-chunked-prefill given
    explicitly, True or False; None: the version's default)."""
    opts = vllm_options_for(opts)
    version = resolve_version(opts.vllm_version, hw)
    tokens, seqs = scheduler_defaults(hw, opts, version, max_model_len)
    if version.v1:
        return VllmScheduling("V1", True, tokens, seqs)
    if chunked_prefill is None:
        chunked_prefill = getattr(opts, "enable_chunked_prefill", None)
    if chunked_prefill is None:
        chunked_prefill = max_model_len > V0_LONG_CONTEXT
    default = V0_CHUNKED_TOKENS if chunked_prefill else max(max_model_len, V0_MIN_TOKENS)
    return VllmScheduling("V0", chunked_prefill, opts.max_num_batched_tokens or default, seqs)
