"""``crimestats classify`` and ``crimestats review export|import``: ICCS coding of the store."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from crimestats.cli.options import DbOption, ForceOption
from crimestats.cli.output import console, print_json
from crimestats.errors import UsageError
from crimestats.govern.cli_audit import log_cli_action, operator
from crimestats.output_files import check_output_file
from crimestats.services.classifying import (
    classify,
    export_review,
    import_review,
    review_whole_source,
    stop_reviewing_whole_source,
)

review_app = typer.Typer(help="The review queue: export codings to check, import answers.")


def classify_cmd(
    correspondence: Annotated[
        list[Path] | None,
        typer.Option("--correspondence", help="A correspondence table CSV (repeatable)."),
    ] = None,
    review_out: Annotated[
        Path | None, typer.Option("--review-out", help="Also write the review queue here.")
    ] = None,
    json_out: Annotated[bool, typer.Option("--json", help="Print one JSON object.")] = False,
    force: ForceOption = False,
    db: DbOption = None,
) -> None:
    """Code every uncoded offence: source code, correspondence, then the autocoder."""
    if review_out is not None:  # a bad path fails before the coding, not after it
        check_output_file(review_out, overwrite=force, option="--review-out")
    with console.status("coding offences to ICCS ..."):
        result = classify(db, correspondence=correspondence or [])
        queued = (
            export_review(db, review_out, overwrite=force, option="--review-out")
            if review_out
            else None
        )
    if json_out:
        out = result.to_dict()
        if queued is not None:
            out["review_queue"] = {"file": str(review_out), "groups": queued}
        print_json(out)
        return
    table = Table(title=f"ICCS coding: {result.offences:,} offences in {result.groups:,} groups")
    table.add_column("method")
    table.add_column("offences", justify="right")
    for method, n in sorted(result.by_method.items()):
        table.add_row(method, f"{n:,}")
    console.print(table)
    console.print(
        f"{result.distinct_texts_modelled:,} distinct texts went to the autocoder; "
        f"{result.needs_review:,} offences need review"
    )
    if queued is not None:
        console.print(f"wrote {queued:,} texts to review to {review_out}")


def review_export(
    out: Annotated[Path, typer.Option("--out", help="CSV to write the queue to.")],
    force: ForceOption = False,
    db: DbOption = None,
) -> None:
    """Write the offences whose model coding needs a person's check, with suggestions."""
    n = export_review(db, out, overwrite=force)
    console.print(
        f"wrote {n:,} texts to review to {out} (most records first); fill in iccs_code, "
        "then import it"
    )


def review_import(
    file: Annotated[Path, typer.Argument(help="A review file with iccs_code filled in.")],
    reviewer: Annotated[str | None, typer.Option("--reviewer", help="Who reviewed.")] = None,
    json_out: Annotated[bool, typer.Option("--json", help="Print one JSON object.")] = False,
    db: DbOption = None,
) -> None:
    """Turn answers into correspondence entries (which the model never overrides)."""
    result = import_review(db, file, reviewer=reviewer)
    log_cli_action(
        db, "review.import", {"file": file.name, "reviewer": reviewer},
        rows_out=int(result["offences_updated"]),
    )  # fmt: skip
    if json_out:
        print_json(result)
        return
    console.print(
        f"{result['answers']:,} answers became correspondence entries for "
        f"{result['national_codes']:,} national codes (the same text codes alike); "
        f"{result['offences_updated']:,} offences recoded"
    )


def review_whole(
    source: Annotated[str, typer.Argument(help="The source, as its ingests name it.")],
    reason: Annotated[
        str | None, typer.Option("--reason", help="Why (shown in every review row).")
    ] = None,
    off: Annotated[bool, typer.Option("--off", help="Take the source's policy away.")] = False,
    db: DbOption = None,
) -> None:
    """Send every autocoder coding of SOURCE to review from the next classify on (for a
    register the calibration does not hold on, e.g. a penal code); --off undoes it."""
    if off:
        if reason is not None:
            raise UsageError("--off takes no --reason", hint="give one of them")
        had = stop_reviewing_whole_source(db, source)
        log_cli_action(db, "review.whole_source_off", {"source": source}, result=str(had))
        console.print(
            f"source '{source}': codings follow the review threshold again at the next classify"
            if had
            else f"source '{source}' had no review policy"
        )
        return
    if reason is None:
        raise UsageError(
            "say why the whole source is reviewed",
            hint=f"crimestats review whole-source {source} --reason 'a penal code'",
        )
    policy = review_whole_source(db, source, reason=reason, set_by=operator())
    log_cli_action(db, "review.whole_source", {"source": source, "reason": policy.reason})
    console.print(
        f"source '{source}': every autocoder coding goes to review from the next "
        "classify (run 'crimestats classify' now to apply it)"
    )


def register(app: typer.Typer) -> None:
    """Attach ``classify`` and the ``review`` group."""
    app.command("classify")(classify_cmd)
    review_app.command("export")(review_export)
    review_app.command("import")(review_import)
    review_app.command("whole-source")(review_whole)
    app.add_typer(review_app, name="review")
