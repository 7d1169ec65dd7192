"""``forecast-evaluate --html``: every drawn point and bar equals the run's CSV and JSON.

One run on the synthetic points (``conftest.py``) writes the CSV, the JSON and the
page; the marks are read back from the page's SVG (their aria-labels), never from the
code that drew them.
"""

from __future__ import annotations

import csv
import json
import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from tests.conftest import run_cli
from tests.spatial_charts.conftest import assert_offline, figures, marks, run_main

from crimestats.spatial.forecast_charts import BASELINE, baseline_pei
from crimestats.spatial.forecast_evaluate import ForecastScore

METHODS = {"last-period", "history", "kde", "prospective"}


@dataclass(frozen=True)
class Run:
    rows: list[dict[str, str]]
    summary: dict[str, Any]
    page: str


@pytest.fixture(scope="module")
def run(points_file: Path, tmp_path_factory: pytest.TempPathFactory) -> Run:
    folder = tmp_path_factory.mktemp("evaluate")
    out, page = folder / "scores.csv", folder / "charts.html"
    code, stdout, error = run_cli(
        "forecast-evaluate", "--points", str(points_file), "--x", "longitude",
        "--y", "latitude", "--date", "date", "--areas", "5,10",
        "--out", str(out), "--html", str(page), "--json",
    )  # fmt: skip
    assert code == 0, (stdout, error)
    with out.open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    return Run(rows, json.loads(stdout), page.read_text(encoding="utf-8"))


def test_hit_rate_and_pai_by_origin_are_the_csv_rows(run: Run) -> None:
    drawn = figures(run.page)
    for share, label in ((0.05, "5%"), (0.1, "10%")):
        svg = drawn[f"all: top cells covering {label} of the area"]
        csv_rows = {
            (r["origin"], r["forecast"]): r for r in run.rows if float(r["area_share"]) == share
        }
        for metric, title in (("hit_rate", "hit rate"), ("pai", "PAI")):
            points = marks(svg, f"{metric}_points")
            # 5 origins (6 weeks, the first has no past) x 4 forecasts, each drawn once
            assert len(points) == len(csv_rows) == 5 * 4
            assert {(p["origin"], p["forecast"]) for p in points} == set(csv_rows)
            for p in points:
                expected = float(csv_rows[(p["origin"], p["forecast"])][metric])
                assert float(p[title]) == pytest.approx(expected, rel=1e-5)
            baseline = marks(svg, f"{metric}_baseline_points")
            assert {p["forecast"] for p in baseline} == {BASELINE}
            assert len(baseline) == 5
            for p in baseline:  # random flagging: hit rate = the area flagged, PAI 1
                flagged = {r["area_flagged"] for (o, _), r in csv_rows.items() if o == p["origin"]}
                assert len(flagged) == 1  # the same cells count for every forecast
                value = float(flagged.pop()) if metric == "hit_rate" else 1.0
                assert float(p[title]) == pytest.approx(value, rel=1e-5)


def _random_pei(rows: list[dict[str, str]], share: float) -> float:
    """Random flagging's expected PEI: area flagged over the best hit rate (hit / PEI)."""
    best = {
        r["origin"]: float(r["hit_rate"]) / float(r["pei"])
        for r in rows
        if float(r["area_share"]) == share and float(r["pei"]) > 0
    }
    flagged = {
        r["origin"]: float(r["area_flagged"]) for r in rows if float(r["area_share"]) == share
    }
    return sum(flagged[o] / b for o, b in best.items()) / len(best)


def test_mean_pai_and_pei_bars_are_the_json_means(run: Run) -> None:
    svg = figures(run.page)["all: mean PAI and PEI over the origins"]
    means = {(m["forecast"], m["area_share"]): m for m in run.summary["means"]}
    for metric, title in (("pai", "mean PAI"), ("pei", "mean PEI")):
        bars = marks(svg, f"{metric}_bars")
        assert len(bars) == (len(METHODS) + 1) * 2
        for bar in bars:
            share = float(bar["area flagged"].rstrip("%")) / 100
            if bar["forecast"] == BASELINE:
                value = 1.0 if metric == "pai" else _random_pei(run.rows, share)
            else:
                value = means[(bar["forecast"], share)][metric]
            assert float(bar[title]) == pytest.approx(value, rel=1e-5)
    # the forecasts beat random flagging on these clustered points (a sanity check)
    assert all(m["pai"] > 1 for m in means.values())


def test_page_is_offline(run: Run) -> None:
    assert_offline(run.page)
    assert run.page.count("<svg") == 3  # the summary, then one per area share
    assert run.summary["html"] is not None


def test_baseline_pei_by_hand() -> None:
    def score(origin: str, forecast: str, pai: float, pei: float) -> ForecastScore:
        return ForecastScore("c", origin, forecast, 0.1, 0.1, 2, 10, pai * 0.1, pai, pei, 1.0)

    scores = [
        score("w1", "kde", 2.0, 0.5),  # best PAI 4 -> random PEI 1/4
        score("w1", "history", 1.0, 0.25),  # the same origin: the same best PAI
        score("w2", "kde", 1.0, 0.5),  # best PAI 2 -> random PEI 1/2
        score("w3", "kde", 0.0, 0.0),  # every forecast missed: left out
    ]
    assert baseline_pei(scores) == {("c", 0.1): pytest.approx((0.25 + 0.5) / 2)}
    assert not math.isnan(baseline_pei(scores)[("c", 0.1)])


def _args(points: Path, out: Path, page: Path) -> list[str]:
    return ["forecast-evaluate", "--points", str(points), "--x", "longitude", "--y",
            "latitude", "--date", "date", "--areas", "10", "--out", str(out),
            "--html", str(page)]  # fmt: skip


def test_html_naming_the_out_file_is_refused(points_file: Path, tmp_path: Path) -> None:
    same = tmp_path / "scores.csv"
    code, stdout = run_main(*_args(points_file, same, tmp_path / "." / "scores.csv"))
    assert code == 1
    assert "--out and --html name the same file" in stdout
    assert not same.exists()


def test_an_existing_page_is_kept_without_force(points_file: Path, tmp_path: Path) -> None:
    page = tmp_path / "charts.html"
    page.write_text("mine\n", encoding="utf-8")
    code, stdout = run_main(*_args(points_file, tmp_path / "a.csv", page))
    assert code == 1
    assert f"--html {page} already exists" in stdout
    assert page.read_text(encoding="utf-8") == "mine\n"
    assert not (tmp_path / "a.csv").exists()  # refused before any work
    code, stdout = run_main(*_args(points_file, tmp_path / "b.csv", page), "--force")
    assert code == 0, stdout
    assert page.read_text(encoding="utf-8").count("<svg") == 2  # summary + 10%
