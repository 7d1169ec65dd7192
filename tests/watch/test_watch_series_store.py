"""Count series from the store: the same numbers as ``stats``, zeros filled, weeks ISO."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from tests.conftest import base_row, write_flat

from crimestats.errors import UsageError
from crimestats.services.ingesting import ingest_files
from crimestats.stats import count_table
from crimestats.watch.series import Freq, period_label, period_starts, store_series

D = dt.date

# (reported date, weapon): hand-placed so that every number below is known by hand
ROWS = [
    ("2023-12-31", "knife"),  # a Sunday: ISO week 2023-W52 (Monday 2023-12-25)
    ("2024-01-01", "knife"),  # a Monday: 2024-W01
    ("2024-01-07", "firearm"),  # Sunday of 2024-W01
    ("2024-01-08", "knife"),  # 2024-W02
    ("2024-02-20", "firearm"),  # February: no knife, a zero for knives
    ("2024-03-15", "knife"),
    ("2024-04-02", "firearm"),
]


@pytest.fixture(scope="module")
def small_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A store of ROWS, built once for the tests that only read it."""
    folder = tmp_path_factory.mktemp("series")
    rows = [
        base_row(incident_id=f"I{i}", reported_date=day, occurred_start=day, weapon=weapon)
        for i, (day, weapon) in enumerate(ROWS)
    ]
    ingest_files([write_flat(folder / "rows.csv", rows)], source="test", db=folder / "s.duckdb")
    return folder / "s.duckdb"


def test_weeks_start_on_monday_and_zeros_are_filled(small_db: Path) -> None:
    [series] = store_series(small_db, freq="week")
    assert series.starts[0] == D(2023, 12, 25)
    assert series.starts[-1] == D(2024, 4, 1)
    assert all((b - a).days == 7 for a, b in zip(series.starts, series.starts[1:], strict=False))
    assert series.labels[:3] == ("2023-W52", "2024-W01", "2024-W02")
    assert series.counts[:4] == (1, 2, 1, 0)
    assert sum(series.counts) == len(ROWS)
    assert len(series) == 15  # 2023-12-25 .. 2024-04-01 is 14 weeks later


def test_groups_share_the_periods(small_db: Path) -> None:
    got = {s.group: s for s in store_series(small_db, by=["weapon"], freq="month")}
    knife = got[(("weapon", "knife"),)]
    firearm = got[(("weapon", "firearm"),)]
    assert knife.labels == firearm.labels == ("2023-12", "2024-01", "2024-02", "2024-03", "2024-04")
    assert knife.counts == (1, 2, 0, 1, 0)
    assert firearm.counts == (0, 1, 1, 0, 1)
    assert knife.partial == (None,) * 5  # the source covers every month


def test_since_until_cut_periods_are_partial(small_db: Path) -> None:
    [series] = store_series(small_db, freq="month", since=D(2024, 1, 5), until=D(2024, 3, 31))
    assert series.labels == ("2024-01", "2024-02", "2024-03")
    assert series.counts == (2, 1, 1)  # 2024-01-01 is before --since
    assert series.partial[0] is not None
    assert "--since 2024-01-05" in series.partial[0]
    assert series.partial[1:] == (None, None)  # --until on the last day cuts nothing


def test_period_fields_in_by_are_refused(small_db: Path) -> None:
    with pytest.raises(UsageError, match="--freq"):
        store_series(small_db, by=["month"], freq="month")
    with pytest.raises(UsageError, match="--freq"):
        store_series(small_db, freq="day")


def test_period_starts_and_labels() -> None:
    starts = period_starts(D(2023, 11, 20), D(2024, 2, 1), Freq.QUARTER)
    assert starts == (D(2023, 10, 1), D(2024, 1, 1))
    assert [period_label(s, Freq.QUARTER) for s in starts] == ["2023-Q4", "2024-Q1"]
    assert period_label(D(2021, 1, 4), Freq.WEEK) == "2021-W01"


def test_month_series_summed_per_year_equal_stats_by_year(demo_db: Path) -> None:
    # stats is the oracle: the series are counted by the same expression, grouped
    # differently, so the sums must agree for every source and every year
    for unit in ("incidents", "offences"):
        table = count_table(demo_db, by=["source", "year"], unit=unit)
        expected = {
            (r["source"], r["year"]): r["count"] for r in table.rows() if r["year"] is not None
        }
        got: Counter[tuple[Any, int]] = Counter()
        for series in store_series(demo_db, by=["source"], freq="month", unit=unit):
            for start, count in zip(series.starts, series.counts, strict=True):
                if count:
                    got[(series.group[0][1], start.year)] += count
        assert dict(got) == expected


def test_week_series_total_equals_stats_total(demo_db: Path) -> None:
    table = count_table(demo_db, by=["year"], period_basis="occurred")
    dated = sum(r["count"] for r in table.rows() if r["year"] is not None)
    assert (
        dated == table.metadata["units_in_scope"] - table.metadata["incidents_without_period_date"]
    )
    series = store_series(demo_db, freq="week", period_basis="occurred")
    assert sum(sum(s.counts) for s in series) == dated


def test_partial_periods_follow_the_coverage_rule(
    db: Path, ingest_rows: Callable[..., Any]
) -> None:
    # source a: 12 incidents in January and 12 in March, none in February (a missing
    # extract: at 8 a month an empty month has a chance of exp(-8) = 0.03%); b: to June
    def rows(source: str, days: list[str]) -> list[dict[str, Any]]:
        return [
            base_row(incident_id=f"{source}{i}", reported_date=d, occurred_start=d)
            for i, d in enumerate(days)
        ]

    days_a = [f"2024-01-{d:02d}" for d in range(2, 25, 2)]
    days_a += [f"2024-03-{d:02d}" for d in range(6, 29, 2)]
    ingest_rows(rows("a", days_a), source="a")
    days_b = [f"2024-{m:02d}-{d:02d}" for m in range(1, 7) for d in (2, 12, 22, 28)]
    ingest_rows(rows("b", days_b), source="b")
    [both] = store_series(db, freq="month")
    assert both.partial[1] is not None
    assert "a: 2024-02 no incident (a missing month)" in both.partial[1]
    assert both.partial[0] is None
    by_source = {s.group: s for s in store_series(db, by=["source"], freq="month")}
    # each source's series is judged on its own coverage, not on the other's
    assert by_source[(("source", "b"),)].partial == (None,) * 6
    assert by_source[(("source", "a"),)].partial[1] == both.partial[1]
    # the same rule as stats.coverage, called directly
    import ibis

    from crimestats.stats.coverage import partial_reason, source_coverage

    con = ibis.duckdb.connect(str(db), read_only=True)
    try:
        coverage = source_coverage(con, "reported")
    finally:
        con.disconnect()
    assert both.partial == tuple(
        partial_reason(s, e - dt.timedelta(days=1), coverage)
        for s, e in zip(both.starts, (*both.starts[1:], D(2024, 7, 1)), strict=True)
    )
