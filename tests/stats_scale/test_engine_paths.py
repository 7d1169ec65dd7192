"""The short paths of the engine give the tables and metadata of the long ones (issue 19).

Three short paths make the standard tables fast at ten million incidents: a table of
offences or victims whose fields the record holds counts that record's table alone (no
join to the incidents), the units in scope likewise, and a table of incidents by period
fields (and source) is summed from the store's coverage, which its metadata reads anyway.
Each is checked here against the general path (the joined base table, the grouped count)
on the bundled real data, coded to ICCS, table and metadata alike, and the tables of the
release's own shape against plain SQL.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import duckdb
import pytest

from crimestats.stats import count_table, counting, engine

SPECS: list[dict[str, Any]] = [
    {"by": ["year"], "unit": "incidents"},
    {"by": ["source", "year"], "unit": "incidents"},
    {"by": ["source", "month"], "unit": "incidents", "period_basis": "occurred"},
    {"by": ["quarter"], "unit": "incidents", "source": "chicago"},
    {"by": ["source", "iccs_l2"], "unit": "offences"},
    {"by": ["iccs_l1", "attempted"], "unit": "offences", "source": "code_memphis"},
    {"by": ["source", "victim_sex", "victim_age_group"], "unit": "victims"},
    {"by": ["source"], "unit": "suspects"},
    {"by": ["year", "iccs_l1"], "unit": "offences"},
]


def _long_way(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(engine, "rolls_up_from_coverage", lambda by, unit: False)
    monkeypatch.setattr(counting, "_own_table", lambda *args: None)


@pytest.mark.parametrize("spec", SPECS, ids=lambda s: "-".join(s["by"]) + "-" + s["unit"])
def test_short_paths_give_the_same_table_and_metadata(
    demo_db: Path, monkeypatch: pytest.MonkeyPatch, spec: dict[str, Any]
) -> None:
    short = count_table(demo_db, **spec)
    with monkeypatch.context() as m:
        _long_way(m)
        long = count_table(demo_db, **spec)
    assert short.table.num_rows > 0
    assert short.table.schema == long.table.schema
    assert short.table.to_pylist() == long.table.to_pylist()
    assert short.metadata == long.metadata


def test_source_year_table_equals_plain_sql(demo_db: Path) -> None:
    got = count_table(demo_db, by=["source", "year"]).table.to_pylist()
    con = duckdb.connect(str(demo_db), read_only=True)
    try:
        rows = con.execute(
            "SELECT source, year(reported_date), count(*) FROM incidents GROUP BY ALL"
        ).fetchall()
    finally:
        con.close()
    assert {(r["source"], r["year"], r["count"]) for r in got} == set(rows)


def test_a_window_still_counts_the_cut_incidents(demo_db: Path) -> None:
    """On a store cut to a period window, offences are counted through their incidents."""
    whole = count_table(demo_db, by=["source", "iccs_l2"], unit="offences")
    cut = count_table(demo_db, by=["source", "iccs_l2"], unit="offences", since="2020")
    assert sum(cut.table.column("count").to_pylist()) < sum(whole.table.column("count").to_pylist())
