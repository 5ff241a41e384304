"""Find and load hardware profiles: shipped ones (profiles/ in the repo, planner/_profiles in the
wheel), overridden or extended by the user's directory ($MI50PLAN_CONFIG_DIR or
~/.config/mi50plan, sub-folder profiles/), plus `host`, built at run time from this machine."""

from __future__ import annotations

import os
import tomllib
from pathlib import Path

from planner.core.hardware import HardwareProfile, ProfileInvalid, profile_from_dict
from planner.errors import ProfileError

HOST = "host"


def config_dir() -> Path:
    env = os.environ.get("MI50PLAN_CONFIG_DIR")
    if env:
        return Path(env).expanduser()
    base = os.environ.get("XDG_CONFIG_HOME") or str(Path.home() / ".config")
    return Path(base) / "mi50plan"


def shipped_dir() -> Path:
    here = Path(__file__).resolve().parent.parent
    packaged = here / "_profiles"
    if packaged.is_dir():
        return packaged
    return here.parent / "profiles"  # a source checkout or an editable install


def user_dir() -> Path:
    return config_dir() / "profiles"


def _profile_files() -> dict[str, Path]:
    files: dict[str, Path] = {}
    for folder in (shipped_dir(), user_dir()):  # user files override shipped ones of the same name
        if folder.is_dir():
            for path in sorted(folder.glob("*.toml")):
                files[path.stem] = path
    return files


def load_profile_file(path: Path) -> HardwareProfile:
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise ProfileError(str(path), f"not valid TOML ({exc})", hint="fix the file or remove it") from exc
    except OSError as exc:
        raise ProfileError(str(path), f"cannot read ({exc.strerror})") from exc
    try:
        profile = profile_from_dict(data, str(path))
    except ProfileInvalid as exc:
        raise ProfileError(
            f"{path} field '{exc.field_name}'",
            exc.problem,
            hint="see docs/profiles.md for the fields and their units",
        ) from exc
    if profile.name != path.stem:
        raise ProfileError(
            f"{path} field 'name'", f"'{profile.name}' differs from the file name '{path.stem}'"
        )
    return profile


def profile_names() -> list[str]:
    return sorted(_profile_files()) + [HOST]


def get_profile(name: str) -> HardwareProfile:
    wanted = name.strip().lower()
    if wanted == HOST:
        from planner.sources.host import host_profile

        return host_profile()
    files = _profile_files()
    if wanted not in files:
        import difflib

        close = difflib.get_close_matches(wanted, list(files), n=3, cutoff=0.5)
        hint = ("did you mean: " + ", ".join(close) + "?") if close else "`mi50plan profiles list` shows them"
        raise ProfileError(f"'{name}'", "unknown hardware profile", hint=hint)
    return load_profile_file(files[wanted])


def all_profiles() -> list[HardwareProfile]:
    return [load_profile_file(path) for _, path in sorted(_profile_files().items())]
