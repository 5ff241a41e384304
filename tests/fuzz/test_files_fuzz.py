"""Damaged run files, calibration stores, host.json, profiles, and a writer killed mid-write.

Boundaries: `validate --bench` (vllm bench serve JSON), `validate --llama-bench` (JSON and markdown),
`validate --vllm-log`, `validate RESULTS` (probe results file), `calibrate --list` / `predict` (the
calibration store), `predict --hardware host` (host.json), `profiles show` (a user profile file).
"""

from __future__ import annotations

import json
import math
import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.fuzz.harness import SECRETS, run_checked

RECORDED = Path(__file__).resolve().parents[1] / "data" / "recorded"
MODEL = "Qwen/Qwen2.5-1.5B-Instruct"  # the model of the recorded vLLM files; the offline catalog has it
HOSTILE = [None, -5, 0, -1e300, 1e300, 10**18, "fast", "", True, [], {}, [1], math.nan, math.inf, -math.inf]


def write_json(path: Path, data) -> Path:
    path.write_text(data if isinstance(data, str) else json.dumps(data, allow_nan=True))
    return path


# ------------------------------------------------------------------ vllm bench serve --save-result

BENCH = json.loads((RECORDED / "vllm-bench-serve.json").read_text())
BENCH_KEYS = [
    "mean_ttft_ms",
    "median_ttft_ms",
    "mean_tpot_ms",
    "median_tpot_ms",
    "mean_e2el_ms",
    "max_concurrency",
    "completed",
    "total_input_tokens",
    "total_output_tokens",
    "output_throughput",
    "request_throughput",
    "input_lens",
    "output_lens",
]
# None is "not measured" for the optional summaries and counts; these keys may hold it.
NONE_OK = {
    "input_lens",
    "output_lens",
    "median_ttft_ms",
    "mean_tpot_ms",
    "median_tpot_ms",
    "mean_e2el_ms",
    "max_concurrency",
    "completed",
    "total_input_tokens",
    "total_output_tokens",
    "output_throughput",
    "request_throughput",
}
BENCH_CASES = [(k, v) for k in BENCH_KEYS for v in HOSTILE]


def _bench_invalid(key, value) -> bool | None:
    if value is None:
        return None if key in NONE_OK else True
    if value == 0 and key in (
        "median_ttft_ms",
        "mean_tpot_ms",
        "median_tpot_ms",
        "mean_e2el_ms",
        "completed",
        "output_throughput",
        "request_throughput",
        "total_input_tokens",
        "total_output_tokens",
        "mean_ttft_ms",
    ):
        return None  # a zero summary is odd but not a type error
    if value == [1] and key in ("input_lens", "output_lens"):
        return None
    if value in ([], {}) and key in ("input_lens", "output_lens"):
        return None if value == [] else True
    return True


@pytest.mark.parametrize(("key", "value"), BENCH_CASES, ids=[f"{k}={v!r}" for k, v in BENCH_CASES])
def test_hostile_vllm_bench_value(tmp_path, key, value):
    data = dict(BENCH, **{key: value})
    path = write_json(tmp_path / "bench.json", data)
    run_checked(["validate", "--bench", str(path), "--offline"], invalid=_bench_invalid(key, value), time_limit_s=10)


PATH_NAMES = [
    "../../../../etc/passwd",
    "/etc/passwd",
    "~/.ssh/id_rsa",
    "..\\..\\secret",
    "x/../../y.json",
    "model.gguf",
    "/proc/self/environ",
]


@pytest.mark.parametrize("name", PATH_NAMES)
def test_bench_model_id_is_never_opened(tmp_path, name):
    data = dict(BENCH, model_id=name)
    out = run_checked(["validate", "--bench", str(write_json(tmp_path / "b.json", data)), "--offline"], invalid=True)
    assert "not valid JSON" not in out.err and "not opened as a path" in out.err, out.err


