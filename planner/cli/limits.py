"""The range of every numeric flag and the shape of every free-text flag, declared once, by flag name.

``apply_limits(app)`` wraps each registered command so its flags are checked against this table
before it runs, so every command rejects the same way: ``--gpus 10**18`` or ``--idle-timeout nan``
is a usage error naming the flag (exit 2) before any work starts. The bounds are sanity limits far
above real deployments (planner.schemas has the model-side ones); they exist so no number a user
types can make the planner loop or allocate in proportion to it.
"""

from __future__ import annotations

import functools
import math
import re

from planner.errors import UsageError
from planner.schemas import MAX_CONTEXT

MAX_GPUS = 4096
MAX_TOKENS = MAX_CONTEXT
MAX_SECONDS = 7 * 24 * 3600.0


class Bounded:
    """A finite int or float in [lo, hi] (open at lo when open_lo)."""

    def __init__(self, kind: type, lo: float, hi: float, *, open_lo: bool = False) -> None:
        self.kind, self.lo, self.hi, self.open_lo = kind, lo, hi, open_lo

    def problem(self, value: object) -> str | None:
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            return "must be a number"
        if isinstance(value, float) and not math.isfinite(value):
            return "must be a finite number"
        low_ok = value > self.lo if self.open_lo else value >= self.lo
        if low_ok and value <= self.hi:
            return None
        if self.kind is int and self.lo == 1:
            return f"must be positive, at most {self.hi:,}"
        if self.kind is int and self.lo == 0:
            return f"must be 0 or more, at most {self.hi:,}"
        bracket = "(" if self.open_lo else "["
        return f"must be in {bracket}{self.lo:g}, {self.hi:g}]"


class Shaped:
    """A string that matches a pattern (case-insensitive); the message gives an example."""

    def __init__(self, pattern: str, example: str, reason: str = "not valid") -> None:
        self.pattern = re.compile(pattern, re.IGNORECASE)
        self.example = example
        self.reason = reason

    def problem(self, value: object) -> str | None:
        text = str(value)
        if len(text) > 1000 or not self.pattern.fullmatch(text):
            return f"{self.reason} (e.g. {self.example})"
        return None


_ENGINE = r"(vllm|ollama|llamacpp|llama\.cpp|llama-cpp)"
_WORD = r"\s*[A-Za-z0-9][A-Za-z0-9_.+-]{0,63}\s*"  # a name: dtype, quant, backend, version, family
_COUNTS = r"\s*[1-9]\d{0,3}(\s*,\s*[1-9]\d{0,3}){0,63}\s*"  # up to 9999 streams, 64 levels

