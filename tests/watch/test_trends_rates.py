"""``trends --rate``: rates per 100,000 per period, by hand and against ``stats --rate``."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from tests.conftest import base_row

from crimestats.errors import UsageError
from crimestats.services.statistics import ingest_population
from crimestats.stats import count_table
from crimestats.watch.trends.service import store_trends


@pytest.fixture
def rated_db(db: Path, tmp_path: Path, ingest_rows: Callable[..., Any]) -> Path:
    """Area A1 with populations for 2023 and 2024; area A2 with none."""
    days = ["2023-01-10", "2023-02-11", "2023-02-20", "2024-01-05", "2024-02-07"]
    rows = [base_row(incident_id=f"I{i}", reported_date=d, occurred_start=d, area_code="A1")
            for i, d in enumerate(days)]  # fmt: skip
    rows.append(base_row(incident_id="J1", reported_date="2023-01-15",
                         occurred_start="2023-01-15", area_code="A2"))  # fmt: skip
    ingest_rows(rows)
    pop = tmp_path / "pop.csv"
    pop.write_text("area_code,year,population\nA1,2023,40000\nA1,2024,50000\n", encoding="utf-8")
    ingest_population(db, pop, source="census")
    return db


def test_rates_per_period_by_hand(rated_db: Path) -> None:
    run = store_trends(rated_db, by=["area"], freq="month", rate=True)
    by_area = {r.series.name: r for r in run.results}
    a1 = by_area["area=A1"]
    assert a1.rates is not None
    assert a1.series.labels[:3] == ("2023-01", "2023-02", "2023-03")
    assert a1.rates.rate_per_100k[:3] == pytest.approx((1 / 40000 * 1e5, 2 / 40000 * 1e5, 0.0))
    assert a1.rates.rate_per_100k[-1] == pytest.approx(1 / 50000 * 1e5)  # 2024-02
    a2 = by_area["area=A2"].rates
    assert a2 is not None
    assert set(a2.rate_per_100k) == {None}  # no population: None, never 0
    assert run.metadata["rate"]["periods_without_rate"] == len(a2.rate_per_100k)


def test_yearly_rates_equal_stats(rated_db: Path) -> None:
    run = store_trends(rated_db, by=["area"], freq="year", rate=True)
    table = count_table(rated_db, by=["area", "year"], rate=True)
    expected = {(r["area"], r["year"]): r["rate_per_100k"] for r in table.rows()}
    for r in run.results:
        assert r.rates is not None
        area = dict(r.series.group)["area"]
        for start, count, rate in zip(
            r.series.starts, r.series.counts, r.rates.rate_per_100k, strict=True
        ):
            if count:  # stats has a row where something was counted
                assert rate == pytest.approx(expected[(area, start.year)])
            else:  # A2 has no incident in 2024 and no population: no rate
                assert (area, rate) == ("A2", None)


def test_rate_needs_an_area() -> None:
    with pytest.raises(UsageError, match="needs 'area'"):
        store_trends(None, by=["weapon"], rate=True)
