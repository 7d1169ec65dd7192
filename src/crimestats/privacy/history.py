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
so subtracting two releases cannot reveal them either. And an earlier release's
additivity lines say something about the cells it withheld: row ``s`` withheld ``a`` and
``b`` beside a published total, so ``a + b`` was a known number. Where the current cells
still satisfy that (they did not change), the attacker may use it on the new release:
each such line is an extra equation (:func:`earlier_facts`) in the suppression model and
the audit (:class:`WithFacts`).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING, Any

import numpy as np
from numpy.typing import NDArray
from scipy import sparse

from crimestats.privacy.tables import FullTable, LinearSystem

if TYPE_CHECKING:
    from crimestats.privacy.table_rows import IndexedRows


@dataclass(frozen=True)
class EarlierCells:
    """One table's earlier releases, as published: ``values`` maps a cell (its dimension
    values, the total label in margins, as a sorted tuple of pairs) to every count an
    earlier release published for it; ``withheld`` lists cells some release withheld."""

    values: Mapping[tuple[tuple[str, Any], ...], frozenset[int]] = field(default_factory=dict)
    withheld: tuple[Mapping[str, Any], ...] = ()
    releases: tuple[Mapping[tuple[tuple[str, Any], ...], int | None], ...] = ()

    @classmethod
    def of(cls, published: Iterable[tuple[str, Mapping[str, Any], int | None]]) -> EarlierCells:
        """From ``(release id, cell, count)`` of earlier releases (``None`` = withheld)."""
        values: dict[tuple[tuple[str, Any], ...], set[int]] = {}
        withheld: dict[tuple[tuple[str, Any], ...], Mapping[str, Any]] = {}
        releases: dict[str, dict[tuple[tuple[str, Any], ...], int | None]] = {}
        for release, cell, count in published:
            key = cell_key(cell)
            releases.setdefault(release, {})[key] = count
            if count is None:
                withheld.setdefault(key, dict(cell))
            else:
                values.setdefault(key, set()).add(int(count))
        return cls(
            {k: frozenset(v) for k, v in values.items()},
            tuple(withheld.values()),
            tuple(releases.values()),
        )

    def __bool__(self) -> bool:
        return bool(self.values) or bool(self.withheld)

    def with_other_tables(
        self, cells: Iterable[tuple[Mapping[str, Any], int | None]]
    ) -> EarlierCells:
        """Also what other tables of the same unit published for the same statistics
        (``cells`` already rewritten as this table's cells): their counts are known to
        the attacker and their withheld cells stay withheld. Their additivity lines are
        not added (``releases``): those were lines of another table's margins."""
        values = {key: set(seen) for key, seen in self.values.items()}
        withheld = {cell_key(cell): dict(cell) for cell in self.withheld}
        for cell, count in cells:
            key = cell_key(cell)
            if count is None:
                withheld.setdefault(key, dict(cell))
            else:
                values.setdefault(key, set()).add(int(count))
        return EarlierCells(
            {k: frozenset(v) for k, v in values.items()},
            tuple(withheld.values()),
            self.releases,
        )


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


Fact = dict[int, float]
"""An equation ``sum(coef * cell) == constant`` over flat full-table cells; the constant
is left out: a fact is kept only when the current true values satisfy it, so in the
suppression model and the audit it is a homogeneous row in the cells' deviations."""


def earlier_facts(
    indexed: IndexedRows, full: FullTable, earlier: EarlierCells, total_label: str
) -> list[Fact]:
    """The earlier releases' additivity lines over the cells they withheld (at least two),
    where the current true values still satisfy them."""
    labels = indexed.labels(total_label)
    where: dict[tuple[tuple[str, Any], ...], int] = {}
    for index in np.ndindex(*full.shape):
        pairs = zip(indexed.dimensions, index, strict=True)
        cell = {name: labels[d][i] for d, (name, i) in enumerate(pairs)}
        where[cell_key(cell)] = int(np.ravel_multi_index(index, full.shape))
    values = full.flat
    facts: list[Fact] = []
    seen: set[tuple[tuple[int, float], ...]] = set()
    for release in earlier.releases:
        for fact, constant in _lines(release, indexed.dimensions, total_label):
            if len(fact) < 2 or any(key not in where for key in fact):
                continue
            row = {where[key]: coef for key, coef in fact.items()}
            if abs(sum(coef * float(values[i]) for i, coef in row.items()) - constant) > 1e-9:
                continue  # the cells changed since: the line says nothing about them now
            signature = tuple(sorted(row.items()))
            if signature not in seen:
                seen.add(signature)
                facts.append(row)
    return facts


