"""Read what real engines wrote about themselves: vLLM start-up logs, `vllm bench serve --save-result`
JSON, and llama-bench JSON or markdown. Each reader returns plain numbers in units named by the key;
a file that holds none of what we look for is a ResultsFileError.

Formats: the vLLM 0.11 log lines quoted in /shared/reference/mi50-vllm-vs-ollama-report.md (appendix)
and engine-facts.md section 2; `vllm bench serve` result keys from vllm/benchmarks/serve.py (per-request
arrays in seconds, summaries in ms); llama-bench's `-o json` objects and `-o md` table from
tools/llama-bench/llama-bench.cpp (tests/data/recorded holds real output of the build used here).
"""

from __future__ import annotations

import math
import re
from pathlib import Path

from planner.errors import ResultsFileError
from planner.schemas import MAX_TOKENS, check_llama_bench_row, check_vllm_bench
from planner.sources.files import parse_json, read_text

LOG_MAX_BYTES = 512 * 2**20  # a vLLM log of a long-running server; read once, scanned by regex

GIB = 2**30

# vLLM prints GiB; versions before 0.6 printed "GB" for the same binary unit.
_VLLM_PATTERNS = {
    "weights_gib": re.compile(r"Model loading took (-?[\d.]+) Gi?B"),
    "kv_cache_gib": re.compile(r"Available KV cache memory: (-?[\d.]+) Gi?B"),
    "kv_cache_tokens": re.compile(r"GPU KV cache size: ([\d,]+) tokens"),
    "graph_gib": re.compile(r"Graph capturing finished in [\d.]+ secs?, took (-?[\d.]+) Gi?B"),
}
_VLLM_CONCURRENCY = re.compile(r"Maximum concurrency for ([\d,]+) tokens per request: ([\d.]+)x")
_VLLM_NO_MEMORY = "No available memory for the cache blocks"


def _read_text(path: Path, what: str, max_bytes: int | None = None) -> str:
    return read_text(Path(path), what, ResultsFileError, **({"max_bytes": max_bytes} if max_bytes else {}))


def parse_vllm_log(text: str, where: str = "log") -> dict:
    """The memory lines of a vLLM start-up log; the last occurrence wins (a restart appends)."""
    out: dict = {}

    def number(key: str, text_value: str, integer: bool, hi: float) -> float | int:
        try:
            value = int(text_value.replace(",", "")) if integer else float(text_value)
        except ValueError:
            value = math.nan
        if not math.isfinite(value) or not -hi <= value <= hi:
            raise ResultsFileError(
                f"{where}: vLLM log line for {key} holds {text_value!r}, not a plausible value",
                hint="pass the start-up log as vLLM wrote it",
            )
        return value

    for key, pattern in _VLLM_PATTERNS.items():
        found = pattern.findall(text)
        if found:
            integer = key == "kv_cache_tokens"
            out[key] = number(key, found[-1], integer, MAX_TOKENS * 1000 if integer else 2**20)
    conc = _VLLM_CONCURRENCY.findall(text)
    if conc:
        length, factor = conc[-1]
        out["max_model_len"] = number("max_model_len", length, True, MAX_TOKENS)
        out["max_concurrency"] = number("max_concurrency", factor, False, MAX_TOKENS)
    out["no_cache_memory_error"] = _VLLM_NO_MEMORY in text
    if not any(k in out for k in ("weights_gib", "kv_cache_gib", "kv_cache_tokens", "max_concurrency")):
        raise ResultsFileError(
            f"{where}: no vLLM memory lines found",
            hint="pass the start-up log: the lines 'Model loading took ...', "
            "'Available KV cache memory: ...', 'GPU KV cache size: ...'",
        )
    return out


