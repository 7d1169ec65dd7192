"""``crimestats forecast-evaluate``: rolling-origin scores of simple hotspot forecasts.

Thin: points come from the store (one selection per ``--iccs`` code, or all) or from a
points file; ``crimestats.spatial.forecast_evaluate`` scores the forecasts; the scores
of every origin go to ``--out`` (CSV), the means to the screen or ``--json``, and
with ``--html`` the charts (``crimestats.spatial.forecast_charts``) to an offline page.
"""

from __future__ import annotations

import csv
from dataclasses import asdict
from pathlib import Path
from typing import Annotated

import numpy as np
import typer

from crimestats.cli.options import (
    DbOption,
    ForceOption,
    JsonOption,
    PointsDateOption,
    PointsOption,
    PointsXOption,
    PointsYOption,
    check_choice,
    check_points_options,
    option_day,
)
from crimestats.cli.output import console, print_json
from crimestats.errors import UsageError
from crimestats.output_files import check_output_file, open_text
from crimestats.spatial.forecast_evaluate import (
    DEFAULT_WINDOW,
    EvalPeriod,
    ForecastScore,
    evaluate,
    mean_scores,
)
from crimestats.spatial.grid import GridKind, make_grid
from crimestats.spatial.projection import project


def _shares(text: str) -> tuple[float, ...]:
    try:
        values = tuple(float(part) / 100 for part in text.split(",") if part.strip())
    except ValueError:
        values = ()
    if not values or any(not 0 < v <= 1 for v in values):
        raise typer.BadParameter(
            f"{text!r} is not a list of percentages in (0, 100], e.g. 1,5,10",
            param_hint="--areas",
        )
    return values


def _same_path(one: Path, two: Path) -> bool:
    try:
        return one.resolve() == two.resolve()
    except (OSError, ValueError, RuntimeError):  # unresolvable: check_output_file says why
        return False


def check_output_files(out: Path | None, html: Path | None, force: bool) -> None:
    """Refuse ``--out`` and ``--html`` before any work: each must be writable, and apart."""
    if out is not None:
        check_output_file(out, overwrite=force, option="--out")
    if html is None:
        return
    if out is not None and _same_path(out, html):
        raise UsageError(
            f"--out and --html name the same file {out}",
            hint="give the charts their own name, e.g. --html charts.html",
        )
    check_output_file(html, overwrite=force, option="--html")


def _number(value: float) -> str:
    return "" if not np.isfinite(value) else f"{value:.6g}"


