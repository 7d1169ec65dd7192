"""The privacy-budget ledger: never past its total, and stored losslessly."""

from __future__ import annotations

import json
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from crimestats.dp import PrivacyLedger
from crimestats.errors import UsageError

epsilons = st.floats(min_value=1e-6, max_value=3.0, allow_nan=False, allow_infinity=False)


@settings(max_examples=200, deadline=None)
@given(total=epsilons, spends=st.lists(epsilons, max_size=30))
def test_ledger_never_exceeds_its_budget(total: float, spends: list[float]) -> None:
    ledger = PrivacyLedger(total, "incident")
    accepted: list[float] = []
    for number, epsilon in enumerate(spends):
        before = ledger.entries
        try:
            ledger.spend(f"table_{number}", epsilon)
        except UsageError:
            assert ledger.entries == before  # a refused spend records nothing
            # refused only when it truly would not fit (exact arithmetic)
            assert sum(map(Fraction, accepted)) + Fraction(epsilon) > Fraction(total)
        else:
            accepted.append(epsilon)
        assert sum(map(Fraction, accepted)) <= Fraction(total)
        assert Fraction(ledger.spent) >= sum(map(Fraction, accepted))  # rounded up
        assert ledger.spent <= total
    assert [e.epsilon for e in ledger.entries] == accepted


@settings(max_examples=100, deadline=None)
@given(total=epsilons, spends=st.lists(epsilons, max_size=5))
def test_remaining_always_fits(total: float, spends: list[float]) -> None:
    ledger = PrivacyLedger(total, "victim")
    for number, epsilon in enumerate(spends):
        if ledger.can_spend(epsilon):
            ledger.spend(f"t{number}", epsilon)
    if ledger.remaining > 0:
        ledger.spend("rest", ledger.remaining)
    assert Fraction(ledger.remaining) <= Fraction(total) - sum(
        Fraction(e.epsilon) for e in ledger.entries
    )


@settings(max_examples=100, deadline=None)
@given(total=epsilons, spends=st.lists(epsilons, max_size=8))
def test_round_trip_through_json(total: float, spends: list[float]) -> None:
    ledger = PrivacyLedger(total, "incident")
    for number, epsilon in enumerate(spends):
        if ledger.can_spend(epsilon):
            ledger.spend(f"t{number}", epsilon)
    restored = PrivacyLedger.from_dict(json.loads(json.dumps(ledger.to_dict())))
    assert restored.entries == ledger.entries
    assert restored.total_epsilon == ledger.total_epsilon
    assert restored.privacy_unit == ledger.privacy_unit
    assert restored.to_dict() == ledger.to_dict()


def test_spend_past_total_is_refused_with_a_hint() -> None:
    ledger = PrivacyLedger(1.0, "incident")
    ledger.spend("by_area", 0.75)
    with pytest.raises(UsageError, match="would exceed the privacy budget") as info:
        ledger.spend("by_month", 0.5)
    assert info.value.hint == "spend at most 0.25, or release fewer tables"
    ledger.spend("by_month", 0.25)  # exactly the rest fits
    assert ledger.remaining == 0.0
    assert ledger.spent == 1.0


def test_tampered_record_is_refused() -> None:
    record = PrivacyLedger(1.0, "incident").to_dict()
    record["entries"] = [{"table": "a", "epsilon": 0.6}, {"table": "b", "epsilon": 0.6}]
    with pytest.raises(UsageError, match="exceed"):
        PrivacyLedger.from_dict(record)
    with pytest.raises(UsageError, match="not a crimestats privacy ledger"):
        PrivacyLedger.from_dict({"total_epsilon": 1.0})
    del record["entries"]
    with pytest.raises(UsageError, match="incomplete"):
        PrivacyLedger.from_dict(record)


@pytest.mark.parametrize("bad", [0, -1.0, float("nan"), float("inf"), True, "1"])
def test_bad_epsilons_are_refused(bad: object) -> None:
    with pytest.raises(UsageError):
        PrivacyLedger(bad, "incident")  # type: ignore[arg-type]
    ledger = PrivacyLedger(1.0, "incident")
    with pytest.raises(UsageError):
        ledger.spend("t", bad)  # type: ignore[arg-type]
    assert ledger.entries == ()


def test_unknown_privacy_unit_and_empty_table_name_are_refused() -> None:
    with pytest.raises(UsageError, match="unknown privacy unit"):
        PrivacyLedger(1.0, "household")
    with pytest.raises(UsageError, match="table name"):
        PrivacyLedger(1.0, "victim").spend(" ", 0.1)
