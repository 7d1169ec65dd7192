"""The notes published beside each table: words, and counts only a reader can already read.

Why (issue 12): table notes used to be the statistics metadata (a ``dict``) minus a
deny-list of count keys; a count added to the metadata later (``not_a_crime_offences``)
was not on the list and published the very number a withheld cell hid. So the public
notes are now a frozen structure built field by field from an allow-list: a text field
holds only a fixed description, and the one count it can hold, ``units_in_scope``, is a
:class:`PublishedCount`, which can be made only from a cell the protected table itself
publishes (its value is read from the published row, never from the metadata). A count
added to the statistics metadata cannot reach a release: nothing copies keys generically.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any, TypedDict

_FROM_PUBLISHED_CELL = object()
"""The only key that opens :class:`PublishedCount`'s constructor (see ``of_cell``)."""

COUNTS_RULE = (
    "the only count in these notes is units_in_scope, and only when it equals a count the "
    "table publishes (its grand total); how many offences were uncoded, not a crime, or "
    "coded above a level is not published (it could pin a withheld cell)"
)
BLANK_ICCS = (
    "a blank ICCS value is an offence that is not coded, marked as not a crime (code "
    "'none' in a correspondence table or by a reviewer), coded only to a shallower "
    "ICCS level (never a guessed category), or pending review (coded by the autocoder "
    "and flagged: counted under no code until a reviewer answers)"
)


@dataclass(frozen=True, slots=True)
class PublishedCount:
    """A count equal to a cell the protected table publishes.

    Made only by :meth:`of_cell`, which reads the value from the published rows: a
    number from anywhere else (the statistics metadata, the store) cannot become one.
    """

    value: int
    cell: tuple[str | None, ...]
    origin: object = field(repr=False, compare=False)

    def __post_init__(self) -> None:
        if self.origin is not _FROM_PUBLISHED_CELL:
            raise TypeError("a PublishedCount is made only by PublishedCount.of_cell")

    @classmethod
    def of_cell(
        cls,
        rows: Sequence[Mapping[str, Any]],
        fields: Sequence[str],
        cell: Sequence[str | None],
        *,
        status: str = "published",
    ) -> PublishedCount | None:
        """The published count of ``cell`` (its field values), or ``None`` if the rows do
        not publish it (withheld, absent, or another status such as ``rounded``)."""
        for row in rows:
            if tuple(row.get(f) for f in fields) == tuple(cell):
                count = row.get("count")
                if row.get("status") != status or not isinstance(count, int):
                    return None
                return cls(int(count), tuple(cell), _FROM_PUBLISHED_CELL)
        return None


class PartialPeriodJson(TypedDict):
    """:meth:`PartialPeriodNote.to_dict`."""

    field: str
    period: str
    sources: list[str]
    reason: str
    left_out: bool


PeriodNoteJson = TypedDict(
    "PeriodNoteJson",
    {
        "basis": str,
        "from": str | None,
        "to": str | None,
        "partial_periods": list[PartialPeriodJson],
    },
)
""":meth:`PeriodNote.to_dict` (the functional form: ``from`` is a Python keyword)."""


class _UnitKey(TypedDict, total=False):
    unit_key: list[str]


class _Dating(TypedDict, total=False):
    period_date: str
    classification: str
    blank_iccs_value: str


class _Provenance(TypedDict, total=False):
    generated_by: str
    period: PeriodNoteJson


class PublicNotesJson(_UnitKey, _Dating, _Provenance):
    """:meth:`PublicNotes.to_dict`, ``statistics`` of a table in ``datapackage.json``;
    the optional keys (in the private bases) are left out when not known, in place."""

    unit: str
    unit_definition: str
    by: list[str]
    counting_rule: str
    blank_cells: str
    period_basis: str | None
    units_in_scope: int | None
    counts_in_notes: str


@dataclass(frozen=True, slots=True)
class PartialPeriodNote:
    """A period of the release the store covers only in part: words and dates, no count.

    ``reason`` names sources and months (:mod:`crimestats.release.periods` makes it from
    :func:`crimestats.stats.coverage.partial_reason`, dates cut to the month);
    ``left_out`` says whether the release's exact tables left the period out.
    """

    field: str
    period: str
    sources: tuple[str, ...]
    reason: str
    left_out: bool

    def to_dict(self) -> PartialPeriodJson:
        """JSON-ready."""
        return {
            "field": self.field,
            "period": self.period,
            "sources": list(self.sources),
            "reason": self.reason,
            "left_out": self.left_out,
        }


