"""How `validate` and `calibrate` print their results (each from its ``to_dict()``)."""

from __future__ import annotations

from tabulate import tabulate


def _num(value: float | None, unit: str) -> str:
    if value is None:
        return "-"
    if unit == "tokens":
        return f"{value:,.0f}"
    return f"{value:.4g}"


def _is_load(c: dict) -> bool:
    return c.get("rate") is not None or c.get("users") is not None or "kept_up_to" in c


def _label(c: dict) -> str:
    if c.get("rate") is not None:
        kept = "" if c.get("kept_up") is None else (", kept up" if c["kept_up"] else ", did not keep up")
        return f"rate {c['rate']:g}/s (offered {c.get('offered_rate') or c['rate']:.3f}/s{kept})"
    if c.get("users") is not None:
        return f"{c['users']} users"
    if "kept_up_to" in c:
        return "the load curve"
    if "prompt_set" in c:
        return f"{c['prompt_set']} c={c['concurrency']} ({c['prompt_tokens']} in, {c['output_tokens']} out)"
    if "test" in c:
        return c["test"]
    if "max_model_len" in c:
        return f"max-model-len {c['max_model_len']:,}"
    if "n_ctx" in c:
        return f"n_ctx {c['n_ctx']:,}"
    return f"c={c.get('concurrency', 1)} ({c.get('prompt_tokens')} in, {c.get('output_tokens')} out)"


def bar_chart(comparisons: list[dict], width: int = 30) -> str:
    """Predicted (▒) and measured (█) side by side, each pair scaled to its larger value."""
    lines = []
    for c in comparisons:
        p, m = c["predicted"], c["measured"]
        if p is None or m is None or max(abs(p), abs(m)) == 0:
            continue
        top = max(abs(p), abs(m))
        err = c["error_pct"]
        lines.append(f"{c['metric']}  {_label(c)}")
        lines.append(f"  predicted {'▒' * round(width * abs(p) / top):<{width}} {_num(p, c['unit'])} {c['unit']}")
        lines.append(
            f"  measured  {'█' * round(width * abs(m) / top):<{width}} {_num(m, c['unit'])} {c['unit']}"
            + (f"   {err:+.1f}%" if err is not None else "")
        )
    return "\n".join(lines)


def render_validate(data: dict) -> str:
    rows = [
        [
            c["metric"],
            _label(c),
            _num(c["predicted"], c["unit"]),
            _num(c["measured"], c["unit"]),
            c["unit"],
            "-" if c["error_pct"] is None else f"{c['error_pct']:+.1f}%",
        ]
        for c in data["comparisons"]
    ]
    out = [
        f"validating {data['source']}: {data.get('model') or '-'} on {data['hardware']['name']}"
        + (f", {data['engine']}" if data.get("engine") else "")
    ]
    out += [f"  {line}" for line in data.get("calibrations", [])]
    if data.get("from_log"):
        out.append("  from the log: " + ", ".join(data["from_log"]))
    out.append("")
    out.append(
        tabulate(
            rows,
            headers=["metric", "where", "predicted", "measured", "unit", "error"],
            tablefmt="simple",
            disable_numparse=True,
        )
    )
    chart = bar_chart([c for c in data["comparisons"] if not _is_load(c)])
    if chart:
        out += ["", "▒ predicted  █ measured", chart]
    if data.get("plan_error"):
        out.append(f"\nthe plan says vLLM would raise: {data['plan_error']}")
    return "\n".join(out)


def render_list(data: dict) -> str:
    if not data["calibrations"]:
        return f"no calibrations stored ({data['file']})"
    rows = [
        [
            c["name"],
            f"{c['decode']:.3f}",
            f"{c.get('kv', 1.0):.3f}",
            f"{c['prefill']:.3f}",
            f"{c.get('ttft_overhead_s', 0.0) * 1000:.1f}",
            c.get("model") or "-",
            c["points"],
            c["created_at"],
        ]
        for c in data["calibrations"]
    ]
    return (
        tabulate(
            rows,
            headers=["name", "decode x", "KV read x", "prefill x", "TTFT + ms", "model", "points", "created"],
            tablefmt="simple",
            disable_numparse=True,
        )
        + f"\n({data['file']})"
    )
