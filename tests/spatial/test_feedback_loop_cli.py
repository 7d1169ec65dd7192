"""``crimestats forecast-audit`` end to end on the bundled Memphis robberies."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from crimestats.cli import forecast_audit_cmd
from crimestats.cli.app import app as crimestats_app


@pytest.fixture(scope="module")
def app() -> typer.Typer:
    if "forecast-audit" not in [c.name for c in crimestats_app.registered_commands]:
        forecast_audit_cmd.register(crimestats_app)  # until the lead registers it in cli/app.py
    return crimestats_app


def _run(app: typer.Typer, *args: str) -> tuple[int, str]:
    result = CliRunner().invoke(app, ["forecast-audit", *args])
    return result.exit_code, result.output


def test_audit_is_deterministic_by_seed_and_writes_rounds(
    app: typer.Typer, demo_db: Path, tmp_path: Path
) -> None:
    base = ["--db", str(demo_db), "--source", "code_memphis", "--period", "month",
            "--rounds", "3", "--patrol-share", "10", "--json"]  # fmt: skip
    code, first = _run(app, *base, "--seed", "4", "--out", str(tmp_path / "rounds.csv"))
    assert code == 0, first
    _, again = _run(app, *base, "--seed", "4")
    one, two = json.loads(first), json.loads(again)
    assert one["per_round"] == two["per_round"]
    assert one["history_periods"] == 12  # Memphis robberies, 2019, by month
    # per round: the 2,245 robberies / 12 months / recording-base 0.5
    assert one["true_incidents_per_round"] == pytest.approx(2245 / 12 / 0.5)
    with (tmp_path / "rounds.csv").open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert [r["round"] for r in rows] == ["1", "2", "3"]
    assert int(rows[0]["true_incidents"]) == one["per_round"][0]["true_incidents"]


def test_weighted_truth_and_groups(app: typer.Typer, demo_db: Path, tmp_path: Path) -> None:
    truth = tmp_path / "truth.csv"
    truth.write_text(
        "longitude,latitude,population\n-89.942,35.149,100\n-90.05,35.13,300\n", encoding="utf-8"
    )
    groups = tmp_path / "groups.csv"
    groups.write_text(
        "longitude,latitude,pop_a,pop_b\n-89.942,35.149,10,30\n-90.05,35.13,60,0\n",
        encoding="utf-8",
    )
    code, out = _run(app, "--db", str(demo_db), "--source", "code_memphis", "--period",
                     "month", "--rounds", "2", "--truth", str(truth), "--truth-weight",
                     "population", "--groups", str(groups), "--json")  # fmt: skip
    assert code == 0, out
    report = json.loads(out)
    # every true incident falls in the two truth cells: 100 + 300 residents
    assert sum(r["true_incidents"] for r in report["per_round"]) > 0
    shares = {(g["round"], g["group"]): g for g in report["group_exposure"]}
    assert shares[(1, "a")]["population_share"] == pytest.approx(70 / 100)
    assert shares[(1, "b")]["population_share"] == pytest.approx(30 / 100)


@pytest.mark.parametrize(
    ("args", "exit_code", "words"),
    [
        (["--method", "neural"], 2, "'neural' is not known"),
        (["--truth", "/no/such/file.csv"], 1, "--truth /no/such/file.csv: no such file"),
        (["--truth", "TRUTH", "--truth-x", "lon"], 1, "--truth TRUTH has no column 'lon'"),
        (["--recording-patrolled", "1.5"], 1, "must be a probability"),
    ],
)
def test_mistakes_are_one_message(
    app: typer.Typer, demo_db: Path, tmp_path: Path, args: list[str], exit_code: int, words: str
) -> None:
    from crimestats.cli.app import main

    truth = tmp_path / "truth.csv"
    truth.write_text("longitude,latitude\n-89.94,35.15\n", encoding="utf-8")
    args = [str(truth) if a == "TRUTH" else a for a in args]
    words = words.replace("TRUTH", str(truth))
    argv = ["forecast-audit", "--db", str(demo_db), "--source", "code_memphis", *args]
    with CliRunner().isolation(env={"CRIMESTATS_DEBUG": None}) as (stdout, stderr, _):
        with pytest.raises(SystemExit) as caught:
            main(argv)
        text = stdout.getvalue().decode() + stderr.getvalue().decode()
    assert caught.value.code == exit_code
    assert words in " ".join(text.split())
    assert "Traceback" not in text


def test_truth_from_another_code_of_the_store(app: typer.Typer, demo_db: Path) -> None:
    # Robbery (0401) of every source, cut to the Memphis points' box: Memphis's own 2019
    # robberies, so the history forecast's first flagged cells (its top 5% by count) hold
    # the same share of the truth as of the record, far above the 5% of the area.
    code, out = _run(app, "--db", str(demo_db), "--source", "code_memphis", "--rounds", "1",
                     "--truth-iccs", "0401", "--json")  # fmt: skip
    assert code == 0, out
    report = json.loads(out)
    assert report["truth"] == "0401"
    first = report["per_round"][0]
    assert first["area_flagged"] == pytest.approx(0.05, abs=0.001)
    assert first["intensity_share_flagged"] > 0.4


def test_points_file_and_weighted_truth(app: typer.Typer, tmp_path: Path) -> None:
    """From files alone (no store): the Memphis robberies, truth = residents at 2 spots."""
    data = Path(__file__).resolve().parents[1] / "data" / "incidents_code_memphis_sfhotspot"
    blocks = tmp_path / "blocks.csv"
    blocks.write_text(
        "longitude,latitude,population\n-89.942,35.149,100\n-90.05,35.13,300\n",
        encoding="utf-8",
    )
    code, out = _run(app, "--points", str(data / "memphis_robberies.csv"), "--x", "longitude",
                     "--y", "latitude", "--date", "date", "--rounds", "2", "--json",
                     "--truth", str(blocks),
                     "--truth-weight", "population")  # fmt: skip
    assert code == 0, out
    report = json.loads(out)
    # 2,245 robberies over the 53 weeks (from 2019-01-01) of 2019, recorded at 0.5
    assert report["history_periods"] == 53
    assert report["true_incidents_per_round"] == pytest.approx(2245 / 53 / 0.5)
