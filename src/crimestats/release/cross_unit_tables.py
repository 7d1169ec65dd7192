"""The incidents and offences tables of a release audited together, and repaired.

Why: tables of different units are tied too: ``offences >= incidents`` per source and
ICCS section (and any incident field both tables have), so a cell one unit's table
withholds can be bounded from the other's published cells. After each unit is
protected (:mod:`crimestats.release.linked_tables`), the incidents and offences tables
are audited together and repaired (:mod:`crimestats.privacy.cross_repair`); when the
greedy repair does not converge, every (shared fields, ICCS section) slice that either
table withholds in part is withheld in both (coupling), and if even that fails the
units' own patterns are published and the metadata says how many cells stay narrow.
The result goes into each table's ``cross_unit_audit`` (docs/disclosure-control.md
section 7).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from typing import Any

from crimestats.errors import AuditError
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
from crimestats.release.counted_tables import CountedTable
from crimestats.release.linked_tables import protect_unit
from crimestats.release.standard_tables import TableSpec
from crimestats.release.table_cells import (
    STATUS,
    TOTAL_LABEL,
    WITHHELD,
    CellValues,
    ForcedCells,
)
from crimestats.release.tables import ProtectedRows, withheld_of
from crimestats.stats.fields import ICCS_LENGTH

_REPAIR_ROUNDS = 3
_COUPLING_ROUNDS = 10
"""Rounds of the greedy cross-unit repair before the release falls back (and says so)."""
_CROSS_UNITS = (INCIDENTS, OFFENCES)
"""Units linked by a provable inequality (offences >= incidents); victims and suspects
are not: an incident may have none, and an offence or incident many."""


def across_units(
    counted: Mapping[str, CountedTable],
    by_unit: Mapping[str, list[TableSpec]],
    out: dict[str, ProtectedRows],
    *,
    threshold: int,
    forced: ForcedCells,
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

    def reprotect(extra: ForcedCells) -> list[UnitTable]:
        for unit in _CROSS_UNITS:
            group = by_unit[unit]
            if any(spec.name in extra for spec in group):
                more = {
                    spec.name: [*forced.get(spec.name, []), *extra.get(spec.name, [])]
                    for spec in group
                }
                again = protect_unit(
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
        extra: dict[str, list[CellValues]] = {}
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
) -> dict[str, list[CellValues]]:
    """Cells to withhold so that no slice is half hidden: every row of every table in a
    slice where any of the tables withholds a row."""
    iccs_of = {s.name: next((f for f in s.by if f in ICCS_LENGTH), None) for s in specs}
    if any(iccs_of[s.name] is None for s in specs):
        return {}
    width = min(ICCS_LENGTH[str(iccs_of[s.name])] for s in specs)
    shared = [f for f in specs[0].by if f not in ICCS_LENGTH and all(f in s.by for s in specs)]
    hidden: set[tuple[Any, ...]] = set()
    for spec in specs:
        for row in tables[spec.name].rows:
            if row.get(STATUS) == WITHHELD:
                key = _slice_key(row, shared, iccs_of[spec.name], width)
                if key is not None:
                    hidden.add(key)
    out: dict[str, list[CellValues]] = {}
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


__all__ = ["across_units"]
