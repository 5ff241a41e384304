"""`mi50plan capacity`: flags, table, JSON, plots holding the plotted numbers, errors as one line."""

from __future__ import annotations

import json

import pytest

from planner.cli import app as app_module
from planner.cli import capacity
from planner.plots import read_embedded

if not any(c.name == "capacity" for c in app_module.app.registered_commands):
    capacity.register(app_module.app)  # until app.py registers it

BASE = [
    "capacity",
    "Qwen/Qwen2.5-7B-Instruct",
    "--offline",
    "--engine",
    "vllm",
    "--rate",
    "2",
    "--prompt-tokens",
    "500",
    "--output-tokens",
    "200",
    "--ttft-p95",
    "2",
    "--requests",
    "200",
]


def test_table_names_the_winner_and_its_launch_command(run_cli):
    code, out, err = run_cli(*BASE, "--price", "mi50-16gb=0.15")
    assert code == 0, err
    assert "max req/s/replica" in out and "$/h" in out and "launch (vllm" in out
    assert "vllm serve Qwen/Qwen2.5-7B-Instruct" in out


@pytest.mark.parametrize("suffix", [".svg", ".png", ".html"])
def test_plot_files_are_valid_and_hold_the_plotted_numbers(run_cli, tmp_path, suffix):
    path = tmp_path / f"capacity{suffix}"
    code, out, err = run_cli(*BASE, "--json", "--plot", str(path))
    assert code == 0, err
    data = json.loads(out)
    raw = path.read_bytes()
    if suffix == ".png":
        assert raw.startswith(b"\x89PNG\r\n\x1a\n")
    elif suffix == ".svg":
        import xml.etree.ElementTree as ET

        assert ET.fromstring(raw).tag.endswith("svg")
    else:
        assert raw.startswith(b"<!DOCTYPE html>") and b"<svg" in raw
    embedded = read_embedded(path)
    curves = {c["label"]: c["curve"] for c in data["candidates"]}
    assert embedded["series"], "no curve plotted"
    for s in embedded["series"]:
        assert s["rate"] == [p["rate"] for p in curves[s["label"]]]
        assert s["ttft_p95_s"] == [p["ttft_p95_s"] for p in curves[s["label"]]]
        assert s["tpot_p95_s"] == [p["tpot_p95_s"] for p in curves[s["label"]]]
    assert embedded["targets"]["ttft_p95_s"] == 2.0
    assert {p["label"] for p in embedded["cost_points"] if p["pareto"]} == set(data["pareto"])


def test_lengths_from_a_file(run_cli, tmp_path):
    lengths = tmp_path / "lengths.txt"
    lengths.write_text("# real prompt lengths\n300\n700\n\n500\n")
    code, out, err = run_cli(
        *BASE[:7],
        "--prompt-tokens",
        f"file:{lengths}",
        "--output-tokens",
        "100",
        "--ttft-p95",
        "2",
        "--requests",
        "200",
        "--json",
    )
    assert code == 0, err
    assert json.loads(out)["load"]["prompt_tokens"] == "empirical (3 lengths, mean 500)"


@pytest.mark.parametrize(
    ("extra", "needle"),
    [
        (["--prompt-tokens", "uniform:9-3"], "--prompt-tokens"),
        (["--plot", "x.gif"], "--plot"),
        (["--engine", "tgi"], "--engine"),
        (["--price", "mi50-16gb=free"], "--price"),
        (["--users", "3"], "--rate"),
    ],
)
def test_bad_flags_are_one_line_and_a_hint(run_cli, extra, needle):
    code, out, err = run_cli(*BASE, *extra)
    assert code == 2
    assert err.startswith(f"error: {needle}") and "hint:" in err and "Traceback" not in err
