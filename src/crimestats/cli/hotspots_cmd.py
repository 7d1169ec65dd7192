"""``crimestats hotspots``: gridded counts, KDE, Gi* or local Moran of the store's points.

Thin: options are checked (an unknown value is bad usage, exit 2), points are read from
the store (``crimestats.storage.spatial_points``) or a points file
(``crimestats.spatial.points_file``), and ``crimestats.spatial.hotspots.analyse`` does
the rest. Output files are checked before any work and written atomically.
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Annotated

import numpy as np
import typer
from numpy.typing import NDArray

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
from crimestats.output_files import check_output_file
from crimestats.spatial.grid import GridKind
from crimestats.spatial.hotspot_report import (
    Exposure,
    HotspotReport,
    check_min_count,
    write_geojson,
)
from crimestats.spatial.hotspots import HotspotOptions, Method, Period, analyse
from crimestats.spatial.kde import BandwidthRule
from crimestats.spatial.local_stats import Contiguity


def _positive(option: str, value: float | None) -> None:
    if value is not None and not value > 0:
        raise typer.BadParameter(
            f"must be a positive number of metres, got {value}", param_hint=option
        )


def hotspots(
    out: Annotated[Path, typer.Option("--out", help="GeoJSON of the grid (RFC 7946).")],
    iccs: Annotated[
        str | None, typer.Option("--iccs", help="ICCS code; its subcategories are included.")
    ] = None,
    source: Annotated[str | None, typer.Option("--source", help="Only this source.")] = None,
    since: Annotated[str | None, typer.Option("--since", help="First report date.")] = None,
    until: Annotated[str | None, typer.Option("--until", help="Last report date.")] = None,
    method: Annotated[
        str, typer.Option("--method", help="count, kde, gistar (Getis-Ord Gi*) or lisa.")
    ] = "gistar",
    grid: Annotated[str, typer.Option("--grid", help="square or hex cells.")] = "square",
    cell_size: Annotated[
        float | None,
        typer.Option("--cell-size", help="Metres (default: shorter side / 50, to 100 m)."),
    ] = None,
    bandwidth: Annotated[
        float | None, typer.Option("--bandwidth", help="KDE radius in metres (default: rule).")
    ] = None,
    bandwidth_rule: Annotated[
        str, typer.Option("--bandwidth-rule", help="nrd (x and y) or sfhotspot (x only).")
    ] = "nrd",
    crs: Annotated[
        int | None, typer.Option("--crs", help="Metric EPSG code (default: UTM zone).")
    ] = None,
    contiguity: Annotated[
        str, typer.Option("--contiguity", help="Square cells' neighbours: queen or rook.")
    ] = "queen",
    permutations: Annotated[
        int, typer.Option("--permutations", help="Conditional permutations (0: analytic p).")
    ] = 0,
    fdr: Annotated[float, typer.Option("--fdr", help="Benjamini-Hochberg FDR level q.")] = 0.05,
    seed: Annotated[int, typer.Option("--seed", help="Seed of the permutations.")] = 0,
    period: Annotated[
        str | None,
        typer.Option("--period", help="month, quarter or year: trend classes across periods."),
    ] = None,
    points: PointsOption = None,
    x: PointsXOption = None,
    y: PointsYOption = None,
    date_column: PointsDateOption = None,
    exposure: Annotated[
        Path | None,
        typer.Option("--exposure", help="CSV of longitude, latitude and a population value."),
    ] = None,
    exposure_value: Annotated[
        str, typer.Option("--exposure-value", help="Value column of --exposure.")
    ] = "population",
    public: Annotated[
        bool,
        typer.Option(
            "--public", help="Publishable map on the release's H3 hexagons (geomask rules)."
        ),
    ] = False,
    min_count: Annotated[
        int | None,
        typer.Option(
            "--min-count",
            help="Minimum points of a published hexagon (default: the release's, else 10).",
        ),
    ] = None,
    h3_resolution: Annotated[
        int | None,
        typer.Option(
            "--h3-resolution",
            help="H3 resolution of the public map (default: the release's, else 8).",
        ),
    ] = None,
    area_level: Annotated[
        str | None,
        typer.Option("--area-level", help="Public page: draw the store's areas of this level."),
    ] = None,
    html: Annotated[
        Path | None,
        typer.Option(
            "--html", help="Also write an offline HTML map (with --public: the public one)."
        ),
    ] = None,
    json_out: JsonOption = False,
    force: ForceOption = False,
    db: DbOption = None,
) -> None:
    """Hotspots of incident points on a grid, with the CRS, cell size and inference stated."""
    check_choice("--method", method, Method)
    check_choice("--grid", grid, GridKind)
    check_choice("--bandwidth-rule", bandwidth_rule, BandwidthRule)
    check_choice("--contiguity", contiguity, Contiguity)
    if period is not None:
        check_choice("--period", period, Period)
    if seed < 0 or permutations < 0:
        option, value = ("--seed", seed) if seed < 0 else ("--permutations", permutations)
        raise typer.BadParameter(f"must be 0 or more, got {value}", param_hint=option)
    _positive("--cell-size", cell_size)
    _positive("--bandwidth", bandwidth)
    first, last = option_day("--since", since), option_day("--until", until)
    check_points_options(points, x, y, date_column, iccs=iccs, source=source, need_date=False)
    if public:
        if min_count is not None:
            check_min_count(min_count)
        if h3_resolution is not None and not 0 <= h3_resolution <= 15:
            raise typer.BadParameter(
                f"{h3_resolution} is not an H3 resolution (0-15)", param_hint="--h3-resolution"
            )
    if area_level is not None and (not public or points is not None):
        raise UsageError(
            "--area-level draws the store's areas on the public page",
            hint="use it with --public and --html on the store (not with --points)",
        )
    check_output_file(out, overwrite=force, option="--out")
    if html is not None:
        if html.resolve() == out.resolve():
            raise UsageError(
                f"--out and --html name the same file {out}",
                hint="give the HTML map its own name, e.g. --html map.html",
            )
        check_output_file(html, overwrite=force, option="--html")

    options = HotspotOptions(
        method=Method(method),
        grid=GridKind(grid),
        cell_size=cell_size,
        bandwidth=bandwidth,
        bandwidth_rule=BandwidthRule(bandwidth_rule),
        epsg=crs,
        contiguity=Contiguity(contiguity),
        permutations=permutations,
        fdr=fdr,
        seed=seed,
        period=None if period is None else Period(period),
        aligned=public,
    )
    if points is not None:
        from crimestats.spatial.points_file import read_points_file

        assert x is not None
        assert y is not None
        read = read_points_file(points, x=x, y=y, date_column=date_column, since=first, until=last)
        lons, lats, dates = read.lons, read.lats, read.dates
        selection = {
            "file": str(points),
            "rows": read.rows,
            "without_point": read.without_point,
            "without_date": read.without_date,
        }
    else:
        from crimestats.storage.spatial_points import selected_points

        stored = selected_points(db, iccs=iccs, source=source, since=first, until=last)
        lons, lats, dates = stored.lons, stored.lats, stored.dates
        selection = {
            "iccs": iccs,
            "source": source,
            "since": since,
            "until": until,
            "incidents": stored.selected,
            "without_point": stored.without_point,
        }
    layer: Exposure | None = None
    if exposure is not None:
        from crimestats.spatial.points_file import read_exposure_file

        layer = read_exposure_file(exposure, value=exposure_value)
    report = analyse(lons, lats, options, dates=dates, exposure=layer)
    summary = {"selection": selection, **report.summary(), "out": str(out), "public": public}
    if public:
        summary["public_map"] = _write_public(
            out, html, report, force=force, resolution=h3_resolution, min_count=min_count,
            store=None if points is not None else (db, iccs, source, first, last, area_level),
            lonlat=(lons, lats),
        )  # fmt: skip
    else:
        write_geojson(out, report, force=force)
        if html is not None:
            from crimestats.spatial.hotspot_html import write_html

            write_html(html, report, force=force)
    if json_out:
        print_json(summary)
        return
    console.print(
        f"{report.projection.size:,} points in {report.grid.size:,} {grid} cells of "
        f"{report.grid.cell_size:g} m ({summary['crs']}, {report.projection.crs_name}); "
        f"method {method}"
    )
    if report.bandwidth is not None:
        console.print(f"bandwidth {report.bandwidth.metres:.1f} m ({report.bandwidth.rule})")
    if "classes" in summary:
        tally = ", ".join(f"{k}: {v}" for k, v in summary["classes"].items())
        console.print(f"cells at FDR q = {fdr:g}: {tally}")
    if "trends" in summary:
        tally = ", ".join(f"{k}: {v}" for k, v in summary["trends"].items())
        console.print(f"across {len(summary['periods'])} {period}s: {tally}")
    left_out = sum(
        v for k, v in selection.items() if k.startswith("without_") and isinstance(v, int)
    )
    if left_out:
        console.print(
            f"left out: {left_out:,} record(s) without a usable point or date "
            "(no coordinates, not finite, or outside longitude/latitude range)"
        )
    for warning in report.warnings:
        console.print(f"warning: {warning.message}")
    if public:
        panels = summary["public_map"]["groups"]
        published = sum(g["features"] for g in panels)
        withheld = sum(g["withheld_by_complement_rule"] for g in panels)
        console.print(
            f"public map: {published:,} hexagon(s) in {len(panels)} panel(s) (source and "
            f"year), {withheld:,} withheld against the release's map; the grid above is "
            "the analysts' and is not in the public files"
        )
    console.print(f"wrote {out}" + (f" and {html}" if html else ""))


def _write_public(
    out: Path,
    html: Path | None,
    report: HotspotReport,
    *,
    force: bool,
    resolution: int | None,
    min_count: int | None,
    store: tuple[Path | None, str | None, str | None, date | None, date | None, str | None] | None,
    lonlat: tuple[NDArray[np.float64], NDArray[np.float64]],
) -> dict[str, object]:
    """The public map (GeoJSON, and the public page with ``html``): see public_map."""
    from crimestats.output_files import write_text
    from crimestats.spatial.public_inputs import check_parameters
    from crimestats.spatial.public_map import PointGroupPair, public_map
    from crimestats.spatial.public_page import Boundary, write_html

    boundaries: tuple[Boundary, ...] = ()
    release: tuple[int, int] | None = None
    if store is None:
        groups: tuple[PointGroupPair, ...] = (PointGroupPair(None, None, lonlat[1], lonlat[0]),)
        steady, note = None, "a points file: no release to compare with"
    else:
        from crimestats.spatial.public_inputs import store_public_inputs

        db, iccs, source, first, last, level = store
        inputs = store_public_inputs(
            db, iccs=iccs, source=source, since=first, until=last, area_level=level
        )
        groups, steady, note = inputs.groups, inputs.steady, inputs.history_note
        boundaries, release = inputs.boundaries, inputs.release_parameters
    resolution, min_count = check_parameters(release, resolution, min_count)
    masked = public_map(groups, resolution=resolution, min_count=min_count, steady=steady)
    collection = masked.feature_collection()
    collection["crimestats"]["history"] = note
    write_text(out, json.dumps(collection) + "\n", overwrite=force, option="--out")
    if html is not None:
        warnings = [w.message for w in report.warnings if w.code != "permutations-too-few"]
        write_html(
            html, masked, report.projection.epsg, force=force, boundaries=boundaries,
            warnings=warnings,
        )  # fmt: skip
    header = collection["crimestats"]
    return {k: header[k] for k in ("h3_resolution", "min_count", "groups", "history")}


def register(app: typer.Typer) -> None:
    """Attach ``hotspots``."""
    app.command("hotspots")(hotspots)
