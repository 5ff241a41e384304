"""Regenerate docs/user-guide.md: every example is run here and its real output pasted in.

Usage: HF_HUB_OFFLINE=1 python scripts/make_user_guide.py   (offline: the catalog answers)
       python scripts/make_user_guide.py --only "as a plot" --out /tmp/guide.md   (check some sections)

`--plot` commands write their image under docs/img/ and the guide shows it below the command.

The live section starts the real llama-server (tests/llama_server.py; scripts/build_llama_server.sh
builds it once) on 127.0.0.1:8080 with Gemma 3 270M Q4_K_M. Calibrations go to a temporary config
directory, so the user's own are untouched.
"""

from __future__ import annotations

import argparse
import os
import shlex
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from tests.llama_server import find_artifacts, serve  # noqa: E402  (the test suite's harness)

PORT = 8080
URL = f"http://127.0.0.1:{PORT}"
GGUF = "gemma-3-270m-q4_k_m.gguf"
SERVER_FLAGS = ["-c", "2048", "-np", "1", "-ngl", "0", "--threads", "1"]
LIVE_FOOTER = (
    "That is one loop, as it ran, on a shared 2-core VM whose medians wander by up to 15% between back-to-back "
    "probes, so a single loop can land outside the targets (decode 15%, TTFT 25%). "
    "`python scripts/calibration_check.py --repeat 5` repeats the loop; docs/methodology.md section 6 has its "
    "output and every run of it."
)
PROBE = f"probe {URL} --runs 5 --prompts short,medium,long --output-tokens 64"
IMG = "docs/img"  # --plot files land here (relative to the repository root) and are shown below their command

