"""The project's measured rows (scripts/data/measured-benchmarks.csv) as the speed model sees them, and
the per-row prediction; scripts/public_common.py adds the published llama-bench rows and the fit.

scripts/data/measured-benchmarks.csv is a verbatim copy of shared/reference/measured-benchmarks.csv
(each row names its public source).
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass, replace
from pathlib import Path

from planner.core.efficiency import EfficiencyModel
from planner.core.hardware import Hardware
from planner.core.speed import (
    Deployment,
    ModelWork,
    predict_work,
    work_from_spec,
    work_from_totals,
)
from planner.engines.vllm import VllmOptions, plan_vllm
from planner.sources.models import resolve_model
from planner.sources.profiles import get_profile

CSV = Path(__file__).resolve().parent / "data" / "measured-benchmarks.csv"
GIB = 2**30

HARDWARE = {
    "MI50-32GB": "mi50-32gb",
    "RTX3090": "rtx3090",
    "RX7900XTX": "rx7900xtx",
    "AI-PRO-R9700": "ai-pro-r9700",
}

# CSV model name -> catalog id where the catalog has it (or a same-shape model for the attention/KV
# shape only: the "llama-8B" of the llama.cpp PRs is Llama-3-8B, which has Llama-3.1-8B's shape;
# Qwen3-VL-8B's language model has Qwen3-8B's shape).
CATALOG = {
    "llama-2-7b": "meta-llama/Llama-2-7b-hf",
    "Qwen3-14B": "Qwen/Qwen3-14B",
    "Llama-3.1-8B-Instruct": "meta-llama/Llama-3.1-8B-Instruct",
}
SHAPE_ONLY = {"llama-8B": "meta-llama/Llama-3.1-8B-Instruct", "Qwen3-VL-8B-Instruct": "Qwen/Qwen3-8B"}
# Nominal bits per weight used to turn size_gib into a parameter count for models not in the catalog:
# BF16 16; Q4_0 4.5 (block size); Q4_K_M / UD-Q4_K_XL 4.89 (Llama-3.1-8B whole-file average,
# llama.cpp tools/quantize/README.md, engine-facts.md section 4).
NOMINAL_BITS = {"BF16": 16.0, "F16": 16.0, "Q4_0": 4.5, "Q4_K_M": 4.89, "UD-Q4_K_XL": 4.89}
# Parameter counts for models not in the catalog, each derived from one row as stated.
OFF_CATALOG = {
    "Ministral-3-14B": dict(params=25.16 * GIB / 2, source="BF16 row: 25.16 GiB / 2 B"),
    "Ministral-3-8B": dict(params=15.81 * GIB / 2, source="BF16 row: 15.81 GiB / 2 B"),
    "Qwen3.5-9B": dict(
        params=16.68 * GIB / 2, source="BF16 row: 16.68 GiB / 2 B (also used for its UD-Q8_K_XL row)"
    ),
    # MoE: total from the Q4_K_M row at 4.89 bits; 3B active from the name (A3B); 256 experts with 8
    # routed per token as in the Qwen3.5/3.6 MoE configs (an assumption: only the batch effect uses it).
    "Qwen3.6-35B-A3B": dict(
        params=19.70 * GIB * 8 / 4.89,
        active=3.0e9,
        experts=256,
        top_k=8,
        source="Q4_K_M row: 19.70 GiB x 8 / 4.89 bits; active 3B from the name",
    ),
}
SHAREGPT_MEAN_PROMPT = 220  # vLLM's ShareGPT sampling: about 220 prompt tokens per request (assumption)


@dataclass(frozen=True)
class Row:
    row_id: str
    hw: Hardware
    deployment: Deployment
    work: ModelWork
    moe: bool
    quant_bits: int | None
    pp_tokens: int | None
    pp_depth: int
    tg_tokens: int | None
    tg_depth: int
    pp_tps: float | None
    tg_tps: float | None
    throughput: dict | None  # {"concurrency", "prompt", "output"} for the batch row
    model_note: str
    group: str = ""  # the GPU (profile name): leave-one-GPU-out holds out a whole group
    backend: str = ""  # as the source names it
    source: str = ""
    engine_version: str = ""  # as the source names it (the build: build_era)


def _num(text: str) -> float | None:
    text = (text or "").strip()
    return float(text) if text else None


def _test(test: str) -> tuple[int | None, int, int | None, int, dict | None]:
    """(pp tokens, pp depth, tg tokens, tg depth, throughput) from the CSV's test column."""
    depth = int(m.group(1)) if (m := re.search(r"@d(\d+)", test)) else 0
    if "throughput" in test:
        out = int(re.search(r"out(\d+)", test).group(1))
        return None, 0, None, 0, {"prompt": SHAREGPT_MEAN_PROMPT, "output": out}
    if m := re.search(r"(\d+)in/(\d+)out", test):  # vLLM: one stream in/out; "PP 8k" prefill of 8192
        pp = 8192 if "PP 8k" in test else None
        return pp, 0, int(m.group(2)), int(m.group(1)), None
    if "ubatch1 pp" in test:  # one token per ubatch: a decode of N tokens
        return None, 0, int(re.search(r"pp(\d+)", test).group(1)), 0, None
    pp = int(m.group(1)) if (m := re.search(r"pp(\d+)", test)) else None
    tg = int(m.group(1)) if (m := re.search(r"tg(\d+)", test)) else None
    return pp, depth, tg, depth, None


