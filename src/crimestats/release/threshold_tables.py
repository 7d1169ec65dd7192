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

Tables of different units are tied too: ``offences >= incidents`` per source and ICCS
section (and any incident field both tables have). After each unit is protected, the
incidents and offences tables are audited together and repaired
(:mod:`crimestats.privacy.cross_unit`); the result goes into each table's
``cross_unit_audit`` (docs/disclosure-control.md section 7).

Beside :mod:`crimestats.privacy.linked`: that module is the method (protect any set of
linked tables and audit them as one system; it knows nothing of releases); this one is
the release's threshold step (which of its tables are linked, what earlier releases
force, the repair across units).
"""

from __future__ import annotations

import dataclasses
import itertools
import re
from collections.abc import Mapping, Sequence
from typing import Any

from crimestats.errors import AuditError, UsageError
from crimestats.privacy.cross_repair import protect_across_units, table_record
from crimestats.privacy.cross_unit import (
    INCIDENTS,
    OFFENCES,
    UnitTable,
    build_cross_system,
    cross_audit,
)
from crimestats.privacy.history import EarlierCells
from crimestats.privacy.joint import Hierarchy
from crimestats.privacy.linked import LinkedTable, protect_linked
from crimestats.release.public_notes import public_notes
from crimestats.release.tables import (
    COUNT,
    STATUS,
    TOTAL_LABEL,
    WITHHELD,
    CountedTable,
    ProtectedRows,
    TableSpec,
    WithheldByRule,
    protect_counted,
    public_disclosure,
    public_status,
    row_sort_key,
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


def _protect_alone(
    counted: Mapping[str, CountedTable],
    spec: TableSpec,
    threshold: int,
    forced: Mapping[str, list[dict[str, Any]]],
    earlier: Mapping[str, EarlierCells],
) -> dict[str, ProtectedRows]:
    """A table linked to no other (the only one of its unit, or the only one of its
    unit with rows), protected alone against what earlier releases of it withheld."""
    table = protect_counted(
        counted[spec.name],
        threshold=threshold,
        forced=forced.get(spec.name),
        earlier=earlier.get(spec.name),
    )
    return {spec.name: table}


def _linked_group(
    counted: Mapping[str, CountedTable],
    specs: Sequence[TableSpec],
    *,
    threshold: int,
    forced: Mapping[str, list[dict[str, Any]]],
    earlier: Mapping[str, EarlierCells],
) -> tuple[dict[str, ProtectedRows], list[Hierarchy]]:
    """Protect the tables of one unit together (against what ``earlier`` releases of each
    published); also return the hierarchies used."""
    rows = {spec.name: counted[spec.name].fresh_rows() for spec in specs}
    live = [spec for spec in specs if rows[spec.name]]
    out = {
        spec.name: protect_counted(counted[spec.name], threshold=threshold)
        for spec in specs
        if not rows[spec.name]
    }
    if len(live) == 1:
        return {**out, **_protect_alone(counted, live[0], threshold, forced, earlier)}, []
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


def _protect_unit(
    counted: Mapping[str, CountedTable],
    group: Sequence[TableSpec],
    *,
    threshold: int,
    forced: Mapping[str, list[dict[str, Any]]],
    earlier: Mapping[str, EarlierCells],
) -> tuple[dict[str, ProtectedRows], list[Hierarchy]]:
    """The tables of one counting unit: alone, or linked through ``protect_linked``."""
    if len(group) == 1:
        return _protect_alone(counted, group[0], threshold, forced, earlier), []
    return _linked_group(counted, group, threshold=threshold, forced=forced, earlier=earlier)


def protect_threshold_tables(
    counted: Mapping[str, CountedTable],
    *,
    threshold: int,
    forced: Mapping[str, list[dict[str, Any]]] | None = None,
    earlier: Mapping[str, EarlierCells] | None = None,
) -> dict[str, ProtectedRows]:
    """Protect the threshold tables of a release, linked tables of one unit together.

    ``forced`` maps a table name to cells to withhold whatever their count (field values,
    ``Total`` in margins), e.g. what the last recorded release of that table withheld.
    Then the incidents and offences tables are audited together through
    ``offences >= incidents`` (:mod:`crimestats.privacy.cross_unit`), and cells are
    withheld until that audit passes too.
    """
    carried = forced is not None
    forced = forced or {}
    earlier = earlier or {}
    by_unit: dict[str, list[TableSpec]] = {}
    for spec in (table.spec for table in counted.values()):
        by_unit.setdefault(spec.unit, []).append(spec)
    out: dict[str, ProtectedRows] = {}
    hierarchies: dict[str, list[Hierarchy]] = {}
    for unit, group in by_unit.items():
        tables, hierarchies[unit] = _protect_unit(
            counted, group, threshold=threshold, forced=forced, earlier=earlier
        )
        out.update(tables)
    out = _across_units(
        counted, by_unit, out, threshold=threshold, forced=forced, earlier=earlier, used=hierarchies
    )
    return {
        name: dataclasses.replace(table, disclosure=_stable(table.disclosure, carried=carried))
        for name, table in out.items()
    }


_REPAIR_ROUNDS = 3
_COUPLING_ROUNDS = 10
"""Rounds of the greedy cross-unit repair before the release falls back (and says so)."""
_CROSS_UNITS = (INCIDENTS, OFFENCES)
"""Units linked by a provable inequality (offences >= incidents); victims and suspects
are not: an incident may have none, and an offence or incident many."""


def _across_units(
    counted: Mapping[str, CountedTable],
    by_unit: Mapping[str, list[TableSpec]],
    out: dict[str, ProtectedRows],
    *,
    threshold: int,
    forced: Mapping[str, list[dict[str, Any]]],
    earlier: Mapping[str, EarlierCells],
    used: Mapping[str, list[Hierarchy]],
) -> dict[str, ProtectedRows]:
    """Audit the incidents and offences tables together and repair; record the audit."""
    specs = [spec for unit in _CROSS_UNITS for spec in by_unit.get(unit, []) if out[spec.name].rows]
    if {spec.unit for spec in specs} != set(_CROSS_UNITS):
        return out
    truth = {spec.name: counted[spec.name].fresh_rows() for spec in specs}
    current = dict(out)

    def tables() -> list[UnitTable]:
        return [
            UnitTable(spec.name, spec.unit, spec.by, truth[spec.name], withheld_of(current[name]))
            for spec in specs
            for name in [spec.name]
        ]

    def reprotect(extra: Mapping[str, list[dict[str, Any]]]) -> list[UnitTable]:
        for unit in _CROSS_UNITS:
            group = by_unit[unit]
            if any(spec.name in extra for spec in group):
                more = {
                    spec.name: [*forced.get(spec.name, []), *extra.get(spec.name, [])]
                    for spec in group
                }
                again = _protect_unit(
                    counted, group, threshold=threshold, forced=more, earlier=earlier
                )
                current.update(again[0])
        return tables()

    first = tables()
    hierarchies = {unit: used.get(unit, []) for unit in _CROSS_UNITS}
    converged = True
    try:
        final, system, report = protect_across_units(
            first,
            reprotect,
            protection_width=float(threshold),
            hierarchies=hierarchies,
            total_label=TOTAL_LABEL,
            max_rounds=_REPAIR_ROUNDS,
        )
        converged = report.passed
    except AuditError:  # a unit's linked tables could not be repaired (protect_linked)
        converged = False
    # a solver failure (SolverFailureError) is a bug: it is not caught, it reaches the user
    if not converged:
        # the greedy repair did not converge. Fall back on coupling: in every (shared
        # fields, ICCS section) slice where either table withholds a cell, withhold the
        # slice in both tables, so that neither side bounds the other's hidden cells; then
        # audit again. If that fails too, publish the units' own patterns and say so
        # (how many cells), without the narrow bounds.
        current = dict(out)
        extra: dict[str, list[dict[str, Any]]] = {}
        final = first
        for _ in range(_COUPLING_ROUNDS):  # until no slice is half hidden
            more = _coupled_slices(specs, current)
            if not more:
                break
            for name, cells in more.items():
                extra[name] = [*extra.get(name, []), *cells]
            final = reprotect(extra)
        system = build_cross_system(final, hierarchies=hierarchies, total_label=TOTAL_LABEL)
        report = cross_audit(system, system.mask(final), float(threshold))
        if not report.passed:
            current = dict(out)
            final = first
            system = build_cross_system(first, hierarchies=hierarchies, total_label=TOTAL_LABEL)
            report = cross_audit(system, system.mask(first), float(threshold))
    mask = system.mask(final)
    for number, spec in enumerate(specs):
        disclosure = dict(current[spec.name].disclosure)
        disclosure["cross_unit_audit"] = table_record(system, report, number, mask)
        current[spec.name] = dataclasses.replace(current[spec.name], disclosure=disclosure)
    return current


def _slice_key(
    row: Mapping[str, Any], shared: Sequence[str], iccs: str | None, width: int
) -> tuple[Any, ...] | None:
    """The (shared fields, ICCS section) slice of a row; ``None`` for a row outside every
    slice (a margin over a shared field, a blank or totalled ICCS value)."""
    values = [row[name] for name in shared]
    if any(v == TOTAL_LABEL for v in values):
        return None
    if iccs is None:
        return tuple(values)
    code = row[iccs]
    if code is None or code == TOTAL_LABEL:
        return None
    return (*values, str(code)[:width])


def _coupled_slices(
    specs: Sequence[TableSpec], tables: Mapping[str, ProtectedRows]
) -> dict[str, list[dict[str, Any]]]:
    """Cells to withhold so that no slice is half hidden: every row of every table in a
    slice where any of the tables withholds a row."""
    iccs_of = {s.name: next((f for f in s.by if f in _CODE_WIDTH), None) for s in specs}
    if any(iccs_of[s.name] is None for s in specs):
        return {}
    width = min(_CODE_WIDTH[str(iccs_of[s.name])] for s in specs)
    shared = [f for f in specs[0].by if f not in _CODE_WIDTH and all(f in s.by for s in specs)]
    hidden: set[tuple[Any, ...]] = set()
    for spec in specs:
        for row in tables[spec.name].rows:
            if row.get(STATUS) == WITHHELD:
                key = _slice_key(row, shared, iccs_of[spec.name], width)
                if key is not None:
                    hidden.add(key)
    out: dict[str, list[dict[str, Any]]] = {}
    for spec in specs:
        cells = [
            {name: row[name] for name in spec.by}
            for row in tables[spec.name].rows
            if row.get(STATUS) != WITHHELD
            and _slice_key(row, shared, iccs_of[spec.name], width) in hidden
        ]
        if cells:
            out[spec.name] = cells
    return out


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
        if row.get(STATUS) == WITHHELD
    ]


__all__ = ["protect_threshold_tables", "withheld_of"]