# What a start-up log states about its own settings (vLLM 0.5-0.33 line shapes: the engine's "Initializing ... with
# config:" line, the API server's "non-default args: {...}" and version lines, the scheduler's chunked-prefill line,
# the worker's memory lines). Each is the resolved value the engine ran with, or the flag the user passed.
_ENGINE_LINE = re.compile(r"Initializing an? (V1 )?LLM engine \(v?([^)\s]+)\) with config: (.*)")
_API_VERSION = re.compile(r"vLLM API server version v?(\d[^\s,]*)")
_CONFIG_KEYS = {
    "model": re.compile(r"\bmodel='([^']{1,1024})'"),
    "dtype": re.compile(r"\bdtype=torch\.(\w+)"),
    "max_model_len": re.compile(r"\bmax_seq_len=(\d+)"),
    "tensor_parallel_size": re.compile(r"\btensor_parallel_size=(\d+)"),
    "pipeline_parallel_size": re.compile(r"\bpipeline_parallel_size=(\d+)"),
    "quantization": re.compile(r"\bquantization=([\w-]+)"),
    "enforce_eager": re.compile(r"\benforce_eager=(True|False)"),
    "kv_cache_dtype": re.compile(r"\bkv_cache_dtype=(\w+)"),
}
_ARG_KEYS = {
    "model": re.compile(r"'model': '([^']{1,1024})'"),
    "max_model_len": re.compile(r"'max_model_len': (\d+)"),
    "gpu_memory_utilization": re.compile(r"'gpu_memory_utilization': ([\d.]+)"),
    "max_num_seqs": re.compile(r"'max_num_seqs': (\d+)"),
    "max_num_batched_tokens": re.compile(r"'max_num_batched_tokens': (\d+)"),
    "tensor_parallel_size": re.compile(r"'tensor_parallel_size': (\d+)"),
    "pipeline_parallel_size": re.compile(r"'pipeline_parallel_size': (\d+)"),
    "enforce_eager": re.compile(r"'enforce_eager': (True|False)"),
    "kv_cache_dtype": re.compile(r"'kv_cache_dtype': '(\w+)'"),
    "kv_cache_memory_bytes": re.compile(r"'kv_cache_memory_bytes': (\d+)"),
    "block_size": re.compile(r"'block_size': (\d+)"),
}
_LINE_KEYS = {
    "max_num_batched_tokens": re.compile(r"Chunked prefill is enabled with max_num_batched_tokens=(\d+)"),
    "max_model_len": re.compile(r"Using max model len (\d+)"),
    "gpu_memory_utilization": re.compile(r"gpu_memory_utilization \(([\d.]+)\)"),
}
# The total the runtime reports, which vLLM multiplies by the utilization (its own lines, each version's shape):
# V0/early V1 "total_gpu_memory (79.22GiB) x gpu_memory_utilization (0.90)", the start-up check "Free memory on device
# (22.45/23.99 GiB)", PyTorch's "GPU 0 has a total capacity of 79.18 GiB", and 0.2x-0.3x "Desired GPU memory
# utilization is (0.92, 21.64 GiB)" (the utilization and utilization x total).
_TOTALS = (
    re.compile(r"total_gpu_memory \(([\d.]+) ?GiB\)"),
    re.compile(r"Free memory on device[^(\n]*\([\d.]+/([\d.]+) GiB\)"),
    re.compile(r"total capacity of ([\d.]+) GiB"),
)
_DESIRED = re.compile(r"[Dd]esired GPU memory utilization (?:is )?\(([\d.]+), ([\d.]+) GiB\)")
_BOUNDS = {
    "max_model_len": (1, MAX_TOKENS),
    "tensor_parallel_size": (1, 1024),
    "pipeline_parallel_size": (1, 1024),
    "max_num_seqs": (1, 1 << 20),
    "max_num_batched_tokens": (1, MAX_TOKENS),
    "kv_cache_memory_bytes": (1, 1 << 50),
    "block_size": (1, 1 << 16),
    "gpu_memory_utilization": (1e-4, 1.0),
    "runtime_total_gib": (0.25, 4096.0),
}


def _last(pattern: re.Pattern, text: str) -> str | None:
    found = pattern.findall(text)
    return found[-1] if found else None


def parse_vllm_settings(text: str) -> dict:
    """The settings a vLLM start-up log states about itself: the release (`vllm_release`, "v0" for the V0 engine),
    the model, dtype, max_model_len, parallel sizes, quantization, enforce_eager, the KV cache dtype, the flags the
    user passed (utilization, max_num_seqs, max_num_batched_tokens, kv_cache_memory_bytes, block_size) and the
    runtime's total memory (`runtime_total_gib`). A key is absent where the log does not state it, or states a value
    out of bounds (a mangled line is ignored, not trusted)."""
    out: dict = {}
    engine = _ENGINE_LINE.findall(text)
    api = _last(_API_VERSION, text)
    if engine:
        v1, version, config = engine[-1]
        release = re.match(r"\d+\.\d+(?:\.\d+)?", version)
        if not v1 and release and version_tuple(release.group(0)) < (0, 11):
            out["vllm_release"] = "v0"  # "Initializing an LLM engine": the V0 engine (V1 says so from 0.8 on)
        elif release:
            out["vllm_release"] = release.group(0)
        for key, pattern in _CONFIG_KEYS.items():
            if (value := _last(pattern, config)) is not None:
                out[key] = value
    if "vllm_release" not in out and api and (release := re.match(r"\d+\.\d+(?:\.\d+)?", api)):
        out["vllm_release"] = release.group(0)
    args = _last(re.compile(r"non-default args: (\{.*)"), text) or ""
    for key, pattern in _ARG_KEYS.items():
        if (value := _last(pattern, args)) is not None:
            out[key] = value
    for key, pattern in _LINE_KEYS.items():
        if key not in out and (value := _last(pattern, text)) is not None:
            out[key] = value
    for pattern in _TOTALS:  # a total the log prints, before one derived from two rounded figures
        if "runtime_total_gib" not in out and (value := _last(pattern, text)) is not None:
            out["runtime_total_gib"] = value
    if desired := _last(_DESIRED, text):
        util, budget = float(desired[0]), float(desired[1])
        out.setdefault("gpu_memory_utilization", desired[0])
        if util > 0:
            out.setdefault("runtime_total_gib", str(budget / util))
    return _typed_settings(out)


