"""The standard tables of a release, counted from the store and protected for publication.

Why: a release publishes only aggregates that passed disclosure control. Each standard
table is a :func:`crimestats.stats.count_table` query whose rows go through
:func:`crimestats.privacy.protect_rows` (threshold rule, secondary suppression across
every margin, attacker audit) before anything is written. Rows are put in one fixed
order before protection and again before writing, so the same store gives the same
suppression pattern and the same bytes.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Any

from crimestats.privacy import DEFAULT_BASE, protect_rows
from crimestats.stats import count_table

TOTAL_LABEL = "Total"
COUNT = "count"
STATUS = "status"
WITHHELD = "withheld"
STATUSES = ("published", WITHHELD)
"""Published statuses: primary and secondary cells are both just ``withheld``, since
telling them apart says that a primary cell holds 1..threshold (the disclosure record
keeps how many of each, never which)."""


def public_status(status: str) -> str:
    """``primary`` and ``secondary`` (the privacy layer's words) become ``withheld``."""
    return WITHHELD if status in ("primary", "secondary") else status


# numbers of the stats metadata that are counts of people or events: published only
# when 0 or above the threshold (a small count in the notes would undo the suppression)
_COUNT_KEYS = frozenset(
    {
        "units_in_scope",
        "incidents_without_period_date",
        "offences_in_scope",
        "uncoded_offences",
        "coded_above_level",
        "coding_method",
    }
)
# true totals of the table itself (the grand total may be withheld) and local details
_DROPPED_KEYS = frozenset({"store", "rows", "sum_of_counts", "columns"})


@dataclass(frozen=True, slots=True)
class TableSpec:
    """One standard table: its file stem, counting unit and the fields counted by."""

    name: str
    unit: str
    by: tuple[str, ...]
    title: str


STANDARD_TABLES: tuple[TableSpec, ...] = (
    TableSpec(
        "incidents_by_source_year",
        "incidents",
        ("source", "year"),
        "Incidents by source and year (reported)",
    ),
    TableSpec(
        "offences_by_source_iccs_l2",
        "offences",
        ("source", "iccs_l2"),
        "Offences by source and ICCS division",
    ),
    TableSpec(
        "victims_by_source_sex_age_group",
        "victims",
        ("source", "victim_sex", "victim_age_group"),
        "Victims by source, sex and age group",
    ),
)
"""The tables every release holds (issue 5, item 1).

No two of them break down one ICCS section by two counting units: incidents and offences
by section bound each other (offences >= incidents in every cell), and where most
incidents have one offence the two tables publish nearly the same numbers under two
suppression patterns, which the cross-unit repair cannot always reconcile
(docs/disclosure-control.md, section 7). So incidents are counted by source and year,
offences by source and ICCS division; a configuration may add more, and the release
audits and warns."""


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
        Method, parameters, cell counts and the audit (no true values).
    notes : dict
        What was counted (unit, period basis, ICCS version), small counts withheld.
    method : str
        ``threshold``, ``rounding`` or ``dp`` (:mod:`crimestats.release.dp_tables`:
        columns ``count``, ``accuracy_95``, ``lower_95``, ``upper_95``; no ``status``
        column, though each row still carries ``status`` = ``published``).
    """

    spec: TableSpec
    columns: list[str]
    rows: list[dict[str, Any]]
    disclosure: dict[str, Any]
    notes: dict[str, Any]
    method: str = "threshold"


def _text(value: Any) -> str | None:
    return None if value is None else str(value)


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


def _mask_small(value: Any, threshold: int) -> Any:
    """Counts in ``1..threshold`` become ``None`` (withheld), recursively."""
    if isinstance(value, dict):
        return {k: _mask_small(v, threshold) for k, v in value.items()}
    if isinstance(value, bool) or not isinstance(value, int):
        return value
    return None if 1 <= value <= threshold else value


def _mask_breakdown(value: Any, threshold: int) -> Any:
    """Like :func:`_mask_small`, but a breakdown (a dict of counts) with any entry
    withheld is withheld whole: its total is usually published elsewhere in the notes,
    so one withheld entry would be the total minus the others."""
    masked = _mask_small(value, threshold)
    if isinstance(value, dict) and isinstance(masked, dict):
        flat = [v for v in masked.values() if not isinstance(v, dict)]
        if any(v is None for v in flat) and any(
            isinstance(v, int) and not isinstance(v, bool) for v in value.values()
        ):
            return {k: (None if not isinstance(v, dict) else v) for k, v in masked.items()}
    return masked


def table_notes(
    metadata: dict[str, Any], threshold: int, *, withhold_all: bool = False
) -> dict[str, Any]:
    """The stats metadata fit for publication: no local paths, no small counts.

    With ``withhold_all`` (rounded tables) every count in the notes is withheld: an
    exact total beside a rounded table would undo the rounding.
    """
    if withhold_all:
        threshold = 2**63 - 1
    notes: dict[str, Any] = {}
    for key, value in metadata.items():
        if key in _DROPPED_KEYS:
            continue
        if key == "iccs" and isinstance(value, dict):
            notes[key] = {
                k: _mask_breakdown(v, threshold) if k in _COUNT_KEYS else v
                for k, v in value.items()
            }
        elif key in _COUNT_KEYS:
            notes[key] = _mask_breakdown(value, threshold)
        else:
            notes[key] = value
    if withhold_all:
        notes["small_counts_in_notes"] = "counts in these notes are null (withheld: rounded table)"
    else:
        notes["small_counts_in_notes"] = f"counts 1..{threshold} in these notes are null (withheld)"
    return notes


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


def counted_rows(
    db: str | os.PathLike[str], spec: TableSpec
) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    """The table's counted rows (field values as text, ``count``) in the fixed order, and
    the statistics metadata."""
    stats = count_table(db, by=list(spec.by), unit=spec.unit)
    rows = [
        {**{name: _text(row[name]) for name in spec.by}, COUNT: int(row[COUNT])}
        for row in stats.rows()
    ]
    rows.sort(key=lambda row: row_sort_key(row, spec.by))
    return rows, stats.metadata


def protect_standard_table(
    db: str | os.PathLike[str],
    spec: TableSpec,
    *,
    threshold: int,
    method: str = "threshold",
    base: int = DEFAULT_BASE,
    forced: list[dict[str, Any]] | None = None,
) -> ProtectedRows:
    """Count ``spec`` from the store and protect it.

    ``method`` ``threshold``: the threshold rule and secondary suppression (audited),
    withholding also every cell of ``forced`` (a previous release's withheld cells);
    ``rounding``: controlled rounding of every cell and margin to a multiple of ``base``.
    """
    if method == "rounding":
        return _rounded_table(db, spec, threshold=threshold, base=base)
    rows, metadata = counted_rows(db, spec)
    fields = spec.by
    columns = [*fields, COUNT, STATUS]
    notes = table_notes(metadata, threshold)
    if not rows:
        disclosure: dict[str, Any] = {
            "method": "threshold rule with secondary suppression",
            "threshold": threshold,
            "note": "the store holds nothing for this table; it is empty",
        }
        return ProtectedRows(spec, columns, [], disclosure, notes)
    protected_rows, protected = protect_rows(
        rows, list(fields), total_label=TOTAL_LABEL, threshold=threshold, forced=forced or None
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
    return ProtectedRows(spec, columns, out, disclosure, notes)


def _rounded_table(
    db: str | os.PathLike[str], spec: TableSpec, *, threshold: int, base: int
) -> ProtectedRows:
    """Controlled rounding (crimestats.privacy.controlled_round) of a counted table."""
    stats = count_table(db, by=list(spec.by), unit=spec.unit)
    fields = spec.by
    rows = [
        {**{name: _text(row[name]) for name in fields}, COUNT: int(row[COUNT])}
        for row in stats.rows()
    ]
    rows.sort(key=lambda row: row_sort_key(row, fields))
    columns = [*fields, COUNT, STATUS]
    notes = table_notes(stats.metadata, threshold, withhold_all=True)
    if not rows:
        disclosure: dict[str, Any] = {
            "method": "controlled rounding",
            "base": base,
            "note": "the store holds nothing for this table; it is empty",
        }
        return ProtectedRows(spec, columns, [], disclosure, notes, method="rounding")
    rounded, protected = protect_rows(
        rows, list(fields), total_label=TOTAL_LABEL, protection="round", base=base
    )
    disclosure = protected.metadata()
    disclosure.pop("primary_cells", None)
    disclosure.pop("secondary_cells", None)
    out = [
        {
            **{name: _text(row[name]) for name in fields},
            COUNT: int(row[COUNT]),
            STATUS: str(row[STATUS]),
        }
        for row in rounded
    ]
    out.sort(key=lambda row: row_sort_key(row, fields))
    return ProtectedRows(spec, columns, out, disclosure, notes, method="rounding")


def table_schema(table: ProtectedRows) -> dict[str, Any]:
    """The Frictionless Table Schema of a protected table (fields, primary key, blanks)."""
    if table.method == "dp":
        from crimestats.release.dp_tables import dp_schema_fields

        fields = dp_schema_fields(table)
        return {"fields": fields, "primaryKey": list(table.spec.by), "missingValues": [""]}
    fields = []
    for name in table.spec.by:
        fields.append(
            {
                "name": name,
                "type": "string",
                "description": f"{name}; '{TOTAL_LABEL}' in margin rows; blank = no value",
            }
        )
    rounded = table.method == "rounding"
    base = table.disclosure.get("base")
    fields.append(
        {
            "name": COUNT,
            "type": "integer",
            "description": f"number of {table.spec.unit}, rounded to a multiple of {base} "
            "(controlled rounding: margins add up)"
            if rounded
            else f"number of {table.spec.unit}; blank when withheld",
            "constraints": {"minimum": 0},
        }
    )
    fields.append(
        {
            "name": STATUS,
            "type": "string",
            "description": "rounded (every count is rounded)"
            if rounded
            else "published, or why the count is withheld",
            "constraints": {"required": True, "enum": ["rounded"] if rounded else list(STATUSES)},
        }
    )
    return {"fields": fields, "primaryKey": list(table.spec.by), "missingValues": [""]}


_THRESHOLD_NOTE = "threshold rule with secondary suppression across every margin"


def disclosure_summary(tables: list[ProtectedRows], threshold: int) -> dict[str, Any]:
    """The release-level method record; unchanged from the first version when all tables
    use the threshold rule, else one entry per method used."""
    rule: dict[str, Any] = {
        "method": _THRESHOLD_NOTE,
        "threshold": threshold,
        "protection_width": threshold,
        "zeros": "published",
        "withheld": "blank count, status withheld (primary and secondary alike)",
        "reference": "docs/disclosure-control.md",
    }
    methods = {t.spec.name: t.method for t in tables}
    if all(m == "threshold" for m in methods.values()):
        return rule
    block: dict[str, Any] = {"methods": methods}
    if "threshold" in methods.values():
        block["threshold_rule"] = rule
    if "rounding" in methods.values():
        block["controlled_rounding"] = {
            "method": "controlled rounding of every cell and margin to a multiple of the base",
            "bases": {
                t.spec.name: t.disclosure.get("base") for t in tables if t.method == "rounding"
            },
            "additive": "margins equal the sums of the rounded cells",
            "reference": "docs/disclosure-control.md",
        }
    if "dp" in methods.values():
        block["differential_privacy"] = "see crimestats.differential_privacy"
    return block


_ROW_COUNTS = frozenset({"bytes", "rows_read", "accepted", "quarantined", "duplicates"})
"""Exact sizes of an ingested file: a file of one month or one small source would publish
a count the tables withhold (the store keeps them: ``crimestats status``)."""


def public_lineage(lineage: list[dict[str, object]], *, dp: bool) -> list[dict[str, object]]:
    """The lineage as published: each file's name, checksum, source, target and mapping;
    never its sizes or row counts; without checksums too when DP is used (a checksum is
    an exact function of the data, outside any privacy budget)."""
    exact = _ROW_COUNTS | {"sha256"} if dp else _ROW_COUNTS
    return [{k: v for k, v in item.items() if k not in exact} for item in lineage]


def notes_without_withheld_total(table: ProtectedRows) -> dict[str, Any]:
    """The table's notes, with the totals they state (``units_in_scope``,
    ``offences_in_scope``) withheld when the table withholds its grand total: the notes
    would otherwise publish the very number the table hides."""
    grand = [row for row in table.rows if all(row[f] == TOTAL_LABEL for f in table.spec.by)]
    if not grand or grand[0].get(COUNT) is not None:
        return table.notes
    notes = dict(table.notes)
    if "units_in_scope" in notes:
        notes["units_in_scope"] = None
    iccs = notes.get("iccs")
    if isinstance(iccs, dict) and "offences_in_scope" in iccs:
        notes["iccs"] = {**iccs, "offences_in_scope": None}
    return notes


def public_disclosure(disclosure: dict[str, Any]) -> dict[str, Any]:
    """The disclosure record without which cells were primary and which secondary: the
    audit's per-cell ``status`` would tell a reader that a primary cell holds 1..3."""
    audit = disclosure.get("audit")
    if not isinstance(audit, dict) or not isinstance(audit.get("cells"), list):
        return disclosure
    cells = [{k: v for k, v in cell.items() if k != "status"} for cell in audit["cells"]]
    return {**disclosure, "audit": {**audit, "cells": cells}}


__all__ = [
    "STANDARD_TABLES",
    "TOTAL_LABEL",
    "ProtectedRows",
    "TableSpec",
    "disclosure_summary",
    "notes_without_withheld_total",
    "protect_standard_table",
    "public_disclosure",
    "public_lineage",
    "row_sort_key",
    "table_notes",
    "table_schema",
]
