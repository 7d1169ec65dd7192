"""Completeness in ``status``: missing months and late reports, against a file made by hand."""

from __future__ import annotations

from pathlib import Path

from crimestats.services.ingesting import ingest_files
from crimestats.services.status import store_status


def test_missing_months_and_late_reports(tmp_path: Path) -> None:
    rows = [
        "incident_id,reported_date,occurred_start,national_label",
        "A,2024-01-10,2024-01-09,Theft",  # 1 day
        "B,2024-01-20,2023-11-01,Fraud",  # 80 days: late
        "C,2024-04-02,2024-03-31,Theft",  # 2 days; February and March have nothing
        "D,2024-04-03,,Theft",  # occurrence unknown: not in the late-report base
    ]
    # 8 more in January and in April (occurrence unknown): 20 incidents in 4 months, so
    # two empty months are a missing extract (exp(-2 * 5) = 0.005% < 0.1%)
    rows += [f"J{i},2024-01-{10 + i},,Theft" for i in range(8)]
    rows += [f"P{i},2024-04-{10 + i},,Theft" for i in range(8)]
    path = tmp_path / "s.csv"
    path.write_text("\n".join(rows) + "\n")
    db = tmp_path / "s.duckdb"
    ingest_files([path], source="s", db=db)
    info = store_status(db)["sources"]["s"]
    assert info["missing_months"] == ["2024-02", "2024-03"]
    assert info["late_reports"]["incidents"] == 1
    assert info["late_reports"]["share_of_known"] == round(1 / 3, 4)
    assert info["blank_share"]["occurred_start"] == round(17 / 20, 4)


def test_empty_months_of_a_small_source_are_not_missing(tmp_path: Path) -> None:
    """The four incidents alone (one a month): two empty months are a chance of
    exp(-2) = 14%, a quiet spell, not a missing extract."""
    rows = [
        "incident_id,reported_date,national_label",
        "A,2024-01-10,Theft",
        "B,2024-01-20,Fraud",
        "C,2024-04-02,Theft",
        "D,2024-04-03,Theft",
    ]
    path = tmp_path / "s.csv"
    path.write_text("\n".join(rows) + "\n")
    db = tmp_path / "s.duckdb"
    ingest_files([path], source="s", db=db)
    assert store_status(db)["sources"]["s"]["missing_months"] == []


def test_every_table_carries_completeness(tmp_path: Path) -> None:
    from crimestats.services.indicators import attrition, indicators_table
    from crimestats.services.statistics import statistics_table

    path = tmp_path / "s.csv"
    # 11 incidents in January, 11 in March: at 22 / 3 a month an empty February is a
    # missing month (exp(-7.3) < 0.1%)
    days = [f"2024-01-{d:02d}" for d in range(10, 21)] + [f"2024-03-{d:02d}" for d in range(2, 13)]
    path.write_text(
        "incident_id,reported_date,national_label\n"
        + "".join(f"I{i},{day},Theft\n" for i, day in enumerate(days))
    )
    db = tmp_path / "s.duckdb"
    ingest_files([path], source="s", db=db)
    for table in (
        statistics_table(db, by=["month"]),
        indicators_table(db),
        attrition(db),
    ):
        assert table.metadata["completeness"]["s"]["missing_months"] == ["2024-02"]
