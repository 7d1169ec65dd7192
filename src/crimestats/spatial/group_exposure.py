"""Which population groups live in the cells a forecast flags, against their shares.

Why: a patrol allocation is a burden (stops, searches, arrests) on the people living
where it goes. When area denominators carry population groups, a flagged set that holds
a group's members out of proportion to its share of the population (or of victims) is
a disparity the model card must report (Lum & Isaac 2016). Places are counted, never
persons: the layer is counts per area, read as points at the areas' centroids.

The layer is a CSV with ``longitude`` and ``latitude`` (WGS84, an area's centroid), one
``pop_<group>`` column per group and optionally ``victims_<group>`` columns.
"""

from __future__ import annotations

import csv
import math
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from numpy.typing import NDArray

from crimestats.errors import NotFoundError, UsageError

POPULATION_PREFIX = "pop_"
VICTIMS_PREFIX = "victims_"


@dataclass(frozen=True)
class GroupLayer:
    """Counts per area and group: centroids, and one column per group."""

    lons: NDArray[np.float64] = field(repr=False)
    lats: NDArray[np.float64] = field(repr=False)
    population: dict[str, NDArray[np.float64]] = field(repr=False)
    victims: dict[str, NDArray[np.float64]] = field(repr=False)


@dataclass(frozen=True)
class GroupExposure:
    """One group against one flagged set of cells."""

    group: str
    population_share: float
    share_of_flagged_population: float
    living_in_flagged: float
    victim_share: float


def read_group_layer(path: Path) -> GroupLayer:
    """Read a group layer (module docstring); a bad row is one message naming its line."""
    if not path.is_file():
        raise NotFoundError(f"--groups {path}: no such file", hint="check the path")
    with path.open(newline="", encoding="utf-8-sig") as handle:
        reader = csv.DictReader(handle)
        header = reader.fieldnames or []
        groups = [c[len(POPULATION_PREFIX) :] for c in header if c.startswith(POPULATION_PREFIX)]
        if "longitude" not in header or "latitude" not in header or not groups:
            raise UsageError(
                f"--groups {path} needs longitude, latitude and pop_<group> columns",
                hint="its columns are: " + ", ".join(header),
            )
        with_victims = [g for g in groups if VICTIMS_PREFIX + g in header]
        columns = ["longitude", "latitude"]
        columns += [POPULATION_PREFIX + g for g in groups]
        columns += [VICTIMS_PREFIX + g for g in with_victims]
        rows: list[list[float]] = []
        for number, row in enumerate(reader, start=2):
            try:
                values = [float(row[c] or "") for c in columns]
            except ValueError:
                values = [math.nan]
            if not all(math.isfinite(v) for v in values) or any(v < 0 for v in values[2:]):
                raise UsageError(
                    f"--groups {path}, line {number}: every column must be a number "
                    "(counts not negative)",
                    hint="fix or drop that row",
                )
            rows.append(values)
    table = np.array(rows, dtype=np.float64).reshape(-1, len(columns))
    pops = {g: table[:, 2 + i] for i, g in enumerate(groups)}
    vics = {g: table[:, 2 + len(groups) + i] for i, g in enumerate(with_victims)}
    return GroupLayer(table[:, 0], table[:, 1], pops, vics)


def _share(part: float, whole: float) -> float:
    return part / whole if whole > 0 else float("nan")


def group_exposure(
    layer: GroupLayer, area_cell: NDArray[np.int64], flagged: NDArray[np.int64]
) -> list[GroupExposure]:
    """Each group's shares, given each area's cell (-1 off the grid) and the flagged cells.

    ``population_share``: the group's share of everyone in the layer;
    ``share_of_flagged_population``: its share of the people living in flagged cells
    (above ``population_share`` = over-exposed); ``living_in_flagged``: the share of the
    group that lives in flagged cells; ``victim_share``: its share of victims (NaN when
    the layer has no victims column for it).
    """
    inside = np.isin(area_cell, flagged)
    everyone = sum(float(v.sum()) for v in layer.population.values())
    everyone_flagged = sum(float(v[inside].sum()) for v in layer.population.values())
    all_victims = sum(float(v.sum()) for v in layer.victims.values())
    out = []
    for group, counts in layer.population.items():
        victims = layer.victims.get(group)
        out.append(
            GroupExposure(
                group=group,
                population_share=_share(float(counts.sum()), everyone),
                share_of_flagged_population=_share(float(counts[inside].sum()), everyone_flagged),
                living_in_flagged=_share(float(counts[inside].sum()), float(counts.sum())),
                victim_share=float("nan")
                if victims is None
                else _share(float(victims.sum()), all_victims),
            )
        )
    return out


__all__ = ["GroupExposure", "GroupLayer", "group_exposure", "read_group_layer"]
