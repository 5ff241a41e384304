"""One serialisation path: `--json` prints exactly ``to_dict()`` of the API call with the same arguments."""

import json

import pytest

import planner

CASES = [
    (
        ["fit", "Qwen/Qwen2.5-7B-Instruct", "--dtype", "fp16", "--offline"],
        lambda: planner.plan("Qwen/Qwen2.5-7B-Instruct", dtype="fp16", offline=True),
    ),
    (
        ["fit", "Qwen/Qwen2.5-1.5B-Instruct", "--engine", "vllm", "--max-model-len", "4096", "--offline"],
        lambda: planner.plan("Qwen/Qwen2.5-1.5B-Instruct", engine="vllm", max_model_len=4096, offline=True),
    ),
    (
        ["fit", "Qwen/Qwen2.5-32B-Instruct", "--engine", "ollama,llamacpp", "--gpus", "2", "--offline"],
        lambda: planner.plan("Qwen/Qwen2.5-32B-Instruct", engine=["ollama", "llamacpp"], gpus=2, offline=True),
    ),
    (
        ["predict", "Qwen/Qwen2.5-1.5B-Instruct", "--engine", "vllm", "--concurrency", "1,4", "--offline"],
        lambda: planner.predict("Qwen/Qwen2.5-1.5B-Instruct", engine="vllm", concurrency=[1, 4], offline=True),
    ),
    (
        ["predict", "Qwen/Qwen2.5-7B-Instruct", "--engine", "ollama", "--prompt-tokens", "512", "--offline"],
        lambda: planner.predict("Qwen/Qwen2.5-7B-Instruct", engine="ollama", prompt_tokens=512, offline=True),
    ),
    (
        ["recommend", "Qwen/Qwen2.5-7B-Instruct", "--max-latency", "2s", "--offline"],
        lambda: planner.recommend("Qwen/Qwen2.5-7B-Instruct", max_latency=2.0, offline=True),
    ),
    (
        ["recommend", "--family", "qwen2.5", "--gpus", "2"],
        lambda: planner.recommend(family="qwen2.5", gpus=2),
    ),
    (
        ["compare", "Qwen/Qwen2.5-1.5B-Instruct vllm fp16", "Qwen/Qwen2.5-7B-Instruct ollama Q4_K_M", "--offline"],
        lambda: planner.compare(
            "Qwen/Qwen2.5-1.5B-Instruct vllm fp16", "Qwen/Qwen2.5-7B-Instruct ollama Q4_K_M", offline=True
        ),
    ),
    (
        [
            "compare",
            "Qwen/Qwen2.5-7B-Instruct vllm",
            "Qwen/Qwen2.5-7B-Instruct vllm",
            "--hardware-b",
            "mi50-32gb",
            "--offline",
        ],
        lambda: planner.compare(
            "Qwen/Qwen2.5-7B-Instruct vllm", "Qwen/Qwen2.5-7B-Instruct vllm", hardware_b="mi50-32gb", offline=True
        ),
    ),
]


@pytest.mark.parametrize(("argv", "call"), CASES, ids=[" ".join(a[:2]) for a, _ in CASES])
def test_json_equals_the_api_result(run_cli, argv, call):
    code, out, err = run_cli(*argv, "--json")
    assert code == 0, err
    assert json.loads(out) == json.loads(json.dumps(call().to_dict()))


def test_every_command_prints_the_same_hardware_block(run_json):
    blocks = [
        run_json("fit", "Qwen/Qwen2.5-7B-Instruct", "--engine", "vllm", "--offline")["hardware"],
        run_json("predict", "Qwen/Qwen2.5-1.5B-Instruct", "--engine", "vllm", "--offline")["hardware"],
        run_json("recommend", "Qwen/Qwen2.5-1.5B-Instruct", "--offline")["hardware"],
        run_json("compare", "Qwen/Qwen2.5-1.5B-Instruct vllm", "Qwen/Qwen2.5-1.5B-Instruct ollama", "--offline")[
            "hardware"
        ],
    ]
    assert all(b == blocks[0] for b in blocks)
    assert set(blocks[0]) == {"name", "display_name", "count", "memory_bytes", "bandwidth_gbps", "platform", "arch"}
