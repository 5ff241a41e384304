"""Plots for people who would rather look than read: .svg, .png or .html, the plotted numbers inside.

matplotlib is imported only when a plot is asked for (the optional extra ``mi50plan[plot]``). Every
file carries the data it draws as JSON: an SVG in a ``<desc id="mi50plan-data">`` element, a PNG in a
``mi50plan-data`` tEXt chunk, an HTML page in a ``<script type="application/json" id="mi50plan-data">``
element beside the inline SVG, so a reader (or a test) can check the figure against the numbers.
"""

from __future__ import annotations

import io
import json
import math
import os
from html import escape
from pathlib import Path

from planner.errors import UsageError
from planner.sources.files import write_atomic

FORMATS = (".svg", ".png", ".html")
DATA_KEY = "mi50plan-data"


def check_plot_path(path: str | Path) -> Path:
    """The plot file's path, or a UsageError naming the formats or why it cannot be written (before any
    work is done)."""
    p = Path(path)
    if p.suffix.lower() not in FORMATS:
        raise UsageError("--plot", str(path), "unknown plot format", hint="end the file name in .svg, .png or .html")
    if p.is_dir():
        raise UsageError("--plot", str(path), "is a folder", hint="name a file in it, e.g. plot.svg")
    folder = p.parent
    while not folder.exists() and folder != folder.parent:
        folder = folder.parent
    if not folder.is_dir() or not os.access(folder, os.W_OK | os.X_OK):
        raise UsageError("--plot", str(path), f"cannot write into {folder}", hint="choose a folder you can write to")
    return p


def _pyplot():
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        raise UsageError(
            "--plot", None, "plots need matplotlib", hint="pip install 'mi50plan[plot]' (or pip install matplotlib)"
        ) from None
    return plt


