"""A table of counts with its margins, and its additivity as linear constraints.

Why: disclosure control reasons about the *published* table, which holds the interior
cells and every margin (the totals along each dimension and the grand total). An attacker
who sees some cells can combine them with the additivity equations to bound the others,
so both secondary suppression and the audit work on the same linear system ``A x = 0``.

For an interior of shape ``(n_1, ..., n_k)`` the full table has shape
``(n_1 + 1, ..., n_k + 1)``; index ``n_d`` along dimension ``d`` is the total over that
dimension. Every line of the full table along dimension ``d`` gives one equation
``sum_{i < n_d} x[.., i, ..] - x[.., n_d, ..] = 0`` (Fischetti & Salazar-González 2000,
section 2: a *k*-dimensional table with marginals as a linear system ``M y = 0``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from typing import Protocol

import numpy as np
from numpy.typing import ArrayLike, NDArray
from scipy import sparse

from crimestats.errors import UsageError

MAX_DIMENSIONS = 3


class LinearSystem(Protocol):
    """Cells with true values and homogeneous linear equations ``matrix @ flat == 0``.

    Why: the suppression model (``milp.py``) and the audit need only the cells, their
    values and the equations, not the table's shape, so one table (:class:`FullTable`)
    and several linked tables (``joint.py``) share them.
    """

    @property
    def size(self) -> int:
        """Number of cells (variables)."""

    @property
    def flat(self) -> NDArray[np.int64]:
        """True value of every cell, in variable order."""

    @property
    def equations(self) -> list[NDArray[np.int64]]:
        """Cell indices of each equation (every member with a non-zero coefficient)."""

    @property
    def matrix(self) -> sparse.csr_matrix:
        """One row per equation of ``equations``, in the same order."""

    def unravel(self, flat_index: int) -> tuple[int, ...]:
        """Coordinates of a cell for reports."""


@dataclass(frozen=True)
class FullTable:
    """Interior cells plus margins, flattened in C order, with the additivity system.

    Attributes
    ----------
    interior_shape : tuple of int
        Shape of the interior cells given by the caller.
    values : ndarray of int64, shape ``interior_shape + 1`` per dimension
        The full table: interior and margins.
    """

    interior_shape: tuple[int, ...]
    values: NDArray[np.int64] = field(repr=False)

    @property
    def shape(self) -> tuple[int, ...]:
        """Shape of the full table (each dimension one longer than the interior)."""
        return tuple(int(n) + 1 for n in self.interior_shape)

    @property
    def size(self) -> int:
        """Number of cells, interior and margins."""
        return int(self.values.size)

    @property
    def flat(self) -> NDArray[np.int64]:
        """The full table's values in C order (the variable order of every model)."""
        return self.values.reshape(-1)

    @cached_property
    def is_margin(self) -> NDArray[np.bool_]:
        """Flat mask: True where a cell is a total along at least one dimension."""
        mask = np.zeros(self.shape, dtype=bool)
        for d, n in enumerate(self.interior_shape):
            index: list[slice | int] = [slice(None)] * len(self.shape)
            index[d] = n
            mask[tuple(index)] = True
        return mask.reshape(-1)

    @cached_property
    def equations(self) -> list[NDArray[np.int64]]:
        """Flat cell indices of each additivity line; the last member is the total."""
        ids = np.arange(self.size, dtype=np.int64).reshape(self.shape)
        lines: list[NDArray[np.int64]] = []
        for d in range(len(self.shape)):
            moved = np.moveaxis(ids, d, -1).reshape(-1, self.shape[d])
            lines.extend(moved)
        return lines

    @cached_property
    def matrix(self) -> sparse.csr_matrix:
        """The additivity system ``A`` with ``A @ flat == 0`` (one row per line)."""
        rows: list[NDArray[np.int64]] = []
        cols: list[NDArray[np.int64]] = []
        data: list[NDArray[np.float64]] = []
        for r, line in enumerate(self.equations):
            coef = np.ones(line.size)
            coef[-1] = -1.0
            rows.append(np.full(line.size, r, dtype=np.int64))
            cols.append(line)
            data.append(coef)
        return sparse.csr_matrix(
            (np.concatenate(data), (np.concatenate(rows), np.concatenate(cols))),
            shape=(len(self.equations), self.size),
        )

    def unravel(self, flat_index: int) -> tuple[int, ...]:
        """Full-table coordinates of a flat cell index (a margin coordinate equals n_d)."""
        return tuple(int(i) for i in np.unravel_index(flat_index, self.shape))


def with_margins(interior: ArrayLike) -> FullTable:
    """Return the full table (interior plus all margins) of non-negative integer counts.

    Raises
    ------
    UsageError
        If the counts are not a 1-, 2- or 3-dimensional array of non-negative integers.
    """
    array = np.asarray(interior)
    if array.ndim < 1 or array.ndim > MAX_DIMENSIONS or array.size == 0:
        raise UsageError(
            f"disclosure control takes a 1-, 2- or 3-dimensional table of counts, "
            f"got shape {array.shape}",
            hint="pass the interior cells only; margins are computed by crimestats.privacy",
        )
    whole = array.dtype.kind in "iub" or (
        array.dtype.kind == "f" and bool(np.all(np.isfinite(array))) and not np.any(array % 1)
    )
    if not whole:
        raise UsageError(
            "counts must be whole numbers",
            hint="round or cast the table to integers before protecting it",
        )
    counts = array.astype(np.int64)
    if np.any(counts < 0):
        raise UsageError(
            "counts must not be negative",
            hint="check the table: a negative count is not a count",
        )
    full = counts
    for d in range(counts.ndim):
        full = np.concatenate([full, full.sum(axis=d, keepdims=True)], axis=d)
    return FullTable(interior_shape=tuple(int(n) for n in counts.shape), values=full)
