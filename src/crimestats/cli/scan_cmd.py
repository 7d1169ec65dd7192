"""``crimestats scan``: Kulldorff's spatial (or prospective space-time) scan statistic."""

from __future__ import annotations

import math
from pathlib import Path
from typing import Annotated, Any

import numpy as np
import typer

from crimestats.cli.options import DbOption, JsonOption, check_choice
from crimestats.cli.output import console, print_json
from crimestats.errors import UsageError
from crimestats.spatial.scan import ScanInput, ScanResult, spatial_scan
from crimestats.spatial.scan_inputs import Coverage, assemble, counts_from_files
from crimestats.spatial.scan_spacetime import spacetime_scan
from crimestats.spatial.scan_store import counts_from_store
from crimestats.spatial.scan_windows import CoordinateKind
from crimestats.spatial.selection import iccs_field
from crimestats.stats.fields import period_fields

_PERIODS = period_fields()
_DATE_BASES = ("reported", "occurred")


def _number(value: float) -> float | None:
    return None if math.isnan(value) or math.isinf(value) else round(value, 6)


def scan_json(result: ScanResult, coverage: Coverage) -> dict[str, Any]:
    """The ``--json`` document: the run's settings and every cluster, most likely first."""
    return {
        "test": f"kulldorff {result.kind} scan, discrete Poisson, high rates",
        "locations": result.locations,
        "cases": result.total_cases,
        "population": result.total_population,
        "max_population_share": result.max_population_share,
        "windows": result.windows,
        "permutations": result.permutations,
        "seed": result.seed,
        "left_out": {
            "cases_without_population": coverage.cases_without_population,
            "cases_without_place": coverage.cases_without_place,
            "locations": coverage.locations_left_out,
        },
        "clusters": [
            {
                "rank": rank,
                "ids": list(c.ids),
                "centre": c.centre,
                "radius": _number(c.radius),
                "periods": list(c.periods),
                "population": c.population,
                "cases": c.cases,
                "expected": _number(c.expected),
                "relative_risk": _number(c.relative_risk),
                "llr": _number(c.llr),
                "p_value": c.p_value,
            }
            for rank, c in enumerate(result.clusters, start=1)
        ],
    }


def _print(result: ScanResult, coverage: Coverage) -> None:
    from rich.table import Table

    console.print(
        f"{result.kind} scan: {result.locations:,} locations, {result.total_cases:,} cases, "
        f"population {result.total_population:,.0f}; circles up to "
        f"{result.max_population_share:.0%} of the population; {result.permutations} "
        f"replicates (seed {result.seed})"
    )
    lost = coverage.cases_without_population + coverage.cases_without_place
    if lost:
        console.print(
            f"[yellow]left out:[/] {lost:,} cases of areas without a population or a place"
        )
    if not result.clusters:
        console.print("no area has more cases than expected")
        return
    table = Table("#", "locations", "periods", "cases", "expected", "RR", "LLR", "p-value")
    for rank, c in enumerate(result.clusters, start=1):
        shown = ", ".join(c.ids[:6]) + (f" ... ({len(c.ids)})" if len(c.ids) > 6 else "")
        periods = f"{c.periods[0]}..{c.periods[-1]}" if c.periods else "-"
        p = "-" if c.p_value is None else f"{c.p_value:.3g}"
        table.add_row(
            str(rank), shown, periods, f"{c.cases:,}", f"{c.expected:.2f}",
            f"{c.relative_risk:.2f}", f"{c.llr:.6f}", p,
        )  # fmt: skip
    console.print(table)


