"""A second hexagon map of a subset of points a published map already counts.

Why: the release publishes a hexagon map of every incident of a source and year
(:func:`~crimestats.geomask.aggregate_to_h3`). A later map of a subset of the same
incidents (one crime type, a few months: a public hotspot map) is masked the same way,
but the two can be subtracted. A hexagon with 14 incidents in the release and 12
burglaries on the hotspot map says that exactly 2 other incidents happened there: a
count the threshold rule withholds, pinned by differencing.

:func:`aggregate_subset_to_h3` therefore masks the subset exactly as the release masks
the whole (same resolution, minimum count and merge levels: with the same parameters a
cell the subset publishes on its own is one the whole publishes on its own too, since a
subset never counts more), and then applies the *complement rule*: for every feature
of the subset map, the points of the whole inside the feature's region but not in the
subset must number 0 or at least ``min_count``; a feature that fails is withheld. The
region is the set of fine cells the feature stands for (one cell, or a parent's
children that no finer feature covers), which is what an outsider can add up from the
whole map's features; any sum of features of either map then differs from a sum of the
other by 0 or at least ``min_count`` points wherever both are published, and a
withheld feature only tells that its complement is between 1 and ``min_count - 1``, not
which value. Features of the two maps can also overlap without nesting (a pooled parent
of one map covering cells the other publishes apart); the *overlap rule* links the
features of both maps that share a cell and withholds a linked group whose totals
differ by 1 to ``min_count - 1`` where the whole's features cover the subset's.

Nothing here changes :func:`aggregate_to_h3`: the subset map is that function's output
with features removed.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

from crimestats.geomask.hexagons import HexAggregation, HexCell, aggregate_to_h3
from crimestats.geomask.points import MaskingError, Points, as_latlon
from crimestats.geomask.report import MaskingReport


@dataclass(frozen=True)
class SubsetAggregation:
    """The published hexagons of a subset map, and what the complement rule withheld.

    Attributes
    ----------
    features : tuple[HexCell, ...]
        As :attr:`HexAggregation.features`, without the withheld ones.
    regions : dict[str, tuple[str, ...]]
        Per published feature's cell id, the fine cells it stands for.
    others : dict[str, int]
        Per published feature's cell id, the whole's points in its region that are not
        in the subset (0 or at least ``min_count``; empty without a whole).
    withheld : int
        Features withheld by the complement rule.
    report : MaskingReport
        Method ``"h3-hexagons-subset"``; ``n_suppressed`` includes the withheld points.
    """

    features: tuple[HexCell, ...]
    regions: dict[str, tuple[str, ...]]
    others: dict[str, int]
    withheld: int
    report: MaskingReport

    @property
    def counts(self) -> dict[str, int]:
        """``{cell id: published count}``."""
        return {f.cell: f.count for f in self.features}


def feature_regions(features: Iterable[HexCell], resolution: int) -> dict[str, tuple[str, ...]]:
    """The fine cells (at ``resolution``) each feature of one hexagon map stands for.

    Features come finest first (as :func:`aggregate_to_h3` orders them); a pooled parent
    stands for its children that no finer feature already covers, as in that function.
    """
    import h3

    covered: set[str] = set()
    regions: dict[str, tuple[str, ...]] = {}
    for feature in sorted(features, key=lambda f: -f.resolution):
        cell = feature.cell
        if h3.get_resolution(cell) == resolution:
            cells = [cell]
        else:
            cells = [c for c in h3.cell_to_children(cell, resolution) if c not in covered]
        covered.update(cells)
        regions[cell] = tuple(sorted(cells))
    return regions


def _fine_counts(points: Points, resolution: int) -> Counter[str]:
    import h3

    lats, lons = as_latlon(points)
    return Counter(
        h3.latlng_to_cell(float(a), float(b), resolution)
        for a, b in zip(lats.tolist(), lons.tolist(), strict=True)
    )


def _root(parent: dict[str, str], key: str) -> str:
    """Union-find: the representative of ``key``'s linked group."""
    while parent.setdefault(key, key) != key:
        key = parent[key]
    return key


