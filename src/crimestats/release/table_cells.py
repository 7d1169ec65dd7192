"""The words and order of a published cell: margin label, count and status columns.

Why a module of its own: every writer of a release (CSV, Parquet, SDMX, the schema, the
DP files, the history step) and every protection names the same columns and statuses
and sorts rows the same way; they are declared once here, with nothing of the release
imported, so any module of the package can use them without an import circle
(:mod:`crimestats.release.tables` re-exports them for older imports).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any, Final, TypeAlias, TypeGuard

from crimestats.privacy.structural import STRUCTURAL

TOTAL_LABEL: Final = "Total"
DATA_MARK: Final = " (value)"
"""Appended to a data value that would read as the margin label (red-team finding D)."""
_MARGIN_LIKE = re.compile(re.escape(TOTAL_LABEL) + f"(?:{re.escape(DATA_MARK)})*")
COUNT: Final = "count"
STATUS: Final = "status"
WITHHELD: Final = "withheld"
NOT_APPLICABLE: Final = "not_applicable"
STATUSES: Final = ("published", WITHHELD, NOT_APPLICABLE)
"""Published statuses: primary and secondary cells are both just ``withheld``, since
telling them apart says that a primary cell holds 1..threshold (the disclosure record
keeps how many of each, never which); ``not_applicable`` is a structural zero, a
category its source cannot have (:func:`crimestats.release.counted_tables.
structural_rows`): no count, and not withheld."""

CellValues: TypeAlias = dict[str, str | None]
"""A cell named by its field values (``Total`` in a margin, ``None`` for a blank), as
the privacy layer takes a cell to withhold and the store records a withheld one."""
ForcedCells: TypeAlias = Mapping[str, list[CellValues]]
"""Per table name, the cells to withhold whatever their count: what the last recorded
release of that table withheld (``carry_forward``), and what a repair adds."""


def public_status(status: str) -> str:
    """``primary`` and ``secondary`` (the privacy layer's words) become ``withheld``, a
    structural zero ``not_applicable``."""
    if status == STRUCTURAL:
        return NOT_APPLICABLE
    return WITHHELD if status in ("primary", "secondary") else status


def as_text(value: Any) -> str | None:
    """A field value as text, a blank (``None``) kept blank."""
    return None if value is None else str(value)


def reads_as_margin(value: str | None) -> TypeGuard[str]:
    """Whether a data value has the form ``Total( (value))*`` (:func:`data_label`)."""
    return value is not None and _MARGIN_LIKE.fullmatch(value) is not None


def data_label(value: str | None) -> str | None:
    """A field value as a release publishes it: ``Total`` (the margin label) becomes
    ``Total (value)``, ``Total (value)`` becomes ``Total (value) (value)``, and so on;
    every other value is itself.

    Why (red-team finding D): an area or a source named ``Total`` would read as a margin
    row, and the protection refused such tables with a fix naming an option the release
    does not have, so one such row blocked every release by that field. Appending the
    mark to every value of the form ``Total( (value))*`` frees the margin label while
    keeping distinct values distinct, and gives the same label in every release (the
    store's record of earlier releases stays comparable). The table's schema says so.
    """
    if reads_as_margin(value):
        return value + DATA_MARK
    return value


def row_sort_key(row: dict[str, Any], fields: tuple[str, ...]) -> tuple[tuple[int, str], ...]:
    """Values first, then blanks (no value), then the margin label, per field in order."""
    key: list[tuple[int, str]] = []
    for name in fields:
        value = row[name]
        if value is None:
            key.append((1, ""))
        elif value == TOTAL_LABEL:
            key.append((2, ""))
        else:
            key.append((0, str(value)))
    return tuple(key)


__all__ = [
    "COUNT",
    "DATA_MARK",
    "NOT_APPLICABLE",
    "STATUS",
    "STATUSES",
    "TOTAL_LABEL",
    "WITHHELD",
    "CellValues",
    "ForcedCells",
    "as_text",
    "data_label",
    "public_status",
    "reads_as_margin",
    "row_sort_key",
]
