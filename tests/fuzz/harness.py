"""Run one hostile case through the CLI's error boundary and check what a user would see.

A case fails when: a traceback is printed, the last-resort net caught a crash ("unexpected ...
this is a bug"), it ran past its time bound (a hang), it exited 0 on input that is invalid, or any
secret the process holds appears in its output.
"""

from __future__ import annotations

import contextlib
import io
import os
import signal
import time
from dataclasses import dataclass

# Secrets the fuzz fixture puts in the environment; none may ever be printed.
SECRETS = {
    "HF_TOKEN": "hf_FuzzHubToken0123456789abcdefXYZ",
    "OPENAI_API_KEY": "sk-fuzzOpenAIKey0123456789abcdefXYZ",
    "MI50PLAN_API_KEY": "sk-fuzzPlannerKey0123456789abcdefQ",
    "ANTHROPIC_API_KEY": "fuzz-anthropic-9f8e7d6c5b4a39281706",
}
TIME_LIMIT_S = 20.0  # the alarm; a case's own bound is usually tighter


class Hang(BaseException):
    """Raised by the alarm: BaseException, so the CLI's `except Exception` net cannot swallow it."""


@dataclass
class Outcome:
    code: int
    out: str
    err: str
    seconds: float

    @property
    def text(self) -> str:
        return self.out + self.err


class _BuiltOnce:
    """typer rebuilds its click command tree on every call (about 0.1 s, half of a `fit`); thousands of cases
    reuse one tree. main() still runs its whole error boundary around it."""

    def __init__(self, app) -> None:
        import typer

        self.app = app
        self.command = typer.main.get_command(app)

    def __call__(self, *args, **kwargs):
        return self.command(*args, **kwargs)


def run(argv: list[str], time_limit_s: float = TIME_LIMIT_S) -> Outcome:
    import planner.cli.app as cli

    if not isinstance(cli.app, _BuiltOnce):
        cli.app = _BuiltOnce(cli.app)
    main = cli.main

    def alarm(signum, frame):
        raise Hang(f"{argv!r} ran past {time_limit_s} s")

    out, err = io.StringIO(), io.StringIO()
    previous = signal.signal(signal.SIGALRM, alarm)
    signal.setitimer(signal.ITIMER_REAL, time_limit_s)
    t0 = time.perf_counter()
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            code = main(list(argv))
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
    return Outcome(code, out.getvalue(), err.getvalue(), time.perf_counter() - t0)


def check(outcome: Outcome, *, invalid: bool | None, extra_secrets: tuple[str, ...] = ()) -> None:
    """invalid=True: must exit non-zero; False: must exit 0; None: either, but cleanly."""
    text = outcome.text
    assert "Traceback" not in text, text[-3000:]
    assert "this is a bug" not in text and "error: unexpected " not in text, text[-2000:]
    for secret in (*SECRETS.values(), *extra_secrets):
        assert secret not in text, f"secret printed: {text[-2000:]}"
    if invalid is True:
        assert outcome.code != 0, f"exit 0 on invalid input: {text[-2000:]}"
        assert "error:" in outcome.err, outcome.err[-2000:]
    elif invalid is False:
        assert outcome.code == 0, text[-2000:]


def run_checked(argv: list[str], *, invalid: bool | None, time_limit_s: float = TIME_LIMIT_S, **kw) -> Outcome:
    outcome = run(argv, time_limit_s)
    check(outcome, invalid=invalid, **kw)
    tally = os.environ.get("MI50PLAN_FUZZ_TALLY")  # a file: one line per checked case, for counting
    if tally:
        test = os.environ.get("PYTEST_CURRENT_TEST", "?").split(" ")[0]
        with open(tally, "a", encoding="utf-8") as fh:
            fh.write(f"{test.split('[')[0]}\t{invalid}\t{outcome.code}\n")
    return outcome
