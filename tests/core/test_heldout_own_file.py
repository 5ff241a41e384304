"""`scripts/heldout_benchmarks.py --csv FILE`: the shipped speed model on someone else's llama-bench results.

A reviewer's file names GPUs and models as llama-bench or its author printed them, not as the project's mapping
tables do. The rows here are real published rows (scripts/data/llamabench-heldout-22.csv, each citing its page) with
their GPU or model string respelled as another page would print it; what is checked is the reading (which profile and
shape a row gets, what is left out and why, the error lines), not any accuracy figure.
"""

from __future__ import annotations

import csv
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "scripts"))

import heldout_benchmarks  # noqa: E402
import public_common  # noqa: E402

SOURCE = public_common.DATA / "llamabench-heldout-22.csv"


def _rows() -> list[dict]:
    with SOURCE.open(newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def _write(path: Path, rows: list[dict]) -> Path:
    with path.open("w", newline="", encoding="utf-8") as fh:
        w = csv.DictWriter(fh, fieldnames=list(rows[0]))
        w.writeheader()
        w.writerows(rows)
    return path


def _one(rows: list[dict], gpu: str, model: str) -> dict:
    return next(dict(r) for r in rows if r["gpu"] == gpu and r["model"] == model)


def test_a_respelled_gpu_or_another_type_of_a_mapped_model_reads_as_the_mapped_one(tmp_path):
    rows = _rows()
    base = [
        _one(rows, "NVIDIA GeForce RTX 3090", "gemma4 26B.A4B Q4_0"),
        _one(rows, "NVIDIA GeForce RTX 5090", "qwen3moe 30B.A3B Q2_K - Medium"),
    ]
    respelled = [dict(r) for r in base]
    respelled[0]["gpu"] = "NVIDIA GeForce RTX 3090 (24 GB, driver 580)"  # in no mapping table; spells rtx3090
    respelled[1]["model"] = "qwen3moe 30B.A3B Q5_K - Medium"  # another type, in no mapping table
    assert respelled[1]["model"] not in {m["model"] for m in public_common._csv("llamabench-models.csv")}
    mapped, _ = public_common.load_public(_write(tmp_path / "a.csv", base))
    read, skipped = public_common.load_public(_write(tmp_path / "b.csv", respelled))
    assert skipped == {}
    assert [r.group for r in read] == [r.group for r in mapped] == ["rtx3090", "rtx5090"]
    # the same shape family (the model note names it first) and so the same layers, widths and experts
    assert read[1].model_note.split(";")[0] == mapped[1].model_note.split(";")[0] == "qwen3-30b-a3b"
    assert read[1].work == mapped[1].work  # same file size, params, layers, experts: the same work


def test_what_nothing_maps_is_left_out_with_its_reason_never_guessed(tmp_path):
    rows = _rows()
    good = _one(rows, "NVIDIA GeForce RTX 3090", "gemma4 26B.A4B Q4_0")
    mystery_gpu = dict(good, gpu="Mystery Accelerator 9000")
    ambiguous = dict(good, model="qwen2 1000B Q4_0")  # no mapped qwen2 of that size
    not_bench = dict(good, model="my-finetune-v3.gguf")  # not llama-bench's own "<arch> <size> <type>" form
    read, skipped = public_common.load_public(_write(tmp_path / "c.csv", [good, mystery_gpu, ambiguous, not_bench]))
    assert len(read) == 1
    assert skipped == {public_common.UNMAPPED_GPU: 1, public_common.UNMAPPED_MODEL: 2}


def test_the_script_scores_a_given_file_and_says_what_it_left_out(tmp_path, capsys):
    rows = _rows()
    picked = [r for r in rows if r["gpu"] == "NVIDIA GeForce RTX 5090"][:4]
    picked.append(dict(picked[0], gpu="Mystery Accelerator 9000"))
    path = _write(tmp_path / "mine.csv", picked)
    assert heldout_benchmarks.main(["--csv", str(path), "--rows"]) == 0
    out = capsys.readouterr().out
    assert "never fitted" in out and "mine.csv" in out
    assert "left out: 1 no profile for its GPU string" in out
    assert sum(line.startswith("  rtx5090 ") for line in out.splitlines()) == 4


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("a,b\n1,2\n", "no column 'test'"),
        (None, "line 2: could not convert string to float"),
    ],
)
def test_a_file_it_cannot_read_gets_one_line_and_a_hint(tmp_path, text, message):
    path = tmp_path / "bad.csv"
    if text is None:
        _write(path, [dict(_rows()[0], tps="")])
    else:
        path.write_text(text, encoding="utf-8")
    with pytest.raises(SystemExit) as exc:
        heldout_benchmarks.main(["--csv", str(path)])
    assert message in str(exc.value) and "hint:" in str(exc.value)
    with pytest.raises(SystemExit) as exc:
        heldout_benchmarks.main(["--csv", str(tmp_path / "absent.csv")])
    assert "cannot read it" in str(exc.value)


def test_help_scores_nothing(capsys):
    with pytest.raises(SystemExit) as exc:
        heldout_benchmarks.main(["--help"])
    assert exc.value.code == 0
    out = capsys.readouterr().out
    assert "--csv" in out and heldout_benchmarks.COLUMNS in out and "figures" not in out
