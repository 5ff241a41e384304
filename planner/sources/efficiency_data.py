"""Load the fitted speed-model factors (planner/catalog/efficiency.json, written by
scripts/fit_efficiency.py; docs/methodology.md section 5 explains each)."""

from __future__ import annotations

import json
from functools import lru_cache

from planner.core.efficiency import EfficiencyModel
from planner.errors import ConfigError
from planner.sources import paths

PATH = paths.efficiency_file()


@lru_cache(maxsize=1)
def default_efficiency() -> EfficiencyModel:
    try:
        return EfficiencyModel.from_dict(json.loads(PATH.read_text(encoding="utf-8")))
    except (OSError, json.JSONDecodeError, KeyError) as exc:
        raise ConfigError(
            str(PATH),
            f"cannot read the speed factors ({exc})",
            hint="regenerate with `python scripts/fit_efficiency.py`",
        ) from exc
