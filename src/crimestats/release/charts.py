"""Inline SVG charts for the release report: pure functions, rows in, SVG text out.

Why SVG written by hand: the report must open offline, with no script and no external
resource (DESIGN.md section 6), and the same rows must give the same bytes. So there is
no JavaScript library and no plotting backend here: each chart is a few rectangles and
paths, numbers are formatted with fixed decimals, labels are HTML-escaped, and the
``<svg>`` element carries no namespace URL (inline SVG in HTML5 needs none).

A withheld count is never drawn as a number: no bar length and no digits, only a hatched
mark of fixed size with the word "withheld" (a bar of any length would hint at the value).
Colours of the map are the 5-class YlOrRd scheme of ColorBrewer (Brewer, colorbrewer2.org).
"""

from __future__ import annotations

import html
import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

WIDTH = 720
LABEL_WIDTH = 310
LABEL_CHARS = 48
"""Longest label drawn (about what fits in LABEL_WIDTH at 11 px); longer ones end in '…'."""
BAR_WIDTH = 320
ROW = 16
MAX_BARS = 150
WITHHELD_MARK = 24
BAR_FILL = "#4c72b0"
MAP_COLOURS = ("#ffffb2", "#fecc5c", "#fd8d3c", "#f03b20", "#bd0026")
MAP_SIZE = 420


@dataclass(frozen=True)
class Bar:
    """One bar: its group heading (e.g. the source), its label, and a count or None."""

    group: str
    label: str
    value: int | None


def _esc(text: object) -> str:
    return html.escape(str(text), quote=True)


def _num(value: float) -> str:
    """Fixed one-decimal text, without a negative zero: stable bytes."""
    text = f"{value:.1f}"
    return "0.0" if text == "-0.0" else text


def _cut(label: str) -> str:
    return label if len(label) <= LABEL_CHARS else label[: LABEL_CHARS - 1] + "…"


def bars_from_rows(
    rows: Sequence[Mapping[str, Any]],
    by: Sequence[str],
    *,
    count: str = "count",
    total_label: str = "Total",
    describe: Callable[[str, str], str] | None = None,
) -> tuple[list[Bar], str]:
    """The bars of a protected table, and a caption saying which rows they are.

    Interior cells (no margin label in any ``by`` field) are drawn, grouped by the first
    field. Past :data:`MAX_BARS` of them, only the margins of the last field within the
    first are drawn (e.g. totals per source and ICCS section), so a chart stays readable.
    ``describe(field, value)`` may turn a value into a longer label (an ICCS code and its
    name); labels are cut to :data:`LABEL_CHARS` characters.
    """

    def text(value: Any) -> str:
        return "(blank)" if value is None else str(value)

    def shown(name: str, value: Any) -> str:
        if value is None or describe is None:
            return text(value)
        return describe(name, str(value))

    interior = [r for r in rows if all(r[f] != total_label for f in by)]
    caption = "Each bar is one published cell of the table."
    chosen = interior
    if len(interior) > MAX_BARS and len(by) > 2:
        middle = by[1:-1]
        chosen = [
            r
            for r in rows
            if r[by[0]] != total_label
            and r[by[-1]] != total_label
            and all(r[f] == total_label for f in middle)
        ]
        caption = f"Totals by {by[0]} and {by[-1]} ({len(interior)} cells are too many to draw)."
    if len(chosen) > MAX_BARS:
        chosen = chosen[:MAX_BARS]
        caption += f" The first {MAX_BARS} are drawn; the CSV holds them all."
    bars = [
        Bar(
            group=text(r[by[0]]),
            label=_cut(" · ".join(shown(f, r[f]) for f in by[1:] if r[f] != total_label))
            or text(r[by[0]]),
            value=None if r[count] is None else int(r[count]),
        )
        for r in chosen
    ]
    return bars, caption


def bar_chart(bars: Sequence[Bar], *, title: str, chart_id: str) -> str:
    """A horizontal bar chart of counts; withheld counts get a fixed hatched mark.

    ``chart_id`` makes the hatch pattern's id unique on a page with several charts.
    """
    pattern = f"hatch-{_esc(chart_id)}"
    top = 8
    lines: list[str] = []
    y = top
    biggest = max((b.value for b in bars if b.value is not None), default=0)
    group: str | None = None
    for bar in bars:
        if bar.group != group:
            group = bar.group
            y += 4
            lines.append(f'<text x="0" y="{y + 12}" font-weight="bold">{_esc(group)}</text>')
            y += ROW
        base = f'y="{y + 2}" height="{ROW - 4}"'
        lines.append(
            f'<text class="label" x="{LABEL_WIDTH - 6}" y="{y + 12}" text-anchor="end">'
            f"{_esc(bar.label)}</text>"
        )
        if bar.value is None:
            lines.append(
                f'<rect class="withheld" x="{LABEL_WIDTH}" {base} width="{WITHHELD_MARK}" '
                f'fill="url(#{pattern})" stroke="#666"><title>{_esc(bar.label)}: withheld'
                "</title></rect>"
            )
            lines.append(
                f'<text class="withheld" x="{LABEL_WIDTH + WITHHELD_MARK + 4}" y="{y + 12}" '
                'fill="#666" font-style="italic">withheld</text>'
            )
        else:
            length = BAR_WIDTH * bar.value / biggest if biggest else 0.0
            lines.append(
                f'<rect x="{LABEL_WIDTH}" {base} width="{_num(length)}" fill="{BAR_FILL}">'
                f"<title>{_esc(bar.label)}: {bar.value}</title></rect>"
            )
            lines.append(
                f'<text class="value" x="{_num(LABEL_WIDTH + length + 4)}" y="{y + 12}">'
                f"{bar.value}</text>"
            )
        y += ROW
    if not bars:
        lines.append(f'<text x="0" y="{y + 12}">No data for this table.</text>')
        y += ROW
    height = y + top
    head = (
        f'<svg class="chart" width="{WIDTH}" height="{height}" viewBox="0 0 {WIDTH} {height}" '
        f'role="img" aria-label="{_esc(title)}" font-family="sans-serif" font-size="11">'
        f"<title>{_esc(title)}</title>"
        f'<defs><pattern id="{pattern}" width="6" height="6" patternUnits="userSpaceOnUse" '
        'patternTransform="rotate(45)"><rect width="6" height="6" fill="#fff"/>'
        '<line x1="0" y1="0" x2="0" y2="6" stroke="#666" stroke-width="2"/></pattern></defs>'
    )
    axis = f'<line x1="{LABEL_WIDTH}" y1="{top}" x2="{LABEL_WIDTH}" y2="{y}" stroke="#333"/>'
    return head + "".join(lines) + axis + "</svg>"


