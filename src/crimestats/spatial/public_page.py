"""The public hotspot map as a page: Vega-Lite (Altair) rendered to SVG, no script.

Why this way: the page is published, so it must open offline and run nothing (the
reasons of ``crimestats.watch.charts``): ``vl-convert`` renders each panel to SVG on
this machine and the page inlines them. It draws only the public map's features
(:mod:`crimestats.spatial.public_map`), never the analysts' grid.

Every panel (one per source and year) is drawn in the same metric CRS, at the same
scale and on the same extent, with the same fixed class breaks (``min_count`` times 1,
2, 5, 10 and 20), so that years compare; each has a scale bar, and the store's area
boundaries when given. The caveats (what a count is, what is missing, what a hotspot is
not) are printed above the panels.
"""

from __future__ import annotations

import html
import math
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pyproj import Transformer

from crimestats.geojson import AreaGeometry, Feature, Geometry, Ring
from crimestats.output_files import write_text
from crimestats.spatial.public_map import PublicMap

WIDTH_PX = 560
BREAK_FACTORS = (1, 2, 5, 10, 20)
"""Class breaks as multiples of ``min_count``: fixed, so a colour means the same each year."""
COLOURS = ("#ffffb2", "#fecc5c", "#fd8d3c", "#f03b20", "#bd0026")
"""ColorBrewer YlOrRd, 5 classes (Brewer, colorbrewer2.org), as the release report."""


@dataclass(frozen=True)
class Boundary:
    """One area outline to draw (WGS84 GeoJSON geometry) and its code."""

    code: str
    geometry: AreaGeometry


def class_breaks(min_count: int) -> tuple[int, ...]:
    """Lower bounds of the five classes.

    >>> class_breaks(10)
    (10, 20, 50, 100, 200)
    """
    return tuple(min_count * k for k in BREAK_FACTORS)


def caveats(public: PublicMap, warnings: Sequence[str] = ()) -> list[str]:
    """What a reader must know before reading the map."""
    m = public.min_count
    return [
        "Counts are of incidents recorded by the police, not of all crime: what is not "
        "reported or not recorded is not here, and recording follows where police are.",
        f"Every hexagon shows at least {m} incidents. Smaller counts are pooled into a "
        "larger hexagon (7 or 49 times the area) or left out: an empty place on the map "
        "is not a place without crime.",
        "A hexagon is also left out where its count, set beside the release's own "
        "hexagon map, would single out fewer than "
        f"{m} incidents.",
        "Class breaks are fixed ("
        + ", ".join(str(b) for b in class_breaks(m))
        + "+) so that colours compare across years; a pooled hexagon covers more ground, "
        "so its count is not comparable per area with a small one.",
        "A hotspot shows where incidents were recorded, not why: it is not a cause, and "
        "the pattern depends on the size and placement of the hexagons (the modifiable "
        "areal unit problem). See docs/spatial.md.",
        *warnings,
    ]


def _nice_length(span_m: float) -> float:
    """A round scale-bar length near a quarter of the span (1, 2 or 5 times 10^k m)."""
    target = max(span_m / 4, 1.0)
    power = 10 ** math.floor(math.log10(target))
    return float(max(k * power for k in (1, 2, 5) if k * power <= target))


def _project(geometry: Geometry | None, mover: Transformer) -> AreaGeometry:
    """An area's outline in the map's projected metres (1 decimal: 10 cm)."""

    def ring(points: Ring) -> list[list[float]]:
        xs, ys = mover.transform([p[0] for p in points], [p[1] for p in points])
        return [[round(float(x), 1), round(float(y), 1)] for x, y in zip(xs, ys, strict=True)]

    if geometry is None or geometry["type"] == "Point":  # pragma: no cover - an invariant
        raise ValueError("a hexagon or an area outline without an area")
    if geometry["type"] == "Polygon":
        return {"type": "Polygon", "coordinates": [ring(r) for r in geometry["coordinates"]]}
    polygons = [[ring(r) for r in p] for p in geometry["coordinates"]]
    return {"type": "MultiPolygon", "coordinates": polygons}


def _extent(geometries: Sequence[AreaGeometry]) -> tuple[float, float, float, float]:
    xs: list[float] = []
    ys: list[float] = []
    for g in geometries:
        polys = [g["coordinates"]] if g["type"] == "Polygon" else g["coordinates"]
        for poly in polys:
            for r in poly:
                xs.extend(p[0] for p in r)
                ys.extend(p[1] for p in r)
    return min(xs), min(ys), max(xs), max(ys)


