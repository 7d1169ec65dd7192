"""The standard tables of a release, counted from the store and protected for publication.

Why: a release publishes only aggregates that passed disclosure control. Each standard
table is a :func:`crimestats.stats.count_table` query whose rows go through
:func:`crimestats.privacy.protect_rows` (threshold rule, secondary suppression across
every margin, attacker audit) before anything is written. Rows are put in one fixed
order before protection and again before writing, so the same store gives the same
suppression pattern and the same bytes.
"""

from __future__ import annotations

import itertools
import os
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, TypeGuard

from crimestats.privacy import DEFAULT_BASE, protect_rows
from crimestats.privacy.history import EarlierCells
from crimestats.privacy.structural import STRUCTURAL, STRUCTURAL_FLAG
from crimestats.release.method import Method
from crimestats.release.public_notes import PublicNotes, public_notes, with_published_total
from crimestats.release.standard_tables import STANDARD_TABLES, TableSpec
from crimestats.stats.structural import SourceCategories
from crimestats.storage.releases import PublishedCell

TOTAL_LABEL = "Total"
DATA_MARK = " (value)"
"""Appended to a data value that would read as the margin label (red-team finding D)."""
_MARGIN_LIKE = re.compile(re.escape(TOTAL_LABEL) + f"(?:{re.escape(DATA_MARK)})*")
COUNT = "count"
STATUS = "status"
WITHHELD = "withheld"
NOT_APPLICABLE = "not_applicable"
STATUSES = ("published", WITHHELD, NOT_APPLICABLE)
"""Published statuses: primary and secondary cells are both just ``withheld``, since
telling them apart says that a primary cell holds 1..threshold (the disclosure record
keeps how many of each, never which); ``not_applicable`` is a structural zero, a
category its source cannot have (:func:`structural_rows`): no count, and not withheld."""


def public_status(status: str) -> str:
    """``primary`` and ``secondary`` (the privacy layer's words) become ``withheld``, a
    structural zero ``not_applicable``."""
    if status == STRUCTURAL:
        return NOT_APPLICABLE
    return WITHHELD if status in ("primary", "secondary") else status


@dataclass(frozen=True, slots=True)
class WithheldByRule:
    """How many withheld cells the threshold rule (primary) and secondary suppression
    withheld: for the publisher's summary only, never written into a release (knowing
    that k withheld cells hold 1..threshold narrows them; finding 8)."""

    primary: int = 0
    secondary: int = 0

    @classmethod
    def of(cls, disclosure: dict[str, Any]) -> WithheldByRule:
        """Read from a privacy-layer record (``primary_cells``, ``secondary_cells``)."""
        return cls(
            int(disclosure.get("primary_cells", 0)), int(disclosure.get("secondary_cells", 0))
        )


@dataclass(frozen=True, slots=True)
class ProtectedRows:
    """A standard table after disclosure control, ready to write.

    Attributes
    ----------
    spec : TableSpec
        Which table.
    columns : list of str
        The fields of ``spec.by`` (as text: margins carry ``"Total"``), ``count``,
        ``status``.
    rows : list of dict
        Sorted rows: interior cells, then margins; ``count`` is ``None`` when withheld.
    disclosure : dict
        Method, parameters, how many cells were withheld and the audit (no true values,
        not which rule withheld a cell: :func:`public_disclosure`).
    notes : PublicNotes
        What was counted (unit, period basis, ICCS version), in words; its one count is
        a published cell (:mod:`crimestats.release.public_notes`).
    method : str
        ``threshold``, ``rounding`` or ``dp`` (:mod:`crimestats.release.dp_tables`:
        columns ``count``, ``accuracy_95``, ``lower_95``, ``upper_95``; no ``status``
        column, though each row still carries ``status`` = ``published``).
    by_rule : WithheldByRule
        Primary and secondary cell counts, for the publisher's summary; never published.
    """

    spec: TableSpec
    columns: list[str]
    rows: list[dict[str, Any]]
    disclosure: dict[str, Any]
    notes: PublicNotes
    method: Method = Method.THRESHOLD
    by_rule: WithheldByRule = WithheldByRule()

    def __post_init__(self) -> None:
        object.__setattr__(self, "method", Method(self.method))

    def published_cells(self) -> list[PublishedCell]:
        """Every cell of the table as published (``None`` when withheld), for the store's
        record of the release: the next release is protected against it (the release
        records them for the protections that carry history: ``carries_history`` of
        :class:`crimestats.release.protection.Protection`)."""
        fields = tuple(self.spec.by)
        return [
            PublishedCell(
                self.spec.name,
                fields,
                {name: row[name] for name in fields},
                None if row.get(COUNT) is None else int(row[COUNT]),
                self.spec.unit,
            )
            for row in self.rows
            if row.get(STATUS) != NOT_APPLICABLE  # a known zero: neither shown nor hidden
        ]


