"""``docs/extending.md`` runs: its ``python`` blocks are the test, executed in order.

The page's four worked examples (a source, a field, a statistic, a release table) share
one Python session in an empty folder, as a reader would type them; each block's own
``assert`` lines check its results (computed by hand in the page). The field the page
registers at run time is removed again afterwards, so other tests see the registry as
shipped.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from crimestats.stats.fields import FIELDS

PAGE = Path(__file__).resolve().parents[2] / "docs" / "extending.md"
BLOCK = re.compile(r"^```python\n(.*?)^```$", re.S | re.M)


def code_blocks(text: str) -> list[str]:
    """The ``python`` fenced blocks of a Markdown text, in order."""
    return [m[1] for m in BLOCK.finditer(text)]


def test_the_page_has_the_four_examples() -> None:
    text = PAGE.read_text(encoding="utf-8")
    headings = re.findall(r"^## \d+\. (.+)$", text, re.M)
    assert headings == ["Add a source", "Add a field", "Add a statistic", "Add a release table"]
    assert len(code_blocks(text)) == 4


def test_extending_examples_run(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    shipped = dict(FIELDS)
    namespace: dict[str, Any] = {"__name__": "extending_md"}
    try:
        for n, block in enumerate(code_blocks(PAGE.read_text(encoding="utf-8")), start=1):
            code = compile(block, f"docs/extending.md (python block {n})", "exec")
            exec(code, namespace)  # noqa: S102 - the page is this repository's own text
        assert "weekday" in FIELDS  # the page registered its field ...
        assert (tmp_path / "release" / "datapackage.json").is_file()  # ... and released it
    finally:
        FIELDS.clear()
        FIELDS.update(shipped)
    assert "weekday" not in FIELDS
