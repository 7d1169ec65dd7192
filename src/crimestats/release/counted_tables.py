"""A release's tables counted once from the store: the true counts, never published.

Why a module of its own: counting is the one step of a release that reads the store;
protection, the audits and the writers need only these rows, so each table is counted
once (:func:`count_tables_on`, over the release's one connection) and handed on as a
:class:`CountedTable` (issue 12). Rows are put in one fixed order here and again before
writing, so the same store gives the same suppression pattern and the same bytes. The
structural zeros (a category a closed source cannot have) are added here too, since
they are part of what the store says about the table.
"""

from __future__ import annotations

import itertools
import os
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from crimestats.privacy.structural import STRUCTURAL_FLAG
from crimestats.release.standard_tables import TableSpec
from crimestats.release.table_cells import COUNT, as_text, data_label, row_sort_key
from crimestats.stats.structural import SourceCategories


@dataclass(frozen=True, slots=True)
class CountedTable:
    """A release table counted once from the store: true counts, never published as such.

    Attributes
    ----------
    spec : TableSpec
        Which table.
    rows : list of dict
        Field values as text (``None`` for blank) and ``count``, in the fixed order
        (:func:`~crimestats.release.table_cells.row_sort_key`). Callers copy before
        changing them (:meth:`fresh_rows`).
    metadata : dict
        The statistics metadata (:func:`crimestats.stats.count_table`), for the notes.
    """

    spec: TableSpec
    rows: list[dict[str, Any]]
    metadata: dict[str, Any]

    def fresh_rows(self) -> list[dict[str, Any]]:
        """A copy of the rows that a protection step may change in place."""
        return [dict(row) for row in self.rows]


def count_tables(
    db: str | os.PathLike[str] | None, specs: Sequence[TableSpec]
) -> dict[str, CountedTable]:
    """Count every table of ``specs`` once, over one read-only connection to the store."""
    from crimestats.storage.reads import ibis_store
    from crimestats.storage.store import resolve_db_path

    if not specs:
        return {}
    with ibis_store(db) as con:
        return count_tables_on(con, specs, store=str(resolve_db_path(db)))


def count_tables_on(con: Any, specs: Sequence[TableSpec], *, store: str) -> dict[str, CountedTable]:
    """Count every table of ``specs`` once on the open Ibis backend ``con``; ``store`` is
    the store's path as the metadata names it."""
    from crimestats.stats import engine

    out: dict[str, CountedTable] = {}
    for spec in specs:
        stats = engine.count_on(con, by=list(spec.by), unit=spec.unit, store=store)
        rows = [
            {**{name: data_label(as_text(row[name])) for name in spec.by}, COUNT: int(row[COUNT])}
            for row in stats.rows()
        ]
        rows += structural_rows(spec.by, rows, SourceCategories.of_table(con, spec.by))
        rows.sort(key=lambda row: row_sort_key(row, spec.by))
        out[spec.name] = CountedTable(spec, rows, stats.metadata)
    return out


def structural_rows(
    fields: Sequence[str], rows: Sequence[dict[str, Any]], categories: SourceCategories
) -> list[dict[str, Any]]:
    """Rows (count 0, flagged :data:`~crimestats.privacy.protect.STRUCTURAL_FLAG`) for
    every combination of the table's values in which a closed source meets an ICCS
    category it cannot have (:mod:`crimestats.stats.structural`).

    Why: such a cell is published as ``not_applicable`` (no count, not withheld), and
    the privacy layer treats it as known: secondary suppression never counts on it (a
    withheld known zero protects nothing) and the audit knows it. A closed source with a
    count in such a category anyway (a code the source gave) is open in this table: no
    structural zero for it, since one cell shown withheld among not_applicable ones
    would tell a reader that it holds at least 1.
    """
    if not rows or not categories.closed():
        return []
    breached = {row["source"] for row in rows if categories.impossible(row)}
    closed = categories.closed() - breached
    levels = [list(dict.fromkeys(row[name] for row in rows)) for name in fields]
    at = list(fields).index("source")
    levels[at] = [source for source in levels[at] if source in closed]
    present = {tuple(row[name] for name in fields) for row in rows}
    out: list[dict[str, Any]] = []
    for combo in itertools.product(*levels):
        cell = dict(zip(fields, combo, strict=True))
        if combo not in present and categories.impossible(cell):
            out.append({**cell, COUNT: 0, STRUCTURAL_FLAG: True})
    return out


__all__ = ["CountedTable", "count_tables", "count_tables_on", "structural_rows"]
