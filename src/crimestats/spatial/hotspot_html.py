"""A self-contained HTML page of a hotspot grid: one inline SVG, no script, no network.

Why so plain: the page must open offline and on a locked-down office machine, and show
exactly the cells of the GeoJSON. Cells are drawn in the projected CRS (metres, so
squares stay square), coloured by class (hot red, cold blue, outliers amber, not
significant grey) or, for ``count``/``kde``, by quintile of the value. The run's
summary and warnings are printed above the map.
"""

from __future__ import annotations

import html
from pathlib import Path

import numpy as np

from crimestats.output_files import write_text
from crimestats.spatial.classify import CellClass
from crimestats.spatial.hotspot_report import HotspotReport

_CLASS_COLOURS = {
    CellClass.HOT: "#d7301f",
    CellClass.COLD: "#2b8cbe",
    CellClass.HIGH_LOW: "#fdae61",
    CellClass.LOW_HIGH: "#abd9e9",
    CellClass.NOT_SIGNIFICANT: "#eeeeee",
}
_RAMP = ("#ffffcc", "#fed976", "#fd8d3c", "#e31a1c", "#800026")
WIDTH_PX = 900


def _colours(report: HotspotReport) -> list[str]:
    if report.classes is not None:
        return [_CLASS_COLOURS[c] for c in report.classes]
    values = report.kde if report.kde is not None else report.counts.astype(float)
    positive = values[values > 0]
    if positive.size == 0:
        return [_RAMP[0]] * values.size
    edges = np.quantile(positive, [0.2, 0.4, 0.6, 0.8])
    bins = np.where(values > 0, np.searchsorted(edges, values, side="right"), 0)
    return [_RAMP[int(b)] if v > 0 else "#f7f7f7" for b, v in zip(bins, values, strict=True)]


def to_html(report: HotspotReport) -> str:
    """The page as text."""
    grid = report.grid
    half = grid.cell_size
    xmin, xmax = float(grid.x.min()) - half, float(grid.x.max()) + half
    ymin, ymax = float(grid.y.min()) - half, float(grid.y.max()) + half
    scale = WIDTH_PX / (xmax - xmin)
    height = (ymax - ymin) * scale
    shapes = []
    for i, colour in enumerate(_colours(report)):
        ring = grid.polygon(i)[:-1]
        points = " ".join(f"{(x - xmin) * scale:.1f},{(ymax - y) * scale:.1f}" for x, y in ring)
        title = f"cell {int(grid.cell_id[i])}: n={int(report.counts[i])}"
        if report.classes is not None:
            title += f", {report.classes[i]}"
        shapes.append(
            f'<polygon points="{points}" fill="{colour}"><title>{title}</title></polygon>'
        )
    summary = report.summary()
    rows = "".join(
        f"<tr><th>{html.escape(str(k))}</th><td>{html.escape(str(v))}</td></tr>"
        for k, v in summary.items()
        if k != "warnings"
    )
    warns = "".join(f"<li>{html.escape(w.message)}</li>" for w in report.warnings)
    return (
        "<!doctype html><html><head><meta charset='utf-8'><title>crimestats hotspots</title>"
        "<style>body{font-family:sans-serif;margin:1em}th{text-align:left;padding-right:1em}"
        "svg{border:1px solid #ccc}</style></head><body><h1>Hotspots</h1>"
        "<p>An analyst's view of every cell: not for publication (see docs/spatial.md).</p>"
        f"{'<ul>' + warns + '</ul>' if warns else ''}<table>{rows}</table>"
        f"<svg xmlns='http://www.w3.org/2000/svg' width='{WIDTH_PX}' height='{height:.0f}' "
        f"viewBox='0 0 {WIDTH_PX} {height:.0f}'>{''.join(shapes)}</svg></body></html>\n"
    )


def write_html(path: Path, report: HotspotReport, *, force: bool) -> None:
    """Write :func:`to_html` atomically."""
    write_text(path, to_html(report), overwrite=force, option="--html")


__all__ = ["to_html", "write_html"]
