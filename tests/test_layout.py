"""The test tree itself: no two test modules share a file name.

Why: the folders of ``tests/`` are not packages, so pytest imports each test module by
its bare name; a second ``test_classify.py`` in another folder stops the whole run at
collection ("import file mismatch"), which a run of one folder never shows.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

TESTS = Path(__file__).resolve().parent


def test_no_two_test_modules_share_a_name() -> None:
    names = Counter(path.name for path in TESTS.rglob("test_*.py"))
    assert [name for name, n in names.items() if n > 1] == []
