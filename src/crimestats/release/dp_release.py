"""A planned differentially private table released: noise drawn, rows and record written.

Why a module of its own: this is the one step of a release that spends privacy budget,
kept apart from planning (:mod:`crimestats.release.dp_tables`: the public key set and
the bounded counts, which can still refuse the release before any noise). It draws the
noise through :func:`crimestats.dp.release_table` (charged to the ledger first), sets
structural zeros to a known 0 with margins summed again (post-processing, no privacy
cost), and writes each row with its accuracy interval; the notes hold no count at all.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

from crimestats.release.dp_public import DP_MARGIN, PUBLIC_FIELDS, accuracy_columns
from crimestats.release.method import Method
from crimestats.release.public_notes import PublicNotes
from crimestats.release.table_cells import (
    COUNT,
    NOT_APPLICABLE,
    STATUS,
    TOTAL_LABEL,
    row_sort_key,
)
from crimestats.release.tables import ProtectedRows

if TYPE_CHECKING:
    from crimestats.dp import PrivacyLedger
    from crimestats.release.config_tables import TableSpec
    from crimestats.release.dp_tables import DpPlan


def _label(value: Any) -> str | None:
    if value == DP_MARGIN:
        return TOTAL_LABEL
    return None if value is None else str(value)


def release_dp_table(
    plan: DpPlan,
    *,
    epsilon: float,
    privacy_unit: str,
    alpha: float,
    ledger: PrivacyLedger | None,
) -> ProtectedRows:
    """Release a planned table with OpenDP; rows with count and the accuracy interval.

    Every public key appears (zeros too); counts are >= 0; margins are the sums of the
    released interior. ``accuracy_95`` is the half-width rounded up to 2 decimals;
    ``lower_95``/``upper_95`` the integers within it of the count (never below 0).
    """
    from crimestats.dp import release_table

    table = plan.table
    sensitivity = table.contributions or 1
    released = release_table(
        plan.counts,
        plan.axes,
        epsilon=epsilon,
        privacy_unit=privacy_unit,
        sensitivity=sensitivity,
        alpha=alpha,
        ledger=ledger,
        table_name=table.name,
    )
    acc, low, high = accuracy_columns(alpha)
    cells = _without_structural(released, plan.axes, plan.structural)
    rows: list[dict[str, Any]] = []
    for key, cell in cells.items():
        row: dict[str, Any] = {name: _label(v) for name, v in zip(table.by, key, strict=True)}
        if key in plan.structural:  # a known zero: no count, no interval
            rows.append({**row, COUNT: None, acc: None, low: None, high: None,
                         STATUS: NOT_APPLICABLE})  # fmt: skip
            continue
        half = math.ceil(cell.accuracy * 100) / 100
        row[COUNT] = int(cell.value)
        row[acc] = half
        row[low] = max(0, math.ceil(cell.value - half))
        row[high] = math.floor(cell.value + half)
        row[STATUS] = "published"  # a column only beside structural zeros
        rows.append(row)
    rows.sort(key=lambda r: row_sort_key(r, table.by))
    disclosure = released.metadata()
    disclosure.update(
        {
            "method": "differential privacy",
            "epsilon_requested": epsilon,
            "contribution_bound": {
                "contributions": sensitivity,
                "rule": f"each {privacy_unit} counted in at most {sensitivity} interior "
                "cell(s), by one each; its first rows by unit key then cell values are kept",
            },
            "public_key_set": {f: PUBLIC_FIELDS[f] for f in table.by},
            "blank_category": "a blank value is a public category where the field can be empty",
            "interior_cells": len(released.interior.cells),
            "margin_label": TOTAL_LABEL,
            "accuracy_columns": {
                acc: f"half-width a: the true count is within a of count with probability "
                f">= {1 - alpha:g} (noise only)",
                low: "smallest whole number within the half-width, at least 0",
                high: "largest whole number within the half-width",
            },
        }
    )
    if plan.structural:
        disclosure["structural_zeros"] = (
            "a category the source cannot have (its correspondence entries never reach it) "
            "is blank with status not_applicable: no noise is drawn for it, and margins are "
            "sums of the other cells"
        )
    columns = [*table.by, COUNT, acc, low, high, *([STATUS] if plan.structural else [])]
    notes = dp_notes(table, privacy_unit=privacy_unit)
    return ProtectedRows(table, columns, rows, disclosure, notes, method=Method.DP)


def _without_structural(
    released: Any, axes: list[list[str | None]], structural: frozenset[tuple[str | None, ...]]
) -> dict[tuple[Any, ...], Any]:
    """The released cells with every structural interior cell at 0 and the margins
    summed again (post-processing of public keys: no privacy cost)."""
    if not structural:
        return dict(released.cells)
    from crimestats.dp.mechanism import sum_accuracy
    from crimestats.dp.release import ReleasedCell
    from crimestats.dp.tables import derive_margins

    interior = released.interior
    cells = {
        key: ReleasedCell(0, 0.0) if key in structural else cell
        for key, cell in interior.cells.items()
    }
    margins = derive_margins(
        cells, axes, accuracy_of_sum=lambda m: sum_accuracy(interior.scale, m, interior.alpha)
    )
    return {**cells, **margins}


def dp_notes(table: TableSpec, *, privacy_unit: str) -> PublicNotes:
    """What a DP table counts, in words; no count at all (exact counts are not DP)."""
    from crimestats.stats.counting import Unit
    from crimestats.stats.engine import UNIT_DEFINITIONS

    k = table.contributions or 1
    return PublicNotes(
        unit=table.unit,
        unit_definition=UNIT_DEFINITIONS[Unit(table.unit)],
        by=tuple(table.by),
        counting_rule=f"each {privacy_unit} is counted in at most {k} interior cell(s) "
        "(contribution bound); its further rows are not counted, so totals can be lower "
        "than in an unprotected table",
        period_basis="reported",
        blank_cells="a blank field value means no value (not coded that deep, no victim)",
        counts_in_notes="none: a DP table publishes no exact count, not even in its notes",
    )


__all__ = ["dp_notes", "release_dp_table"]
