"""Helpers every comparison of predictions with measurements shares (validate, load curves, calibrate)."""

from __future__ import annotations

from planner.core import measure
from planner.core.speed import Deployment, default_backend
from planner.errors import UsageError
from planner.results import MetricComparison


def deployment_of(ctx) -> Deployment:
    gguf = ctx.resolved.gguf
    return Deployment(
        engine=ctx.engine,
        backend=ctx.backend,
        dtype="fp16" if ctx.dtype == "auto" else ctx.dtype,
        quantization=ctx.quantization,
        quant=gguf.quant if gguf is not None else None,
        weights_bytes=gguf.tensor_bytes if gguf is not None else None,
    )


def backend_of(ctx) -> str:
    return (ctx.backend or default_backend(ctx.engine, ctx.hw)).lower()


def comparison(metric: str, predicted: float | None, measured: float | None, unit: str, **where) -> MetricComparison:
    return MetricComparison(metric, predicted, measured, unit, measure.error_pct(predicted, measured), where)


def chosen_probes(probes: list[dict], probe_index: int | None) -> list[tuple[int, dict]]:
    """(index, probe) of a results file's probes: all of them, or the one --probe names (negative from the end)."""
    if probe_index is None:
        return list(enumerate(probes))
    if not -len(probes) <= probe_index < len(probes):
        raise UsageError("--probe", probe_index, f"the file holds {len(probes)} probes")
    return [(probe_index % len(probes), probes[probe_index])]
