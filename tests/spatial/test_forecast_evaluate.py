"""Rolling-origin forecast evaluation: a hand-made case, no peeking, and the CLI on Memphis."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import numpy as np
import pytest
from tests.conftest import run_cli

from crimestats.errors import UsageError
from crimestats.spatial.forecast_evaluate import (
    EvalPeriod,
    Forecast,
    evaluate,
    mean_scores,
    period_index,
)
from crimestats.spatial.grid import square_grid

ROBBERIES = Path(__file__).resolve().parents[1] / "data" / "incidents_code_memphis_sfhotspot"


def _week_points() -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Week 0: 5 crimes at A (150, 150), 1 at (850, 850); week 1: 5 at A, 1 at (850, 150)."""
    a = [(150.0, 150.0)] * 5
    x, y, d = [], [], []
    for day, extra in (("2024-01-01", (850.0, 850.0)), ("2024-01-08", (850.0, 150.0))):
        for px, py in [*a, extra]:
            x.append(px)
            y.append(py)
            d.append(day)
    # four corner points (week 0) make the hull the square 0..1000 m
    x += [0.0, 1000.0, 0.0, 1000.0]
    y += [0.0, 1000.0, 1000.0, 0.0]
    d += ["2024-01-01"] * 4
    return np.array(x), np.array(y), np.array(d, dtype="datetime64[D]")


def test_a_hand_made_week_scores_as_computed_by_hand() -> None:
    x, y, dates = _week_points()
    grid = square_grid(x, y, cell_size=100.0)
    assert grid.size == 121  # 11 x 11 cells (1100 m with the buffer, every cell kept)
    result = evaluate(grid, x, y, dates, bandwidth=150.0, area_shares=(0.01, 0.05))
    assert result.origins == 1
    last = {s.area_share: s for s in result.scores if s.forecast == Forecast.LAST_PERIOD}
    # 1% of 121 cells is 1 cell: the last period's top cell is A (5 crimes); week 1 has
    # 6 crimes, 5 of them in A: hit rate 5/6, PAI (5/6) / (1/121), PEI 1 (A is the best
    # cell), RRI 5 predicted / 5 observed = 1
    one = last[0.01]
    assert one.cells == 1
    assert one.hit_rate == pytest.approx(5 / 6)
    assert one.pai == pytest.approx((5 / 6) / (1 / 121))
    assert one.pei == pytest.approx(1.0)
    assert one.rri == pytest.approx(1.0)
    # 5% is 6 cells: A, then the five week-0 cells with one crime each, (850, 850) and the
    # four corners (predicted 1, observed 0); the week-1 cell (850, 150) was predicted 0
    five = last[0.05]
    assert five.cells == 6
    assert five.hit_rate == pytest.approx(5 / 6)
    # the random baseline flags 6/121 of the area
    means = {(m.forecast, m.area_share): m for m in mean_scores(result.scores)}
    assert means[("last-period", 0.05)].baseline_hit_rate == pytest.approx(6 / 121)


def test_forecasts_do_not_see_the_future() -> None:
    rng = np.random.default_rng(11)
    n = 600
    x, y = rng.uniform(0, 3000, n), rng.uniform(0, 3000, n)
    days = np.datetime64("2024-01-01") + rng.integers(0, 70, n).astype("timedelta64[D]")
    grid = square_grid(x, y, cell_size=300.0)
    first = evaluate(grid, x, y, days, bandwidth=600.0)
    # move every point of the last two weeks elsewhere: earlier origins must not change
    late = days >= np.datetime64("2024-02-26")
    x2 = np.where(late, rng.uniform(0, 3000, n), x)
    second = evaluate(grid, x2, y, days, bandwidth=600.0)
    early = [s for s in first.scores if s.origin < "2024-02-19"]
    assert early
    assert early == [s for s in second.scores if s.origin < "2024-02-19"]


def test_periods() -> None:
    days = np.array(["2024-01-31", "2024-02-01", "2024-03-15"], dtype="datetime64[D]")
    index, labels = period_index(days, EvalPeriod.MONTH)
    assert index.tolist() == [0, 1, 2]
    assert labels == ["2024-01", "2024-02", "2024-03"]
    grid = square_grid(np.array([0.0, 900.0]), np.array([0.0, 900.0]), cell_size=300.0)
    with pytest.raises(UsageError, match="one week only"):
        evaluate(
            grid,
            np.array([0.0, 900.0]),
            np.array([0.0, 900.0]),
            np.array(["2024-01-01", "2024-01-02"], dtype="datetime64[D]"),
            bandwidth=300.0,
        )


@pytest.fixture(scope="module", autouse=True)
def _registered() -> None:
    from crimestats.cli import forecast_cmd
    from crimestats.cli.app import app

    if not any(c.name == "forecast-evaluate" for c in app.registered_commands):
        forecast_cmd.register(app)


def test_cli_on_memphis_weeks(tmp_path: Path) -> None:
    out = tmp_path / "scores.csv"
    code, stdout, _ = run_cli(
        "forecast-evaluate", "--points", str(ROBBERIES / "memphis_robberies.csv"),
        "--x", "longitude", "--y", "latitude", "--date", "date", "--period", "month",
        "--window", "3", "--out", str(out), "--json",
    )  # fmt: skip
    assert code == 0, stdout
    summary = json.loads(stdout)
    with out.open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    # 12 months of 2019: 11 origins x 4 forecasts x 3 area shares
    assert summary["selections"]["all"]["origins"] == 11
    assert len(rows) == 11 * 4 * 3
    # PAI is hit rate over the area flagged, row by row
    for row in rows:
        assert float(row["pai"]) == pytest.approx(
            float(row["hit_rate"]) / float(row["area_flagged"]), rel=1e-5
        )
    means = {(m["forecast"], m["area_share"]): m for m in summary["means"]}
    assert means[("history", 0.1)]["hit_rate"] > means[("history", 0.1)]["baseline_hit_rate"]


@pytest.mark.parametrize(
    ("args", "exit_code", "words"),
    [
        (["--period", "fortnight"], 2, "'fortnight' is not known"),
        (["--areas", "0,5"], 2, "not a list of percentages"),
        (["--window", "0"], 1, "--window must be at least 1"),
    ],
)
def test_cli_mistakes(tmp_path: Path, args: list[str], exit_code: int, words: str) -> None:
    from typer.testing import CliRunner

    from crimestats.cli.app import main

    argv = [
        "forecast-evaluate", "--points", str(ROBBERIES / "memphis_robberies.csv"),
        "--x", "longitude", "--y", "latitude", "--date", "date",
        "--out", str(tmp_path / "x.csv"), *args,
    ]  # fmt: skip
    with CliRunner().isolation(env={"CRIMESTATS_DEBUG": None}) as (stdout, stderr, _):
        with pytest.raises(SystemExit) as caught:
            main(argv)
        text = stdout.getvalue().decode() + stderr.getvalue().decode()
    assert caught.value.code == exit_code
    assert words in " ".join(text.split())
    assert "Traceback" not in text
