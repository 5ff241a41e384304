"""Files the planner reads and writes: bounded JSON reads and atomic writes that clean up after a crash.

``write_atomic`` writes a temporary ``.NAME.*`` file beside the target and renames it over the target, so
a crash never leaves a half-written file. A process killed with SIGKILL cannot remove its temporary, so
each write first removes the target's own temporaries older than ``STALE_TEMP_S`` (a concurrent writer's
temporary is younger than that and is left alone).

``read_json`` reads at most ``max_bytes`` and turns every way a file can be unreadable (missing, a folder,
binary, too deep, too large) into the error class the caller names, with the path in the message.
"""

from __future__ import annotations

import json
import os
import tempfile
import time
from pathlib import Path

from planner.errors import ConfigError, PlannerError, ProfileError, ResultsFileError

STALE_TEMP_S = 60.0
JSON_MAX_BYTES = 64 * 2**20  # a results file of many probes is a few MB; a config.json is a few kB


def _remove_stale_temporaries(path: Path, now: float | None = None) -> None:
    now = time.time() if now is None else now
    try:
        candidates = list(path.parent.glob(f".{path.name}.*"))
    except OSError:
        return
    for tmp in candidates:
        try:
            if tmp.is_file() and not tmp.is_symlink() and now - tmp.stat().st_mtime > STALE_TEMP_S:
                tmp.unlink()
        except OSError:
            continue  # another writer's file, or gone already: not ours to insist on


def write_atomic(path: Path, text: str | bytes) -> None:
    """Write a file so a crash never leaves it half-written: temp file in the same folder, then rename.
    `text` may be bytes (a PNG), written as they are."""
    path = Path(path)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        _remove_stale_temporaries(path)
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    except OSError as exc:  # the folder is a file, read-only, or the disk is full
        raise ResultsFileError(
            f"{path}: cannot write ({exc.strerror or exc})", hint="check the folder exists and is writable"
        ) from exc
    try:
        with os.fdopen(fd, "wb") if isinstance(text, bytes) else os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def make_error(error: type[PlannerError], where: str, problem: str, hint: str | None = None) -> PlannerError:
    """One error of the caller's class, whatever its constructor: the place, then what is wrong."""
    if issubclass(error, (ConfigError, ProfileError)):
        return error(where, problem, hint)
    return error(f"{where}: {problem}", hint)


def read_text(path: Path, what: str, error: type[PlannerError], max_bytes: int = JSON_MAX_BYTES) -> str:
    """A text file, at most max_bytes, as UTF-8 (bad bytes replaced). Raises `error` naming the path."""
    path = Path(path)
    try:
        with path.open("rb") as fh:
            raw = fh.read(max_bytes + 1)
    except IsADirectoryError as exc:
        raise make_error(error, str(path), f"is a folder, not a {what}", "pass the file itself") from exc
    except FileNotFoundError as exc:
        raise make_error(error, str(path), "no such file", "check the path") from exc
    except OSError as exc:
        raise make_error(error, str(path), f"cannot read the {what} ({exc.strerror or exc})", "check the path") from exc
    except ValueError as exc:  # a NUL byte in the path
        raise make_error(error, repr(str(path)), f"not a usable path ({exc})", "check the path") from exc
    if len(raw) > max_bytes:
        raise make_error(
            error, str(path), f"larger than {max_bytes // 2**20} MiB, too large for a {what}", "check the file"
        )
    return raw.decode("utf-8", errors="replace")


def parse_json(text: str, where: str, what: str, error: type[PlannerError], hint: str | None = None) -> object:
    """JSON text -> value; a syntax error, NaN/Infinity literal or a too-deep nesting raise `error`."""
    hint = hint or f"check the file is a {what}"

    def no_constant(name: str) -> float:
        raise ValueError(f"{name} is not a number JSON allows")

    try:
        return json.loads(text, parse_constant=no_constant)
    except json.JSONDecodeError as exc:
        raise make_error(error, where, f"not valid JSON (line {exc.lineno}: {exc.msg})", hint) from exc
    except ValueError as exc:
        raise make_error(error, where, f"not valid JSON ({exc})", hint) from exc
    except RecursionError as exc:
        raise make_error(error, where, "JSON nested too deeply", hint) from exc


def read_json(path: Path, what: str, error: type[PlannerError], max_bytes: int = JSON_MAX_BYTES) -> object:
    return parse_json(read_text(path, what, error, max_bytes), str(path), what, error)