def test_bench_extremes(tmp_path):
    cases = {
        "max_concurrency-1e9": dict(BENCH, max_concurrency=10**9),
        "input_lens-nan": dict(BENCH, input_lens=[math.nan]),
        "input_lens-huge": dict(BENCH, input_lens=[10**15]),
        "input_lens-strings": dict(BENCH, input_lens=["a"]),
        "no-ttft": {k: v for k, v in BENCH.items() if k != "mean_ttft_ms"},
        "list": [BENCH],
        "deep": "[" * 100_000 + "]" * 100_000,
        "empty": "",
        "binary": "\x00\x01\x02",
        "model-id-int": dict(BENCH, model_id=7),
        "model-id-huge": dict(BENCH, model_id="m" * 5000),
        "request_rate-obj": dict(BENCH, request_rate={"a": 1}),
    }
    for name, data in cases.items():
        path = write_json(tmp_path / f"{name}.json", data)
        run_checked(["validate", "--bench", str(path), "--offline", "--model", MODEL], invalid=True, time_limit_s=10)


# ------------------------------------------------------------------ llama-bench -o json / -o md

LLAMA_ROWS = json.loads((RECORDED / "llama-bench-gemma3-270m-cpu.json").read_text())
LLAMA_KEYS = ["avg_ts", "stddev_ts", "n_prompt", "n_gen", "n_depth"]
LLAMA_CASES = [(k, v) for k in LLAMA_KEYS for v in HOSTILE]


@pytest.mark.parametrize(("key", "value"), LLAMA_CASES, ids=[f"{k}={v!r}" for k, v in LLAMA_CASES])
def test_hostile_llama_bench_value(tmp_path, key, value):
    rows = [dict(r) for r in LLAMA_ROWS]
    rows[0][key] = value
    invalid: bool | None = True
    if value is None and key == "stddev_ts":
        invalid = None
    if value == 0 and key in ("stddev_ts", "n_depth", "n_gen"):  # row 0 is pp512: n_gen is 0 already
        invalid = None
    path = write_json(tmp_path / "lb.json", rows)
    # --model names a catalog model, so only the file's numbers can fail.
    run_checked(
        ["validate", "--llama-bench", str(path), "--model", MODEL, "--offline"], invalid=invalid, time_limit_s=10
    )


MARKDOWN = (RECORDED / "llama-bench-gemma3-270m-cpu.md").read_text()
MD_EDITS = {
    "rate-1.2.3": ("595.84 ± 63.83", "1.2.3"),
    "rate-dots": ("595.84 ± 63.83", "..."),
    "rate-zero": ("595.84 ± 63.83", "0.00"),
    "rate-huge": ("595.84 ± 63.83", "9" * 400),
    "pp-huge": ("pp512", "pp99999999999999999999"),
    "pp-zero": ("pp512", "pp0"),
    "depth-huge": ("pp512", "pp512 @ d99999999999999"),
    "stddev-dots": ("595.84 ± 63.83", "595.84 ± 1.2.3"),
}


@pytest.mark.parametrize("name", list(MD_EDITS))
def test_hostile_llama_bench_markdown(tmp_path, name):
    old, new = MD_EDITS[name]
    path = tmp_path / "lb.md"
    path.write_text(MARKDOWN.replace(old, new).replace("70.05 ± 2.51", new if "rate" in name else "70.05 ± 2.51"))
    run_checked(["validate", "--llama-bench", str(path), "--model", MODEL, "--offline"], invalid=True, time_limit_s=10)