PY_EXAMPLE = """import planner

report = planner.plan("Qwen/Qwen2.5-7B-Instruct", hardware="mi50-16gb", engine="vllm", dtype="float16")
vllm = report.plans[0]
print(vllm.fits, f"{vllm.kv_cache_bytes / 2**30:.2f} GiB", vllm.error)
for fix in vllm.suggestions:
    print("would fit:", fix.change, f"{fix.kv_cache_tokens:,} KV tokens")

speed = planner.predict("Qwen/Qwen2.5-1.5B-Instruct", engine="vllm", concurrency=[1, 8])
for p in speed.predictions:
    d = p.decode_tokens_per_s
    print(f"concurrency {p.concurrency}: decode {d.value:.0f} tok/s ({d.low:.0f}-{d.high:.0f}) per stream")

best = planner.recommend("Qwen/Qwen2.5-7B-Instruct", max_latency="2s").winner
print(best.deployment, f"{best.e2e_s:.2f} s")
print(report.to_dict()["plans"][0]["max_concurrency"])  # the same keys as `mi50plan fit --json`"""


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
    ("Smaller quants for a bigger model", "Every llama-quantize type is sized from the quantizer's per-tensor "
     "rules (docs/methodology.md section 4), the 2- and 3-bit K and i-quants too: a 32B at IQ3_M fits one MI50 "
     "16 GB under llama.cpp, at a short context:",
     ["fit Qwen/Qwen2.5-32B-Instruct --engine llamacpp --quant IQ3_M"]),
    ("Speed", "Predictions carry a band meant to hold 80% of measurements on a current build of a GPU the fit "
     "never saw:",
     ["predict Qwen/Qwen2.5-1.5B-Instruct --engine vllm --prompt-tokens 32 --output-tokens 128",
      "predict Qwen/Qwen2.5-7B-Instruct --engine ollama --quant Q4_K_M --concurrency 1,4"]),
    ("Speed against concurrency, as a plot", "`--plot FILE` (.svg, .png, or .html with the data embedded) draws "
     "output throughput, TTFT and TPOT against the concurrency levels asked, each with its band; the file carries "
     "the plotted numbers as JSON (docs/json.md \"Plot data\"; `planner.api.plot(report, path)` from Python):",
     [f"predict Qwen/Qwen2.5-7B-Instruct --engine llamacpp,ollama --concurrency 1,2,4,8,16 --prompt-tokens 500 "
      f"--output-tokens 200 --plot {IMG}/predict-qwen2.5-7b-mi50.svg"]),
    ("Which deployment?", "", ["recommend Qwen/Qwen2.5-7B-Instruct --hardware mi50-16gb --max-latency 2s"]),
    ("Many GPUs", "With `--gpus N` and no `-tp`, vLLM is planned at the largest tensor parallel size the GPUs hold, "
     "and the plan says so; suggestions are re-planned at that size. llama.cpp spreads the layers over every GPU "
     "(its default `-sm layer`); Ollama uses one GPU when the model fits there and spreads it only when it does "
     "not (its FAQ); `predict` shows the split:",
     ["fit meta-llama/Llama-3.1-70B-Instruct --hardware mi50-32gb --gpus 4 --engine vllm",
      "predict Qwen/Qwen2.5-14B-Instruct --hardware mi50-16gb --gpus 2 --engine llamacpp,ollama --quant Q8_0"]),
    ("The largest context", "Every plan reports the largest context that fits fully on the GPUs, at its KV type "
     "and at the quantized KV types the engine allows (`max_context` in `--json`):",
     ["fit Qwen/Qwen2.5-14B-Instruct --engine ollama"]),
    ("Memory against context, as a plot", "`fit --plot FILE` re-plans every engine at contexts from 256 tokens to "
     "the model's limit and stacks weights, KV cache, compute buffers and overheads against the budget the engine "
     "checks; the vertical line is where it stops fitting (the plan's `max_context`). The 14B in fp16 fits no "
     "16 GB card under vLLM at any context; the GGUF engines stop where their KV cache meets the budget:",
     [f"fit Qwen/Qwen2.5-14B-Instruct --plot {IMG}/fit-qwen2.5-14b-mi50.svg"]),
    ("Which context", "One rule for every command: each engine runs at the context you give it (`--max-model-len` "
     "for all engines, `--ctx-size` for llama.cpp, `--num-ctx` for Ollama), else at its own default (vLLM and "
     "llama-server the model's, Ollama its version's default for this VRAM). Every table shows it; a level "
     "that does not fit is a row that says why:",
     ["predict Qwen/Qwen2.5-7B-Instruct --engine llamacpp,ollama --concurrency 1,8 --context-depth 8192 "
      "--prompt-tokens 2048"]),
    ("How many GPUs for a load", "The report's setup: Qwen2.5-7B at 2 requests/s of 500 prompt and 200 output "
     "tokens, p95 TTFT under 2 s, on MI50 16 GB cards. Each candidate's scheduler is simulated at that load "
     "(docs/methodology.md section 8); `--plot` draws p95 TTFT and TPOT against the request rate per candidate "
     "with the targets, and cost against p95 latency with the Pareto frontier (at the issue's example price of "
     "0.15 USD per GPU-hour; docs/capacity.md reads this answer):",
     [f"capacity Qwen/Qwen2.5-7B-Instruct --rate 2 --prompt-tokens 500 --output-tokens 200 --ttft-p95 2 "
      f"--hardware mi50-16gb --price mi50-16gb=0.15 --plot {IMG}/capacity-qwen2.5-7b-mi50.svg"]),
    ("Backend gap or model gap?", "The report compared a 1.5B fp16 model with a 7B Q4 model:",
     ['compare "Qwen/Qwen2.5-1.5B-Instruct vllm fp16" "Qwen/Qwen2.5-7B-Instruct ollama Q4_K_M"']),
    ("Two GPUs side by side", "`--hardware-b` puts setup B on another profile:",
     ['compare "Qwen/Qwen2.5-7B-Instruct llamacpp Q4_K_M" "Qwen/Qwen2.5-7B-Instruct llamacpp Q4_K_M" '
      "--hardware mi50-16gb --hardware-b rtx3090"]),
    ("Checking a vLLM start-up log", "The report's appendix lines, saved in tests/data/recorded. `validate` "
     "compares them with the plan; `calibrate --vllm-log` stores the difference, and later vLLM plans on this "
     "hardware use it and say so (`--no-calibration` shows the raw plan):",
     ["validate --vllm-log tests/data/recorded/vllm-0.11-mi50-qwen2.5-1.5b.log --model Qwen/Qwen2.5-1.5B-Instruct "
      "--dtype fp16",
      "calibrate --vllm-log tests/data/recorded/vllm-0.11-mi50-qwen2.5-1.5b.log --model Qwen/Qwen2.5-1.5B-Instruct "
      "--dtype fp16",
      "fit Qwen/Qwen2.5-1.5B-Instruct --dtype fp16 --max-model-len 4096 --engine vllm",
      "calibrate --remove mi50-16gb/vllm/rocm"]),
    ("A full vLLM log settles its own settings", "The report's lines above are only the memory lines. A whole start-up "
     "log also says which release ran, with which model and flags, and what total the runtime saw; `validate` reads "
     "them and lists what it took (`from the log`), a flag given wins, and only `--hardware` is yours to give. Real "
     "lines of a vLLM 0.19.0 start on an RTX 3060 12GB (tests/data/recorded/README.md names the source):",
     ["validate --vllm-log tests/data/recorded/vllm-0.19-rtx3060-qwen3-0.6b.log --hardware rtx3060"]),
    ("Checking a llama.cpp start-up log", "`--llama-log` compares every buffer a llama-server or llama-cli log "
     "prints with the plan for the settings its `llama_context` lines log; pass the GGUF as `--model` (or a Hub id, "
     "sized by the log's file type). A real llama-server start-up of Gemma 3 270M Q4_K_M on this machine's CPU:",
     [f"validate --llama-log tests/data/llamacpp/gemma-3-270m-ctx8192-q8_0.log --model {GGUF} --hardware host"]),
    ("Probe, validate, calibrate: a real server", "llama.cpp's llama-server (built by "
     "scripts/build_llama_server.sh) serving Gemma 3 270M Q4_K_M on the CPU of a 2-core machine, started as "
     f"`llama-server -m {GGUF} --port {PORT} {' '.join(SERVER_FLAGS)}` (one thread leaves the other core to the "
     "probe client). Probe it, compare with the uncalibrated prediction for `--hardware host`, calibrate, then "
     "probe again and validate the fresh runs against the calibrated prediction. Uncalibrated, `host` is a rough "
     "profile (its CPU peak is estimated at 0.05 TFLOPS a core and the CPU efficiencies are priors, not fits), so "
     "its TTFT is several times too high; the calibration is what makes it usable (docs/methodology.md section 6):",
     [f"{PROBE} --save runs.json",
      f"validate runs.json --model {GGUF} --hardware host",
      f"calibrate runs.json --model {GGUF} --hardware host",
      f"{PROBE} --save fresh.json --quiet",
      f"validate fresh.json --model {GGUF} --hardware host",
      f"predict {GGUF} --hardware host --engine llamacpp --prompt-tokens 55 --output-tokens 64",
      "calibrate --list"]),
    ("Hardware profiles", "", ["profiles list", "profiles show mi50-16gb"]),
    ("Use it from Python", "Every command is a function of `planner` (`plan`, `predict`, `recommend`, `compare`, "
     "`validate`, `calibrate`, `probe`) with the flags as keyword arguments in snake_case; each returns a typed, "
     "frozen result whose `to_dict()` is exactly the command's `--json`. Importing it loads no CLI library:",
     ["py:" + PY_EXAMPLE]),
    ("How far to trust the memory plans", "Every memory plan is scored against start-up logs that other people "
     "published from their own machines (tests/data/real-engine-logs.csv, each figure with its source; "
     "docs/methodology.md section 3.9). Per engine and figure: the median and the worst error over all cases and "
     "over the cases added after the model was built, then every case off by more than 10%. The largest misses "
     "that matter to a plan today are vLLM 0.2x/0.3x starts without a compile cache, a known vLLM bug (issue "
     "#54122, open): the model compiles inside vLLM's memory profile and that boot logs up to 2.4 GiB less KV "
     "cache than planned here (V102, V108, V114, V120, V128, V134, V137, V138, on 6-24 GB cards: 17% to 42% fewer "
     "tokens than planned; more on large GPUs upstream, and half the planned tokens in a cold 0.8.3 start of "
     "Llama-3.1-405B AWQ at TP 4 on four H100 NVL, V142), while a start with the cache warm, or with "
     "`--enforce-eager`, holds the plan; every such plan says so in a note, and the summary below also leaves out "
     "the starts their sources state were cold (marked '(cold)'). A container that does not keep ~/.cache/vllm "
     "starts cold every time. llama.cpp's compute buffer on Vulkan "
     "without flash attention at long contexts (L35) can be twice the plan (on Metal with gpt-oss, L58, half as "
     "much again), and llama.cpp's pipeline-parallel "
     "copies over two GPUs (L40) are not modelled. tests/data/real-engine-logs.md records "
     "each miss with what is known of its cause:",
     ["script:scripts/real_logs.py --v1-only --summary"]),
    ("How far to trust the speed predictions", "Every predicted speed comes with a band meant to hold 80% of "
     "measurements on a GPU the fit has not seen; read the band, not the point. Leave-one-GPU-out over the "
     "published llama-bench results the model is fitted on (106 GPUs, `python scripts/public_benchmarks.py`, four "
     "minutes) is in docs/methodology.md section 5. Here the shipped model meets published results: the first "
     "thirty-one held-out files were each scored blind when gathered and are fitted since, shown in-sample; the "
     "thirty-second to forty-second were gathered after and are never fitted. On those eleven files decode holds "
     "to about 16% and prefill to about 30%, and about 83% of figures fall in the band (a band sized on the errors of "
     "current builds, wide in decode: x0.55 to x1.49): llama.cpp on 2026 builds, above all its Vulkan backend, "
     "runs faster than predicted, and builds more "
     "than a year old, SYCL, ROCm on iGPUs and Vulkan drivers with few rows can be off by 2x, as can a new chip "
     "whose profile's compute is an estimate (the Apple M5 Max's prefill, measured about 3x faster than predicted in "
     "the twenty-fifth and thirty-fourth files; docs/methodology.md section 5), or a deep prompt on a non-default "
     "KV cache type (an Arc Pro B70 with a q8_0 cache at 8-16K tokens of context: 1.6-3x slower in the "
     "thirty-fourth). To score results of your own: "
     "`python scripts/heldout_benchmarks.py --csv "
     "FILE` (`--help` lists the columns):",
     ["script:scripts/heldout_benchmarks.py"]),
    ("Errors", "Bad input gets one line, a hint and a non-zero exit code:",
     ["fit Qwen/Qwen2.5-7B-Instrukt", "fit mistralai/Mistral-Small-24B-Instruct-2501",
      "fit Qwen/Qwen2.5-7B-Instruct --hardware mi50", "fit Qwen/Qwen2.5-7B-Instruct --gpu-memory-utilization 1.5",
      "probe http://127.0.0.1:9"]),
]




