"""How `predict`, `recommend` and `compare` print their results (each from its ``to_dict()``)."""

from __future__ import annotations

import math

from tabulate import tabulate


def _band(v: float, lo: float, hi: float, fmt: str = ".0f") -> str:
    return f"{v:{fmt}} ({lo:{fmt}}-{hi:{fmt}})"


def _parallel(p: dict) -> str:
    """How the deployment spreads over the GPUs: vLLM's tensor parallel, llama.cpp/Ollama's layer split."""
    if p.get("tensor_parallel_size", 1) > 1:
        return f" TP{p['tensor_parallel_size']}"
    if p.get("layer_split", 1) > 1:
        return f" split x{p['layer_split']}"
    return ""


def render_predict(data: dict) -> str:
    out = [
        f"{data['model']} on {data['hardware']['count']} x {data['hardware']['display_name']}: "
        f"prompt {data['prompt_tokens']}, output {data['output_tokens']}, depth {data['context_depth']}",
        "",
    ]
    rows = []
    for p in data["predictions"]:
        rows.append(
            [
                f"{p['engine']} {p['backend']}" + _parallel(p),
                p.get("dtype") or p.get("quant"),
                p["concurrency"],
                _band(p["prefill_tokens_per_s"], p["prefill_tokens_per_s_low"], p["prefill_tokens_per_s_high"]),
                _band(p["ttft_s"], p["ttft_s_low"], p["ttft_s_high"], ".2f"),
                _band(p["decode_tokens_per_s"], p["decode_tokens_per_s_low"], p["decode_tokens_per_s_high"]),
                f"{p['tpot_s'] * 1000:.1f} ms",
                _band(p["e2e_s"], p["e2e_s_low"], p["e2e_s_high"], ".2f"),
                _band(
                    p["throughput_tokens_per_s"],
                    p["throughput_tokens_per_s_low"],
                    p["throughput_tokens_per_s_high"],
                ),
                f"{p['context']:,}" if p.get("context") else "-",
            ]
        )
    levels = [r for r in data.get("rejected", []) if r.get("concurrency") is not None]
    for r in levels:  # a level that does not fit is a row that says so; the reason follows the table
        rows.append([r["deployment"], "", r["concurrency"], "does not fit", "", "", "", "", "", f"{r['context']:,}"])
    out.append(
        tabulate(
            rows,
            headers=[
                "engine",
                "precision",
                "conc",
                "prefill tok/s",
                "TTFT s",
                "decode tok/s",
                "TPOT",
                "e2e s",
                "throughput tok/s",
                "context",
            ],
            tablefmt="simple",
        )
    )
    for r in levels:
        out.append(f"does not fit: {r['deployment']} at concurrency {r['concurrency']}: {r['reason']}")
    for r in data.get("rejected", []):
        if r.get("concurrency") is None:
            out.append(f"rejected: {r['deployment']}: {r['reason']}")
    notes = sorted({n for p in data["predictions"] for n in p["notes"]})
    out += [f"note: {n}" for n in notes]
    out += [f"calibrated: {c}" for c in data.get("calibrations", [])]
    out.append("bands: 80% of measurements on a current build of a GPU the fit never saw (methodology section 5)")
    return "\n".join(out)


def render_recommend(data: dict) -> str:
    out = [
        f"{data['goal']} goal"
        + (f", e2e <= {data['max_latency_s']:g} s" if data["max_latency_s"] else "")
        + f" for prompt {data['prompt_tokens']} / output {data['output_tokens']} tokens on "
        f"{data['hardware']['count']} x {data['hardware']['display_name']}",
        "",
    ]
    for m in data["models"]:
        out.append(f"{m['model']}:")
        rows = []
        for r in m["ranked"]:
            p = r["prediction"]
            rows.append(
                [
                    ("* " if r["meets_goal"] else "  ") + r["deployment"],
                    _band(p["decode_tokens_per_s"], p["decode_tokens_per_s_low"], p["decode_tokens_per_s_high"]),
                    _band(p["ttft_s"], p["ttft_s_low"], p["ttft_s_high"], ".2f"),
                    _band(p["e2e_s"], p["e2e_s_low"], p["e2e_s_high"], ".2f"),
                    f"{r['throughput_tokens_per_s']:.0f} @{r['max_concurrency']}",
                    f"{r['context']:,}",
                ]
            )
        if rows:
            out.append(
                tabulate(
                    rows,
                    headers=[
                        "deployment (* meets goal)",
                        "decode tok/s",
                        "TTFT s",
                        "e2e s",
                        "throughput",
                        "context",
                    ],
                    tablefmt="simple",
                )
            )
        for r in m["rejected"]:
            out.append(f"  rejected: {r['deployment']}: {r['reason']}")
        out.append("")
    w = data.get("winner")
    if w:
        out.append(
            f"recommended: {w['model']}  {w['deployment']}  (predicted e2e {w['e2e_s']:.2f} s, "
            f"decode {w['decode_tokens_per_s']:.0f} tok/s)"
        )
        out += ["  " + line for line in w["launch"]]
    else:
        out.append("no deployment meets the goal: see the rejections above")
    out += [f"calibrated: {c}" for c in data.get("calibrations", [])]
    return "\n".join(out)


def render_compare(data: dict) -> str:
    a, b = data["setups"]
    rows = []
    for key, label, fmt in (
        ("decode_tokens_per_s", "decode tok/s", ".0f"),
        ("prefill_tokens_per_s", "prefill tok/s", ".0f"),
        ("ttft_s", "TTFT s", ".3f"),
        ("tpot_s", "TPOT s", ".4f"),
        ("e2e_s", "e2e s", ".2f"),
    ):
        rows.append(
            [
                label,
                _band(a[key], a[f"{key}_low"], a[f"{key}_high"], fmt),
                _band(b[key], b[f"{key}_low"], b[f"{key}_high"], fmt),
            ]
        )
    rows.append(
        [
            "bytes read / token",
            f"{a['decode_bytes_per_token'] / 1e9:.2f} GB",
            f"{b['decode_bytes_per_token'] / 1e9:.2f} GB",
        ]
    )
    rows.append(
        [
            "decode efficiency",
            f"{a['decode_efficiency']:.0%} of bandwidth",
            f"{b['decode_efficiency']:.0%} of bandwidth",
        ]
    )
    s = data["split"]
    out = [
        f"on {data['hardware']['count']} x {data['hardware']['display_name']}, "
        f"prompt {data['prompt_tokens']}, "
        f"output {data['output_tokens']}",
        "",
        tabulate(rows, headers=["", a["setup"], b["setup"]], tablefmt="simple"),
        "",
        f"decode: B is {s['decode_ratio']:.2f}x slower per token than A, split into",
        f"  model size and precision  x{s['model_size_and_precision_factor']:.2f}  "
        f"({s['model_size_and_precision_share']:.0%} of the gap): "
        f"bytes per token x{s['bytes_per_token_factor']:.2f}, "
        f"precision kernels x{s['precision_kernel_factor']:.2f}",
        f"  engine and backend        x{s['engine_and_backend_factor']:.2f}  "
        f"({s['engine_and_backend_share']:.0%} of the gap)",
    ]
    if abs(math.log(s["hardware_factor"])) > 1e-6:
        out.append(f"  hardware                  x{s['hardware_factor']:.2f}")
    out.append(f"e2e: B takes {data['e2e_ratio']:.2f}x as long as A")
    out += [f"calibrated: {c}" for c in data.get("calibrations", [])]
    return "\n".join(out)
