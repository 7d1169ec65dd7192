"""``crimestats trends``: trends, change points and forecasts of count series.

A thin shell over :mod:`crimestats.watch.trends.service`: series from the store (one
per group of ``--by``) or from a CSV file (``--series``), every method run on each, and
the results printed (a short summary; ``--json`` for the whole document), written as a
table (``--format``/``--out``, like ``stats``) and drawn (``--html``, offline).
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from crimestats.cli.options import DbOption, ForceOption, JsonOption, check_choice, option_day
from crimestats.cli.output import console, print_json
from crimestats.stats.counting import Unit
from crimestats.stats.fields import FIELDS, PeriodBasis
from crimestats.watch.series import Freq

if TYPE_CHECKING:
    from crimestats.watch.trends.report import SeriesTrends

_STORE_ONLY = ("--by", "--unit", "--source", "--period-basis", "--since", "--until")


def _bad(option: str, message: str) -> typer.BadParameter:
    return typer.BadParameter(message, param_hint=option)


def trends(
    by: Annotated[
        list[str] | None,
        typer.Option("--by", help=f"Group fields (one series per group): {', '.join(FIELDS)}."),
    ] = None,
    freq: Annotated[
        str | None, typer.Option("--freq", help="week (ISO, Monday), month, quarter or year.")
    ] = None,
    unit: Annotated[str, typer.Option("--unit", help="incidents, offences, ...")] = "incidents",
    since: Annotated[str | None, typer.Option("--since", help="First date (YYYY-MM-DD).")] = None,
    until: Annotated[str | None, typer.Option("--until", help="Last date (YYYY-MM-DD).")] = None,
    source: Annotated[str | None, typer.Option("--source", help="Only this source.")] = None,
    period_basis: Annotated[
        str, typer.Option("--period-basis", help="Periods from the reported or occurred date.")
    ] = "reported",
    series: Annotated[
        Path | None, typer.Option("--series", help="A CSV file of one series, not the store.")
    ] = None,
    date_column: Annotated[
        str | None, typer.Option("--date-column", help="With --series: the period column.")
    ] = None,
    count_column: Annotated[
        str | None, typer.Option("--count-column", help="With --series: the count column.")
    ] = None,
    horizon: Annotated[
        int | None, typer.Option("--horizon", min=1, help="Periods to forecast.")
    ] = None,
    level: Annotated[
        float, typer.Option("--level", min=0.5, max=0.999, help="Interval level.")
    ] = 0.95,
    rate: Annotated[
        bool, typer.Option("--rate", help="Add rates per 100,000 (needs area in --by).")
    ] = False,
    fmt: Annotated[
        str | None, typer.Option("--format", help="Table: csv, json or parquet.")
    ] = None,
    out: Annotated[Path | None, typer.Option("--out", help="Write the table here.")] = None,
    html_out: Annotated[
        Path | None, typer.Option("--html", help="Write the charts to this offline HTML file.")
    ] = None,
    json_out: JsonOption = False,
    force: ForceOption = False,
    db: DbOption = None,
) -> None:
    """Trends of count series: STL, changes with exact tests, change points, forecasts."""
    from crimestats.cli.table_output import check_table_options, emit_table
    from crimestats.output_files import check_output_file
    from crimestats.services.statistics import output_format, publish
    from crimestats.watch.charts import write_html
    from crimestats.watch.trends.export import trends_charts, trends_document, trends_table
    from crimestats.watch.trends.rates import check_rate_fields
    from crimestats.watch.trends.service import file_trends, store_trends

    if freq is not None:
        check_choice("--freq", freq, tuple(f.value for f in Freq))
    check_choice("--unit", unit, tuple(u.value for u in Unit))
    check_choice("--period-basis", period_basis, tuple(p.value for p in PeriodBasis))
    first, last = option_day("--since", since), option_day("--until", until)
    if rate and series is not None:
        raise _bad("--rate", "applies to the store, not to a --series file")
    if rate:
        check_rate_fields(by or [])
    if json_out and fmt is not None and out is None:
        raise _bad("--json", "--json prints the document; --format needs --out with it")
    if fmt is not None or out is not None:
        check_table_options(fmt or "csv", out, force=force)
    if html_out is not None:
        check_output_file(html_out, overwrite=force, option="--html")
    if series is not None:
        given = [o for o, v in zip(_STORE_ONLY, (by, unit != "incidents", source,
                 period_basis != "reported", since, until), strict=True) if v]  # fmt: skip
        if given:
            raise _bad(given[0], "applies to the store, not to a --series file")
        if date_column is None or count_column is None:
            raise _bad("--series", "needs --date-column and --count-column")
        result = file_trends(
            series, date_column=date_column, count_column=count_column, freq=freq,
            horizon=horizon, level=level,
        )  # fmt: skip
        title = f"Trends of {count_column} in {series.name}"
    else:
        result = store_trends(
            db, by=by or [], freq=freq or Freq.MONTH, unit=unit, period_basis=period_basis,
            source=source, since=first, until=last, horizon=horizon, level=level, rate=rate,
        )  # fmt: skip
        title = f"Trends of {unit} by {freq or 'month'}" + (f", by {', '.join(by)}" if by else "")
    if html_out is not None:
        y_title = count_column if series is not None and count_column else unit
        path = write_html(html_out, title, trends_charts(result.results, y_title), overwrite=force)
        if not json_out and fmt is None and out is None:
            console.print(f"wrote {path} ({len(result.results)} charts)")
    if fmt is not None or out is not None:
        table = trends_table(result.results, result.metadata)
        if json_out:  # stdout holds the JSON document alone: write the table silently
            publish(table, output_format(fmt or "csv"), out, overwrite=force)
        else:
            emit_table(table, fmt or "csv", out, force=force)
    if json_out:
        print_json(trends_document(result.results, result.metadata))
    elif fmt is None and out is None:
        _print_summary(result.results)


def _print_summary(results: Sequence[SeriesTrends]) -> None:
    """One paragraph per series: the changes, the breaks, the next period, the flags."""
    from crimestats.watch.series import period_label

    if not results:
        console.print("no series: nothing was counted in the store for these options")
    for r in results:
        s = r.series
        lines = [f"[bold]{s.name}[/] ({s.freq.value}, total {sum(s.counts)})"]
        for name, c in (("year on year", r.year_on_year), ("recent mean", r.recent_mean)):
            if c is not None:
                pct = "n/a" if c.percent_change is None else f"{c.percent_change:+.1f}%"
                lines.append(
                    f"  {name}: {c.current_label} {c.current} vs {c.base_label} {c.base} "
                    f"({pct}, p = {c.p_value:.3g})"
                )
        if r.change_points is not None:
            for p in r.change_points.points:
                lines.append(
                    f"  change point after {period_label(p.last_before, s.freq)} "
                    f"(interval {p.lower} to {p.upper}): {p.mean_before:.1f} -> {p.mean_after:.1f}"
                )
            if not r.change_points.points:
                lines.append("  no change point (BIC)")
        if r.forecast is not None:
            f = r.forecast
            lines.append(
                f"  next {period_label(f.starts[0], s.freq)}: {f.mean[0]:.1f} "
                f"({f.level:.0%} interval {f.lower[0]:.1f} to {f.upper[0]:.1f})"
            )
        lines.extend(f"  [yellow]{fl.method.value}[/]: {fl.reason}" for fl in r.flags)
        console.print("\n".join(lines), highlight=False)
    sys.stdout.flush()


def register(app: typer.Typer) -> None:
    """Attach ``trends``."""
    app.command("trends")(trends)
