"""Structural zeros in disclosure control: cells everyone knows are zero.

A structural zero is a cell that cannot hold a record (a category its source cannot
have: :mod:`crimestats.stats.structural`). Everyone knows its value, so it protects
nothing: withheld, it would only look like protection (an attacker who knows it is 0
solves the margins without it). The rows of a table mark such a cell with
:data:`STRUCTURAL_FLAG` (count 0); :func:`crimestats.privacy.protect_rows` and
:func:`crimestats.privacy.protect_linked` then treat it as known (never a partner of
secondary suppression, known to the audit) and give it the status :data:`STRUCTURAL`
with no count: neither published as a count nor withheld.
"""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING, Final

import numpy as np
from numpy.typing import NDArray

from crimestats.privacy.tables import with_margins

if TYPE_CHECKING:
    from crimestats.privacy.protect import ProtectedTable
    from crimestats.privacy.table_rows import IndexedRows

STRUCTURAL: Final = "structural"
"""Status of a structural zero (a release publishes it as ``not_applicable``)."""

STRUCTURAL_FLAG: Final = "structural_zero"
"""Key of an input row (count 0) marking its cell as a structural zero."""


def structural_full(indexed: IndexedRows) -> NDArray[np.bool_]:
    """Full-table mask of structural zeros: the flagged interior cells, and every margin
    whose cells are all structural (a sum of known zeros is a known zero)."""
    possible = np.ones(indexed.interior.shape, dtype=np.int64)
    for key in indexed.structural:
        possible[key] = 0
    return np.asarray(with_margins(possible).values == 0, dtype=bool)


def mark_structural(protected: ProtectedTable, structural: NDArray[np.bool_]) -> ProtectedTable:
    """Structural zeros get the status :data:`STRUCTURAL` and no published count; the
    parameters say how many there are (public: the rows show them)."""
    if not structural.any():
        return protected
    status = np.where(structural, STRUCTURAL, protected.status)
    published = protected.published.copy()
    published[structural] = None
    parameters = protected.parameters.copy()
    parameters["structural_zeros"] = int(structural.sum())
    return dataclasses.replace(protected, published=published, status=status, parameters=parameters)


__all__ = ["STRUCTURAL", "STRUCTURAL_FLAG", "mark_structural", "structural_full"]