def forecast_evaluate(
    out: Annotated[Path, typer.Option("--out", help="CSV of every origin's scores.")],
    iccs: Annotated[
        list[str] | None,
        typer.Option("--iccs", help="ICCS code (repeat for several); each is scored apart."),
    ] = None,
    source: Annotated[str | None, typer.Option("--source", help="Only this source.")] = None,
    since: Annotated[str | None, typer.Option("--since", help="First report date.")] = None,
    until: Annotated[str | None, typer.Option("--until", help="Last report date.")] = None,
    period: Annotated[str, typer.Option("--period", help="week or month.")] = "week",
    window: Annotated[
        int, typer.Option("--window", help="Past periods the KDE forecasts use.")
    ] = DEFAULT_WINDOW,
    cell_size: Annotated[
        float | None, typer.Option("--cell-size", help="Metres (default: sfhotspot rule).")
    ] = None,
    bandwidth: Annotated[
        float | None, typer.Option("--bandwidth", help="KDE radius, metres (default 3 cells).")
    ] = None,
    grid: Annotated[str, typer.Option("--grid", help="square or hex cells.")] = "square",
    areas: Annotated[
        str, typer.Option("--areas", help="Percentages of the area flagged.")
    ] = "1,5,10",
    crs: Annotated[int | None, typer.Option("--crs", help="Metric EPSG code.")] = None,
    points: PointsOption = None,
    x: PointsXOption = None,
    y: PointsYOption = None,
    date_column: PointsDateOption = None,
    html: Annotated[
        Path | None,
        typer.Option("--html", help="Offline page of charts: scores by origin, mean PAI/PEI."),
    ] = None,
    json_out: JsonOption = False,
    force: ForceOption = False,
    db: DbOption = None,
) -> None:
    """Score last-period, history, KDE and prospective forecasts (hit rate, PAI, PEI, RRI)."""
    check_choice("--period", period, EvalPeriod)
    check_choice("--grid", grid, GridKind)
    shares = _shares(areas)
    first, last = option_day("--since", since), option_day("--until", until)
    check_points_options(points, x, y, date_column, iccs=iccs, source=source, need_date=True)
    check_output_files(out, html, force)

    selections: list[tuple[str, np.ndarray, np.ndarray, np.ndarray]] = []
    if points is not None:
        from crimestats.spatial.points_file import read_points_file

        read = read_points_file(
            points, x=x or "", y=y or "", date_column=date_column, since=first, until=last
        )
        assert read.dates is not None
        selections.append(("all", read.lons, read.lats, read.dates))
    else:
        from crimestats.storage.spatial_points import selected_points

        codes: list[str | None] = list(iccs) if iccs else [None]
        for code in codes:
            stored = selected_points(db, iccs=code, source=source, since=first, until=last)
            selections.append((code or "all", stored.lons, stored.lats, stored.dates))

    scores: list[ForecastScore] = []
    skipped: dict[str, list[str]] = {}
    settings: dict[str, dict[str, float | str | int]] = {}
    for category, lons, lats, dates in selections:
        projected = project(lons, lats, epsg=crs)
        cells = make_grid(projected.x, projected.y, GridKind(grid), cell_size)
        radius = bandwidth if bandwidth is not None else 3 * cells.cell_size
        result = evaluate(
            cells, projected.x, projected.y, dates, period=EvalPeriod(period), window=window,
            bandwidth=radius, area_shares=shares, category=category,
        )  # fmt: skip
        scores.extend(result.scores)
        skipped[category] = list(result.skipped_origins)
        settings[category] = {
            "points": projected.size, "crs": f"EPSG:{projected.epsg}",
            "cell_size_m": cells.cell_size, "cells": cells.size, "bandwidth_m": radius,
            "origins": result.origins,
        }  # fmt: skip
    with open_text(out, overwrite=force, option="--out") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(list(ForecastScore.__dataclass_fields__))
        for score in scores:
            writer.writerow(
                [_number(v) if isinstance(v, float) else v for v in asdict(score).values()]
            )
    means = mean_scores(scores)
    if html is not None:
        from crimestats.spatial.forecast_charts import evaluation_figures, write_page

        intro = [
            f"{c}: {i['points']:,} points, {i['cells']:,} cells of {i['cell_size_m']:g} m, "
            f"{i['origins']} origins ({period}, KDE window {window}), bandwidth "
            f"{i['bandwidth_m']:g} m" for c, i in settings.items()
        ]  # fmt: skip
        write_page(html, "forecast-evaluate", evaluation_figures(scores, means),
                   intro=intro, overwrite=force)  # fmt: skip
    if json_out:
        print_json(
            {
                "period": period,
                "window": window,
                "areas": list(shares),
                "selections": settings,
                "skipped_origins": skipped,
                "baseline": "random flagging: hit rate = area share, PAI = 1",
                "means": [asdict(m) for m in means],
                "out": str(out),
                "html": None if html is None else str(html),
            }
        )
        return
    for category, info in settings.items():
        console.print(
            f"{category}: {info['points']:,} points, {info['cells']:,} cells of "
            f"{info['cell_size_m']:g} m, {info['origins']} origins ({period}), "
            f"bandwidth {info['bandwidth_m']:g} m"
        )
    for m in means:
        console.print(
            f"  {m.category} {m.forecast:12} {m.area_share:>5.0%} of area: hit rate "
            f"{m.hit_rate:.3f} (random {m.baseline_hit_rate:.3f}), PAI {m.pai:.2f}, "
            f"PEI {m.pei:.2f}, RRI {m.rri:.2f}"
        )
    console.print(f"wrote {out}" + ("" if html is None else f" and {html}"))


def register(app: typer.Typer) -> None:
    """Attach ``forecast-evaluate``."""
    app.command("forecast-evaluate")(forecast_evaluate)
