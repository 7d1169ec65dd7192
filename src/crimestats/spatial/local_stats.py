"""Getis-Ord Gi* and Gi, and local Moran's I, with analytic and permutation inference.

The statistics are esda's (PySAL): ``esda.G_Local`` (Getis & Ord 1992; Ord & Getis
1995) and ``esda.Moran_Local`` (Anselin 1995); nothing here recomputes them. This module
chooses the weights, fixes the conventions, and adds the false discovery rate.

Weights (libpysal ``Graph``, binary): on a square grid, *queen* contiguity (the 8 cells
sharing an edge or a corner, i.e. the centres within sqrt(2) cell sizes) by default,
as sfhotspot's ``gistar()`` (``dnearneigh(0, cell_size * sqrt(2))``) and Chainey's
hotspot guidance use: a hotspot is a cell whose *neighbourhood* is high, and a corner
neighbour is as near as the centres of two cells apart in a 3x3 block. *Rook* (edge
neighbours only, 4) is offered. On a hexagonal grid every neighbour shares an edge:
the 6 centres one cell size away. Any other polygon set (Columbus) brings its own graph.

Conventions, stated because tools differ:

* Gi* includes the cell itself (binary self-weight 1), Gi excludes it; z is esda's
  ``Zs`` (total-randomisation moments), equal to spdep's ``localG`` to 5e-15 on Columbus.
* Local Moran is published as spdep's Ii, ``z_i / m2 * sum_j w_ij z_j`` with
  ``m2 = sum z^2 / n`` and row-standardised weights; esda's ``Is`` divides by
  ``sum z^2 / (n - 1)``, so ``Ii = Is * n / (n - 1)``. Its analytic z uses the
  conditional-randomisation moments esda computes for that form (``EIc``, ``VIc``;
  Sokal, Oden & Thomson 1998, eqs. A7-A8).
* Analytic p-values are two-sided normal: ``2 * (1 - Phi(|z|))``. Permutation p-values
  come from esda's conditional permutations (its simulated statistics, kept) and esda's
  ``calculate_significance``: the smaller of the ``lesser`` and ``greater`` pseudo p
  (``(k + 1) / (N + 1)``, ties counted in both tails), doubled and capped at 1.
  Not esda 2.9's own ``p_sim``: its default "directed" p counts ties as larger and
  then folds, so a cell of 0 among neighbours of 0 (common on a grid of counts, where
  most simulated neighbourhoods are 0 too) gets p = 1 / (N + 1) and is called a cold
  spot. On the Memphis robberies (3,307 cells of 500 m, 999 permutations) that made
  1,066 "cold spots"; the tie-aware p makes none.
* The false discovery rate is Benjamini & Hochberg (1995), statsmodels'
  ``multipletests(method="fdr_bh")``, over all cells of one run.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from enum import StrEnum

import numpy as np
import scipy.sparse as sp
from numpy.typing import NDArray
from scipy.spatial import cKDTree
from scipy.stats import norm
from statsmodels.stats.multitest import multipletests

from crimestats.errors import UsageError
from crimestats.spatial.grid import Grid, GridKind

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]

_ESDA_ALTERNATIVE_NOTICE = "The alternative hypothesis for conditional randomization"
"""esda 2.9 warns on every permutation run that its default will change; we state ours."""


class Statistic(StrEnum):
    """The local statistic asked for."""

    GI_STAR = "gistar"
    GI = "gi"
    LOCAL_MORAN = "lisa"


class Contiguity(StrEnum):
    """Which cells of a square grid are neighbours."""

    QUEEN = "queen"
    ROOK = "rook"


class Inference(StrEnum):
    """Which p-value the FDR and the classes use."""

    ANALYTIC = "analytic"
    PERMUTATION = "permutation"


@dataclass(frozen=True)
class LocalResult:
    """One local statistic per cell, with its inference.

    ``value`` is Gi/Gi* (the share of the total in the neighbourhood) or spdep's Ii;
    ``z`` the analytic z; ``p_analytic`` two-sided normal; ``p_permutation`` two-sided
    pseudo p, or None without permutations; ``p_fdr`` the Benjamini-Hochberg adjusted
    p of the p ``inference`` names. ``quadrant`` (local Moran only): 1 high-high,
    2 low-high, 3 low-low, 4 high-low (esda's ``q``).
    """

    statistic: Statistic
    value: FloatArray
    z: FloatArray
    p_analytic: FloatArray
    p_permutation: FloatArray | None
    p_fdr: FloatArray
    inference: Inference
    permutations: int
    seed: int | None
    quadrant: IntArray | None = None


def _square_pairs(grid: Grid, contiguity: Contiguity) -> tuple[IntArray, IntArray]:
    """(cell, neighbour) index pairs of a square grid from the ids' rows and columns."""
    rows, cols = np.divmod(grid.cell_id, grid.n_cols)
    offsets = [(0, 1), (1, 0), (0, -1), (-1, 0)]
    if contiguity is Contiguity.QUEEN:
        offsets += [(1, 1), (1, -1), (-1, 1), (-1, -1)]
    left: list[IntArray] = []
    right: list[IntArray] = []
    for dr, dc in offsets:
        r, c = rows + dr, cols + dc
        valid = (r >= 0) & (r < grid.n_rows) & (c >= 0) & (c < grid.n_cols)
        target = r * grid.n_cols + c
        position = np.clip(np.searchsorted(grid.cell_id, target), 0, grid.size - 1)
        found = valid & (grid.cell_id[position] == target)
        left.append(np.flatnonzero(found))
        right.append(position[found])
    return np.concatenate(left).astype(np.int64), np.concatenate(right).astype(np.int64)


def neighbour_graph(
    grid: Grid, contiguity: Contiguity = Contiguity.QUEEN, *, include_self: bool = False
) -> object:
    """Binary libpysal ``Graph`` of the kept cells (see the module docstring).

    ``include_self`` puts each cell in its own neighbourhood (weight 1), as Gi* needs;
    building it in here saves esda adding it (``Graph.assign_self_weight``), which is
    most of esda's time on 100,000 cells.
    """
    from libpysal.graph import Graph

    if grid.kind is GridKind.SQUARE:
        rows, cols = _square_pairs(grid, contiguity)
    else:  # hexagons: the six centres one cell size away
        centres = np.column_stack([grid.x, grid.y])
        pairs = cKDTree(centres).query_pairs(grid.cell_size * (1 + 1e-9), output_type="ndarray")
        rows = np.concatenate([pairs[:, 0], pairs[:, 1]])
        cols = np.concatenate([pairs[:, 1], pairs[:, 0]])
    if include_self:
        rows = np.concatenate([rows, np.arange(grid.size)])
        cols = np.concatenate([cols, np.arange(grid.size)])
    adjacency = sp.csr_matrix((np.ones(rows.size), (rows, cols)), shape=(grid.size, grid.size))
    return Graph.from_sparse(adjacency)


def fdr_bh(p_values: FloatArray) -> FloatArray:
    """Benjamini-Hochberg adjusted p-values (statsmodels), NaN kept as NaN."""
    p = np.asarray(p_values, dtype=np.float64)
    adjusted = np.full(p.shape, np.nan)
    finite = np.isfinite(p)
    if finite.any():
        adjusted[finite] = multipletests(p[finite], method="fdr_bh")[1]
    return adjusted


def _two_sided(z: FloatArray) -> FloatArray:
    return np.asarray(2.0 * norm.sf(np.abs(z)), dtype=np.float64)


def _check(y: FloatArray, permutations: int) -> FloatArray:
    values = np.asarray(y, dtype=np.float64).ravel()
    if values.size < 3:
        raise UsageError(
            f"a local statistic needs at least 3 cells, got {values.size}",
            hint="use a smaller --cell-size or more points",
        )
    if not np.all(np.isfinite(values)):
        raise UsageError(
            "the cell values must be finite numbers", hint="check the counts or rates given"
        )
    if np.ptp(values) == 0:
        raise UsageError(
            "every cell has the same value: a local statistic has nothing to compare",
            hint="use a smaller --cell-size, or a longer period (--since/--until)",
        )
    if permutations < 0:
        raise UsageError(
            f"--permutations must be 0 or more, got {permutations}",
            hint="0 for analytic p-values, or e.g. 999",
        )
    return values


MAX_SIMULATED_VALUES = 50_000_000
"""Cells x permutations kept in memory at most (400 MB of float64)."""


def _check_permutations(cells: int, permutations: int) -> None:
    if cells * permutations > MAX_SIMULATED_VALUES:
        raise UsageError(
            f"{permutations} permutations of {cells:,} cells would keep "
            f"{cells * permutations:,} simulated values in memory",
            hint=f"use fewer permutations (at most {MAX_SIMULATED_VALUES // cells:,} here), "
            "a larger --cell-size, or analytic p-values (--permutations 0)",
        )


def permutation_p(observed: FloatArray, simulated: FloatArray) -> FloatArray:
    """Two-sided pseudo p from simulations (cells, permutations): see the module docstring."""
    from esda.significance import calculate_significance

    lesser = calculate_significance(observed, simulated, alternative="lesser")
    greater = calculate_significance(observed, simulated, alternative="greater")
    both = np.minimum(np.asarray(lesser, dtype=float), np.asarray(greater, dtype=float))
    return np.asarray(np.minimum(1.0, 2.0 * both), dtype=np.float64).ravel()


def _result(
    statistic: Statistic,
    value: FloatArray,
    z: FloatArray,
    p_sim: FloatArray | None,
    permutations: int,
    seed: int | None,
    quadrant: IntArray | None = None,
) -> LocalResult:
    p_analytic = _two_sided(z)
    p_perm = p_sim
    inference = Inference.ANALYTIC if p_perm is None else Inference.PERMUTATION
    return LocalResult(
        statistic=statistic,
        value=np.asarray(value, dtype=np.float64),
        z=np.asarray(z, dtype=np.float64),
        p_analytic=p_analytic,
        p_permutation=p_perm,
        p_fdr=fdr_bh(p_analytic if p_perm is None else p_perm),
        inference=inference,
        permutations=permutations,
        seed=seed,
        quadrant=quadrant,
    )


def local_g(
    y: FloatArray, graph: object, *, star: bool = True, permutations: int = 0, seed: int = 0
) -> LocalResult:
    """Gi* (``star=True``) or Gi of ``y`` on a binary ``graph`` (libpysal Graph or W)."""
    from esda import G_Local

    values = _check(y, permutations)
    _check_permutations(values.size, permutations)
    with warnings.catch_warnings():
        warnings.filterwarnings(
            "ignore", message=_ESDA_ALTERNATIVE_NOTICE, category=DeprecationWarning
        )
        g = G_Local(
            values,
            graph,
            transform="B",
            star=star,
            permutations=permutations,
            seed=seed,
            n_jobs=1,
            keep_simulations=permutations > 0,
        )
    statistic = Statistic.GI_STAR if star else Statistic.GI
    p_sim = permutation_p(g.Gs, g.rGs) if permutations else None
    return _result(statistic, g.Gs, g.Zs, p_sim, permutations, seed if permutations else None)


def local_moran(
    y: FloatArray, graph: object, *, permutations: int = 0, seed: int = 0
) -> LocalResult:
    """Local Moran's Ii (spdep's convention) on row-standardised ``graph`` weights."""
    from esda import Moran_Local

    values = _check(y, permutations)
    _check_permutations(values.size, permutations)
    with warnings.catch_warnings():
        warnings.filterwarnings(
            "ignore", message=_ESDA_ALTERNATIVE_NOTICE, category=DeprecationWarning
        )
        moran = Moran_Local(
            values,
            graph,
            transformation="r",
            permutations=permutations,
            seed=seed,
            n_jobs=1,
            keep_simulations=permutations > 0,
        )
    n = values.size
    ii = np.asarray(moran.Is, dtype=np.float64) * n / (n - 1)
    z = (ii - moran.EIc) / np.sqrt(moran.VIc)
    p_sim = permutation_p(moran.Is, moran.rlisas) if permutations else None
    quadrant = np.asarray(moran.q, dtype=np.int64)
    return _result(
        Statistic.LOCAL_MORAN, ii, z, p_sim, permutations, seed if permutations else None, quadrant
    )


def local_statistic(
    statistic: Statistic, y: FloatArray, graph: object, *, permutations: int = 0, seed: int = 0
) -> LocalResult:
    """Dispatch on ``statistic``: the one entry point the hotspot command uses."""
    if statistic is Statistic.LOCAL_MORAN:
        return local_moran(y, graph, permutations=permutations, seed=seed)
    star = statistic is Statistic.GI_STAR
    return local_g(y, graph, star=star, permutations=permutations, seed=seed)


__all__ = [
    "MAX_SIMULATED_VALUES",
    "Contiguity",
    "Inference",
    "LocalResult",
    "Statistic",
    "fdr_bh",
    "local_g",
    "local_moran",
    "local_statistic",
    "neighbour_graph",
    "permutation_p",
]
