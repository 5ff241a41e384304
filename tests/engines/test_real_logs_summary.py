"""`scripts/real_logs.py --summary`, the form the user guide shows ("How far to trust the memory plans").

Its list of cases off by more than 10% must be exactly what the script's full per-row table says, figure by figure
(the full table is what tests/data/real-engine-logs.md quotes), and its summaries the full run's "all cases" block.
"""

from __future__ import annotations

import re
import subprocess
import sys
from functools import cache
from pathlib import Path

SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "real_logs.py"


def _headline() -> set[tuple[str, str]]:
    """The figures the summary lists case by case: the script's own HEADLINE."""
    sys.path.insert(0, str(SCRIPT.parent))
    import real_logs

    return set(real_logs.HEADLINE)


@cache
def _run(*flags: str) -> str:
    proc = subprocess.run([sys.executable, str(SCRIPT), "--v1-only", *flags], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    return proc.stdout


def test_summary_lists_exactly_the_rows_off_by_more_than_ten_percent():
    full, summary = _run(), _run("--summary")
    headline = _headline()
    assert ("vllm", "kv_cache_tokens") in headline
    expected: dict[tuple[str, str], set[str]] = {k: set() for k in headline}
    for line in full.splitlines():
        # the row format: case (5), engine (8), version (8, may hold a space), metric (24), logged, predicted, error
        case, engine, version, metric = line[:5].strip(), line[6:14].strip(), line[15:23].strip(), line[24:48].strip()
        error = re.match(r"\s*\S+\s+\S+\s+([+-]\d+\.\d)%", line[48:])
        if (engine, metric) in headline and version != "v0" and error and abs(float(error.group(1))) > 10.0:
            expected[(engine, metric)].add(case)
    listed = summary.split("off by more than 10%")[1].splitlines()[1:]
    got = {}
    for line in listed:
        engine, metric, count, *cases = line.replace(",", " ").split()
        got[(engine, metric)] = set(cases) - {"-"}
        assert int(count) == len(got[(engine, metric)])
    assert got == expected
    assert got[("vllm", "kv_cache_tokens")], "the recorded vLLM misses (V102, V108, ...) are listed"


def test_summary_repeats_the_full_runs_all_cases_block():
    full, summary = _run(), _run("--summary")
    block = full.split("all cases\n")[1].split("\n\n")[0]
    assert summary.startswith("all cases\n" + block + "\n")
    assert "cases added after the model was built" in summary
    assert not re.search(r"^V\d+\s+vllm", summary, re.M), "no per-row lines"