# flag -> its rule. An option not listed is checked by its command only.
LIMITS: dict[str, Bounded | Shaped] = {
    # hardware
    "--gpus": Bounded(int, 1, MAX_GPUS),
    # capacity: a load no fleet of MAX_GPUS serves is a typo, not a plan
    "--rate": Bounded(float, 0.0, 1e6, open_lo=True),
    "--users": Bounded(int, 1, 10**6),
    "--think-time": Bounded(float, 0.0, MAX_SECONDS),
    "--max-gpus": Bounded(int, 1, MAX_GPUS),
    "--gpus-per-node": Bounded(int, 1, 64),
    "--ttft-p95": Bounded(float, 0.0, MAX_SECONDS, open_lo=True),
    "--tpot-p95": Bounded(float, 0.0, MAX_SECONDS, open_lo=True),
    "--seed": Bounded(int, 0, 2**63 - 1),
    # probe --rate/--users (lists: planner.planning.load_probe bounds each value and the requests planned)
    "--duration": Bounded(float, 0.0, 24 * 3600.0, open_lo=True),
    "--slots": Bounded(int, 1, 65_536),
    "--requests": Bounded(int, 1, 10**6),
    # vLLM
    "--max-model-len": Bounded(int, 1, MAX_TOKENS),
    "--tensor-parallel-size": Bounded(int, 1, MAX_GPUS),
    "--pipeline-parallel-size": Bounded(int, 1, MAX_GPUS),
    "--max-num-seqs": Bounded(int, 1, 65_536),
    "--max-num-batched-tokens": Bounded(int, 1, MAX_TOKENS),
    "--block-size": Bounded(int, 1, 65_536),
    "--gpu-memory-utilization": Bounded(float, 0.0, 1.0, open_lo=True),
    "--cpu-offload-gb": Bounded(float, 0.0, 2.0**20),  # GiB
    "--swap-space": Bounded(float, 0.0, 2.0**20),  # GiB
    "--vllm-version": Shaped(_WORD, "0.11 or latest", "not a vLLM version"),  # the engine lists the known
    # llama.cpp (0 for --ctx-size is llama.cpp's "the model's context"; -1 for -ngl is "all")
    "--ctx-size": Bounded(int, 0, MAX_TOKENS),
    "--ubatch-size": Bounded(int, 1, MAX_TOKENS),
    "--batch-size": Bounded(int, 1, MAX_TOKENS),
    "--parallel": Bounded(int, 1, 65_536),
    "--n-gpu-layers": Bounded(int, -1, 100_000),
    "--n-cpu-moe": Bounded(int, 0, 100_000),
    "--mmproj": Shaped(r".{1,4096}", "mmproj-model-f16.gguf", "not a file path"),
    # Ollama
    "--num-ctx": Bounded(int, 1, MAX_TOKENS),
    "--num-parallel": Bounded(int, 1, 65_536),
    "--num-gpu": Bounded(int, -1, 100_000),
    # requests
    "--prompt-tokens": Bounded(int, 1, MAX_TOKENS),
    "--output-tokens": Bounded(int, 1, MAX_TOKENS),
    "--context-depth": Bounded(int, 0, MAX_TOKENS),
    "--concurrency": Shaped(_COUNTS, "1,4,16"),
    "--runs": Bounded(int, 1, 10_000),
    "--warmup": Bounded(int, 0, 10_000),
    "--probe": Bounded(int, -1_000_000, 1_000_000),
    # time-outs (seconds)
    "--timeout": Bounded(float, 0.0, MAX_SECONDS, open_lo=True),
    "--connect-timeout": Bounded(float, 0.0, MAX_SECONDS, open_lo=True),
    "--first-token-timeout": Bounded(float, 0.0, MAX_SECONDS, open_lo=True),
    "--idle-timeout": Bounded(float, 0.0, MAX_SECONDS, open_lo=True),
    # names
    "--engine": Shaped(
        rf"\s*(all|{_ENGINE}(\s*,\s*{_ENGINE}){{0,2}})\s*", "all, vllm or llamacpp,ollama", "unknown engine"
    ),
    "--quant": Shaped(_WORD, "Q4_K_M"),
    "--dtype": Shaped(_WORD, "fp16"),
    "--quantization": Shaped(_WORD, "gptq"),
    "--kv-cache-dtype": Shaped(_WORD, "fp8"),
    "--backend": Shaped(_WORD, "rocm"),
    "--hardware": Shaped(_WORD, "mi50-16gb"),
    "--ollama-estimator": Shaped(r"\s*(new|old)\s*", "new or old", "not an Ollama estimator"),
    "--ollama-version": Shaped(r"\s*v?\d{1,4}\.\d{1,4}(\.\d{1,4})?\s*", "0.16.1"),
    "--family": Shaped(_WORD, "qwen2.5"),
    "--goal": Shaped(_WORD, "latency"),
    "--prompts": Shaped(r"\s*(short|medium|long)(\s*,\s*(short|medium|long)){0,2}\s*", "short,long"),
    "--max-latency": Shaped(r"\s*\d{1,9}(\.\d{1,9})?\s*(ms|s)?\s*", "2s or 1500ms"),
}


def check_flags(params: list, values: dict) -> None:
    """Check each given option against LIMITS; params are the command's click parameters (name, opts)."""
    for param in params:
        opts = [o for o in getattr(param, "opts", ()) if o.startswith("--")]
        name = getattr(param, "name", None)
        rule = next((LIMITS[o] for o in opts if o in LIMITS), None)
        if rule is None or name not in values or values[name] is None:
            continue
        value = values[name]
        if isinstance(rule, Bounded) and isinstance(value, str):
            continue  # a text flag (capacity's `uniform:400-1200` lengths): its command parses and bounds it
        reason = rule.problem(value)
        if reason is not None:
            shown = value if not isinstance(value, str) or len(value) <= 60 else value[:57] + "..."
            raise UsageError(opts[0], repr(shown) if isinstance(value, str) else shown, reason)


def checked(callback):
    """Wrap a command function so its flags are checked against LIMITS before it runs."""

    @functools.wraps(callback)
    def run(*args, **kwargs):
        try:  # typer >= 0.20 vendors its own click; older releases use the click package
            from typer._click.globals import get_current_context
        except ImportError:  # pragma: no cover
            from click import get_current_context

        ctx = get_current_context(silent=True)
        if ctx is not None:
            check_flags(ctx.command.params, kwargs)
        return callback(*args, **kwargs)

    return run


def apply_limits(app) -> None:
    """Wrap every command registered on a typer app (and its sub-apps) with ``checked``."""
    for info in app.registered_commands:
        if info.callback is not None and not getattr(info.callback, "__wrapped__", None):
            info.callback = checked(info.callback)
    for group in app.registered_groups:
        if group.typer_instance is not None:
            apply_limits(group.typer_instance)


__all__ = ["LIMITS", "apply_limits", "check_flags", "checked"]
