"""Hexagon counts across releases: a change smaller than ``min_count`` is not published.

Why (issue 11, deliver 4): every published hexagon counts at least ``min_count``
incidents, but two releases of the map can be subtracted. Add one incident and release
again: one hexagon goes from 19 to 20, which says where the new incident is (to a
hexagon) and that it is one. So each hexagon's count is compared with what the store's
last recorded release published for the same source, year and cell; when it moved by
less than ``min_count``, the earlier count is published again. A published count then
changes only by ``min_count`` or more (as much as a new hexagon may show), and may lag
the true count by less than ``min_count``, which the map's notes say.

The earlier map is read from the last recorded release's folder and checked against the
SHA-256 its manifest recorded in the store: a missing or edited file is not trusted, and
the map is then published as if it were the first (the notes say so).
"""

from __future__ import annotations

import csv
import hashlib
import io
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from crimestats.storage.releases import last_recorded_file

if TYPE_CHECKING:
    import duckdb

HexKey = tuple[str, str, str]
"""(source, year, H3 cell) of a published hexagon."""


@dataclass(frozen=True)
class EarlierMap:
    """The hexagon counts the last recorded release published, and where they came from."""

    counts: Mapping[HexKey, int] = field(default_factory=dict)
    note: str = "no earlier recorded release has a hexagon map"

    def steady(self, key: HexKey, count: int, min_count: int) -> int:
        """The count to publish: the earlier one when ``count`` moved by less than
        ``min_count`` since, else ``count``."""
        before = self.counts.get(key)
        if before is not None and abs(count - before) < min_count:
            return before
        return count


def earlier_map(con: duckdb.DuckDBPyConnection, name: str) -> EarlierMap:
    """Read the hexagon map ``name`` (``map_h3.csv``) of the store's last recorded release
    that has one, if its bytes still match the recorded manifest; ``con`` is the release's
    read of the store's history (one connection for lineage and history)."""
    found = last_recorded_file(con, name)
    if found is None:
        return EarlierMap()
    path, digest = Path(found[0]), found[1]
    try:
        data = path.read_bytes()
    except OSError:
        return EarlierMap(note=f"the last recorded release's {name} is gone: not compared")
    if hashlib.sha256(data).hexdigest() != digest:
        return EarlierMap(note=f"the last recorded release's {name} was changed: not compared")
    counts: dict[HexKey, int] = {}
    for row in csv.DictReader(io.StringIO(data.decode("utf-8"))):
        counts[(row["source"], row["year"], row["h3_cell"])] = int(row["count"])
    return EarlierMap(
        counts,
        "a hexagon whose count moved by less than min_count since the last recorded "
        "release shows its earlier count (it may lag the true count by less than "
        "min_count), so that two releases do not locate a new incident",
    )


__all__ = ["EarlierMap", "HexKey", "earlier_map"]
