"""scripts/published_serving.py: the published `benchmark_serving.py` rows it compares with (tests/data copies of
scripts/data), its figures computed as the benchmark computes them, and the simulation keeping up with the
published rates the real servers kept up with. The comparison itself is held out: docs/methodology.md section 8
"Published serving benchmarks" prints it; nothing here pins a simulated latency."""

from __future__ import annotations

import importlib.util
import math
import sys
from pathlib import Path

import pytest

from planner.core.simulate import RequestRecord

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "tests" / "data"


def _script():
    spec = importlib.util.spec_from_file_location("published_serving", ROOT / "scripts" / "published_serving.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up
    spec.loader.exec_module(module)
    return module


ps = _script()


def test_the_test_copies_match_the_script_data():
    for name in ("published-serving.csv", "published-serving-sharegpt200-lengths.csv"):
        assert (DATA / name).read_text() == (ROOT / "scripts" / "data" / name).read_text(), name


def test_every_row_has_a_source_and_several_rates_per_setup():
    rows = ps.read_rows(DATA / "published-serving.csv")
    assert rows and all(r.url.startswith("https://github.com/") for r in rows)
    rates: dict[str, set[float]] = {}
    for r in rows:
        rates.setdefault(r.setup, set()).add(r.request_rate)
    assert sum(1 for v in rates.values() if len(v) >= 4) >= 2  # two setups at four rates or more
    # the ShareGPT lengths file holds the published totals (benchmark_results: 42,659 input, 42,449 output tokens)
    prompt, output = ps.lengths_for(next(r for r in rows if r.lengths_file), DATA)
    assert sum(prompt.values) == 42659 and sum(output.values) == 42449 and len(prompt.values) == 200


def test_figures_are_computed_as_benchmark_serving_computes_them():
    # vllm benchmarks/benchmark_serving.py calculate_metrics: throughput = completed / duration (first send to
    # last completion), TTFT over every request, TPOT = (latency - ttft) / (output_len - 1) only when output_len > 1.
    records = [
        RequestRecord(arrival_s=0.0, prompt_tokens=10, output_tokens=5, first_token_s=0.1, finish_s=0.5),
        RequestRecord(arrival_s=1.0, prompt_tokens=10, output_tokens=1, first_token_s=1.3, finish_s=1.3),
        RequestRecord(arrival_s=2.0, prompt_tokens=10, output_tokens=3, first_token_s=2.2, finish_s=4.0),
    ]
    f = ps.bench_figures(records)
    assert f.request_throughput == pytest.approx(3 / 4.0)
    assert f.median_ttft_ms == pytest.approx(200.0) and f.mean_ttft_ms == pytest.approx(200.0)
    assert f.median_tpot_ms == pytest.approx((100.0 + 900.0) / 2)  # 0.4 s / 4 and 1.8 s / 2; the 1-token one left out


def test_the_simulation_keeps_up_where_the_published_server_did():
    rows = [r for r in ps.read_rows(DATA / "published-serving.csv") if r.setup == "a10-qwen7b-gptq-256"]
    for row in rows:
        assert row.request_throughput >= 0.95 * row.request_rate  # the A10 kept up at every rate it was given
        sim = ps.simulate_row(row, DATA, seeds=2)
        # 200 Poisson arrivals: completed / span is the offered rate within the sampling noise of one run
        assert sim.request_throughput == pytest.approx(row.request_rate, rel=0.15), row.request_rate
        assert all(math.isfinite(v) and v > 0 for v in (sim.median_ttft_ms, sim.median_tpot_ms))
