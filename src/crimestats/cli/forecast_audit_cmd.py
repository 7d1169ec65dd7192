"""``crimestats forecast-audit``: how far a hotspot forecast would feed on its own record.

Thin: the recorded points come from the store or a points file (as for
``forecast-evaluate``, whose option helpers are reused); the true intensity from a
second source (a points file, optionally weighted, or another ICCS code in the store)
or uniform; ``crimestats.spatial.feedback_loop`` runs the seeded loop;
``crimestats.spatial.group_exposure`` compares population groups' shares in the flagged
cells. Rounds go to ``--out`` (CSV); the summary to the screen or ``--json``; with
``--html`` the charts (``crimestats.spatial.audit_charts``) to an offline page. Only
cells and counts come out, never an incident or a person.
"""

from __future__ import annotations

import csv
from dataclasses import asdict
from pathlib import Path
from typing import Annotated

import numpy as np
import typer

from crimestats.cli.forecast_cmd import _number, check_output_files
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
from crimestats.errors import NotFoundError, UsageError
from crimestats.output_files import open_text
from crimestats.spatial.feedback_loop import (
    LoopConfig,
    RoundResult,
    recorded_history,
    simulate,
    truth_intensity,
)
from crimestats.spatial.forecast_evaluate import DEFAULT_WINDOW, EvalPeriod, Forecast
from crimestats.spatial.grid import GridKind, assign, make_grid
from crimestats.spatial.group_exposure import GroupExposure
from crimestats.spatial.projection import project

UNIFORM = "uniform"


def _truth_points(
    truth: str, truth_iccs: str | None, x: str, y: str, weight: str | None, db: Path | None
) -> tuple[np.ndarray, np.ndarray, np.ndarray | None] | None:
    """The second source's points (lons, lats, weights), or None for a uniform truth."""
    if truth_iccs is not None:
        from crimestats.storage.spatial_points import selected_points

        stored = selected_points(db, iccs=truth_iccs, source=None, since=None, until=None)
        return stored.lons, stored.lats, None
    if truth == UNIFORM:
        return None
    from crimestats.spatial.points_file import read_exposure_file, read_points_file

    path = Path(truth)
    if not path.is_file():
        raise NotFoundError(
            f"--truth {truth}: no such file", hint="give a CSV of points, or --truth uniform"
        )
    try:
        if weight is not None:
            layer = read_exposure_file(path, value=weight, x=x, y=y, option="--truth")
            return layer.lon, layer.lat, layer.value
        read = read_points_file(path, x=x, y=y, option="--truth")
    except UsageError as error:  # the readers name their own option; this is --truth
        message = error.message.replace("--exposure", "--truth").replace("--points", "--truth")
        hint = (error.hint or "").replace("--exposure-value", "--truth-weight")
        raise UsageError(message, hint=hint + "; name columns with --truth-x/--truth-y") from None
    return read.lons, read.lats, None


def _inside(
    lons: np.ndarray, lats: np.ndarray, ref_lons: np.ndarray, ref_lats: np.ndarray
) -> np.ndarray:
    """Points of a second layer within the bounding box of the forecast's points.

    The grid covers only the forecast's points; the rest of the layer could not fall on
    a cell, and may lie outside the area of use of their CRS.
    """
    mask: np.ndarray = (
        (lons >= ref_lons.min()) & (lons <= ref_lons.max())
        & (lats >= ref_lats.min()) & (lats <= ref_lats.max())
    )  # fmt: skip
    return mask