def test_llama_bench_structure(tmp_path):
    cases = {
        "no-rows": "[]",
        "objects-without-avg": '[{"n_prompt": 512}]',
        "not-a-table": "hello world\n",
        "table-garbage": "| a | b |\n|---|---|\n| x | y |\n",
        "deep": "[" * 100_000 + "]" * 100_000,
        "truncated": '[{"avg_ts": 5',
        "model-filename-path": json.dumps([dict(LLAMA_ROWS[0], model_filename="../../../../etc/passwd")]),
    }
    for name, text in cases.items():
        path = tmp_path / f"{name}.json"
        path.write_text(text)
        extra = [] if name == "model-filename-path" else ["--model", MODEL]
        run_checked(["validate", "--llama-bench", str(path), "--offline", *extra], invalid=True, time_limit_s=10)


# ------------------------------------------------------------------ vLLM start-up log

LOG = (RECORDED / "vllm-0.11-mi50-qwen2.5-1.5b.log").read_text()
LOG_EDITS = {
    "weights-dots": ("3.0391 GiB and", "3.0.3 GiB and"),
    "weights-huge": ("3.0391 GiB and", "9" * 400 + " GiB and"),
    "kv-dots": ("9.66 GiB", "..9 GiB"),
    "tokens-huge": ("361,856 tokens", "9" * 30 + " tokens"),
    "concurrency-dots": ("88.34x", "8.8.34x"),
    "concurrency-huge": ("88.34x", "9" * 400 + "x"),
    "len-huge": ("4,096 tokens per request", "9" * 40 + " tokens per request"),
}


@pytest.mark.parametrize("name", list(LOG_EDITS))
def test_hostile_vllm_log(tmp_path, name):
    old, new = LOG_EDITS[name]
    path = tmp_path / "vllm.log"
    path.write_text(LOG.replace(old, new))
    run_checked(["validate", "--vllm-log", str(path), "--model", MODEL, "--offline"], invalid=True, time_limit_s=10)


def test_vllm_log_kinds(tmp_path):
    binary = tmp_path / "bin.log"
    binary.write_bytes(os.urandom(4096))
    folder = tmp_path / "folder.log"
    folder.mkdir()
    empty = tmp_path / "empty.log"
    empty.write_text("")
    for path in (binary, folder, empty, tmp_path / "missing.log"):
        run_checked(["validate", "--vllm-log", str(path), "--model", MODEL, "--offline"], invalid=True, time_limit_s=10)


# ------------------------------------------------------------------ probe results file


def results(**block_edits) -> dict:
    block = {
        "prompt_set": "short",
        "concurrency": 1,
        "runs": 1,
        "ok": 1,
        "prompt_tokens": 40,
        "output_tokens": 16,
        "ttft_s": {"p50": 0.1},
        "decode_tokens_per_s": {"p50": 20.0},
        "e2e_s": {"p50": 0.9},
    }
    block.update(block_edits)
    return {
        "kind": "mi50plan-probe-results",
        "schema_version": 1,
        "probes": [{"server": {"kind": "vllm", "model": MODEL, "url": "http://x"}, "summary": [block], "runs": []}],
    }


def test_the_seed_results_file_validates(tmp_path):
    path = write_json(tmp_path / "r.json", results())
    run_checked(["validate", str(path), "--offline"], invalid=False, time_limit_s=20)


RESULT_KEYS = [
    "prompt_tokens",
    "output_tokens",
    "concurrency",
    "prompt_set",
    "ttft_s",
    "decode_tokens_per_s",
    "e2e_s",
    "ok",
]
RESULT_CASES = [
    (k, v) for k in RESULT_KEYS for v in HOSTILE if not (v is None and k in ("prompt_tokens", "output_tokens"))
]


@pytest.mark.parametrize(("key", "value"), RESULT_CASES, ids=[f"{k}={v!r}" for k, v in RESULT_CASES])
def test_hostile_results_value(tmp_path, key, value):
    path = write_json(tmp_path / "r.json", results(**{key: value}))
    invalid: bool | None = True
    if value in (0, None, [], {}) and key in ("prompt_tokens", "output_tokens", "ok"):
        invalid = None  # an empty block is skipped: "nothing to compare"
    if key == "prompt_set" and isinstance(value, str):
        invalid = None  # a label
    run_checked(["validate", str(path), "--offline"], invalid=invalid, time_limit_s=10)
    run_checked(["calibrate", str(path), "--offline"], invalid=invalid, time_limit_s=10)