def _clean(value):
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, dict):
        return {k: _clean(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_clean(v) for v in value]
    return value


def _write(path: Path, content: str | bytes) -> Path:
    """write_atomic, then the permissions a plain open() would give (mkstemp makes the file 0600)."""
    write_atomic(path, content)
    mask = os.umask(0)
    os.umask(mask)
    os.chmod(path, 0o666 & ~mask)
    return path


def save(fig, path: Path, data: dict, title: str) -> Path:
    """Write `fig` to `path` (format from the suffix) with `data` embedded as JSON, atomically (a
    temporary file renamed over the target); returns the path."""
    text = json.dumps(_clean(data), separators=(",", ":"), allow_nan=False)
    suffix = path.suffix.lower()
    if suffix == ".png":
        png = io.BytesIO()
        fig.savefig(png, format="png", dpi=110, metadata={"Title": title, DATA_KEY: text})
        return _write(path, png.getvalue())
    buf = io.StringIO()
    fig.savefig(buf, format="svg", metadata={"Title": title})
    svg = buf.getvalue()
    start = svg.index("<svg")
    if suffix == ".svg":
        close = svg.index(">", start) + 1
        svg = svg[:close] + f'\n <desc id="{DATA_KEY}">{escape(text, quote=False)}</desc>' + svg[close:]
        return _write(path, svg)
    body = svg[start:]
    page = (
        '<!DOCTYPE html>\n<html><head><meta charset="utf-8"><title>'
        + escape(title)
        + "</title></head><body>\n"
        + body
        + f'\n<script type="application/json" id="{DATA_KEY}">'
        + text.replace("</", "<\\/")
        + "</script>\n</body></html>\n"
    )
    return _write(path, page)


def capacity_plot(plan: dict, path: str | Path) -> Path:
    """p95 TTFT and p95 TPOT against request rate per candidate (targets drawn), and cost (or GPUs)
    against p95 end-to-end latency with the Pareto frontier. `plan` is CapacityPlan.to_dict()."""
    path = check_plot_path(path)
    plt = _pyplot()
    rows = [c for c in plan["candidates"] if c.get("curve")]
    fig, (ax_ttft, ax_tpot, ax_cost) = plt.subplots(1, 3, figsize=(15, 4.6))
    series = []
    for c in rows:
        rates = [p["rate"] for p in c["curve"]]
        ttft = [p["ttft_p95_s"] for p in c["curve"]]
        tpot = [p["tpot_p95_s"] for p in c["curve"]]
        ax_ttft.plot(rates, ttft, marker="o", ms=3, label=c["label"])
        ax_tpot.plot(rates, [t * 1000 for t in tpot], marker="o", ms=3, label=c["label"])
        series.append({"label": c["label"], "rate": rates, "ttft_p95_s": ttft, "tpot_p95_s": tpot})
    targets = plan.get("targets", {})
    if targets.get("ttft_p95_s"):
        ax_ttft.axhline(targets["ttft_p95_s"], color="red", ls="--", lw=1, label="TTFT target")
    if targets.get("tpot_p95_s"):
        ax_tpot.axhline(targets["tpot_p95_s"] * 1000, color="red", ls="--", lw=1, label="TPOT target")
    ax_ttft.set(xlabel="requests/s per replica", ylabel="p95 TTFT (s)", title="Time to first token", yscale="log")
    ax_tpot.set(xlabel="requests/s per replica", ylabel="p95 TPOT (ms)", title="Time per output token")
    ax_ttft.legend(fontsize=7)
    priced = plan.get("price_per_hour") is not None
    points = []
    for c in plan["candidates"]:
        if not c["meets_slo"] or c["e2e_p95_s"] is None:
            continue
        cost = c["cost_per_hour"] if priced else c["gpus"]
        points.append({"label": c["label"], "cost": cost, "e2e_p95_s": c["e2e_p95_s"], "pareto": c["pareto"]})
        ax_cost.scatter([c["e2e_p95_s"]], [cost], color="tab:blue" if c["pareto"] else "tab:gray")
        ax_cost.annotate(c["label"], (c["e2e_p95_s"], cost), fontsize=7, xytext=(3, 3), textcoords="offset points")
    front = sorted((p for p in points if p["pareto"]), key=lambda p: p["e2e_p95_s"])
    if front:
        ax_cost.step(
            [p["e2e_p95_s"] for p in front],
            [p["cost"] for p in front],
            where="post",
            color="tab:blue",
            label="Pareto frontier",
        )
        ax_cost.legend(fontsize=7)
    ax_cost.set(
        xlabel="p95 end-to-end latency (s)",
        ylabel="USD per hour" if priced else "GPUs",
        title="Cost against latency at the asked load",
    )
    load = plan.get("load", {})
    lengths = f"{load.get('prompt_tokens')} in / {load.get('output_tokens')} out"
    title = f"{plan['model']} on {plan['hardware']}: capacity ({lengths})"
    fig.suptitle(title, fontsize=10)
    fig.tight_layout()
    data = {
        "kind": "capacity",
        "targets": targets,
        "series": series,
        "cost_points": points,
        "cost_axis": "cost_per_hour" if priced else "gpus",
    }
    try:
        return save(fig, path, data, title)
    finally:
        plt.close(fig)


GIB = 2**30
PARTS = (
    ("weights_bytes", "weights", "tab:blue"),
    ("kv_cache_bytes", "KV cache", "tab:orange"),
    ("compute_bytes", "activations / compute buffers", "tab:green"),
    ("overhead_bytes", "overheads", "tab:gray"),
)


def fit_plot(curves, path: str | Path) -> Path:
    """Memory against context length per engine plan: weights, KV cache, compute buffers and overheads
    stacked, the engine's budget, the cards' memory and where it stops fitting. `curves` is a
    planner.results.MemoryCurves (planner.api.memory_curves); its to_dict() is embedded."""
    path = check_plot_path(path)
    plt = _pyplot()
    rows = [c for c in curves.curves if c.points]
    fig, axes = plt.subplots(1, max(1, len(rows)), figsize=(5.2 * max(1, len(rows)), 4.4), squeeze=False)
    for ax, c in zip(axes[0], rows, strict=False):
        ctx = [p.context for p in c.points]
        stacks = [[getattr(p, key) / GIB for p in c.points] for key, _, _ in PARTS]
        ax.stackplot(ctx, *stacks, labels=[name for _, name, _ in PARTS], colors=[col for *_, col in PARTS], alpha=0.8)
        ax.axhline(c.budget_bytes / GIB, color="red", ls="--", lw=1.2, label=f"budget ({c.budget_bytes / GIB:.1f} GiB)")
        ax.axhline(
            c.memory_bytes / GIB, color="black", ls=":", lw=1, label=f"GPU memory ({c.memory_bytes / GIB:.1f} GiB)"
        )
        if c.max_context:
            ax.axvline(c.max_context, color="purple", lw=1.2, label=f"max context {c.max_context:,}")
        bad = [p.context for p in c.points if not p.fits]
        if bad:
            ax.axvspan(min(bad), max(ctx), color="red", alpha=0.08, label="does not fit")
        ax.set_xscale("log", base=2)
        ax.set(xlabel="context length (tokens)", ylabel=f"GiB on {c.gpus} GPU(s)", title=f"{c.label} (KV {c.kv_type})")
        ax.legend(fontsize=7, loc="upper left")
    title = f"{curves.model} on {curves.hardware.count} x {curves.hardware.display_name}: memory against context"
    fig.suptitle(title, fontsize=10)
    fig.tight_layout()
    try:
        return save(fig, path, {"kind": "fit", **curves.to_dict()}, title)
    finally:
        plt.close(fig)


def predict_plot(curves, path: str | Path) -> Path:
    """Output throughput, TTFT and TPOT against concurrency per deployment, each with its band.
    `curves` is a planner.results.ConcurrencyCurves (planner.api.concurrency_curves); its to_dict() is embedded."""
    path = check_plot_path(path)
    plt = _pyplot()
    fig, (ax_tp, ax_ttft, ax_tpot) = plt.subplots(1, 3, figsize=(15, 4.4))
    panels = (
        (ax_tp, "throughput_tokens_per_s", 1.0, "output tokens/s (all streams)", "Throughput"),
        (ax_ttft, "ttft_s", 1.0, "TTFT (s)", "Time to first token"),
        (ax_tpot, "tpot_s", 1000.0, "TPOT (ms)", "Time per output token"),
    )
    for s in curves.series:
        conc = [p.concurrency for p in s.points]
        for ax, key, scale, _, _ in panels:
            bands = [getattr(p, key) for p in s.points]
            line = ax.plot(conc, [b.value * scale for b in bands], marker="o", ms=3, label=s.label)[0]
            ax.fill_between(
                conc,
                [b.low * scale for b in bands],
                [b.high * scale for b in bands],
                color=line.get_color(),
                alpha=0.15,
            )
    for ax, _, _, ylabel, name in panels:
        ax.set(xlabel="concurrent requests", ylabel=ylabel, title=name)
        ax.set_xscale("log", base=2)
    ax_tp.legend(fontsize=7)
    title = (
        f"{curves.model} on {curves.hardware.count} x {curves.hardware.display_name}: "
        f"{curves.prompt_tokens} in / {curves.output_tokens} out"
        + (f", depth {curves.context_depth}" if curves.context_depth else "")
    )
    fig.suptitle(title, fontsize=10)
    fig.tight_layout()
    try:
        return save(fig, path, {"kind": "predict", **curves.to_dict()}, title)
    finally:
        plt.close(fig)


def read_embedded(path: str | Path) -> dict:
    """The JSON a plot file carries (for tests and for `validate` to compare against)."""
    p = Path(path)
    raw = p.read_bytes()
    if raw.startswith(b"\x89PNG\r\n\x1a\n"):
        pos = 8
        while pos < len(raw):
            length = int.from_bytes(raw[pos : pos + 4], "big")
            kind = raw[pos + 4 : pos + 8]
            body = raw[pos + 8 : pos + 8 + length]
            if kind == b"tEXt" and body.startswith(DATA_KEY.encode() + b"\0"):
                return json.loads(body.split(b"\0", 1)[1].decode("latin-1"))
            if kind == b"iTXt" and body.startswith(DATA_KEY.encode() + b"\0"):
                fields = body.split(b"\0", 5)
                return json.loads(fields[-1].decode("utf-8"))
            pos += 12 + length
        raise ValueError(f"{p}: no {DATA_KEY} chunk")
    text = raw.decode("utf-8")
    if p.suffix.lower() == ".html":
        tag = f'<script type="application/json" id="{DATA_KEY}">'
        start = text.index(tag) + len(tag)
        return json.loads(text[start : text.index("</script>", start)].replace("<\\/", "</"))
    from html import unescape

    start = text.index(f'<desc id="{DATA_KEY}">') + len(f'<desc id="{DATA_KEY}">')
    return json.loads(unescape(text[start : text.index("</desc>", start)]))


def validate_plot(report: dict, path: str | Path) -> Path:
    """`validate --plot`: predicted against measured. A load probe's points as p50 TTFT and p50 TPOT
    against the offered rate (the simulated and measured saturation rates drawn); other comparisons as
    predicted against measured on log axes with the y = x line. `report` is Validation.to_dict()."""
    path = check_plot_path(path)
    plt = _pyplot()
    comps = report.get("comparisons", [])
    load = [c for c in comps if c["metric"] in ("ttft_p50_s", "tpot_p50_s") and c.get("rate") is not None]
    title = f"{report.get('model') or '-'}: predicted against measured ({report.get('source')})"
    data: dict = {"kind": "validate", "source": report.get("source")}
    if load:
        fig, axes = plt.subplots(1, 2, figsize=(11, 4.4))
        data["series"] = []
        for ax, metric, label, scale in (
            (axes[0], "ttft_p50_s", "p50 TTFT (s)", 1.0),
            (axes[1], "tpot_p50_s", "p50 TPOT (ms)", 1000.0),
        ):
            rows = sorted((c for c in load if c["metric"] == metric), key=lambda c: c.get("offered_rate") or c["rate"])
            rates = [c.get("offered_rate") or c["rate"] for c in rows]
            pred = [c["predicted"] for c in rows]
            real = [c["measured"] for c in rows]
            ax.plot(rates, [v * scale if v is not None else None for v in pred], "o--", label="simulated")
            ax.plot(rates, [v * scale if v is not None else None for v in real], "s-", label="measured")
            ax.set(xlabel="offered requests/s", ylabel=label, title=label.split(" (")[0] + " against request rate")
            data["series"].append({"metric": metric, "rate": rates, "predicted": pred, "measured": real})
        sat = next((c for c in comps if c["metric"] == "saturation_rate"), None)
        if sat is not None:
            data["saturation"] = {"predicted": sat["predicted"], "measured": sat["measured"]}
            for ax in axes:
                if sat["predicted"]:
                    ax.axvline(sat["predicted"], color="tab:blue", ls=":", lw=1, label="simulated saturation")
                if sat["measured"]:
                    ax.axvline(sat["measured"], color="tab:orange", ls=":", lw=1, label="measured saturation")
        axes[0].set_yscale("log")
        axes[0].legend(fontsize=7)
    else:
        fig, ax = plt.subplots(figsize=(6, 5))
        points = [c for c in comps if c["predicted"] and c["measured"] and c["predicted"] > 0 and c["measured"] > 0]
        data["points"] = [
            {"metric": c["metric"], "predicted": c["predicted"], "measured": c["measured"]} for c in points
        ]
        for metric in sorted({c["metric"] for c in points}):
            rows = [c for c in points if c["metric"] == metric]
            ax.scatter([c["measured"] for c in rows], [c["predicted"] for c in rows], label=metric, s=18)
        if points:
            low = min(min(c["predicted"], c["measured"]) for c in points) * 0.8
            high = max(max(c["predicted"], c["measured"]) for c in points) * 1.25
            ax.plot([low, high], [low, high], color="gray", lw=1, ls="--", label="predicted = measured")
            ax.set(xscale="log", yscale="log")
            ax.legend(fontsize=7)
        ax.set(xlabel="measured", ylabel="predicted", title="Predicted against measured")
    fig.suptitle(title, fontsize=9)
    fig.tight_layout()
    try:
        return save(fig, path, data, title)
    finally:
        plt.close(fig)
