"""`fit --plot` and `predict --plot`: valid .svg/.png/.html files that hold the numbers of the result they
draw (planner.api.memory_curves / concurrency_curves), where it stops fitting = the plan's max_context,
bad paths as one line and a hint, the file written atomically, matplotlib loaded only for a plot."""

from __future__ import annotations

import json
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

import planner
from planner import api
from planner.plots import read_embedded
from planner.results import to_jsonable

ROOT = Path(__file__).resolve().parents[2]
FIT = ["fit", "Qwen/Qwen2.5-14B-Instruct", "--offline"]
PREDICT = [
    "predict",
    "Qwen/Qwen2.5-7B-Instruct",
    "--offline",
    "--engine",
    "llamacpp,ollama",
    "--concurrency",
    "1,2,4",
    "--prompt-tokens",
    "500",
    "--output-tokens",
    "200",
]


def _valid(path: Path) -> None:
    raw = path.read_bytes()
    if path.suffix == ".png":
        assert raw.startswith(b"\x89PNG\r\n\x1a\n")
    elif path.suffix == ".svg":
        assert ET.fromstring(raw).tag.endswith("svg")
    else:
        assert raw.startswith(b"<!DOCTYPE html>") and b"<svg" in raw
        assert b'<script type="application/json" id="mi50plan-data">' in raw
    assert [p.name for p in path.parent.iterdir()] == [path.name], "a temporary file was left behind"


@pytest.mark.parametrize("suffix", [".svg", ".png", ".html"])
def test_fit_plot_holds_the_memory_curves_and_stops_at_max_context(run_cli, tmp_path, suffix):
    path = tmp_path / f"memory{suffix}"
    code, out, err = run_cli(*FIT, "--json", "--plot", str(path))
    assert code == 0, err
    assert "plot written" in err
    _valid(path)
    embedded = read_embedded(path)
    expected = to_jsonable(api.memory_curves(planner.plan("Qwen/Qwen2.5-14B-Instruct", offline=True)))
    assert embedded["kind"] == "fit"
    assert embedded["curves"] == json.loads(json.dumps(expected["curves"]))
    plans = {p["engine"]: p for p in json.loads(out)["plans"]}
    assert {c["engine"] for c in embedded["curves"]} == set(plans)
    for c in embedded["curves"]:
        plan = plans[c["engine"]]
        assert c["max_context"] == plan["max_context"]["context"]  # the fit plan's own bisection
        limit = max(p["context"] for p in c["points"])
        for p in c["points"]:
            # the engine's verdict at each context agrees with its max_context (docs/methodology.md, max_context.py)
            assert p["fits"] == (p["context"] <= c["max_context"]), (c["label"], p)
            # one GPU: the stacked parts cross the engine's budget where the engine stops fitting
            assert p["fits"] == (p["total_bytes"] <= c["budget_bytes"]), (c["label"], p)
            parts = p["weights_bytes"] + p["kv_cache_bytes"] + p["compute_bytes"] + p["overhead_bytes"]
            assert p["total_bytes"] == parts
        if 0 < c["max_context"] < limit:
            assert any(p["context"] == c["max_context"] and p["fits"] for p in c["points"])
            assert any(p["context"] > c["max_context"] and not p["fits"] for p in c["points"])
    # the 14B in fp16 (29.5 GB of weights) fits no 16 GB card under vLLM: every point says so
    vllm = next(c for c in embedded["curves"] if c["engine"] == "vllm")
    assert vllm["max_context"] == 0 and not any(p["fits"] for p in vllm["points"])


@pytest.mark.parametrize("suffix", [".svg", ".png", ".html"])
def test_predict_plot_holds_the_predicted_numbers(run_cli, tmp_path, suffix):
    path = tmp_path / f"speed{suffix}"
    code, out, err = run_cli(*PREDICT, "--json", "--plot", str(path))
    assert code == 0, err
    _valid(path)
    embedded = read_embedded(path)
    assert embedded["kind"] == "predict" and embedded["prompt_tokens"] == 500
    predictions = json.loads(out)["predictions"]
    assert len(embedded["series"]) == 2
    plotted = 0
    for s in embedded["series"]:
        for point in s["points"]:
            (p,) = [p for p in predictions if p["engine"] == s["engine"] and p["concurrency"] == point["concurrency"]]
            for key in ("throughput_tokens_per_s", "ttft_s", "tpot_s", "e2e_s"):
                for k in (key, f"{key}_low", f"{key}_high"):
                    assert point[k] == p[k], (s["label"], k)
            plotted += 1
    assert plotted == len(predictions) == 6


def test_the_python_api_plots_the_same_result(tmp_path):
    report = planner.predict("Qwen/Qwen2.5-7B-Instruct", offline=True, engine="llamacpp", concurrency=[1, 4])
    written = api.plot(report, tmp_path / "speed.svg")
    assert written == tmp_path / "speed.svg"
    assert read_embedded(written)["series"] == to_jsonable(api.concurrency_curves(report))["series"]


def _bad_paths(tmp_path: Path) -> list[tuple[str, str]]:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    folder = tmp_path / "folder.svg"
    folder.mkdir()
    return [
        (str(tmp_path / "x.gif"), "unknown plot format"),
        (str(blocker / "x.svg"), "cannot write into"),
        (str(folder), "is a folder"),
    ]


@pytest.mark.parametrize("command", [FIT, PREDICT], ids=["fit", "predict"])
def test_bad_plot_paths_are_one_line_and_a_hint(run_cli, tmp_path, command):
    for path, problem in _bad_paths(tmp_path):
        code, out, err = run_cli(*command, "--plot", path)
        assert code == 2, (path, err)
        assert err.startswith("error: --plot") and problem in err and "hint:" in err and "Traceback" not in err
        assert out == ""  # refused before any work


def test_matplotlib_is_loaded_only_for_a_plot(tmp_path):
    code = (
        "import sys; from planner.cli.app import main; "
        "main(['fit', 'Qwen/Qwen2.5-1.5B-Instruct', '--offline', '--engine', 'llamacpp', '--json']); "
        "print('MPL', 'matplotlib' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True).stdout
    assert "MPL False" in out
