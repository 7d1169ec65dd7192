"""``crimestats near-repeat``: the Knox test of near repeats, by distance and time band."""

from __future__ import annotations

import math
from pathlib import Path
from typing import Annotated, Any

import numpy as np
import typer

from crimestats.cli.options import DbOption, JsonOption
from crimestats.cli.output import console, print_json
from crimestats.errors import UsageError
from crimestats.spatial.bands import Bands, parse_edges, space_bands, time_bands
from crimestats.spatial.knox import Distance, KnoxResult, knox_test
from crimestats.spatial.nearrepeat_inputs import DATE_BASES, points_from_file, points_from_store
from crimestats.spatial.point_files import DatedPoints
from crimestats.spatial.selection import iccs_field


def _bad_usage(option: str, exc: UsageError) -> typer.BadParameter:
    return typer.BadParameter(
        exc.message + (f"; {exc.hint}" if exc.hint else ""), param_hint=option
    )


def _bands(space: str, time: str) -> tuple[Bands, Bands]:
    try:
        rows = space_bands(parse_edges(space, "--space-bands"))
    except UsageError as exc:
        raise _bad_usage("--space-bands", exc) from None
    try:
        cols = time_bands(parse_edges(time, "--time-bands"))
    except UsageError as exc:
        raise _bad_usage("--time-bands", exc) from None
    return rows, cols


def _matrix(values: Any) -> list[list[float | int | None]]:
    out: list[list[float | int | None]] = []
    for row in np.asarray(values).tolist():
        out.append([None if isinstance(v, float) and math.isnan(v) else v for v in row])
    return out


def knox_json(result: KnoxResult, points: DatedPoints) -> dict[str, Any]:
    """The ``--json`` document: band edges and the four matrices (rows: space bands)."""
    return {
        "test": "knox",
        "distance": result.distance.value,
        "space_bands": {"labels": list(result.space.labels), "edges": result.space.as_intervals()},
        "time_bands": {"labels": list(result.time.labels), "edges": result.time.as_intervals()},
        "time_unit": "days",
        "points": result.n_points,
        "pairs": result.pairs,
        "points_left_out": points.skipped,
        "crs": points.crs,
        "permutations": result.permutations,
        "seed": result.seed,
        "observed": _matrix(result.observed),
        "expected": _matrix(result.expected),
        "expected_simulated": _matrix(result.expected_simulated),
        "knox_ratio": _matrix(result.knox_ratio),
        "p_value": _matrix(result.p_value),
    }


def _cell(value: float) -> str:
    return "-" if math.isnan(value) else f"{value:.2f}"


def _print(result: KnoxResult, points: DatedPoints) -> None:
    from rich.table import Table

    console.print(
        f"Knox test: {result.n_points:,} events, {result.pairs:,} pairs, "
        f"{result.distance.value} distance, {result.permutations} permutations "
        f"(seed {result.seed})"
        + (f"; {points.skipped:,} left out (no place or date)" if points.skipped else "")
    )
    table = Table(title="observed pairs / Knox ratio (Monte Carlo p-value)")
    table.add_column("distance \\ days")
    for label in result.time.labels:
        table.add_column(label, justify="right")
    for r, label in enumerate(result.space.labels):
        cells = [
            f"{result.observed[r, c]:,} / {_cell(result.knox_ratio[r, c])} "
            f"({_cell(result.p_value[r, c])})"
            for c in range(result.time.size)
        ]
        table.add_row(label, *cells)
    console.print(table)


def near_repeat(
    space_bands_text: Annotated[
        str,
        typer.Option("--space-bands", help="Upper edges of the distance bands, e.g. 100,200,300."),
    ],
    time_bands_text: Annotated[
        str, typer.Option("--time-bands", help="Upper edges of the day bands, e.g. 7,14,21.")
    ],
    points: Annotated[
        Path | None, typer.Option("--points", help="CSV of events (else the store's incidents).")
    ] = None,
    x: Annotated[str, typer.Option("--x", help="Column of x (or longitude).")] = "x",
    y: Annotated[str, typer.Option("--y", help="Column of y (or latitude).")] = "y",
    date: Annotated[
        str, typer.Option("--date", help="Column of the date (YYYY-MM-DD...).")
    ] = "date",
    no_header: Annotated[
        bool,
        typer.Option("--no-header", help="The file has no header: columns are numbers, 1 first."),
    ] = False,
    crs: Annotated[
        str | None,
        typer.Option("--crs", help="EPSG code of the file's coordinates (4326: projected to UTM)."),
    ] = None,
    iccs: Annotated[
        str | None,
        typer.Option("--iccs", help="Store: only incidents with an offence of this ICCS code."),
    ] = None,
    source: Annotated[str | None, typer.Option("--source", help="Store: only this source.")] = None,
    date_basis: Annotated[
        str, typer.Option("--date-basis", help="Store: date of 'occurred' or 'reported'.")
    ] = "occurred",
    distance: Annotated[
        str, typer.Option("--distance", help="manhattan (the calculator's) or euclidean.")
    ] = "manhattan",
    permutations: Annotated[
        int,
        typer.Option(
            "--permutations", help="Shuffles of the dates for p-values.", min=0, max=100_000
        ),
    ] = 99,
    seed: Annotated[
        int | None, typer.Option("--seed", help="Seed of the shuffles (printed when drawn).", min=0)
    ] = None,
    json_out: JsonOption = False,
    db: DbOption = None,
) -> None:
    """Near repeats: pairs of events close in space and time, against shuffled dates."""
    rows, cols = _bands(space_bands_text, time_bands_text)
    if distance not in tuple(d.value for d in Distance):
        raise typer.BadParameter(
            f"{distance!r} is not known; use one of: manhattan, euclidean", param_hint="--distance"
        )
    if date_basis not in DATE_BASES:
        raise typer.BadParameter(
            f"{date_basis!r} is not known; use one of: {', '.join(DATE_BASES)}",
            param_hint="--date-basis",
        )
    if iccs is not None:
        try:
            iccs_field(iccs)
        except UsageError as exc:
            raise _bad_usage("--iccs", exc) from None
    if points is not None and (iccs is not None or source is not None):
        raise UsageError(
            "--iccs and --source select incidents of the store, not of a --points file",
            hint="filter the file first, or drop --points to use the store",
        )
    if seed is None:
        seed = int(np.random.SeedSequence().generate_state(1)[0])
    data = (
        points_from_file(points, x=x, y=y, date=date, crs=crs, header=not no_header)
        if points is not None
        else points_from_store(db, iccs=iccs, source=source, date_basis=date_basis)
    )
    result = knox_test(
        data.x, data.y, data.days, rows, cols, distance=Distance(distance),
        permutations=permutations, seed=seed,
    )  # fmt: skip
    if json_out:
        print_json(knox_json(result, data))
    else:
        _print(result, data)


def register(app: typer.Typer) -> None:
    app.command("near-repeat")(near_repeat)