def _overlap_rule(
    kept: list[HexCell],
    regions: dict[str, tuple[str, ...]],
    whole_features: Iterable[HexCell],
    resolution: int,
    min_count: int,
) -> list[HexCell]:
    """Withhold groups of features the whole map's features can be subtracted from.

    Features of the two maps that share a fine cell are linked; in each linked group
    whose whole-map features cover every cell of its subset features, the whole's
    published total minus the subset's is a count of points (a region's others). When it
    is 1 to ``min_count - 1``, the group's subset features are withheld; repeated until
    no group is left that would pin such a count.
    """
    whole_list = list(whole_features)
    whole_regions = feature_regions(whole_list, resolution)
    whole_count = {f.cell: f.count for f in whole_list}
    whole_of_cell = {c: w for w, cells in whole_regions.items() for c in cells}
    while True:
        parent: dict[str, str] = {}
        for feature in kept:
            for cell in regions[feature.cell]:
                if cell in whole_of_cell:
                    mine = _root(parent, "s" + feature.cell)
                    parent[mine] = _root(parent, "w" + whole_of_cell[cell])
        groups: dict[str, list[str]] = {}
        for key in list(parent):
            groups.setdefault(_root(parent, key), []).append(key)
        drop: set[str] = set()
        for members in groups.values():
            ours = [m[1:] for m in members if m[0] == "s"]
            theirs = [m[1:] for m in members if m[0] == "w"]
            covered = {c for w in theirs for c in whole_regions[w]}
            if not all(set(regions[c]) <= covered for c in ours):
                continue
            total = {f.cell: f.count for f in kept}
            gap = sum(whole_count[w] for w in theirs) - sum(total[c] for c in ours)
            if 0 < gap < min_count:
                drop.update(ours)
        if not drop:
            return kept
        kept = [f for f in kept if f.cell not in drop]


def aggregate_subset_to_h3(
    subset: Points,
    whole: Points | None,
    resolution: int,
    min_count: int,
    *,
    max_merge_levels: int = 2,
) -> SubsetAggregation:
    """Mask ``subset`` as :func:`aggregate_to_h3` does, then withhold every feature whose
    complement in ``whole`` is between 1 and ``min_count - 1`` (see the module docstring).

    ``whole`` is every point the other published map counts (``None``: no other map,
    nothing withheld). Every point of ``subset`` must be in ``whole``.

    Examples
    --------
    >>> spot = (35.149, -89.942)
    >>> subset = [spot] * 12
    >>> aggregate_subset_to_h3(subset, subset + [spot] * 2, 8, 10).withheld  # 2 others
    1
    >>> aggregate_subset_to_h3(subset, subset + [spot] * 10, 8, 10).counts
    {'882659a21bfffff': 12}
    """
    masked: HexAggregation = aggregate_to_h3(
        subset, resolution, min_count, max_merge_levels=max_merge_levels, cell_geometry=False
    )
    regions = feature_regions(masked.features, resolution)
    kept: list[HexCell] = list(masked.features)
    others_of: dict[str, int] = {}
    if whole is not None:
        part, every = _fine_counts(subset, resolution), _fine_counts(whole, resolution)
        if any(every[cell] < n for cell, n in part.items()):
            raise MaskingError(
                "the subset has points the whole map does not count",
                hint="pass as the whole every point of the other published map",
            )
        kept = []
        for feature in masked.features:
            cells = regions[feature.cell]
            others = sum(every[c] for c in cells) - feature.count
            if others == 0 or others >= min_count:
                kept.append(feature)
                others_of[feature.cell] = others
        whole_map = aggregate_to_h3(
            whole, resolution, min_count, max_merge_levels=max_merge_levels, cell_geometry=False
        )
        kept = _overlap_rule(kept, regions, whole_map.features, resolution, min_count)
        others_of = {c: n for c, n in others_of.items() if c in {f.cell for f in kept}}
    withheld = len(masked.features) - len(kept)
    published = sum(f.count for f in kept)
    merged = sum(f.count for f in kept if f.merged)
    base = masked.report
    report = MaskingReport(
        method="h3-hexagons-subset",
        parameters={**dict(base.parameters), "complement_rule": whole is not None},
        n_input=base.n_input,
        n_published=published,
        n_suppressed=base.n_input - published,
        n_merged=merged,
        n_features=len(kept),
        max_displacement_m=None,
        median_displacement_m=None,
        notes=(
            *base.notes,
            f"A hexagon is withheld when the other published map counts between 1 and "
            f"{min_count - 1} more points in the same cells ({withheld} withheld).",
        ),
    )
    published_cells = {f.cell for f in kept}
    return SubsetAggregation(
        features=tuple(kept),
        regions={c: r for c, r in regions.items() if c in published_cells},
        others=others_of,
        withheld=withheld,
        report=report,
    )


__all__ = ["SubsetAggregation", "aggregate_subset_to_h3", "feature_regions"]
