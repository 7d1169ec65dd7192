"""Repair of the cross-unit audit: withhold more cells until ``offences >= incidents``
no longer narrows any withheld cell, and the audit record for the release metadata.

Why apart from ``cross_unit.py``: the system and its audit are exact; this part is a
heuristic (greedy, bounded rounds) that may not converge, and the caller decides what to
do then (the release keeps the units' own patterns and records the failure). See
docs/disclosure-control.md section 7.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from typing import Any, NotRequired, TypedDict

import numpy as np
from numpy.typing import NDArray

from crimestats.privacy.cross_unit import (
    CrossReport,
    CrossSystem,
    UnitTable,
    build_cross_system,
    cross_audit,
)
from crimestats.privacy.joint import Hierarchy
from crimestats.privacy.table_rows import DEFAULT_TOTAL_LABEL


def _mirror(system: CrossSystem, mask: NDArray[np.bool_], width: float) -> set[int]:
    """Cells that make every nearly tight inequality hide something on both sides.

    An inequality whose true slack (offences minus incidents, no blank share) is below
    the width acts almost as an equation between the two tables: a withheld cell on one
    side with everything published on the other is bounded by it. So the cheapest
    published cell of the other side (the blank cell standing for the shares) is added.
    """
    chosen: set[int] = set()
    for row in system.inequalities:
        inc = [v for v, c in row.items() if c > 0]
        off = [v for v, c in row.items() if c < 0 and v < system.n_cells]
        off += [system.share_blank[v] for v in row if v in system.share_blank]
        slack = sum(int(system.values[v]) for v in off if v not in system.share_blank.values())
        slack -= sum(int(system.values[v]) for v in inc)
        if slack >= width:
            continue
        for hidden, other in ((inc, off), (off, inc)):
            free = [v for v in other if not mask[v] and not system.structural[v]]
            if any(mask[v] for v in hidden) and not any(mask[v] for v in other) and free:
                chosen.add(min(free, key=lambda v: (int(system.values[v]), v)))
    return chosen


def _candidates(system: CrossSystem, report: CrossReport, mask: NDArray[np.bool_]) -> set[int]:
    """Per failing cell and binding inequality, the cheapest published cell in it; when no
    inequality has one, the cheapest published cell of its binding equations."""
    chosen: set[int] = set()
    for variable in report.failures:
        fallback: list[tuple[int, int]] = []
        found = False
        for row in report.binding.get(variable, []):
            free = [
                (int(system.values[v]), v)
                for v in row
                if v < system.n_cells and not mask[v] and not system.structural[v]
            ]
            if not free:
                continue
            if any(row is r for r in system.inequalities):
                chosen.add(min(free)[1])
                found = True
            else:
                fallback += free
        if not found and fallback:
            chosen.add(min(fallback)[1])
    return chosen


Reprotect = Callable[[Mapping[str, list[dict[str, Any]]]], Sequence[UnitTable]]
"""Protects the tables again given, per table name, the cells to withhold; a cell is its
dimension values (open-ended: the keys are each table's own fields)."""


class CrossCellJSON(TypedDict):
    """A withheld cell in the cross-unit audit record: its labels and the attacker's
    bounds over every unit's tables (``None`` for an unbounded upper limit or width)."""

    labels: list[Any]
    lower: float
    upper: float | None
    width: float | None


class CrossUnitAuditJSON(TypedDict):
    """One table's ``cross_unit_audit`` record. A passing audit lists the intervals
    (``cells``); a failing one gives only how many are narrow (``narrow_cells``), since
    a narrow interval is the attacker's bounds, i.e. nearly the value."""

    method: str
    links: list[str]
    not_linked: list[str]
    protection_width: float
    passed: bool
    cells: NotRequired[list[CrossCellJSON]]
    narrow_cells: NotRequired[int]


def protect_across_units(
    tables: Sequence[UnitTable],
    reprotect: Reprotect,
    *,
    protection_width: float,
    hierarchies: Mapping[str, Sequence[Hierarchy]] | None = None,
    total_label: str = DEFAULT_TOTAL_LABEL,
    max_rounds: int = 20,
) -> tuple[list[UnitTable], CrossSystem, CrossReport]:
    """Audit tables of several units jointly and withhold more cells until it passes.

    ``reprotect`` takes, per table name, the extra cells to withhold (cumulative) and
    returns the tables protected again (same names and order) with their withheld cells:
    each unit's own protection keeps them and may add more, so the audit runs again.
    Each round adds the cells of :func:`_mirror`, or, when it has none, the cheapest
    published cell of each binding constraint of each failing cell.

    Not converging is an outcome, not an error: when no cell is left to add, or the audit
    still fails after ``max_rounds`` rounds, the last tables are returned with their
    failing report (``report.passed`` is false) and the caller falls back. A solver
    failure raises :class:`crimestats.privacy.audit.SolverFailureError` (a bug).
    """
    system = build_cross_system(tables, hierarchies=hierarchies, total_label=total_label)
    current = list(tables)
    extra: dict[str, list[dict[str, Any]]] = {}
    for _ in range(max_rounds):
        mask = system.mask(current)
        report = cross_audit(system, mask, protection_width)
        if report.passed:
            return current, system, report
        added = _mirror(system, mask, protection_width) or _candidates(system, report, mask)
        if not added:
            break
        for table in current:  # keep what is withheld: each unit's pattern only grows
            kept = extra.setdefault(table.name, [])
            kept += [dict(cell) for cell in table.withheld if dict(cell) not in kept]
        for variable in sorted(added):
            for t, ids in enumerate(system.ids):
                found = np.argwhere(ids == variable)
                if found.size:
                    labels = system.indexed[t].labels(total_label)
                    cell = {
                        name: labels[d][int(i)]
                        for d, (name, i) in enumerate(
                            zip(system.indexed[t].dimensions, found[0], strict=True)
                        )
                    }
                    extra.setdefault(system.tables[t].name, []).append(cell)
        current = list(reprotect(extra))
    mask = system.mask(current)
    return current, system, cross_audit(system, mask, protection_width)


def table_record(
    system: CrossSystem, report: CrossReport, table: int, withheld: NDArray[np.bool_]
) -> CrossUnitAuditJSON:
    """The cross-unit audit for one table's metadata: links and intervals, no true value."""
    name = system.tables[table].name
    links = [x.describe() for x in system.links if name in (x.incidents, x.offences)]
    labels = system.indexed[table].labels(system.total_label)
    ids = system.ids[table]
    cells: list[CrossCellJSON] = []
    seen: set[int] = set()
    for index in np.ndindex(*ids.shape):
        variable = int(ids[index])
        if variable in seen or variable not in report.intervals or not withheld[variable]:
            continue
        seen.add(variable)
        low, high = report.intervals[variable]
        cells.append(
            {
                "labels": [labels[d][i] for d, i in enumerate(index)],
                "lower": low,
                "upper": None if math.isinf(high) else high,
                "width": None if math.isinf(high - low) else high - low,
            }
        )
    record: CrossUnitAuditJSON = {
        "method": "attacker linear programs over the tables of several counting units "
        "(min/max), every unit's equations plus offences >= incidents, HiGHS",
        "links": links,
        "not_linked": [n for n in system.notes if name in n],
        "protection_width": report.protection_width,
        "passed": report.passed,
    }
    if report.passed:
        record["cells"] = cells
    else:  # a narrow interval would give the attacker's bounds, i.e. the value
        narrow = set(report.failures)
        record["narrow_cells"] = len(narrow & {int(v) for v in np.unique(ids)})
    return record


__all__ = ["protect_across_units", "table_record"]
