"""Where mi50plan keeps and finds its files: the one place that knows the paths.

- the user's config directory: $MI50PLAN_CONFIG_DIR, else $XDG_CONFIG_HOME/mi50plan, else
  ~/.config/mi50plan (profiles/, calibration.json, host.json live there);
- the data shipped with the package: the hardware profiles (profiles/ in a checkout, planner/_profiles
  in the wheel) and planner/catalog/*.json.
"""

from __future__ import annotations

import os
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent.parent
CATALOG_DIR = PACKAGE_DIR / "catalog"


def config_dir() -> Path:
    env = os.environ.get("MI50PLAN_CONFIG_DIR")
    if env:
        return Path(env).expanduser()
    base = os.environ.get("XDG_CONFIG_HOME") or str(Path.home() / ".config")
    return Path(base) / "mi50plan"


def shipped_profiles_dir() -> Path:
    packaged = PACKAGE_DIR / "_profiles"
    if packaged.is_dir():
        return packaged
    return PACKAGE_DIR.parent / "profiles"  # a source checkout or an editable install


def user_profiles_dir() -> Path:
    return config_dir() / "profiles"


def calibration_file() -> Path:
    return config_dir() / "calibration.json"


def host_cache_file() -> Path:
    return config_dir() / "host.json"


def efficiency_file() -> Path:
    return CATALOG_DIR / "efficiency.json"
