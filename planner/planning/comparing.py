"""Helpers every comparison of predictions with measurements shares (validate, load curves, calibrate)."""

from __future__ import annotations

from planner.core import measure
from planner.core.speed import Deployment, default_backend
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
