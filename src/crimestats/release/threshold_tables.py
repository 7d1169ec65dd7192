"""The threshold step of a release: every threshold table protected, linked and audited.

Why: a release's threshold tables are not protected one by one. The tables of one
counting unit are linked (:mod:`crimestats.release.linked_tables`), the incidents and
offences tables are audited and repaired across units
(:mod:`crimestats.release.cross_unit_tables`), and every table withholds again the
cells the store's last recorded release of it withheld (``forced``), so that
subtracting two releases does not reveal what the first one hid. This module runs those
steps in order and makes the disclosure record independent of the release history
(:func:`_stable`), so a re-run gives the same bytes.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Mapping
from typing import Any

from crimestats.privacy.history import EarlierCells
from crimestats.privacy.joint import Hierarchy
from crimestats.release.counted_tables import CountedTable
from crimestats.release.cross_unit_tables import across_units
from crimestats.release.linked_tables import protect_unit
from crimestats.release.standard_tables import TableSpec
from crimestats.release.table_cells import ForcedCells
from crimestats.release.tables import ProtectedRows, withheld_of


def protect_threshold_tables(
    counted: Mapping[str, CountedTable],
    *,
    threshold: int,
    forced: ForcedCells | None = None,
    earlier: Mapping[str, EarlierCells] | None = None,
) -> dict[str, ProtectedRows]:
    """Protect the threshold tables of a release, linked tables of one unit together.

    ``forced`` maps a table name to cells to withhold whatever their count (field values,
    ``Total`` in margins), e.g. what the last recorded release of that table withheld.
    Then the incidents and offences tables are audited together through
    ``offences >= incidents`` (:mod:`crimestats.privacy.cross_unit`), and cells are
    withheld until that audit passes too.
    """
    carried = forced is not None
    forced = forced or {}
    earlier = earlier or {}
    by_unit: dict[str, list[TableSpec]] = {}
    for spec in (table.spec for table in counted.values()):
        by_unit.setdefault(spec.unit, []).append(spec)
    out: dict[str, ProtectedRows] = {}
    hierarchies: dict[str, list[Hierarchy]] = {}
    for unit, group in by_unit.items():
        tables, hierarchies[unit] = protect_unit(
            counted, group, threshold=threshold, forced=forced, earlier=earlier
        )
        out.update(tables)
    out = across_units(
        counted, by_unit, out, threshold=threshold, forced=forced, earlier=earlier, used=hierarchies
    )
    return {
        name: dataclasses.replace(table, disclosure=_stable(table.disclosure, carried=carried))
        for name, table in out.items()
    }


_RUN_DEPENDENT = ("forced_cells", "forced_cells_not_found")


def _stable(disclosure: dict[str, Any], *, carried: bool) -> dict[str, Any]:
    """The disclosure record without what depends on the store's release history.

    A release re-run on the same data withholds the same cells whether or not the
    previous pattern was carried forward, and must give the same bytes, so pass counts
    and how many cells were forced are left out; ``carry_forward`` says the rule.
    """
    out = {k: v for k, v in disclosure.items() if k not in _RUN_DEPENDENT}
    how = out.get("suppression")
    if isinstance(how, str):
        how = re.sub(r" in \d+ passes?", "", how)
        out["suppression"] = re.sub(r" \(\d+ rounds?\)", "", how)
    out["carry_forward"] = (
        "cells withheld by the last recorded release of this table are withheld again"
        if carried
        else "off"
    )
    return out


__all__ = ["protect_threshold_tables", "withheld_of"]
