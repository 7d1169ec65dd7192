"""Real crime data: NYPD hate crimes 2019-2023 (bundled), the monthly anti-Asian series.

The issue asks for an alarm in March 2020, again in early 2021, and none in 2019. The
file starts in January 2019, so no method has five years of history (the improved
Farrington's default): ``alerts --series`` assesses each month with the GLM baseline
(trend, down-weighting, negative binomial threshold) from January 2020, the first month
with 12 months before it. 2019 is checked with EARS C1, the only method with a baseline
there (7 months).
"""

from __future__ import annotations

import collections
import csv
import gzip
import io
import json
from pathlib import Path

import typer
from typer.testing import CliRunner

import crimestats
from crimestats.cli.alerts_cmd import register

BUNDLED = (
    Path(crimestats.__file__).parent / "bundled" / "nypd_hate_crimes" / "nypd_hate_crimes.csv.gz"
)


def anti_asian_monthly(path: Path) -> Path:
    """Month, count of ANTI-ASIAN complaints (by complaint year and month), zero-filled."""
    with gzip.open(BUNDLED, "rt", encoding="utf-8") as handle:
        rows = list(csv.DictReader(io.StringIO(handle.read())))
    counts = collections.Counter(
        (int(r["Complaint Year Number"]), int(r["Month Number"]))
        for r in rows
        if r["Bias Motive Description"] == "ANTI-ASIAN"
    )
    last = max((int(r["Complaint Year Number"]), int(r["Month Number"])) for r in rows)
    months = [(y, m) for y in range(2019, last[0] + 1) for m in range(1, 13) if (y, m) <= last]
    with path.open("w", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(["month", "anti_asian"])
        writer.writerows([f"{y}-{m:02d}", counts[(y, m)]] for y, m in months)
    return path


def run(*args: str) -> list[dict[str, object]]:
    app = typer.Typer()
    register(app)
    app.command("noop")(lambda: None)  # two commands: typer keeps "alerts" as a subcommand
    result = CliRunner().invoke(app, ["alerts", *args])
    assert result.exit_code == 0, result.output
    rows: list[dict[str, object]] = json.loads(result.stdout)
    return rows


def test_anti_asian_alarms_march_2020_and_early_2021(tmp_path: Path) -> None:
    series = anti_asian_monthly(tmp_path / "anti_asian.csv")
    rows = run(
        "--series", str(series), "--date-column", "month", "--count-column", "anti_asian", "--json"
    )
    alarms = {str(r["date"])[:7] for r in rows if r["alarm"]}
    assert rows[0]["date"] == "2020-01-01"  # the first month with 12 months of baseline
    assert {r["method"] for r in rows} == {"glm"}
    assert "2020-03" in alarms
    assert alarms & {"2021-01", "2021-02", "2021-03", "2021-04"}
    assert alarms == {"2020-03", "2021-02", "2021-03"}
    march = next(r for r in rows if r["date"] == "2020-03-01")
    assert march["observed"] == 15
    assert float(march["upper"]) < 15  # type: ignore[arg-type]


def test_no_alarm_in_2019(tmp_path: Path) -> None:
    series = anti_asian_monthly(tmp_path / "anti_asian.csv")
    rows = run(
        "--series", str(series), "--date-column", "month", "--count-column", "anti_asian",
        "--method", "ears-c1", "--to", "2019-12", "--json",
    )  # fmt: skip
    assert rows[0]["date"] == "2019-08-01"
    assert not any(r["alarm"] for r in rows)
