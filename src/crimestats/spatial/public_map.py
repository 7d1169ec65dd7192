"""The public hotspot map: the selected incidents on the release's own H3 hexagons.

Why not the analysts' grid with small cells dropped: the release already publishes a
hexagon map of every incident per source and year (``crimestats.release.maps``). A
second public map on another grid (squares, another resolution, another minimum count,
other groups) could be laid over it and subtracted: where a square overlaps a
suppressed hexagon, or a 12 sits in a 14, the difference singles out a few incidents.
So the public hotspot map is drawn on the same lattice with the same rule:

* one panel per source and year of report, the release's groups (a count over two years
  minus one year's published count would give the other year's suppressed cells);
* :func:`crimestats.geomask.subset.aggregate_subset_to_h3` with the release's
  resolution, minimum count and merge levels (cells below the minimum pooled, then
  suppressed, exactly as :func:`crimestats.geomask.aggregate_to_h3` does for the
  release), and the complement rule against the release's points of the same group: a
  hexagon whose count differs from what the release counts there by 1 to
  ``min_count - 1`` is withheld;
* where the map counts the same incidents as the release (the complement is 0), the
  count is the one the release would publish (the earlier count while it moved by less
  than ``min_count``, ``crimestats.release.map_history``): otherwise the hotspot map
  would give the change the release hides.

A points file has no release: its map is masked the same way, as one group, with no
complement to check. Features carry source, year, cell, resolution and count only.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import numpy as np
from numpy.typing import NDArray

from crimestats.geojson import Feature, FeatureCollection
from crimestats.geomask.subset import aggregate_subset_to_h3
from crimestats.spatial.hotspot_report import check_min_count

DEFAULT_H3_RESOLUTION = 8
"""The release maps' resolution (``crimestats.release.config.DEFAULT_H3_RESOLUTION``)."""
DEFAULT_MIN_COUNT = 10
"""The release maps' minimum count (``crimestats.release.config.DEFAULT_MIN_COUNT``)."""
MAX_MERGE_LEVELS = 2
"""The release maps' merge levels (``crimestats.release.maps``: ``max_merge_levels`` 2)."""

Steady = Callable[[tuple[str, str, str], int, int], int]
"""``EarlierMap.steady``: the count the release would publish for (source, year, cell)."""


@dataclass(frozen=True)
class PointGroupPair:
    """One source and year: the selected points, and every point the release maps.

    ``whole`` is ``None`` for a points file (no release counts it). Arrays are WGS84.
    """

    source: str | None
    year: int | None
    lats: NDArray[np.float64] = field(repr=False)
    lons: NDArray[np.float64] = field(repr=False)
    whole_lats: NDArray[np.float64] | None = field(default=None, repr=False)
    whole_lons: NDArray[np.float64] | None = field(default=None, repr=False)

    @property
    def label(self) -> str:
        """``source year``, or ``points file``."""
        if self.source is None:
            return "points file" if self.year is None else str(self.year)
        return f"{self.source} {self.year}"


@dataclass(frozen=True)
class PublicPanel:
    """The published hexagons of one group, and how many the complement rule withheld."""

    label: str
    source: str | None
    year: int | None
    features: tuple[Feature, ...]
    withheld: int


@dataclass(frozen=True)
class PublicMap:
    """Every panel of a public hotspot map and the masking parameters."""

    panels: tuple[PublicPanel, ...]
    resolution: int
    min_count: int

    def feature_collection(self) -> FeatureCollection:
        """RFC 7946 GeoJSON with a ``crimestats`` member stating the masking rule."""
        features = [f for p in self.panels for f in p.features]
        header = {
            "method": "h3-hexagons",
            "h3_resolution": self.resolution,
            "min_count": self.min_count,
            "max_merge_levels": MAX_MERGE_LEVELS,
            "groups": [
                {
                    "source": p.source,
                    "year": p.year,
                    "features": len(p.features),
                    "withheld_by_complement_rule": p.withheld,
                }
                for p in self.panels
            ],
            "rule": (
                f"incidents per H3 hexagon of resolution {self.resolution}, per source and "
                f"year, as the release's map: hexagons under {self.min_count} are pooled "
                f"into coarser ones (at most {MAX_MERGE_LEVELS} levels) or suppressed; a "
                "hexagon whose count differs from the release's by 1 to "
                f"{self.min_count - 1} is withheld"
            ),
        }
        return {"type": "FeatureCollection", "crimestats": header, "features": features}


def public_map(
    groups: Sequence[PointGroupPair],
    *,
    resolution: int = DEFAULT_H3_RESOLUTION,
    min_count: int = DEFAULT_MIN_COUNT,
    steady: Steady | None = None,
) -> PublicMap:
    """Mask every group as the module docstring says; ``steady`` is the release's
    :meth:`~crimestats.release.map_history.EarlierMap.steady` (None: no earlier map)."""
    from crimestats.release.maps import published_hexagon

    check_min_count(min_count)
    panels: list[PublicPanel] = []
    for pair in groups:
        if pair.lats.size == 0:
            continue
        whole = None
        if pair.whole_lats is not None and pair.whole_lons is not None:
            whole = (pair.whole_lats, pair.whole_lons)
        masked = aggregate_subset_to_h3(
            (pair.lats, pair.lons),
            whole,
            resolution,
            min_count,
            max_merge_levels=MAX_MERGE_LEVELS,
        )
        features: list[Feature] = []
        for hexagon in masked.features:
            count = hexagon.count
            same = whole is not None and masked.others.get(hexagon.cell) == 0
            if steady is not None and same and pair.source is not None:
                # the release's own hexagon (same cell, region and count): its count
                key = (pair.source, str(pair.year), hexagon.cell)
                count = steady(key, count, min_count)
            feature_id = f"{pair.label}/{hexagon.cell}"
            features.append(published_hexagon(feature_id, pair.source, pair.year, hexagon, count))
        panels.append(
            PublicPanel(pair.label, pair.source, pair.year, tuple(features), masked.withheld)
        )
    return PublicMap(tuple(panels), resolution, min_count)


__all__ = [
    "DEFAULT_H3_RESOLUTION",
    "DEFAULT_MIN_COUNT",
    "MAX_MERGE_LEVELS",
    "PointGroupPair",
    "PublicMap",
    "PublicPanel",
    "public_map",
]
