"""Indicators on the hand-made store: every value computed by hand (see conftest.py)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from crimestats.errors import NotFoundError
from crimestats.indicators import indicator_table


def _pick(rows: list[dict[str, Any]], indicator: str, dis: str, cat: str | None) -> dict[str, Any]:
    [hit] = [r for r in rows if r["indicator"] == indicator and r["disaggregation"] == dis
             and r["category"] == cat]  # fmt: skip
    return hit


@pytest.fixture(scope="module")
def rows(tiny_db: Path) -> list[dict[str, Any]]:
    return indicator_table(tiny_db, area="X").rows()


def test_homicide_rates_by_sex_and_age(rows: list[dict[str, Any]]) -> None:
    total = _pick(rows, "16.1.1", "total", None)
    assert (total["numerator"], total["denominator"], total["value"]) == (3, 200000, 1.5)
    assert _pick(rows, "16.1.1", "sex", "female")["value"] == 1.0
    assert _pick(rows, "16.1.1", "sex", "male")["value"] == 2.0
    assert _pick(rows, "16.1.1", "age_group", "15-29")["value"] == 2.0
    assert _pick(rows, "16.1.1", "age_group", "60+")["value"] == 5.0
    unknown = _pick(rows, "16.1.1", "age_group", "unknown")
    assert unknown["numerator"] == 1
    assert unknown["value"] is None
    assert "unknown age" in unknown["not_computable_reason"]
    none = _pick(rows, "16.1.1", "age_group", "30-44")
    assert none["numerator"] == 0
    assert none["value"] is None
    assert "no population registered" in none["not_computable_reason"]


def test_trafficking_by_form_of_exploitation(rows: list[dict[str, Any]]) -> None:
    assert _pick(rows, "16.2.2", "total", None)["value"] == 1.5
    assert _pick(rows, "16.2.2", "form_of_exploitation", "02041")["numerator"] == 2
    deeper = _pick(rows, "16.2.2", "form_of_exploitation", "not coded deeper")
    assert (deeper["numerator"], deeper["value"]) == (1, 0.5)
    assert _pick(rows, "16.2.2", "age_group", "15-29")["value"] == 4.0


def test_unsentenced_share_excludes_unknown(rows: list[dict[str, Any]]) -> None:
    r = _pick(rows, "16.3.2", "total", "unsentenced")
    assert (r["numerator"], r["denominator"], r["value"], r["unknown"]) == (1, 2, 50.0, 1)
    assert r["unknown_share"] == pytest.approx(100 / 3)


def test_shares(rows: list[dict[str, Any]]) -> None:
    ipv = _pick(rows, "ipv_family_share", "relationship", "intimate_partner_or_family")
    assert (ipv["numerator"], ipv["denominator"], ipv["value"]) == (2, 4, 50.0)
    assert ipv["unknown_share"] == pytest.approx(100 * 2 / 6)
    assert _pick(rows, "ipv_family_share", "relationship", "family")["value"] == 25.0
    cyber = _pick(rows, "cyber_share", "total", "cyber_related")
    assert (cyber["numerator"], cyber["denominator"], cyber["unknown"]) == (2, 4, 3)
    fire = _pick(rows, "firearm_share", "total", "firearm")
    assert (fire["numerator"], fire["denominator"], fire["unknown_share"]) == (1, 3, 50.0)
    assert fire["value"] == pytest.approx(100 / 3)


def test_without_area_counts_stay_and_rates_say_why(tiny_db: Path) -> None:
    t = indicator_table(tiny_db)
    total = _pick(t.rows(), "16.1.1", "total", None)
    assert total["numerator"] == 3
    assert total["value"] is None
    assert total["not_computable_reason"].startswith("no area given")
    assert t.metadata["indicators"]["16.1.1"]["iccs_codes"] == ["0101"]
    assert "definition" in t.metadata["indicators"]["16.3.2"]


def test_not_computable_when_the_source_lacks_the_data(tiny_db: Path) -> None:
    rows = indicator_table(tiny_db, area="Y").rows()  # no population for Y
    r = _pick(rows, "16.1.1", "total", None)
    assert r["not_computable_reason"] == (
        "no population registered for area Y, year 2024 (crimestats ingest-population)"
    )


def test_unknown_source(tiny_db: Path) -> None:
    with pytest.raises(NotFoundError):
        indicator_table(tiny_db, source="nope")