def _text(value: Any) -> str | None:
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


def _label_audit(disclosure: dict[str, Any], levels: list[list[str | None]]) -> None:
    """Name each audited cell by its labels (the audit gives only array indices)."""
    audit = disclosure.get("audit")
    if not isinstance(audit, dict):
        return
    for cell in audit.get("cells", []):
        index = cell.get("cell", [])
        cell["labels"] = [
            levels[d][i] if i < len(levels[d]) else TOTAL_LABEL for d, i in enumerate(index)
        ]


@dataclass(frozen=True, slots=True)
class CountedTable:
    """A release table counted once from the store: true counts, never published as such.

    Why: counting is the one step of a release that reads the store; protection, the
    audits and the writers need only these rows, so each table is counted once
    (:func:`count_tables`) and handed on (issue 12).

    Attributes
    ----------
    spec : TableSpec
        Which table.
    rows : list of dict
        Field values as text (``None`` for blank) and ``count``, in the fixed order
        (:func:`row_sort_key`). Callers copy before changing them (:meth:`fresh_rows`).
    metadata : dict
        The statistics metadata (:func:`crimestats.stats.count_table`), for the notes.
    """

    spec: TableSpec
    rows: list[dict[str, Any]]
    metadata: dict[str, Any]

    def fresh_rows(self) -> list[dict[str, Any]]:
        """A copy of the rows that a protection step may change in place."""
        return [dict(row) for row in self.rows]


def count_tables(
    db: str | os.PathLike[str] | None, specs: Sequence[TableSpec]
) -> dict[str, CountedTable]:
    """Count every table of ``specs`` once, over one read-only connection to the store."""
    from crimestats.storage.reads import ibis_store
    from crimestats.storage.store import resolve_db_path

    if not specs:
        return {}
    with ibis_store(db) as con:
        return count_tables_on(con, specs, store=str(resolve_db_path(db)))


def count_tables_on(con: Any, specs: Sequence[TableSpec], *, store: str) -> dict[str, CountedTable]:
    """Count every table of ``specs`` once on the open Ibis backend ``con``; ``store`` is
    the store's path as the metadata names it."""
    from crimestats.stats import engine

    out: dict[str, CountedTable] = {}
    for spec in specs:
        stats = engine.count_on(con, by=list(spec.by), unit=spec.unit, store=store)
        rows = [
            {**{name: data_label(_text(row[name])) for name in spec.by}, COUNT: int(row[COUNT])}
            for row in stats.rows()
        ]
        rows += structural_rows(spec.by, rows, SourceCategories.of_table(con, spec.by))
        rows.sort(key=lambda row: row_sort_key(row, spec.by))
        out[spec.name] = CountedTable(spec, rows, stats.metadata)
    return out