def panel_specs(
    public: PublicMap, epsg: int, boundaries: Sequence[Boundary] = ()
) -> list[dict[str, Any]]:
    """One Vega-Lite specification per panel: hexagons, outlines, scale bar (inline data)."""
    import altair as alt

    mover = Transformer.from_crs(4326, epsg, always_xy=True)
    projected = [
        [(f, _project(f["geometry"], mover)) for f in panel.features] for panel in public.panels
    ]
    lines = [(b.code, _project(b.geometry, mover)) for b in boundaries]
    every = [g for panel in projected for _, g in panel] + [g for _, g in lines]
    shapes: list[list[Feature]] = [[{**f, "geometry": g} for f, g in panel] for panel in projected]
    outlines: list[Feature] = [
        {"type": "Feature", "properties": {"area": code}, "geometry": g} for code, g in lines
    ]
    if not every:
        return []
    x0, y0, x1, y1 = _extent(every)
    scale = WIDTH_PX / max(x1 - x0, y1 - y0, 1.0)
    height = max(round((y1 - y0) * scale), 60)
    width = max(round((x1 - x0) * scale), 60)
    projection = alt.Projection(
        type="identity", reflectY=True, scale=scale, translate=[-x0 * scale, y1 * scale]
    )
    bar = _nice_length(x1 - x0)
    bar_y = y0 + (y1 - y0) * 0.03
    breaks = class_breaks(public.min_count)
    colour = alt.Color(
        "properties.count:Q",
        title="incidents per hexagon",
        scale=alt.Scale(type="threshold", domain=list(breaks[1:]), range=list(COLOURS)),
    )
    specs = []
    for panel, features in zip(public.panels, shapes, strict=True):
        layers: list[Any] = []
        if features:
            layers.append(
                alt.Chart(alt.Data(values=features))  # type: ignore[no-untyped-call]
                .mark_geoshape(stroke="#555555", strokeWidth=0.3)
                .encode(color=colour, tooltip=[alt.Tooltip("properties.count:Q", title="n")])
                .properties(name="hexagons")
            )
        if outlines:
            layers.append(
                alt.Chart(alt.Data(values=outlines))  # type: ignore[no-untyped-call]
                .mark_geoshape(filled=False, stroke="#333333", strokeWidth=0.8)
                .properties(name="areas")
            )
        ends = [{"x": x0, "y": bar_y, "x2": x0 + bar, "label": _label(bar)}]
        layers.append(
            alt.Chart(alt.Data(values=ends))  # type: ignore[no-untyped-call]
            .mark_rule(color="black", strokeWidth=2)
            .encode(longitude="x:Q", latitude="y:Q", longitude2="x2:Q", latitude2="y:Q")
            .properties(name="scale_bar")
        )
        layers.append(
            alt.Chart(alt.Data(values=ends))  # type: ignore[no-untyped-call]
            .mark_text(align="left", dy=-8, fontSize=11)
            .encode(longitude="x:Q", latitude="y:Q", text="label:N")
            .properties(name="scale_label")
        )
        title = f"{panel.label}: {len(features)} hexagons"
        spec: dict[str, Any] = (
            alt.layer(*layers)
            .project(**projection.to_dict())
            .properties(title=title, width=width, height=height)
            .to_dict()
        )
        specs.append(spec)
    return specs


def _label(metres: float) -> str:
    return f"{metres / 1000:g} km" if metres >= 1000 else f"{metres:g} m"


def to_html(
    public: PublicMap,
    epsg: int,
    *,
    boundaries: Sequence[Boundary] = (),
    warnings: Sequence[str] = (),
    title: str = "Where incidents were recorded",
) -> str:
    """The page: title, caveats, one inline SVG per panel; no script, nothing fetched."""
    import vl_convert as vlc

    figures = "".join(
        f"<figure>{vlc.vegalite_to_svg(spec)}</figure>"
        for spec in panel_specs(public, epsg, boundaries)
    )
    if not figures:
        figures = "<p>No hexagon reaches the minimum count: nothing is mapped.</p>"
    notes = "".join(f"<li>{html.escape(c)}</li>" for c in caveats(public, warnings))
    return (
        "<!DOCTYPE html>\n<html lang='en'><head><meta charset='utf-8'>"
        f"<title>{html.escape(title)}</title>"
        "<style>body{font-family:sans-serif;max-width:860px;margin:1em auto}"
        "figure{margin:1.5em 0}.caveats{font-size:0.9em;color:#333}</style></head><body>"
        f"<h1>{html.escape(title)}</h1>"
        f"<ul class='caveats'>{notes}</ul>{figures}</body></html>\n"
    )


def write_html(
    path: Path,
    public: PublicMap,
    epsg: int,
    *,
    force: bool,
    boundaries: Sequence[Boundary] = (),
    warnings: Sequence[str] = (),
) -> None:
    """Write :func:`to_html` atomically."""
    page = to_html(public, epsg, boundaries=boundaries, warnings=warnings)
    write_text(path, page, overwrite=force, option="--html")


__all__ = ["Boundary", "caveats", "class_breaks", "panel_specs", "to_html", "write_html"]
