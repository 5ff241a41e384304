"""The whole probe: prompts, warm-ups, every prompt set at every concurrency, summaries."""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import httpx

from planner.core import measure
from planner.errors import (
    BadResponse,
    UsageError,
)
from planner.sources.probe.detect import _get_text
from planner.sources.probe.http import (
    PROMPT_SETS,
    Prompt,
    ServerInfo,
    Timeouts,
)
from planner.sources.probe.records import describe_failure, run_record
from planner.sources.probe.stream import (
    stream_once,
)


@dataclass
class ProbePlan:
    prompts: list[Prompt]
    runs: int = 3
    warmup: int = 1
    concurrency: list[int] = field(default_factory=lambda: [1])
    output_tokens: int = 128


def load_prompt_file(path: Path) -> list[Prompt]:
    """A text file: one prompt, or several separated by lines holding only '---'."""
    try:
        text = Path(path).read_text(encoding="utf-8")
    except OSError as exc:
        raise UsageError("--prompt-file", path, f"cannot read ({exc.strerror})") from exc
    parts = [p.strip() for p in text.replace("\r\n", "\n").split("\n---\n")]
    parts = [p for p in parts if p]
    if not parts:
        raise UsageError("--prompt-file", path, "holds no prompt")
    return [Prompt("file" if i == 0 else f"file-{i + 1}", p) for i, p in enumerate(parts)]


def builtin_prompts(names: str) -> list[Prompt]:
    wanted = [n.strip().lower() for n in names.split(",") if n.strip()]
    for n in wanted:
        if n not in PROMPT_SETS:
            raise UsageError("--prompts", names, f"unknown prompt set '{n}'", hint="use short, medium, long")
    return [Prompt(n, PROMPT_SETS[n]) for n in wanted]


Progress = Callable[[str], None]


def run_probe(
    client: httpx.Client,
    server: ServerInfo,
    plan: ProbePlan,
    timeouts: Timeouts,
    headers: dict[str, str] | None = None,
    progress: Progress | None = None,
) -> dict:
    """Warm-ups, then every prompt set at every concurrency level; returns runs, summary, cold start.

    Raises BadResponse when a request gets an HTTP error status (wrong model, bad key, broken
    server): that repeats on every run, so there is nothing worth measuring."""
    say = progress or (lambda _msg: None)
    runs: list[dict] = []
    summary: list[dict] = []
    # A unique tag in front of every prompt: vLLM's prefix cache and Ollama's prompt cache would
    # otherwise skip the prefill of a repeated prompt and the TTFT would measure nothing.
    counter = iter(range(random.randrange(1000, 9000), 10**9))

    def one(prompt: Prompt, conc: int, index: int, warm: bool) -> dict:
        st = stream_once(client, server, f"[{next(counter)}] {prompt.text}", plan.output_tokens, timeouts, headers)
        if st.status == "http_error":
            hint = None
            if st.http_status == 404 and server.models:
                hint = f"the server lists: {', '.join(m for m in server.models[:5] if m)}; pass one with --model"
            elif st.http_status in (401, 403):
                hint = "export MI50PLAN_API_KEY (or OPENAI_API_KEY) with the server's key"
            raise BadResponse(st.error or f"HTTP {st.http_status}", hint=hint)
        rec = run_record(st, prompt_set=prompt.name, concurrency=conc, index=index, warmup=warm)
        say(_progress_line(rec))
        return rec

    for prompt in plan.prompts:
        for i in range(plan.warmup):
            runs.append(one(prompt, 1, i, True))
        for conc in plan.concurrency:
            before = _scrape(client, server, headers, timeouts)
            started = time.perf_counter()
            if conc == 1:
                block = [one(prompt, 1, i, False) for i in range(plan.runs)]
            else:
                with ThreadPoolExecutor(max_workers=conc) as pool:
                    futures = [pool.submit(_worker_runs, one, prompt, conc, w, plan.runs) for w in range(conc)]
                    block = [rec for fut in futures for rec in fut.result()]
            wall = time.perf_counter() - started
            after = _scrape(client, server, headers, timeouts)
            runs.extend(block)
            summary.append(
                {
                    "prompt_set": prompt.name,
                    "concurrency": conc,
                    "wall_s": wall,
                    "server_metrics": measure.vllm_metrics_delta(before, after) if before and after else None,
                }
            )
    cold = _mark_cold(runs)
    for block in summary:
        block.update(summarize(runs, block["prompt_set"], block["concurrency"], block["wall_s"]))
    return {"runs": runs, "summary": summary, "cold_start": cold}