RECENT_BUILD = 7500  # llama.cpp build of late December 2025 (methodology section 5, the eighteenth round)
RECENT2_BUILD = 9000  # about early May 2026 (build 9200 ran on 2026-05-18): the twenty-eighth round's second era


def build_number(version: str) -> int | None:
    """The llama.cpp build number a version text names ("... (7951)", "(b10809)", "b8840-12-g...", "build 9049"), or
    None where it names none."""
    m = re.search(r"\(b?(\d{3,5})\)", version) or re.search(r"\bb(\d{4,5})\b", version)
    m = m or re.search(r"build (\d{4,5})\b", version)
    return int(m.group(1)) if m else None


def build_era(version: str) -> str:
    """A row's llama.cpp build era from its version text: "recent2" for a build from RECENT2_BUILD or a source dated
    from May 2026, "recent" for a build from RECENT_BUILD or a source dated from December 2025, else "" (older, or not
    stated)."""
    build = build_number(version)
    if build is not None:
        return "recent2" if build >= RECENT2_BUILD else "recent" if build >= RECENT_BUILD else ""
    m = re.search(r"\b(20\d\d)(?:-(\d\d))?\b", version)
    if m:
        year, month = int(m.group(1)), int(m.group(2) or 1)
        return "recent2" if (year, month) >= (2026, 5) else "recent" if (year, month) >= (2025, 12) else ""
    return ""


def llamacpp_build(version: str) -> str:
    """Deployment.build for a row of this version text: "current" for the second era, "recent" for the first
    (build_era), else "older"."""
    return {"recent2": "current", "recent": "recent"}.get(build_era(version), "older")


def load_rows(path: Path = CSV) -> list[Row]:
    rows = []
    with path.open(newline="", encoding="utf-8") as fh:
        for i, r in enumerate(csv.DictReader(fh), start=2):
            rows.append(_row(i, r))
    return rows


