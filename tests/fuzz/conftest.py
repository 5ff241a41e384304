"""Fuzz fixtures: every case runs with secrets in the environment, which must never be printed."""

from __future__ import annotations

import pytest

from tests.fuzz.harness import SECRETS


@pytest.fixture(autouse=True)
def secrets_in_env(monkeypatch):
    for name, value in SECRETS.items():
        monkeypatch.setenv(name, value)
    yield SECRETS
