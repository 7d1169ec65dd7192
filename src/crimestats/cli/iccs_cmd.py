"""``crimestats iccs ...``: browse the classification, code texts and files, evaluate.

Thin (STYLE.md practice 6): every command calls ``crimestats.iccs`` and renders the
result, as Rich text or, with ``--json``, as one JSON document. The autocoder is fitted
on first use and cached (see ``Autocoder.fit_default``); a spinner on stderr says so.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape
from rich.table import Table
from rich.tree import Tree

from crimestats.cli.options import ForceOption
from crimestats.cli.output import console, err_console, print_json
from crimestats.errors import UsageError
from crimestats.iccs import Autocoder, code_file, load_classification, search
from crimestats.iccs.evaluation import leave_one_source_out, summarise
from crimestats.iccs.source_figures import figures_by_source, score_file_by_source
from crimestats.output_files import check_output_file

iccs_app = typer.Typer(
    name="iccs",
    help="The ICCS classification: show, search, tree; code texts and files; evaluate.",
    no_args_is_help=True,
)

INTERVAL_NOTE = "95% Wilson score intervals on the effective number of texts (Kish)"
"""How every interval of ``iccs evaluate`` is computed (crimestats.iccs.source_figures)."""

JsonOption = Annotated[bool, typer.Option("--json", help="Print one JSON document.")]
ContextOption = Annotated[
    str | None,
    typer.Option(
        help="Column with each row's context, e.g. its penal-code chapter title: it informs "
        "the ICCS section, never overrides a clear text, and a coding it moves is reviewed.",
    ),
]


def _model() -> Autocoder:
    with err_console.status("fitting the ICCS autocoder (cached after the first run)..."):
        return Autocoder.fit_default()


@iccs_app.command("show")
def show(code: str, as_json: JsonOption = False) -> None:
    """Show one ICCS code: label, place in the hierarchy, definition and scope."""
    cls = load_classification()
    cat = cls.get(code)
    ancestors = cls.ancestors(cat.code)
    children = cls.children(cat.code)
    if as_json:
        data = cat.to_dict()
        data["ancestors"] = [{"code": a.code, "label": a.label} for a in ancestors]
        data["children"] = [{"code": c.code, "label": c.label} for c in children]
        print_json(data)
        return
    console.print(f"[bold]{cat.code}[/] {escape(cat.label)}  (level {cat.level})")
    for a in ancestors:
        console.print(f"  in {a.code} {escape(a.label)}")
    for title, text in (
        ("Description", cat.description),
        ("Inclusions", cat.inclusions),
        ("Exclusions", cat.exclusions),
    ):
        if text:
            console.print(f"[bold]{title}:[/] {escape(text)}")
    for c in children:
        console.print(f"  - {c.code} {escape(c.label)}")


@iccs_app.command("search")
def search_cmd(
    text: Annotated[list[str], typer.Argument(help="Words to look for.")],
    limit: Annotated[int, typer.Option(min=1, help="How many results.")] = 10,
    as_json: JsonOption = False,
) -> None:
    """Search codes by words in labels, definitions, inclusions and the index (ranked)."""
    hits = search(" ".join(text), limit=limit)
    if as_json:
        print_json(
            [{"code": h.category.code, "label": h.category.label, "score": h.score} for h in hits]
        )
        return
    if not hits:
        err_console.print("no ICCS category matches; try other words")
        return
    table = Table("code", "label", "score")
    for h in hits:
        table.add_row(h.category.code, escape(h.category.label), f"{h.score:.2f}")
    console.print(table)


@iccs_app.command("tree")
def tree(
    code: Annotated[str | None, typer.Argument(help="Root code; all sections if omitted.")] = None,
    depth: Annotated[int, typer.Option(min=1, help="Levels to show below the root.")] = 4,
    as_json: JsonOption = False,
) -> None:
    """Print the hierarchy below CODE (or the whole classification)."""
    cls = load_classification()
    roots = [cls.get(code)] if code else cls.children(None)

    def node(c_code: str, left: int) -> dict[str, object]:
        cat = cls.get(c_code)
        kids = [node(k.code, left - 1) for k in cls.children(c_code)] if left > 0 else []
        return {"code": cat.code, "label": cat.label, "children": kids}

    nodes = [node(r.code, depth - 1) for r in roots]
    if as_json:
        print_json(nodes if code is None else nodes[0])
        return

    def draw(parent: Tree, item: dict[str, object]) -> None:
        branch = parent.add(f"{item['code']} {escape(str(item['label']))}")
        for kid in item["children"]:  # type: ignore[attr-defined]
            draw(branch, kid)

    if code is None:
        top = Tree("ICCS v1.0")
        for n in nodes:
            draw(top, n)
    else:
        top = Tree(f"{nodes[0]['code']} {escape(str(nodes[0]['label']))}")
        for kid in nodes[0]["children"]:  # type: ignore[attr-defined]
            draw(top, kid)
    console.print(top)


@iccs_app.command("code")
def code_cmd(
    text: Annotated[list[str] | None, typer.Argument(help="Offence texts to code.")] = None,
    file: Annotated[Path | None, typer.Option("--file", help="CSV file to code.")] = None,
    column: Annotated[str | None, typer.Option(help="Text column of --file.")] = None,
    out: Annotated[Path | None, typer.Option(help="Where to write the coded CSV.")] = None,
    context_column: ContextOption = None,
    as_json: JsonOption = False,
    force: ForceOption = False,
) -> None:
    """Code offence texts, or a CSV column, to ICCS with confidence and explanation."""
    if context_column is not None and file is None:
        raise UsageError(
            "--context-column needs --file",
            hint="crimestats iccs code --file IN.csv --column TEXT --context-column CHAPTER "
            "--out OUT.csv",
        )
    if file is not None:
        if text or column is None or out is None:
            raise UsageError(
                "--file needs --column and --out, and no TEXT arguments",
                hint="crimestats iccs code --file IN.csv --column NAME --out OUT.csv",
            )
        check_output_file(out, overwrite=force, option="--out")  # before fitting the model
        result = code_file(
            file, column, out, _model(), overwrite=force, context_column=context_column
        )
        if as_json:
            print_json(result.to_dict() | {"out": str(out)})
        else:
            console.print(
                f"coded {result.rows} rows ({result.distinct_texts} distinct texts); "
                f"{result.needs_review} need review; wrote {out}"
            )
        return
    if not text:
        raise UsageError(
            "give TEXT arguments or --file",
            hint='crimestats iccs code "theft of a bicycle"',
        )
    codings = _model().code_texts(text)
    if as_json:
        print_json([c.to_dict() for c in codings])
        return
    cls = load_classification()
    for c in codings:
        label = cls.get(c.code).label if c.code else "(no code)"
        flag = "  [yellow]needs review[/]" if c.needs_review else ""
        console.print(
            f"[bold]{escape(c.text)}[/] -> {c.code or '-'} {escape(label)} "
            f"({c.confidence:.2f}){flag}"
        )
        for alt in c.top3[1:]:
            console.print(f"    or {alt.code} {escape(alt.label)} ({alt.probability:.2f})")
        if c.explanation:
            console.print(f"    because: {escape(', '.join(c.explanation))}")
        for reason in c.review_reasons:
            console.print(f"    review: {escape(reason)}")


@iccs_app.command("evaluate")
def evaluate_cmd(
    labelled: Annotated[
        Path | None, typer.Argument(help="Labelled CSV (omit with --held-out).")
    ] = None,
    text_column: Annotated[str | None, typer.Option(help="Column with offence texts.")] = None,
    code_column: Annotated[
        str | None, typer.Option(help="Column with the true ICCS codes.")
    ] = None,
    weight_column: Annotated[
        str | None,
        typer.Option(help="Column with the records each row stands for (weights every figure)."),
    ] = None,
    source_column: Annotated[
        str | None,
        typer.Option(help="Column naming each row's source: figures per source, then pooled."),
    ] = None,
    held_out: Annotated[
        bool,
        typer.Option(
            "--held-out",
            help="Leave each bundled source out in turn, refit, and score it (minutes).",
        ),
    ] = False,
    context_column: ContextOption = None,
    as_json: JsonOption = False,
) -> None:
    """Accuracy by ICCS level, auto-coded share and precision, per source with 95%
    intervals (Wilson on the texts' effective number), top confusions."""
    if held_out:
        options = (text_column, code_column, source_column, weight_column, context_column)
        if labelled is not None or any(options):
            raise UsageError(
                "--held-out scores the bundled sources; it takes no file or column options",
                hint="crimestats iccs evaluate --held-out [--json]",
            )
        with err_console.status("leaving each source out in turn (refits the model)..."):
            scored = leave_one_source_out()
        skipped = 0
    else:
        if labelled is None or text_column is None or code_column is None:
            raise UsageError(
                "give a labelled CSV with --text-column and --code-column, or --held-out",
                hint="crimestats iccs evaluate SAMPLE.csv --text-column TEXT --code-column CODE",
            )
        scored, skipped = score_file_by_source(
            labelled,
            text_column,
            code_column,
            _model(),
            source_column=source_column,
            weight_column=weight_column,
            context_column=context_column,
        )
    report = summarise(scored)
    figures = figures_by_source(scored)
    if as_json:
        print_json(
            report.to_dict()
            | {
                "rows_skipped_no_valid_code": skipped,
                "interval": INTERVAL_NOTE,
                "by_source": [f.to_dict() for f in figures],
            }
        )
        return
    table = Table("level", "accuracy")
    for level, acc in report.accuracy.items():
        table.add_row(str(level), "-" if acc is None else f"{acc:.1%}")
    console.print(table)
    precision = "-" if report.precision_l2 is None else f"{report.precision_l2:.1%}"
    weighted = weight_column or held_out
    unit = f"{report.records:,.0f} records" if weighted else f"{report.n_texts} rows"
    console.print(
        f"auto-coded {report.coverage:.1%} of {unit}; right at level 2 among them: {precision}"
    )
    per_source = Table(
        "source", "texts", "records", "level 1", "level 2", "auto-coded", "L2 precision (auto)"
    )
    for f in figures:
        per_source.add_row(
            escape(f.source),
            str(f.texts),
            f"{f.records:,.0f}",
            f.level1.render(),
            f.level2.render(),
            f.auto_coded.render(),
            f.precision_level2.render(),
        )
    console.print(per_source)
    console.print(f"(intervals: {INTERVAL_NOTE})")
    if skipped:
        console.print(f"skipped {skipped} rows without a valid ICCS code")
    for conf in report.confusions:
        console.print(f"  {conf['true']} coded as {conf['predicted']}: {conf['records']}")


def register(app: typer.Typer) -> None:
    """Add the ``iccs`` sub-app to the main application."""
    app.add_typer(iccs_app, name="iccs")