def _lines(
    release: Mapping[tuple[tuple[str, Any], ...], int | None],
    dimensions: Sequence[str],
    total_label: str,
) -> Iterator[tuple[dict[tuple[tuple[str, Any], ...], float], float]]:
    """Per additivity line of an earlier table: ``{withheld cell: coef}`` and the
    constant their sum had (children +1, the margin -1; absent cells were zeros)."""
    levels = [
        sorted({dict(key)[d] for key in release if dict(key)[d] != total_label}, key=repr)
        for d in dimensions
    ]
    for key in release:
        cell = dict(key)
        for d, name in enumerate(dimensions):
            if cell[name] != total_label:
                continue
            members = [(key, -1.0)] + [
                (cell_key({**cell, name: level}), 1.0) for level in levels[d]
            ]
            fact: dict[tuple[tuple[str, Any], ...], float] = {}
            constant = 0.0
            for member, coef in members:
                count = release.get(member, 0)
                if count is None:
                    fact[member] = fact.get(member, 0.0) + coef
                else:
                    constant -= coef * count
            yield fact, constant


@dataclass(frozen=True)
class WithFacts:
    """A table's (or linked tables') system plus earlier releases' facts, as one linear
    system (:class:`crimestats.privacy.tables.LinearSystem`) for the MILP and the audit;
    a fact's keys are the system's variables."""

    table: LinearSystem
    facts: tuple[Fact, ...]

    @property
    def size(self) -> int:
        return self.table.size

    @property
    def flat(self) -> NDArray[np.int64]:
        return self.table.flat

    @cached_property
    def equations(self) -> list[NDArray[np.int64]]:
        extra = [np.array(sorted(f), dtype=np.int64) for f in self.facts]
        return [*self.table.equations, *extra]

    @cached_property
    def matrix(self) -> sparse.csr_matrix:
        rows, cols, data = [], [], []
        for number, fact in enumerate(self.facts):
            for cell, coef in sorted(fact.items()):
                rows.append(number)
                cols.append(cell)
                data.append(coef)
        extra = sparse.csr_matrix((data, (rows, cols)), shape=(len(self.facts), self.size))
        return sparse.csr_matrix(sparse.vstack([self.table.matrix, extra]))

    def unravel(self, flat_index: int) -> tuple[int, ...]:
        return self.table.unravel(flat_index)


def pinned_anyway(
    system: LinearSystem,
    candidates: NDArray[np.bool_],
    allowed: NDArray[np.bool_],
    protection_width: float,
) -> NDArray[np.bool_]:
    """Cells of ``candidates`` (flat) that no suppression pattern can protect: even with
    every ``allowed`` cell withheld too, the attacker bounds them more tightly than the
    width, from what earlier releases published (cells not allowed as partners, and the
    facts in ``system``).

    Why (red-team finding C): raise the threshold after a recorded release and a cell
    the old threshold published, or one whose line an earlier release pinned, must now
    be withheld; its partners are all known, so the suppression model was infeasible and
    no release could be made. Withholding such a cell protects nothing (the attacker has
    it from the earlier release); it is withheld without counting as protection, and
    the audit treats it, like a known cell, as published (docs/security-privacy.md).
    Only called when the model failed: it costs two linear programs a cell.
    """
    from crimestats.privacy.audit import audit

    hidden = candidates | allowed
    report = audit(system, hidden, protection_width)
    out = np.zeros(candidates.shape, dtype=bool)
    for index, cell in zip(np.flatnonzero(hidden), report.cells, strict=True):
        if cell.width < protection_width - 1e-7:
            out[index] = True
    return out & candidates


__all__ = [
    "EarlierCells",
    "Fact",
    "WithFacts",
    "cell_key",
    "earlier_facts",
    "known_mask",
    "pinned_anyway",
]
