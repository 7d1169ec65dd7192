"""What the store's recorded releases tell the next one: the release's history step.

Why apart from :mod:`crimestats.release.build`: an attacker holds every earlier release,
so before anything is counted the release reads, per threshold table, the cells earlier
releases withheld (withheld again: revisions cannot be subtracted) and everything they
published, of this table and of the other tables of its counting unit (a grand total is
the same statistic in every table of the unit). :mod:`crimestats.privacy.history` turns
that into constraints of the suppression model and the audit.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import duckdb

from crimestats.privacy.history import EarlierCells, cell_key
from crimestats.release.config import ReleaseConfig
from crimestats.release.protection import protection_of
from crimestats.release.table_cells import TOTAL_LABEL, CellValues
from crimestats.storage.releases import (
    previous_withheld,
    recorded_cells,
    recorded_cells_of_unit,
)


@dataclass(frozen=True)
class ReleaseHistory:
    """Per threshold table: ``forced``, the cells to withhold again (``None`` when the
    configuration turns carrying forward off), and ``earlier``, what recorded releases
    published for its statistics."""

    forced: dict[str, list[CellValues]] | None = None
    earlier: dict[str, EarlierCells] = field(default_factory=dict)


def read_history(con: duckdb.DuckDBPyConnection, config: ReleaseConfig) -> ReleaseHistory:
    """The history of every threshold table of ``config`` in the store behind ``con``."""
    threshold = [t for t in config.tables if protection_of(t.method).carries_history]
    last = {t.name: previous_withheld(con, t.name, t.by) for t in threshold}
    earlier: dict[str, EarlierCells] = {}
    for t in threshold:
        own = recorded_cells(con, t.name, t.by)
        # the same statistics published by other tables of the unit (another name, or
        # fewer fields): a total withheld there must not be published here, and back
        others = recorded_cells_of_unit(con, t.unit, t.name, t.by, TOTAL_LABEL)
        history = EarlierCells.of((c.release_id, c.cell, c.count) for c in own)
        history = history.with_other_tables((c.cell, c.count) for c in others)
        if history:
            earlier[t.name] = history
    if not config.carry_forward:
        return ReleaseHistory(None, earlier)
    forced: dict[str, list[CellValues]] = {}
    for name, cells_of_last in last.items():
        cells = [*cells_of_last, *(earlier[name].withheld if name in earlier else ())]
        unique = {cell_key(cell): dict(cell) for cell in cells}
        if unique:
            forced[name] = [unique[k] for k in sorted(unique, key=repr)]
    return ReleaseHistory(forced, earlier)


__all__ = ["ReleaseHistory", "read_history"]
