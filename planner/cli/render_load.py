"""How `probe --rate/--users` prints its result (from its ``to_dict()``)."""

from __future__ import annotations

from tabulate import tabulate


def _ms(value: float | None) -> str:
    return "-" if value is None else f"{value * 1000:.0f}"


def _s(value: float | None) -> str:
    return "-" if value is None else f"{value:.2f}"


def render_load(data: dict) -> str:
    from planner.sources import probe as p

    s, cfg = data["server"], data["settings"]
    lines = [
        f"{p.KIND_NAMES.get(s['kind'], s['kind'])} at {s['url']}  model {s['model']}",
        f"load: {cfg['prompt_tokens']} prompt / {cfg['output_tokens']} output tokens, {_length(cfg)} per "
        + ("rate (Poisson arrivals)" if cfg["rates"] else f"user count (think time {cfg['think_time_s']:g} s)"),
        "",
    ]
    rows = []
    for pt in data["points"]:
        load = f"{pt['rate']:g}/s" if pt["rate"] is not None else f"{pt['users']} users"
        t, tp, e = pt["ttft_s"], pt["tpot_s"], pt["e2e_s"]
        rows.append(
            [
                load,
                "-" if pt["offered_rate"] is None else f"{pt['offered_rate']:.3f}",
                f"{pt['request_rate']:.3f}",
                f"{pt['measured']}/{pt['sent']}",
                _s(t["p50"]),
                _s(t["p95"]),
                _s(t["p99"]),
                _ms(tp["p50"]),
                _ms(tp["p95"]),
                _ms(tp["p99"]),
                _s(e["p50"]),
                _s(e["p95"]),
                f"{pt['throughput_tokens_per_s']:.1f}",
                f"{pt['goodput'] * 100:.0f}%",
                "yes" if pt["keeps_up"] else "no",
            ]
        )
    headers = [
        "load",
        "offered/s",
        "achieved/s",
        "measured",
        "TTFT p50 s",
        "p95",
        "p99",
        "TPOT p50 ms",
        "p95",
        "p99",
        "e2e p50 s",
        "p95",
        "out tok/s",
        "goodput",
        "kept up",
    ]
    lines.append(tabulate(rows, headers=headers, tablefmt="simple", disable_numparse=True))
    targets = cfg.get("targets") or {}
    if targets.get("ttft_p95_s") or targets.get("tpot_p95_s"):
        parts = []
        if targets.get("ttft_p95_s"):
            parts.append(f"TTFT <= {targets['ttft_p95_s']:g} s")
        if targets.get("tpot_p95_s"):
            parts.append(f"TPOT <= {targets['tpot_p95_s'] * 1000:g} ms")
        lines.append(f"goodput: share of measured requests with {' and '.join(parts)}")
    sat = data["saturation"]
    if sat["rate_per_s"] is not None:
        lines.append(
            f"saturation: {sat['rate_per_s']:.3f} requests/s (completions where it did not keep up; kept up to "
            f"{_rate(sat['kept_up_to'])}, not from {_rate(sat['overran_from'])})"
        )
    elif sat["kept_up_to"] is not None:
        lines.append(f"saturation: not reached; kept up with every rate up to {sat['kept_up_to']:.3f}/s")
    lines.append("(the first 10% of each load's requests are not measured; kept up: achieved >= 90% of offered")
    lines.append(" and the last third's p50 TTFT at most 2x the first third's)")
    failed = [r for pt in data["points"] for r in pt["requests"] if r.get("error")]
    if failed:
        lines.append(f"failed: {len(failed)} requests; first: {failed[0]['error']}")
    return "\n".join(lines)


def _rate(value: float | None) -> str:
    return "-" if value is None else f"{value:.3f}/s"


def _length(cfg: dict) -> str:
    parts = []
    if cfg.get("duration_s") is not None:
        parts.append(f"{cfg['duration_s']:g} s")
    if cfg.get("requests") is not None:
        parts.append(f"{cfg['requests']} requests")
    return " or ".join(parts) or "-"
