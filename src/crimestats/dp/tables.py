"""Consistent DP tables with margins: noise the interior, derive every margin.

A published table has interior cells (e.g. ICCS section x area) and margins (row
totals, column totals, the grand total). If margins were noised separately they would
cost extra budget and would not add up. Instead only the interior is released with
noise (:func:`crimestats.dp.release_counts`), each cell clamped at zero, and every
margin is the **exact sum of the released interior cells**. Summing is
post-processing: it reads no data, so it costs no privacy (Dwork & Roth 2014,
Proposition 2.1), and the table is consistent by construction: non-negative integers
whose margins equal the sums of their cells.

We chose this over least-squares consistency (noising margins too, then projecting and
rounding) because it is simple, exactly additive after rounding, and keeps the
interior's accuracy. The cost: a margin over ``m`` cells carries the noise of ``m``
cells (and the upward bias of clamping ``m`` small cells), so large margins are less
accurate than a separately noised total would be. Margin half-widths are the
conservative bound of :func:`crimestats.dp.mechanism.sum_accuracy`.

Keys are tuples, one element per axis; in a margin key the collapsed axes hold
:data:`TOTAL` (``"_T"``, the SDMX code for a total).
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Hashable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Final

from crimestats.dp.ledger import PrivacyLedger
from crimestats.dp.mechanism import sum_accuracy
from crimestats.dp.release import DEFAULT_ALPHA, CountRelease, ReleasedCell, release_counts
from crimestats.errors import UsageError

TOTAL: Final = "_T"
"""The key element of a collapsed axis in a margin (SDMX's code for a total)."""

Key = tuple[Any, ...]


@dataclass(frozen=True)
class TableRelease:
    """A DP table: the noised interior and the margins derived from it.

    Attributes
    ----------
    interior
        The released interior cells, keyed by tuples of axis values.
    margins
        Every margin (each non-empty set of collapsed axes, up to the grand total),
        keyed by tuples with :data:`TOTAL` in the collapsed positions.
    """

    interior: CountRelease[Key]
    margins: dict[Key, ReleasedCell]

    @property
    def cells(self) -> dict[Key, ReleasedCell]:
        """Interior cells then margins, in one mapping."""
        return {**self.interior.cells, **self.margins}

    @property
    def values(self) -> dict[Key, int]:
        """Every released value (interior and margins) by key."""
        return {key: cell.value for key, cell in self.cells.items()}

    def metadata(self) -> dict[str, Any]:
        """How the table was made (JSON-ready, no counts)."""
        meta = self.interior.metadata()
        meta["margins"] = "sums of released interior cells (post-processing, no privacy cost)"
        meta["margin_accuracy"] = (
            "conservative bound on the sum of absolute cell errors (union or Chernoff)"
        )
        return meta


def _check_axes(axes: Sequence[Sequence[Hashable]]) -> None:
    if not axes:
        raise UsageError("a table needs at least one axis", hint="pass e.g. [sections, areas]")
    for number, axis in enumerate(axes):
        if TOTAL in axis:
            raise UsageError(
                f"axis {number} contains the key {TOTAL!r}, which marks totals",
                hint=f"rename that category; {TOTAL!r} is reserved for margins",
            )


def derive_margins(
    interior: Mapping[Key, ReleasedCell],
    axes: Sequence[Sequence[Hashable]],
    *,
    accuracy_of_sum: Callable[[int], float] | None = None,
) -> dict[Key, ReleasedCell]:
    """Sum released interior cells into every margin of the table.

    ``accuracy_of_sum(m)`` gives the half-width for a sum of ``m`` cells; if None,
    margins get ``nan`` accuracy. Works on released values only (post-processing).
    """
    margins: dict[Key, ReleasedCell] = {}
    n = len(axes)
    for size in range(1, n + 1):
        for collapsed in itertools.combinations(range(n), size):
            sums: dict[Key, int] = {}
            for key, cell in interior.items():
                margin_key = tuple(TOTAL if i in collapsed else key[i] for i in range(n))
                sums[margin_key] = sums.get(margin_key, 0) + cell.value
            summed = 1
            for i in collapsed:
                summed *= len(axes[i])
            accuracy = float("nan") if accuracy_of_sum is None else accuracy_of_sum(summed)
            for margin_key, total in sums.items():
                margins[margin_key] = ReleasedCell(total, accuracy)
    return margins


def release_table(
    counts: Mapping[Key, int],
    axes: Sequence[Sequence[Hashable]],
    *,
    epsilon: float,
    privacy_unit: str,
    sensitivity: int,
    alpha: float = DEFAULT_ALPHA,
    ledger: PrivacyLedger | None = None,
    table_name: str | None = None,
) -> TableRelease:
    """Release a cross-table with margins, consistent and non-negative.

    Parameters
    ----------
    counts
        True interior counts keyed by tuples (one value per axis); absent keys are 0.
    axes
        The public categories of each axis (e.g. ``[iccs_sections, areas]``); the
        interior is their Cartesian product, zero cells included.
    epsilon, privacy_unit, sensitivity, alpha, ledger, table_name
        As for :func:`release_counts`; ``sensitivity`` is over the *interior* (the
        most interior cells one unit can change). Margins cost nothing more.
    """
    _check_axes(axes)
    public_keys: list[Key] = list(itertools.product(*axes))
    interior = release_counts(
        counts,
        public_keys,
        epsilon=epsilon,
        privacy_unit=privacy_unit,
        sensitivity=sensitivity,
        alpha=alpha,
        ledger=ledger,
        table_name=table_name,
    )
    margins = derive_margins(
        interior.cells,
        axes,
        accuracy_of_sum=lambda m: sum_accuracy(interior.scale, m, interior.alpha),
    )
    return TableRelease(interior=interior, margins=margins)


__all__ = ["TOTAL", "TableRelease", "derive_margins", "release_table"]
