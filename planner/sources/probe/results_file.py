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
from planner.sources.probe.detect import _count, _get, _get_json, _get_text, _name, detect_server  # noqa: F401
from planner.sources.probe.http import (  # noqa: F401
    API_KEY_VARS,
    KIND_NAMES,
    KINDS,
    LONG_PASSAGE,
    MAX_BODY_BYTES,
    MAX_ERROR_BYTES,
    MAX_LINE_BYTES,
    PROMPT_SETS,
    Prompt,
    ServerInfo,
    Timeouts,
    _error_text,
    _host_port,
    _read_bounded,
    api_key_from_env,
    auth_headers,
    network_error,
    normalize_url,
)
from planner.sources.probe.records import NS, describe_failure, run_record, server_timings, token_counts  # noqa: F401
from planner.sources.probe.runner import (  # noqa: F401
    ProbePlan,
    Progress,
    _mark_cold,
    _progress_line,
    _scrape,
    _worker_runs,
    builtin_prompts,
    load_prompt_file,
    probe_record,
    run_probe,
    summarize,
)
from planner.sources.probe.stream import (  # noqa: F401
    _END,
    _consume,
    _cut,
    _line,
    _parse_line,
    _reader,
    _ServerSaid,
    _Stream,
    request_for,
    stream_once,
)

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
