"""The NYPD bias-motive alarms on the store itself (issue 14 items 5 and 7).

The demo store holds sources of different years (Chicago 2014, police.uk 2016-17, NYPD
2019-23): a period partial for one source must not stop another source's series from
being assessed there. Expected: the anti-Asian series of the NYPD hate-crime file alarms
in March 2020 and in March 2021, and raises nothing in 2019. The observed counts are
recomputed here with Python's csv from the bundled raw file (complaints reported in the
month with that bias motive).
"""

from __future__ import annotations

import csv
import gzip
import json
from datetime import datetime
from pathlib import Path

import pytest
from typer.testing import CliRunner

from crimestats.cli.app import app

RAW = Path(__file__).resolve().parents[2] / "src/crimestats/bundled/nypd_hate_crimes"


def _anti_asian_reported(month: str) -> int:
    """Complaints of the raw file reported in ``month`` (YYYY-MM) with an anti-Asian bias."""
    (path,) = sorted(RAW.glob("*.csv*"))
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rt", encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    seen = set()
    for row in rows:
        day = datetime.strptime(row["Record Create Date"], "%m/%d/%Y")
        if day.strftime("%Y-%m") == month and row["Bias Motive Description"].upper() == (
            "ANTI-ASIAN"
        ):
            seen.add(row["Full Complaint ID"])
    return len(seen)


def _alerts(db: Path, period: str) -> dict[str, object]:
    args = ["alerts", "--by", "source,motive_detail", "--freq", "month", "--period", period]
    result = CliRunner().invoke(app, [*args, "--json", "--db", str(db)])
    assert result.exit_code == 0, result.output
    data: dict[str, object] = json.loads(result.stdout)
    return data


@pytest.mark.parametrize("month", ["2020-03", "2021-03"])
def test_anti_asian_alarm_on_the_store(demo_db: Path, month: str) -> None:
    data = _alerts(demo_db, month)
    alarms = [a for a in data["alerts"] if a["group"]["motive_detail"] == "anti-asian"]  # type: ignore[attr-defined, index]
    assert len(alarms) == 1
    assert alarms[0]["observed"] == _anti_asian_reported(month)
    assert data["skipped"]["the period is partial for this series"] >= 1  # type: ignore[index]


def test_no_alarm_in_2019_and_the_reason(demo_db: Path) -> None:
    """NYPD's file starts in January 2019: in 2019 no series has the 12 complete months a
    baseline needs (the months before a source's data are no data, not zeros), so nothing
    is assessed and nothing alarms; the run says so instead of alarming on a zero past."""
    for month in ("2019-06", "2019-09", "2019-12"):
        data = _alerts(demo_db, month)
        assert data["alerts"] == [], month
        assert data["skipped"]["too short (fewer than 12 periods)"] >= 1  # type: ignore[index]
