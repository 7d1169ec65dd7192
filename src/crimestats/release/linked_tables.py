"""Threshold tables of one release protected together: linked tables and revisions.

Why: two tables of a release that count the same unit over the same records share
numbers (incidents by source and year are a margin of incidents by source, year and
ICCS section; a section is the sum of its divisions). Protected one by one, a cell
withheld in one table can be published in the other, or recovered from it. So the
threshold tables of each counting unit go through
:func:`crimestats.privacy.protect_linked` together (one joint attacker audit over all of
them); a unit with one table is protected alone as before. Every table also withholds
again the cells the store's last recorded release of it withheld (``forced``), so that
subtracting two releases does not reveal what the first one hid.
"""

from __future__ import annotations

import dataclasses
import itertools
import os
import re
from collections.abc import Mapping, Sequence
from typing import Any

from crimestats.errors import UsageError
from crimestats.privacy.joint import Hierarchy
from crimestats.privacy.linked import LinkedTable, protect_linked
from crimestats.release.tables import (
    COUNT,
    STATUS,
    TOTAL_LABEL,
    ProtectedRows,
    TableSpec,
    counted_rows,
    protect_standard_table,
    row_sort_key,
    table_notes,
)

ICCS_LEVELS = ("iccs_l1", "iccs_l2", "iccs_l3", "iccs_l4")
"""Nested fields: each level's codes start with their parent's code."""
PERIOD_LEVELS = ("year", "quarter", "month")
"""Nested periods: ``2024`` holds ``2024-Q1`` holds ``2024-03`` (crimestats.stats.fields)."""
_CODE_WIDTH = {"iccs_l1": 2, "iccs_l2": 4, "iccs_l3": 5, "iccs_l4": 6}
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

    Declared only when every child value has a parent: a blank child (an offence coded
    above that level, an incident without a period date) has none, and the hierarchy is
    then not declared (the metadata says so).
    """
    used = {name for spec in specs for name in spec.by}
    out: list[Hierarchy] = []
    for chain in (ICCS_LEVELS, PERIOD_LEVELS):
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


def _linked_group(
    db: str | os.PathLike[str],
    specs: Sequence[TableSpec],
    *,
    threshold: int,
    forced: Mapping[str, list[dict[str, Any]]],
) -> dict[str, ProtectedRows]:
    counted = {spec.name: counted_rows(db, spec) for spec in specs}
    rows = {name: value[0] for name, value in counted.items()}
    live = [spec for spec in specs if rows[spec.name]]
    out = {
        spec.name: protect_standard_table(db, spec, threshold=threshold)
        for spec in specs
        if not rows[spec.name]
    }
    if len(live) == 1:
        spec = live[0]
        return {
            **out,
            spec.name: protect_standard_table(
                db, spec, threshold=threshold, forced=forced.get(spec.name)
            ),
        }
    hierarchies = _hierarchies(live, rows)
    inputs = [
        LinkedTable(list(spec.by), rows[spec.name], forced.get(spec.name, [])) for spec in live
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
                STATUS: str(row[STATUS]),
            }
            for row in protected
        ]
        written.sort(key=lambda row: row_sort_key(row, fields))
        notes = table_notes(counted[spec.name][1], threshold)
        out[spec.name] = ProtectedRows(spec, [*fields, COUNT, STATUS], written, disclosure, notes)
    return out


def protect_threshold_tables(
    db: str | os.PathLike[str],
    specs: Sequence[TableSpec],
    *,
    threshold: int,
    forced: Mapping[str, list[dict[str, Any]]] | None = None,
) -> dict[str, ProtectedRows]:
    """Protect the threshold tables of a release, linked tables of one unit together.

    ``forced`` maps a table name to cells to withhold whatever their count (field values,
    ``Total`` in margins), e.g. what the last recorded release of that table withheld.
    """
    carried = forced is not None
    forced = forced or {}
    by_unit: dict[str, list[TableSpec]] = {}
    for spec in specs:
        by_unit.setdefault(spec.unit, []).append(spec)
    out: dict[str, ProtectedRows] = {}
    for group in by_unit.values():
        if len(group) == 1:
            spec = group[0]
            out[spec.name] = protect_standard_table(
                db, spec, threshold=threshold, forced=forced.get(spec.name)
            )
        else:
            out.update(_linked_group(db, group, threshold=threshold, forced=forced))
    return {
        name: dataclasses.replace(table, disclosure=_stable(table.disclosure, carried=carried))
        for name, table in out.items()
    }


_RUN_DEPENDENT = ("forced_cells", "forced_cells_not_found")


def _stable(disclosure: dict[str, Any], *, carried: bool) -> dict[str, Any]:
    """The disclosure record without what depends on the store's release history.

    A release re-run on the same data withholds the same cells whether or not the
    previous pattern was carried forward, and must give the same bytes, so pass counts
    and how many cells were forced are left out; ``carry_forward`` says the rule.
    """
    out = {k: v for k, v in disclosure.items() if k not in _RUN_DEPENDENT}
    how = out.get("suppression")
    if isinstance(how, str):
        how = re.sub(r" in \d+ passes?", "", how)
        out["suppression"] = re.sub(r" \(\d+ rounds?\)", "", how)
    out["carry_forward"] = (
        "cells withheld by the last recorded release of this table are withheld again"
        if carried
        else "off"
    )
    return out


def withheld_of(table: ProtectedRows) -> list[dict[str, str | None]]:
    """The cells ``table`` withheld (its field values), to carry to the next release."""
    return [
        {name: row[name] for name in table.spec.by}
        for row in table.rows
        if row.get(STATUS) in ("primary", "secondary")
    ]


__all__ = ["protect_threshold_tables", "withheld_of"]