def structural_rows(
    fields: Sequence[str], rows: Sequence[dict[str, Any]], categories: SourceCategories
) -> list[dict[str, Any]]:
    """Rows (count 0, flagged :data:`~crimestats.privacy.protect.STRUCTURAL_FLAG`) for
    every combination of the table's values in which a closed source meets an ICCS
    category it cannot have (:mod:`crimestats.stats.structural`).

    Why: such a cell is published as ``not_applicable`` (no count, not withheld), and
    the privacy layer treats it as known: secondary suppression never counts on it (a
    withheld known zero protects nothing) and the audit knows it. A closed source with a
    count in such a category anyway (a code the source gave) is open in this table: no
    structural zero for it, since one cell shown withheld among not_applicable ones
    would tell a reader that it holds at least 1.
    """
    if not rows or not categories.closed():
        return []
    breached = {row["source"] for row in rows if categories.impossible(row)}
    closed = categories.closed() - breached
    levels = [list(dict.fromkeys(row[name] for row in rows)) for name in fields]
    at = list(fields).index("source")
    levels[at] = [source for source in levels[at] if source in closed]
    present = {tuple(row[name] for name in fields) for row in rows}
    out: list[dict[str, Any]] = []
    for combo in itertools.product(*levels):
        cell = dict(zip(fields, combo, strict=True))
        if combo not in present and categories.impossible(cell):
            out.append({**cell, COUNT: 0, STRUCTURAL_FLAG: True})
    return out


def protect_standard_table(
    db: str | os.PathLike[str],
    spec: TableSpec,
    *,
    threshold: int,
    method: str = "threshold",
    base: int = DEFAULT_BASE,
    forced: list[dict[str, Any]] | None = None,
    earlier: EarlierCells | None = None,
) -> ProtectedRows:
    """Count ``spec`` from the store and protect it (:func:`protect_counted`); one table
    on its own, e.g. in a test. A release counts its tables once with :func:`count_tables`."""
    counted = count_tables(db, [spec])[spec.name]
    if Method(method) is Method.ROUNDING:
        return rounded_table(counted, base=base)
    return protect_counted(counted, threshold=threshold, forced=forced, earlier=earlier)


def protect_counted(
    counted: CountedTable,
    *,
    threshold: int,
    forced: list[dict[str, Any]] | None = None,
    earlier: EarlierCells | None = None,
) -> ProtectedRows:
    """The threshold rule and secondary suppression (audited) on a counted table,
    withholding also every cell of ``forced`` (a previous release's withheld cells), and
    not counting on a cell ``earlier`` releases published unchanged (the attacker holds
    it: :mod:`crimestats.privacy.history`).
    """
    spec, rows, metadata = counted.spec, counted.fresh_rows(), counted.metadata
    fields = spec.by
    columns = [*fields, COUNT, STATUS]
    if not rows:
        notes = public_notes(metadata, fields, [], exact_total=True)
        disclosure: dict[str, Any] = {
            "method": "threshold rule with secondary suppression",
            "threshold": threshold,
            "note": "the store holds nothing for this table; it is empty",
        }
        return ProtectedRows(spec, columns, [], disclosure, notes)
    protected_rows, protected = protect_rows(
        rows,
        list(fields),
        total_label=TOTAL_LABEL,
        threshold=threshold,
        forced=forced or None,
        earlier=earlier,
    )
    levels: list[list[str | None]] = []
    for name in fields:
        seen: dict[str | None, None] = {}
        for row in rows:
            seen.setdefault(_text(row[name]), None)
        levels.append(list(seen))
    disclosure = protected.metadata()
    _label_audit(disclosure, levels)
    out = [
        {
            **{name: _text(row[name]) for name in fields},
            COUNT: None if row[COUNT] is None else int(row[COUNT]),
            STATUS: public_status(str(row[STATUS])),
        }
        for row in protected_rows
    ]
    out.sort(key=lambda row: row_sort_key(row, fields))
    notes = public_notes(metadata, fields, out, exact_total=True)
    return ProtectedRows(
        spec,
        columns,
        out,
        public_disclosure(disclosure),
        notes,
        by_rule=WithheldByRule.of(disclosure),
    )