def _python(argv: list[str], cwd: Path = ROOT, env: dict | None = None) -> str:
    """This checkout's Python on `argv`: what it printed (stderr first, as a terminal shows progress and notes),
    and the exit code when it failed."""
    proc = subprocess.run([sys.executable, *argv], cwd=cwd, capture_output=True, text=True,
                          env={**os.environ, **(env or {}), "PYTHONPATH": str(ROOT)})
    return (proc.stderr + proc.stdout).rstrip() + (f"\n(exit code {proc.returncode})" if proc.returncode else "")


def run_python(code: str, env: dict | None = None) -> str:
    return _python(["-c", code], env=env)


def run_script(args: str) -> str:
    """One of the project's scripts/ (the figures they print come from the shipped model and data)."""
    return _python(shlex.split(args))


def run(args: str, cwd: Path = ROOT, env: dict | None = None) -> str:
    # this checkout's CLI (the installed `mi50plan` may import another copy of the package)
    return _python(["-m", "planner.cli.app", *shlex.split(args)], cwd, {**(env or {}), "COLUMNS": "120"})


def sections(tmp: str, work: Path, only: str | None = None) -> list[str]:
    parts: list[str] = []
    env = {"MI50PLAN_CONFIG_DIR": str(Path(tmp) / "config")}
    for title, text, commands in SECTIONS:
        if only is not None and only.lower() not in title.lower():
            continue
        parts += [f"## {title}", ""]
        if text:
            parts += [text, ""]
        live = title.startswith("Probe")
        for command in commands:
            if command.startswith("script:"):
                script = command.removeprefix("script:")
                parts += ["```", f"$ python {script}", run_script(script), "```", ""]
                continue
            if command.startswith("py:"):
                code = command[3:]
                parts += ["```python", code, "```", "", "prints", "", "```", run_python(code, env), "```", ""]
                continue
            # outside the live sections the GGUF is named by its path in the work folder, shown by its name
            argv = command if live else command.replace(GGUF, str(work / GGUF))
            out = run(argv, cwd=work if live else ROOT, env=env)
            out = out.replace(f"{tmp}/config", "~/.config/mi50plan").replace(f"{work}/", "")
            out = out.replace(f"{ROOT}/", "")
            parts += ["```", f"$ mi50plan {command}", out, "```", ""]
            plot = next((w for w in shlex.split(command) if w.startswith(f"{IMG}/")), None)
            if plot is not None and (ROOT / plot).is_file():
                parts += [f"![{title}]({plot.removeprefix('docs/')})", ""]
        if live:
            parts += [LIVE_FOOTER, ""]
    return parts