SPREAD_CASES = [(k, v) for k in ("ttft_s", "decode_tokens_per_s", "e2e_s") for v in ["x", -1, math.nan, 1e300]]


@pytest.mark.parametrize(("key", "value"), SPREAD_CASES, ids=[f"{k}.p50={v!r}" for k, v in SPREAD_CASES])
def test_hostile_results_measurement(tmp_path, key, value):
    path = write_json(tmp_path / "r.json", results(**{key: {"p50": value}}))
    run_checked(["validate", str(path), "--offline"], invalid=True, time_limit_s=10)


SERVER_EDITS = {
    "model-path": {"model": "../../../../etc/passwd"},
    "model-abs-path": {"model": "/etc/hostname"},
    "model-int": {"model": 5},
    "model-nul": {"model": "a\x00b"},
    "kind-int": {"kind": 3},
    "kind-unknown": {"kind": "tgi"},
    "max-len-neg": {"max_model_len": -1},
    "max-len-str": {"max_model_len": "big"},
}


@pytest.mark.parametrize("name", list(SERVER_EDITS))
def test_hostile_results_server(tmp_path, name):
    data = results()
    data["probes"][0]["server"].update(SERVER_EDITS[name])
    out = run_checked(
        ["validate", str(write_json(tmp_path / "r.json", data)), "--offline"], invalid=True, time_limit_s=10
    )
    if "path" in name:
        assert "not opened as a path" in out.err, out.err


def test_results_structure(tmp_path):
    cases = {
        "list": [],
        "kind-missing": {"probes": []},
        "probes-str": {"kind": "mi50plan-probe-results", "probes": "x"},
        "probe-str": {"kind": "mi50plan-probe-results", "probes": ["x"]},
        "summary-str": {"kind": "mi50plan-probe-results", "probes": [{"server": {"kind": "vllm"}, "summary": "x"}]},
        "server-missing": {"kind": "mi50plan-probe-results", "probes": [{"summary": []}]},
        "version-2": dict(results(), schema_version=2),
        "deep": "[" * 100_000 + "]" * 100_000,
        "binary": "\x00\xff",
        "nan": '{"kind": "mi50plan-probe-results", "probes": [], "x": NaN}',
    }
    for name, data in cases.items():
        path = write_json(tmp_path / f"{name}.json", data)
        run_checked(["validate", str(path), "--offline"], invalid=True, time_limit_s=10)
        run_checked(["calibrate", str(path), "--offline"], invalid=True, time_limit_s=10)
    run_checked(["validate", str(tmp_path), "--offline"], invalid=True, time_limit_s=10)  # a folder
    run_checked(["validate", str(tmp_path / "nope.json"), "--offline"], invalid=True, time_limit_s=10)


LOAD_AVERAGES = ["x", -1, math.nan, math.inf, 1e300, [], {}, True]


@pytest.mark.parametrize("value", LOAD_AVERAGES, ids=[repr(v) for v in LOAD_AVERAGES])
def test_hostile_load_average_of_a_load_point(tmp_path, value):
    # a kept real load curve (tests/data/capacity-check/cc1) whose busy point says a hostile load average:
    # calibrate reads it to tell a quiet machine (docs/methodology.md section 8, step 4)
    data = json.loads((Path(__file__).resolve().parents[1] / "data" / "capacity-check" / "cc1" / "calibration.json")
                      .read_text())  # fmt: skip
    data["probes"][-1]["points"][-1]["load_average"] = value
    path = write_json(tmp_path / "r.json", data)
    out = run_checked(["calibrate", str(path), "--offline", "--hardware", "host"], invalid=True, time_limit_s=10)
    assert "load_average" in out.err, out.err  # the schema's own line, not a later failure


