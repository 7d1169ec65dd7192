"""The Knox test against Ratcliffe's Near Repeat Calculator and R surveillance, on the
Chicago residential burglaries of January 2016 (tests/data/nearrepeat_chicago_burglary,
PROVENANCE.md there): 970 events, Manhattan distance, bands 100 m x 3 and 7 days x 3.

The reference figures are read from the calculator's own output file (the verbose CSV)
and from surveillance's printed result, not typed in here.
"""

from __future__ import annotations

import csv
import json
import re
from pathlib import Path

import numpy as np
import pytest
import typer
from typer.testing import CliRunner

from crimestats.cli import nearrepeat_cmd
from crimestats.spatial.bands import space_bands, time_bands
from crimestats.spatial.knox import KnoxResult, knox_test, whole_days
from crimestats.spatial.knox_poisson import knox_poisson

DATA = Path(__file__).parents[1] / "data" / "nearrepeat_chicago_burglary"
POINTS = DATA / "chicago_be_month1.csv"
VERBOSE = DATA / "chicago_be_month1_NRverbose_2019-09-23_143005.csv"


def _points() -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    with POINTS.open(newline="") as handle:
        rows = list(csv.reader(handle))
    x = np.array([float(r[0]) for r in rows])
    y = np.array([float(r[1]) for r in rows])
    return x, y, whole_days(np.array([r[2] for r in rows], dtype="datetime64[D]"))


def _calculator_table(title: str) -> list[list[float]]:
    """A 5 x 4 table of the verbose CSV, found by its title line."""
    lines = VERBOSE.read_text(encoding="latin-1").splitlines()
    start = next(i for i, line in enumerate(lines) if line.strip() == title)
    return [[float(v) for v in line.split(",")[2:6]] for line in lines[start + 3 : start + 8]]


def _calculator_simulations() -> dict[tuple[int, int], list[int]]:
    """The 19 simulated counts of each cell (``Row r Column c`` then ``Expected,...``)."""
    text = VERBOSE.read_text(encoding="latin-1")
    found = re.findall(r"Row (\d) Column (\d)\s*\nExpected,([\d,]+)", text)
    return {
        (int(r) - 1, int(c) - 1): [int(v) for v in values.strip(",").split(",")]
        for r, c, values in found
    }


@pytest.fixture(scope="module")
def result() -> KnoxResult:
    x, y, days = _points()
    return knox_test(
        x, y, days, space_bands([100, 200, 300]), time_bands([7, 14, 21]),
        permutations=199, seed=2019,
    )  # fmt: skip


def test_observed_table_equals_the_calculator_in_all_20_cells(result: KnoxResult) -> None:
    calculator = _calculator_table("Observed frequencies distribution")
    assert result.observed.tolist() == calculator
    # the PROVENANCE's figures, as a second reading
    assert result.observed.tolist() == [
        [28, 5, 5, 2], [44, 13, 8, 4], [97, 56, 19, 16], [77, 67, 45, 20],
        [182194, 146149, 95237, 45879],
    ]  # fmt: skip
    assert result.observed.sum() == 970 * 969 // 2


def test_expected_agrees_with_the_calculators_19_simulations(result: KnoxResult) -> None:
    """Each cell's exact expectation lies within 4 standard errors of the calculator's mean."""
    sims = _calculator_simulations()
    assert len(sims) == 20
    for (r, c), values in sims.items():
        mean = np.mean(values)
        se = max(np.std(values, ddof=1), 1.0) / np.sqrt(len(values))
        assert abs(result.expected[r, c] - mean) <= 4 * se, (r, c)


def test_knox_ratios_close_to_the_calculators(result: KnoxResult) -> None:
    """The calculator's ratios rest on 19 shuffles, so compare loosely (15 %)."""
    calculator = np.array(_calculator_table("Observed over mean expected frequencies"))
    assert result.knox_ratio == pytest.approx(calculator, rel=0.15)


