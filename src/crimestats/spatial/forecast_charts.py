"""Charts of a ``forecast-evaluate`` run, and the offline page the spatial charts share.

Why these charts: a table of mean scores hides whether a forecast wins at every origin
or only on average, and a PAI means little without what random flagging achieves.
Each category gets, per share of the area flagged, the hit rate and the PAI at every
origin (one line per forecast, and the naive baseline: random flagging, whose expected
hit rate is the area flagged and whose PAI is 1), and one summary of the mean PAI and
PEI of each forecast beside the baseline's.

The baseline's expected PEI is ``1 / best PAI`` (its expected PAI, 1, over the PAI of
the best cells of the same count); the best PAI of an origin is ``pai / pei`` of any
forecast scored there (all forecasts flag the same number of cells on the one grid), so
it comes from the run's own scores. Origins where every forecast missed (PEI 0) leave
it undefined and are left out of that mean.

Drawn like the watch charts (:mod:`crimestats.watch.charts`): Altair specifications,
data inline, rendered to SVG offline by ``vl-convert``; :func:`write_page` puts the SVGs
in a page with no script and no link, written atomically. Every layer is named, so a
test (or a reader of the SVG) finds its marks by class ``<name>_marks``; every point's
``aria-label`` carries its values.
"""

from __future__ import annotations

import html
import math
import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

from crimestats.spatial.forecast_evaluate import Forecast, ForecastScore, MeanScore

WIDTH: Final = 640
HEIGHT: Final = 200
BASELINE: Final = "random baseline"
COLOURS: Final = {
    Forecast.LAST_PERIOD.value: "#1f77b4",
    Forecast.HISTORY.value: "#2ca02c",
    Forecast.KDE.value: "#d62728",
    Forecast.PROSPECTIVE.value: "#9467bd",
    BASELINE: "#7f7f7f",
}
METRIC_TITLES: Final = {"hit_rate": "hit rate", "pai": "PAI", "pei": "PEI"}


@dataclass(frozen=True)
class Figure:
    """One chart of a page: its Vega-Lite specification and notes printed under it."""

    title: str
    spec: dict[str, Any]
    notes: tuple[str, ...] = ()


def finite(value: float) -> float | None:
    """``value``, or None (a gap in the chart) when it is NaN or infinite."""
    return value if math.isfinite(value) else None


def inline(rows: list[dict[str, Any]]) -> Any:
    """Data written into the specification itself (never a URL to fetch)."""
    import altair as alt

    return alt.Data(values=rows)  # type: ignore[no-untyped-call]


def share_label(share: float) -> str:
    """``0.05`` -> ``5%`` (the label of an area share in titles and legends)."""
    return f"{share * 100:g}%"


def _colour(domain: Sequence[str]) -> Any:
    import altair as alt

    return alt.Color(
        "forecast:N",
        title="forecast",
        scale=alt.Scale(domain=list(domain), range=[COLOURS.get(d, "#000000") for d in domain]),
    )


def _origin_panel(metric: str, rows: list[dict[str, Any]], base: list[dict[str, Any]]) -> Any:
    """One metric by origin: a line and points per forecast, the baseline dashed."""
    import altair as alt

    title = METRIC_TITLES[metric]
    domain = [*dict.fromkeys(r["forecast"] for r in rows), BASELINE]
    x = alt.X("origin:O", title="origin")
    y = alt.Y(f"{metric}:Q", title=title)
    colour = _colour(domain)
    forecasts, baseline = alt.Chart(inline(rows)), alt.Chart(inline(base))
    return alt.layer(
        forecasts.mark_line().encode(x=x, y=y, color=colour).properties(name=f"{metric}_lines"),
        forecasts.mark_point(filled=True, size=30)
        .encode(x=x, y=y, color=colour)
        .properties(name=f"{metric}_points"),
        baseline.mark_line(strokeDash=[5, 3])
        .encode(x=x, y=y, color=colour)
        .properties(name=f"{metric}_baseline"),
        baseline.mark_point(size=20)
        .encode(x=x, y=y, color=colour)
        .properties(name=f"{metric}_baseline_points"),
    ).properties(width=WIDTH, height=HEIGHT)


def origin_figures(scores: Sequence[ForecastScore]) -> list[Figure]:
    """Per category and area share: hit rate and PAI at each origin, with the baseline."""
    import altair as alt

    groups: dict[tuple[str, float], list[ForecastScore]] = {}
    for s in scores:
        groups.setdefault((s.category, s.area_share), []).append(s)
    figures = []
    for (category, share), group in groups.items():
        rows = [
            {"origin": s.origin, "forecast": s.forecast,
             "hit_rate": finite(s.hit_rate), "pai": finite(s.pai)}
            for s in group
        ]  # fmt: skip
        flagged = {s.origin: s.area_flagged for s in group}  # the same for every forecast
        base = [
            {"origin": o, "forecast": BASELINE, "hit_rate": a, "pai": 1.0}
            for o, a in flagged.items()
        ]
        title = f"{category}: top cells covering {share_label(share)} of the area"
        spec = alt.vconcat(
            _origin_panel("hit_rate", rows, base), _origin_panel("pai", rows, base)
        ).properties(title=title)
        notes = (
            f"Hit rate: share of each origin's crimes in the flagged cells; the random "
            f"baseline flags {share_label(next(iter(flagged.values())))} of the area "
            "and expects that share. PAI: hit rate over area flagged (random: 1).",
        )
        figures.append(Figure(title, spec.to_dict(), notes))
    return figures


