"""``crimestats survey load|list|estimate`` and ``crimestats dark-figure``: surveys."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Table

from crimestats.cli.options import DbOption, JsonOption
from crimestats.cli.output import console, print_json
from crimestats.survey.catalog import list_surveys, load_survey, open_survey
from crimestats.survey.dark_figure import (
    CAVEATS,
    dark_figure,
    recorded_counts,
    registered_mse,
)
from crimestats.survey.estimate import Measure, Request, estimate

survey_app = typer.Typer(
    help="Victimisation surveys: load microdata with a design file, estimate with SEs.",
    no_args_is_help=True,
)


def _fields(values: list[str]) -> tuple[str, ...]:
    return tuple(f.strip() for v in values for f in v.split(",") if f.strip())


def _where(values: list[str]) -> tuple[tuple[str, str], ...]:
    out = []
    for v in values:
        field, sep, value = v.partition("=")
        if not sep or not field.strip():
            raise typer.BadParameter(f"{v!r} is not FIELD=VALUE", param_hint="--where")
        out.append((field.strip(), value.strip()))
    return tuple(out)


def _number(value: float | None) -> str:
    if value is None:
        return ""
    return f"{value:,.0f}" if abs(value) >= 1000 else f"{value:,.3g}" if value else "0"


def _table(rows: list[dict[str, Any]], columns: list[str]) -> None:
    table = Table(*columns)
    for r in rows:
        table.add_row(
            *(_number(v) if isinstance(v, float) else str(v) for v in (r.get(c) for c in columns))
        )
    console.print(table)


@survey_app.command("load")
def load(
    name: Annotated[str, typer.Argument(help="The survey's name (the design's name:).")],
    files: Annotated[list[Path], typer.Argument(help="Its files (each named as in tables:).")],
    design: Annotated[Path, typer.Option("--design", help="The design file (YAML).")],
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """Load survey microdata beside the store, as its design file says."""
    entry = load_survey(db, name, files, design)
    if as_json:
        print_json(_entry_dict(entry))
        return
    rows = ", ".join(f"{t} {n:,}" for t, n in entry.rows.items())
    console.print(f"loaded survey {entry.name}: {rows}")


def _entry_dict(entry: Any) -> dict[str, Any]:
    return {k: getattr(entry, k) for k in ("name", "title", "year", "loaded_at", "rows", "files")}


@survey_app.command("list")
def list_command(db: DbOption = None, as_json: JsonOption = False) -> None:
    """The surveys loaded beside the store."""
    entries = [_entry_dict(e) for e in list_surveys(db)]
    if as_json:
        print_json(entries)
        return
    if not entries:
        console.print("no survey loaded; crimestats survey load NAME FILE... --design DESIGN.yaml")
        return
    _table(entries, ["name", "title", "year", "loaded_at", "rows"])


@survey_app.command("estimate")
def estimate_command(
    name: Annotated[str, typer.Argument(help="A loaded survey.")],
    measure: Annotated[
        Measure, typer.Option("--measure", help="total, rate, prevalence, share or mean.")
    ],
    crime: Annotated[
        str | None, typer.Option("--crime", help="A crime group or ICCS code.")
    ] = None,
    unit: Annotated[
        str | None, typer.Option("--unit", help="persons, households, incidents.")
    ] = None,
    of: Annotated[
        str | None, typer.Option("--of", help="A flag (reported) or numeric field.")
    ] = None,
    by: Annotated[list[str] | None, typer.Option("--by", help="Domain fields.")] = None,
    where: Annotated[list[str] | None, typer.Option("--where", help="FIELD=VALUE domain.")] = None,
    per: Annotated[float | None, typer.Option("--per", help="Rate base (default 1000).")] = None,
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """An estimate with its SE, 95% interval, design effect and reliability, per domain."""
    request = Request(measure, crime, unit, of, _fields(by or []), _where(where or []), per)
    survey = open_survey(db, name)
    rows = [c.to_dict() for c in estimate(survey, request)]
    if as_json:
        print_json(rows)
        return
    cols = [
        *request.by,
        "estimate",
        "se",
        "ci_low",
        "ci_high",
        "deff",
        "n_unweighted",
        "unreliable",
    ]
    if rows:
        first, rel = rows[0], survey.design.reliability
        scale = {100.0: " (percent)", 1.0: ""}.get(first["per"], f" per {first['per']:,.0f}")
        console.print(
            f"{measure.value} of {crime or of or 'all'}{scale} {first['unit']}; 95% intervals; "
            f"unreliable: fewer than {rel.min_n} cases or relative SE above {rel.max_rse:.0%}"
        )
    _table(rows, cols)


def dark_figure_command(
    survey: Annotated[str, typer.Option("--survey", help="A loaded survey.")],
    source: Annotated[
        str | None, typer.Option("--source", help="Recorded crime of this source.")
    ] = None,
    year: Annotated[
        int | None, typer.Option("--year", help="Recorded in this year (report date).")
    ] = None,
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """Per ICCS category: survey victimisations and share reported beside recorded crime."""
    loaded = open_survey(db, survey)
    codes = [g.name for g in loaded.design.crime_types.iccs] if loaded.design.crime_types else []
    mse = registered_mse(db, loaded.design.year) if loaded.design.year else []
    recorded = recorded_counts(db, codes, source, year)
    rows = [r.to_dict() for r in dark_figure(loaded, recorded, mse)]
    if as_json:
        print_json({"survey": survey, "source": source, "year": year, "rows": rows,
                    "caveats": list(CAVEATS)})  # fmt: skip
        return
    if not rows:
        scope = (f" for {source}" if source else "") + (f" in {year}" if year else "")
        console.print(f"no ICCS category of {survey} is recorded in the store{scope}")
    else:
        columns = ["iccs_code", "victimisations", "reported_pct", "recorded", "hidden",
                   "hidden_low", "hidden_high", "unreliable"]  # fmt: skip
        if any(r["mse_estimate"] is not None for r in rows):
            columns += ["mse_estimate", "mse_scope"]
        _table(rows, columns)
    for caveat in CAVEATS:
        console.print(f"- {caveat}")


def register(app: typer.Typer) -> None:
    """Attach the ``survey`` group and ``dark-figure``."""
    app.add_typer(survey_app, name="survey")
    app.command("dark-figure")(dark_figure_command)