def test_probe_save_into_damaged_results_file(tmp_path):
    """`probe --save` reads the file first: a damaged one fails before any network use, and is left as it was."""
    path = write_json(tmp_path / "r.json", results(prompt_tokens="x"))
    before = path.read_bytes()
    run_checked(["probe", "http://127.0.0.1:9", "--save", str(path), "--quiet"], invalid=True, time_limit_s=10)
    assert path.read_bytes() == before


# ------------------------------------------------------------------ calibration store

GOOD_CAL = {
    "name": "mi50-16gb/vllm/rocm",
    "hardware": "mi50-16gb",
    "engine": "vllm",
    "backend": "rocm",
    "decode": 1.1,
    "prefill": 0.9,
    "kv": 1.0,
    "ttft_overhead_s": 0.02,
    "created_at": "2026-01-01",
    "sources": [{"file": "r.json"}],
    "points": 2,
}
CAL_KEYS = [
    "decode", "prefill", "kv", "ttft_overhead_s", "step_output_s", "points", "sources", "memory", "name", "hardware",
]  # fmt: skip
CAL_VALUES = [-1, 0, math.nan, math.inf, 1e300, "x", None, [], {}, 3, True, [{"file": 3}, {"file": "a"}]]
CAL_CASES = [(k, v) for k in CAL_KEYS for v in CAL_VALUES]


def _cal_invalid(key, value) -> bool | None:
    if key == "memory" and value in (None, {}):
        return None
    if key == "sources" and value in ([], None):
        return None
    if key == "points" and value in (0, 3):
        return None
    if key in ("ttft_overhead_s", "step_output_s") and value in (0, 3):
        return None
    if key in ("decode", "prefill", "kv") and value == 3:
        return None
    return True


def _store(home: Path, entry) -> Path:
    folder = home / "config"
    folder.mkdir(parents=True, exist_ok=True)
    return write_json(
        folder / "calibration.json", {"schema_version": 1, "calibrations": {"mi50-16gb/vllm/rocm": entry}}
    )


@pytest.mark.parametrize(("key", "value"), CAL_CASES, ids=[f"{k}={v!r}"[:50] for k, v in CAL_CASES])
def test_hostile_calibration_entry(isolated, key, value):
    _store(isolated, dict(GOOD_CAL, **{key: value}))
    invalid = _cal_invalid(key, value)
    run_checked(["calibrate", "--list"], invalid=invalid, time_limit_s=10)
    run_checked(["predict", MODEL, "--offline", "--engine", "vllm"], invalid=invalid, time_limit_s=10)
    if invalid:
        out = run_checked(["calibrate", "--list"], invalid=True, time_limit_s=10)
        if "calibrate --remove" in out.err:  # the hint's own remedy works on the same file
            run_checked(["calibrate", "--remove", "mi50-16gb/vllm/rocm"], invalid=False, time_limit_s=10)
            run_checked(["calibrate", "--list"], invalid=False, time_limit_s=10)
        else:
            assert "remove the file" in out.err, out.err


@pytest.mark.parametrize(
    "text",
    [
        "",
        "[]",
        "3",
        '{"calibrations": 3}',
        '{"calibrations": []}',
        "\x00\xff",
        "[" * 100_000,
        '{"sources": 3}',
        '{"calibrations": {"a": 3}}',
        '{"calibrations": {"a": NaN}}',
    ],
    ids=[
        "empty",
        "list",
        "number",
        "calibrations-int",
        "calibrations-list",
        "binary",
        "deep",
        "sources-int",
        "entry-int",
        "entry-nan",
    ],
)
def test_damaged_calibration_file(isolated, text):
    folder = isolated / "config"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "calibration.json").write_text(text)
    out = run_checked(["calibrate", "--list"], invalid=True, time_limit_s=10)
    if "calibrate --remove" in out.err:  # a hint that names the remedy must name one that works
        name = out.err.split("calibrate --remove ")[1].split("`")[0]
        run_checked(["calibrate", "--remove", name], invalid=False, time_limit_s=10)


