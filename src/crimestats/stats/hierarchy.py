"""Area hierarchies: counting incidents and populations at any level (beat .. country).

The ``areas`` table links every area to its parent (``parent_code``) and names its
level. A table with ``--area-level LEVEL`` shows, in its ``area`` column, the ancestor at
LEVEL of each incident's area, so an incident recorded in a beat counts in its district,
city and country. An incident without an area code but with coordinates is placed in the
finest polygon area containing it (only then: a recorded code always wins), which is how
point data such as the Memphis robberies reach precincts.

The denominator of an area is rolled up the same tree, and never over part of it: an
area's population is the sum of its children's populations only when *every* child has
one (recursively); otherwise its own ingested population if there is one; otherwise
there is no rate, and the reason says how many children lack a population. A sum over
the children that have one would understate the population and overstate the rate.

The mappings are small Python dicts (one row per area, one per distinct unplaced
point) handed to the backend as Ibis memtables, so the counting itself stays one Ibis
expression on DuckDB or PySpark.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from crimestats.errors import UsageError
from crimestats.geojson import AreaGeometry
from crimestats.geomask.areas import polygons_of

PopKey = tuple[int, str | None, str | None]
"""(year, sex, age_group) of a population cell."""


@dataclass(frozen=True)
class AreaTree:
    """The ``areas`` table as a tree: level, parent, children and geometry of every code."""

    level: dict[str, str]
    parent: dict[str, str | None]
    geometry: dict[str, str | None] = field(repr=False)
    children: dict[str, tuple[str, ...]] = field(repr=False)

    @classmethod
    def from_rows(cls, rows: Iterable[Mapping[str, Any]]) -> AreaTree:
        """Build from rows with ``area_code``, ``level``, ``parent_code``, ``geometry``."""
        level: dict[str, str] = {}
        parent: dict[str, str | None] = {}
        geometry: dict[str, str | None] = {}
        for row in rows:
            code = str(row["area_code"])
            level[code] = str(row["level"])
            parent[code] = row.get("parent_code") or None
            geometry[code] = row.get("geometry")
        kids: dict[str, list[str]] = {}
        for code, up in parent.items():
            if up is not None and up in level:
                kids.setdefault(up, []).append(code)
        tree = cls(level, parent, geometry, {k: tuple(sorted(v)) for k, v in kids.items()})
        for code in level:
            tree.chain(code)  # refuses cycles once, here
        return tree

    def levels(self) -> list[str]:
        return sorted(set(self.level.values()))

    def chain(self, code: str) -> list[str]:
        """``code`` and its ancestors, nearest first (stops at a parent not in the table)."""
        out = [code]
        while (up := self.parent.get(out[-1])) is not None and up in self.level:
            if up in out:
                raise UsageError(
                    f"the areas table has a cycle through {up!r}",
                    hint="fix parent_code so that every chain ends at a top-level area",
                )
            out.append(up)
        return out

    def at_level(self, code: str, level: str) -> str | None:
        """The area at ``level`` that contains ``code`` (itself included), or None."""
        if code not in self.level:
            return None
        return next((c for c in self.chain(code) if self.level[c] == level), None)

    def codes_at(self, level: str) -> list[str]:
        return sorted(c for c, lvl in self.level.items() if lvl == level)

    def polygons_below(self, level: str) -> list[tuple[str, AreaGeometry]]:
        """Polygon areas at or below ``level``, finest (deepest) first, to place points in."""
        found = []
        for code, text in self.geometry.items():
            if not text or self.at_level(code, level) is None:
                continue
            geometry: AreaGeometry = json.loads(text)  # kept only if it is a (multi)polygon
            if polygons_of(geometry) is not None:
                found.append((-len(self.chain(code)), code, geometry))
        return [(code, geometry) for _, code, geometry in sorted(found, key=lambda x: x[:2])]


@dataclass(frozen=True)
class RolledPopulations:
    """Denominators of the areas at one level, rolled up the tree, with the reasons gaps have."""

    rows: list[tuple[str, int, str | None, str | None, float]]
    """(area_code, year, sex, age_group, population) for every area and cell that has one."""
    reasons: dict[tuple[str, PopKey], str]
    basis: dict[str, int]
    """How many denominators are sums of child areas, and how many are the area's own."""
    years: frozenset[int]


def roll_up_populations(
    tree: AreaTree,
    level: str,
    populations: Iterable[tuple[str, int, str | None, str | None, float]],
) -> RolledPopulations:
    """Each level area's population per cell: the children's sum if complete, else its own."""
    own: dict[tuple[str, PopKey], float] = {}
    for area, year, sex, age, population in populations:
        own[(area, (int(year), sex, age))] = float(population)
    keys = sorted({key for _, key in own}, key=lambda k: (k[0], k[1] or "", k[2] or ""))
    rows: list[tuple[str, int, str | None, str | None, float]] = []
    reasons: dict[tuple[str, PopKey], str] = {}
    basis: Counter[str] = Counter()
    for key in keys:
        memo: dict[str, tuple[float | None, str]] = {}
        for area in tree.codes_at(level):
            value, how = _population(tree, area, key, own, memo)
            if value is None:
                reasons[(area, key)] = how
            else:
                rows.append((area, key[0], key[1], key[2], value))
                basis[how] += 1
    return RolledPopulations(
        rows, reasons, dict(sorted(basis.items())), frozenset(k[0] for k in keys)
    )


def _population(
    tree: AreaTree,
    area: str,
    key: PopKey,
    own: Mapping[tuple[str, PopKey], float],
    memo: dict[str, tuple[float | None, str]],
) -> tuple[float | None, str]:
    """(population, how it was found) or (None, why there is none)."""
    if area in memo:
        return memo[area]
    kids = tree.children.get(area, ())
    missing = 0
    total = 0.0
    for kid in kids:
        value, _ = _population(tree, kid, key, own, memo)
        if value is None:
            missing += 1
        else:
            total += value
    if kids and not missing:
        result: tuple[float | None, str] = (total, "sum of child areas")
    elif (area, key) in own:
        result = (own[(area, key)], "own population")
    elif kids:
        result = (
            None,
            f"no population of its own, and {missing} of its {len(kids)} child areas have "
            "none (a sum over the others would be a partial denominator)",
        )
    else:
        result = (None, "no population for this area (crimestats ingest-population)")
    memo[area] = result
    return result


def read_tree(db: Any) -> AreaTree:
    """The store's ``areas`` table as an :class:`AreaTree` (read from the DuckDB store)."""
    from crimestats.storage.reads import ibis_store

    with ibis_store(db) as con:
        rows = con.table("areas").to_pyarrow().to_pylist()
    return AreaTree.from_rows(rows)
