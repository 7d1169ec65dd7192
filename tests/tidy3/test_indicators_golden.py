"""The indicator and attrition tables write the same bytes as before their rows got types.

The golden files ``golden/indicators.csv``, ``golden/indicators.json`` and
``golden/attrition.json`` were written by running the unchanged code at commit 7841b21
on the hand-made store of ``tests/indicators/conftest.py`` (``--area X``), and checked by
eye against the hand counts there (16.1.1 female 1 victim per 100,000 women, ...). The
metadata's ``store`` (a temporary path) and ``generated_by`` (the code's version) are
set to fixed text first: everything else is compared byte for byte.
"""

from __future__ import annotations

from pathlib import Path

from tests.indicators.conftest import tiny_db  # noqa: F401 (the fixture)
from tests.tidy3.goldens import fixed, golden

from crimestats.indicators import attrition_table, indicator_table
from crimestats.stats.table import Format, render


def test_indicator_table_bytes(tiny_db: Path) -> None:  # noqa: F811
    table = fixed(indicator_table(tiny_db, area="X"))
    assert render(table, Format.CSV) == golden("indicators.csv")
    assert render(table, Format.JSON) == golden("indicators.json")


def test_attrition_table_bytes(tiny_db: Path) -> None:  # noqa: F811
    table = fixed(attrition_table(tiny_db, by="iccs_l1"))
    assert render(table, Format.JSON) == golden("attrition.json")
