"""``crimestats init``, ``status``, ``schema`` and ``rules``: the store and its contract."""

from __future__ import annotations

import csv
import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from crimestats.cli.options import DbOption, ForceOption, JsonOption
from crimestats.cli.output import console, print_json
from crimestats.domain.flat_layout import LAYOUTS
from crimestats.output_files import open_text
from crimestats.services.status import store_status
from crimestats.storage.store import open_store, resolve_db_path
from crimestats.validation.catalogue import all_rules


def init(db: DbOption = None) -> None:
    """Create the store (or migrate an existing one) and say where it is."""
    with open_store(db):
        pass
    console.print(f"store ready: {resolve_db_path(db)}")


def status(
    json_out: JsonOption = False,
    db: DbOption = None,
) -> None:
    """What the store holds per source: rows, date range, share of blank fields."""
    info = store_status(db)
    if json_out:
        print_json(info)
        return
    table = Table(title=f"{resolve_db_path(db)} (schema v{info['schema_version']})")
    cols = ("source", "files", "read", "incidents", "offences", "victims", "suspects",
            "justice_events", "reported", "quarantined")  # fmt: skip
    for col in cols:
        table.add_column(col)
    for name, s in info["sources"].items():
        table.add_row(
            name,
            str(s.get("files", 0)),
            f"{s.get('read', 0):,}",
            f"{s['incidents']:,}",
            f"{s['offences']:,}",
            f"{s['victims']:,}",
            f"{s['suspects']:,}",
            f"{s['justice_events']:,}",
            f"{s.get('reported_from', '')} .. {s.get('reported_to', '')}",
            f"{s.get('quarantined', 0):,}",
        )
    console.print(table)
    blanks = Table(title="Share of blank fields (completeness)")
    fields: list[str] = []
    for s in info["sources"].values():
        fields.extend(k for k in s.get("blank_share", {}) if k not in fields)
    blanks.add_column("source")
    for f in fields:
        blanks.add_column(f)
    for name, s in info["sources"].items():
        count, base = s.get("blank_count", {}), s.get("blank_base", {})
        blanks.add_row(name, *(blank_text(count[f], base[f]) if f in count else "" for f in fields))
    console.print(blanks)


def blank_text(count: int, base: int) -> str:
    """A blank share as people read it: exact when it matters, never "0%" for some blanks.

    >>> blank_text(31, 6957), blank_text(0, 6957), blank_text(3, 100000), blank_text(5, 8)
    ('0.4% (31)', '0%', '<0.1% (3)', '62.5% (5)')
    """
    if count == 0 or base == 0:
        return "0%"
    share = 100 * count / base
    if share < 0.1:
        return f"<0.1% ({count:,})"
    if count == base:
        return "100%"
    return f"{share:.1f}% ({count:,})"


def schema(
    template: Annotated[
        Path | None, typer.Option("--template", help="Write an empty CSV with the header.")
    ] = None,
    target: Annotated[str, typer.Option("--target", help="incidents or justice_events")] = (
        "incidents"
    ),
    json_out: JsonOption = False,
    force: ForceOption = False,
) -> None:
    """The flat v1 layout: field names, types, required fields and allowed values."""
    if target not in LAYOUTS:
        raise typer.BadParameter(f"use one of {sorted(LAYOUTS)}", param_hint="--target")
    layout = LAYOUTS[target]
    if template is not None:
        with open_text(template, overwrite=force, option="--template") as handle:
            csv.writer(handle).writerow([f.name for f in layout])
        if json_out:
            print_json({"template": str(template), "fields": [f.name for f in layout]})
        else:
            console.print(f"wrote {template}")
        return
    if json_out:
        print_json(
            [
                {
                    "name": f.name,
                    "type": f.type.value,
                    "required": f.required,
                    "values": list(f.allowed),
                    "record": f.level.value,
                    "description": f.description,
                }
                for f in layout
            ]
        )
        return
    table = Table(title=f"flat v1 layout: {target}")
    for col in ("field", "required", "values", "record", "description"):
        table.add_column(col)
    for f in layout:
        table.add_row(f.name, "yes" if f.required else "", f.values_text, f.level.value,
                      f.description)  # fmt: skip
    console.print(table)


def rules(json_out: JsonOption = False) -> None:
    """Every validation rule: its stable code, severity, field, message and fix."""
    items = all_rules()
    if json_out:
        print_json(
            [
                {
                    "code": r.code,
                    "severity": r.severity.value,
                    "field": r.field,
                    "message": r.message,
                    "fix": r.fix,
                    "nibrs": r.nibrs,
                }
                for r in items
            ]
        )
        return
    table = Table(title=f"{len(items)} validation rules")
    for col in ("code", "severity", "field", "message", "fix"):
        table.add_column(col, overflow="fold")
    for r in items:
        table.add_row(r.code, r.severity.value, r.field or "", r.message, r.fix)
    console.print(table, width=max(console.width, 160) if not sys.stdout.isatty() else None)


def register(app: typer.Typer) -> None:
    """Attach the store and contract commands."""
    app.command("init")(init)
    app.command("status")(status)
    app.command("schema")(schema)
    app.command("rules")(rules)
