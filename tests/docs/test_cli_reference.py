"""docs/cli.md is what the generator makes from the Typer app today."""

from __future__ import annotations

from pathlib import Path

from crimestats.cli.reference import collect, render

ROOT = Path(__file__).resolve().parents[2]


def test_committed_cli_reference_is_up_to_date() -> None:
    committed = (ROOT / "docs" / "cli.md").read_text(encoding="utf-8")
    assert committed == render(), "docs/cli.md is out of date with the CLI: run make docs"


def test_reference_lists_every_command_and_option() -> None:
    """Independent check of the walk: names taken from the app's own registration."""
    docs = {doc.path: doc for doc in collect()}
    assert {"crimestats ingest", "crimestats iccs code", "crimestats review import"} <= set(docs)
    ingest = {p.name: p for p in docs["crimestats ingest"].params}
    assert ingest["--source"].required
    assert ingest["--target"].default == "incidents"
    assert ingest["--json"].type_name == "flag"
    assert ingest["FILES..."].kind == "argument"
    assert "--help" not in ingest
    text = render()
    for path in docs:
        assert f"## `{path}`" in text
