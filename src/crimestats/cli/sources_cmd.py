"""``crimestats sources`` and ``crimestats ingests list|undo``: a source's versions.

Why: a mistaken load must be reversible without starting a new store. ``sources`` shows
which ingests of each source count; ``ingests undo ID`` removes one ingest atomically;
``ingest --replace`` (in ``ingest_cmd``) loads a new version of a source.
"""

from __future__ import annotations

from dataclasses import asdict
from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape
from rich.table import Table

from crimestats.cli.options import DbOption, JsonOption
from crimestats.cli.output import console, print_json
from crimestats.services.ingesting import source_ingests, sources_summary, undo

ingests_app = typer.Typer(
    help="The ingests of the store: list them, undo one.", no_args_is_help=True
)


def _state(state: str, superseded_by: int | None) -> str:
    return f"replaced by {superseded_by}" if state == "superseded" else state


def sources(
    source: Annotated[str | None, typer.Option("--source", help="Only this source.")] = None,
    json_out: JsonOption = False,
    db: DbOption = None,
) -> None:
    """Every source with its version and ingests (active, replaced or undone)."""
    summary = sources_summary(source_ingests(db, source))
    if json_out:
        print_json({"sources": summary})
        return
    if not summary:
        console.print("no ingests" + (f" of source {escape(source)}" if source else ""))
        return
    table = Table(title="Sources and their ingests")
    for col in ("source", "version", "ingest", "file", "loaded", "read", "accepted", "state"):
        table.add_column(col, overflow="fold")
    for entry in summary:
        for rec in entry["ingests"]:
            table.add_row(
                escape(entry["source"]), str(entry["version"]), str(rec["ingest_id"]),
                escape(Path(rec["file"]).name), rec["finished_at"], f"{rec['rows_read']:,}",
                f"{rec['accepted']:,}", _state(rec["state"], rec["superseded_by"]),
            )  # fmt: skip
    console.print(table)
    console.print(
        "undo one ingest: crimestats ingests undo ID; load a new version of a source: "
        "crimestats ingest FILE --source NAME --replace",
        soft_wrap=True,
    )


@ingests_app.command("list")
def list_ingests(
    source: Annotated[str | None, typer.Option("--source", help="Only this source.")] = None,
    json_out: JsonOption = False,
    db: DbOption = None,
) -> None:
    """Every ingest, oldest first, with its file, counts and state."""
    records = source_ingests(db, source)
    if json_out:
        print_json({"ingests": [asdict(r) for r in records]})
        return
    table = Table(title=f"{len(records)} ingests")
    for col in ("ingest", "source", "file", "loaded", "read", "accepted", "state"):
        table.add_column(col, overflow="fold")
    for r in records:
        table.add_row(
            str(r.ingest_id), escape(r.source), escape(Path(r.file).name), r.finished_at,
            f"{r.rows_read:,}", f"{r.accepted:,}", _state(r.state, r.superseded_by),
        )  # fmt: skip
    console.print(table)


@ingests_app.command("undo")
def undo_cmd(
    ingest_id: Annotated[int, typer.Argument(help="The ingest's id (see crimestats sources).")],
    json_out: JsonOption = False,
    db: DbOption = None,
) -> None:
    """Remove one ingest's rows, quarantine and ledger entries, in one transaction."""
    outcome = undo(db, ingest_id)
    if json_out:
        print_json(asdict(outcome))
        return
    parts = ", ".join(f"{n:,} {t}" for t, n in outcome.removed.items() if n)
    console.print(
        f"undid ingest {outcome.ingest_id} ({escape(outcome.file)}): removed "
        f"{parts or 'no rows'}; it stays in 'crimestats sources' as undone",
        soft_wrap=True,
    )
    if outcome.restored:
        back = ", ".join(str(i) for i in outcome.restored)
        console.print(f"the version it had replaced (ingests {back}) counts again")
    if outcome.still_replaced:
        older = ", ".join(str(i) for i in outcome.still_replaced)
        console.print(
            f"the version it had replaced (ingests {older}) stays replaced, as later ingests "
            "build on the new one; re-ingest its files to count them again",
            soft_wrap=True,
        )


def register(app: typer.Typer) -> None:
    """Attach ``sources`` and the ``ingests`` group."""
    app.command("sources")(sources)
    app.add_typer(ingests_app, name="ingests")
