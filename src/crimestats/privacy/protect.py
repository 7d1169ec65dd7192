"""Protect a table for publication: threshold rule plus secondary suppression, or rounding.

Why: one entry point that applies the release's disclosure method, audits the result and
returns both the publishable numbers and a report for the release metadata (DESIGN.md
section 6). :func:`protect_table` takes a numpy array of interior cells;
:func:`protect_rows` takes rows like crimestats' statistics tables (fields plus
``count``) and returns them with a ``status`` column (``published``, ``primary``,
``secondary`` or ``rounded``) and ``None`` for withheld counts, margins appended.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal, TypedDict

import numpy as np
from numpy.typing import ArrayLike, NDArray

from crimestats.errors import SuppressionError, UsageError
from crimestats.privacy.audit import AuditReport, audit
from crimestats.privacy.history import EarlierCells, Fact, WithFacts, pinned_anyway
from crimestats.privacy.rounding import DEFAULT_BASE, controlled_round
from crimestats.privacy.secondary import Method, Objective, secondary_suppression
from crimestats.privacy.structural import (
    STRUCTURAL,
    STRUCTURAL_FLAG,
    mark_structural,
    structural_full,
)
from crimestats.privacy.table_rows import (
    DEFAULT_TOTAL_LABEL,
    IndexedRows,
    index_rows,
    rows_with_status,
)
from crimestats.privacy.tables import FullTable, with_margins
from crimestats.privacy.threshold import DEFAULT_THRESHOLD, check_threshold, primary_mask

Protection = Literal["suppress", "round"]


class ProtectionParameters(TypedDict, total=False):
    """How a table was protected, in the order the disclosure record shows it.

    Rounding fills ``method`` and ``base``; suppression the rest. ``objective_value``
    stays out of the record (:meth:`ProtectedTable.metadata` says why);
    ``structural_zeros`` is added when the table has any
    (:func:`crimestats.privacy.structural.mark_structural`).
    """

    method: str
    base: int
    threshold: int
    protection_width: float
    objective: str
    suppression: str
    objective_value: int
    structural_zeros: int


class _SuppressionOptions(TypedDict):
    """The keyword arguments :func:`protect_table` passes to ``secondary_suppression``,
    held once because a pinned cell makes it call twice with ``allowed`` narrowed."""

    objective: Objective
    method: Method
    milp_max_cells: int | None
    allowed: NDArray[np.bool_] | None
    facts: tuple[Fact, ...]


@dataclass(frozen=True)
class ProtectedTable:
    """A protected full table (interior and margins) and how it was protected.

    Attributes
    ----------
    table : FullTable
        The true counts with margins (never publish these).
    published : ndarray of object
        The full table as published: ints, or ``None`` where withheld.
    status : ndarray of str
        ``published``, ``primary``, ``secondary`` or ``rounded`` per cell.
    parameters : ProtectionParameters
        The method and its parameters, for release metadata.
    audit : AuditReport or None
        Attacker intervals of suppressed cells (``None`` when rounding or not audited).
    """

    table: FullTable
    published: NDArray[np.object_]
    status: NDArray[np.str_]
    parameters: ProtectionParameters
    audit: AuditReport | None

    def metadata(self) -> dict[str, Any]:
        """The disclosure-control record for ``datapackage.json`` (no true counts).

        ``objective_value`` is left out: with the ``"total"`` objective it is the sum of
        the withheld counts, one more equation for the attacker, which can pin a cell
        the audit found safe (e.g. interior ``[[2, 0], [0, 4]]``).

        A plain dict, not a TypedDict: the release adds its own keys to it (labels of
        audited cells, links to other tables) and drops some (rounding's cell counts).
        """
        record: dict[str, Any] = {
            k: v for k, v in self.parameters.items() if k != "objective_value"
        }
        for name in ("primary", "secondary"):
            record[f"{name}_cells"] = int((self.status == name).sum())
        if self.audit is not None:
            record["audit"] = self.audit.to_dict()
        return record


def protect_table(
    interior: ArrayLike,
    *,
    protection: Protection = "suppress",
    threshold: int = DEFAULT_THRESHOLD,
    protection_width: float | None = None,
    objective: Objective = "total",
    method: Method = "auto",
    milp_max_cells: int | None = None,
    base: int = DEFAULT_BASE,
    run_audit: bool = True,
    keep_suppressed: ArrayLike | None = None,
    known: ArrayLike | None = None,
    facts: Sequence[Fact] = (),
) -> ProtectedTable:
    """Protect a 1-, 2- or 3-D table of counts given as its interior cells.

    Parameters
    ----------
    interior : array_like of non-negative int
        The interior cells; margins are computed here.
    protection : {"suppress", "round"}
        Threshold rule with secondary suppression, or controlled rounding to ``base``.
    threshold : int
        Counts in ``1..threshold`` are primary-suppressed (default 3; zeros published).
    protection_width : float, optional
        Required width of every suppressed cell's attacker interval; defaults to
        ``threshold`` (see docs/disclosure-control.md for why).
    objective, method, milp_max_cells
        See :func:`crimestats.privacy.secondary.secondary_suppression`.
    run_audit : bool
        Solve the attacker's programs for every suppressed cell (slow on large tables).
    keep_suppressed : array_like of bool, full-table shape, optional
        Cells to withhold whatever their count, e.g. a previous release's
        ``status != "published"``, so that a revision cannot be differenced against it
        (docs/disclosure-control.md). They are fixed like primary cells and reported as
        ``secondary`` unless the threshold rule also applies.
    known : array_like of bool, full-table shape, optional
        Cells whose value the attacker already holds (an earlier release published it,
        unchanged: :mod:`crimestats.privacy.history`). Secondary suppression may not
        count on them, and the audit treats them as published.
    facts : sequence of dict
        Earlier releases' lines over cells they withheld, still true of the current
        values (:func:`crimestats.privacy.history.earlier_facts`): extra equations for
        the suppression model and the audit.
    """
    table = with_margins(interior)
    if protection == "round":
        rounding = controlled_round(table, base)
        status = np.full(table.shape, "rounded")
        published = rounding.values.astype(object)
        rounded: ProtectionParameters = {
            "method": f"{rounding.method} rounding",
            "base": rounding.base,
        }
        return ProtectedTable(table, published, status, rounded, None)
    if protection != "suppress":
        raise UsageError(f"unknown protection {protection!r}", hint="use 'suppress' or 'round'")
    threshold = check_threshold(threshold)
    width = float(threshold if protection_width is None else protection_width)
    if width < 0:
        raise UsageError(f"protection_width must not be negative, got {protection_width}")
    primary = primary_mask(table.flat, threshold)
    fixed = primary.copy()
    if keep_suppressed is not None:
        keep = np.asarray(keep_suppressed, dtype=bool)
        if keep.shape != table.shape:
            raise UsageError(
                f"keep_suppressed has shape {keep.shape}, the full table {table.shape}",
                hint="pass a mask over interior and margins, e.g. a previous result's status",
            )
        fixed |= keep.reshape(-1)
    seen = np.zeros(table.size, dtype=bool)
    if known is not None:
        seen = np.asarray(known, dtype=bool).reshape(-1)
        if seen.size != table.size:
            raise UsageError(f"known has {seen.size} cells, the full table {table.size}")
    # A cell to withhold (primary or carried) whose current value an earlier release
    # published is known to the attacker: withholding it again protects nothing, so it
    # is withheld without asking the model to protect it (it could not: its partners may
    # all be known too, e.g. after raising the threshold; red-team finding C). So is a
    # cell the earlier releases pin anyway (history.pinned_anyway), found if the model
    # has no solution.
    system = WithFacts(table, tuple(facts)) if facts else table
    allowed = ~seen if seen.any() or facts else None
    options: _SuppressionOptions = {
        "objective": objective,
        "method": method,
        "milp_max_cells": milp_max_cells,
        "allowed": allowed,
        "facts": tuple(facts),
    }
    try:
        found = secondary_suppression(table, fixed & ~seen, width, **options)
    except SuppressionError:
        if allowed is None:
            raise
        seen = seen | pinned_anyway(system, fixed & ~seen, allowed, width)
        options["allowed"] = ~seen  # a pinned cell protects nothing as a partner either
        found = secondary_suppression(table, fixed & ~seen, width, **options)
    withheld = found.suppressed | fixed
    status = np.where(primary, "primary", np.where(withheld, "secondary", "published"))
    published = np.array(
        [
            None if hidden else int(value)
            for hidden, value in zip(withheld, table.flat, strict=True)
        ],
        dtype=object,
    )
    # a withheld cell the attacker already holds is, to them, published
    hidden = found.suppressed & ~seen
    report = audit(system, hidden, width, primary) if run_audit else None
    parameters: ProtectionParameters = {
        "method": "threshold rule with secondary suppression",
        "threshold": threshold,
        "protection_width": width,
        "objective": found.objective,
        "suppression": found.method,
        "objective_value": found.cost,
    }
    return ProtectedTable(
        table,
        published.reshape(table.shape),
        status.reshape(table.shape),
        parameters,
        report,
    )


def protect_rows(
    rows: Iterable[Mapping[str, Any]],
    dimensions: Sequence[str],
    *,
    count: str = "count",
    total_label: str = DEFAULT_TOTAL_LABEL,
    include_margins: bool = True,
    forced: Iterable[Mapping[str, Any]] | None = None,
    earlier: EarlierCells | None = None,
    **options: Any,
) -> tuple[list[dict[str, Any]], ProtectedTable]:
    """Protect rows of a statistics table (fields plus ``count``) over ``dimensions``.

    Combinations absent from ``rows`` count as zero. Returns the input rows, in order,
    with the count replaced (``None`` if withheld, rounded if rounding) and a ``status``
    field; then, if ``include_margins``, one row per margin cell with ``total_label`` in
    the summed dimensions. ``forced`` lists cells to withhold whatever their count, each
    as its dimension values (``total_label`` for a margin), e.g. the cells a previous
    release withheld (docs/disclosure-control.md, revisions); cells whose values are no
    longer levels of the table are skipped. ``earlier`` holds what earlier releases of
    the table published: cells whose value they published unchanged are ``known``
    (:mod:`crimestats.privacy.history`). ``options`` go to :func:`protect_table`.
    """
    data, indexed = index_rows(rows, dimensions, count=count, total_label=total_label)
    if earlier:
        from crimestats.privacy.history import earlier_facts, known_mask

        full = with_margins(indexed.interior)
        options["known"] = known_mask(indexed, full, earlier, total_label)
        options["facts"] = earlier_facts(indexed, full, earlier, total_label)
    structural = structural_full(indexed)
    if structural.any() and options.get("protection", "suppress") == "suppress":
        known = options.get("known")
        given = np.zeros(structural.shape, dtype=bool) if known is None else known
        options["known"] = np.asarray(given, dtype=bool).reshape(structural.shape) | structural
    if forced is not None:
        keep = np.zeros(tuple(n + 1 for n in indexed.interior.shape), dtype=bool)
        for cell in forced:
            index = indexed.locate(cell, total_label)
            if index is not None:
                keep[index] = True
        if options.get("keep_suppressed") is not None:
            given = np.asarray(options["keep_suppressed"], dtype=bool)
            if given.shape == keep.shape:
                keep |= given
            else:  # protect_table refuses it with its own message
                keep = given
        options["keep_suppressed"] = keep
    protected = mark_structural(protect_table(indexed.interior, **options), structural)
    out = rows_with_status(
        data,
        indexed,
        protected.published,
        protected.status,
        count=count,
        total_label=total_label,
        include_margins=include_margins,
    )
    return out, protected


__all__ = [
    "DEFAULT_TOTAL_LABEL",
    "STRUCTURAL",
    "STRUCTURAL_FLAG",
    "IndexedRows",
    "ProtectedTable",
    "ProtectionParameters",
    "index_rows",
    "protect_rows",
    "protect_table",
    "rows_with_status",
]
