"""Statistics tables write the same bytes as before their metadata parts got types.

The golden files ``golden/stats_*.json`` were written by running the unchanged code at
commit 7841b21 on two hand-made stores of the existing tests (the indicator store of
``tests/indicators/conftest.py``; the area tree of ``tests/stats/test_stats_hierarchy.py``)
and checked by eye against those stores (one incident per homicide, trafficking, assault
and theft row; the placement counts that test asserts). They pin the metadata's ICCS notes,
partial periods, period window, area placement and rate parts. The metadata's ``store`` (a
temporary path) and ``generated_by`` (the code's version) are set to fixed text first.
"""

from __future__ import annotations

from pathlib import Path

from tests.indicators.conftest import tiny_db  # noqa: F401 (the fixture)
from tests.stats.test_stats_hierarchy import tree_db  # noqa: F401 (the fixture)
from tests.tidy3.goldens import fixed, golden

from crimestats.stats import count_table
from crimestats.stats.table import Format, StatsTable, render


def _render(table: StatsTable) -> str:
    return render(fixed(table), Format.JSON)


def test_iccs_and_period_metadata_bytes(tiny_db: Path) -> None:  # noqa: F811
    table = count_table(tiny_db, by=["iccs_l1", "iccs_l3", "month"], since="2024-01-05")
    assert _render(table) == golden("stats_iccs_month.json")


def test_area_placement_and_rate_metadata_bytes(tree_db: Path) -> None:  # noqa: F811
    table = count_table(tree_db, by=["area", "year"], area_level="district", rate=True)
    assert _render(table) == golden("stats_area_rate.json")
