"""``crimestats trends`` end to end: the Nile from a file, a store, the outputs, the errors."""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow.parquet as pq
import pytest
import typer
from tests.conftest import base_row
from typer.testing import CliRunner, Result

from crimestats.cli.trends_cmd import register

NILE = Path(__file__).parents[1] / "data" / "changepoint_nile" / "nile.csv"


def invoke(*args: str) -> Result:
    app = typer.Typer()
    register(app)

    @app.callback()
    def _root() -> None:  # a group, so that the command is called by its name
        pass

    return CliRunner().invoke(app, ["trends", *args])


def test_nile_break_from_the_command_line() -> None:
    result = invoke("--series", str(NILE), "--date-column", "year", "--count-column", "volume",
                    "--json")  # fmt: skip
    assert result.exit_code == 0, result.stdout
    doc = json.loads(result.stdout)
    assert doc["change_points"] == ["1898-01-01"]  # strucchange: breakdate 1898
    [series] = doc["series"]
    [point] = series["change_points"]["points"]
    assert (point["lower"], point["upper"]) == ("1895-01-01", "1902-01-01")
    assert series["change_points"]["on"] == "counts"  # yearly: no season to remove
    assert [f["method"] for f in series["flags"]] == ["decomposition"]


@pytest.fixture
def monthly_db(db: Path, ingest_rows: Callable[..., Any]) -> Path:
    """Three years of knife and firearm incidents; knives fall by half from 2023."""
    rng = np.random.default_rng(14)
    rows, n = [], 0
    for m in range(36):
        month = dt.date(2021 + m // 12, m % 12 + 1, 1)
        for weapon, mean in (("knife", 60 if m < 24 else 30), ("firearm", 2)):
            for _ in range(int(rng.poisson(mean))):
                day = month + dt.timedelta(days=int(rng.integers(0, 28)))
                n += 1
                rows.append(base_row(incident_id=f"I{n}", reported_date=day.isoformat(),
                                     occurred_start=day.isoformat(), weapon=weapon))  # fmt: skip
    ingest_rows(rows)
    return db


def test_store_trends_table_json_and_html(monthly_db: Path, tmp_path: Path) -> None:
    out, page = tmp_path / "t.parquet", tmp_path / "t.html"
    args = ("--db", str(monthly_db), "--by", "weapon", "--freq", "month")
    result = invoke(*args, "--format", "parquet", "--out", str(out), "--html", str(page), "--json")
    assert result.exit_code == 0, result.stdout
    doc = json.loads(result.stdout)
    by_name = {s["series"]: s for s in doc["series"]}
    knife, firearm = by_name["weapon=knife"], by_name["weapon=firearm"]
    [point] = knife["change_points"]["points"]
    assert point["lower"] <= "2022-12-01" <= point["upper"]
    assert knife["year_on_year"]["p_value"] < 0.01
    assert knife["year_on_year"]["percent_change"] < -25
    # two firearm incidents a month: too sparse for STL, breaks and ETS, with the reason
    flagged = {f["method"] for f in firearm["flags"] if f["reason"].startswith("sparse")}
    assert flagged == {"decomposition", "change_points", "forecast"}
    assert firearm["year_on_year"] is not None
    table = pq.read_table(out).to_pylist()
    observed = [r for r in table if r["weapon"] == "knife" and r["kind"] == "observed"]
    assert [r["count"] for r in observed] == [p["count"] for p in knife["periods"]]
    assert sum(r["change_point"] for r in observed) == 1
    assert len([r for r in table if r["kind"] == "forecast"]) == 12  # knife only
    html = page.read_text(encoding="utf-8")
    assert html.count("<svg") == 2
    assert "<script" not in html
    assert len(re.findall(r'class="[^"]*change_points_marks"', html)) == 1


def test_series_file_errors_are_one_message(tmp_path: Path) -> None:
    result = invoke("--series", str(NILE), "--date-column", "year", "--count-column", "volume",
                    "--by", "weapon")  # fmt: skip
    assert result.exit_code == 2
    gap = tmp_path / "gap.csv"
    gap.write_text("month,n\n2024-01,3\n2024-03,4\n", encoding="utf-8")
    result = invoke("--series", str(gap), "--date-column", "month", "--count-column", "n")
    assert result.exit_code == 1
    assert "period 2024-02 is missing" in str(result.exception)
    result = invoke("--series", str(NILE), "--date-column", "when", "--count-column", "volume")
    assert "no column 'when'" in str(result.exception)
    assert "year, volume" in str(result.exception)
    result = invoke("--freq", "day")
    assert result.exit_code == 2


def test_summary_names_the_break_and_the_flags() -> None:
    result = invoke("--series", str(NILE), "--date-column", "year", "--count-column", "volume")
    assert result.exit_code == 0, result.stdout
    assert "change point after 1898 (interval 1895-01-01 to 1902-01-01)" in result.stdout
    assert "decomposition: yearly periods have no season to decompose" in result.stdout
