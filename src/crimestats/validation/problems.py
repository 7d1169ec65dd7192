"""Validation problems are data (STYLE.md practice 5, after frictionless-py's errors).

A :class:`Rule` has a stable code, a severity, the field it looks at, a message template
and a fix-it hint. A rule broken by a row is recorded as data too: one ``ingest_issues``
row (ingest id, row number, code, severity, field, value) per row and rule, and the
quarantined row's ``reasons``. Errors quarantine the row; warnings are recorded and the
row is loaded.
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