def baseline_pei(scores: Sequence[ForecastScore]) -> dict[tuple[str, float], float]:
    """Mean expected PEI of random flagging per (category, area share) (module docstring)."""
    best: dict[tuple[str, float, str], float] = {}
    for s in scores:
        if math.isfinite(s.pai) and math.isfinite(s.pei) and s.pei > 0:
            best[(s.category, s.area_share, s.origin)] = s.pai / s.pei
    per: dict[tuple[str, float], list[float]] = {}
    for (category, share, _), value in best.items():
        per.setdefault((category, share), []).append(1.0 / value)
    return {k: sum(v) / len(v) for k, v in per.items()}


def _summary_panel(metric: str, rows: list[dict[str, Any]]) -> Any:
    import altair as alt

    title = f"mean {METRIC_TITLES[metric]}"
    domain = list(dict.fromkeys(r["forecast"] for r in rows))
    return (
        alt.Chart(inline(rows))
        .mark_bar()
        .encode(
            x=alt.X("area:N", title="area flagged", sort=None, axis=alt.Axis(labelAngle=0)),
            xOffset=alt.XOffset("forecast:N", sort=domain),
            y=alt.Y(f"{metric}:Q", title=title),
            color=_colour(domain),
        )
        .properties(name=f"{metric}_bars", width=WIDTH, height=HEIGHT)
    )


def summary_figures(scores: Sequence[ForecastScore], means: Sequence[MeanScore]) -> list[Figure]:
    """Per category: mean PAI and PEI of each forecast and of the random baseline."""
    import altair as alt

    pei0 = baseline_pei(scores)
    by_category: dict[str, list[dict[str, Any]]] = {}
    for m in means:
        by_category.setdefault(m.category, []).append(
            {"area": share_label(m.area_share), "forecast": m.forecast,
             "pai": finite(m.pai), "pei": finite(m.pei)}
        )  # fmt: skip
    figures = []
    for category, forecast_rows in by_category.items():
        shares = dict.fromkeys(m.area_share for m in means if m.category == category)
        rows = forecast_rows + [
            {"area": share_label(s), "forecast": BASELINE, "pai": 1.0,
             "pei": finite(pei0.get((category, s), math.nan))}
            for s in shares
        ]  # fmt: skip
        title = f"{category}: mean PAI and PEI over the origins"
        spec = alt.vconcat(_summary_panel("pai", rows), _summary_panel("pei", rows))
        notes = (
            "PAI 1 is what random flagging expects; PEI 1 is the best possible choice of "
            "the same number of cells. The baseline's PEI is its expected PEI, 1 / the "
            "best PAI of each origin.",
        )
        figures.append(Figure(title, spec.properties(title=title).to_dict(), notes))
    return figures


def evaluation_figures(scores: Sequence[ForecastScore], means: Sequence[MeanScore]) -> list[Figure]:
    """Every chart of a ``forecast-evaluate`` page: per category, its summary, then origins."""
    out: list[Figure] = []
    for category in dict.fromkeys(s.category for s in scores):
        own = [s for s in scores if s.category == category]
        out += summary_figures(own, [m for m in means if m.category == category])
        out += origin_figures(own)
    return out


def render_svg(figure: Figure) -> str:
    """``figure`` as an SVG document, rendered offline by ``vl-convert``."""
    import vl_convert as vlc

    svg: str = vlc.vegalite_to_svg(figure.spec)
    return svg


def html_page(title: str, figures: Sequence[Figure], intro: Sequence[str] = ()) -> str:
    """A self-contained HTML page: every figure as inline SVG, no script, no link out."""
    parts = []
    for figure in figures:
        notes = "".join(f"<li>{html.escape(n)}</li>" for n in figure.notes)
        caption = f"<figcaption><ul>{notes}</ul></figcaption>" if notes else ""
        parts.append(f"<figure>{render_svg(figure)}{caption}</figure>")
    paragraphs = "".join(f"<p>{html.escape(p)}</p>" for p in intro)
    return (
        "<!DOCTYPE html>\n<html lang='en'><head><meta charset='utf-8'>"
        f"<title>{html.escape(title)}</title>"
        "<style>body{font-family:sans-serif;max-width:860px;margin:1em auto}"
        "figure{margin:1.5em 0}figcaption{font-size:0.9em;color:#444}</style></head><body>"
        f"<h1>{html.escape(title)}</h1>{paragraphs}" + "".join(parts) + "</body></html>\n"
    )


def write_page(
    path: str | os.PathLike[str],
    title: str,
    figures: Sequence[Figure],
    *,
    intro: Sequence[str] = (),
    overwrite: bool = False,
    option: str = "--html",
) -> Path:
    """Write :func:`html_page` to ``path`` atomically (``crimestats.output_files``)."""
    from crimestats.output_files import check_output_file, write_text

    target = check_output_file(path, overwrite=overwrite, option=option)
    page = html_page(title, figures, intro)
    return write_text(target, page, overwrite=overwrite, option=option)


__all__ = [
    "BASELINE",
    "Figure",
    "baseline_pei",
    "evaluation_figures",
    "html_page",
    "origin_figures",
    "summary_figures",
    "write_page",
]
