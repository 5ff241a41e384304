"""Latency maths for live probes: from timestamps and token counts to TTFT, inter-token latency,
decode rate, percentiles, cold-start detection, and Prometheus text. Pure: no clock, no network.

Definitions (docs/methodology.md section 6):
- TTFT is send -> first chunk that carries content (a role-only first chunk is not a token).
- Decode rate is (output_tokens - 1) / (last content - first content): the first token belongs to
  prefill, the same convention as llama-server's `predicted_per_second` and vLLM's TPOT.
- A chunk may carry several tokens, so per-token latency comes from counts, chunk gaps are kept apart.
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Sequence
from dataclasses import dataclass

# A first request counts as a cold start when it is this many times slower than the median of the
# rest and at least this many seconds slower: the reference report's Ollama run (22.9 s, then
# 2.1 s and 1.9 s) is 11x; ordinary jitter in that report (vLLM 0.6 / 0.8 / 1.9 s) stays under 3x.
COLD_RATIO = 3.0
COLD_MIN_EXTRA_S = 1.0
# Ollama reports load_duration on every request; a loaded model answers with a few milliseconds.
OLLAMA_LOAD_COLD_S = 0.5


@dataclass(frozen=True)
class RunTiming:
    ttft_s: float | None
    e2e_s: float | None
    decode_s: float | None  # first content -> last content
    decode_tokens_per_s: float | None
    itl_mean_s: float | None  # per token, from the decode time and the token count
    chunk_gap_p50_s: float | None
    chunk_gap_p90_s: float | None
    chunk_gap_p99_s: float | None
    content_chunks: int


def percentile(values: Sequence[float], pct: float) -> float | None:
    """Linear-interpolated percentile (numpy's default 'linear' method), None for no values."""
    data = sorted(v for v in values if v is not None)
    if not data:
        return None
    if len(data) == 1:
        return data[0]
    rank = (len(data) - 1) * pct / 100.0
    low = math.floor(rank)
    high = min(low + 1, len(data) - 1)
    return data[low] + (data[high] - data[low]) * (rank - low)


def run_timing(
    t_send: float, content_times: Sequence[float], t_end: float | None, output_tokens: int | None
) -> RunTiming:
    """Times are seconds on one monotonic clock; content_times are the arrivals of content chunks."""
    ttft = content_times[0] - t_send if content_times else None
    e2e = (t_end - t_send) if t_end is not None else None
    decode_s = content_times[-1] - content_times[0] if len(content_times) >= 2 else None
    tokens = output_tokens if output_tokens is not None else len(content_times)
    rate = itl = None
    if decode_s and decode_s > 0 and tokens >= 2:
        rate = (tokens - 1) / decode_s
        itl = decode_s / (tokens - 1)
    gaps = [b - a for a, b in zip(content_times, content_times[1:], strict=False)]
    return RunTiming(
        ttft_s=ttft,
        e2e_s=e2e,
        decode_s=decode_s,
        decode_tokens_per_s=rate,
        itl_mean_s=itl,
        chunk_gap_p50_s=percentile(gaps, 50),
        chunk_gap_p90_s=percentile(gaps, 90),
        chunk_gap_p99_s=percentile(gaps, 99),
        content_chunks=len(content_times),
    )


def spread(values: Sequence[float | None]) -> dict:
    """mean, p50, p90, p99, min, max of the values that exist; n counts them."""
    data = [v for v in values if v is not None]
    if not data:
        return {"n": 0, "mean": None, "p50": None, "p90": None, "p99": None, "min": None, "max": None}
    return {
        "n": len(data),
        "mean": statistics.fmean(data),
        "p50": percentile(data, 50),
        "p90": percentile(data, 90),
        "p99": percentile(data, 99),
        "min": min(data),
        "max": max(data),
    }


def cold_start_reason(
    first_ttft_s: float | None, other_ttfts_s: Sequence[float | None], load_duration_s: float | None
) -> str | None:
    """Why the first request of a probe looks like a cold start, or None."""
    if load_duration_s is not None and load_duration_s >= OLLAMA_LOAD_COLD_S:
        return f"server reports a model load of {load_duration_s:.2f} s (Ollama load_duration)"
    rest = [t for t in other_ttfts_s if t is not None]
    if first_ttft_s is None or not rest:
        return None
    typical = statistics.median(rest)
    if first_ttft_s >= COLD_RATIO * typical and first_ttft_s - typical >= COLD_MIN_EXTRA_S:
        return (
            f"first request took {first_ttft_s:.2f} s to its first token, "
            f"{first_ttft_s / typical:.1f}x the median {typical:.2f} s of the rest"
        )
    return None


def aggregate_throughput(output_tokens: Sequence[int | None], wall_s: float) -> float | None:
    total = sum(t for t in output_tokens if t)
    return total / wall_s if wall_s > 0 and total else None


def error_pct(predicted: float | None, measured: float | None) -> float | None:
    """Signed error of the prediction relative to the measurement, in percent."""
    if predicted is None or measured is None or measured == 0:
        return None
    return (predicted - measured) / measured * 100.0


def parse_prometheus(text: str) -> dict[str, float]:
    """Prometheus text exposition -> {'name{labels}': value}; labels kept as written, # lines skipped.

    Several series of one name (one per model or engine) are summed under the bare name as well, so
    a before/after difference of `vllm:generation_tokens_total` works whatever the labels are."""
    out: dict[str, float] = {}
    for raw in text.splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if "{" in line:
            if "}" not in line:
                continue  # a damaged series line: skipped like an unparsable value
            name = line[: line.index("{")]
            close = line.rindex("}")
            key = line[: close + 1]
            rest = line[close + 1 :].split()
        else:
            parts = line.split()
            name = key = parts[0]
            rest = parts[1:]
        if not rest:
            continue
        try:
            value = float(rest[0])
        except ValueError:
            continue
        if not math.isfinite(value):
            continue  # NaN/Inf counters cannot give a difference
        out[key] = value
        if key != name:
            out[name] = out.get(name, 0.0) + value
    return out


# vLLM histogram families whose _sum/_count differences give the server's own mean per request;
# names from vllm/v1/metrics/loggers.py (0.11). Older builds call TPOT time_per_output_token.
VLLM_HISTOGRAMS = {
    "ttft_s": ("vllm:time_to_first_token_seconds",),
    "tpot_s": ("vllm:time_per_output_token_seconds", "vllm:inter_token_latency_seconds"),
    "e2e_s": ("vllm:e2e_request_latency_seconds",),
    "queue_s": ("vllm:request_queue_time_seconds",),
    "prefill_s": ("vllm:request_prefill_time_seconds",),
    "decode_s": ("vllm:request_decode_time_seconds",),
}
VLLM_COUNTERS = {
    "prompt_tokens": "vllm:prompt_tokens_total",
    "generation_tokens": "vllm:generation_tokens_total",
}


def vllm_metrics_delta(before: dict[str, float], after: dict[str, float]) -> dict:
    """The server's own view of the requests sent between two /metrics scrapes."""
    out: dict = {}
    for field, names in VLLM_HISTOGRAMS.items():
        for name in names:
            s0, s1 = before.get(f"{name}_sum"), after.get(f"{name}_sum")
            c0, c1 = before.get(f"{name}_count"), after.get(f"{name}_count")
            if None not in (s0, s1, c0, c1) and c1 - c0 > 0:
                out[f"mean_{field}"] = (s1 - s0) / (c1 - c0)
                out[f"{field}_count"] = int(c1 - c0)
                break
    for field, name in VLLM_COUNTERS.items():
        if name in before and name in after:
            out[field] = int(after[name] - before[name])
    return out


def fit_two_terms(
    first: Sequence[float], second: Sequence[float], measured: Sequence[float]
) -> tuple[float, float] | None:
    """(a >= 0, b > 0) so that a x first_i + b x second_i matches measured_i in relative terms, or None.

    Minimises sum(((a f_i + b s_i) - m_i) / m_i)^2, a weighted linear least squares solved from its
    2 x 2 normal equations. None when the two terms cannot be told apart (fewer than two distinct
    ratios s_i / f_i) or the optimum has a < 0 or b <= 0: the caller then fits one scale."""
    pts = [(f, s, m) for f, s, m in zip(first, second, measured, strict=True) if m and m > 0]
    if len({round(s / f, 9) if f else math.inf for f, s, _ in pts}) < 2:
        return None
    a11 = sum((f / m) ** 2 for f, _, m in pts)
    a12 = sum(f * s / m**2 for f, s, m in pts)
    a22 = sum((s / m) ** 2 for _, s, m in pts)
    b1 = sum(f / m for f, _, m in pts)
    b2 = sum(s / m for _, s, m in pts)
    det = a11 * a22 - a12 * a12
    if det <= 1e-12 * a11 * a22:
        return None
    a = (b1 * a22 - b2 * a12) / det
    b = (a11 * b2 - a12 * b1) / det
    if a < 0 or b <= 0:
        return None
    return a, b


def fit_scale(predicted: Sequence[float], measured: Sequence[float]) -> float:
    """The s minimising sum((s p_i - m_i) / m_i)^2; 1.0 without points."""
    pts = [(p, m) for p, m in zip(predicted, measured, strict=True) if p and m and p > 0 and m > 0]
    if not pts:
        return 1.0
    return sum(p / m for p, m in pts) / sum((p / m) ** 2 for p, m in pts)


def fit_overhead_and_scale(predicted_s: Sequence[float], measured_s: Sequence[float]) -> tuple[float, float]:
    """(overhead o >= 0, scale s > 0) so that o + s x predicted matches measured, in relative terms.

    TTFT is a prefill time plus a fixed cost per request (HTTP, tokenisation, scheduling); the fixed
    part only shows against several prompt lengths, so with fewer than two distinct predictions, or
    when the best overhead would be negative, o is 0 and s the least-squares scale alone."""
    pts = [(p, m) for p, m in zip(predicted_s, measured_s, strict=True) if p and m and p > 0 and m > 0]
    if not pts:
        return 0.0, 1.0
    both = fit_two_terms([1.0] * len(pts), [p for p, _ in pts], [m for _, m in pts])
    if both is None:
        return 0.0, fit_scale([p for p, _ in pts], [m for _, m in pts])
    return both
