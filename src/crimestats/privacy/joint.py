"""The joint linear system of linked tables: shared cells merged, hierarchies as equations.

Why: tables of one release that count the same unit share numbers. Incidents by
(source, year, iccs_l1) and incidents by (source, iccs_l1) publish the same quantity
twice, once as a margin cell of the first (year = Total) and once as an interior cell of
the second; a cell withheld in one but published in the other leaks. And a table by
iccs_l1 and one by iccs_l2 are tied by the ICCS hierarchy: a section's count is the sum
of its divisions' counts. An attacker combines every equation of every table, so both
the suppression model and the audit must see them together (Hundepool et al. 2012,
*Statistical Disclosure Control*, section 4.4, linked tables; de Wolf & Giessing 2009,
"Adjusting the tau-argus modular approach to deal with linked tables", *Data & Knowledge
Engineering* 68(11)).

A cell of any table is named by its *key*: the (field, value) pairs of the dimensions
that are not totalled. Two cells with the same key, in one table or in two, are the same
quantity and become one variable. A hierarchy (``child`` nests in ``parent``, e.g.
iccs_l2 in iccs_l1) makes a key with both a child value and its own parent redundant, so
the parent is dropped from it; and for every cell with a parent value and every table that
has the child field but not the parent, it adds the equation
``cell = sum of that table's cells for the children``. Every table's additivity lines
are rewritten over the variables. The system has the same shape as one table's
(:class:`crimestats.privacy.tables.LinearSystem`), so the MILP and the audit run on it
unchanged.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

import numpy as np
from numpy.typing import NDArray
from scipy import sparse

from crimestats.errors import UsageError
from crimestats.privacy.table_rows import IndexedRows
from crimestats.privacy.tables import FullTable

CellKey = tuple[tuple[str, Any], ...]
"""(field, value) pairs of the dimensions not totalled, sorted by field name."""


@dataclass(frozen=True)
class Hierarchy:
    """``child`` nests in ``parent``: ``parent_of[c]`` is the parent value of child ``c``.

    Example: ``Hierarchy("iccs_l2", "iccs_l1", {"0101": "01", "0102": "01", ...})``.
    Every child value found in a table must be in ``parent_of`` (a record coded to the
    parent level only does not nest; see docs/disclosure-control.md).
    """

    child: str
    parent: str
    parent_of: Mapping[Any, Any]


@dataclass
class JointSystem:
    """Variables (distinct cells over all tables), their true values and the equations.

    Attributes
    ----------
    keys : list of CellKey
        The key of each variable.
    values : ndarray of int64
        True value of each variable (never publish).
    cells : list of ndarray of int64
        Per table, the variable of each full-table cell (full-table shape).
    rows : list of dict
        The equations, each ``{variable: coefficient}`` with ``sum == 0``.
    structural : ndarray of bool
        Structural zeros: a child value with another parent than its own (section 01,
        division 0201). Everyone knows they are zero, so they are never withheld (a
        withheld one could not be protected: the equations pin it at 0).
    """

    keys: list[CellKey]
    values: NDArray[np.int64]
    cells: list[NDArray[np.int64]]
    rows: list[dict[int, float]] = field(default_factory=list)
    structural: NDArray[np.bool_] = field(default_factory=lambda: np.zeros(0, dtype=bool))

    @property
    def size(self) -> int:
        """Number of variables."""
        return len(self.keys)

    @property
    def flat(self) -> NDArray[np.int64]:
        """True value of every variable."""
        return self.values

    @cached_property
    def equations(self) -> list[NDArray[np.int64]]:
        """Variables of each equation."""
        return [np.array(sorted(row), dtype=np.int64) for row in self.rows]

    @cached_property
    def matrix(self) -> sparse.csr_matrix:
        """``matrix @ values == 0``: one row per equation."""
        r, c, v = [], [], []
        for number, row in enumerate(self.rows):
            for variable in sorted(row):
                r.append(number)
                c.append(variable)
                v.append(row[variable])
        return sparse.csr_matrix(
            (np.array(v, dtype=float), (np.array(r, dtype=np.int64), np.array(c, dtype=np.int64))),
            shape=(len(self.rows), self.size),
        )

    def unravel(self, flat_index: int) -> tuple[int, ...]:
        """A variable's coordinate is its number."""
        return (int(flat_index),)


def canonical(pairs: Mapping[str, Any], hierarchies: Sequence[Hierarchy]) -> CellKey:
    """Sorted key with every parent that its child value implies removed."""
    kept = dict(pairs)
    for h in hierarchies:
        if h.child in kept and h.parent in kept:
            child = kept[h.child]
            if child in h.parent_of and h.parent_of[child] == kept[h.parent]:
                del kept[h.parent]
    return tuple(sorted(kept.items(), key=lambda item: item[0]))


