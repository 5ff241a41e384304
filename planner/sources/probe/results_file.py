"""The results file: read (bounded, validated) and append atomically."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

from planner.errors import (
    ResultsFileError,
)
from planner.schemas import check_results
from planner.sources.files import parse_json, read_text

RESULTS_KIND = "mi50plan-probe-results"


def read_results(path: Path, *, missing_ok: bool = False) -> dict:
    path = Path(path)
    if not path.exists():
        if missing_ok:
            return {"kind": RESULTS_KIND, "schema_version": 1, "probes": []}
        raise ResultsFileError(f"{path}: no such file", hint="create it with `mi50plan probe URL --save FILE`")
    what = "mi50plan probe results file"
    data = parse_json(read_text(path, what, ResultsFileError), str(path), what, ResultsFileError)
    if not isinstance(data, dict) or data.get("kind") != RESULTS_KIND or not isinstance(data.get("probes"), list):
        raise ResultsFileError(
            f"{path}: not a mi50plan probe results file",
            hint="the file was left untouched; save to another file",
        )
    check_results(data, str(path))
    return data


def append_results(path: Path, record: dict, write: Callable[[Path, str], None]) -> int:
    """Append one probe to the results file; write is an atomic writer. Returns the probe count."""
    data = read_results(path, missing_ok=True)
    data["probes"].append(record)
    write(Path(path), json.dumps(data, indent=2, ensure_ascii=False) + "\n")
    return len(data["probes"])