def rounded_table(counted: CountedTable, *, base: int) -> ProtectedRows:
    """Controlled rounding (crimestats.privacy.controlled_round) of a counted table."""
    spec, rows = counted.spec, counted.fresh_rows()
    fields = spec.by
    columns = [*fields, COUNT, STATUS]
    notes = public_notes(counted.metadata, fields, [], exact_total=False)
    if not rows:
        disclosure: dict[str, Any] = {
            "method": "controlled rounding",
            "base": base,
            "note": "the store holds nothing for this table; it is empty",
        }
        return ProtectedRows(spec, columns, [], disclosure, notes, method=Method.ROUNDING)
    rounded, protected = protect_rows(
        rows, list(fields), total_label=TOTAL_LABEL, protection="round", base=base
    )
    disclosure = protected.metadata()
    disclosure.pop("primary_cells", None)
    disclosure.pop("secondary_cells", None)
    out = [
        {
            **{name: _text(row[name]) for name in fields},
            COUNT: None if row[COUNT] is None else int(row[COUNT]),
            STATUS: public_status(str(row[STATUS])),
        }
        for row in rounded
    ]
    out.sort(key=lambda row: row_sort_key(row, fields))
    return ProtectedRows(spec, columns, out, disclosure, notes, method=Method.ROUNDING)


_ROW_COUNTS = frozenset({"bytes", "rows_read", "accepted", "quarantined", "duplicates"})
"""Exact sizes of an ingested file: a file of one month or one small source would publish
a count the tables withhold (the store keeps them: ``crimestats status``)."""


_NAMES = frozenset({"file", "mapping"})
"""File names, which publishers often write with the dates a file covers
(``street_2016-01_2017-06.csv``): a source's exact first and last report dates would
narrow its period cells (finding 8). Each input is named by its place instead."""


def public_lineage(lineage: list[dict[str, object]], *, dp: bool) -> list[dict[str, object]]:
    """The lineage as published: each input as ``input N`` (its order in the store), its
    checksum, source, target and the mapping's checksum; never a file name (it may carry
    dates), sizes or row counts; without checksums too when DP is used (a checksum is an
    exact function of the data, outside any privacy budget)."""
    exact = _ROW_COUNTS | _NAMES | ({"sha256"} if dp else set())
    return [
        {"file": f"input {number}", **{k: v for k, v in item.items() if k not in exact}}
        for number, item in enumerate(lineage, start=1)
    ]


def notes_without_withheld_total(table: ProtectedRows) -> PublicNotes:
    """The table's notes with ``units_in_scope`` read again from its final rows: a later
    step (the cross-unit repair) may have withheld the grand total the notes state."""
    return with_published_total(table.notes, table.rows)


_BY_RULE = ("primary_cells", "secondary_cells", "forced_cells", "forced_cells_not_found")
"""How many withheld cells each rule withheld: never public (finding 8). Knowing that k
of the withheld cells are primary says k of them hold 1..threshold and the others 0 or
more than the threshold, which narrows cells below the protection width."""


def public_disclosure(disclosure: dict[str, Any]) -> dict[str, Any]:
    """The disclosure record as published: THAT cells were withheld (``withheld_cells``),
    never which rule withheld them: no primary/secondary counts, and no per-cell
    ``status`` in the audit (it would tell a reader that a primary cell holds 1..3).
    Idempotent: a record already public stays as it is."""
    out = {k: v for k, v in disclosure.items() if k not in _BY_RULE}
    if "primary_cells" in disclosure or "secondary_cells" in disclosure:
        out["withheld_cells"] = int(disclosure.get("primary_cells", 0)) + int(
            disclosure.get("secondary_cells", 0)
        )
    audit = out.get("audit")
    if isinstance(audit, dict) and isinstance(audit.get("cells"), list):
        cells = [{k: v for k, v in cell.items() if k != "status"} for cell in audit["cells"]]
        out["audit"] = {**audit, "cells": cells}
    return out


__all__ = [
    "DATA_MARK",
    "NOT_APPLICABLE",
    "STANDARD_TABLES",
    "TOTAL_LABEL",
    "CountedTable",
    "ProtectedRows",
    "TableSpec",
    "WithheldByRule",
    "count_tables",
    "count_tables_on",
    "data_label",
    "notes_without_withheld_total",
    "protect_counted",
    "protect_standard_table",
    "public_disclosure",
    "public_lineage",
    "reads_as_margin",
    "rounded_table",
    "row_sort_key",
    "structural_rows",
]
