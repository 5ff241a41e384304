"""How `mi50plan fit` prints a FitReport (its ``to_dict()``): a memory bar and a table per engine."""

from __future__ import annotations

from tabulate import tabulate

from planner.cli.output import bar_legend, gib, memory_bar


def max_context_line(plan: dict) -> list[str]:
    """'largest context on the GPUs: ...' from the plan's max_context (planner/planning/max_context.py)."""
    mc = plan.get("max_context")
    if not mc:
        return []
    own = mc["context"]
    text = f"{own:,} tokens at {mc['kv_type']} KV" if own else f"none at {mc['kv_type']} KV"
    others = [f"{n:,} at {t} KV" for t, n in mc["by_kv_type"].items() if t != mc["kv_type"] and n > own]
    return ["  largest context fully on the GPUs: " + text + ("; " + ", ".join(others) if others else "")]


def launch_lines(plan: dict) -> list[str]:
    if not plan.get("launch"):
        return []
    return ["  launch:"] + [f"    {line}" for line in plan["launch"]]


def render_vllm(plan: dict, model: dict) -> str:
    lines = []
    verdict = "FITS" if plan["fits"] else "DOES NOT FIT"
    tp = plan["tensor_parallel_size"]
    lines.append(
        f"vLLM  {verdict}  ({plan['weights_scheme']}, KV {plan['kv_cache_dtype']}, "
        f"max-model-len {plan['max_model_len']:,}" + (f", TP {tp}" if tp > 1 else "") + ")"
    )
    total = plan["memory_total_bytes"]
    graphs = plan.get("cudagraph_bytes") or 0
    overhead = plan["non_torch_bytes"] + graphs
    kv = plan["kv_cache_bytes"]
    parts = [
        ("weights", plan["weights_bytes"]),
        ("activation", plan["activation_bytes"]),
        ("overhead", overhead),
        ("kv", max(kv, 0)),
    ]
    if kv < 0:
        parts.append(("short", -kv))
    lines.append("  " + memory_bar(parts, total) + f" {gib(total)} per GPU")
    lines.append("  " + bar_legend(["weights", "activation", "overhead", "kv", "free"] + (["short"] if kv < 0 else [])))
    rows = [
        [
            "budget (total x utilization)",
            f"{gib(total)} x {plan['gpu_memory_utilization']:g} = {gib(plan['requested_bytes'])}",
        ],
        ["weights (Model loading took)", gib(plan["weights_bytes"])],
        ["peak activation (profile run)", gib(plan["activation_bytes"])],
        ["non-torch runtime memory", gib(plan["non_torch_bytes"])],
        *([["CUDA graphs (the profiler's estimate)", gib(graphs)]] if graphs else []),
        ["KV cache (Available KV cache memory)", gib(kv)],
        ["KV cache tokens (GPU KV cache size)", f"{plan['kv_cache_tokens']:,}"],
        [f"max concurrency at {plan['max_model_len']:,} tokens", f"{plan['max_concurrency']:.2f}x"],
    ]
    lines.append(tabulate(rows, tablefmt="plain", colalign=("left", "right")).replace("\n", "\n  ").join(["  ", ""]))
    lines += max_context_line(plan)
    lines += launch_lines(plan)
    if plan["error"]:
        lines.append(f"  vLLM would raise: {plan['error']}")
    if plan["suggestions"]:
        lines.append("  what would fit:")
        for s in plan["suggestions"]:
            extra = f", {s['note']}" if s.get("note") else ""
            lines.append(
                f"    - {s['change']} -> {s['kv_cache_tokens']:,} KV tokens, "
                f"{s['max_concurrency']:.2f}x concurrency ({s['engine']}{extra})"
            )
    for w in plan["warnings"]:
        lines.append(f"  note: {w}")
    for n in plan["notes"]:
        lines.append(f"  approximation: {n}")
    return "\n".join(lines)


def _gguf_bar(plan: dict) -> list[str]:
    total = plan["memory_total_bytes"]
    gpu = plan["gpu_bytes"]
    if not gpu:
        return []
    gpus = max(1, len([d for d in plan.get("devices", []) if d["name"] != "CPU"]) or len(plan.get("gpu_sizes", [])))
    per = gpu / gpus
    kv_share = plan["kv_cache_bytes"] * per / max(plan["gpu_bytes"] + plan["cpu_bytes"], 1)
    compute = min(plan["compute_buffer_bytes"] / gpus, per)
    weights = max(per - kv_share - compute - plan.get("minimum_memory_bytes", 0), 0)
    parts = [
        ("weights", int(weights)),
        ("activation", int(compute)),
        ("overhead", plan.get("minimum_memory_bytes", 0)),
        ("kv", int(kv_share)),
    ]
    if per > total:
        parts.append(("short", int(per - total)))
    return [
        "  " + memory_bar(parts, total) + f" {gib(total)} per GPU",
        "  " + bar_legend(["weights", "activation", "overhead", "kv", "free"]),
    ]


