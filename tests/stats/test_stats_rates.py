"""Rates per 100,000 against hand computations; NULL (never 0) without a denominator."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from crimestats.services.statistics import ingest_population
from crimestats.stats import count_table


@pytest.fixture(scope="module")
def rated_db(tiny_db: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The tiny store with populations for A1 in 2024 (total and by sex), none for A2."""
    folder = tmp_path_factory.mktemp("rates")
    db = folder / "rated.duckdb"
    shutil.copy(tiny_db, db)
    csv_path = folder / "pop.csv"
    csv_path.write_text(
        "area_code,year,population,sex,age_group\n"
        "A1,2024,50000,,\n"
        "A1,2024,26000,female,\n"
        "A1,2024,24000,male,\n"
        "A1,2024,8000,,15-29\n"
        "A1,2023,0,,\n",
        encoding="utf-8",
    )
    ingest_population(db, csv_path, source="census")
    return db


def test_rates_by_area_and_year(rated_db: Path) -> None:
    t = count_table(rated_db, by=["area", "year"], rate=True)
    assert t.columns == ["area", "year", "count", "population", "rate_per_100k"]
    got = {(r["area"], r["year"]): (r["count"], r["population"], r["rate_per_100k"])
           for r in t.rows()}  # fmt: skip
    assert got[("A1", 2024)] == (2, 50000.0, pytest.approx(2 / 50000 * 1e5))  # 4.0
    assert got[("A2", 2023)] == (1, None, None)  # no population: NULL, not 0
    assert got[(None, 2024)] == (1, None, None)  # no area
    reasons = t.metadata["rate"]["reasons"]
    assert reasons == {
        "area unknown (blank area code)": 1,
        "no population for this area, year (crimestats ingest-population)": 1,
    }
    assert t.metadata["rate"]["rows_without_rate"] == 2


def test_rate_of_a_quarter_uses_its_year(rated_db: Path) -> None:
    t = count_table(rated_db, by=["area", "quarter"], rate=True)
    got = {(r["area"], r["quarter"]): r["rate_per_100k"] for r in t.rows()}
    assert got[("A1", "2024-Q1")] == pytest.approx(1 / 50000 * 1e5)
    assert got[("A1", "2024-Q2")] == pytest.approx(1 / 50000 * 1e5)
    assert got[("A2", "2023-Q3")] is None


def test_sex_specific_denominators(rated_db: Path) -> None:
    t = count_table(rated_db, by=["area", "year", "victim_sex"], unit="victims", rate=True)
    got = {r["victim_sex"]: (r["population"], r["rate_per_100k"]) for r in t.rows()}
    assert got["female"] == (26000.0, pytest.approx(1 / 26000 * 1e5))
    assert got["male"] == (24000.0, pytest.approx(1 / 24000 * 1e5))
    assert got["unknown"] == (None, None)  # no population of unknown sex


def test_age_specific_denominators(rated_db: Path) -> None:
    t = count_table(rated_db, by=["area", "year", "victim_age_group"], unit="victims", rate=True)
    got = {r["victim_age_group"]: r["rate_per_100k"] for r in t.rows()}
    assert got == {"15-29": pytest.approx(1 / 8000 * 1e5), "60+": None, "unknown": None}


def test_zero_population_gives_null(rated_db: Path) -> None:
    t = count_table(rated_db, by=["area", "year"], rate=True, period_basis="occurred")
    got = {(r["area"], r["year"]): (r["population"], r["rate_per_100k"]) for r in t.rows()}
    assert got[("A1", 2023)] == (0.0, None)  # I1 occurred 2023-12-31; population 0
    assert t.metadata["rate"]["reasons"]["population is 0"] == 1


def test_no_area_or_period_means_no_rate(rated_db: Path) -> None:
    t = count_table(rated_db, by=["year"], rate=True)
    assert all(r["rate_per_100k"] is None and r["population"] is None for r in t.rows())
    [reason] = t.metadata["rate"]["reasons"]
    assert "area" in reason
    t = count_table(rated_db, by=["area"], rate=True)
    [reason] = t.metadata["rate"]["reasons"]
    assert "period" in reason


def test_reloading_replaces(rated_db: Path, tmp_path: Path) -> None:
    db = tmp_path / "copy.duckdb"
    shutil.copy(rated_db, db)
    path = tmp_path / "pop2.csv"
    path.write_text("area_code,year,population\nA1,2024,40000\nA2,2023,10000\n", encoding="utf-8")
    result = ingest_population(db, path)
    assert (result["added"], result["replaced"]) == (1, 1)
    t = count_table(db, by=["area", "year"], rate=True)
    got = {(r["area"], r["year"]): r["rate_per_100k"] for r in t.rows()}
    assert got[("A1", 2024)] == pytest.approx(2 / 40000 * 1e5)
    assert got[("A2", 2023)] == pytest.approx(1 / 10000 * 1e5)
