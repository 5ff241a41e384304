"""Remove every secret this process holds from text that came from outside (server bodies, errors).

A server may echo the key it was sent ("Incorrect API key provided: sk-..."), so any server text is
passed through ``redact`` before it is printed or stored. Secrets come from three places:

- the environment: HF_TOKEN, OPENAI_API_KEY, MI50PLAN_API_KEY and any variable named *_API_KEY,
  *_TOKEN, *_SECRET or *_PASSWORD (read at each call, so a key set by a test or a wrapper counts);
- values registered at run time with ``register_secret`` (the ``--api-key`` flag);
- shapes that are secrets whoever holds them: ``sk-...`` and ``hf_...`` keys, and the value of an
  ``Authorization:`` header or a ``Bearer`` token.
"""

from __future__ import annotations

import os
import re

MASK = "[redacted]"
_SECRET_VARS = ("HF_TOKEN", "HUGGING_FACE_HUB_TOKEN", "OPENAI_API_KEY", "MI50PLAN_API_KEY")
_SECRET_SUFFIXES = ("_API_KEY", "_TOKEN", "_SECRET", "_PASSWORD", "_APIKEY")
_MIN_SECRET_LEN = 4  # shorter values ("1", "yes") would mask ordinary words
_registered: set[str] = set()
_SHAPES = (
    re.compile(r"(?i)(authorization\s*[:=]\s*)(?:bearer\s+|basic\s+|token\s+)?[^\s,;\"'}]+"),
    re.compile(r"(?i)(\bbearer\s+)[A-Za-z0-9._~+/=-]+"),
    re.compile(r"()\bsk-[A-Za-z0-9_*-]{6,}"),
    re.compile(r"()\bhf_[A-Za-z0-9]{8,}"),
)


def register_secret(value: str | None) -> None:
    """Add a secret known only at run time (the --api-key value) to what ``redact`` removes."""
    if value and len(value.strip()) >= _MIN_SECRET_LEN:
        _registered.add(value)
        _registered.add(value.strip())


def secrets() -> list[str]:
    """Every secret value this process holds, longest first (so a key's prefix never leaks its tail)."""
    found = set(_registered)
    for name, value in os.environ.items():
        upper = name.upper()
        if upper in _SECRET_VARS or upper.endswith(_SECRET_SUFFIXES):
            value = value.strip()
            if len(value) >= _MIN_SECRET_LEN:
                found.add(value)
    # A key with a newline or spaces may be echoed one piece at a time.
    for value in list(found):
        for piece in re.split(r"\s+", value):
            if len(piece) >= 8:
                found.add(piece)
    return sorted(found, key=len, reverse=True)


def redact(text: str) -> str:
    """text with every secret value and secret-shaped token replaced by [redacted]."""
    if not text:
        return text
    text = str(text)
    for value in secrets():
        text = text.replace(value, MASK)
    for shape in _SHAPES:
        text = shape.sub(lambda m: m.group(1) + MASK, text)
    return text


__all__ = ["MASK", "redact", "register_secret", "secrets"]
