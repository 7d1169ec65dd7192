"""A privacy-budget ledger: the privacy unit and total epsilon declared up front.

Every differentially private table released from the same data spends part of one
total budget. Under basic sequential composition (Dwork & Roth 2014, Theorem 3.14) the
privacy losses of pure epsilon-DP releases add up, so the ledger keeps the sum of the
epsilons spent and refuses any spend that would take it past the declared total.

The sum is kept in exact rational arithmetic (:class:`fractions.Fraction` of each
float), so rounding can never let the recorded spends exceed the total. The price is
that ``0.1 + 0.2`` does not fit into a budget of ``0.3`` (the floats are not the
decimals); spend :attr:`PrivacyLedger.remaining`, which is rounded down, to use the rest.

The ledger is stored in release metadata through :meth:`PrivacyLedger.to_dict` and
:meth:`PrivacyLedger.from_dict`; it records *how much* was spent on *which* table, never
counts or noise (the noise of a release, with the release, would give back the true
counts).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from fractions import Fraction
from typing import Any, Final, Literal

from crimestats.errors import UsageError

PrivacyUnit = Literal["incident", "victim"]
"""Whose presence a release protects: one incident, or one victim (all their incidents)."""

PRIVACY_UNITS: Final[tuple[PrivacyUnit, ...]] = ("incident", "victim")

LEDGER_FORMAT: Final = "crimestats-privacy-ledger/1"


def check_privacy_unit(privacy_unit: str) -> PrivacyUnit:
    """Return ``privacy_unit`` if it is one crimestats knows; else raise UsageError."""
    if privacy_unit not in PRIVACY_UNITS:
        raise UsageError(
            f"unknown privacy unit {privacy_unit!r}",
            hint=f"use one of {', '.join(PRIVACY_UNITS)}",
        )
    return privacy_unit


def check_epsilon(epsilon: float, *, what: str = "epsilon") -> float:
    """Return ``epsilon`` as a float if it is finite and > 0; else raise UsageError."""
    if isinstance(epsilon, bool) or not isinstance(epsilon, int | float):
        raise UsageError(f"{what} must be a number, got {epsilon!r}")
    value = float(epsilon)
    if not math.isfinite(value) or value <= 0:
        raise UsageError(
            f"{what} must be a finite number > 0, got {epsilon!r}",
            hint="typical values for published tables are between 0.1 and 2",
        )
    return value


@dataclass(frozen=True)
class LedgerEntry:
    """One spend: the table released and the epsilon its release cost."""

    table_name: str
    epsilon: float


class PrivacyLedger:
    """The privacy budget of one body of data, and what has been spent from it.

    Parameters
    ----------
    total_epsilon
        The total privacy loss (pure epsilon-DP) all releases together may incur.
    privacy_unit
        ``"incident"`` or ``"victim"``: the unit whose presence every release
        protects. Releases with another unit cannot spend from this ledger.

    Examples
    --------
    >>> ledger = PrivacyLedger(1.0, "incident")
    >>> ledger.spend("offences_by_area", 0.5)
    >>> ledger.remaining
    0.5
    """

    def __init__(self, total_epsilon: float, privacy_unit: str) -> None:
        self.total_epsilon = check_epsilon(total_epsilon, what="total_epsilon")
        self.privacy_unit: PrivacyUnit = check_privacy_unit(privacy_unit)
        self._entries: list[LedgerEntry] = []
        self._spent = Fraction(0)

    @property
    def entries(self) -> tuple[LedgerEntry, ...]:
        """Every spend so far, in order."""
        return tuple(self._entries)

    @property
    def spent(self) -> float:
        """The epsilon spent so far (rounded up to a float)."""
        value = float(self._spent)
        return value if Fraction(value) >= self._spent else math.nextafter(value, math.inf)

    @property
    def remaining(self) -> float:
        """The epsilon left (rounded down, so spending exactly this always fits)."""
        left = Fraction(self.total_epsilon) - self._spent
        value = float(left)
        if Fraction(value) > left:
            value = math.nextafter(value, -math.inf)
        return max(value, 0.0)

    def can_spend(self, epsilon: float) -> bool:
        """Whether spending ``epsilon`` would stay within the total budget."""
        value = check_epsilon(epsilon)
        return self._spent + Fraction(value) <= Fraction(self.total_epsilon)

    def spend(self, table_name: str, epsilon: float) -> None:
        """Record that releasing ``table_name`` costs ``epsilon``.

        Raises
        ------
        UsageError
            If ``epsilon`` is not a finite number > 0, the table name is empty, or the
            spend would take the ledger past its total; nothing is recorded then.
        """
        if not isinstance(table_name, str) or not table_name.strip():
            raise UsageError(f"a spend needs a table name, got {table_name!r}")
        value = check_epsilon(epsilon)
        if not self.can_spend(value):
            raise UsageError(
                f"releasing {table_name!r} with epsilon={value!r} would exceed the privacy "
                f"budget: {self.spent!r} of {self.total_epsilon!r} already spent "
                f"(privacy unit: {self.privacy_unit})",
                hint=f"spend at most {self.remaining!r}, or release fewer tables",
            )
        self._spent += Fraction(value)
        self._entries.append(LedgerEntry(table_name, value))

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready record of the ledger, for release metadata."""
        return {
            "format": LEDGER_FORMAT,
            "privacy_unit": self.privacy_unit,
            "total_epsilon": self.total_epsilon,
            "composition": "sequential (pure epsilon-DP, epsilons add up)",
            "spent_epsilon": self.spent,
            "entries": [{"table": e.table_name, "epsilon": e.epsilon} for e in self._entries],
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> PrivacyLedger:
        """Rebuild a ledger from :meth:`to_dict` output, replaying (and checking) spends.

        Raises
        ------
        UsageError
            If the record is not a ledger or its spends exceed its total.
        """
        if not isinstance(data, dict) or data.get("format") != LEDGER_FORMAT:
            raise UsageError(
                "not a crimestats privacy ledger record",
                hint=f"expected a dict with format {LEDGER_FORMAT!r} from PrivacyLedger.to_dict",
            )
        try:
            ledger = cls(data["total_epsilon"], data["privacy_unit"])
            for entry in data["entries"]:
                ledger.spend(entry["table"], entry["epsilon"])
        except (KeyError, TypeError) as exc:
            raise UsageError(
                f"privacy ledger record is incomplete: {exc!r}",
                hint="keys needed: format, privacy_unit, total_epsilon, entries[table, epsilon]",
            ) from exc
        return ledger

    def __repr__(self) -> str:
        return (
            f"PrivacyLedger(total_epsilon={self.total_epsilon!r}, "
            f"privacy_unit={self.privacy_unit!r}, spent={self.spent!r})"
        )


__all__ = [
    "PRIVACY_UNITS",
    "LedgerEntry",
    "PrivacyLedger",
    "PrivacyUnit",
    "check_epsilon",
    "check_privacy_unit",
]
