"""The lists that mark tests slow or spark (tests/conftest.py) name tests that exist."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from tests.conftest import _is_slow
from tests.slow_marks import SLOW_TESTS, SPARK_TESTS

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize("file", sorted(SLOW_TESTS))
def test_every_listed_slow_test_exists(file: str) -> None:
    path = ROOT / file
    assert path.is_file(), f"{file} is listed in SLOW_TESTS but does not exist"
    defined = set(re.findall(r"^(?:async )?def (test\w*)", path.read_text("utf-8"), re.M))
    missing = [n for n in SLOW_TESTS[file] if n.split("[", 1)[0] not in defined]
    assert not missing, f"SLOW_TESTS names tests {file} does not define: {missing}"


def test_spark_folders_exist() -> None:
    for folder in SPARK_TESTS:
        assert (ROOT / folder).is_dir(), folder


def test_slow_matching() -> None:
    """A whole file, a function (every parameter of it) and one parameter match; a test
    whose name only starts like a listed one does not."""
    whole = next(f for f, names in SLOW_TESTS.items() if not names)
    assert _is_slow(f"{whole}::test_anything")
    file, names = next((f, n) for f, n in SLOW_TESTS.items() if n)
    function = names[0].split("[", 1)[0]
    assert _is_slow(f"{file}::{function}")
    assert _is_slow(f"{file}::{function}[any-param]")
    assert not _is_slow(f"{file}::{function}_and_more")
    assert not _is_slow("tests/no_such_file.py::test_x")
