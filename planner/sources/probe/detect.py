"""Which server is it (vLLM, Ollama, llama-server, OpenAI-compatible) and its model."""

from __future__ import annotations

import json

import httpx

from planner.errors import (
    BadResponse,
)
from planner.schemas import MAX_CONTEXT
from planner.sources.probe.http import (
    MAX_BODY_BYTES,
    MAX_ERROR_BYTES,
    ServerInfo,
    Timeouts,
    _read_bounded,
    network_error,
    normalize_url,
)
from planner.sources.redact import redact


def _name(value: object) -> str | None:
    """A name a server reports (model id, version), as short redacted text; None when it is not text."""
    if not isinstance(value, str) or not value.strip():
        return None
    return redact(value.strip()[:256])


def _count(value: object) -> int | None:
    """A token count a server reports (n_ctx, max_model_len), or None when it is not a sane one."""
    if isinstance(value, int) and not isinstance(value, bool) and 0 < value <= MAX_CONTEXT:
        return value
    return None


def _get(client: httpx.Client, url: str, headers: dict, timeouts: Timeouts) -> tuple[int, bytes | None]:
    """(status, body) of a GET; the body is None when it is not 200 or too large or slow to read whole."""
    seconds = min(timeouts.first_token_s, timeouts.total_s)
    timeout = httpx.Timeout(seconds, connect=timeouts.connect_s)
    with client.stream("GET", url, headers=headers, timeout=timeout) as response:
        if response.status_code != 200:
            _read_bounded(response, MAX_ERROR_BYTES, seconds)  # a short error body read keeps the connection
            return response.status_code, None
        body, complete = _read_bounded(response, MAX_BODY_BYTES, seconds)
        return 200, body if complete else None


def _get_json(client: httpx.Client, url: str, headers: dict, timeouts: Timeouts) -> tuple[int, object]:
    try:
        status, body = _get(client, url, headers, timeouts)
    except httpx.HTTPError as exc:
        raise network_error(exc, url, timeouts) from exc
    if body is None:
        return status, None
    try:
        return status, json.loads(body)
    except (ValueError, RecursionError):
        return status, None


def _get_text(client: httpx.Client, url: str, headers: dict, timeouts: Timeouts) -> str | None:
    try:
        _, body = _get(client, url, headers, timeouts)
    except httpx.HTTPError:
        return None
    return body.decode("utf-8", "replace") if body is not None else None


def detect_server(
    client: httpx.Client,
    url: str,
    *,
    model: str | None,
    timeouts: Timeouts,
    headers: dict[str, str] | None = None,
) -> ServerInfo:
    """Which server answers at url, and which model it serves. Raises ProbeError types."""
    base = normalize_url(url)
    headers = headers or {}
    # Ollama first: /api/version is unique to it and cheap; llama-server and vLLM answer 404.
    status, data = _get_json(client, f"{base}/api/version", headers, timeouts)
    if status == 200 and isinstance(data, dict) and "version" in data:
        _, tags = _get_json(client, f"{base}/api/tags", headers, timeouts)
        models = tags.get("models") if isinstance(tags, dict) else None
        entries = [m for m in models if isinstance(m, dict)] if isinstance(models, list) else []
        names = [n for n in (_name(m.get("name") or m.get("model")) for m in entries) if n]
        chosen = model or (names[0] if names else None)
        if chosen is None:
            raise BadResponse(f"Ollama at {base} has no models pulled", hint="`ollama pull MODEL`, then --model MODEL")
        return ServerInfo("ollama", base, chosen, names, version=_name(str(data["version"])))
    status, props = _get_json(client, f"{base}/props", headers, timeouts)
    if status == 200 and isinstance(props, dict) and "default_generation_settings" in props:
        health, _ = _get_json(client, f"{base}/health", headers, timeouts)
        _, listing = _get_json(client, f"{base}/v1/models", headers, timeouts)
        data_list = listing.get("data") if isinstance(listing, dict) else None
        entries = [m for m in data_list if isinstance(m, dict)] if isinstance(data_list, list) else []
        names = [n for n in (_name(m.get("id")) for m in entries) if n]
        settings = props.get("default_generation_settings")
        settings = settings if isinstance(settings, dict) else {}
        details = {
            "n_ctx": _count(settings.get("n_ctx")),
            "total_slots": _count(props.get("total_slots")),
            "build_info": _name(props.get("build_info")),
            "health_status": health,
        }
        chosen = model or (names[0] if names else _name(props.get("model_path")))
        return ServerInfo(
            "llamacpp",
            base,
            chosen,
            names,
            max_model_len=details["n_ctx"],
            version=details["build_info"],
            details=details,
        )
    status, listing = _get_json(client, f"{base}/v1/models", headers, timeouts)
    if status in (401, 403):
        raise BadResponse(
            f"HTTP {status} from {base}/v1/models: the server wants an API key",
            hint="export MI50PLAN_API_KEY (or OPENAI_API_KEY) with the server's key",
        )
    if status != 200 or not isinstance(listing, dict):
        raise BadResponse(
            f"{base} answers, but not as vLLM, Ollama, llama-server or an OpenAI-compatible "
            f"server (GET /v1/models: HTTP {status})",
            hint="check the URL and port",
        )
    data_list = listing.get("data")
    entries = [m for m in data_list if isinstance(m, dict)] if isinstance(data_list, list) else []
    entries = [m for m in entries if _name(m.get("id"))]
    names = [_name(m.get("id")) for m in entries]
    chosen = model or (names[0] if names else None)
    max_len = next((_count(m.get("max_model_len")) for m in entries if _name(m.get("id")) == chosen), None)
    metrics = _get_text(client, f"{base}/metrics", headers, timeouts)
    is_vllm = (
        max_len is not None
        or any(m.get("owned_by") == "vllm" for m in entries)
        or (metrics is not None and "vllm:" in metrics)
    )
    if chosen is None:
        raise BadResponse(f"{base}/v1/models lists no model", hint="pass --model")
    return ServerInfo(
        "vllm" if is_vllm else "openai",
        base,
        chosen,
        names,
        max_model_len=max_len,
        details={"metrics": metrics is not None and "vllm:" in metrics},
    )