def build_joint(
    tables: Sequence[tuple[IndexedRows, FullTable]],
    hierarchies: Sequence[Hierarchy] = (),
) -> JointSystem:
    """Merge the cells of linked tables and collect every table's and hierarchy's equations.

    Raises
    ------
    UsageError
        If two tables give different counts for one cell, or an equation does not hold
        on the true counts (the tables do not count the same population, or a hierarchy
        does not nest).
    """
    ids: dict[CellKey, int] = {}
    values: list[int] = []
    cells: list[NDArray[np.int64]] = []
    for t, (indexed, full) in enumerate(tables):
        labels = [list(lv) for lv in indexed.levels]
        table_ids = np.empty(full.shape, dtype=np.int64)
        for index in np.ndindex(*full.shape):
            pairs = {
                name: labels[d][i]
                for d, (name, i) in enumerate(zip(indexed.dimensions, index, strict=True))
                if i < len(labels[d])
            }
            key = canonical(pairs, hierarchies)
            value = int(full.values[index])
            if key not in ids:
                ids[key] = len(values)
                values.append(value)
            elif values[ids[key]] != value:
                raise UsageError(
                    f"linked table {t + 1} gives another count for cell {_show(key)} "
                    "than an earlier table",
                    hint="link only tables that count the same unit over the same records",
                )
            table_ids[index] = ids[key]
        cells.append(table_ids)
    structural = np.array([_is_structural(key, hierarchies) for key in ids], dtype=bool)
    system = JointSystem(list(ids), np.array(values, dtype=np.int64), cells, [], structural)
    nonzero = np.flatnonzero(structural & (system.values != 0))
    if nonzero.size:
        raise UsageError(
            f"cell {_show(system.keys[int(nonzero[0])])} counts records although the "
            "hierarchy says that child is not in that parent",
            hint="fix the hierarchy's parent_of mapping, or leave the hierarchy out",
        )
    seen: set[tuple[tuple[int, float], ...]] = set()
    for (_, full), table_ids in zip(tables, cells, strict=True):
        flat_ids = table_ids.reshape(-1)
        for line in full.equations:
            row: dict[int, float] = {}
            for position, cell in enumerate(line):
                coef = -1.0 if position == line.size - 1 else 1.0
                variable = int(flat_ids[cell])
                row[variable] = row.get(variable, 0.0) + coef
            _add(system, row, seen)
    for row in _hierarchy_rows(tables, ids, hierarchies):
        _add(system, row, seen)
    residual = system.matrix @ system.values.astype(float)
    bad = np.flatnonzero(np.abs(residual) > 0.5)
    if bad.size:
        first = system.rows[int(bad[0])]
        raise UsageError(
            f"the linked tables do not add up around cell {_show(system.keys[min(first)])}",
            hint=(
                "link only tables of one unit and population; a hierarchy must nest "
                "(every child value mapped to its parent)"
            ),
        )
    return system


def _is_structural(key: CellKey, hierarchies: Sequence[Hierarchy]) -> bool:
    pairs = dict(key)
    return any(
        h.child in pairs
        and h.parent in pairs
        and pairs[h.child] in h.parent_of
        and h.parent_of[pairs[h.child]] != pairs[h.parent]
        for h in hierarchies
    )


def _add(
    system: JointSystem, row: dict[int, float], seen: set[tuple[tuple[int, float], ...]]
) -> None:
    """Append an equation unless it is empty or already there (up to sign)."""
    cleaned = {v: c for v, c in row.items() if abs(c) > 1e-12}
    if not cleaned:
        return
    signature = tuple(sorted(cleaned.items()))
    negated = tuple(sorted((v, -c) for v, c in cleaned.items()))
    if signature in seen or negated in seen:
        return
    seen.add(signature)
    system.rows.append(cleaned)


def _hierarchy_rows(
    tables: Sequence[tuple[IndexedRows, FullTable]],
    ids: Mapping[CellKey, int],
    hierarchies: Sequence[Hierarchy],
) -> list[dict[int, float]]:
    """``parent cell - sum(child cells) = 0`` for tables with the child field only."""
    rows: list[dict[int, float]] = []
    for h in hierarchies:
        for key, variable in ids.items():
            pairs = dict(key)
            if h.parent not in pairs or h.child in pairs:
                continue
            rest = {k: v for k, v in pairs.items() if k != h.parent}
            for indexed, _ in tables:
                fields = set(indexed.dimensions)
                if h.child not in fields or h.parent in fields or not set(rest) <= fields:
                    continue
                level_of = dict(zip(indexed.dimensions, indexed.levels, strict=True))
                if any(v not in level_of[k] for k, v in rest.items()):
                    continue
                row = {variable: 1.0}
                for child in level_of[h.child]:
                    if child in h.parent_of and h.parent_of[child] == pairs[h.parent]:
                        other = ids[canonical({**rest, h.child: child}, hierarchies)]
                        row[other] = row.get(other, 0.0) - 1.0
                rows.append(row)
    return rows


def _show(key: CellKey) -> str:
    return "{" + ", ".join(f"{k}={v!r}" for k, v in key) + "}" if key else "grand total"


__all__ = ["CellKey", "Hierarchy", "JointSystem", "build_joint", "canonical"]