def scan(
    cases: Annotated[
        Path | None, typer.Option("--cases", help="SaTScan case file: id cases [date].")
    ] = None,
    population: Annotated[
        Path | None,
        typer.Option("--population", help="SaTScan population file: id year population."),
    ] = None,
    coords: Annotated[
        Path | None,
        typer.Option("--coords", help="SaTScan coordinates file: id x y (or id lat lon)."),
    ] = None,
    coords_kind: Annotated[
        str, typer.Option("--coords-kind", help="cartesian (x y) or latlong (latitude longitude).")
    ] = "cartesian",
    max_population: Annotated[
        float, typer.Option("--max-population", help="Largest share of the population in a circle.")
    ] = 0.5,
    time: Annotated[
        bool,
        typer.Option("--time", help="Prospective space-time scan (clusters alive at the end)."),
    ] = False,
    max_time: Annotated[
        float, typer.Option("--max-time", help="With --time: largest share of the periods.")
    ] = 0.5,
    permutations: Annotated[
        int, typer.Option("--permutations", help="Monte Carlo replicates.", min=0, max=100_000)
    ] = 999,
    seed: Annotated[
        int | None,
        typer.Option("--seed", help="Seed of the replicates (printed when drawn).", min=0),
    ] = None,
    max_clusters: Annotated[
        int, typer.Option("--max-clusters", help="Report at most this many clusters.", min=1)
    ] = 10,
    iccs: Annotated[
        str | None,
        typer.Option("--iccs", help="Store: only incidents with an offence of this ICCS code."),
    ] = None,
    source: Annotated[str | None, typer.Option("--source", help="Store: only this source.")] = None,
    period: Annotated[
        str, typer.Option("--period", help="Store, with --time: year, quarter or month.")
    ] = "month",
    date_basis: Annotated[
        str,
        typer.Option("--date-basis", help="Store: periods of the 'reported' or 'occurred' date."),
    ] = "reported",
    area_level: Annotated[
        str | None,
        typer.Option(
            "--area-level",
            help="Store: scan the areas of this level of the areas tree (incidents and "
            "populations rolled up as in crimestats stats); else the recorded areas.",
        ),
    ] = None,
    json_out: JsonOption = False,
    db: DbOption = None,
) -> None:
    """High-rate clusters: circles (by period with --time) with more cases than expected."""
    check_choice("--coords-kind", coords_kind, tuple(k.value for k in CoordinateKind))
    check_choice("--period", period, _PERIODS)
    check_choice("--date-basis", date_basis, _DATE_BASES)
    if not 0 < max_population <= 0.5:
        raise typer.BadParameter(
            "must be more than 0 and at most 0.5", param_hint="--max-population"
        )
    if not 0 < max_time <= 0.9:
        raise typer.BadParameter("must be more than 0 and at most 0.9", param_hint="--max-time")
    if iccs is not None:
        try:
            iccs_field(iccs)
        except UsageError as exc:
            raise typer.BadParameter(f"{exc.message}; {exc.hint}", param_hint="--iccs") from None
    kind = CoordinateKind(coords_kind)
    file_mode = cases is not None or population is not None
    if file_mode:
        if cases is None or population is None or coords is None:
            raise UsageError(
                "a scan of files needs --cases, --population and --coords together",
                hint="give all three SaTScan files, or none to scan the store",
            )
        if iccs is not None or source is not None:
            raise UsageError("--iccs and --source select from the store, not from files")
        counts = counts_from_files(cases, population, coords, kind)
    else:
        counts = counts_from_store(
            db, iccs=iccs, source=source, period=period if time else None,
            date_basis=date_basis, coords=coords, kind=kind, area_level=area_level,
        )  # fmt: skip
    data, coverage = assemble(counts, time=time)
    if seed is None:
        seed = int(np.random.SeedSequence().generate_state(1)[0])
    if isinstance(data, ScanInput):
        result = spatial_scan(
            data, max_population_share=max_population, permutations=permutations, seed=seed,
            max_clusters=max_clusters,
        )  # fmt: skip
    else:
        result = spacetime_scan(
            data, max_population_share=max_population, max_time_share=max_time,
            permutations=permutations, seed=seed, max_clusters=max_clusters,
        )  # fmt: skip
    if json_out:
        print_json(scan_json(result, coverage))
    else:
        _print(result, coverage)


def register(app: typer.Typer) -> None:
    app.command("scan")(scan)
