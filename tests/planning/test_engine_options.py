"""planner.plan's engine memory options (the Python API the CLI calls) reach each engine's plan."""

from __future__ import annotations

import pytest

import planner
from planner.errors import UsageError
from planner.planning.context import parse_size

GIB = 2**30


def _vllm(**kw):
    return planner.plan("Qwen/Qwen2.5-1.5B-Instruct", engine="vllm", hardware="h100-sxm", offline=True, **kw).plans[0]


def test_vllm_options_flow_through_the_api():
    base = _vllm(vllm_version="0.3x")
    eager = _vllm(vllm_version="0.3x", enforce_eager=True)
    # methodology 3.8: the graph estimate is all --enforce-eager changes in the budget
    assert eager.kv_cache_bytes - base.kv_cache_bytes == base.cudagraph_bytes > 0
    assert _vllm(kv_cache_memory="2GiB").kv_cache_bytes == 2 * GIB
    assert _vllm(kv_cache_memory=3 * GIB).kv_cache_bytes == 3 * GIB
    assert _vllm(vllm_version="0.10").vllm_version == "0.10"
    assert _vllm(cpu_offload_gb=0.5).cpu_offload_bytes == GIB // 2


def test_bad_vllm_options_are_usage_errors():
    with pytest.raises(UsageError, match="vllm-version"):
        _vllm(vllm_version="1.2")
    with pytest.raises(UsageError, match="cpu-offload-gb"):
        _vllm(cpu_offload_gb=-2)
    with pytest.raises(UsageError, match="ollama-estimator"):
        planner.plan("Qwen/Qwen2.5-1.5B-Instruct", engine="ollama", offline=True, ollama_estimator="x")


@pytest.mark.parametrize(
    ("text", "size"),
    [("8GiB", 8 * GIB), ("8Gi", 8 * GIB), ("8G", 8 * GIB), ("8g", 8 * 10**9), ("8GB", 8 * 10**9), ("0.5GiB", GIB // 2),
     ("512MiB", 512 * 2**20), ("4096", 4096), (4096, 4096), ("1T", 2**40)],
)
def test_sizes_read_as_vllm_reads_them(text, size):
    # vLLM's human_readable_int: an upper-case suffix is binary, a lower-case one decimal.
    assert parse_size(text, "--kv-cache-memory") == size


@pytest.mark.parametrize("text", ["", "G", "8 XB", "-8G", "0", True, "9" * 70])
def test_bad_sizes(text):
    with pytest.raises(UsageError):
        parse_size(text, "--kv-cache-memory")