def test_calibration_folder_is_a_file(isolated):
    (isolated / "config").write_text("not a folder")
    run_checked(["calibrate", "--list"], invalid=None, time_limit_s=10)
    run_checked(["calibrate", "--remove", "all"], invalid=True, time_limit_s=10)


# ------------------------------------------------------------------ host.json

HOST_CASES = {
    "list": [],
    "string": "host",
    "bandwidth-str": {"bandwidth_gbps": "fast"},
    "bandwidth-neg": {"bandwidth_gbps": -1},
    "bandwidth-nan": {"bandwidth_gbps": math.nan},
    "bandwidth-huge": {"bandwidth_gbps": 1e300},
    "cores-zero": {"cpu_cores": 0},
    "cores-str": {"cpu_cores": "8"},
    "cores-huge": {"cpu_cores": 10**18},
    "memory-neg": {"memory_bytes": -1},
    "memory-float": {"memory_bytes": 1.5},
    "memory-huge": {"memory_bytes": 10**40},
    "binary": "\x00\xff\xfe",
    "deep": "[" * 100_000 + "]" * 100_000,
}


@pytest.mark.parametrize("name", list(HOST_CASES))
def test_damaged_host_json(isolated, name):
    """A damaged cache is measured again (so the command works) and replaced by good facts."""
    from planner.sources.host import _machine_key

    folder = isolated / "config"
    folder.mkdir(parents=True, exist_ok=True)
    value = HOST_CASES[name]
    if isinstance(value, dict):
        value = {"machine": _machine_key(), "cpu_cores": 2, "memory_bytes": 2**33, "bandwidth_gbps": 10.0, **value}
    write_json(folder / "host.json", value)
    run_checked(
        ["predict", MODEL, "--offline", "--hardware", "host", "--engine", "llamacpp"], invalid=False, time_limit_s=20
    )
    facts = json.loads((folder / "host.json").read_text())
    assert facts["cpu_cores"] >= 1 and facts["bandwidth_gbps"] > 0


# ------------------------------------------------------------------ hardware profile files

PROFILE = (Path(__file__).resolve().parents[2] / "profiles" / "mi50-16gb.toml").read_text()
PROFILE_EDITS = {
    "memory-zero": ("memory_bytes", "0"),
    "memory-str": ("memory_bytes", '"16GB"'),
    "memory-huge": ("memory_bytes", "99999999999999999999"),
    "memory-float": ("memory_bytes", "1.5e10"),
    "bandwidth-nan": ("bandwidth_gbps", "nan"),
    "bandwidth-inf": ("bandwidth_gbps", "inf"),
    "bandwidth-neg": ("bandwidth_gbps", "-1"),
    "bandwidth-str": ("bandwidth_gbps", '"fast"'),
    "platform-bad": ("platform", '"opencl"'),
    "name-bad": ("name", '"Bad Name"'),
    "dtypes-int": ("supported_dtypes", "3"),
    "peaks-str": ("peak_tflops", '"lots"'),
    "engines-list": ("engines", "[1, 2]"),
    "sources-int": ("sources", "7"),
    "schema-2": ("schema_version", "2"),
}


@pytest.mark.parametrize("name", list(PROFILE_EDITS))
def test_damaged_profile(isolated, name):
    import re

    key, value = PROFILE_EDITS[name]
    folder = isolated / "config" / "profiles"
    folder.mkdir(parents=True, exist_ok=True)
    text, n = re.subn(rf"(?m)^{key}\s*=.*$", f"{key} = {value}", PROFILE)
    if n == 0:  # a key the file leaves out, or a table: put it first
        text = f"{key} = {value}\n" + re.sub(rf"(?ms)^\[{key}\].*?(?=^\[|\Z)", "", PROFILE)
    (folder / "mi50-16gb.toml").write_text(text)
    run_checked(["profiles", "show", "mi50-16gb"], invalid=True, time_limit_s=10)
    run_checked(["fit", MODEL, "--offline", "--hardware", "mi50-16gb"], invalid=True, time_limit_s=10)


