"""Read real-engine-logs.csv: memory figures copied from public engine start-up logs, one row per figure.

The columns are those of ../shared/reference/real-engine-logs.csv (engine, source_url, engine_version,
gpu, gpus, model, dtype_or_quant, settings, metric, logged_value, unit); 'settings' starts with
'case=ID;' and holds the settings the source states, ``key=value`` or a bare flag, separated by ';'.
Rows of one case are grouped into one LogCase.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass, field
from pathlib import Path

from planner.errors import ConfigError

COLUMNS = (
    "engine",
    "source_url",
    "engine_version",
    "gpu",
    "gpus",
    "model",
    "dtype_or_quant",
    "settings",
    "metric",
    "logged_value",
    "unit",
)


@dataclass(frozen=True)
class LogCase:
    case: str
    engine: str
    source_url: str
    engine_version: str
    gpu: str
    gpus: int
    model: str
    dtype_or_quant: str
    settings: dict[str, str] = field(compare=False)  # value "" for a bare flag
    settings_text: str = ""
    metrics: dict[str, float] = field(default_factory=dict, compare=False)

    def setting(self, key: str) -> str | None:
        """A stated setting, None when absent or stated as unstated/default."""
        value = self.settings.get(key)
        if value is None or value.startswith("unstated"):
            return None
        return value.split(" ")[0]


# The state of vLLM's torch.compile cache at a start, where the source states it ("compile_cache=cold"): a cold start
# compiles inside the memory profile and logs less KV cache than a warm one (vLLM issue #54122).
COMPILE_CACHE_STATES = ("cold", "warm", "unstated")


def parse_settings(text: str) -> dict[str, str]:
    out: dict[str, str] = {}
    for part in text.split(";"):
        part = part.strip()
        if not part:
            continue
        key, _, value = part.partition("=")
        out[key.strip()] = value.strip()
    return out


def read_real_logs(path: Path) -> list[LogCase]:
    try:
        with path.open(newline="", encoding="utf-8") as fh:
            reader = csv.DictReader(fh)
            if tuple(reader.fieldnames or ()) != COLUMNS:
                raise ConfigError(str(path), f"columns must be {', '.join(COLUMNS)}")
            rows = list(reader)
    except OSError as exc:
        raise ConfigError(str(path), f"cannot read ({exc.strerror})") from exc
    cases: dict[str, LogCase] = {}
    for line, row in enumerate(rows, start=2):
        settings = parse_settings(row["settings"])
        case_id = settings.get("case")
        if not case_id:
            raise ConfigError(f"{path}:{line}", "settings must start with case=ID")
        if settings.get("compile_cache", "unstated").split(" ")[0] not in COMPILE_CACHE_STATES:
            raise ConfigError(f"{path}:{line}", "compile_cache must be cold, warm or unstated")
        try:
            value = float(row["logged_value"])
            gpus = int(row["gpus"])
        except ValueError:
            raise ConfigError(f"{path}:{line}", "logged_value and gpus must be numbers") from None
        case = cases.get(case_id)
        if case is None:
            case = LogCase(
                case=case_id,
                engine=row["engine"],
                source_url=row["source_url"],
                engine_version=row["engine_version"],
                gpu=row["gpu"],
                gpus=gpus,
                model=row["model"],
                dtype_or_quant=row["dtype_or_quant"],
                settings=settings,
                settings_text=row["settings"],
            )
            cases[case_id] = case
        case.metrics[row["metric"]] = value
    return list(cases.values())


def spec_resolver(config_dirs: tuple[Path, ...]):
    """model id -> ModelSpec for the real-log cases, or None where none can be built offline: a config.json in the
    first of `config_dirs` that has the model (<org>--<name>/config.json), read as `fit` reads one (keys a Hub config
    leaves to transformers' defaults, Gemma 3's text_config.vocab_size, are filled in), else the offline catalog."""
    import json

    from planner.sources.models import resolve_model, spec_from_any_config

    def exact(model_id: str):
        folder_name = model_id.replace("/", "--")
        for folder in config_dirs:
            path = folder / folder_name / "config.json"
            # a free-text model column longer than a file name can be (255 bytes) names no folder: is_file() would
            # raise OSError (ENAMETOOLONG) rather than answer False
            if len(folder_name.encode()) <= 255 and path.is_file():
                return spec_from_any_config(json.loads(path.read_text(encoding="utf-8")), model_id, str(path))
        try:
            return resolve_model(model_id, offline=True).spec
        except Exception:  # noqa: BLE001 - a model the catalog lacks is reported as unplanned, not fatal
            return None

    def resolve(model_id: str):
        """The model an id names; for a case's free-text model column (a GGUF or Ollama case: "Qwen3-0.6B GGUF
        (...)", "qwen2.5:14b-instruct (named in the issue)"), the first name in it that resolves (model_names_in)."""
        spec = exact(model_id)
        if spec is not None:
            return spec
        return next((s for name in model_names_in(model_id) if name != model_id and (s := exact(name))), None)

    return resolve


def model_names_in(text: str) -> list[str]:
    """The model names a free-text model column may hold, most specific first: Hub ids ("org/name"), then its first
    word with a trailing GGUF file's quant and extension dropped ("Qwen3-0.6B", "Meta-Llama-3.1-8B-Instruct",
    "qwen2.5:14b-instruct"). Each is tried against the config folders and the offline catalog (ids, bare names and
    Ollama tags) and taken only where one resolves."""
    ids = re.findall(r"\b[A-Za-z0-9][\w.-]*/[\w.-]*[A-Za-z0-9]\b", text)
    first = re.split(r"[\s,;()]", text.strip(), maxsplit=1)[0]
    first = re.sub(r"(?i)([.-](gguf|q\d\w*|f16|bf16|iq\d\w*))+$", "", first)
    if not first or "/" in first:
        return ids
    if ":" in first:  # an Ollama tag: its size tag without the variant ("qwen2.5:14b" of "qwen2.5:14b-instruct-q8_0")
        name, size = first.split(":", 1)
        return [*ids, first, f"{name}:{size.split('-')[0]}"]
    # the catalog's spelling of a GGUF's base name: Meta's repos dropped "Meta-"; Llama 2 repos end in "-hf"
    return [*ids, first, first.removeprefix("Meta-"), f"{first}-Instruct", f"{first}-hf"]