def version_tuple(release: str) -> tuple[int, ...]:
    return tuple(int(x) for x in release.split("."))


def _typed_settings(raw: dict) -> dict:
    out: dict = {}
    for key, value in raw.items():
        if key == "enforce_eager":
            out[key] = value == "True"
        elif key in _BOUNDS:
            try:
                number = float(value) if key in ("gpu_memory_utilization", "runtime_total_gib") else int(value)
            except ValueError:
                continue
            lo, hi = _BOUNDS[key]
            if math.isfinite(number) and lo <= number <= hi:
                out[key] = number
        elif key == "dtype":
            dtype = {"float16": "fp16", "half": "fp16", "bfloat16": "bf16", "float32": "fp32"}.get(value)
            if dtype:
                out[key] = dtype
        elif key == "quantization":
            quant = value.lower()
            if quant != "none":
                out[key] = quant
        elif key == "kv_cache_dtype":
            out[key] = value.lower()
        else:
            out[key] = value
    return out


def _text(value: object) -> str | None:
    """A name from a file: text of sane length, else None (a model name is never a number or an object)."""
    return value if isinstance(value, str) and 0 < len(value) <= 1024 else None


def read_llama_log(path: Path):
    """The buffer and context lines of a llama.cpp (llama-server, llama-cli) start-up log; a file with none of them is
    a ResultsFileError."""
    from planner.sources.llamacpp_log import parse_llamacpp_log

    log = parse_llamacpp_log(_read_text(path, "llama.cpp log", LOG_MAX_BYTES))
    sizes = [*log.model_mib.values(), *(k.mib for k in log.kv), *log.compute_mib.values()]
    counts = {name: getattr(log, name) for name in ("n_ctx", "n_batch", "n_ubatch", "n_seq_max", "offloaded")}
    bad = [f"{n} {v}" for n, v in counts.items() if v is not None and not 1 <= v <= MAX_TOKENS]
    bad += [f"a buffer of {v} MiB" for v in sizes if v > 2**24]  # 16 TiB
    if bad:
        raise ResultsFileError(
            f"{path}: the llama.cpp log holds {bad[0]}, not a plausible value",
            hint="pass the start-up log as llama.cpp wrote it",
        )
    if not (log.model_mib or log.kv or log.compute_mib):
        raise ResultsFileError(
            f"{path}: no llama.cpp buffer lines found",
            hint="pass the start-up log of llama-server or llama-cli (its 'model buffer size', 'KV buffer size' and "
            "'compute buffer size' lines)",
        )
    return log


def read_vllm_log(path: Path) -> dict:
    """The memory lines of a vLLM start-up log, and under "settings" what it states about its own settings."""
    text = _read_text(path, "vLLM log", LOG_MAX_BYTES)
    return {**parse_vllm_log(text, str(path)), "settings": parse_vllm_settings(text)}


def _mean(values: list) -> float | None:
    nums = [v for v in values if isinstance(v, (int, float))]
    return sum(nums) / len(nums) if nums else None


def read_vllm_bench(path: Path) -> dict:
    """A `vllm bench serve --save-result` file -> its summary in seconds and tokens/s."""
    what = "`vllm bench serve --save-result` file"
    data = parse_json(_read_text(path, "vllm bench result"), str(path), what, ResultsFileError)
    if not isinstance(data, dict) or "mean_ttft_ms" not in data:
        raise ResultsFileError(f"{path}: not a `vllm bench serve --save-result` file (no mean_ttft_ms)")
    check_vllm_bench(data, str(path))  # types and bounds of every key read below

    def ms(key: str) -> float | None:
        value = data.get(key)
        return value / 1000 if isinstance(value, (int, float)) else None

    input_lens = data.get("input_lens") or []
    output_lens = data.get("output_lens") or []
    completed = data.get("completed")
    return {
        "model": data.get("model_id"),
        "completed": completed,
        "max_concurrency": data.get("max_concurrency"),
        "request_rate": data.get("request_rate"),
        "mean_input_tokens": _mean(input_lens)
        or ((data.get("total_input_tokens") or 0) / completed if completed else None),
        "mean_output_tokens": _mean(output_lens)
        or ((data.get("total_output_tokens") or 0) / completed if completed else None),
        "mean_ttft_s": ms("mean_ttft_ms"),
        "median_ttft_s": ms("median_ttft_ms"),
        "p99_ttft_s": ms("p99_ttft_ms"),
        "mean_tpot_s": ms("mean_tpot_ms"),
        "median_tpot_s": ms("median_tpot_ms"),
        "mean_itl_s": ms("mean_itl_ms"),
        "mean_e2e_s": ms("mean_e2el_ms"),
        "output_tokens_per_s": data.get("output_throughput"),
        "requests_per_s": data.get("request_throughput"),
    }