@dataclass(frozen=True, slots=True)
class PeriodNote:
    """The dates a release counts (its configuration, public) and its partial periods."""

    basis: str
    since: str | None = None
    until: str | None = None
    partial_periods: tuple[PartialPeriodNote, ...] = ()

    def to_dict(self) -> PeriodNoteJson:
        """JSON-ready."""
        return {
            "basis": self.basis,
            "from": self.since,
            "to": self.until,
            "partial_periods": [p.to_dict() for p in self.partial_periods],
        }


@dataclass(frozen=True, slots=True)
class PublicNotes:
    """What a published table counts, in words (``statistics`` in ``datapackage.json``)."""

    unit: str
    unit_definition: str
    by: tuple[str, ...]
    counting_rule: str
    period_basis: str | None
    blank_cells: str
    unit_key: tuple[str, ...] = ()
    period_date: str | None = None
    classification: str | None = None
    blank_iccs_value: str | None = None
    units_in_scope: PublishedCount | None = None
    counts_in_notes: str = COUNTS_RULE
    generated_by: str | None = None
    period: PeriodNote | None = None

    def to_dict(self) -> PublicNotesJson:
        """JSON-ready form (keys in a fixed order; absent optional fields left out)."""
        unit_key: _UnitKey = {"unit_key": list(self.unit_key)} if self.unit_key else {}
        dating: _Dating = {}
        if self.period_date is not None:
            dating["period_date"] = self.period_date
        if self.classification is not None:
            dating["classification"] = self.classification
        if self.blank_iccs_value is not None:
            dating["blank_iccs_value"] = self.blank_iccs_value
        provenance: _Provenance = {}
        if self.generated_by is not None:
            provenance["generated_by"] = self.generated_by
        if self.period is not None:
            provenance["period"] = self.period.to_dict()
        return {
            "unit": self.unit,
            "unit_definition": self.unit_definition,
            **unit_key,
            "by": list(self.by),
            "counting_rule": self.counting_rule,
            "blank_cells": self.blank_cells,
            "period_basis": self.period_basis,
            **dating,
            "units_in_scope": None if self.units_in_scope is None else self.units_in_scope.value,
            "counts_in_notes": self.counts_in_notes,
            **provenance,
        }


def _text(metadata: Mapping[str, Any], key: str) -> str | None:
    value = metadata.get(key)
    return value if isinstance(value, str) else None


def public_notes(
    metadata: Mapping[str, Any],
    fields: Sequence[str],
    rows: Sequence[Mapping[str, Any]],
    *,
    exact_total: bool,
) -> PublicNotes:
    """The notes of a protected table, from the statistics metadata's words only.

    ``units_in_scope`` is the table's published grand total, stated only when
    ``exact_total`` (a threshold table: published counts are exact) and the metadata's
    own count of units equals it (each unit counted once): it tells the reader that the
    grand total counts every unit once, and no number the table does not already show.
    """
    iccs = metadata.get("iccs")
    units = None
    if exact_total:
        grand = PublishedCount.of_cell(rows, fields, ["Total"] * len(fields))
        if grand is not None and grand.value == metadata.get("units_in_scope"):
            units = grand
    key = metadata.get("unit_key")
    return PublicNotes(
        unit=str(metadata.get("unit", "")),
        unit_definition=str(metadata.get("unit_definition", "")),
        by=tuple(fields),
        counting_rule=str(metadata.get("counting_rule", "")),
        period_basis=_text(metadata, "period_basis"),
        blank_cells=str(metadata.get("blank_cells", "")),
        unit_key=tuple(str(k) for k in key) if isinstance(key, list | tuple) else (),
        period_date=_text(metadata, "period_date"),
        classification=_text(iccs, "classification") if isinstance(iccs, Mapping) else None,
        blank_iccs_value=BLANK_ICCS if isinstance(iccs, Mapping) else None,
        units_in_scope=units,
        generated_by=_text(metadata, "generated_by"),
    )


def with_published_total(notes: PublicNotes, rows: Sequence[Mapping[str, Any]]) -> PublicNotes:
    """``notes`` with ``units_in_scope`` read again from ``rows`` (the final pattern: a
    later step such as the cross-unit repair may have withheld the grand total)."""
    if notes.units_in_scope is None:
        return notes
    again = PublishedCount.of_cell(rows, notes.by, notes.units_in_scope.cell)
    if again is not None and again.value == notes.units_in_scope.value:
        return notes
    return replace(notes, units_in_scope=None)


__all__ = [
    "PartialPeriodJson",
    "PartialPeriodNote",
    "PeriodNote",
    "PeriodNoteJson",
    "PublicNotes",
    "PublicNotesJson",
    "PublishedCount",
    "public_notes",
    "with_published_total",
]
