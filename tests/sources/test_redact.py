"""redact(): every secret the process holds, and every secret-shaped token, leaves server text."""

from __future__ import annotations

import pytest

from planner.sources import redact as r


@pytest.fixture(autouse=True)
def clean_registry(monkeypatch):
    monkeypatch.setattr(r, "_registered", set())
    for name in ("HF_TOKEN", "OPENAI_API_KEY", "MI50PLAN_API_KEY"):
        monkeypatch.delenv(name, raising=False)


def test_environment_secrets_are_removed(monkeypatch):
    monkeypatch.setenv("HF_TOKEN", "hf_abcdefghijklmnopqrstuv")
    monkeypatch.setenv("MY_SERVICE_API_KEY", "plain-looking-secret-123")
    monkeypatch.setenv("GITHUB_TOKEN", "ghp_0123456789abcdef")
    text = "token hf_abcdefghijklmnopqrstuv; key plain-looking-secret-123; gh ghp_0123456789abcdef"
    out = r.redact(text)
    for secret in ("hf_abcdefghijklmnopqrstuv", "plain-looking-secret-123", "ghp_0123456789abcdef"):
        assert secret not in out
    assert out.count(r.MASK) == 3


def test_registered_secret_and_its_pieces(monkeypatch):
    r.register_secret("first-half-0123\nsecond-half-4567")
    out = r.redact("server said: second-half-4567 and first-half-0123")
    assert "second-half-4567" not in out and "first-half-0123" not in out


def test_secret_shapes_without_knowing_the_value():
    text = (
        "Incorrect API key provided: sk-proj-ABCDEFGH12345678. "
        "Authorization: Bearer abc.def-ghi and hf_ZYXWVUTSRQPONMLK"
    )
    out = r.redact(text)
    assert "sk-proj-ABCDEFGH12345678" not in out and "abc.def-ghi" not in out and "hf_ZYXWVUTSRQPONMLK" not in out
    assert out.startswith("Incorrect API key provided: [redacted]")


def test_short_values_and_ordinary_text_stay():
    r.register_secret("ab")  # too short to be a key: masking it would mangle words
    text = "the model ran out of memory at 4096 tokens (task-queue, skip-layer)"
    assert r.redact(text) == text


def test_longest_secret_first(monkeypatch):
    monkeypatch.setenv("A_TOKEN", "secret-value")
    monkeypatch.setenv("B_TOKEN", "secret-value-longer-one")
    assert r.redact("x secret-value-longer-one y") == "x [redacted] y"