def check_sections(only: str, out: Path) -> int:
    """Only the sections whose title holds `only` (no live server unless one is asked), into `out`."""
    if "probe" in only.lower():
        raise SystemExit("the live section needs the full run: python scripts/make_user_guide.py")
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp) / "work"
        work.mkdir()
        parts = sections(tmp, work, only)
    if not parts:
        raise SystemExit(f"no section title holds {only!r}")
    out.write_text("\n".join(parts))
    print(f"wrote {out}")
    return 0


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--only", metavar="TITLE", help="run only the sections whose title contains TITLE (no rewrite)")
    ap.add_argument("--out", type=Path, help="where --only writes its sections (default: a temporary guide.md)")
    args = ap.parse_args(sys.argv[1:] if argv is None else argv)
    if args.only:
        return check_sections(args.only, args.out or Path(tempfile.gettempdir()) / "guide.md")
    if args.out:
        ap.error("--out goes with --only")
    tail = ["## Defaults file and environment variables", "",
            "`~/.config/mi50plan/config.toml` (or `$MI50PLAN_CONFIG_DIR/config.toml`) sets defaults: `hardware`, "
            "`gpus` and `engine` for every command, and a `[fit]`, `[predict]`, ... table for any option of one "
            "command by its flag name in snake_case. A flag on the command line wins. `mi50plan profiles show host "
            "--measure` measures this machine's memory bandwidth anew (do it on an idle machine); "
            "`mi50plan --install-completion` installs shell completion; `mi50plan --version` prints the version.",
            "",
            "| variable | what it does |", "|---|---|",
            "| `MI50PLAN_CONFIG_DIR` | the config folder (profiles/, calibration.json, host.json, config.toml) |",
            "| `MI50PLAN_DEBUG=1` | show the traceback behind an error line |",
            "| `MI50PLAN_API_KEY`, `OPENAI_API_KEY` | the API key `probe` sends (never printed or saved) |",
            "| `HF_TOKEN`, `HF_ENDPOINT`, `HF_HOME`, `HF_HUB_OFFLINE=1` | the Hugging Face Hub: token (never "
            "printed), endpoint, cache, offline |",
            "| `MI50PLAN_REFERENCE` | scripts only: where ../shared is |",
            "| `LLAMA_SERVER`, `GEMMA_GGUF`, `MI50PLAN_CI_CACHE` | tests: the llama-server binary, the Gemma GGUF, "
            "their build cache (docs/development.md) |", ""]
    parts = ["# User guide", "",
             "Every output below is real: `scripts/make_user_guide.py` ran each command (offline, so model configs "
             "come from the built-in catalog) and pasted what it printed. Add `--json` to any command for one "
             "JSON object (docs/json.md).", ""]
    found = find_artifacts()
    if found is None:
        raise SystemExit("llama-server or the Gemma GGUF unavailable: run scripts/build_llama_server.sh")
    binary, gguf = found
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp) / "work"
        work.mkdir()
        shutil.copy(gguf, work / GGUF)
        with serve(binary, str(work / GGUF), *SERVER_FLAGS, port=PORT):
            parts += sections(tmp, work)
    (ROOT / "docs" / "user-guide.md").write_text("\n".join(parts + tail))
    print("wrote docs/user-guide.md")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