_MD_TEST = re.compile(r"^(pp|tg)(\d+)(?:\s*@\s*d(\d+))?$")
_MD_RATE = re.compile(r"^([\d.]+)\s*(?:±\s*([\d.]+))?$")


def read_llama_bench(path: Path) -> list[dict]:
    """llama-bench `-o json` or `-o md` -> rows {test, n_prompt, n_gen, n_depth, tokens_per_s, ...}."""
    text = _read_text(path, "llama-bench output")
    stripped = text.lstrip()
    rows: list[dict] = []
    if stripped.startswith(("[", "{")):
        data = parse_json(stripped, str(path), "llama-bench -o json output", ResultsFileError)
        for number, obj in enumerate(data if isinstance(data, list) else [data]):
            if not isinstance(obj, dict) or "avg_ts" not in obj:
                continue
            check_llama_bench_row(obj, f"{path} row {number}")
            n_prompt, n_gen, depth = (
                int(obj.get("n_prompt", 0)),
                int(obj.get("n_gen", 0)),
                int(obj.get("n_depth", 0)),
            )
            test = (
                f"pp{n_prompt}"
                if n_gen == 0
                else (f"tg{n_gen}" if n_prompt == 0 else f"pp{n_prompt}+tg{n_gen}")
            )
            rows.append(
                {
                    "test": test + (f" @ d{depth}" if depth else ""),
                    "n_prompt": n_prompt,
                    "n_gen": n_gen,
                    "n_depth": depth,
                    "tokens_per_s": float(obj["avg_ts"]),
                    "stddev_tokens_per_s": obj.get("stddev_ts"),
                    "model": _text(obj.get("model_type")),
                    "model_file": _text(obj.get("model_filename")),
                    "backend": obj.get("backends"),
                    "n_gpu_layers": obj.get("n_gpu_layers"),
                    "threads": obj.get("n_threads"),
                }
            )
    else:
        header: list[str] | None = None
        for line in text.splitlines():
            if not line.strip().startswith("|"):
                continue
            cells = [c.strip() for c in line.strip().strip("|").split("|")]
            if header is None:
                header = [c.lower() for c in cells]
                continue
            if all(set(c) <= set("-: ") for c in cells):
                continue
            row = dict(zip(header, cells, strict=False))
            test_match = _MD_TEST.match(row.get("test", ""))
            rate_match = _MD_RATE.match(row.get("t/s", ""))
            if not test_match or not rate_match:
                continue
            kind, n, depth = test_match.group(1), int(test_match.group(2)), int(test_match.group(3) or 0)
            try:
                rate = float(rate_match.group(1))
                stddev = float(rate_match.group(2)) if rate_match.group(2) else None
            except ValueError:
                raise ResultsFileError(
                    f"{path}: llama-bench row '{row['test']}' has t/s {row['t/s']!r}, not a number",
                    hint="pass the output of `llama-bench -o md`, unedited",
                ) from None
            check_llama_bench_row(
                {
                    "n_prompt": n if kind == "pp" else 0,
                    "n_gen": n if kind == "tg" else 0,
                    "n_depth": depth,
                    "avg_ts": rate,
                    "stddev_ts": stddev,
                },
                f"{path} row '{row['test']}'",
            )
            rows.append(
                {
                    "test": row["test"],
                    "n_prompt": n if kind == "pp" else 0,
                    "n_gen": n if kind == "tg" else 0,
                    "n_depth": depth,
                    "tokens_per_s": rate,
                    "stddev_tokens_per_s": stddev,
                    "model": row.get("model"),
                    "model_file": None,
                    "backend": row.get("backend"),
                    "n_gpu_layers": row.get("ngl"),
                    "threads": row.get("threads"),
                }
            )
    if not rows:
        raise ResultsFileError(
            f"{path}: no llama-bench rows found", hint="pass the output of `llama-bench -o json` or `-o md`"
        )
    return rows
