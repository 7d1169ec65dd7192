"""Charts of watched series: Vega-Lite (Altair) rendered to SVG, in one offline HTML file.

Why SVG and not the usual Vega-Lite page: that page loads three JavaScript libraries from
a CDN, so it shows nothing without a network, and it runs code a reviewer of a report
would rather not run. ``vl-convert`` renders the same Vega-Lite specification to SVG on
this machine (no network, no browser), and :func:`html_page` inlines the SVGs in a
page with no script at all: the file opens anywhere, offline, and can be archived.

One chart per series (:class:`ChartInput`), layered, each layer named so that a test
(or a reader of the SVG) finds it by its class ``<name>_marks``:

* ``band``: the expected range (an alert threshold band, or forecast intervals), grey;
* ``expected``: the expected value (baseline, or forecast mean), dashed;
* ``observed`` and ``observed_points``: the counts, a line and one point per period;
* ``partial``: periods the coverage shows as incomplete, hollow orange circles;
* ``alarms``: periods with an alarm, red triangles on the observed value;
* ``change_points``: breaks, vertical dashed rules at the first period of a new level.

Both the trends command and the alerts command draw through :func:`render_svg`.
"""

from __future__ import annotations

import datetime as dt
import html
import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

WIDTH: Final = 720
HEIGHT: Final = 240


@dataclass(frozen=True, slots=True)
class Band:
    """An expected range over some periods, and optionally its centre line.

    ``starts`` need not be the observed periods (a forecast lies after them).
    """

    starts: tuple[dt.date, ...]
    lower: tuple[float, ...]
    upper: tuple[float, ...]
    center: tuple[float, ...] | None = None
    label: str = "expected"

    def __post_init__(self) -> None:
        sizes = {len(self.starts), len(self.lower), len(self.upper)}
        if self.center is not None:
            sizes.add(len(self.center))
        if len(sizes) != 1:
            raise ValueError("a band needs one lower, upper (and centre) value per period")


@dataclass(frozen=True, slots=True)
class ChartInput:
    """One chart: an observed series with what a method says about it.

    ``alarms``, ``change_points`` and ``partial`` are period starts (alarms and partial
    periods must be among ``starts``; a change point is drawn where it falls). ``notes``
    are printed under the chart (the flags of the methods, in words).
    """

    title: str
    starts: tuple[dt.date, ...]
    observed: tuple[float, ...]
    band: Band | None = None
    alarms: tuple[dt.date, ...] = ()
    change_points: tuple[dt.date, ...] = ()
    partial: tuple[dt.date, ...] = ()
    y_title: str = "count"
    notes: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if len(self.starts) != len(self.observed):
            raise ValueError("a chart needs one observed value per period")
        known = set(self.starts)
        stray = [d for d in (*self.alarms, *self.partial) if d not in known]
        if stray:
            raise ValueError(f"alarm or partial period {stray[0]} is not a period of the chart")


def _rows(starts: Sequence[dt.date], **columns: Sequence[float | None]) -> list[dict[str, Any]]:
    return [
        {"start": s.isoformat(), **{k: v[i] for k, v in columns.items()}}
        for i, s in enumerate(starts)
    ]


def _inline(rows: list[dict[str, Any]]) -> Any:
    """Data written into the specification itself (never a URL to fetch)."""
    import altair as alt

    return alt.Data(values=rows)  # type: ignore[no-untyped-call]


