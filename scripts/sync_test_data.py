"""Copy the parts of ../shared the tests need into tests/data/reference-copy, or check the copy (`--check`).

The tests never read ../shared (a fresh clone has none beside it): they read this verbatim copy, and
the scripts they run (profiles_from_specs.py, build_catalog.py) are pointed at it through
MI50PLAN_REFERENCE. Run this after ../shared changes. ../shared is <repo>/../shared unless env
MI50PLAN_REFERENCE names another folder. Run: python scripts/sync_test_data.py [--check]
"""

from __future__ import annotations

import filecmp
import os
import shutil
import sys
from pathlib import Path

from script_args import check_only

ROOT = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("MI50PLAN_REFERENCE", ROOT.parent / "shared"))
COPY = ROOT / "tests" / "data" / "reference-copy"
# What the tests read: the GPU table behind profiles/*.toml and the configs behind the catalog.
WANTED = (
    "reference/gpu-specs.csv",
    "reference/mi50-vllm-vs-ollama-report.md",
    "reference/engine-facts.md",
    "model-configs",
)


def _files(base: Path) -> list[Path]:
    out = []
    for wanted in WANTED:
        path = base / wanted
        if path.is_dir():
            out += sorted(p.relative_to(base) for p in path.rglob("*") if p.is_file())
        elif path.is_file():
            out.append(path.relative_to(base))
    return out


def main() -> int:
    check = check_only(__doc__, sys.argv[1:], "tests/data/reference-copy with ../shared")
    if not SHARED.is_dir():
        print(f"no shared folder at {SHARED} (set MI50PLAN_REFERENCE)", file=sys.stderr)
        return 2
    source = _files(SHARED)
    missing = [w for w in WANTED if not (SHARED / w).exists()]
    if missing:
        print(f"{SHARED} lacks {', '.join(missing)} (is MI50PLAN_REFERENCE the shared folder?)", file=sys.stderr)
        return 2
    if check:
        copied = [p for p in _files(COPY) if p.name != "README.md"] if COPY.is_dir() else []
        stale = [str(p) for p in source if not (COPY / p).is_file() or not filecmp.cmp(SHARED / p, COPY / p, False)]
        extra = [str(p) for p in copied if p not in source]
        if stale or extra:
            print("tests/data/reference-copy out of date: run python scripts/sync_test_data.py")
            for name in stale + extra:
                print(f"  {name}")
            return 1
        print(f"tests/data/reference-copy up to date ({len(source)} files)")
        return 0
    for rel in source:
        (COPY / rel).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(SHARED / rel, COPY / rel)
    for rel in _files(COPY):
        if rel not in source and rel.name != "README.md":
            (COPY / rel).unlink()
    print(f"copied {len(source)} files from {SHARED} to {COPY}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
