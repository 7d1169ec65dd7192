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

from crimestats.privacy import protect_rows
from crimestats.stats import count_table

TOTAL_LABEL = "Total"
COUNT = "count"
STATUS = "status"
STATUSES = ("published", "primary", "secondary")

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
        "incidents_by_source_year_iccs_l1",
        "incidents",
        ("source", "year", "iccs_l1"),
        "Incidents by source, year (reported) and ICCS section",
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
"""The tables every release holds (issue 5, item 1)."""


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
    """

    spec: TableSpec
    columns: list[str]
    rows: list[dict[str, Any]]
    disclosure: dict[str, Any]
    notes: dict[str, Any]


def _text(value: Any) -> str | None:
    return None if value is None else str(value)


def _sort_key(row: dict[str, Any], fields: tuple[str, ...]) -> tuple[tuple[int, str], ...]:
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


def table_notes(metadata: dict[str, Any], threshold: int) -> dict[str, Any]:
    """The stats metadata fit for publication: no local paths, no small counts."""
    notes: dict[str, Any] = {}
    for key, value in metadata.items():
        if key in _DROPPED_KEYS:
            continue
        if key == "iccs" and isinstance(value, dict):
            notes[key] = {
                k: _mask_small(v, threshold) if k in _COUNT_KEYS else v for k, v in value.items()
            }
        elif key in _COUNT_KEYS:
            notes[key] = _mask_small(value, threshold)
        else:
            notes[key] = value
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


def protect_standard_table(
    db: str | os.PathLike[str], spec: TableSpec, *, threshold: int
) -> ProtectedRows:
    """Count ``spec`` from the store and apply the threshold rule and secondary suppression."""
    stats = count_table(db, by=list(spec.by), unit=spec.unit)
    fields = spec.by
    rows = [
        {**{name: _text(row[name]) for name in fields}, COUNT: int(row[COUNT])}
        for row in stats.rows()
    ]
    rows.sort(key=lambda row: _sort_key(row, fields))
    columns = [*fields, COUNT, STATUS]
    notes = table_notes(stats.metadata, threshold)
    if not rows:
        disclosure: dict[str, Any] = {
            "method": "threshold rule with secondary suppression",
            "threshold": threshold,
            "note": "the store holds nothing for this table; it is empty",
        }
        return ProtectedRows(spec, columns, [], disclosure, notes)
    protected_rows, protected = protect_rows(
        rows, list(fields), total_label=TOTAL_LABEL, threshold=threshold
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
            STATUS: str(row[STATUS]),
        }
        for row in protected_rows
    ]
    out.sort(key=lambda row: _sort_key(row, fields))
    return ProtectedRows(spec, columns, out, disclosure, notes)


__all__ = [
    "STANDARD_TABLES",
    "TOTAL_LABEL",
    "ProtectedRows",
    "TableSpec",
    "protect_standard_table",
    "table_notes",
]
