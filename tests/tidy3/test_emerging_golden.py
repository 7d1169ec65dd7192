"""``emerging --json`` writes the same bytes as before its store rows got types.

The golden file ``golden/emerging_chicago.json`` was written by running the unchanged
code at commit 7841b21 on the bundled Chicago sample (the store of
``tests/watch/test_emerging_cli.py``), current period from 2014-03-10, through
``print_json``'s ``json.dumps``; that test checks the same report's values (window,
settings, code 501A).
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

from tests.watch.test_emerging_cli import chicago_db  # noqa: F401 (the fixture)

from crimestats.watch.emerging.detect import find_emerging

GOLDEN = Path(__file__).parent / "golden"


def emerging_text(db: Path) -> str:
    """The report as ``emerging --json`` prints it."""
    report = find_emerging(db, since=date(2014, 3, 10))
    return json.dumps(report.to_json(), indent=2, default=str, ensure_ascii=False) + "\n"


def test_emerging_report_bytes(chicago_db: Path) -> None:  # noqa: F811
    expected = (GOLDEN / "emerging_chicago.json").read_text(encoding="utf-8")
    assert emerging_text(chicago_db) == expected
