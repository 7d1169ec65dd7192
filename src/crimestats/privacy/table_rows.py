"""Rows of a statistics table laid out as an array of counts, and back.

Why a module of its own: protection works on arrays (:mod:`crimestats.privacy.protect`,
:mod:`crimestats.privacy.linked`, :mod:`crimestats.privacy.cross_unit`), while tables
arrive and leave as rows (dimension fields plus ``count``). This is the one place that
checks such rows, numbers their levels (:class:`IndexedRows`) and turns a protected
array back into rows with a ``status``, margins appended under a total label.

The rows stay plain dicts: their keys are the caller's dimension names, not a fixed
shape, so a TypedDict cannot describe them.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

from crimestats.errors import UsageError
from crimestats.privacy.structural import STRUCTURAL_FLAG

DEFAULT_TOTAL_LABEL = "Total"
"""The value a margin row holds in each dimension it sums over."""


@dataclass(frozen=True)
class IndexedRows:
    """Rows of a statistics table laid out as the interior of an array.

    ``levels[d]`` maps each value of dimension ``d`` to its index, in order of first
    appearance; ``keys[i]`` is row ``i``'s interior index; combinations absent from the
    rows are zero in ``interior``.
    """

    dimensions: tuple[str, ...]
    levels: list[dict[Any, int]]
    keys: list[tuple[int, ...]]
    interior: NDArray[np.int64]
    structural: frozenset[tuple[int, ...]] = frozenset()
    """Interior cells given as structural zeros (rows with :data:`STRUCTURAL_FLAG`)."""

    def labels(self, total_label: str) -> list[list[Any]]:
        """Per dimension, the value of each full-table index (the last is the total)."""
        return [[*lv.keys(), total_label] for lv in self.levels]

    def locate(
        self, cell: Mapping[str, Any], total_label: str, *, where: str = "forced"
    ) -> tuple[int, ...] | None:
        """Full-table index of a cell given by its dimension values (``total_label`` for
        a margin); ``None`` if a value is not a level of this table."""
        index: list[int] = []
        for d, name in enumerate(self.dimensions):
            if name not in cell:
                raise UsageError(
                    f"a {where} cell {dict(cell)!r} has no field {name!r}",
                    hint="give every dimension's value, or the total label for a margin",
                )
            value = cell[name]
            if value == total_label:
                index.append(len(self.levels[d]))
            elif value in self.levels[d]:
                index.append(self.levels[d][value])
            else:
                return None
        return tuple(index)


def index_rows(
    rows: Iterable[Mapping[str, Any]],
    dimensions: Sequence[str],
    *,
    count: str = "count",
    total_label: str = DEFAULT_TOTAL_LABEL,
) -> tuple[list[dict[str, Any]], IndexedRows]:
    """Check rows (fields plus ``count``) and lay them out as an array of counts.

    Raises
    ------
    UsageError
        If there are no rows or dimensions, a field is missing, a value is the total
        label, two rows share a cell, or a count is not an integer.
    """
    data = [dict(row) for row in rows]
    if not dimensions:
        raise UsageError("protect_rows needs at least one dimension field")
    if not data:
        raise UsageError("there are no rows to protect", hint="check the table's filters")
    levels: list[dict[Any, int]] = [{} for _ in dimensions]
    keys: list[tuple[int, ...]] = []
    for number, row in enumerate(data, start=1):
        parts: list[int] = []
        for d, name in enumerate(dimensions):
            if name not in row:
                raise UsageError(f"row {number} has no field {name!r}")
            value = row[name]
            if value == total_label:
                raise UsageError(
                    f"row {number}: {name} is {total_label!r}, the label used for margins",
                    hint="pass another total_label, or drop total rows before protecting",
                )
            parts.append(levels[d].setdefault(value, len(levels[d])))
        keys.append(tuple(parts))
    if len(set(keys)) != len(keys):
        raise UsageError(
            "two rows share the same dimension values",
            hint="aggregate the rows first; each cell must appear once",
        )
    interior = np.zeros(tuple(max(len(lv), 1) for lv in levels), dtype=np.int64)
    structural: set[tuple[int, ...]] = set()
    for number, (key, row) in enumerate(zip(keys, data, strict=True), start=1):
        value = row.get(count)
        if isinstance(value, bool) or not isinstance(value, int | np.integer):
            raise UsageError(f"row {number}: {count} must be an integer, got {value!r}")
        if row.get(STRUCTURAL_FLAG):
            if value != 0:
                raise UsageError(
                    f"row {number} is marked as a structural zero but counts {value}",
                    hint="mark only cells that cannot hold a record",
                )
            structural.add(key)
        interior[key] = value
    return data, IndexedRows(tuple(dimensions), levels, keys, interior, frozenset(structural))


def rows_with_status(
    data: Sequence[Mapping[str, Any]],
    indexed: IndexedRows,
    published: NDArray[np.object_],
    status: NDArray[np.str_],
    *,
    count: str = "count",
    total_label: str = DEFAULT_TOTAL_LABEL,
    include_margins: bool = True,
) -> list[dict[str, Any]]:
    """The input rows with ``count`` as published and a ``status``, then margin rows.

    A combination absent from the input rows is published as zero by its absence; if
    secondary suppression withheld it, it gets a row with ``count`` ``None`` after the
    input rows, so that the release does not show it as zero.
    """
    out: list[dict[str, Any]] = []
    for key, row in zip(indexed.keys, data, strict=True):
        plain = {k: v for k, v in row.items() if k != STRUCTURAL_FLAG}
        out.append({**plain, count: published[key], "status": str(status[key])})
    labels = indexed.labels(total_label)
    inner = indexed.interior.shape
    given = set(indexed.keys)
    for index in np.ndindex(*inner):
        # an absent combination reads as zero, so one withheld must be shown as withheld
        if index not in given and published[index] is None:
            cell = {
                name: labels[d][i]
                for d, (name, i) in enumerate(zip(indexed.dimensions, index, strict=True))
            }
            out.append({**cell, count: None, "status": str(status[index])})
    if include_margins:
        for index in np.ndindex(*published.shape):
            if not any(i == n for i, n in zip(index, inner, strict=True)):
                continue
            margin = {
                name: labels[d][i]
                for d, (name, i) in enumerate(zip(indexed.dimensions, index, strict=True))
            }
            margin[count] = published[index]
            margin["status"] = str(status[index])
            out.append(margin)
    return out


__all__ = ["DEFAULT_TOTAL_LABEL", "IndexedRows", "index_rows", "rows_with_status"]
