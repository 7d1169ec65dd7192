"""What a release says about its map: the masking record, the notes and the resources.

Why a module of its own: the map's files (:mod:`crimestats.release.maps`) hold only
masked counts, but ``datapackage.json`` also says how they were masked, per source and
year, and that record is where a careless number would undo the masking (an exact count
of unmapped incidents, with the tables' margins, pins a withheld cell). So what is said
is declared here as typed JSON shapes, built from an allow-list: parameters, the
published total, coarse shares (:func:`public_masking`), and words.
"""

from __future__ import annotations

from typing import Any, NotRequired, TypedDict

from crimestats.release.descriptors import (
    FieldDescriptor,
    ResourceDescriptor,
    csv_dialect,
    field_descriptor,
)
from crimestats.release.map_history import EarlierMap
from crimestats.storage.points import PointGroup

H3_FILES = ("map_h3.geojson", "map_h3.csv")
SNAP_FILES = ("map_snap.geojson", "map_snap.csv")
HEX_DISPLACEMENT = (
    "at most the size of the hexagon shown: an incident is counted in the hexagon that "
    "holds it (or its pooled parent); not measured, so that it does not change with one "
    "new incident between releases"
)


class MapParameters(TypedDict):
    """The masking parameters: ``h3_resolution`` and ``max_merge_levels`` for hexagons,
    ``min_sources``, ``area_level`` and ``max_distance_m`` for snap points."""

    h3_resolution: NotRequired[int]
    min_sources: NotRequired[int]
    area_level: NotRequired[str | None]
    max_distance_m: NotRequired[float | None]
    min_count: int
    max_merge_levels: NotRequired[int]
    coordinate_decimals: int


class MapSummary(TypedDict):
    """The method of the map, as each map resource's ``crimestats`` record gives it."""

    method: str
    parameters: MapParameters
    counting_unit: str
    period_basis: str
    reference: str


class MapGroupEntry(TypedDict):
    """One source and year of the map: the masking report (:func:`public_masking`), or a
    note saying why nothing is mapped. Never its exact number of incidents."""

    source: str
    year: int
    note: NotRequired[str]
    masking: NotRequired[dict[str, Any]]


class MapMetadata(MapSummary):
    """``geographic_masking`` in ``datapackage.json``: the summary, every source and year,
    and the notes in words."""

    groups: list[MapGroupEntry]
    notes: list[str]


def group_entry(group: PointGroup) -> MapGroupEntry:
    """What a release says of one source and year: never its exact number of incidents,
    located or not (with the tables' withheld margins, that would pin small cells)."""
    entry: MapGroupEntry = {"source": group.source, "year": group.year}
    if group.n_points == 0:
        entry["note"] = "no incident of this source and year has a point; nothing mapped"
    return entry


def _band(part: int, whole: int) -> str:
    """A coarse share, so that no count of incidents can be worked back from it."""
    if part == 0:
        return "none"
    share = part / whole if whole else 1.0
    if share < 0.05:
        return "under 5%"
    if share < 0.2:
        return "5% to 20%"
    return "20% or more"


def public_masking(report: dict[str, Any], group: PointGroup) -> dict[str, Any]:
    """The masking report fit for publication: parameters, the published total (the sum
    of the map's own cells), features and displacement; the suppressed incidents and
    those without a location only as coarse shares.

    The report is :meth:`crimestats.geomask.MaskingReport.metadata`, whose parameters
    and notes differ by masking method; it stays a ``dict`` here (its shape is the
    masking library's, not the release's)."""
    out = {k: v for k, v in report.items() if k != "counts"}
    counts = report.get("counts", {})
    out["counts"] = {
        "published": counts.get("published"),
        "features": counts.get("features"),
        "suppressed_share": _band(int(counts.get("suppressed", 0)), group.n_points),
        "without_location_share": _band(group.without_point, group.incidents),
    }
    return out


def map_notes(
    method: str, min_count: int, earlier: EarlierMap, entries: list[MapGroupEntry]
) -> list[str]:
    """The map's notes in words: the smallest count shown, the unmapped incidents, how
    hexagons are held steady across releases, and which groups have no map."""
    notes = [
        f"Every published {'hexagon' if method == 'h3' else 'point'} counts at least "
        f"{min_count} incidents; smaller counts are pooled or suppressed and only their "
        "total per source and year is given here.",
        "Incidents without a usable point (no or invalid coordinates) are counted per "
        "source and year and never mapped.",
    ]
    if method == "h3":
        notes.append("Across releases: " + earlier.note + ".")
    empty = [e for e in entries if "masking" not in e]
    if empty:
        notes.append(
            "Nothing is mapped for: "
            + ", ".join(f"{e['source']} {e['year']}" for e in empty)
            + " (no incident with a usable point"
            + (", or too few distinct locations)." if method == "snap" else ").")
        )
    return notes


def map_resources(method: str, summary: MapSummary) -> list[ResourceDescriptor]:
    """The Frictionless resources of the map's GeoJSON and CSV files."""
    geojson_name, csv_name = H3_FILES if method == "h3" else SNAP_FILES
    stem = geojson_name.removesuffix(".geojson").replace("_", "-")
    common = [
        field_descriptor("source", "string", "the source the incidents came from"),
        field_descriptor("year", "integer", "calendar year of the report date"),
    ]
    count: FieldDescriptor = {
        "name": "count",
        "type": "integer",
        "description": "incidents counted in this feature",
        "constraints": {"minimum": summary["parameters"]["min_count"]},
    }
    if method == "h3":
        fields = [
            *common,
            field_descriptor(
                "h3_cell", "string", "H3 cell id (a pooled cell is coarser, see resolution)"
            ),
            field_descriptor("resolution", "integer", "H3 resolution of the cell"),
            count,
        ]
        key = ["source", "year", "h3_cell"]
    else:
        fields = [
            *common,
            field_descriptor(
                "point", "integer", "number of the anonymous point within source and year"
            ),
            field_descriptor(
                "area", "string", "area the point and its incidents lie in; blank: none"
            ),
            field_descriptor("lat", "number", "anonymous point latitude, WGS84"),
            field_descriptor("lon", "number", "anonymous point longitude, WGS84"),
            count,
        ]
        key = ["source", "year", "point"]
    return [
        {
            "profile": "data-resource",
            "name": f"{stem}-geojson",
            "path": geojson_name,
            "format": "geojson",
            "mediatype": "application/geo+json",
            "encoding": "utf-8",
            "description": "incident counts on a masked map (RFC 7946 GeoJSON, WGS84)",
            "crimestats": summary,
        },
        {
            "profile": "tabular-data-resource",
            "name": stem,
            "path": csv_name,
            "format": "csv",
            "mediatype": "text/csv",
            "encoding": "utf-8",
            "dialect": csv_dialect(),
            "schema": {"fields": fields, "primaryKey": key},
            "description": f"the counts of {geojson_name}, without geometry",
            "crimestats": summary,
        },
    ]


__all__ = [
    "H3_FILES",
    "HEX_DISPLACEMENT",
    "SNAP_FILES",
    "MapGroupEntry",
    "MapMetadata",
    "MapParameters",
    "MapSummary",
    "group_entry",
    "map_notes",
    "map_resources",
    "public_masking",
]
