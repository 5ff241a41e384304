"""The suite runs from a fresh clone with no reference folder beside it (issue 14 item 1).

Before tests/data/shared existed, five tests read the reference folder's model-configs and
gpu-specs.csv and failed with FileNotFoundError on such a clone."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from planner.sources import catalog
from tests.conftest import ROOT, SHARED_COPY


def test_reading_the_forbidden_folder_fails_the_test():
    # conftest forbids the project's shared folder beside the clone: on a CI clone it exists (read-only),
    # on a fresh clone it does not; either way a test that reads it must fail here.
    from tests.conftest import _FORBIDDEN

    folder = Path(_FORBIDDEN[0])
    with pytest.raises(PermissionError, match="tests must not read"):
        (folder / "model-configs" / "SOURCES.md").read_text()
    with pytest.raises(PermissionError, match="tests must not read"):
        os.listdir(folder)


def test_scripts_run_by_tests_read_the_copy():
    assert os.environ["MI50PLAN_SHARED"] == str(SHARED_COPY)
    assert (SHARED_COPY / "reference" / "gpu-specs.csv").is_file()


def test_copy_holds_every_catalog_config():
    # The catalog's configs live in the repository: scripts/data/model-configs (pinned public copies) or
    # the tests' copy of the reference folder.
    for model_id in catalog.catalog_ids():
        name = model_id.replace("/", "--", 1)
        places = (SHARED_COPY / "model-configs" / name, ROOT / "scripts" / "data" / "model-configs" / name)
        assert any((folder / "config.json").is_file() for folder in places), model_id


def test_sync_script_sees_a_stale_copy(tmp_path):
    # scripts/sync_test_data.py --check, run against a fake reference folder whose CSV differs from the copy
    import shutil

    shutil.copytree(SHARED_COPY, tmp_path, dirs_exist_ok=True)
    (tmp_path / "reference" / "gpu-specs.csv").write_text("name\nchanged\n")
    proc = subprocess.run(
        [sys.executable, "scripts/sync_test_data.py", "--check"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env={**os.environ, "MI50PLAN_SHARED": str(tmp_path)},
    )
    assert proc.returncode == 1 and "reference/gpu-specs.csv" in proc.stdout
