"""``crimestats alerts`` on a real store: latest complete period, FDR, sentences, table.

Three areas, monthly counts from January 2018 to March 2024 drawn from a Poisson(10)
(seeded), then: area A has 45 in March 2024 (an outbreak in the latest complete month);
area B has 60 in the first ten days of April 2024, where the store's data end -- April is
partial and must never be alarmed on, however large.
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import typer
from tests.conftest import base_row, write_flat
from typer.testing import CliRunner

from crimestats.cli.alerts_cmd import register
from crimestats.errors import CrimestatsError
from crimestats.services.ingesting import ingest_files
from crimestats.storage.alerts_table import read_alerts


def months() -> list[date]:
    return [
        date(y, m, 1)
        for y in range(2018, 2025)
        for m in range(1, 13)
        if date(y, m, 1) <= date(2024, 3, 1)
    ]


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Built once for the module: the tests only read it (and append to ``alerts``)."""
    work = tmp_path_factory.mktemp("alerts_store")
    db = work / "store.duckdb"
    rng = np.random.default_rng(20240301)
    rows: list[dict[str, Any]] = []
    for area in ("A", "B", "C"):
        for start in months():
            n = int(rng.poisson(10))
            if area == "A" and start == date(2024, 3, 1):
                n = 45
            for i in range(n):
                rows.append(base_row(
                    incident_id=f"{area}-{start:%Y%m}-{i}", area_code=area,
                    reported_date=start.replace(day=1 + i % 28).isoformat(), occurred_start="",
                ))  # fmt: skip
    for i in range(60):
        day = f"2024-04-{1 + i % 10:02d}"
        rows.append(
            base_row(incident_id=f"B4-{i}", area_code="B", reported_date=day, occurred_start="")
        )
    ingest_files([write_flat(work / "incidents.csv", rows)], source="test", db=db)
    return db


def run(*args: str) -> tuple[int, str]:
    """Exit code and output; a user error (raised to ``crimestats.cli.app.main``, which
    prints it with exit code 1) comes back as its message."""
    app = typer.Typer()
    register(app)
    app.command("noop")(lambda: None)
    result = CliRunner().invoke(app, ["alerts", *args])
    if isinstance(result.exception, CrimestatsError):
        return 1, str(result.exception)
    return result.exit_code, result.output


def test_store_run_alarms_on_latest_complete_month_only(store: Path) -> None:
    code, out = run("--by", "area", "--db", str(store), "--json")
    assert code == 0, out
    report = json.loads(out)
    assert report["period"] == "2024-03-01"
    assert [p["period"] for p in report["partial_periods_not_assessed"]] == ["April 2024"]
    assert report["series_tested"] == 3
    assert report["method"] == "farrington-flexible"
    [alert] = report["alerts"]
    assert alert["series"] == "area=A"
    assert alert["observed"] == 45
    assert alert["sentence"].startswith("A: 45 in March 2024, expected ")
    assert 5 < alert["expected"] < 15  # the Poisson(10) baseline
    assert alert["window"] == ["2019-02-01", "2024-03-01"]  # March 2019 (5 years back) less w = 1
    stored = read_alerts(store, report["run_id"])
    assert [(r["series"], r["observed"], r["rank"]) for r in stored] == [("area=A", 45, 1)]
    assert json.loads(stored[0]["parameters"])["b"] == 5


def test_partial_period_is_never_alarmed_on(store: Path) -> None:
    code, out = run("--by", "area", "--db", str(store), "--period", "2024-04")
    assert code == 1
    assert "April 2024 is partial" in out
    assert "no alarm is ever raised on a partial period" in out


def test_sentences_without_json(store: Path) -> None:
    code, out = run("--by", "area", "--db", str(store), "--method", "ears-c1", "--alpha", "0.001")
    assert code == 0, out
    assert "April 2024 not assessed: partial" in out
    assert "1. A: 45 in March 2024" in out