@pytest.mark.parametrize(
    "text", ["", "\x00\xff", "[[[", "a = ", "name = 'x'\n" * 3], ids=["empty", "binary", "bad-1", "bad-2", "dup"]
)
def test_unparsable_profile(isolated, text):
    folder = isolated / "config" / "profiles"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "broken.toml").write_text(text)
    run_checked(["profiles", "show", "broken"], invalid=True, time_limit_s=10)


# ------------------------------------------------------------------ random JSON into every JSON reader

_JSON = st.recursive(
    st.none() | st.booleans() | st.integers(-(10**20), 10**20) | st.floats() | st.text(max_size=10),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4),
    max_leaves=12,
)


@settings(max_examples=40, derandomize=True, deadline=None, suppress_health_check=list(HealthCheck))
@given(data=_JSON, extra=st.dictionaries(st.sampled_from(BENCH_KEYS + LLAMA_KEYS), _JSON, max_size=3))
def test_random_json_into_readers(tmp_path_factory, data, extra):
    folder = tmp_path_factory.mktemp("json")
    bench = write_json(folder / "bench.json", dict(BENCH, **extra))
    llama = write_json(folder / "lb.json", [dict(LLAMA_ROWS[0], **extra)])
    anything = write_json(folder / "any.json", data)
    for argv in (
        ["validate", "--bench", str(bench), "--model", MODEL],
        ["validate", "--llama-bench", str(llama), "--model", MODEL],
        ["validate", str(anything)],
        ["validate", "--bench", str(anything), "--model", MODEL],
        ["validate", "--llama-bench", str(anything), "--model", MODEL],
        ["fit", str(anything)],
    ):
        run_checked([*argv, "--offline"], invalid=None, time_limit_s=10)


# ------------------------------------------------------------------ kill -9 while saving

WRITER = textwrap.dedent(
    """
    import sys
    from pathlib import Path
    from planner.sources.files import write_atomic
    write_atomic(Path(sys.argv[1]), "x" * (200 * 2**20))
    """
)


def test_kill_while_saving_leaves_no_temporary_behind(tmp_path):
    """A writer killed mid-write leaves its temporary; the next write removes it (once it is a minute old)
    and the earlier file is intact throughout."""
    from planner.sources.files import STALE_TEMP_S, write_atomic

    target = tmp_path / "results.json"
    target.write_text('{"earlier": true}')
    env = dict(os.environ, PYTHONPATH=str(Path(__file__).resolve().parents[2]))
    proc = subprocess.Popen([sys.executable, "-c", WRITER, str(target)], env=env)
    deadline = time.time() + 30
    while time.time() < deadline and not list(tmp_path.glob(".results.json.*")):
        time.sleep(0.02)
    time.sleep(0.1)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    left = list(tmp_path.glob(".results.json.*"))
    assert left, "the writer was killed before it created its temporary"
    assert json.loads(target.read_text()) == {"earlier": True}
    young = left[0]
    write_atomic(target, '{"later": true}')
    assert young.exists()  # younger than a minute: maybe another live writer's, left alone
    old = time.time() - STALE_TEMP_S - 5
    os.utime(young, (old, old))
    write_atomic(target, '{"last": true}')
    assert not list(tmp_path.glob(".results.json.*"))
    assert json.loads(target.read_text()) == {"last": True}


def test_no_secret_in_saved_or_printed_files(tmp_path):
    """The fixture's secrets never reach a file the planner writes (sanity check of the harness itself)."""
    assert all(len(v) > 20 for v in SECRETS.values())
