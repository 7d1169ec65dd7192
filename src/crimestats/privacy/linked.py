"""Protect the linked tables of one release together, then audit them as one system.

Why: :func:`crimestats.privacy.protect_rows` makes one table safe against its own
margins, but the tables of a release that count the same unit share cells (a table by
(source, iccs_l1) is a margin of one by (source, year, iccs_l1)) or are tied by a
hierarchy (iccs_l2 within iccs_l1). A cell withheld in one and published in another, or
recoverable from the equations of both, leaks (Hundepool et al. 2012, *Statistical
Disclosure Control*, section 4.4; de Wolf & Giessing 2009 on tau-argus's modular
approach for linked tables).

Method (``method="auto"``), on the joint system of ``joint.py`` where each shared cell
is one variable:

1. primary cells (threshold rule) and ``forced`` cells (e.g. a previous release's
   withheld cells) are withheld in every table that holds them;
2. each table is protected on its own with the cells already withheld fixed
   (``protect_table(keep_suppressed=...)``); cells it adds are withheld in every other
   table that shares them; repeat until no table adds a cell (a fixed point: the pattern
   only grows);
3. one joint audit: for every withheld cell, the attacker's two linear programs over the
   equations of all tables at once (``audit.py``); if a cell is still too narrow (two
   tables can pin a shared cell that neither pins alone, and hierarchy equations are
   seen only here), the joint MILP (``milp.py``) extends the pattern with the cells
   withheld so far fixed, and the audit is run again.

``method="joint"`` runs the MILP on the joint system from the start (optimal for the
whole release, slower for 3-D tables). Either way the result passes the joint audit, or
:class:`crimestats.errors.AuditError` is raised.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal, TypedDict

import numpy as np
from numpy.typing import NDArray

from crimestats.errors import AuditError, SuppressionError, UsageError
from crimestats.privacy.audit import AuditReport, IntervalJSON, audit
from crimestats.privacy.history import (
    EarlierCells,
    Fact,
    WithFacts,
    earlier_facts,
    known_mask,
    pinned_anyway,
)
from crimestats.privacy.joint import Hierarchy, JointSystem, build_joint
from crimestats.privacy.milp import milp_suppression
from crimestats.privacy.protect import protect_table
from crimestats.privacy.secondary import Method, Objective, cell_weights
from crimestats.privacy.structural import STRUCTURAL, structural_full
from crimestats.privacy.table_rows import (
    DEFAULT_TOTAL_LABEL,
    IndexedRows,
    index_rows,
    rows_with_status,
)
from crimestats.privacy.tables import FullTable, with_margins
from crimestats.privacy.threshold import DEFAULT_THRESHOLD, check_threshold, primary_mask

LinkedMethod = Literal["auto", "joint"]


@dataclass(frozen=True)
class LinkedTable:
    """One table of a release: its dimension fields, its rows and cells to withhold.

    ``rows`` are dicts of field values plus ``count`` (as :func:`protect_rows` takes);
    ``forced`` lists cells to withhold whatever their count, each as its dimension values
    with the total label for a margin (e.g. :func:`withheld_cells` of the previous
    release's rows); ``earlier`` what earlier releases of the table published (a cell
    published with its current value is known to the attacker:
    :mod:`crimestats.privacy.history`).
    """

    fields: Sequence[str]
    rows: Sequence[Mapping[str, Any]]
    forced: Sequence[Mapping[str, Any]] = ()
    earlier: EarlierCells | None = None


TableInput = LinkedTable | tuple[Sequence[str], Sequence[Mapping[str, Any]]]
_Parsed = tuple[list[dict[str, Any]], IndexedRows, FullTable]
"""One input table checked: its rows (fields plus ``count``), their layout, the full table."""


class LabelledIntervalJSON(IntervalJSON):
    """An audited cell of one linked table: its position and dimension values (a
    margin's value is the total label) with the attacker's bounds."""

    labels: list[Any]


class JointAuditJSON(TypedDict):
    """The joint audit as one linked table's metadata shows it (its own cells only)."""

    method: str
    scope: str
    protection_width: float
    passed: bool
    cells: list[LabelledIntervalJSON]


class _LinkedRelease(TypedDict):
    """What every table of one linked protection shares: the method and the release."""

    method: str
    threshold: int
    protection_width: float
    objective: str
    suppression: str
    withheld_cells_in_release: int
    linked_tables: int
    forced_cells_not_found: int


class LinkedMetadata(_LinkedRelease):
    """One linked table's disclosure record: the shared part, then its own counts of
    withheld cells and its share of the joint audit (never a true value)."""

    primary_cells: int
    secondary_cells: int
    forced_cells: int
    shared_cells: int
    audit: JointAuditJSON


def withheld_cells(
    rows: Iterable[Mapping[str, Any]], fields: Sequence[str], *, status: str = "status"
) -> list[dict[str, Any]]:
    """The cells a published table withheld, as ``forced`` input for the next release.

    Takes the rows as published (margins included, with their ``status``); returns the
    dimension values of every row whose status is not ``published``.
    """
    return [
        {name: row[name] for name in fields}
        for row in rows
        if row.get(status, "published") != "published"
    ]


def protect_linked(
    tables: Sequence[TableInput],
    *,
    threshold: int = DEFAULT_THRESHOLD,
    protection_width: float | None = None,
    total_label: str = DEFAULT_TOTAL_LABEL,
    count: str = "count",
    hierarchies: Sequence[Hierarchy] = (),
    objective: Objective = "total",
    method: LinkedMethod = "auto",
    table_method: Method = "auto",
    include_margins: bool = True,
) -> list[tuple[list[dict[str, Any]], LinkedMetadata]]:
    """Apply the threshold rule and secondary suppression to linked tables together.

    Parameters
    ----------
    tables : sequence of LinkedTable or (fields, rows)
        Tables of one release counting the same unit over the same records; cells with
        the same dimension values are the same number (checked).
    threshold, protection_width, objective
        As for :func:`crimestats.privacy.protect_table`.
    hierarchies : sequence of Hierarchy
        Fields that nest (iccs_l2 in iccs_l1), linking tables by either level.
    method : {"auto", "joint"}
        Per-table protection to a fixed point plus a joint repair, or the joint MILP.
    table_method : {"auto", "milp", "hypercube"}
        The per-table method of step 2 (``method="auto"``).

    Returns
    -------
    list of (rows, metadata)
        Per input table: its rows with ``count`` (``None`` if withheld) and ``status``,
        margin rows appended as :func:`protect_rows` does; and a JSON-ready record of
        the method and the joint audit (attacker intervals, never true values).
    """
    threshold = check_threshold(threshold)
    width = float(threshold if protection_width is None else protection_width)
    if width < 0:
        raise UsageError(f"protection_width must not be negative, got {protection_width}")
    if method not in ("auto", "joint"):
        raise UsageError(f"unknown linked method {method!r}", hint="use 'auto' or 'joint'")
    if not tables:
        raise UsageError("protect_linked needs at least one table")
    inputs = [t if isinstance(t, LinkedTable) else LinkedTable(t[0], t[1]) for t in tables]
    parsed: list[_Parsed] = []
    for number, table in enumerate(inputs, start=1):
        try:
            data, indexed = index_rows(
                table.rows, list(table.fields), count=count, total_label=total_label
            )
        except UsageError as error:
            raise UsageError(f"linked table {number}: {error.message}", hint=error.hint) from error
        parsed.append((data, indexed, with_margins(indexed.interior)))
    system = build_joint([(ix, full) for _, ix, full in parsed], hierarchies)
    flagged = np.zeros(system.size, dtype=bool)  # structural zeros the rows declare
    for (_, indexed, _), ids in zip(parsed, system.cells, strict=True):
        flagged[ids[structural_full(indexed)]] = True
    system.structural[flagged] = True  # known zeros: never withheld, never partners
    primary = primary_mask(system.flat, threshold)
    forced = np.zeros(system.size, dtype=bool)
    missing = 0
    for table, (_, indexed, _), ids in zip(inputs, parsed, system.cells, strict=True):
        for cell in table.forced:
            index = indexed.locate(cell, total_label)
            if index is None:
                missing += 1
            else:
                forced[ids[index]] = True
    forced &= ~system.structural  # a known zero cannot be hidden
    known = np.zeros(system.size, dtype=bool)  # published unchanged by an earlier release
    facts: list[list[Fact]] = []  # per table, over its own flat cells
    joint_facts: list[Fact] = []  # the same, over the joint system's variables
    for table, (_, indexed, full), ids in zip(inputs, parsed, system.cells, strict=True):
        mine = earlier_facts(indexed, full, table.earlier, total_label) if table.earlier else []
        if table.earlier:
            known[ids[known_mask(indexed, full, table.earlier, total_label)]] = True
        facts.append(mine)
        flat_ids = ids.reshape(-1)
        for fact in mine:
            row: Fact = {}
            for position, coef in fact.items():
                variable = int(flat_ids[position])
                row[variable] = row.get(variable, 0.0) + coef
            joint_facts.append(row)
    fixed = primary | forced
    weights = cell_weights(system.flat, objective)
    allowed = ~system.structural & ~known
    model = WithFacts(system, tuple(joint_facts)) if joint_facts else system
    # withheld cells the attacker holds from an earlier release (known, or pinned by its
    # lines: history.pinned_anyway) are withheld without protection, as in
    # protect.protect_table (red-team finding C): the model protects the rest

    def solve(hidden: NDArray[np.bool_]) -> tuple[NDArray[np.bool_], int]:
        nonlocal known, allowed
        try:
            found, rounds = milp_suppression(
                model, hidden & ~known, width, weights, allowed=allowed
            )
        except SuppressionError:
            if not known.any() and not joint_facts:
                raise
            known = known | pinned_anyway(model, hidden & ~known, allowed, width)
            allowed = allowed & ~known
            found, rounds = milp_suppression(
                model, hidden & ~known, width, weights, allowed=allowed
            )
        return found | hidden, rounds

    if method == "joint":
        mask, rounds = solve(fixed)
        how = f"joint MILP over all linked tables ({rounds} rounds)"
        report = audit(model, mask & ~known, width, primary)
    else:
        mask, passes = _fixed_point(
            system, parsed, fixed, threshold, width, objective, table_method, known, facts
        )
        how = f"per table ({table_method}) to a fixed point in {passes} passes"
        report = audit(model, mask & ~known, width, primary)
        if not report.passed:
            mask, rounds = solve(mask)
            how += f", then joint MILP repair ({rounds} rounds)"
            report = audit(model, mask & ~known, width, primary)
    if not report.passed:
        raise AuditError(
            f"{len(report.failures)} withheld cells of the linked tables can be bounded "
            f"more tightly than the protection width {width:g}",
            hint="report this as a bug; use method='joint' meanwhile",
        )
    common: _LinkedRelease = {
        "method": "threshold rule with secondary suppression (linked tables)",
        "threshold": threshold,
        "protection_width": width,
        "objective": objective,
        "suppression": how,
        "withheld_cells_in_release": int(mask.sum()),
        "linked_tables": len(parsed),
        "forced_cells_not_found": missing,
    }
    holders = np.zeros(system.size, dtype=np.int64)  # how many tables hold each cell
    for ids in system.cells:
        holders[np.unique(ids)] += 1
    out: list[tuple[list[dict[str, Any]], LinkedMetadata]] = []
    for t, (data, indexed, full) in enumerate(parsed):
        ids = system.cells[t]
        status = np.where(primary[ids], "primary", np.where(mask[ids], "secondary", "published"))
        status = np.where(flagged[ids], STRUCTURAL, status)
        published = np.empty(full.shape, dtype=object)
        for index in np.ndindex(*full.shape):
            hidden = mask[ids[index]] or flagged[ids[index]]
            published[index] = None if hidden else int(full.values[index])
        rows = rows_with_status(
            data,
            indexed,
            published,
            status,
            count=count,
            total_label=total_label,
            include_margins=include_margins,
        )
        meta: LinkedMetadata = {
            **common,
            "primary_cells": int((status == "primary").sum()),
            "secondary_cells": int((status == "secondary").sum()),
            "forced_cells": int((forced[ids] & ~primary[ids]).sum()),
            "shared_cells": int((holders[np.unique(ids)] > 1).sum()),
            "audit": _table_audit(report, system, t, indexed, total_label),
        }
        out.append((rows, meta))
    return out


def _fixed_point(
    system: JointSystem,
    parsed: Sequence[_Parsed],
    fixed: NDArray[np.bool_],
    threshold: int,
    width: float,
    objective: Objective,
    table_method: Method,
    known: NDArray[np.bool_],
    facts: Sequence[Sequence[Fact]],
) -> tuple[NDArray[np.bool_], int]:
    """Protect each table with the cells withheld anywhere fixed, until none is added
    (no table counting on a ``known`` cell as a partner)."""
    mask = fixed.copy()
    passes = 0
    while True:
        passes += 1
        before = mask.copy()
        for (_, indexed, _), ids, mine in zip(parsed, system.cells, facts, strict=True):
            result = protect_table(
                indexed.interior,
                protection_width=width,
                threshold=threshold,
                objective=objective,
                method=table_method,
                run_audit=False,
                keep_suppressed=mask[ids],
                known=known[ids],
                facts=mine,
            )
            added = ids[result.status != "published"]
            mask[added[~system.structural[added]]] = True  # structural zeros stay shown
        if np.array_equal(before, mask):
            return mask, passes


def _table_audit(
    report: AuditReport,
    system: JointSystem,
    table: int,
    indexed: IndexedRows,
    total_label: str,
) -> JointAuditJSON:
    """The joint audit's intervals for one table's withheld cells, by position and label."""
    by_variable = {c.cell[0]: c for c in report.cells}
    labels = indexed.labels(total_label)
    ids = system.cells[table]
    cells: list[LabelledIntervalJSON] = []
    for index in np.ndindex(*ids.shape):
        interval = by_variable.get(int(ids[index]))
        if interval is None:
            continue
        cells.append(
            {
                **interval.to_dict(),
                "cell": [int(i) for i in index],  # the table's position, not the variable
                "labels": [labels[d][i] for d, i in enumerate(index)],
            }
        )
    return {
        "method": "attacker linear programs over all linked tables (min/max), HiGHS",
        "scope": "joint: every equation of every linked table and hierarchy",
        "protection_width": report.protection_width,
        "passed": report.passed,
        "cells": cells,
    }


__all__ = ["LinkedTable", "protect_linked", "withheld_cells"]
