"""Extreme and malformed flags through `planner.cli.app.main(argv)`: a usage error naming the flag, never
a crash, a hang, or a plan from a value no engine accepts."""

from __future__ import annotations

import pytest

from tests.fuzz.harness import run_checked

MODEL = "Qwen/Qwen2.5-7B-Instruct"  # the offline catalog answers: no network
BAD_INTS = ["0", "-1", "1000000000000000000", "10**15", "1e400", "nan", "inf", "1.5", "", "abc", "0x10", "٣"]
NUMERIC = {
    "fit": {
        "--gpus": [],
        "--max-model-len": [],
        "--tensor-parallel-size": [],
        "--pipeline-parallel-size": [],
        "--max-num-seqs": [],
        "--max-num-batched-tokens": [],
        "--block-size": [],
        "--ctx-size": ["0"],  # 0: llama.cpp's "the model's context"
        "--ubatch-size": [],
        "--batch-size": [],
        "--parallel": [],
        "--num-ctx": [],
        "--num-parallel": [],
        "--n-gpu-layers": ["0", "-1"],  # 0: all on the CPU; -1: all (llama.cpp's own meaning)
        "--num-gpu": ["0", "-1"],
    },
    "predict": {
        "--gpus": [],
        "--prompt-tokens": [],
        "--output-tokens": [],
        "--context-depth": ["0"],
        "--max-model-len": [],
        "--tensor-parallel-size": [],
    },
    "recommend": {"--gpus": [], "--prompt-tokens": [], "--output-tokens": []},
}
INT_CASES = [
    (cmd, flag, value)
    for cmd, flags in NUMERIC.items()
    for flag, valid in flags.items()
    for value in BAD_INTS
    if value not in valid
]


@pytest.mark.parametrize(("cmd", "flag", "value"), INT_CASES, ids=[f"{c}{f}={v}" for c, f, v in INT_CASES])
def test_bad_number(cmd, flag, value):
    engine = (
        ["--engine", "llamacpp"]
        if flag in ("--n-gpu-layers", "--ctx-size", "--ubatch-size", "--batch-size", "--parallel")
        else []
    )
    out = run_checked([cmd, MODEL, "--offline", flag, value, *engine], invalid=True, time_limit_s=10)
    assert flag in out.err or flag.split("-")[-1] in out.err, out.err  # the error names the flag it is about


BAD_FRACTIONS = ["0", "-0.5", "1.5", "nan", "inf", "-inf", "", "x", "1e400"]


@pytest.mark.parametrize("value", BAD_FRACTIONS)
def test_bad_memory_utilization(value):
    run_checked(["fit", MODEL, "--offline", "--gpu-memory-utilization", value], invalid=True, time_limit_s=10)


BAD_WORDS = {
    ("fit", "--engine"): ["", " ", "vllm,", "gpt", "all,all,all" * 1000],
    ("fit", "--quant"): ["", "Q4", "q4_k_m_x", "\x00"],
    ("fit", "--dtype"): ["", "float8", "fp 16"],
    ("fit", "--quantization"): ["", "int3", "gptq\n"],
    ("fit", "--kv-cache-dtype"): ["", "fp4"],
    ("fit", "--hardware"): ["", "mi50", "../../etc/passwd", "x" * 5000, "\x00"],
    ("fit", "--cache-type-k"): ["", "q3"],
    ("fit", "--cache-type-v"): ["", "q3"],
    ("fit", "--flash-attn"): ["", "maybe"],
    ("fit", "--split-mode"): ["", "diagonal"],
    ("fit", "--kv-cache-type"): ["", "q2"],
    ("fit", "--flash-attention"): ["", "2", "yes please"],
    ("fit", "--ollama-version"): ["", "abc", "999999999999999999999.0.0", "0.0.0.0.0"],
    ("predict", "--backend"): ["", "opencl", "cpu,rocm"],
    ("predict", "--concurrency"): ["", "0", "-1", "1,,2", "a", "1000000000", "1," * 10_000, "nan"],
    ("predict", "--engine"): ["", "tgi"],
    ("predict", "--quant"): ["", "Q1"],
    ("recommend", "--max-latency"): ["1.2.3s", "abc", "-1s", "0s", "nans", "infs", "1e400s", "", "2 weeks"],
    ("recommend", "--goal"): ["", "speed"],
    ("recommend", "--family"): ["", "x" * 3000],
}
WORD_CASES = [(c, f, v) for (c, f), values in BAD_WORDS.items() for v in values]


@pytest.mark.parametrize(("cmd", "flag", "value"), WORD_CASES, ids=[f"{c}{f}={v[:20]!r}" for c, f, v in WORD_CASES])
def test_bad_word(cmd, flag, value):
    model = [] if flag == "--family" else [MODEL]
    run_checked([cmd, *model, "--offline", flag, value], invalid=True, time_limit_s=10)


COMPARE = [
    (f"{MODEL} vllm int3", f"{MODEL} llamacpp"),
    (f"{MODEL} vllm fp16 opencl", f"{MODEL} llamacpp"),
    ("", f"{MODEL} llamacpp"),
    (f"{MODEL}", f"{MODEL} llamacpp"),
    (f"{MODEL} tgi", f"{MODEL} llamacpp"),
    (f"{MODEL} vllm fp16 rocm extra", f"{MODEL} llamacpp"),
    (f"{MODEL} llamacpp Q9_K", f"{MODEL} llamacpp"),
    (f"{MODEL} llamacpp ''", f"{MODEL} vllm"),
    ("no/such-model-here vllm", f"{MODEL} vllm"),
    (f"{MODEL} ollama \x00", f"{MODEL} vllm"),
]


