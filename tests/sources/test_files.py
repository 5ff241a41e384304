"""sources/files.py: bounded reads that fail in one clear way, and atomic writes that clean up after a crash."""

from __future__ import annotations

import os
import time

import pytest

from planner.errors import ConfigError, ResultsFileError
from planner.sources import files


def test_json_failures_name_the_file(tmp_path):
    cases = {
        "deep.json": "[" * 100_000 + "]" * 100_000,
        "nan.json": '{"a": NaN}',
        "bad.json": "{",
        "binary.json": "\x00\xff",
    }
    for name, text in cases.items():
        path = tmp_path / name
        path.write_text(text)
        with pytest.raises(ResultsFileError) as info:
            files.read_json(path, "results file", ResultsFileError)
        assert str(path) in info.value.message


def test_size_bound_and_folder(tmp_path):
    big = tmp_path / "big.json"
    big.write_text('"' + "a" * 2048 + '"')
    with pytest.raises(ConfigError, match="larger than"):
        files.read_json(big, "config.json", ConfigError, max_bytes=1024)
    with pytest.raises(ConfigError, match="is a folder"):
        files.read_json(tmp_path, "config.json", ConfigError)


def test_stale_temporaries_are_removed_young_ones_kept(tmp_path):
    target = tmp_path / "calibration.json"
    stale, young, other = (
        tmp_path / ".calibration.json.old1",
        tmp_path / ".calibration.json.new1",
        tmp_path / ".other.json.old",
    )
    for f in (stale, young, other):
        f.write_text("partial")
    old = time.time() - files.STALE_TEMP_S - 10
    os.utime(stale, (old, old))
    os.utime(other, (old, old))
    files.write_atomic(target, "{}")
    assert target.read_text() == "{}"
    assert not stale.exists()  # our own, older than a minute: a killed writer's
    assert young.exists()  # maybe a live writer's
    assert other.exists()  # another file's temporary is not ours


def test_write_into_a_file_as_folder_is_one_error(tmp_path):
    (tmp_path / "config").write_text("not a folder")
    with pytest.raises(ResultsFileError, match="cannot write"):
        files.write_atomic(tmp_path / "config" / "x.json", "{}")
