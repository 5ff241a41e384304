"""The user's defaults file: ~/.config/mi50plan/config.toml (or $MI50PLAN_CONFIG_DIR/config.toml).

    hardware = "mi50-32gb"   # every command's --hardware
    gpus = 2                 # every command's --gpus
    engine = "vllm,ollama"   # fit/predict's --engine

    [fit]                    # any option of one command, by its flag name in snake_case
    max_model_len = 8192

A flag on the command line wins over the file; the file wins over the built-in default.
"""

from __future__ import annotations

import tomllib

from planner.errors import ConfigError
from planner.sources import paths

SHARED_KEYS = {"hardware": str, "gpus": int, "engine": str}
COMMANDS = ("fit", "predict", "recommend", "compare", "validate", "calibrate", "capacity")


def config_file():
    return paths.config_dir() / "config.toml"


def load_defaults() -> dict:
    """The parsed defaults file ({} when there is none); raises ConfigError naming a bad key."""
    path = config_file()
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return {}
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(str(path), f"cannot read the defaults file ({exc})", hint=f"fix or remove {path}") from exc
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(str(path), f"not valid TOML ({exc})", hint=f"fix or remove {path}") from exc
    for key, value in data.items():
        if key in SHARED_KEYS:
            kind = SHARED_KEYS[key]
            if not isinstance(value, kind) or isinstance(value, bool) or (kind is int and not 1 <= value <= 4096):
                raise ConfigError(
                    str(path), f"'{key}' = {value!r} is not a valid {key}", hint=f"e.g. {key} = {_example(key)}"
                )
        elif key in COMMANDS:
            if not isinstance(value, dict):
                raise ConfigError(str(path), f"[{key}] must be a table of options", hint=f"fix or remove {path}")
        else:
            raise ConfigError(
                str(path),
                f"unknown key '{key}'",
                hint="use hardware, gpus, engine, or a [command] table (docs/user-guide.md)",
            )
    return data


def _example(key: str) -> str:
    return {"hardware": '"mi50-32gb"', "gpus": "2", "engine": '"vllm"'}[key]


def default_map() -> dict:
    """click's default_map: per command, the shared keys then the command's own table."""
    data = load_defaults()
    if not data:
        return {}
    shared = {k: v for k, v in data.items() if k in SHARED_KEYS}
    return {command: {**shared, **data.get(command, {})} for command in COMMANDS}
