"""``crimestats mse``: estimate a hidden population from overlapping lists.

A thin shell over :mod:`crimestats.mse`: read the file, run the method(s), print a Rich
summary or one JSON document, optionally write the offline HTML report. Every problem
reaches the user as a ``CrimestatsError`` that ``crimestats.cli.app.main`` renders as
one message (no traceback).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from crimestats.cli.options import DbOption, ForceOption, JsonOption
from crimestats.cli.output import console, err_console, print_json
from crimestats.errors import UsageError

if TYPE_CHECKING:
    from crimestats.mse import CaptureData, MseResult
    from crimestats.mse.bootstrap import Progress

METHOD_CHOICES = ("stepwise", "main", "bic", "all")
SHAPE_CHOICES = ("auto", "table", "individual")
MAX_BOOTSTRAP = 100_000


def _fmt(x: float | None) -> str:
    return "-" if x is None else f"{x:,.0f}"


def _check_options(method: str, pthresh: float, bootstrap: int, shape: str, seed: int) -> None:
    if method not in METHOD_CHOICES:
        raise UsageError(
            f"unknown method {method!r}",
            hint="use --method " + "|".join(METHOD_CHOICES),
        )
    if shape not in SHAPE_CHOICES:
        raise UsageError(f"unknown shape {shape!r}", hint="use --shape " + "|".join(SHAPE_CHOICES))
    if not 0.0 <= pthresh <= 1.0:
        raise UsageError(f"--pthresh {pthresh} is not a probability", hint="try 0.02 (the default)")
    if not 0 <= bootstrap <= MAX_BOOTSTRAP:
        raise UsageError(
            f"--bootstrap {bootstrap} is out of range",
            hint=f"give 0 (none) to {MAX_BOOTSTRAP:,} replicates; 1,000 is usual",
        )
    if seed < 0:
        raise UsageError(f"--seed {seed} is negative", hint="give a seed of 0 or more")


@contextmanager
def _progress(enabled: bool, label: str) -> Iterator[Progress | None]:
    """A Rich progress bar on stderr (stdout stays clean for --json)."""
    if not enabled:
        yield None
        return
    from rich.progress import Progress as RichProgress

    with RichProgress(console=err_console, transient=True) as bar:
        task = bar.add_task(label, total=None)

        def update(done: int, total: int) -> None:
            bar.update(task, completed=done, total=total)

        yield update


def _print_result(data: CaptureData, r: MseResult) -> None:
    from rich.table import Table

    console.print(f"[bold]{r.method}[/]  ({r.search})")
    if r.total is None:
        console.print("  [red]no estimate[/]")
    else:
        console.print(
            f"  observed {r.observed:,}   total [bold]{_fmt(r.total)}[/]   hidden {_fmt(r.hidden)}"
            f"   95% interval {_fmt(r.ci_low)} to {_fmt(r.ci_high)}"
        )
    if r.bootstrap:
        b = r.bootstrap
        console.print(
            f"  bootstrap ({b.succeeded:,}/{b.replicates:,} replicates, seed {b.seed}): "
            f"{_fmt(b.low)} to {_fmt(b.high)}"
        )
    span = r.sensitivity()
    if span is not None:
        console.print(
            f"  model sensitivity: {_fmt(span[0])} to {_fmt(span[1])} across the "
            f"{len(r.neighbours)} admissible model(s) one term away"
        )
    console.print("  two-list terms: " + (", ".join(r.interactions) or "none (independent lists)"))
    if r.steps:
        table = Table("added", "on both", "expected", "p-value", title="stepwise path")
        for s in r.steps:
            table.add_row(
                s.pair, str(s.observed_overlap), f"{s.expected_overlap:.1f}", f"{s.p_value:.2g}"
            )
        console.print(table)
    for e in r.empty_overlaps:
        console.print(
            f"  no case in common: {':'.join(e.lists)} (expected {e.expected:.1f}, "
            f"chance of none {e.p_value:.2g}); {e.action}"
        )


def _print_all(data: CaptureData, results: Sequence[MseResult]) -> None:
    from rich.table import Table

    table = Table(title=f"{data.observed:,} cases seen on {data.t} lists ({data.source})")
    for column in (
        "method",
        "total",
        "hidden",
        "95% interval",
        "bootstrap",
        "BIC",
        "weight",
        "terms",
    ):
        table.add_column(column, justify="left" if column in {"method", "terms"} else "right")
    for r in results:
        boot = f"{_fmt(r.bootstrap.low)}-{_fmt(r.bootstrap.high)}" if r.bootstrap else ""
        table.add_row(
            r.method,
            _fmt(r.total),
            _fmt(r.hidden),
            f"{_fmt(r.ci_low)}-{_fmt(r.ci_high)}",
            boot,
            "-" if r.bic is None else f"{r.bic:.1f}",
            "-" if r.bic_weight is None else f"{r.bic_weight:.2f}",
            ", ".join(r.interactions) or "none",
        )
    console.print(table)


def _print_warnings(results: Sequence[MseResult]) -> None:
    warnings = list(dict.fromkeys(w for r in results for w in r.warnings))
    for w in warnings:
        console.print(f"[yellow]warning:[/] {w}", soft_wrap=True)


def mse(
    *,
    file: Annotated[Path, typer.Argument(help="list-overlap table or individual-level CSV")],
    method: Annotated[str, typer.Option(help="stepwise | main | bic | all")] = "stepwise",
    pthresh: Annotated[float, typer.Option(help="p-value threshold of the stepwise search")] = 0.02,
    bootstrap: Annotated[int, typer.Option(help="parametric bootstrap replicates (0: none)")] = 0,
    seed: Annotated[int, typer.Option(help="seed of the bootstrap")] = 0,
    shape: Annotated[str, typer.Option(help="auto | table | individual")] = "auto",
    html: Annotated[Path | None, typer.Option(help="write a one-page HTML report here")] = None,
    json_out: JsonOption = False,
    register_: Annotated[
        bool,
        typer.Option("--register", help="store the estimate for SDG 16.2.2 (needs --area, --year)"),
    ] = False,
    area: Annotated[str | None, typer.Option(help="area code the lists cover")] = None,
    year: Annotated[int | None, typer.Option(help="year the lists cover")] = None,
    force: ForceOption = False,
    db: DbOption = None,
) -> None:
    """Estimate the total and hidden population by multiple systems estimation."""
    _check_options(method, pthresh, bootstrap, shape, seed)
    if html is not None:  # a bad path fails before the estimation, not after it
        from crimestats.output_files import check_output_file

        check_output_file(html, overwrite=force, option="--html")
    if register_ and (area is None or year is None):
        raise UsageError("--register needs --area and --year", hint="e.g. --area UK --year 2013")
    if register_ and method == "all":
        raise UsageError("--register stores one estimate", hint="choose one --method, not all")
    from crimestats.mse import estimate, estimate_all, read_capture_file, write_report

    data = read_capture_file(file, shape=shape)
    with _progress(bootstrap > 0, "bootstrap") as progress:
        if method == "all":
            results = list(
                estimate_all(
                    data, pthresh=pthresh, bootstrap=bootstrap, seed=seed, progress=progress
                ).results
            )
        else:
            results = [
                estimate(
                    data, method, pthresh=pthresh, bootstrap=bootstrap, seed=seed, progress=progress
                )
            ]
    if html is not None:
        write_report(html, data, results, overwrite=force)
    registered = None
    if register_ and area is not None and year is not None:
        from crimestats.services.indicators import register_mse

        registered = register_mse(db, results[0], area=area, year=year, file=file)
    if json_out:
        doc = [r.to_dict() for r in results] if method == "all" else results[0].to_dict()
        if registered is not None and isinstance(doc, dict):
            doc["registered"] = registered
        print_json(doc)
        return
    if method == "all":
        _print_all(data, results)
    else:
        _print_result(data, results[0])
    _print_warnings(results)
    if html is not None:
        console.print(f"report written to {html}")
    if registered is not None:
        console.print(
            f"registered as the SDG 16.2.2 estimate of area {area} in {year} "
            f"({'replacing the earlier one' if registered['replaced'] else 'new'})"
        )


def register(app: typer.Typer) -> None:
    """Add the ``mse`` command to the main app."""
    app.command("mse")(mse)


__all__ = ["register"]
