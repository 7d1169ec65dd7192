"""``crimestats iccs`` commands, on a local Typer app (the lead wires the real one)."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import typer
from typer.testing import CliRunner

SAMPLE = Path(__file__).parent.parent / "data" / "iccs" / "labelled_sample.csv"


def run(app: typer.Typer, *args: str) -> tuple[int, str]:
    result = CliRunner().invoke(app, list(args))
    return result.exit_code, result.output


def test_show(app: typer.Typer) -> None:
    code, out = run(app, "iccs", "show", "0501", "--json")
    assert code == 0
    data = json.loads(out)
    assert data["label"] == "Burglary"
    assert [c["code"] for c in data["children"]] == ["05011", "05012", "05013", "05019"]
    code, out = run(app, "iccs", "show", "0501")
    assert code == 0
    assert "Burglary" in out


def test_show_unknown_code_is_a_user_error(app: typer.Typer) -> None:
    result = CliRunner().invoke(app, ["iccs", "show", "0599"])
    assert result.exit_code != 0
    assert "not a code of ICCS" in str(result.exception)


def test_search_and_tree(app: typer.Typer) -> None:
    code, out = run(app, "iccs", "search", "theft", "from", "a", "shop", "--json")
    assert code == 0
    assert json.loads(out)[0]["code"] == "050231"
    code, out = run(app, "iccs", "tree", "0401", "--json")
    assert code == 0
    tree = json.loads(out)
    assert tree["code"] == "0401"
    assert len(tree["children"]) == 5
    code, out = run(app, "iccs", "tree", "--depth", "1")
    assert code == 0
    assert "11 Other criminal acts" in out


def test_code_texts(app: typer.Typer) -> None:
    code, out = run(app, "iccs", "code", "Murder", "Robo con violencia", "--json")
    assert code == 0
    data = json.loads(out)
    assert [d["text"] for d in data] == ["Murder", "Robo con violencia"]
    assert {"iccs_code", "iccs_confidence", "top3", "explanation", "needs_review"} <= set(data[0])
    code, out = run(app, "iccs", "code", "Murder")
    assert code == 0
    assert "Murder" in out


def test_code_file_and_evaluate(app: typer.Typer, tmp_path: Path) -> None:
    out = tmp_path / "coded.csv"
    code, text = run(
        app, "iccs", "code", "--file", str(SAMPLE), "--column", "offence", "--out", str(out)
    )
    assert code == 0, text
    with out.open(encoding="utf-8", newline="") as handle:
        assert len(list(csv.DictReader(handle))) == 10
    code, text = run(
        app,
        "iccs",
        "evaluate",
        str(SAMPLE),
        "--text-column",
        "offence",
        "--code-column",
        "true_code",
        "--json",
    )
    assert code == 0, text
    report = json.loads(text)
    assert set(report["accuracy_by_level"]) == {"1", "2", "3", "4"}
    assert report["texts"] == 10


def test_code_needs_text_or_file(app: typer.Typer) -> None:
    result = CliRunner().invoke(app, ["iccs", "code"])
    assert result.exit_code != 0
    result = CliRunner().invoke(app, ["iccs", "code", "--file", str(SAMPLE)])
    assert result.exit_code != 0
