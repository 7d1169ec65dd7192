"""Counting rules on a hand-made store whose every number is known by hand (conftest.py)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from crimestats.errors import NotFoundError, UsageError
from crimestats.stats import count_table


def cells(db: Path, by: list[str], **kwargs: Any) -> dict[tuple[Any, ...], int]:
    t = count_table(db, by=by, **kwargs)
    return {tuple(r[f] for f in by): r["count"] for r in t.rows()}


def test_incident_counts_once_per_distinct_section(tiny_db: Path) -> None:
    # I1 has 02011, 0501 and 02012: once in 02 (twice there as offences), once in 05
    assert cells(tiny_db, ["iccs_l1"]) == {("01",): 1, ("02",): 1, ("05",): 2, (None,): 1}
    assert cells(tiny_db, ["iccs_l1"], unit="offences") == {
        ("01",): 1, ("02",): 2, ("05",): 2, (None,): 1,
    }  # fmt: skip


def test_incidents_without_offence_fields_count_once(tiny_db: Path) -> None:
    assert cells(tiny_db, ["source"]) == {("tiny",): 4}
    assert cells(tiny_db, ["source"], unit="offences") == {("tiny",): 6}
    assert cells(tiny_db, ["source"], unit="victims") == {("tiny",): 3}
    assert cells(tiny_db, ["source"], unit="suspects") == {("tiny",): 3}


def test_level_two_code_is_blank_at_level_three(tiny_db: Path) -> None:
    t = count_table(tiny_db, by=["iccs_l2", "iccs_l3"], unit="offences")
    got = {(r["iccs_l2"], r["iccs_l3"]): r["count"] for r in t.rows()}
    assert got == {
        ("0201", "02011"): 1,
        ("0201", "02012"): 1,
        ("0101", None): 1,  # coded to level 2 only: no level-3 value, never a guessed one
        ("0501", None): 2,
        (None, None): 1,  # uncoded
    }
    iccs = t.metadata["iccs"]
    assert iccs["uncoded_offences"] == 1
    assert iccs["coded_above_level"] == {"iccs_l2": 0, "iccs_l3": 3}
    assert iccs["offences_in_scope"] == 6
    assert t.columns == ["iccs_l2", "iccs_l3", "count", "model_coded_share"]


def test_level_four(tiny_db: Path) -> None:
    t = count_table(tiny_db, by=["iccs_l4"], unit="offences")
    assert {r["iccs_l4"]: r["count"] for r in t.rows()} == {None: 6}
    assert t.metadata["iccs"]["coded_above_level"] == {"iccs_l4": 5}


def test_periods_reported_and_occurred(tiny_db: Path) -> None:
    assert cells(tiny_db, ["year"]) == {(2023,): 1, (2024,): 3}
    assert cells(tiny_db, ["quarter"]) == {("2023-Q3",): 1, ("2024-Q1",): 2, ("2024-Q2",): 1}
    assert cells(tiny_db, ["month"]) == {
        ("2023-07",): 1, ("2024-01",): 1, ("2024-02",): 1, ("2024-05",): 1,
    }  # fmt: skip
    t = count_table(tiny_db, by=["year"], period_basis="occurred")
    assert {r["year"]: r["count"] for r in t.rows()} == {2023: 1, None: 3}
    assert t.metadata["period_basis"] == "occurred"
    assert t.metadata["period_date"] == "occurred_start"
    assert t.metadata["incidents_without_period_date"] == 3
    assert count_table(tiny_db, by=["year"]).metadata["period_basis"] == "reported"


def test_victim_fields(tiny_db: Path) -> None:
    assert cells(tiny_db, ["victim_age_group"], unit="victims") == {
        ("15-29",): 1, ("60+",): 1, ("unknown",): 1,
    }  # fmt: skip
    # incidents: I1 once per sex of its victims; I3 and I4 have no victim (blank)
    t = count_table(tiny_db, by=["victim_sex"])
    assert {r["victim_sex"]: r["count"] for r in t.rows()} == {
        "female": 1, "male": 1, "unknown": 1, None: 2,
    }  # fmt: skip
    assert t.metadata["incidents_without_victim_record"] == 2
    assert t.metadata["units_in_scope"] == 4
    assert t.metadata["sum_of_counts"] == 5


def test_area_and_suspects(tiny_db: Path) -> None:
    assert cells(tiny_db, ["area"], unit="suspects") == {("A1",): 3}
    assert cells(tiny_db, ["area", "year"]) == {
        ("A1", 2024): 2, ("A2", 2023): 1, (None, 2024): 1,
    }  # fmt: skip


def test_source_filter(tiny_db: Path) -> None:
    assert cells(tiny_db, ["year"], source="tiny") == {(2023,): 1, (2024,): 3}
    with pytest.raises(NotFoundError, match="tiny"):
        count_table(tiny_db, by=["year"], source="elsewhere")


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"by": []}, "no fields"),
        ({"by": ["year", "colour"]}, "colour"),
        ({"by": ["year,year"]}, "more than once"),
        ({"by": ["year"], "unit": "people"}, "--unit"),
        ({"by": ["year"], "period_basis": "recorded"}, "--period-basis"),
    ],
)
def test_bad_requests(tiny_db: Path, kwargs: dict[str, Any], match: str) -> None:
    with pytest.raises(UsageError, match=match) as info:
        count_table(tiny_db, **kwargs)
    if "colour" in str(kwargs):
        assert "iccs_l1" in str(info.value)  # the valid fields are listed


def test_missing_store(tmp_path: Path) -> None:
    with pytest.raises(NotFoundError):
        count_table(tmp_path / "none.duckdb", by=["year"])


def test_age_group_boundaries(ingest_rows: Any, db: Path) -> None:
    ages = [0, 14, 15, 29, 30, 44, 45, 59, 60, 120]
    rows = [
        {"incident_id": f"V{age}", "reported_date": "2024-01-01", "national_label": "assault",
         "victim_seq": 1, "victim_type": "person", "victim_age": age}
        for age in ages
    ]  # fmt: skip
    assert ingest_rows(rows).accepted == len(ages)
    # UNODC groups: 0-14, 15-29, 30-44, 45-59, 60+ (two ages each, chosen at the edges)
    assert cells(db, ["victim_age_group"], unit="victims") == {
        ("0-14",): 2, ("15-29",): 2, ("30-44",): 2, ("45-59",): 2, ("60+",): 2,
    }  # fmt: skip
