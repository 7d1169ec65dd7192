"""GeoJSON (RFC 7946) as typed dictionaries: the shapes every published map is made of.

Why typed dictionaries and not dataclasses: these values are written with ``json.dumps``
as they stand (byte-stable files, one feature per line), so they stay plain dicts at run
time; the types say, once, which keys each one has, so that a misspelt member or a
geometry of the wrong kind fails ``mypy`` rather than a reader's map.

Coordinates are ``[longitude, latitude]`` in WGS84 degrees (RFC 7946 section 3.1.1).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal, NotRequired, TypeAlias, TypedDict

Position: TypeAlias = Sequence[float]
"""``[lon, lat]``."""
Ring: TypeAlias = Sequence[Position]
"""A closed ring of positions (first equal to last in a published file)."""

PropertyValue: TypeAlias = str | int | float | bool | None
"""What a published feature's property may hold: a scalar, never a nested object."""


class PolygonGeometry(TypedDict):
    """A polygon: its exterior ring, then its holes."""

    type: Literal["Polygon"]
    coordinates: Sequence[Ring]


class MultiPolygonGeometry(TypedDict):
    """Several polygons (an H3 parent whose region is not one piece)."""

    type: Literal["MultiPolygon"]
    coordinates: Sequence[Sequence[Ring]]


class PointGeometry(TypedDict):
    """One position (an anonymous snap point)."""

    type: Literal["Point"]
    coordinates: Position


AreaGeometry: TypeAlias = PolygonGeometry | MultiPolygonGeometry
"""The geometries of hexagons and pooled hexagons."""
Geometry: TypeAlias = PolygonGeometry | MultiPolygonGeometry | PointGeometry


class Feature(TypedDict):
    """One published feature; ``id`` is stable across runs (source/year/cell, or a point's
    number)."""

    type: Literal["Feature"]
    id: NotRequired[str | int]
    properties: dict[str, PropertyValue]
    geometry: Geometry | None


class FeatureCollection(TypedDict):
    """A map file; ``crimestats`` (a foreign member, RFC 7946 section 6.1) states the
    masking rule where the collection is published on its own."""

    type: Literal["FeatureCollection"]
    features: list[Feature]
    crimestats: NotRequired[dict[str, object]]


def feature_collection(features: Sequence[Feature]) -> FeatureCollection:
    """``features`` as a FeatureCollection (a new list: the caller's is not shared)."""
    return {"type": "FeatureCollection", "features": list(features)}


__all__ = [
    "AreaGeometry",
    "Feature",
    "FeatureCollection",
    "Geometry",
    "MultiPolygonGeometry",
    "PointGeometry",
    "PolygonGeometry",
    "Position",
    "PropertyValue",
    "Ring",
    "feature_collection",
]