def _worker_runs(one: Callable, prompt: Prompt, conc: int, worker: int, runs: int) -> list[dict]:
    """One closed-loop client of a concurrency level: its requests back to back."""
    return [one(prompt, conc, worker * runs + i, False) for i in range(runs)]


def _progress_line(rec: dict) -> str:
    kind = "warm-up" if rec["warmup"] else "run"
    label = f"{rec['prompt_set']} c={rec['concurrency']} {kind} {rec['index'] + 1}"
    if rec["status"] != "ok":
        return f"probe: {label}: {describe_failure(rec)}"
    rate = rec["decode_tokens_per_s"]
    return (
        f"probe: {label}: TTFT {rec['ttft_s']:.3f} s, "
        + (f"{rate:.1f} tok/s, " if rate else "")
        + f"{rec['output_tokens']} tokens in {rec['e2e_s']:.2f} s"
    )


def _scrape(client: httpx.Client, server: ServerInfo, headers: dict | None, timeouts: Timeouts) -> dict | None:
    if server.kind != "vllm":
        return None
    text = _get_text(client, f"{server.url}/metrics", headers or {}, timeouts)
    return measure.parse_prometheus(text) if text else None


def _mark_cold(runs: list[dict]) -> dict | None:
    """The first request of a probe pays any model load; say so and keep it out of the statistics."""
    if not runs:
        return None
    first = runs[0]
    rest = [
        r["ttft_s"]
        for r in runs[1:]
        if r["prompt_set"] == first["prompt_set"] and r["concurrency"] == 1 and r["status"] == "ok"
    ]
    reason = measure.cold_start_reason(first["ttft_s"], rest, first.get("load_s"))
    if reason is None:
        return {"detected": False}
    first["cold"] = True
    return {
        "detected": True,
        "reason": reason,
        "prompt_set": first["prompt_set"],
        "warmup": first["warmup"],
        "ttft_s": first["ttft_s"],
        "e2e_s": first["e2e_s"],
        "load_s": first.get("load_s"),
    }


def summarize(runs: list[dict], prompt_set: str, concurrency: int, wall_s: float) -> dict:
    block = [r for r in runs if r["prompt_set"] == prompt_set and r["concurrency"] == concurrency and not r["warmup"]]
    ok = [r for r in block if r["status"] == "ok" and not r["cold"]]

    def mean(key: str) -> float | None:
        values = [r[key] for r in ok if r[key] is not None]
        return sum(values) / len(values) if values else None

    return {
        "runs": len(block),
        "ok": len(ok),
        "failed": sum(r["status"] != "ok" for r in block),
        "cold_excluded": sum(r["cold"] for r in block),
        "ttft_s": measure.spread([r["ttft_s"] for r in ok]),
        "decode_tokens_per_s": measure.spread([r["decode_tokens_per_s"] for r in ok]),
        "e2e_s": measure.spread([r["e2e_s"] for r in ok]),
        "itl_s": measure.spread([r["itl_s"] for r in ok]),
        "prompt_tokens": mean("prompt_tokens"),
        "output_tokens": mean("output_tokens"),
        "token_sources": sorted({r["token_source"] for r in ok}),
        "aggregate_tokens_per_s": measure.aggregate_throughput([r["output_tokens"] for r in ok], wall_s),
        "requests_per_s": len(ok) / wall_s if wall_s > 0 else None,
    }


def probe_record(server: ServerInfo, plan: ProbePlan, timeouts: Timeouts, result: dict) -> dict:
    """One probe as the results file and --json hold it. Never holds the API key or URL credentials."""
    return {
        "probed_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "server": server.record(),
        "settings": {
            "runs": plan.runs,
            "warmup": plan.warmup,
            "concurrency": plan.concurrency,
            "output_tokens": plan.output_tokens,
            "prompt_sets": [p.name for p in plan.prompts],
            "timeouts": asdict(timeouts),
        },
        **result,
    }
