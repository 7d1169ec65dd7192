"""The release's maps: incident counts per H3 hexagon, or per anonymous snap point.

Why: DESIGN.md section 6 allows a published point only when it is masked, never an
exact address. The store holds exact coordinates; this module is the one step that turns
them into something publishable, with :mod:`crimestats.geomask` doing the masking:

* ``h3`` (default): incidents are counted per H3 cell, per source and year of report;
  cells under ``min_count`` are pooled into coarser cells and what stays small is
  suppressed (:func:`crimestats.geomask.aggregate_to_h3`). Published coordinates are
  vertices of the H3 grid, which does not depend on the data.
* ``snap``: anonymous points, each the centre of at least ``min_sources`` distinct
  source locations (:func:`crimestats.geomask.build_snap_points`), carry the count of
  incidents snapped to them; a point with fewer than ``min_count`` is dropped and its
  incidents suppressed. Published coordinates are rounded to 4 decimals and moved to a
  neighbouring 4-decimal position if they would coincide with a source location.

Only one method per release: a hexagon map and a snap-point map of the same incidents
could be subtracted from each other. Files are byte-stable (features sorted, coordinates
rounded to a fixed number of decimals, GeoJSON rings as RFC 7946 section 3.1.6 wants:
exterior counter-clockwise, holes clockwise, each closed). See docs/geographic-masking.md.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from crimestats.errors import UsageError
from crimestats.geojson import (
    Feature,
    FeatureCollection,
    PropertyValue,
    feature_collection,
)
from crimestats.geomask import (
    AreaIndex,
    aggregate_to_h3,
    count_at_snap_points,
)
from crimestats.release.descriptors import ResourceDescriptor
from crimestats.release.map_geometry import (
    H3_DECIMALS,
    geojson_text,
    hexagon_geometry,
    published_hexagon,
    rfc7946_geometry,
)
from crimestats.release.map_history import EarlierMap
from crimestats.release.map_inputs import MapInputs
from crimestats.release.map_metadata import (
    H3_FILES,
    HEX_DISPLACEMENT,
    SNAP_FILES,
    MapGroupEntry,
    MapMetadata,
    MapParameters,
    MapSummary,
    group_entry,
    map_notes,
    map_resources,
    public_masking,
)
from crimestats.storage.points import PointGroup

METHODS = ("h3", "snap")
SNAP_DECIMALS = 4
"""Decimals of published snap points (about 11 m): coarser than any street address."""
OUTSIDE = "(outside every area)"
"""The region of points in no area of ``area_level``: snapped among themselves only."""


@dataclass(frozen=True)
class MapOutput:
    """What :func:`write_maps` wrote.

    Attributes
    ----------
    files : list of str
        File names written, relative to the folder (empty when no source has a point).
    resources : list of dict
        Frictionless resource descriptors of those files, for ``datapackage.json``.
    metadata : dict
        Method, parameters, per source and year the masking report (published, merged,
        suppressed, incidents without a point), and notes. No location, no small cell.
    collection : FeatureCollection
        The published GeoJSON FeatureCollection (as written), for drawing the report's map.
    """

    files: list[str]
    resources: list[ResourceDescriptor]
    metadata: MapMetadata
    collection: FeatureCollection = field(default_factory=lambda: feature_collection([]))


def _csv_text(header: Sequence[str], rows: Sequence[Sequence[PropertyValue]]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue()


def _hexagons(
    groups: list[PointGroup], resolution: int, min_count: int, earlier: EarlierMap
) -> tuple[list[Feature], list[list[PropertyValue]], list[MapGroupEntry]]:
    features: list[Feature] = []
    rows: list[list[PropertyValue]] = []
    entries: list[MapGroupEntry] = []
    for group in groups:
        entry = group_entry(group)
        entries.append(entry)
        if group.n_points == 0:
            continue
        result = aggregate_to_h3(
            (group.lats, group.lons), resolution, min_count, cell_geometry=False
        )
        masking = entry["masking"] = public_masking(result.report.metadata(), group)
        # measured distances move with every new point (a median of 297 m becoming 292 m
        # says where a new incident is); a hexagon's own size bounds them anyway
        masking["displacement_m"] = HEX_DISPLACEMENT
        published = 0
        for hexagon in result.features:
            key = (group.source, str(group.year), hexagon.cell)
            count = earlier.steady(key, hexagon.count, min_count)
            published += count
            feature_id = f"{group.source}/{group.year}/{hexagon.cell}"
            features.append(published_hexagon(feature_id, group.source, group.year, hexagon, count))
            rows.append([group.source, group.year, hexagon.cell, hexagon.resolution, count])
        masking["counts"]["published"] = published  # as the map shows them
    return features, rows, entries


def _snap_points(
    groups: list[PointGroup],
    min_sources: int,
    min_count: int,
    areas: AreaIndex | None,
    max_distance_m: float | None,
) -> tuple[list[Feature], list[list[PropertyValue]], list[MapGroupEntry]]:
    features: list[Feature] = []
    rows: list[list[PropertyValue]] = []
    entries: list[MapGroupEntry] = []
    # every source location of every group: no published point may sit on any of them
    taken = {
        (round(a, SNAP_DECIMALS), round(b, SNAP_DECIMALS))
        for g in groups
        for a, b in zip(g.lats.tolist(), g.lons.tolist(), strict=True)
    }
    for group in groups:
        entry = group_entry(group)
        entries.append(entry)
        if group.n_points == 0:
            continue
        area_of_point = (
            None if areas is None else areas.with_known(group.lats, group.lons, outside=OUTSIDE)
        )
        counted = count_at_snap_points(
            (group.lats, group.lons),
            min_sources,
            min_count,
            area_of_point,
            max_distance_m=max_distance_m,
            decimals=SNAP_DECIMALS,
            avoid=taken,
        )
        entry["masking"] = public_masking(counted.report.metadata(), group)
        for number, point in enumerate(counted.points):
            area = "" if point.area is None or point.area == OUTSIDE else str(point.area)
            features.append(
                {
                    "type": "Feature",
                    "id": f"{group.source}/{group.year}/{number}",
                    "properties": {
                        "source": group.source,
                        "year": group.year,
                        "point": number,
                        "area": area or None,
                        "count": point.count,
                    },
                    "geometry": {"type": "Point", "coordinates": [point.lon, point.lat]},
                }
            )
            rows.append([group.source, group.year, number, area, point.lat, point.lon, point.count])
    return features, rows, entries


def _check(method: str, h3_resolution: int, min_count: int, min_sources: int) -> None:
    if method not in METHODS:
        raise UsageError(f"map method {method!r} is unknown", hint="use 'h3' or 'snap'")
    if isinstance(min_count, bool) or not isinstance(min_count, int) or min_count < 2:
        raise UsageError(
            f"maps.min_count {min_count!r} would publish single incidents on a map",
            hint="use 5 or more (10 is the default)",
        )
    if isinstance(h3_resolution, bool) or not isinstance(h3_resolution, int):
        raise UsageError(f"maps.h3_resolution {h3_resolution!r} is not an integer", hint="use 8")
    if not 0 <= h3_resolution <= 15:
        raise UsageError(
            f"maps.h3_resolution {h3_resolution} is not an H3 resolution",
            hint="use 0 (continents) to 15; 8 (about 0.74 km2) suits a city",
        )
    if isinstance(min_sources, bool) or not isinstance(min_sources, int) or min_sources < 2:
        raise UsageError(
            f"maps.min_sources {min_sources!r} would let a point stand for one location",
            hint="use 8, as data.police.uk does with addresses",
        )


def _require_h3() -> None:
    try:
        import h3  # noqa: F401
    except ImportError as exc:  # pragma: no cover - the extra is installed for the tests
        raise UsageError(
            "the hexagon map needs the h3 package, which is not installed",
            hint="install the privacy extra: pip install 'crimestats[privacy]'",
        ) from exc


def write_maps(
    inputs: MapInputs,
    folder: Path,
    *,
    h3_resolution: int = 8,
    min_count: int = 10,
    method: str = "h3",
    min_sources: int = 8,
    max_distance_m: float | None = None,
    earlier: EarlierMap | None = None,
) -> MapOutput:
    """Write the masked incident map of every source and year into ``folder``.

    Parameters
    ----------
    inputs : MapInputs
        The incident points per source and year, and the areas of ``area_level`` no
        snapping may cross (method ``snap``; :func:`.map_inputs.read_map_inputs`): the
        map reads nothing from the store itself.
    folder : Path
        The release folder (must exist).
    h3_resolution : int
        Finest H3 resolution published (method ``h3``).
    min_count : int
        Smallest count of a published hexagon or point (>= 2).
    method : str
        ``"h3"`` (hexagons, ``map_h3.*``) or ``"snap"`` (anonymous points, ``map_snap.*``).
    min_sources : int
        Distinct source locations behind each anonymous point (method ``snap``).
    max_distance_m : float, optional
        Method ``snap``: an incident farther than this (metres) from its nearest snap
        point is suppressed rather than shown far from where it was.
    earlier : EarlierMap, optional
        Method ``h3``: the hexagons of the last recorded release; a count that moved by
        less than ``min_count`` since is published as it was (:mod:`.map_history`).
    """
    _check(method, h3_resolution, min_count, min_sources)
    if max_distance_m is not None and (method != "snap" or not max_distance_m > 0):
        raise UsageError(
            f"maps.max_distance_m {max_distance_m!r} needs method 'snap' and a positive distance",
            hint="give metres, e.g. 1500, with method 'snap'; or leave it out",
        )
    if method == "h3":
        _require_h3()
    areas, area_level, groups = inputs.areas, inputs.area_level, list(inputs.groups)
    earlier = earlier or EarlierMap()
    parameters: MapParameters
    if method == "h3":
        features, rows, entries = _hexagons(groups, h3_resolution, min_count, earlier)
        parameters = {
            "h3_resolution": h3_resolution,
            "min_count": min_count,
            "max_merge_levels": 2,
            "coordinate_decimals": H3_DECIMALS,
        }
        name = "h3-hexagons"
        header = ["source", "year", "h3_cell", "resolution", "count"]
        files = H3_FILES
    else:
        features, rows, entries = _snap_points(
            groups, min_sources, min_count, areas, max_distance_m
        )
        parameters = {
            "min_sources": min_sources,
            "area_level": area_level,
            "max_distance_m": max_distance_m,
            "min_count": min_count,
            "coordinate_decimals": SNAP_DECIMALS,
        }
        name = "snap-points"
        header = ["source", "year", "point", "area", "lat", "lon", "count"]
        files = SNAP_FILES
    summary: MapSummary = {
        "method": name,
        "parameters": parameters,
        "counting_unit": "incidents",
        "period_basis": "reported",
        "reference": "docs/geographic-masking.md",
    }
    metadata: MapMetadata = {
        **summary,
        "groups": entries,
        "notes": map_notes(method, min_count, earlier, entries),
    }
    collection = feature_collection(features)
    if not features:
        return MapOutput(files=[], resources=[], metadata=metadata, collection=collection)
    (folder / files[0]).write_text(geojson_text(features), encoding="utf-8", newline="")
    (folder / files[1]).write_text(_csv_text(header, rows), encoding="utf-8", newline="")
    return MapOutput(
        files=list(files),
        resources=map_resources(method, summary),
        metadata=metadata,
        collection=collection,
    )


__all__ = [
    "H3_FILES",
    "METHODS",
    "SNAP_FILES",
    "MapOutput",
    "hexagon_geometry",
    "published_hexagon",
    "rfc7946_geometry",
    "write_maps",
]
