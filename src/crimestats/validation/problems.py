"""Validation problems are data (STYLE.md practice 5, after frictionless-py's errors).

A :class:`Rule` has a stable code, a severity, the field it looks at, a message template
and a fix-it hint. A :class:`Problem` is one rule broken by one row (or by a whole file).
Errors quarantine the row; warnings are recorded and the row is loaded.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any


class Severity(StrEnum):
    """What a broken rule does to a row."""

    ERROR = "error"  # the row is quarantined with its reasons
    WARNING = "warning"  # recorded in ingest_issues; the row is loaded


@dataclass(frozen=True, slots=True)
class Check:
    """How a rule is evaluated: a kind the engine knows and its parameters.

    Kinds are compiled to set-based SQL by ``crimestats.storage.rule_sql``; keeping the
    check as data lets the catalogue be read, documented and tested without an engine.
    """

    kind: str
    params: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Rule:
    """One validation rule with a stable code (never reuse or rename a code)."""

    code: str
    severity: Severity
    field: str | None
    check: Check
    message: str
    fix: str
    nibrs: str | None = None  # the FBI NIBRS data-quality edit it is modelled on, if any

    def render(self, value: str | None = None) -> str:
        """The message with the offending value, for people."""
        if value is None or value == "":
            return self.message
        shown = value if len(value) <= 60 else value[:57] + "..."
        return f"{self.message} (value: {shown!r})"


@dataclass(frozen=True, slots=True)
class Problem:
    """One rule broken in one place: the row (1-based data row), the field and its value."""

    code: str
    severity: Severity
    row: int | None
    field: str | None
    value: str | None = None

    def to_dict(self) -> dict[str, Any]:
        """Plain-JSON form used in quarantine ``reasons`` and ``--json`` output."""
        return {
            "code": self.code,
            "severity": self.severity.value,
            "row": self.row,
            "field": self.field,
            "value": self.value,
        }
