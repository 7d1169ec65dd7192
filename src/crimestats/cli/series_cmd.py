"""``crimestats series load`` and ``series reproduce``: international aggregate series.

A thin shell over :mod:`crimestats.series.service`: load a UNODC export into the
``series`` table; recompute its published rates from the counts and a population and
print how many match at each rounding, how close the rest are, and why they differ.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from crimestats.cli.options import DbOption, JsonOption
from crimestats.cli.output import console, print_json

series_app = typer.Typer(
    name="series",
    help="International aggregate series (UNODC UN-CTS, homicide victims): load, reproduce.",
    no_args_is_help=True,
)

KindOption = Annotated[
    str, typer.Option("--kind", help="Layout: cts (dataUNODC UN-CTS export) or homicide-wpp.")
]


@series_app.command("load")
def load(
    file: Annotated[Path, typer.Argument(help="The published file (CSV, plain or .gz).")],
    kind: KindOption,
    json_out: JsonOption = False,
    db: DbOption = None,
) -> None:
    """Load a series file into the store (replaces the same figures; one transaction)."""
    from crimestats.series.service import load_series_file

    result = load_series_file(db, file, kind)
    if json_out:
        print_json(result)
        return
    console.print(
        f"{file}: {result['rows']} figures loaded as {kind} ({result['counts']} counts, "
        f"{result['rates']} rates; {result['countries']} countries, "
        f"{result['years'][0]}-{result['years'][1]}; {result['added']} new, "
        f"{result['replaced']} replaced)"
    )


def _pct(x: float | None) -> str:
    return "-" if x is None else f"{x:.1%}"


def _print_summary(summary: dict[str, Any], origin: str) -> None:
    from rich.table import Table

    s = summary
    console.print(
        f"[bold]{s['kind']}[/] rates recomputed with the [bold]{s['population']}[/] population "
        f"(rows from {origin}): {s['pairs']} count/rate pairs, {s['with_population']} with a "
        f"population ({s['zero_pairs']} of them zero counts)"
    )
    table = Table("published rounding", "equal", "share")
    for name, n in s["matched"].items():
        table.add_row(
            name, str(n), _pct(n / s["with_population"] if s["with_population"] else None)
        )
    console.print(table)
    median = s["median_abs_relative_difference"]
    console.print(
        f"within 0.5%: {s['within_0_5_percent']} of {s['nonzero_compared']} non-zero rates "
        f"({_pct(s['share_within_0_5_percent'])}); median |relative difference| "
        f"{'-' if median is None else f'{median:.2e}'}"
    )
    for rounding, reasons in s["unmatched_reasons"].items():
        if reasons:
            text = ", ".join(f"{k} {v}" for k, v in sorted(reasons.items(), key=lambda kv: -kv[1]))
            console.print(f"not equal at {rounding}: {text}")
    if s["worst"]:
        worst = Table("country", "year", "category", "sex", "age", "published", "computed",
                      "rel. diff.", "reason", title="largest differences")  # fmt: skip
        for w in s["worst"]:
            worst.add_row(
                w["iso3"], str(w["year"]), w["category"], w["sex"], w["age"],
                w["published_rate"], w["computed_rate"] or "-",
                f"{w['relative_difference']:.2%}", w["reason"] or "",
            )  # fmt: skip
        console.print(worst)


@series_app.command("reproduce")
def reproduce_cmd(
    kind: KindOption,
    population: Annotated[
        str | None,
        typer.Option(
            "--population",
            help="worldbank, wpp or implied (the file's own count/rate pairs). "
            "Default: worldbank for cts, wpp for homicide-wpp.",
            show_default=False,
        ),
    ] = None,
    file: Annotated[
        Path | None,
        typer.Option("--file", help="Read the series from this file instead of the store."),
    ] = None,
    population_file: Annotated[
        Path | None,
        typer.Option("--population-file", help="A World Bank or WPP file instead of the bundled."),
    ] = None,
    worst: Annotated[int, typer.Option("--worst", help="How many largest differences.")] = 10,
    json_out: JsonOption = False,
    db: DbOption = None,
) -> None:
    """Recompute published rates (count / population x 100,000) and compare them."""
    from crimestats.errors import UsageError
    from crimestats.series.service import reproduce_series

    if worst < 0:
        raise UsageError(f"--worst {worst} is negative", hint="give 0 or more")
    result, origin = reproduce_series(
        db, kind, population, file=file, population_file=population_file
    )
    summary = result.summary(worst=worst, group_by="age" if kind == "homicide-wpp" else "sex")
    if json_out:
        print_json({"input": origin, **summary})
        return
    _print_summary(summary, origin)


def register(app: typer.Typer) -> None:
    """Attach the ``series`` sub-app (``load``, ``reproduce``)."""
    app.add_typer(series_app, name="series")
