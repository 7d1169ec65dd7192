"""What earlier releases of a table told an attacker: cells whose value they already hold.

Why (issue 11, finding 5): a release is audited against its own margins, but the attacker
holds every earlier release too. Release a table, add one incident, release again: the
new cell of 1 is withheld with a partner cell, yet that partner was published last time
and has not changed, so the new grand total minus the old published cells gives the new
cell exactly. Growth between releases is not guaranteed to be monotone (records are
corrected and deleted), so an earlier release is not an equation about the current
table; but every cell it published is a known number, and where the current value is the
same (the common case: old years do not change), withholding that cell now hides
nothing. Such a cell is *known*: secondary suppression may not count on it (it is not
allowed as a partner), and the audit treats it as published (docs/security-privacy.md).

The cells an earlier release withheld are carried forward (``forced``, withheld again),
so subtracting two releases cannot reveal them either.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np
from numpy.typing import NDArray

if TYPE_CHECKING:
    from crimestats.privacy.protect import IndexedRows
    from crimestats.privacy.tables import FullTable


@dataclass(frozen=True)
class EarlierCells:
    """One table's earlier releases, as published: ``values`` maps a cell (its dimension
    values, the total label in margins, as a sorted tuple of pairs) to every count an
    earlier release published for it; ``withheld`` lists cells some release withheld."""

    values: Mapping[tuple[tuple[str, Any], ...], frozenset[int]] = field(default_factory=dict)
    withheld: tuple[Mapping[str, Any], ...] = ()

    @classmethod
    def of(cls, published: Iterable[tuple[Mapping[str, Any], int | None]]) -> EarlierCells:
        """From ``(cell, count)`` pairs of earlier releases (``None`` = withheld)."""
        values: dict[tuple[tuple[str, Any], ...], set[int]] = {}
        withheld: dict[tuple[tuple[str, Any], ...], Mapping[str, Any]] = {}
        for cell, count in published:
            key = cell_key(cell)
            if count is None:
                withheld.setdefault(key, dict(cell))
            else:
                values.setdefault(key, set()).add(int(count))
        return cls({k: frozenset(v) for k, v in values.items()}, tuple(withheld.values()))

    def __bool__(self) -> bool:
        return bool(self.values) or bool(self.withheld)


def cell_key(cell: Mapping[str, Any]) -> tuple[tuple[str, Any], ...]:
    """A cell's dimension values as a hashable, order-free key."""
    return tuple(sorted(cell.items()))


def known_mask(
    indexed: IndexedRows, full: FullTable, earlier: EarlierCells, total_label: str
) -> NDArray[np.bool_]:
    """Cells of the full table whose current value an earlier release published."""
    labels = indexed.labels(total_label)
    mask = np.zeros(full.shape, dtype=bool)
    if not earlier.values:
        return mask
    for index in np.ndindex(*full.shape):
        cell = {
            name: labels[d][i]
            for d, (name, i) in enumerate(zip(indexed.dimensions, index, strict=True))
        }
        seen = earlier.values.get(cell_key(cell))
        if seen is not None and int(full.values[index]) in seen:
            mask[index] = True
    return mask


__all__ = ["EarlierCells", "cell_key", "known_mask"]
