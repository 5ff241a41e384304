"""The exception tree of mi50plan.

Every error the user can cause or meet is one of these. The CLI edge (``planner.cli.app``) turns each
into one line on stderr, a hint line, and the exit code of its class; nothing else prints tracebacks
(set ``MI50PLAN_DEBUG=1`` to see one).

    PlannerError                    base; ``hint`` says what to do next
    +-- UsageError                  impossible flags or values          (exit 2)
    +-- ModelNotFound               no source knows the model           (exit 3)
    +-- ConfigError                 a malformed or incomplete config    (exit 3)
    +-- GGUFError                   a truncated or non-GGUF file        (exit 3)
    +-- ProfileError                unknown or broken hardware profile  (exit 3)
    +-- ResultsFileError            an unreadable results or log file   (exit 3)
    +-- ProbeError                  a live server misbehaved            (exit 4)
        +-- ServerUnreachable       refused, DNS, no route
        +-- ServerTimeout           connect / first token / idle / total time-out
        +-- BadResponse             HTTP error status or a garbage stream
"""

from __future__ import annotations

import enum


class ExitCode(enum.IntEnum):
    OK = 0
    FAILURE = 1
    USAGE = 2
    INPUT = 3
    NETWORK = 4
    DOES_NOT_FIT = 5


class PlannerError(Exception):
    exit_code: ExitCode = ExitCode.FAILURE

    def __init__(self, message: str, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint


class UsageError(PlannerError):
    exit_code = ExitCode.USAGE

    def __init__(self, option: str, value: object, reason: str, hint: str | None = None) -> None:
        where = option if value is None else f"{option}={value}"  # a missing value is not "=None"
        super().__init__(f"{where}: {reason}", hint)
        self.option = option
        self.value = value


class ModelNotFound(PlannerError):
    exit_code = ExitCode.INPUT

    def __init__(self, model_id: str, tried: list[str], hint: str | None = None) -> None:
        tried_text = "; ".join(tried) if tried else "no source"
        super().__init__(f"model '{model_id}' not found ({tried_text})", hint)
        self.model_id = model_id
        self.tried = tried


class ConfigError(PlannerError):
    exit_code = ExitCode.INPUT

    def __init__(self, where: str, problem: str, hint: str | None = None) -> None:
        super().__init__(f"{where}: {problem}", hint)
        self.where = where
        self.problem = problem


class GGUFError(PlannerError):
    exit_code = ExitCode.INPUT


class ProfileError(PlannerError):
    exit_code = ExitCode.INPUT

    def __init__(self, where: str, problem: str, hint: str | None = None) -> None:
        super().__init__(f"profile {where}: {problem}", hint)
        self.where = where


class ResultsFileError(PlannerError):
    exit_code = ExitCode.INPUT


class ProbeError(PlannerError):
    exit_code = ExitCode.NETWORK


class ServerUnreachable(ProbeError):
    pass


class ServerTimeout(ProbeError):
    pass


class BadResponse(ProbeError):
    pass