@pytest.mark.parametrize(("a", "b"), COMPARE, ids=[repr(a)[:40] for a, _ in COMPARE])
def test_bad_compare_setup(a, b):
    run_checked(["compare", a, b, "--offline"], invalid=True, time_limit_s=10)


RELATIONS = [
    ["fit", MODEL, "--offline", "--engine", "vllm", "--gpus", "2", "-tp", "4"],
    ["fit", MODEL, "--offline", "--engine", "vllm", "-tp", "3"],
    ["predict", MODEL, "--offline", "--context-depth", "100000000000"],
    ["predict", MODEL, "--offline", "--prompt-tokens", "1000000000000"],
    ["recommend", MODEL, "--offline", "--output-tokens", "0"],
    ["recommend", MODEL, "--offline", "--prompt-tokens", "1000000000000"],
    ["fit", MODEL, "--offline", "--gpus", "1000000000000000000"],
    ["fit", MODEL, "--offline", "--max-num-batched-tokens", "1000000000000000"],
    ["fit", MODEL, "--offline", "--max-model-len", "1000000000000"],
    ["fit", MODEL, "--offline", "--max-num-seqs", "1000000000000"],
    ["fit", MODEL, "--offline", "--block-size", "1000000000000"],
    ["fit", MODEL, "--offline", "--engine", "ollama", "--num-ctx", "1000000000000"],
    ["fit", MODEL, "--offline", "--engine", "ollama", "--num-parallel", "1000000000000"],
    ["fit", MODEL, "--offline", "--engine", "llamacpp", "--parallel", "1000000000000"],
    ["fit", MODEL, "--offline", "--engine", "llamacpp", "-ngl", "1000000000000"],
    ["predict", MODEL, "--offline", "--gpus", "100000"],
    ["recommend", MODEL, "--offline", "--gpus", "100000"],
]


@pytest.mark.parametrize("argv", RELATIONS, ids=[" ".join(a[3:])[:50] for a in RELATIONS])
def test_out_of_range_combination(argv):
    run_checked(argv, invalid=True, time_limit_s=10)


WRONG_NAME = [
    (["fit", MODEL, "--offline", "--engine", "vllm", "-pp", "0"], "--pipeline-parallel-size"),
    (["fit", MODEL, "--offline", "--engine", "vllm", "-tp", "0"], "--tensor-parallel-size"),
    (["fit", MODEL, "--offline", "--engine", "llamacpp", "--batch-size", "0"], "--batch-size"),
    (["fit", MODEL, "--offline", "--engine", "llamacpp", "--ubatch-size", "0"], "--ubatch-size"),
]


@pytest.mark.parametrize(("argv", "flag"), WRONG_NAME, ids=[f for _, f in WRONG_NAME])
def test_error_names_the_flag_given(argv, flag):
    out = run_checked(argv, invalid=True, time_limit_s=10)
    assert flag in out.err, out.err


def test_predict_usage_error_is_not_does_not_fit():
    out = run_checked(["predict", MODEL, "--offline", "--output-tokens", "0"], invalid=True, time_limit_s=10)
    assert out.code == 2, (out.code, out.err)


PROBE_FLAGS = {
    "--timeout": ["0", "-1", "nan", "inf", "1e400", "x"],
    "--connect-timeout": ["0", "-1", "nan", "inf"],
    "--first-token-timeout": ["0", "-5", "nan", "inf"],
    "--idle-timeout": ["0", "-1", "nan", "inf"],
    "--runs": ["0", "-1", "1000000000000"],
    "--warmup": ["-1", "1000000000000"],
    "--output-tokens": ["0", "-1", "1000000000000"],
    "--concurrency": ["0", "-3", "1000000000", "a", "", "1,,"],
    "--prompts": ["", "huge", "short,"],
}
PROBE_CASES = [(f, v) for f, values in PROBE_FLAGS.items() for v in values]


@pytest.mark.parametrize(("flag", "value"), PROBE_CASES, ids=[f"{f}={v}" for f, v in PROBE_CASES])
def test_bad_probe_flag(flag, value):
    # Port 9 (discard) on loopback refuses at once, so a flag that slips through fails on the network instead:
    # the flag check must come first, and must be a usage error (exit 2).
    out = run_checked(["probe", "http://127.0.0.1:9", flag, value, "--quiet"], invalid=True, time_limit_s=10)
    assert out.code == 2, (out.code, out.err)


BAD_URLS = [
    "",
    "http://",
    "://x",
    "http://[::1",
    "http://127.0.0.1:99999",
    "ftp://127.0.0.1:9",
    "\x00",
    "http://" + "a" * 5000,
    "http://user:sk-fuzzSecretInUrl0123456789@127.0.0.1:9",
]


@pytest.mark.parametrize("url", BAD_URLS, ids=[repr(u)[:30] for u in BAD_URLS])
def test_bad_probe_url(url):
    run_checked(
        ["probe", url, "--quiet", "--connect-timeout", "1"],
        invalid=True,
        time_limit_s=10,
        extra_secrets=("sk-fuzzSecretInUrl0123456789",),
    )


API_KEYS = ["sk-fuzz\nInjected: header", "sk-fuzzKeyWith\r\nNewline0123456789", "sk-fuzz\tTab0123456789"]


@pytest.mark.parametrize("key", API_KEYS, ids=["newline", "crlf", "tab"])
def test_bad_api_key_is_not_printed(monkeypatch, key):
    monkeypatch.setenv("MI50PLAN_API_KEY", key)
    run_checked(
        ["probe", "http://127.0.0.1:9", "--quiet"],
        invalid=True,
        time_limit_s=10,
        extra_secrets=tuple(p for p in key.split() if len(p) > 6),
    )
