"""``alerts --html``: the charts of a run, one alarm mark per alarm (issue 14 item 6).

The alarms are counted independently from the run's own ``--json`` output.
"""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

from typer.testing import CliRunner

from crimestats.cli.app import app

DATA = Path(__file__).resolve().parents[1] / "data" / "watch_surveillance_r"


def _marks(html: str, name: str) -> int:
    groups = re.findall(rf'<g class="[^"]*\b{name}_marks"[^>]*>(.*?)</g>', html, re.S)
    return sum(len(re.findall(r"<(?:path|line)\b", g)) for g in groups)


def test_series_file_chart_marks_every_alarm(tmp_path: Path) -> None:
    series = tmp_path / "newport.csv"
    shutil.copy(DATA / "salmNewport_germany_weekly.csv", series)
    args = ["alerts", "--series", str(series), "--date-column", "date",
            "--count-column", "observed"]  # fmt: skip
    listed = CliRunner().invoke(app, [*args, "--json"])
    assert listed.exit_code == 0, listed.output
    alarms = sum(1 for row in json.loads(listed.stdout) if row["alarm"])
    page = tmp_path / "alerts.html"
    drawn = CliRunner().invoke(app, [*args, "--html", str(page)])
    assert drawn.exit_code == 0, drawn.output
    html = page.read_text(encoding="utf-8")
    assert alarms > 0
    assert _marks(html, "alarms") == alarms
    assert "<script" not in html.lower()
    again = CliRunner().invoke(app, [*args, "--html", str(page)])
    assert again.exit_code == 1  # an existing page is not replaced without --force


def test_store_run_draws_one_chart_per_alarm(demo_db: Path, tmp_path: Path) -> None:
    page = tmp_path / "store.html"
    args = ["alerts", "--by", "source,motive_detail", "--freq", "month", "--period",
            "2020-03", "--db", str(demo_db)]  # fmt: skip
    listed = CliRunner().invoke(app, [*args, "--json"])
    alerts = json.loads(listed.stdout)["alerts"]
    drawn = CliRunner().invoke(app, [*args, "--html", str(page)])
    assert drawn.exit_code == 0, drawn.output
    html = page.read_text(encoding="utf-8")
    assert html.count("<svg") == len(alerts) >= 1
    assert _marks(html, "alarms") == len(alerts)