def forecast_audit(
    iccs: Annotated[str | None, typer.Option("--iccs", help="ICCS code of the points.")] = None,
    source: Annotated[str | None, typer.Option("--source", help="Only this source.")] = None,
    since: Annotated[str | None, typer.Option("--since", help="First report date.")] = None,
    until: Annotated[str | None, typer.Option("--until", help="Last report date.")] = None,
    points: PointsOption = None,
    x: PointsXOption = None,
    y: PointsYOption = None,
    date_column: PointsDateOption = None,
    truth: Annotated[
        str, typer.Option("--truth", help="'uniform' or a CSV of a second source's points.")
    ] = UNIFORM,
    truth_iccs: Annotated[
        str | None, typer.Option("--truth-iccs", help="Truth: another ICCS code in the store.")
    ] = None,
    truth_x: Annotated[str, typer.Option("--truth-x", help="Longitude column.")] = "longitude",
    truth_y: Annotated[str, typer.Option("--truth-y", help="Latitude column.")] = "latitude",
    truth_weight: Annotated[
        str | None, typer.Option("--truth-weight", help="Weight column, e.g. population.")
    ] = None,
    rounds: Annotated[int, typer.Option("--rounds", help="Rounds of the loop.")] = 10,
    patrol_share: Annotated[
        float, typer.Option("--patrol-share", help="Percent of the area patrolled.")
    ] = 5.0,
    recording_base: Annotated[
        float, typer.Option("--recording-base", help="Recording probability off patrol.")
    ] = 0.5,
    recording_patrolled: Annotated[
        float, typer.Option("--recording-patrolled", help="Recording probability on patrol.")
    ] = 0.8,
    method: Annotated[str, typer.Option("--method", help="Forecast method.")] = "history",
    period: Annotated[str, typer.Option("--period", help="week or month.")] = "week",
    window: Annotated[int, typer.Option("--window", help="Periods the KDEs use.")] = DEFAULT_WINDOW,
    cell_size: Annotated[float | None, typer.Option("--cell-size", help="Metres.")] = None,
    bandwidth: Annotated[
        float | None, typer.Option("--bandwidth", help="KDE radius, metres (default 3 cells).")
    ] = None,
    grid: Annotated[str, typer.Option("--grid", help="square or hex cells.")] = "square",
    crs: Annotated[int | None, typer.Option("--crs", help="Metric EPSG code.")] = None,
    groups: Annotated[
        Path | None, typer.Option("--groups", help="CSV: longitude, latitude, pop_<group>...")
    ] = None,
    seed: Annotated[int, typer.Option("--seed", help="Seed of the simulation.")] = 0,
    out: Annotated[Path | None, typer.Option("--out", help="CSV of the rounds.")] = None,
    html: Annotated[
        Path | None,
        typer.Option("--html", help="Offline page of charts: drift by round, group exposure."),
    ] = None,
    json_out: JsonOption = False,
    force: ForceOption = False,
    db: DbOption = None,
) -> None:
    """Simulate patrols feeding the forecast's own record; report concentration and drift."""
    check_choice("--method", method, Forecast)
    check_choice("--period", period, EvalPeriod)
    check_choice("--grid", grid, GridKind)
    first, last = option_day("--since", since), option_day("--until", until)
    check_points_options(points, x, y, date_column, iccs=iccs, source=source, need_date=True)
    check_output_files(out, html, force)
    if points is not None:
        from crimestats.spatial.points_file import read_points_file

        read = read_points_file(
            points, x=x or "", y=y or "", date_column=date_column, since=first, until=last
        )
        assert read.dates is not None
        lons, lats, dates = read.lons, read.lats, read.dates
    else:
        from crimestats.storage.spatial_points import selected_points

        stored = selected_points(db, iccs=iccs, source=source, since=first, until=last)
        lons, lats, dates = stored.lons, stored.lats, stored.dates
    projected = project(lons, lats, epsg=crs)
    cells = make_grid(projected.x, projected.y, GridKind(grid), cell_size)
    history = recorded_history(cells, projected.x, projected.y, dates, EvalPeriod(period))
    config = LoopConfig(
        rounds=rounds, patrol_share=patrol_share / 100, recording_base=recording_base,
        recording_patrolled=recording_patrolled, forecast=Forecast(method), window=window,
        bandwidth=bandwidth if bandwidth is not None else 3 * cells.cell_size, seed=seed,
    )  # fmt: skip
    config.check()
    if recording_base <= 0:
        raise UsageError(
            "--recording-base must be above 0 here: it scales the true volume "
            "(recorded per period / recording-base)",
            hint="e.g. --recording-base 0.5",
        )
    per_round = float(history.sum()) / history.shape[0] / recording_base
    second = _truth_points(truth, truth_iccs, truth_x, truth_y, truth_weight, db)
    if second is None:
        intensity = truth_intensity(cells, per_round)
    else:
        keep = _inside(second[0], second[1], lons, lats)
        other = project(second[0][keep], second[1][keep], like=projected)
        weights = None if second[2] is None else second[2][keep]
        intensity = truth_intensity(cells, per_round, other.x, other.y, weights)
    result = simulate(cells, history, intensity, config)
    exposure: list[tuple[int, GroupExposure]] = []
    if groups is not None:
        from crimestats.spatial.group_exposure import group_exposure, read_group_layer

        layer = read_group_layer(groups)
        near = _inside(layer.lons, layer.lats, lons, lats)
        area_cell = np.full(layer.lons.size, -1, dtype=np.int64)
        gp = project(layer.lons[near], layer.lats[near], like=projected)
        area_cell[near] = assign(cells, gp.x, gp.y)
        for number, flagged in ((1, result.flagged[0]), (rounds, result.flagged[-1])):
            exposure += [(number, g) for g in group_exposure(layer, area_cell, flagged)]
    if out is not None:
        with open_text(out, overwrite=force, option="--out") as handle:
            writer = csv.writer(handle, lineterminator="\n")
            writer.writerow(list(RoundResult.__dataclass_fields__))
            for row in result.rounds:
                writer.writerow(
                    [_number(v) if isinstance(v, float) else v for v in asdict(row).values()]
                )
    if html is not None:
        from crimestats.spatial.audit_charts import audit_figures
        from crimestats.spatial.forecast_charts import write_page

        intro = [
            f"{method} forecast, {cells.size:,} cells of {cells.cell_size:g} m, "
            f"{history.shape[0]} recorded {period}s, truth {truth_iccs or truth}, seed {seed}; "
            f"patrols on {config.patrol_share:.0%} of the area record with probability "
            f"{recording_patrolled:g}, elsewhere {recording_base:g}."
        ]
        write_page(html, "forecast-audit", audit_figures(result, exposure), intro=intro,
                   overwrite=force)  # fmt: skip
    summary = {
        "method": method, "truth": truth_iccs or truth, "seed": seed, "rounds": rounds,
        "patrol_share": config.patrol_share, "recording_base": recording_base,
        "recording_patrolled": recording_patrolled, "period": period,
        "cells": cells.size, "cell_size_m": cells.cell_size, "crs": f"EPSG:{projected.epsg}",
        "history_periods": int(history.shape[0]), "true_incidents_per_round": per_round,
        "locked_from": result.locked_from, "drift": result.drift(),
    }  # fmt: skip
    if json_out:
        print_json(
            {
                **summary,
                "per_round": [asdict(r) for r in result.rounds],
                "group_exposure": [{"round": n, **asdict(g)} for n, g in exposure],
                "out": None if out is None else str(out),
                "html": None if html is None else str(html),
            }
        )
        return
    console.print(
        f"{method} forecast, {cells.size:,} cells of {cells.cell_size:g} m, "
        f"{history.shape[0]} recorded {period}s, truth {truth_iccs or truth}, seed {seed}"
    )
    for r in result.rounds:
        console.print(
            f"  round {r.round:>3}: recorded share in flagged {r.recorded_share_flagged:.3f}, "
            f"history share {r.history_share_flagged:.3f}, true share "
            f"{r.true_share_flagged:.3f}, error {r.forecast_error:.3f}, Gini "
            f"{r.recorded_gini:.3f}"
        )
    console.print(
        "flagged cells "
        + (f"unchanged from round {result.locked_from}" if result.locked_from else "still moving")
    )
    for number, g in exposure:
        console.print(
            f"  round {number} group {g.group}: {g.population_share:.3f} of the "
            f"population, {g.share_of_flagged_population:.3f} of those in flagged cells"
        )
    for written in (out, html):
        if written is not None:
            console.print(f"wrote {written}")


def register(app: typer.Typer) -> None:
    """Attach ``forecast-audit``."""
    app.command("forecast-audit")(forecast_audit)
