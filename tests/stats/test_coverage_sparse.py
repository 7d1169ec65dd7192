"""The missing-month rule of :mod:`crimestats.stats.coverage` on a real small source.

Why: a small force records a few incidents a year, so most of its months are empty; a
rule that calls every empty month "missing" leaves its complete years out of a release.
The source here is real: the bundled NYPD hate crimes of one bias motive, ANTI-CATHOLIC
(43 complaints, 2019-01-12 to 2023-07-08, under one a month). Its years 2019 to 2022 lie
inside its data, so a statistics office counts them complete; a whole year cut out of
the same file is a missing extract. Months and dates come from the raw file through
Python's csv module.
"""

from __future__ import annotations

import csv
import gzip
from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest
from tests.stats.periods_files import ingest, nypd_day

from crimestats.services.demo import bundled_path
from crimestats.stats.coverage import partial_reason, period_bounds, source_coverage
from crimestats.storage.reads import ibis_store

NYPD = "nypd_hate_crimes/nypd_hate_crimes.csv.gz"
BIAS = "ANTI-CATHOLIC"

Keep = Callable[[dict[str, str]], bool]


def _store(folder: Path, name: str, keep: Keep) -> tuple[Path, list[dict[str, str]]]:
    with gzip.open(bundled_path(NYPD), "rt", encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        header, rows = list(reader.fieldnames or []), [r for r in reader if keep(r)]
    path = folder / f"{name}.csv"
    with path.open("w", encoding="utf-8", newline="") as out:
        writer = csv.DictWriter(out, fieldnames=header)
        writer.writeheader()
        writer.writerows(rows)
    db = folder / f"{name}.duckdb"
    ingest(db, path, "catholic", "nypd_hate_crimes.yaml")
    return db, rows


def _reasons(db: Path, labels: list[str]) -> dict[str, str | None]:
    with ibis_store(db) as con:
        coverage = source_coverage(con, "reported")
    return {label: partial_reason(*period_bounds(label), coverage) for label in labels}


def _months(rows: list[dict[str, str]]) -> set[str]:
    return {nypd_day(r).strftime("%Y-%m") for r in rows}


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("sparse")


def test_a_small_source_has_its_inner_years_complete(folder: Path) -> None:
    db, rows = _store(folder, "catholic", lambda r: r["Bias Motive Description"] == BIAS)
    days = sorted(nypd_day(r) for r in rows)
    assert (days[0], days[-1]) == (date(2019, 1, 12), date(2023, 7, 8))
    months = _months(rows)
    for year in (2019, 2020, 2021, 2022):  # every inner year has empty months ...
        assert len([m for m in months if m.startswith(str(year))]) < 12
    reasons = _reasons(db, ["2019", "2020", "2021", "2022", "2023"])
    # ... and is complete all the same: the data run from before it to after it
    # (2019: the first complaint on 12 January, within three mean gaps of the 1st)
    assert reasons == dict.fromkeys(("2019", "2020", "2021", "2022")) | {
        "2023": "catholic: data end 2023-07-31"
    }
    with ibis_store(db) as con:
        [cov] = source_coverage(con, "reported")
    assert cov.missing_months == ()
    assert cov.mean_month == pytest.approx(43 / 55)  # 2019-01 to 2023-07: 55 months


def test_a_year_cut_out_of_a_small_source_is_missing(folder: Path) -> None:
    def keep(r: dict[str, str]) -> bool:
        return r["Bias Motive Description"] == BIAS and nypd_day(r).year != 2021

    db, rows = _store(folder, "catholic_without_2021", keep)
    months = sorted(_months(rows))
    # the raw file's last month of 2020 with a complaint, and the first of 2022
    assert [m for m in months if m < "2021"][-1] == "2020-10"
    assert next(m for m in months if m > "2021") == "2022-01"
    # 14 empty months at 34/55 a month: exp(-14 * 34 / 55) = 0.02% < 0.1%
    reasons = _reasons(db, ["2020", "2021", "2022"])
    assert reasons == {
        "2020": "catholic: 2 months 2020-11 to 2020-12 no incident (a missing month)",
        "2021": "catholic: 12 months 2021-01 to 2021-12 no incident (a missing month)",
        "2022": None,
    }
