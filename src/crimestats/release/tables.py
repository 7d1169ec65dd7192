"""A release's tables protected for publication: :class:`ProtectedRows` and the threshold
and rounding protections of one table.

Why: a release publishes only aggregates that passed disclosure control. Each table's
counted rows (:mod:`crimestats.release.counted_tables`) go through
:func:`crimestats.privacy.protect_rows` (threshold rule, secondary suppression across
every margin, attacker audit; or controlled rounding) before anything is written, and
the privacy layer's record is cut to what may be published (:func:`public_disclosure`,
:func:`public_lineage`). The words of a cell (``Total``, ``count``, ``status``) are in
:mod:`crimestats.release.table_cells`; this module re-exports them and the counting
names, which older code and tests import from here.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Any

from crimestats.privacy import DEFAULT_BASE, protect_rows
from crimestats.privacy.history import EarlierCells
from crimestats.release.counted_tables import (
    CountedTable,
    count_tables,
    count_tables_on,
    structural_rows,
)
from crimestats.release.method import Method
from crimestats.release.public_notes import PublicNotes, public_notes, with_published_total
from crimestats.release.standard_tables import STANDARD_TABLES, TableSpec
from crimestats.release.table_cells import (
    COUNT,
    DATA_MARK,
    NOT_APPLICABLE,
    STATUS,
    STATUSES,
    TOTAL_LABEL,
    WITHHELD,
    CellValues,
    as_text,
    data_label,
    public_status,
    reads_as_margin,
    row_sort_key,
)
from crimestats.storage.releases import PublishedCell


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


def protect_standard_table(
    db: str | os.PathLike[str],
    spec: TableSpec,
    *,
    threshold: int,
    method: str = "threshold",
    base: int = DEFAULT_BASE,
    forced: list[CellValues] | None = None,
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
    forced: list[CellValues] | None = None,
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
            seen.setdefault(as_text(row[name]), None)
        levels.append(list(seen))
    disclosure = protected.metadata()
    _label_audit(disclosure, levels)
    out = [
        {
            **{name: as_text(row[name]) for name in fields},
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
            **{name: as_text(row[name]) for name in fields},
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


def withheld_of(table: ProtectedRows) -> list[CellValues]:
    """The cells ``table`` withheld (its field values), to carry to the next release."""
    return [
        {name: row[name] for name in table.spec.by}
        for row in table.rows
        if row.get(STATUS) == WITHHELD
    ]


__all__ = [
    "COUNT",
    "DATA_MARK",
    "NOT_APPLICABLE",
    "STANDARD_TABLES",
    "STATUS",
    "STATUSES",
    "TOTAL_LABEL",
    "WITHHELD",
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
    "public_status",
    "reads_as_margin",
    "rounded_table",
    "row_sort_key",
    "structural_rows",
    "withheld_of",
]
