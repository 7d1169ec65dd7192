"""``crimestats alerts --series`` reproduces R ``surveillance`` through the command line.

The held-out weekly series (campylobacteriosis, Germany) with the defaults (Noufaily's
settings), and Salmonella Agona by week number with ``algo.farrington``'s parameters
(tests/data/watch_surveillance_r/PROVENANCE.md).
"""

from __future__ import annotations

import csv
import json
from pathlib import Path

import typer
from typer.testing import CliRunner

from crimestats.cli.alerts_cmd import register

DATA = Path(__file__).resolve().parents[1] / "data" / "watch_surveillance_r"


def table(name: str) -> list[dict[str, str]]:
    with (DATA / name).open(newline="") as handle:
        return list(csv.DictReader(handle))


def alerts_json(*args: str) -> list[dict[str, object]]:
    app = typer.Typer()
    register(app)
    app.command("noop")(lambda: None)
    result = CliRunner().invoke(app, ["alerts", *args, "--json"])
    assert result.exit_code == 0, result.output
    rows: list[dict[str, object]] = json.loads(result.stdout)
    return rows


def test_heldout_weekly_series_defaults_agree_with_r_week_by_week() -> None:
    ref = table("ref_flexible_campyDE_noufaily_nbPlugin.csv")
    rows = alerts_json(
        "--series", str(DATA / "heldout_campyDE_weekly.csv"), "--date-column", "date",
        "--count-column", "observed", "--from", ref[0]["date"],
    )  # fmt: skip
    assert [r["date"] for r in rows] == [r["date"] for r in ref]
    assert {r["method"] for r in rows} == {"farrington-flexible"}
    assert [r["alarm"] for r in rows] == [r["alarm"] == "1" for r in ref]
    shown = [(r, x) for r, x in zip(rows, ref, strict=True) if x["upperbound"] != "NA"]
    assert all(r["upper"] == float(x["upperbound"]) for r, x in shown)


def test_agona_by_week_number_with_algo_farrington_parameters() -> None:
    ref = table("ref_algo_farrington_salmonella_agona.csv")
    rows = alerts_json(
        "--series", str(DATA / "salmonella_agona.csv"), "--date-column", "week",
        "--count-column", "observed", "--frequency", "52", "--method", "farrington",
        "--b", "3", "--w", "3", "--alpha", "0.01", "--from", "260",
    )  # fmt: skip
    assert [r["date"] for r in rows] == list(range(260, 313))
    assert [r["alarm"] for r in rows] == [r["alarm"] == "1" for r in ref]
    assert sum(bool(r["alarm"]) for r in rows) == 3
