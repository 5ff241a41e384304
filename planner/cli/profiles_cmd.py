"""`mi50plan profiles list|show` and `mi50plan models`: what hardware and models the planner knows."""

from __future__ import annotations

from dataclasses import asdict

import typer
from tabulate import tabulate

from planner.cli import options as o
from planner.cli.output import emit, gib
from planner.errors import UsageError
from planner.sources import catalog
from planner.sources.profiles import all_profiles, get_profile, shipped_dir, user_dir

profiles_app = typer.Typer(
    help="Hardware profiles: data files in profiles/, overridable from your config folder.",
    no_args_is_help=True,
)


@profiles_app.command("list", help="List hardware profiles.\n\nExample: mi50plan profiles list --json")
def list_profiles(as_json: o.JsonOpt = False) -> None:
    profiles = all_profiles()
    data = {
        "profiles": [
            {
                "name": p.name,
                "display_name": p.display_name,
                "memory_bytes": p.memory_bytes,
                "bandwidth_gbps": p.bandwidth_gbps,
                "fp16_tflops": p.peak_tflops.get("fp16"),
                "bf16": p.supports("bf16"),
                "fp8": p.supports("fp8"),
                "path": p.path,
            }
            for p in profiles
        ]
        + [
            {
                "name": "host",
                "display_name": "this machine's CPU and RAM (measured at run time)",
                "memory_bytes": None,
                "bandwidth_gbps": None,
                "fp16_tflops": None,
                "bf16": None,
                "fp8": None,
                "path": None,
            }
        ],
        "shipped_dir": str(shipped_dir()),
        "user_dir": str(user_dir()),
    }

    def render(d: dict) -> str:
        rows = [
            [
                p["name"],
                p["display_name"],
                gib(p["memory_bytes"]) if p["memory_bytes"] else "-",
                p["bandwidth_gbps"] or "-",
                p["fp16_tflops"] or "-",
                "-" if p["bf16"] is None else ("yes" if p["bf16"] else "no"),
                "-" if p["fp8"] is None else ("yes" if p["fp8"] else "no"),
            ]
            for p in d["profiles"]
        ]
        table = tabulate(rows, headers=["name", "device", "memory", "GB/s", "fp16 TFLOPS", "bf16", "fp8"])
        return table + f"\n\nuser profiles (override or add): {d['user_dir']}"

    emit(data, as_json, render)


@profiles_app.command("show", help="Show one profile with its sources.\n\nExample: mi50plan profiles show mi50-16gb")
def show_profile(
    name: str = typer.Argument(..., help="Profile name, e.g. mi50-16gb."),
    measure: bool = typer.Option(
        False, "--measure", help="host only: measure this machine's bandwidth anew (on an idle machine)."
    ),
    as_json: o.JsonOpt = False,
) -> None:
    if measure:
        if name != "host":
            raise UsageError(
                "--measure", None, "only the host profile is measured", hint="mi50plan profiles show host --measure"
            )
        from planner.sources.host import host_profile

        p = host_profile(refresh=True)
    else:
        p = get_profile(name)
    data = {"profile": asdict(p), "budget_bytes": p.runtime_memory_bytes}

    def render(d: dict) -> str:
        q = d["profile"]
        rows = [
            ["name", q["name"]],
            ["device", q["display_name"]],
            ["arch", q["arch"]],
            ["platform", q["platform"]],
            ["memory", f"{gib(q['memory_bytes'], 3)} ({q['memory_bytes']:,} B) {q['memory_note']}".strip()],
            *_budget_rows(q, d["budget_bytes"]),
            ["bandwidth", f"{q['bandwidth_gbps']:g} GB/s"],
            ["peak TFLOPS", ", ".join(f"{k} {v:g}" for k, v in q["peak_tflops"].items())],
            ["dtypes", ", ".join(q["supported_dtypes"])],
        ]
        for engine, e in q["engines"].items():
            text = "supported" if e["supported"] else "not supported"
            if e["backends"]:
                text += f"; backends {', '.join(e['backends'])}"
            if e["versions"]:
                text += f"; {e['versions']}"
            if e["notes"]:
                text += f"; {e['notes']}"
            rows.append([engine, text])
        rows += [["warning", w] for w in q["warnings"]]
        rows += [["source", s] for s in q["sources"]]
        rows.append(["file", q["path"]])
        return tabulate(rows, tablefmt="plain", maxcolwidths=[None, 100])

    emit(data, as_json, render)


def _budget_rows(q: dict, budget: int) -> list[list[str]]:
    """What the runtime reports, what the OS keeps (unified memory) and the budget plans size against."""
    rows = []
    if q["memory_runtime_bytes"] is not None:
        rows.append(["runtime total", f"{gib(q['memory_runtime_bytes'], 3)} ({q['memory_runtime_source']})"])
    if q["os_reserved_bytes"]:
        rows.append(["OS keeps", f"{gib(q['os_reserved_bytes'], 3)} ({q['os_reserved_source']})"])
    if budget != q["memory_bytes"]:
        rows.append(["budget", f"{gib(budget, 3)} ({budget:,} B): what the plans size against"])
    return rows


def models_command(as_json: o.JsonOpt = False) -> None:
    from planner.core.tensors import count_params
    from planner.sources.models import resolve_model

    rows = []
    for model_id in catalog.catalog_ids():
        spec = resolve_model(model_id, offline=True).spec
        counts = count_params(spec)
        rows.append(
            {
                "id": model_id,
                "parameters": counts.total,
                "active_parameters": counts.active,
                "architecture": spec.architecture,
                "max_position_embeddings": spec.max_position_embeddings,
            }
        )
    data = {"models": rows, "ollama_tags": catalog.ollama_tags()}

    def render(d: dict) -> str:
        table = [
            [
                m["id"],
                f"{m['parameters'] / 1e9:.2f}B",
                f"{m['active_parameters'] / 1e9:.2f}B",
                m["architecture"],
                f"{m['max_position_embeddings']:,}",
            ]
            for m in d["models"]
        ]
        tags = [[tag, t["model"], t["quant"]] for tag, t in sorted(d["ollama_tags"].items())]
        return (
            tabulate(table, headers=["model", "params", "active", "architecture", "context"])
            + "\n\nOllama library tags (`fit qwen2.5:7b` plans the tag's file)\n"
            + tabulate(tags, headers=["tag", "model", "quant"])
        )

    emit(data, as_json, render)


def register(app: typer.Typer) -> None:
    app.add_typer(profiles_app, name="profiles")
    app.command("models", help="List the offline catalog of models.\n\nExample: mi50plan models --json")(models_command)
