"""Cyber-related and motive shares: the two-proportion z-test by hand, unknowns left out."""

from __future__ import annotations

import math
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from tests.conftest import base_row

from crimestats.watch.emerging.records import OffenceCount, read_extract
from crimestats.watch.emerging.shares import find_share_changes, rise_z


def _z_by_hand(x1: int, n1: int, x2: int, n2: int) -> tuple[float, float]:
    """Pooled two-proportion z (Agresti 2013, 3.1.3) and its upper-tail normal p-value."""
    pooled = (x1 + x2) / (n1 + n2)
    se = math.sqrt(pooled * (1 - pooled) * (1 / n1 + 1 / n2))
    z = (x1 / n1 - x2 / n2) / se
    return z, 0.5 * math.erfc(z / math.sqrt(2))


def test_rise_z_by_hand() -> None:
    z, p = rise_z(12, 40, 10, 90)
    assert (z, p) == pytest.approx(_z_by_hand(12, 40, 10, 90), rel=1e-12)
    assert rise_z(0, 40, 0, 90) == (0.0, 1.0)  # nothing to compare


def _rows(start: date, days: int, values: list[str], prefix: str) -> list[dict[str, Any]]:
    return [
        base_row(
            incident_id=f"{prefix}{i}",
            reported_date=(start + timedelta(days=i % days)).isoformat(),
            occurred_start="",
            national_label="Fraud",
            cyber_related=value,
        )
        for i, value in enumerate(values)
    ]


def test_cyber_share_rising_in_a_store(ingest_rows: Callable[..., Any], db: Path) -> None:
    before = ["true"] * 10 + ["false"] * 80 + ["unknown"] * 10
    now = ["true"] * 12 + ["false"] * 28 + ["unknown"] * 5
    rows = _rows(date(2024, 1, 1), 180, before, "H") + _rows(date(2024, 7, 1), 28, now, "C")
    result = ingest_rows(rows)
    assert result.accepted == 145
    extract = read_extract(db, since=date(2024, 7, 1), history_days=182)
    assert extract.window.until == date(2024, 7, 28)
    shares, notes = find_share_changes(
        extract.incidents, extract.offences, has_motive=False, min_count=5, fdr=0.05
    )
    [cyber] = shares
    assert (cyber.measure, cyber.value, cyber.rising) == ("cyber_related", "true", True)
    # unknowns are out of both denominators: 12 of 40 against 10 of 90
    assert (cyber.counts.current, cyber.counts.current_total) == (12, 40)
    assert (cyber.counts.history, cyber.counts.history_total) == (10, 90)
    z, p = _z_by_hand(12, 40, 10, 90)
    assert cyber.z == pytest.approx(z)
    assert cyber.counts.p_value == pytest.approx(p)
    assert cyber.counts.q_value == pytest.approx(p)  # one test: q = p
    assert "rises" in cyber.sentence()
    assert notes == ()


def _offence(motive: str, detail: str | None, current: bool, n: int) -> OffenceCount:
    return OffenceCount("s", "X", "X", "X", None, None, motive, detail, current, n)


def test_motive_shares_among_known_motives() -> None:
    offences = [
        _offence("hate_crime", "anti-asian", True, 30),
        _offence("hate_crime", "anti-jewish", True, 10),
        _offence("illicit_gain", None, True, 60),
        _offence("unknown", None, True, 500),
        _offence("hate_crime", "anti-asian", False, 5),
        _offence("hate_crime", "anti-jewish", False, 20),
        _offence("illicit_gain", None, False, 175),
        _offence("unknown", None, False, 900),
    ]
    shares, notes = find_share_changes((), offences, has_motive=True, min_count=5, fdr=0.05)
    by = {(s.measure, s.value): s for s in shares}
    hate = by[("motive", "hate_crime")]
    # 40 of the 100 known now against 25 of 200 before; the 1,400 unknown are left out
    assert (hate.counts.current, hate.counts.current_total) == (40, 100)
    assert (hate.counts.history, hate.counts.history_total) == (25, 200)
    assert hate.z == pytest.approx(_z_by_hand(40, 100, 25, 200)[0])
    assert hate.rising
    assert not by[("motive", "illicit_gain")].rising  # fell from 87.5% to 60%
    asian = by[("motive_detail", "anti-asian")]
    assert (asian.counts.current, asian.counts.current_total) == (30, 40)
    assert (asian.counts.history, asian.counts.history_total) == (5, 25)
    assert asian.rising
    assert not by[("motive_detail", "anti-jewish")].rising
    # the cyber share has no incident to read: said, not guessed
    assert any("cyber-related" in n for n in notes)
