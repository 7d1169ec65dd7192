"""The coverage rule of :mod:`crimestats.stats.coverage` on the bundled real sources, each
as published: the edges of a source's data (data.police.uk dates to the month, a Chicago
extract of two weeks), a missing month (the NYPD file without one month), and the facts
``crimestats status`` now reads from here. Expected dates and counts come from the raw
files through Python's csv module."""

from __future__ import annotations

import csv
import gzip
from collections import Counter
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest
from tests.stats.periods_files import ingest, nypd_day

from crimestats.services.demo import bundled_path
from crimestats.services.status import completeness
from crimestats.stats.coverage import partial_reason, period_bounds, source_coverage
from crimestats.storage.reads import ibis_store

STREET = "policeuk/city_of_london_street_2016-01_2017-06.csv.gz"
CHICAGO = "chicago/chicago_crimes_2014-02-28_to_2014-03-15.csv.gz"
NYPD = "nypd_hate_crimes/nypd_hate_crimes.csv.gz"


def _raw(relative: str) -> list[dict[str, str]]:
    with gzip.open(bundled_path(relative), "rt", encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """police.uk street crimes, the Chicago extract, and NYPD without May 2020."""
    folder = tmp_path_factory.mktemp("coverage")
    db = folder / "store.duckdb"
    ingest(db, bundled_path(STREET), "policeuk", "policeuk_street.yaml")
    ingest(db, bundled_path(CHICAGO), "chicago", "chicago_crimes.yaml")
    raw = _raw(NYPD)
    path = folder / "nypd_without_2020_05.csv"
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(raw[0]))
        writer.writeheader()
        writer.writerows(r for r in raw if nypd_day(r).strftime("%Y-%m") != "2020-05")
    ingest(db, path, "nypd", "nypd_hate_crimes.yaml")
    return db


def _reason(db: Path, label: str, source: str) -> str | None:
    with ibis_store(db) as con:
        coverage = source_coverage(con, "reported", source)
    return partial_reason(*period_bounds(label), coverage)


def test_dates_to_the_month_cover_their_last_month(store: Path) -> None:
    months = sorted({r["Month"] for r in _raw(STREET)})
    assert (months[0], months[-1], len(months)) == ("2016-01", "2017-06", 18)
    assert _reason(store, "2016", "policeuk") is None
    assert _reason(store, "2017-06", "policeuk") is None  # published as 2017-06-01
    assert _reason(store, "2017", "policeuk") == "policeuk: data end 2017-06-30"
    assert _reason(store, "2017-Q2", "policeuk") is None


def test_a_two_week_extract_covers_no_whole_month(store: Path) -> None:
    days = sorted(
        datetime.strptime(r["Date"], "%m/%d/%Y %I:%M:%S %p").date() for r in _raw(CHICAGO)
    )
    assert (days[0], days[-1]) == (date(2014, 2, 28), date(2014, 3, 15))
    assert _reason(store, "2014-02", "chicago") == "chicago: data start 2014-02-28"
    assert _reason(store, "2014-03", "chicago") == "chicago: data end 2014-03-15"
    assert _reason(store, "2014-03-01", "chicago") is None  # one day inside the data
    assert _reason(store, "2015", "chicago") == (
        "no data in this period (the data run from 2014-02-28 to 2014-03-15)"
    )


def test_a_missing_month_makes_its_year_and_quarter_partial(store: Path) -> None:
    assert _reason(store, "2020", "nypd") == "nypd: 2020-05 no incident (a missing month)"
    assert _reason(store, "2020-Q2", "nypd") == "nypd: 2020-05 no incident (a missing month)"
    assert _reason(store, "2020-Q3", "nypd") is None
    assert _reason(store, "2021", "nypd") is None


def test_status_reads_the_same_facts(store: Path) -> None:
    info = completeness(store, "nypd")["nypd"]
    days = [nypd_day(r) for r in _raw(NYPD) if nypd_day(r).strftime("%Y-%m") != "2020-05"]
    assert info["reported_from"] == min(days).isoformat()
    assert info["reported_to"] == max(days).isoformat()
    assert info["missing_months"] == ["2020-05"]
    assert info["late_only_months"] == []
    with ibis_store(store) as con:
        (cov,) = source_coverage(con, "reported", "nypd")
    # incidents per month: distinct complaints, from the raw rows
    first: dict[str, date] = {}
    for r in _raw(NYPD):
        if nypd_day(r).strftime("%Y-%m") != "2020-05":
            first.setdefault(r["Full Complaint ID"], nypd_day(r))
    expected = Counter(d.strftime("%Y-%m") for d in first.values())
    assert {m.label: m.incidents for m in cov.months if m.incidents} == dict(expected)


def test_partial_reason_many_calls_reuse_one_coverage(store: Path) -> None:
    """The watch helpers ask for every week: the answer per week agrees with per month."""
    with ibis_store(store) as con:
        coverage = source_coverage(con, "reported", "nypd")
    monday = date(2020, 4, 27)  # the week holding 2020-05-01
    weeks = [(monday + timedelta(weeks=k), monday + timedelta(weeks=k, days=6)) for k in range(6)]
    flagged = [start for start, end in weeks if partial_reason(start, end, coverage)]
    # the weeks touching May 2020: 04-27..05-03 to 05-25..05-31
    assert flagged == [monday + timedelta(weeks=k) for k in range(5)]
    assert partial_reason(weeks[5][0], weeks[5][1], coverage) is None
