"""``forecast-audit --html``: concentration, error and group exposure as drawn = the run's.

One seeded run on the synthetic points (``conftest.py``) against a second source (its
own scatter, so the truth has top cells and the overlap line exists) and a group layer
writes the CSV, the JSON and the page; the marks are read back from the page's SVG.
"""

from __future__ import annotations

import csv
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from tests.conftest import run_cli
from tests.spatial_charts.conftest import assert_offline, figures, marks, run_main, write_points

from crimestats.spatial.audit_charts import CONCENTRATION, ERROR, EXPOSURE

ROUNDS = 4
GROUPS = (
    "longitude,latitude,pop_a,pop_b,victims_a,victims_b\n"
    "-0.10,51.50,100,300,5,2\n-0.09,51.505,50,10,1,1\n-0.11,51.495,400,100,3,3\n"
)


@dataclass(frozen=True)
class Run:
    rows: list[dict[str, str]]
    report: dict[str, Any]
    page: str


def _args(points: Path, *more: str) -> list[str]:
    return ["forecast-audit", "--points", str(points), "--x", "longitude", "--y", "latitude",
            "--date", "date", "--rounds", str(ROUNDS), "--seed", "3", *more]  # fmt: skip


@pytest.fixture(scope="module")
def run(points_file: Path, tmp_path_factory: pytest.TempPathFactory) -> Run:
    folder = tmp_path_factory.mktemp("audit")
    truth = write_points(folder / "truth.csv", seed=11, weeks=2)
    groups = folder / "groups.csv"
    groups.write_text(GROUPS, encoding="utf-8")
    out, page = folder / "rounds.csv", folder / "audit.html"
    code, stdout, error = run_cli(
        *_args(points_file, "--truth", str(truth), "--groups", str(groups), "--out",
               str(out), "--html", str(page), "--json"),
    )  # fmt: skip
    assert code == 0, (stdout, error)
    with out.open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    return Run(rows, json.loads(stdout), page.read_text(encoding="utf-8"))


def _by_round(svg: str, name: str, labels: dict[str, str]) -> dict[tuple[int, str], float]:
    field = {label: f for f, label in labels.items()}
    return {(int(p["round"]), field[p["measure"]]): float(p["share"]) for p in marks(svg, name)}


def test_concentration_by_round_is_the_csv(run: Run) -> None:
    svg = figures(run.page)["Concentration in the flagged cells, by round"]
    drawn = _by_round(svg, "concentration_points", CONCENTRATION)
    assert len(drawn) == ROUNDS * len(CONCENTRATION)
    for row in run.rows:
        for field in CONCENTRATION:
            value = drawn[(int(row["round"]), field)]
            assert value == pytest.approx(float(row[field]), rel=1e-5)


def test_error_by_round_is_the_json(run: Run) -> None:
    svg = figures(run.page)["Error against the truth, by round"]
    drawn = _by_round(svg, "error_points", ERROR)
    assert len(drawn) == ROUNDS * len(ERROR)  # a truth with top cells: the overlap is drawn
    for r in run.report["per_round"]:
        for field in ERROR:
            assert drawn[(r["round"], field)] == pytest.approx(r[field], rel=1e-9)
    # the drift the audit reports is the last drawn point minus the first
    drift = drawn[(ROUNDS, "forecast_error")] - drawn[(1, "forecast_error")]
    assert drift == pytest.approx(run.report["drift"]["forecast_error"], abs=1e-9)


def test_group_exposure_bars_are_the_json(run: Run) -> None:
    drawn = figures(run.page)
    field = {label: f for f, label in EXPOSURE.items()}
    for number in (1, ROUNDS):
        bars = marks(drawn[f"Group exposure, round {number}"], "exposure_bars")
        assert len(bars) == 2 * 3  # groups a and b: population, flagged and victims
        given = {(g["group"], f): g[f] for g in run.report["group_exposure"]
                 if g["round"] == number for f in EXPOSURE}  # fmt: skip
        for bar in bars:
            value = given[(bar["group"], field[bar["measure"]])]
            assert float(bar["share"]) == pytest.approx(value, rel=1e-9)
        # by hand from the layer: a is (100 + 50 + 400) of 960 residents, 9 of 15 victims
        shares = {(b["group"], field[b["measure"]]): float(b["share"]) for b in bars}
        assert shares[("a", "population_share")] == pytest.approx(550 / 960)
        assert shares[("a", "victim_share")] == pytest.approx(9 / 15)


def test_page_is_offline(run: Run) -> None:
    assert_offline(run.page)
    assert run.page.count("<svg") == 4  # concentration, error, two exposure rounds


def test_uniform_truth_draws_no_overlap(points_file: Path, tmp_path: Path) -> None:
    page = tmp_path / "audit.html"
    code, stdout = run_main(*_args(points_file, "--html", str(page)))
    assert code == 0, stdout
    svg = figures(page.read_text(encoding="utf-8"))["Error against the truth, by round"]
    measures = {p["measure"] for p in marks(svg, "error_points")}
    assert measures == {ERROR["forecast_error"]}
    assert "a uniform truth has no top cells" in svg


def test_html_naming_the_out_file_is_refused(points_file: Path, tmp_path: Path) -> None:
    same = tmp_path / "rounds.csv"
    code, text = run_main(*_args(points_file, "--out", str(same), "--html", str(same)))
    assert code == 1
    assert f"--out and --html name the same file {same}" in text
    assert not same.exists()


def test_an_existing_page_is_kept_without_force(points_file: Path, tmp_path: Path) -> None:
    page = tmp_path / "audit.html"
    page.write_text("mine\n", encoding="utf-8")
    code, text = run_main(*_args(points_file, "--html", str(page)))
    assert code == 1
    assert f"--html {page} already exists" in text
    assert page.read_text(encoding="utf-8") == "mine\n"
