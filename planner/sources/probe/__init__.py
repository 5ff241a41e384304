"""Live latency probes of a running LLM server (vLLM, Ollama, llama-server, other OpenAI-compatible).

A package: http (time-outs, URLs, keys, bounded reads), detect, stream, records, runner, results_file.
The HTTP client and the time-outs are parameters, so tests point the prober at real servers on
127.0.0.1. Every piece of server text goes through planner.sources.redact before it is shown or stored.
"""

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
from planner.sources.probe.results_file import RESULTS_KIND, append_results, read_results  # noqa: F401
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
    stream_request,
)
