"""Regenerate docs/user-guide.md: every example is run here and its real output pasted in.

Usage: HF_HUB_OFFLINE=1 python scripts/make_user_guide.py   (offline: the catalog answers)
"""

from __future__ import annotations

import os
import shlex
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
EXE = str(Path(sys.executable).parent / "mi50plan")

SECTIONS = [
    ("Does it fit? One engine", "The reference report's 1.5B run, as vLLM logged it (3.04 GiB, 9.66 GiB KV, "
     "361,856 tokens, 88.34x):",
     ["fit Qwen/Qwen2.5-1.5B-Instruct --dtype fp16 --max-model-len 4096 --engine vllm"]),
    ("All engines side by side", "The 7B in fp16 does not fit under vLLM; the plan says what vLLM would raise and "
     "what would fit, each fix re-planned:", ["fit Qwen/Qwen2.5-7B-Instruct --dtype fp16"]),
    ("Partial offload under Ollama", "A 32B Q4_K_M on one MI50 16 GB spills layers to the CPU; two cards hold it "
     "at a 4096 context:",
     ["fit Qwen/Qwen2.5-32B-Instruct --engine ollama --quant Q4_K_M",
      "fit Qwen/Qwen2.5-32B-Instruct --engine ollama --quant Q4_K_M --gpus 2 --num-ctx 4096"]),
    ("Speed", "Predictions carry a band from the leave-one-out spread of the fitted factors:",
     ["predict Qwen/Qwen2.5-1.5B-Instruct --engine vllm --prompt-tokens 32 --output-tokens 128",
      "predict Qwen/Qwen2.5-7B-Instruct --engine ollama --quant Q4_K_M --concurrency 1,4"]),
    ("Which deployment?", "", ["recommend Qwen/Qwen2.5-7B-Instruct --hardware mi50-16gb --max-latency 2s"]),
    ("Backend gap or model gap?", "The report compared a 1.5B fp16 model with a 7B Q4 model:",
     ['compare "Qwen/Qwen2.5-1.5B-Instruct vllm fp16" "Qwen/Qwen2.5-7B-Instruct ollama Q4_K_M"']),
    ("Checking a vLLM start-up log", "The report's appendix lines, saved in tests/data/recorded:",
     ["validate --vllm-log tests/data/recorded/vllm-0.11-mi50-qwen2.5-1.5b.log --model Qwen/Qwen2.5-1.5B-Instruct "
      "--dtype fp16"]),
    ("Hardware profiles", "", ["profiles list", "profiles show mi50-16gb"]),
    ("Errors", "Bad input gets one line, a hint and a non-zero exit code:",
     ["fit Qwen/Qwen2.5-7B-Instrukt", "fit Qwen/Qwen2.5-7B-Instruct --gpu-memory-utilization 1.5",
      "probe http://127.0.0.1:9"]),
]


def run(args: str) -> str:
    proc = subprocess.run([EXE, *shlex.split(args)], cwd=ROOT, capture_output=True, text=True,
                          env={**os.environ, "COLUMNS": "120"})
    text = (proc.stdout + proc.stderr).rstrip()
    if proc.returncode:
        text += f"\n(exit code {proc.returncode})"
    return text


def main() -> int:
    parts = ["# User guide", "",
             "Every output below is real: `scripts/make_user_guide.py` ran each command (offline, so model configs "
             "come from the built-in catalog) and pasted what it printed. Add `--json` to any command for one "
             "JSON object (docs/json.md).", ""]
    for title, text, commands in SECTIONS:
        parts += [f"## {title}", ""]
        if text:
            parts += [text, ""]
        for command in commands:
            parts += ["```", f"$ mi50plan {command}", run(command), "```", ""]
    (ROOT / "docs" / "user-guide.md").write_text("\n".join(parts))
    print("wrote docs/user-guide.md")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