def _positions(geometry: Mapping[str, Any]) -> list[list[list[list[float]]]]:
    """Polygons as lists of rings of ``[lon, lat]``; a Point as one one-position ring."""
    kind = geometry["type"]
    if kind == "Polygon":
        return [geometry["coordinates"]]
    if kind == "MultiPolygon":
        return list(geometry["coordinates"])
    if kind == "Point":
        return [[[list(geometry["coordinates"])]]]
    return []


def _classes(counts: Sequence[int]) -> list[int]:
    """Lower bounds of up to five classes: quantiles of the counts, distinct, ascending."""
    ordered = sorted(counts)
    bounds = {ordered[(len(ordered) * k) // len(MAP_COLOURS)] for k in range(len(MAP_COLOURS))}
    return sorted(bounds)


def hex_map(features: Sequence[Mapping[str, Any]], *, title: str) -> str:
    """A small SVG map of counted features (hexagons, or points drawn as dots).

    An equirectangular projection scaled by the cosine of the middle latitude, fitted to
    :data:`MAP_SIZE` pixels; each feature's colour is its count class, its tooltip its count.
    """
    shapes = [(f, _positions(f["geometry"])) for f in features]
    xs = [p[0] for _, polys in shapes for poly in polys for ring in poly for p in ring]
    ys = [p[1] for _, polys in shapes for poly in polys for ring in poly for p in ring]
    if not xs:
        return (
            f'<svg class="map" width="{MAP_SIZE}" height="20" role="img" '
            f'aria-label="{_esc(title)}"><text x="0" y="14">Nothing to map.</text></svg>'
        )
    x0, x1, y0, y1 = min(xs), max(xs), min(ys), max(ys)
    squeeze = math.cos(math.radians((y0 + y1) / 2))
    span = max((x1 - x0) * squeeze, y1 - y0, 1e-9)
    scale = (MAP_SIZE - 20) / span
    width = max(round((x1 - x0) * squeeze * scale) + 20, 70 * len(MAP_COLOURS) + 20)
    height = round((y1 - y0) * scale) + 20
    bounds = _classes([int(f["properties"]["count"]) for f, _ in shapes])

    def colour(n: int) -> str:
        index = max(i for i, low in enumerate(bounds) if n >= low)
        return MAP_COLOURS[index + len(MAP_COLOURS) - len(bounds)]

    def xy(p: Sequence[float]) -> str:
        return f"{_num(10 + (p[0] - x0) * squeeze * scale)} {_num(10 + (y1 - p[1]) * scale)}"

    parts: list[str] = []
    for feature, polys in shapes:
        n = int(feature["properties"]["count"])
        tip = f"<title>{n} incidents</title>"
        if feature["geometry"]["type"] == "Point":
            cx, cy = xy(polys[0][0][0]).split()
            parts.append(
                f'<circle cx="{cx}" cy="{cy}" r="3" fill="{colour(n)}" stroke="#333" '
                f'stroke-width="0.4">{tip}</circle>'
            )
            continue
        d = " ".join(
            "M " + " L ".join(xy(p) for p in ring[:-1]) + " Z" for poly in polys for ring in poly
        )
        parts.append(
            f'<path d="{d}" fill="{colour(n)}" fill-rule="evenodd" stroke="#555" '
            f'stroke-width="0.3">{tip}</path>'
        )
    legend_y = height + 4
    legend = [
        f'<rect x="{10 + 70 * i}" y="{legend_y}" width="12" height="12" '
        f'fill="{MAP_COLOURS[i + len(MAP_COLOURS) - len(bounds)]}" stroke="#555"/>'
        f'<text x="{26 + 70 * i}" y="{legend_y + 10}">{low}+</text>'
        for i, low in enumerate(bounds)
    ]
    total_height = legend_y + 18
    return (
        f'<svg class="map" width="{width}" height="{total_height}" '
        f'viewBox="0 0 {width} {total_height}" role="img" aria-label="{_esc(title)}" '
        f'font-family="sans-serif" font-size="11"><title>{_esc(title)}</title>'
        + "".join(parts)
        + "".join(legend)
        + "</svg>"
    )


__all__ = ["LABEL_CHARS", "MAX_BARS", "Bar", "bar_chart", "bars_from_rows", "hex_map"]
