"""``crimestats privacy-ledger``: every privacy budget spend recorded in the store.

Why: a release's own ledger never exceeds the release's budget, but releases of the same
data compose (their epsilons add up), so the publisher needs the running total per
privacy unit across releases before deciding on the next one.
"""

from __future__ import annotations

from fractions import Fraction
from typing import Any

import typer

from crimestats.cli.options import DbOption, JsonOption
from crimestats.cli.output import console, print_json


def _totals(rows: list[dict[str, Any]]) -> dict[str, float]:
    """Epsilon spent per privacy unit, summed exactly and rounded up."""
    import math

    sums: dict[str, Fraction] = {}
    for row in rows:
        unit = str(row["privacy_unit"])
        sums[unit] = sums.get(unit, Fraction(0)) + Fraction(float(row["epsilon"]))
    out: dict[str, float] = {}
    for unit, total in sorted(sums.items()):
        value = float(total)
        out[unit] = value if Fraction(value) >= total else math.nextafter(value, math.inf)
    return out


def privacy_ledger(
    json_out: JsonOption = False,
    db: DbOption = None,
) -> None:
    """List the epsilon spent by every recorded DP release table, and totals per unit."""
    from crimestats.storage.releases import privacy_ledger as read_ledger
    from crimestats.storage.store import open_store

    with open_store(db, read_only=True) as con:
        rows = read_ledger(con)
    totals = _totals(rows)
    if json_out:
        entries = [{**r, "created_at": r["created_at"].isoformat()} for r in rows]
        print_json({"entries": entries, "spent_by_privacy_unit": totals})
        return
    if not rows:
        console.print("no differentially private release recorded in this store")
        return
    from rich.table import Table

    table = Table("release", "table", "privacy unit", "epsilon", "sensitivity", "created")
    for r in rows:
        table.add_row(
            str(r["release_id"]),
            str(r["table_name"]),
            str(r["privacy_unit"]),
            f"{r['epsilon']:.6g}",
            str(r["sensitivity"]),
            r["created_at"].isoformat(sep=" ", timespec="seconds"),
        )
    console.print(table)
    for unit, total in totals.items():
        console.print(
            f"spent in total, privacy unit {unit}: epsilon {total:.6g} "
            "(releases of the same data add up)"
        )


def register(app: typer.Typer) -> None:
    """Attach ``privacy-ledger``."""
    app.command("privacy-ledger")(privacy_ledger)