def _row(line: int, r: dict) -> Row:
    hw_name = r["hardware"]
    n_gpu = int(r["n_gpu"])
    profile = get_profile(HARDWARE[hw_name])
    hw = Hardware(profile, n_gpu)
    backend_text = r["backend"].lower()
    backend = "vulkan" if "vulkan" in backend_text else "cuda" if "cuda" in backend_text else "rocm"
    engine = "vllm" if "vllm" in r["engine_version"].lower() else "llamacpp"
    layer_split = n_gpu if "layer-split" in r["engine_version"] else 1
    quant, model = r["quant"], r["model"]
    size = _num(r["size_gib"])
    size_bytes = int(size * GIB) if size else None
    pp, pp_depth, tg, tg_depth, thr = _test(r["test"])
    quant_bits = None
    if engine == "vllm":
        vq = "awq" if quant.upper().startswith("AWQ") else None
        quant_bits = 4 if vq else None
        dep = Deployment("vllm", backend, dtype="fp16", quantization=vq, weights_bytes=size_bytes)
    else:
        gguf = quant.upper()
        dep = Deployment(
            "llamacpp",
            backend,
            quant=gguf if gguf in ("Q4_0", "Q4_K_M", "Q8_0", "F16") else "Q4_K_M",
            layer_split=layer_split,
            weights_bytes=size_bytes,
            build=llamacpp_build(r["engine_version"]),
        )
    moe = False
    if model in CATALOG:
        spec = resolve_model(CATALOG[model], offline=True).spec
        work = work_from_spec(spec, dep)
        note = f"catalog {CATALOG[model]}" + (", bytes from size_gib" if size_bytes else "")
        moe = spec.is_moe
    elif model in SHAPE_ONLY:
        shape = resolve_model(SHAPE_ONLY[model], offline=True).spec
        if size_bytes:
            params = int(size_bytes * 8 / NOMINAL_BITS[quant])
            work = work_from_totals(size_bytes, params, spec=shape)
            note = (
                f"params {params / 1e9:.2f}B from {size} GiB at {NOMINAL_BITS[quant]} bits; "
                f"shape of {SHAPE_ONLY[model]}"
            )
        else:
            work = work_from_spec(shape, dep)
            note = f"shape and bytes of {SHAPE_ONLY[model]} ({quant})"
    else:
        info = OFF_CATALOG[model]
        params = int(info["params"])
        active = int(info.get("active", params))
        work = work_from_totals(
            size_bytes,
            params,
            active,
            num_experts=info.get("experts", 0),
            experts_per_token=info.get("top_k", 0),
        )
        moe = active < params
        note = f"params {params / 1e9:.2f}B ({info['source']})"
    # The precision class of the real file type (UD-Q8_K_XL is a q8 file, BF16 stays BF16).
    dep = replace(dep, quant=quant.upper() if engine == "llamacpp" else None)
    dep = _checked(dep, hw)
    if thr is not None:
        plan = plan_vllm(
            resolve_model(CATALOG[model], offline=True).spec,
            hw,
            VllmOptions(dtype="fp16", max_model_len=4096),
        )
        per_request = thr["prompt"] + thr["output"]
        thr = {**thr, "concurrency": int(min(plan.max_num_seqs, plan.kv_cache_tokens // per_request))}
    return Row(
        f"{line}:{hw_name}:{model}:{quant}:{r['test'].split(';')[0][:24]}",
        hw,
        dep,
        work,
        moe,
        quant_bits,
        pp,
        pp_depth,
        tg,
        tg_depth,
        _num(r["pp_tps"]),
        _num(r["tg_tps"]),
        thr,
        note,
        group=profile.name,
        backend=r["backend"],
        source=r["source"],
        engine_version=r["engine_version"],
    )


def _checked(dep: Deployment, hw: Hardware) -> Deployment:
    """check_deployment needs a spec only for the head count; these rows run tp 1."""
    return replace(dep, backend=dep.backend)


def predict_row(row: Row, eff: EfficiencyModel) -> dict[str, float | None]:
    """Predicted pp tok/s, tg tok/s (and total tok/s for the throughput row)."""
    out: dict[str, float | None] = {"pp": None, "tg": None}
    args = dict(efficiency=eff, moe=row.moe, quant_bits=row.quant_bits)
    if row.pp_tokens:
        p = predict_work(row.work, row.hw, row.deployment, row.pp_tokens, 1, 1, row.pp_depth, **args)
        out["pp"] = p.prefill_tokens_per_s
    if row.tg_tokens:
        # llama-bench tg N at depth d: N decode steps from depth d (a 1-token prompt stands in for none)
        p = predict_work(row.work, row.hw, row.deployment, 1, row.tg_tokens, 1, row.tg_depth, **args)
        out["tg"] = p.decode_tokens_per_s
    if row.throughput:
        t = row.throughput
        p = predict_work(
            row.work, row.hw, row.deployment, t["prompt"], t["output"], t["concurrency"], 0, **args
        )
        out["tg"] = t["concurrency"] * (t["prompt"] + t["output"]) / p.e2e_s  # total tok/s, as bench prints
    return out


def is_special(row: Row) -> str | None:
    """Rows that measure one scalar correction instead of the level efficiencies."""
    if row.throughput:
        return "batch_compute"
    if row.tg_depth >= 4096 or row.pp_depth >= 4096:
        return "depth"
    return None


def pct(pred: float | None, measured: float | None) -> float | None:
    if pred is None or not measured:
        return None
    return 100.0 * (pred - measured) / measured


def median(values: list[float]) -> float:
    v = sorted(values)
    n = len(v)
    return (v[n // 2] if n % 2 else (v[n // 2 - 1] + v[n // 2]) / 2) if v else float("nan")