def render_gguf(plan: dict, model: dict) -> str:
    name = {"ollama": "Ollama", "llamacpp": "llama.cpp"}[plan["engine"]]
    verdict = "FITS" if plan["fits"] else ("RUNS WITH CPU OFFLOAD" if plan.get("runs") else "DOES NOT FIT")
    head = f"{name}  {verdict}  ({plan['quant']}, context {plan['context']:,}"
    if plan["engine"] == "ollama":
        head += f", {plan['backend']}, Ollama {plan['version']}, KV {plan['kv_cache_type']})"
    else:
        fa = "on" if plan["flash_attn"] else "off"
        head += f", KV {plan['cache_type_k']}/{plan['cache_type_v']}, flash-attn {fa})"
    lines = [head] + _gguf_bar(plan)
    rows = [
        [
            "weights" + ("" if plan["weights_exact"] else " (estimated)"),
            f"{plan['weights_bytes'] / 1e9:.2f} GB = {gib(plan['weights_bytes'])}",
        ],
        ["KV cache", gib(plan["kv_cache_bytes"])],
    ]
    if plan["engine"] == "llamacpp":
        for c in plan["kv_caches"]:
            if c["layers"]:
                rows.append(
                    [
                        f"  {c['kind']}: {c['cells']:,} cells x {c['streams']} x {c['layers']} layers",
                        gib(c["bytes"]),
                    ]
                )
    rows.append(
        [
            "compute buffer" if plan["engine"] == "llamacpp" else "graph (Ollama estimate)",
            gib(plan["compute_buffer_bytes"]),
        ]
    )
    if plan["engine"] == "ollama" and plan["minimum_memory_bytes"]:
        rows.append(["GPU minimum memory", gib(plan["minimum_memory_bytes"])])
    rows += [
        ["layers on GPU", f"{plan['gpu_layers']}/{plan['total_layers']}"],
        ["on GPU / on CPU", f"{gib(plan['gpu_bytes'])} / {gib(plan['cpu_bytes'])}"],
    ]
    if plan["engine"] == "ollama":
        rows.append(
            [
                "ollama ps",
                f"SIZE {plan['total_bytes'] / 1e9:.1f} GB  PROCESSOR {plan['processor']}  CONTEXT {plan['context']}",
            ]
        )
        if plan["tensor_split"]:
            rows.append(["layers per GPU", plan["tensor_split"]])
    else:
        for d in plan["devices"]:
            rows.append(
                [
                    f"  {d['name']}: model / KV / compute",
                    f"{d['model_bytes'] / 2**20:.2f} / {d['kv_bytes'] / 2**20:.2f} / "
                    f"{d['compute_bytes'] / 2**20:.2f} MiB"
                    + (f" (+{d['repack_bytes'] / 2**20:.2f} MiB CPU_REPACK)" if d["repack_bytes"] else "")
                    + (f" (+{d['recurrent_bytes'] / 2**20:.2f} MiB RS)" if d["recurrent_bytes"] else ""),
                ]
            )
    lines.append(tabulate(rows, tablefmt="plain", colalign=("left", "right")).replace("\n", "\n  ").join(["  ", ""]))
    lines += max_context_line(plan)
    lines += launch_lines(plan)
    if plan["error"]:
        lines.append(f"  {name} would fail: {plan['error']}")
    for w in plan["warnings"]:
        lines.append(f"  note: {w}")
    for n in plan["notes"]:
        lines.append(f"  approximation: {n}")
    if plan["flags"]:
        lines.append("  flags: " + " ".join(plan["flags"]))
    return "\n".join(lines)


def render_quants(quants: list[dict]) -> str:
    rows = [[q["quant"], f"{q['file_bytes'] / 1e9:.2f} GB", f"{q['bits_per_weight']:.2f}"] for q in quants]
    return "GGUF quants (file size as llama.cpp's quantizer would write it)\n" + tabulate(
        rows, headers=["quant", "file", "bits/weight"], tablefmt="plain", disable_numparse=True
    ).replace("\n", "\n  ").join(["  ", ""])


def render_fit(data: dict) -> str:
    m, hw = data["model"], data["hardware"]
    head = (
        f"{m['id']}  ({m['parameters'] / 1e9:.2f}B params"
        + (f", {m['active_parameters'] / 1e9:.2f}B active" if m["active_parameters"] != m["parameters_counted"] else "")
        + f", config from {m['source']})"
    )
    out = [head, f"on {hw['count']} x {hw['display_name']} ({gib(hw['memory_bytes'])} each)", ""]
    for plan in data["plans"]:
        renderer = RENDERERS.get(plan["engine"])
        out.append(renderer(plan, m) if renderer else str(plan))
        out.append("")
    if data.get("gguf_quants"):
        out.append(render_quants(data["gguf_quants"]))
        out.append("")
    for note_line in m["notes"]:
        out.append(f"note: {note_line}")
    out += [f"calibrated: {c}" for c in data.get("calibrations", [])]
    return "\n".join(out)


RENDERERS = {"vllm": render_vllm, "ollama": render_gguf, "llamacpp": render_gguf}
