"""Vega-Lite specifications for the dashboard: release tables and the masked map.

Why these choices: one panel per source with its own y scale (sources differ by orders
of magnitude, and one shared scale would flatten the small ones); counts shown with
thousands separators; a withheld cell drawn as a labelled mark at zero ("withheld"),
never as a zero bar or a gap a reader could take for zero; ICCS codes shown with their
labels. Margins ("Total" rows) are left out of the charts (the table beside shows them).
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Mapping, Sequence
from typing import Any, Final, NotRequired, TypedDict

TOTAL: Final = "Total"
WITHHELD: Final = ("withheld", "primary", "secondary")
COUNT_FORMAT: Final = ",d"


def chart_rows(
    columns: Sequence[str],
    rows: Sequence[Mapping[str, Any]],
    labels: Mapping[str, str] | None = None,
) -> tuple[list[dict[str, Any]], list[str]]:
    """Interior rows as chart data (``count`` a number or None, ``withheld`` a flag,
    ICCS codes given their labels) and the dimensions other than source."""
    dims = [c for c in columns if c not in ("source", "count", "status")]
    out = []
    for row in rows:
        if any(row.get(d) == TOTAL for d in (*dims, "source")):
            continue
        raw = row.get("count")
        count = None if raw in (None, "") else float(str(raw))
        item: dict[str, Any] = {c: row.get(c) for c in ("source", *dims)}
        for d in dims:
            if d.startswith("iccs") and labels and row.get(d) in labels:
                item[d] = f"{row[d]} {labels[str(row[d])]}"
        item["count"] = count
        item["withheld"] = row.get("status") in WITHHELD or count is None
        out.append(item)
    return out, dims


def release_table_spec(
    title: str, data: list[dict[str, Any]], dims: Sequence[str]
) -> dict[str, Any]:
    """Bars per source (independent y scales), withheld cells labelled at zero."""
    x_field = dims[0] if dims else "source"
    x: dict[str, Any] = {"field": x_field, "type": "nominal", "title": x_field,
                         "axis": {"labelLimit": 220}}  # fmt: skip
    color: dict[str, Any] = {"value": "#3465a4"}
    if len(dims) > 1:
        color = {"field": dims[1], "type": "nominal", "title": dims[1]}
    tooltip = [{"field": d, "type": "nominal"} for d in ("source", *dims)] + [
        {"field": "count", "type": "quantitative", "format": COUNT_FORMAT}
    ]
    bars: dict[str, Any] = {
        "transform": [{"filter": "!datum.withheld"}],
        "mark": {"type": "bar", "tooltip": True},
        "encoding": {
            "x": x,
            "y": {"field": "count", "type": "quantitative", "title": "count",
                  "axis": {"format": COUNT_FORMAT}},
            "color": color,
            "tooltip": tooltip,
        },
    }  # fmt: skip
    withheld: dict[str, Any] = {
        "transform": [{"filter": "datum.withheld"}],
        "mark": {"type": "text", "text": "withheld", "angle": 270, "align": "left",
                 "dx": 2, "fontSize": 9, "color": "#a40000"},
        "encoding": {"x": x, "y": {"datum": 0, "type": "quantitative"}},
    }  # fmt: skip
    return {
        "$schema": "https://vega.github.io/schema/vega-lite/v6.json",
        "title": title,
        "data": {"values": data},
        "facet": {"row": {"field": "source", "type": "nominal", "title": "source"}},
        "spec": {"width": 560, "height": 160, "layer": [bars, withheld]},
        "resolve": {"scale": {"y": "independent", "x": "independent"}},
        "config": {"locale": {"number": {"decimal": ".", "thousands": ",",
                                         "grouping": [3], "currency": ["", ""]}}},
    }  # fmt: skip


def _signed_area(ring: Sequence[Sequence[float]]) -> float:
    """Twice the planar signed area in lon/lat (positive: counter-clockwise)."""
    return sum(x0 * y1 - x1 * y0 for (x0, y0, *_), (x1, y1, *_) in itertools.pairwise(ring))


def _polygon(rings: Sequence[Sequence[Sequence[float]]]) -> list[Any]:
    out = []
    for n, ring in enumerate(rings):
        clockwise = _signed_area(ring) < 0
        exterior = n == 0
        out.append(list(ring) if clockwise == exterior else list(ring)[::-1])
    return out


def d3_winding(features: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """The features with exterior rings clockwise and holes counter-clockwise, as d3-geo
    (inside Vega) reads them: GeoJSON (RFC 7946) asks the opposite, and d3 reads a ring
    the other way round as "all the sphere but this polygon", which fills the panel."""
    out = []
    for feature in features:
        geometry = dict(feature.get("geometry") or {})
        if geometry.get("type") == "Polygon":
            geometry["coordinates"] = _polygon(geometry["coordinates"])
        elif geometry.get("type") == "MultiPolygon":
            geometry["coordinates"] = [_polygon(p) for p in geometry["coordinates"]]
        out.append({**feature, "geometry": geometry})
    return out


def _points(features: Sequence[Mapping[str, Any]]) -> list[tuple[float, float]]:
    points: list[tuple[float, float]] = []
    for feature in features:
        geometry = feature.get("geometry") or {}
        polygons = geometry.get("coordinates") or []
        if geometry.get("type") == "Polygon":
            polygons = [polygons]
        for polygon in polygons:
            for ring in polygon:
                points.extend((float(p[0]), float(p[1])) for p in ring)
    return points


class Projection(TypedDict):
    """A Vega-Lite projection fixed in advance (no features: Vega's default view)."""

    type: str
    center: NotRequired[list[float]]
    """Longitude and latitude of the panel's centre, in degrees."""
    scale: NotRequired[float]
    translate: NotRequired[list[float]]
    """Where the centre falls in the panel, in pixels."""


def fitted_mercator(features: Sequence[Mapping[str, Any]], width: int, height: int) -> Projection:
    """A Mercator projection centred on the features and scaled to fill the panel.

    Why computed here: Vega-Lite's automatic fit did not take in the CSP-safe
    interpreter (the hexagons came out a hundredth of a pixel wide), and a fixed
    projection is also what makes two renderings of a release identical."""
    points = _points(features)
    if not points:
        return {"type": "mercator"}
    lons = [p[0] for p in points]
    ys = [math.log(math.tan(math.pi / 4 + math.radians(p[1]) / 2)) for p in points]
    span_x = max(math.radians(max(lons) - min(lons)), 1e-6)
    span_y = max(max(ys) - min(ys), 1e-6)
    scale = 0.9 * min(width / span_x, height / span_y)
    lat = math.degrees(2 * math.atan(math.exp((max(ys) + min(ys)) / 2)) - math.pi / 2)
    return {
        "type": "mercator",
        "center": [(max(lons) + min(lons)) / 2, lat],
        "scale": scale,
        "translate": [width / 2, height / 2],
    }


def map_spec(
    title: str, features: Sequence[Mapping[str, Any]], sources: Sequence[str]
) -> dict[str, Any]:
    """The masked map (hexagons of at least the masking minimum), one panel per source,
    from the release's own GeoJSON (no tiles, nothing from the internet)."""
    panels = [
        {
            "title": source,
            "width": 300,
            "height": 260,
            "data": {"values": mine},
            "projection": fitted_mercator(mine, 300, 260),
            "mark": {"type": "geoshape", "stroke": "white", "strokeWidth": 0.3},
            "encoding": {
                "color": {
                    "field": "properties.count",
                    "type": "quantitative",
                    "title": "incidents",
                    "legend": {"format": COUNT_FORMAT},
                },
                "tooltip": [
                    {"field": "properties.h3_cell", "title": "cell"},
                    {"field": "properties.count", "title": "incidents", "format": COUNT_FORMAT},
                ],
            },
        }
        for source in sources
        for mine in [[f for f in features if f["properties"].get("source") == source]]
    ]
    return {
        "$schema": "https://vega.github.io/schema/vega-lite/v6.json",
        "title": title,
        "concat": panels,
        "columns": 3,
        "resolve": {"scale": {"color": "independent"}},
    }