def test_significant_cells_are_the_calculators(result: KnoxResult) -> None:
    """The calculator flags 0-7 days at the same location, 1-100 m and 101-200 m (p = 0.05,
    its best with 20 iterations); with 199 shuffles those cells are beyond every shuffle."""
    calculator = np.array(_calculator_table("Statistical significant table"))
    near = slice(0, 4)  # the rows judged by the calculator's text (not "More than 300")
    flagged = calculator[near] <= 0.05
    assert flagged[:, 0].tolist() == [True, True, True, False]
    assert (result.p_value[near][flagged] == 1 / 200).all()
    assert (result.p_value[near][~flagged] > 0.05).all()


def test_monte_carlo_mean_agrees_with_the_exact_expectation(result: KnoxResult) -> None:
    se = np.sqrt(result.expected / result.permutations)  # Poisson-like spread of a mean
    assert np.abs(result.expected_simulated - result.expected)[:4].max() <= (5 * se)[:4].max()


def test_poisson_knox_equals_r_surveillance() -> None:
    """surveillance::knox, <= 100 m and <= 7 days: 74 close pairs, lambda 47.982, p 0.000185."""
    text = (DATA / "ref_surveillance_knox.txt").read_text()
    close, lam, p = re.search(
        r"number of close pairs = (\d+), lambda = ([\d.]+), p-value = ([\d.]+)", text
    ).groups()  # type: ignore[union-attr]
    x, y, days = _points()
    result = knox_poisson(x, y, days, 100, 7)
    assert result.close_pairs == int(close) == 74
    assert result.expected == pytest.approx(float(lam), abs=5e-4)
    assert result.p_more_than == pytest.approx(float(p), abs=5e-7)
    # the 2 x 2 table printed beside it
    assert (result.close_in_space, result.close_in_time) == (74 + 35, 74 + 206805)


def test_cli_json_on_the_file(tmp_path: Path) -> None:
    app = typer.Typer()
    nearrepeat_cmd.register(app)
    app.command("noop")(lambda: None)  # two commands: the sub-command name is required
    args = [
        "near-repeat", "--points", str(POINTS), "--no-header", "--x", "1", "--y", "2",
        "--date", "3", "--space-bands", "100,200,300", "--time-bands", "7,14,21",
        "--permutations", "19", "--seed", "4", "--json",
    ]  # fmt: skip
    out = CliRunner().invoke(app, args)
    assert out.exit_code == 0, out.output
    doc = json.loads(out.stdout)
    assert doc["observed"][1] == [44, 13, 8, 4]
    assert doc["space_bands"]["edges"][0] == [0.0, 1.0]
    assert doc["space_bands"]["edges"][-1] == [300.0, None]
    assert doc["time_bands"]["labels"] == ["0 to 7", "8 to 14", "15 to 21", "More than 21"]
    assert {"expected", "knox_ratio", "p_value"} <= set(doc)
    assert doc["seed"] == 4
    assert doc["points"] == 970
    again = json.loads(CliRunner().invoke(app, args).stdout)
    assert again["p_value"] == doc["p_value"]  # seeded: the same p-values


def test_coordinates_in_us_feet_are_scaled_to_metres(tmp_path: Path) -> None:
    """The same burglaries in EPSG:3435 (NAD83 Illinois East, US survey feet) with
    --crs 3435 give the metre table: the feet are scaled to metres before any band."""
    from pyproj import Transformer

    x, y, days = _points()
    fx, fy = Transformer.from_crs("EPSG:26971", "EPSG:3435", always_xy=True).transform(x, y)
    dates = np.array(days, dtype="datetime64[D]").astype(str)
    path = tmp_path / "feet.csv"
    lines = [f"{a!r},{b!r},{c}\n" for a, b, c in zip(fx.tolist(), fy.tolist(), dates, strict=True)]
    path.write_text("e,n,d\n" + "".join(lines))
    app = typer.Typer()
    nearrepeat_cmd.register(app)
    app.command("noop")(lambda: None)
    args = ["near-repeat", "--points", str(path), "--x", "e", "--y", "n", "--date", "d",
            "--crs", "3435", "--space-bands", "100,200,300", "--time-bands", "7,14,21",
            "--permutations", "0", "--json"]  # fmt: skip
    out = CliRunner().invoke(app, args)
    assert out.exit_code == 0, out.output
    assert json.loads(out.stdout)["observed"] == _calculator_table(
        "Observed frequencies distribution"
    )