def chart_spec(chart: ChartInput) -> dict[str, Any]:
    """The Vega-Lite specification of ``chart`` (a dict; data inline, nothing fetched)."""
    import altair as alt

    x = alt.X("start:T", title=None)
    y_title = chart.y_title
    observed = _rows(chart.starts, value=chart.observed)
    layers: list[Any] = []
    if chart.band is not None:
        b = chart.band
        band_rows = _rows(b.starts, lower=b.lower, upper=b.upper)
        layers.append(
            alt.Chart(_inline(band_rows))
            .mark_area(opacity=0.25, color="#9e9e9e")
            .encode(x=x, y=alt.Y("lower:Q", title=y_title), y2="upper:Q")
            .properties(name="band")
        )
        if b.center is not None:
            layers.append(
                alt.Chart(_inline(_rows(b.starts, value=b.center)))
                .mark_line(strokeDash=[5, 3], color="#616161")
                .encode(x=x, y=alt.Y("value:Q", title=y_title))
                .properties(name="expected")
            )
    base = alt.Chart(_inline(observed))
    layers.append(
        base.mark_line(color="#1f4e79")
        .encode(x=x, y=alt.Y("value:Q", title=y_title))
        .properties(name="observed")
    )
    layers.append(
        base.mark_point(filled=True, size=14, color="#1f4e79")
        .encode(x=x, y="value:Q")
        .properties(name="observed_points")
    )
    value_at = dict(zip(chart.starts, chart.observed, strict=True))
    if chart.partial:
        rows = _rows(chart.partial, value=[value_at[d] for d in chart.partial])
        layers.append(
            alt.Chart(_inline(rows))
            .mark_point(shape="circle", size=80, color="#e69f00", strokeWidth=2)
            .encode(x=x, y="value:Q")
            .properties(name="partial")
        )
    if chart.alarms:
        rows = _rows(chart.alarms, value=[value_at[d] for d in chart.alarms])
        layers.append(
            alt.Chart(_inline(rows))
            .mark_point(shape="triangle-up", size=90, filled=True, color="#c62828")
            .encode(x=x, y="value:Q")
            .properties(name="alarms")
        )
    if chart.change_points:
        rows = [{"start": d.isoformat()} for d in chart.change_points]
        layers.append(
            alt.Chart(_inline(rows))
            .mark_rule(strokeDash=[6, 4], color="#6a1b9a", strokeWidth=1.5)
            .encode(x=x)
            .properties(name="change_points")
        )
    spec: dict[str, Any] = (
        alt.layer(*layers).properties(title=chart.title, width=WIDTH, height=HEIGHT).to_dict()
    )
    return spec


def render_svg(chart: ChartInput) -> str:
    """``chart`` as an SVG document, rendered offline by ``vl-convert``."""
    import vl_convert as vlc

    svg: str = vlc.vegalite_to_svg(chart_spec(chart))
    return svg


def _legend() -> str:
    return (
        "<p class='legend'>Line and dots: observed counts. Grey band: expected range "
        "(forecast intervals, or an alert's threshold band); dashed line: expected value. "
        "<span style='color:#c62828'>&#9650;</span> alarm. "
        "<span style='color:#e69f00'>&#9675;</span> partial period (incomplete data: "
        "do not read its count as a fall). "
        "<span style='color:#6a1b9a'>&#9482;</span> change point (first period of a new "
        "level).</p>"
    )


def html_page(title: str, charts: Sequence[ChartInput], intro: str = "") -> str:
    """A self-contained HTML page: every chart as inline SVG, no script, no link out."""
    figures = []
    for chart in charts:
        notes = "".join(f"<li>{html.escape(n)}</li>" for n in chart.notes)
        caption = f"<figcaption><ul>{notes}</ul></figcaption>" if notes else ""
        figures.append(f"<figure>{render_svg(chart)}{caption}</figure>")
    return (
        "<!DOCTYPE html>\n<html lang='en'><head><meta charset='utf-8'>"
        f"<title>{html.escape(title)}</title>"
        "<style>body{font-family:sans-serif;max-width:800px;margin:1em auto}"
        "figure{margin:1.5em 0}figcaption{font-size:0.9em;color:#444}"
        ".legend{font-size:0.9em}</style></head><body>"
        f"<h1>{html.escape(title)}</h1>"
        + (f"<p>{html.escape(intro)}</p>" if intro else "")
        + _legend()
        + "".join(figures)
        + "</body></html>\n"
    )


def write_html(
    path: str | os.PathLike[str],
    title: str,
    charts: Sequence[ChartInput],
    *,
    intro: str = "",
    overwrite: bool = False,
    option: str = "--html",
) -> Path:
    """Write :func:`html_page` to ``path`` atomically (``crimestats.output_files``)."""
    from crimestats.output_files import check_output_file, write_text

    target = check_output_file(path, overwrite=overwrite, option=option)
    return write_text(target, html_page(title, charts, intro), overwrite=overwrite, option=option)
