"""The shapes a published map draws: H3 hexagons and areas as RFC 7946 GeoJSON.

Why a module of its own: the release's map (:mod:`crimestats.release.maps`) and the
public hotspot map (:mod:`crimestats.spatial.public_map`) must draw a hexagon the same
way, to the same bytes: coordinates rounded to :data:`H3_DECIMALS`, rings closed and
right-hand ruled (RFC 7946 section 3.1.6: exterior counter-clockwise, holes clockwise),
one feature per line. Nothing here reads data or masks anything; it only writes shapes
that :mod:`crimestats.geomask` already made publishable.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Sequence

from crimestats.geojson import AreaGeometry, Feature, PolygonGeometry, Ring
from crimestats.geomask import HexCell, signed_area

H3_DECIMALS = 6
"""Decimals of published H3 vertices (about 0.1 m): enough to draw, fixed for stable bytes."""


def _ring_rfc7946(ring: Ring, exterior: bool) -> list[list[float]]:
    coords = [[round(float(x), H3_DECIMALS), round(float(y), H3_DECIMALS)] for x, y in ring]
    if coords[0] != coords[-1]:
        coords.append(list(coords[0]))
    counter_clockwise = signed_area(coords) > 0
    if counter_clockwise != exterior:
        coords.reverse()
    return coords


@functools.lru_cache(maxsize=1 << 16)
def _hexagon_ring(cell: str) -> tuple[tuple[float, float], ...]:
    import h3

    ring = _ring_rfc7946([(lng, lat) for lat, lng in h3.cell_to_boundary(cell)], True)
    return tuple((x, y) for x, y in ring)


def hexagon_geometry(cell: str) -> PolygonGeometry:
    """One whole H3 cell as an RFC 7946 Polygon (rounded, closed, counter-clockwise)."""
    return {"type": "Polygon", "coordinates": [[list(p) for p in _hexagon_ring(cell)]]}


def rfc7946_geometry(geometry: AreaGeometry) -> AreaGeometry:
    """A (Multi)Polygon rounded to :data:`H3_DECIMALS`, rings closed and right-hand ruled."""

    def polygon(rings: Sequence[Ring]) -> list[list[list[float]]]:
        return [_ring_rfc7946(ring, index == 0) for index, ring in enumerate(rings)]

    if geometry["type"] == "Polygon":
        return {"type": "Polygon", "coordinates": polygon(geometry["coordinates"])}
    return {"type": "MultiPolygon", "coordinates": [polygon(p) for p in geometry["coordinates"]]}


def published_hexagon(
    feature_id: str, source: str | None, year: int | None, hexagon: HexCell, count: int
) -> Feature:
    """One hexagon as a published map shows it (the release's map and the public hotspot
    map alike): source, year, H3 cell and resolution, ``count`` (the caller's, which may
    be a count held steady from an earlier release), and its RFC 7946 shape."""
    geometry = hexagon.geometry
    return {
        "type": "Feature",
        "id": feature_id,
        "properties": {
            "source": source,
            "year": year,
            "h3_cell": hexagon.cell,
            "resolution": hexagon.resolution,
            "count": count,
        },
        # a whole cell is drawn from its id; a pooled parent stands for some children
        "geometry": hexagon_geometry(hexagon.cell)
        if geometry is None
        else rfc7946_geometry(geometry),
    }


def geojson_text(features: list[Feature]) -> str:
    """One feature per line, compact: small, diffable and byte-stable."""
    lines = [json.dumps(f, separators=(",", ":"), ensure_ascii=False) for f in features]
    body = ",\n".join(lines)
    return '{"type":"FeatureCollection","features":[\n' + body + ("\n" if lines else "") + "]}\n"


__all__ = [
    "H3_DECIMALS",
    "geojson_text",
    "hexagon_geometry",
    "published_hexagon",
    "rfc7946_geometry",
]
