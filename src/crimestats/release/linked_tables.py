"""The threshold tables of one counting unit protected together (linked tables).

Why: two tables of a release that count the same unit over the same records share
numbers (incidents by source and year are a margin of incidents by source, year and
ICCS section; a section is the sum of its divisions). Protected one by one, a cell
withheld in one table can be published in the other, or recovered from it. So the
threshold tables of each counting unit go through
:func:`crimestats.privacy.protect_linked` together (one joint attacker audit over all of
them), with the nested fields they use declared as hierarchies; a unit with one table
(or one table with rows) is protected alone. Every table also withholds again the cells
``forced`` on it (what the last recorded release withheld) and does not count on what
``earlier`` releases published.

Beside :mod:`crimestats.privacy.linked`: that module is the method (protect any set of
linked tables and audit them as one system; it knows nothing of releases); this one
says which tables of a release are linked and how their rows are written. The repair
across units is :mod:`crimestats.release.cross_unit_tables`; the release's whole
threshold step :mod:`crimestats.release.threshold_tables`.
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping, Sequence
from typing import Any

from crimestats.errors import UsageError
from crimestats.privacy.history import EarlierCells
from crimestats.privacy.joint import Hierarchy
from crimestats.privacy.linked import LinkedTable, protect_linked
from crimestats.release.counted_tables import CountedTable
from crimestats.release.public_notes import public_notes
from crimestats.release.standard_tables import TableSpec
from crimestats.release.table_cells import (
    COUNT,
    STATUS,
    TOTAL_LABEL,
    ForcedCells,
    public_status,
    row_sort_key,
)
from crimestats.release.tables import (
    ProtectedRows,
    WithheldByRule,
    protect_counted,
    public_disclosure,
)
from crimestats.stats.fields import ICCS_LENGTH, period_fields

ICCS_LEVELS = tuple(ICCS_LENGTH)
"""Nested fields: each level's codes start with their parent's code."""
PERIOD_LEVELS = period_fields()
"""Nested periods: ``2024`` holds ``2024-Q1`` holds ``2024-03`` (crimestats.stats.fields)."""
_CODE_WIDTH = ICCS_LENGTH
"""Characters of an ICCS code at each level (section 01, division 0101, group 01011, ...)."""


def _parent_value(parent: str, child: str, value: str) -> str:
    """The value of ``parent`` that holds ``value`` of the finer level ``child``."""
    if parent in _CODE_WIDTH:
        return value[: _CODE_WIDTH[parent]]
    if parent == "year":
        return value[:4]
    # quarter of a month: 2024-03 -> 2024-Q1
    return f"{value[:4]}-Q{(int(value[5:7]) - 1) // 3 + 1}"


def _hierarchies(
    specs: Sequence[TableSpec], rows: Mapping[str, list[dict[str, Any]]]
) -> list[Hierarchy]:
    """ICCS levels and periods nest: declare each pair of nested fields the tables use.

    Periods nest for every unit (each record has one date). ICCS levels add up only for
    offences: an incident with offences in two divisions of one section counts once in
    the section and once in each division, so for incidents (and victims, suspects) a
    section is not the sum of its divisions and no equation is declared.
    Declared only when every child value has a parent: a blank child (an offence coded
    above that level, an incident without a period date) has none, and the hierarchy is
    then not declared (the metadata says so).
    """
    used = {name for spec in specs for name in spec.by}
    additive_iccs = all(spec.unit == "offences" for spec in specs)
    out: list[Hierarchy] = []
    for chain in (ICCS_LEVELS, PERIOD_LEVELS) if additive_iccs else (PERIOD_LEVELS,):
        levels = [level for level in chain if level in used]
        for parent, child in itertools.pairwise(levels):
            values = {
                row[child]
                for spec in specs
                if child in spec.by
                for row in rows[spec.name]
                if row[child] != TOTAL_LABEL
            }
            if None in values:
                continue
            mapping = {v: _parent_value(parent, child, str(v)) for v in values}
            out.append(Hierarchy(child, parent, mapping))
    return out


def protect_unit(
    counted: Mapping[str, CountedTable],
    specs: Sequence[TableSpec],
    *,
    threshold: int,
    forced: ForcedCells,
    earlier: Mapping[str, EarlierCells],
) -> tuple[dict[str, ProtectedRows], list[Hierarchy]]:
    """Protect the tables of one counting unit together through ``protect_linked``
    (against what ``earlier`` releases of each published), or alone when only one of
    them has rows; also return the hierarchies used (none for a table alone)."""
    rows = {spec.name: counted[spec.name].fresh_rows() for spec in specs}
    live = [spec for spec in specs if rows[spec.name]]
    out = {
        spec.name: protect_counted(counted[spec.name], threshold=threshold)
        for spec in specs
        if not rows[spec.name]
    }
    if len(live) <= 1:  # linked to no other table with rows: alone, against its history
        for spec in live:
            out[spec.name] = protect_counted(
                counted[spec.name],
                threshold=threshold,
                forced=forced.get(spec.name),
                earlier=earlier.get(spec.name),
            )
        return out, []
    hierarchies = _hierarchies(live, rows)
    inputs = [
        LinkedTable(
            list(spec.by), rows[spec.name], forced.get(spec.name, []), earlier.get(spec.name)
        )
        for spec in live
    ]
    try:
        results = protect_linked(
            inputs, threshold=threshold, total_label=TOTAL_LABEL, hierarchies=hierarchies
        )
    except UsageError:
        if not hierarchies:
            raise
        hierarchies = []
        results = protect_linked(inputs, threshold=threshold, total_label=TOTAL_LABEL)
    linked = [spec.name for spec in live]
    for spec, (protected, metadata) in zip(live, results, strict=True):
        fields = spec.by
        disclosure = dict(metadata)
        disclosure["linked_with"] = [name for name in linked if name != spec.name]
        disclosure["hierarchies"] = [f"{h.child} in {h.parent}" for h in hierarchies] or (
            "none declared: a blank value (an offence coded above that ICCS level, an "
            "incident without a period date) does not nest"
            if any(level in spec.by for level in (*ICCS_LEVELS[1:], *PERIOD_LEVELS[1:]))
            else []
        )
        written = [
            {
                **{name: None if row[name] is None else str(row[name]) for name in fields},
                COUNT: None if row[COUNT] is None else int(row[COUNT]),
                STATUS: public_status(str(row[STATUS])),
            }
            for row in protected
        ]
        written.sort(key=lambda row: row_sort_key(row, fields))
        notes = public_notes(counted[spec.name].metadata, fields, written, exact_total=True)
        out[spec.name] = ProtectedRows(
            spec,
            [*fields, COUNT, STATUS],
            written,
            public_disclosure(disclosure),
            notes,
            by_rule=WithheldByRule.of(disclosure),
        )
    return out, hierarchies


__all__ = ["ICCS_LEVELS", "PERIOD_LEVELS", "protect_unit"]
