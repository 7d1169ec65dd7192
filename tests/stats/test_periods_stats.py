"""Period windows and partial periods of ``stats`` on files built from the bundled real
sources (issue 13): a partial last year, and late reports that make a year of their own.
Every expected count comes from the raw file through Python's csv module
(:mod:`tests.stats.periods_files`), never from the store."""

from __future__ import annotations

from collections import Counter
from datetime import date
from pathlib import Path

import pytest
from tests.stats.periods_files import (
    ingest,
    memphis_late,
    nypd_cut,
    nypd_day,
    nypd_incidents_by,
)
from typer.testing import CliRunner

from crimestats.errors import UsageError
from crimestats.services.statistics import statistics_table
from crimestats.stats.coverage import period_bounds, source_coverage
from crimestats.storage.reads import ibis_store

CUT = date(2022, 4, 30)


@pytest.fixture(scope="module")
def nypd(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[dict[str, str]]]:
    """NYPD complaints recorded up to 2022-04-30: 2022 is a partial last year."""
    folder = tmp_path_factory.mktemp("nypd")
    path, rows = nypd_cut(folder, CUT)
    db = folder / "store.duckdb"
    ingest(db, path, "nypd", "nypd_hate_crimes.yaml")
    return db, rows


@pytest.fixture(scope="module")
def late(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[dict[str, str]]]:
    """Memphis 2019 with its 40 earliest robberies reported 400 days late (in 2020)."""
    folder = tmp_path_factory.mktemp("late")
    path, rows = memphis_late(folder)
    db = folder / "store.duckdb"
    ingest(db, path, "memphis")
    return db, rows


def _by_label(table_rows: list[dict[str, object]], field: str) -> dict[str, int]:
    return {str(r[field]): int(r["count"]) for r in table_rows}  # type: ignore[call-overload]


def _partial(table: object) -> dict[str, str]:
    meta = table.metadata  # type: ignore[attr-defined]
    return {p["period"]: p["reason"] for p in meta["partial_periods"]}


def test_partial_last_year_is_flagged_and_counts_match_the_file(
    nypd: tuple[Path, list[dict[str, str]]],
) -> None:
    db, rows = nypd
    table = statistics_table(db, by=["year"])
    assert _by_label(table.rows(), "year") == dict(nypd_incidents_by(rows))
    partial = _partial(table)
    last = max(nypd_incidents_by(rows))
    assert last == "2022"
    # the last complaint recorded in the cut file, by hand from the raw rows
    assert list(partial) == ["2022"]
    assert "nypd: data end 2022-04-30" in partial["2022"]


def test_since_until_count_only_the_window(nypd: tuple[Path, list[dict[str, str]]]) -> None:
    db, rows = nypd
    table = statistics_table(db, by=["month"], since="2020-03", until="2021-06-15")
    expected = {
        m: n for m, n in nypd_incidents_by(rows, "month").items() if "2020-03" <= m <= "2021-06"
    }
    # June 2021 only to the 15th: counted from the raw rows by day
    firsts: dict[str, date] = {}
    for r in rows:
        firsts.setdefault(r["Full Complaint ID"], nypd_day(r))
    expected["2021-06"] = sum(
        1 for d in firsts.values() if date(2021, 6, 1) <= d <= date(2021, 6, 15)
    )
    assert _by_label(table.rows(), "month") == expected
    assert table.metadata["period_window"] == {
        "basis": "reported", "since": "2020-03-01", "until": "2021-06-15",
        "date_column": "reported_date",
    }  # fmt: skip
    assert table.metadata["units_in_scope"] == sum(expected.values())
    # the window cuts June 2021: that month is partial, the others are not
    assert _partial(table) == {"2021-06": "the window ends 2021-06-15, inside the period"}


def test_late_reports_make_a_partial_year_on_the_reported_basis_only(
    late: tuple[Path, list[dict[str, str]]],
) -> None:
    db, rows = late
    reported = statistics_table(db, by=["year"])
    by_year = Counter(r["reported_date"][:4] for r in rows)
    assert by_year == {"2019": 2205, "2020": 40}  # 2,245 robberies, 40 reported late
    assert _by_label(reported.rows(), "year") == dict(by_year)
    partial = _partial(reported)
    assert list(partial) == ["2020"]
    assert "late reports only" in partial["2020"]
    occurred = statistics_table(db, by=["year"], period_basis="occurred")
    assert _by_label(occurred.rows(), "year") == {"2019": 2245}
    assert _partial(occurred) == {}


def test_coverage_months_match_the_file(late: tuple[Path, list[dict[str, str]]]) -> None:
    db, rows = late
    months = Counter(r["reported_date"][:7] for r in rows)
    with ibis_store(db) as con:
        (cov,) = source_coverage(con, "reported")
    assert {m.label: m.incidents for m in cov.months if m.incidents} == dict(months)
    # between the last 2019 month and the late reports of 2020-02: January 2020 is empty
    assert cov.missing_months == ("2020-01",)
    assert cov.late_only_months == ("2020-02",)
    assert cov.late == 40
    assert cov.known == len(rows)


def test_period_bounds() -> None:
    assert period_bounds("2024") == (date(2024, 1, 1), date(2024, 12, 31))
    assert period_bounds("2024-Q1") == (date(2024, 1, 1), date(2024, 3, 31))
    assert period_bounds("2024-02") == (date(2024, 2, 1), date(2024, 2, 29))


def test_bad_window_is_one_message(nypd: tuple[Path, list[dict[str, str]]]) -> None:
    db, _ = nypd
    with pytest.raises(UsageError, match="is not a date"):
        statistics_table(db, by=["year"], since="2021-13")
    with pytest.raises(UsageError, match="is after"):
        statistics_table(db, by=["year"], since="2022", until="2021")


def test_cli_warns_on_stderr_and_json_carries_it(
    nypd: tuple[Path, list[dict[str, str]]],
) -> None:
    import json

    import typer

    from crimestats.cli import stats_cmd

    db, rows = nypd
    app = typer.Typer()
    stats_cmd.register(app)
    app.command("noop")(lambda: None)  # more than one command: "stats" stays a subcommand
    result = CliRunner().invoke(
        app, ["stats", "--by", "year", "--since", "2021", "--format", "json", "--db", str(db)]
    )
    assert result.exit_code == 0, result.output
    assert "warning: year 2022 is partial: nypd: data end 2022-04-30" in result.stderr
    doc = json.loads(result.stdout)
    assert [p["period"] for p in doc["metadata"]["partial_periods"]] == ["2022"]
    counts = nypd_incidents_by(rows)
    assert {str(r["year"]): r["count"] for r in doc["rows"]} == {
        y: counts[y] for y in ("2021", "2022")
    }
    bad = CliRunner().invoke(app, ["stats", "--by", "year", "--until", "June", "--db", str(db)])
    assert bad.exit_code == 2
    assert "--until 'June' is not a date" in bad.stderr
