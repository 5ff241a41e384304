"""From a stream to a run record: token counts, the server's own timings, failures."""

from __future__ import annotations

from planner.core import measure
from planner.sources.probe.stream import (
    _Stream,
)


def token_counts(st: _Stream) -> tuple[int | None, int | None, str, str]:
    """(prompt_tokens, output_tokens, token_source, prompt_token_source), best source first."""
    counted = len(st.content_times)
    if st.status != "ok":
        return None, counted, "counted chunks", "none"
    if st.timings and st.timings.get("predicted_n") is not None:
        prompt = None
        if st.timings.get("prompt_n") is not None:
            prompt = int(st.timings["prompt_n"]) + int(st.timings.get("cache_n") or 0)
        return prompt, int(st.timings["predicted_n"]), "llama-server timings", "llama-server timings"
    if st.ollama_final is not None and st.ollama_final.get("eval_count") is not None:
        # prompt_eval_count is omitted when Ollama reused a cached prompt (docs/api.md: zero omitted).
        prompt = st.ollama_final.get("prompt_eval_count")
        return (
            prompt,
            int(st.ollama_final["eval_count"]),
            "ollama eval_count",
            ("ollama prompt_eval_count" if prompt is not None else "none"),
        )
    if st.usage and st.usage.get("completion_tokens") is not None:
        return (
            st.usage.get("prompt_tokens"),
            int(st.usage["completion_tokens"]),
            "server usage",
            "server usage",
        )
    return None, counted, "counted chunks", "none"


NS = 1e-9


def server_timings(st: _Stream) -> dict | None:
    """The server's own timings for this request, in seconds, beside its raw fields."""
    if st.timings:
        t = st.timings
        out = {"source": "llama-server timings", "raw": dict(t)}
        if t.get("prompt_ms") is not None:
            out["prefill_s"] = t["prompt_ms"] / 1000
        if t.get("predicted_ms") is not None:
            out["decode_s"] = t["predicted_ms"] / 1000
        out["prefill_tokens_per_s"] = t.get("prompt_per_second")
        out["decode_tokens_per_s"] = t.get("predicted_per_second")
        return out
    if st.ollama_final:
        f = st.ollama_final
        keys = ("total_duration", "load_duration", "prompt_eval_duration", "eval_duration")
        out = {
            "source": "ollama durations",
            "raw": {k: f.get(k) for k in keys + ("prompt_eval_count", "eval_count") if f.get(k) is not None},
        }
        for k in keys:
            if f.get(k) is not None:
                out[k.replace("_duration", "_s")] = f[k] * NS
        if f.get("eval_count") and f.get("eval_duration"):
            out["decode_tokens_per_s"] = f["eval_count"] / (f["eval_duration"] * NS)
        if f.get("prompt_eval_count") and f.get("prompt_eval_duration"):
            out["prefill_tokens_per_s"] = f["prompt_eval_count"] / (f["prompt_eval_duration"] * NS)
        return out
    return None


def run_record(st: _Stream, *, prompt_set: str, concurrency: int, index: int, warmup: bool) -> dict:
    prompt_tokens, output_tokens, source, prompt_source = token_counts(st)
    timing = measure.run_timing(
        st.t_send,
        st.content_times,
        st.t_end if st.status == "ok" else None,
        output_tokens if st.status == "ok" else None,
    )
    server = server_timings(st)
    return {
        "prompt_set": prompt_set,
        "concurrency": concurrency,
        "index": index,
        "warmup": warmup,
        "cold": False,
        "status": st.status,
        "stage": st.stage,
        "error": st.error,
        "ttft_s": timing.ttft_s,
        "decode_tokens_per_s": timing.decode_tokens_per_s,
        "e2e_s": timing.e2e_s,
        "itl_s": timing.itl_mean_s,
        "chunk_gap_p50_s": timing.chunk_gap_p50_s,
        "chunk_gap_p90_s": timing.chunk_gap_p90_s,
        "chunk_gap_p99_s": timing.chunk_gap_p99_s,
        "first_byte_s": (st.t_first_byte - st.t_send) if st.t_first_byte else None,
        "headers_s": (st.t_headers - st.t_send) if st.t_headers else None,
        "elapsed_s": (st.t_end - st.t_send) if st.t_end else None,
        "prompt_tokens": prompt_tokens,
        "output_tokens": output_tokens,
        "token_source": source,
        "prompt_token_source": prompt_source,
        "content_chunks": timing.content_chunks,
        "chunks": len(st.chunk_times),
        "server_timings": server,
        "load_s": (server or {}).get("load_s"),
    }


def describe_failure(run: dict) -> str:
    """How far a failed run got, in one line."""
    got = {
        "connect": "before the server answered",
        "headers": "after the HTTP headers, before any data",
        "first_byte": "after the first bytes, before any token",
        "first_token": "after the first token",
        "streaming": f"after {run['content_chunks']} content chunks",
        "done": "at the end",
    }.get(run["stage"], run["stage"])
    return f"{run['error']} ({got})"
