"""A release's period (``period: {from, to, basis, include_partial}``) on files built from
the bundled real sources (issue 13): a partial last year and a year of late reports are
left out of every exact table (or kept and flagged when asked), named in the notes, the
report and the warnings, never with a count or a day. Expected counts come from the raw
files through Python's csv module (:mod:`tests.stats.periods_files`)."""

from __future__ import annotations

import csv
import json
import re
import subprocess
import sys
from collections import Counter
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from tests.stats.periods_files import ingest, memphis_late, nypd_cut, nypd_incidents_by

from crimestats.errors import UsageError
from crimestats.release import build_release
from crimestats.release.config import parse_config

BY_YEAR = {"name": "by_year", "unit": "incidents", "by": ["year"]}
BY_SOURCE = {"name": "by_source", "unit": "incidents", "by": ["source"]}


@pytest.fixture(scope="module")
def nypd(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[dict[str, str]]]:
    """NYPD complaints recorded up to 2022-04-30: 2022 is a partial last year."""
    folder = tmp_path_factory.mktemp("nypd")
    path, rows = nypd_cut(folder, date(2022, 4, 30))
    db = folder / "store.duckdb"
    ingest(db, path, "nypd", "nypd_hate_crimes.yaml")
    return db, rows


@pytest.fixture(scope="module")
def late(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[dict[str, str]]]:
    """Memphis 2019 with its 40 earliest robberies reported 400 days late (in 2020)."""
    folder = tmp_path_factory.mktemp("late")
    path, rows = memphis_late(folder)
    db = folder / "store.duckdb"
    ingest(db, path, "memphis")
    return db, rows


def _release(db: Path, out: Path, doc: dict[str, Any]) -> tuple[Any, dict[str, Any], str]:
    config = parse_config({"maps": {"method": "none"}, **doc}, where="test")
    result = build_release(db, out, config=config, record=False)
    package = json.loads((out / "datapackage.json").read_text(encoding="utf-8"))
    return result, package, (out / "report.html").read_text(encoding="utf-8")


def _table(out: Path, name: str, field: str) -> dict[str, int]:
    with (out / f"{name}.csv").open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert all(r["status"] == "published" for r in rows)  # large counts: nothing withheld
    return {r[field]: int(r["count"]) for r in rows}


def _notes(package: dict[str, Any], name: str) -> dict[str, Any]:
    (res,) = [r for r in package["resources"] if r["path"] == f"{name}.csv"]
    notes: dict[str, Any] = res["crimestats"]["statistics"]
    return notes


def test_a_partial_last_year_is_left_out(
    nypd: tuple[Path, list[dict[str, str]]], tmp_path: Path
) -> None:
    db, rows = nypd
    out = tmp_path / "rel"
    result, package, report = _release(db, out, {"tables": [BY_YEAR], "period": {"from": 2019}})
    by_year = nypd_incidents_by(rows)
    assert by_year["2022"] > 0  # the file has 2022: the release leaves it out
    complete = {y: n for y, n in by_year.items() if y != "2022"}
    assert _table(out, "by_year", "year") == {**complete, "Total": sum(complete.values())}
    period = _notes(package, "by_year")["period"]
    assert period["from"] == "2019-01-01"
    assert period["partial_periods"] == [
        {"field": "year", "period": "2022", "sources": ["nypd"],
         "reason": "nypd: data end 2022-04", "left_out": True},
    ]  # fmt: skip
    assert "<h2>Periods</h2>" in report
    assert "nypd: data end 2022-04" in report
    assert any("year 2022 is partial, left out" in w for w in result.warnings)


def test_include_partial_keeps_it_flagged(
    nypd: tuple[Path, list[dict[str, str]]], tmp_path: Path
) -> None:
    db, rows = nypd
    out = tmp_path / "rel"
    doc = {"tables": [BY_YEAR], "period": {"include_partial": True}}
    _, package, _ = _release(db, out, doc)
    by_year = nypd_incidents_by(rows)
    assert _table(out, "by_year", "year") == {**by_year, "Total": sum(by_year.values())}
    (note,) = _notes(package, "by_year")["period"]["partial_periods"]
    assert note["period"] == "2022"
    assert note["left_out"] is False


def test_late_reports_are_left_out_of_every_exact_table(
    late: tuple[Path, list[dict[str, str]]], tmp_path: Path
) -> None:
    db, rows = late
    out = tmp_path / "rel"
    _, package, _ = _release(db, out, {"tables": [BY_YEAR, BY_SOURCE], "period": {}})
    by_year = Counter(r["reported_date"][:4] for r in rows)
    assert by_year == {"2019": 2205, "2020": 40}
    assert _table(out, "by_year", "year") == {"2019": 2205, "Total": 2205}
    # a table without a period counts the same incidents (its margins agree)
    assert _table(out, "by_source", "source") == {"memphis": 2205, "Total": 2205}
    for name in ("by_year", "by_source"):
        (note,) = _notes(package, name)["period"]["partial_periods"]
        assert note["period"] == "2020"
        assert "late reports only" in note["reason"]
        # months, never a day (a release writes no exact date) and no count
        assert not re.search(r"\d{4}-\d{2}-\d{2}", note["reason"])
        assert not re.search(r"\b40\b", note["reason"])


def test_window_on_the_occurrence_date(
    late: tuple[Path, list[dict[str, str]]], tmp_path: Path
) -> None:
    db, rows = late
    out = tmp_path / "rel"
    doc = {
        "tables": [{"name": "by_month", "unit": "incidents", "by": ["month"]}],
        "period": {"from": "2019-03", "to": "2019-05", "basis": "occurred"},
    }
    _, package, _ = _release(db, out, doc)
    months = Counter(r["occurred_start"][:7] for r in rows)
    expected = {m: months[m] for m in ("2019-03", "2019-04", "2019-05")}
    assert _table(out, "by_month", "month") == {**expected, "Total": sum(expected.values())}
    period = _notes(package, "by_month")["period"]
    assert period == {
        "basis": "occurred", "from": "2019-03-01", "to": "2019-05-31", "partial_periods": [],
    }  # fmt: skip


@pytest.mark.parametrize(
    ("period", "message"),
    [
        ({"start": 2020}, "period: unknown key(s) ['start']"),
        ({"from": "2021-13"}, "'2021-13' is not a date"),
        ({"from": 2022, "to": 2021}, "from 2022-01-01 is after to 2021-12-31"),
        ({"basis": "recorded"}, "period.basis: unknown basis 'recorded'"),
        (
            {"include_partial": "yes"},
            "period.include_partial: expected true or false, got str 'yes'",
        ),
    ],
)
def test_bad_period_is_one_message(period: dict[str, Any], message: str) -> None:
    with pytest.raises(UsageError, match=re.escape(message)) as caught:
        parse_config({"period": period}, where="release.yaml")
    assert caught.value.hint


def test_dp_tables_count_by_report_date() -> None:
    doc = {
        "tables": [{"name": "t", "unit": "incidents", "by": ["source"], "method": "dp"}],
        "dp": {"epsilon": 1.0, "privacy_unit": "incident"},
        "period": {"basis": "occurred"},
    }
    with pytest.raises(UsageError, match="DP tables \\(t\\) count by report date"):
        parse_config(doc, where="release.yaml")


def test_yaml_dates_are_read(tmp_path: Path) -> None:
    from crimestats.release.config import load_config

    path = tmp_path / "release.yaml"
    path.write_text("period:\n  from: 2020-03-01\n  to: 2021\n", encoding="utf-8")
    window = load_config(path).period.window
    assert (window.since, window.until) == (date(2020, 3, 1), date(2021, 12, 31))
    assert load_config(path).period.include_partial is False
    # the standard release (no period section) leaves partial periods out too
    assert parse_config({}).period.include_partial is False
    assert parse_config({"period": {"include_partial": True}}).period.include_partial is True


def test_the_standard_release_leaves_a_partial_year_out(
    nypd: tuple[Path, list[dict[str, str]]], tmp_path: Path
) -> None:
    """No ``period`` section: the partial last year is left out all the same, and named."""
    db, rows = nypd
    out = tmp_path / "rel"
    result, package, report = _release(db, out, {"tables": [BY_YEAR, BY_SOURCE]})
    by_year = nypd_incidents_by(rows)
    assert set(by_year) == {"2019", "2020", "2021", "2022"}
    complete = {y: n for y, n in by_year.items() if y != "2022"}
    assert _table(out, "by_year", "year") == {**complete, "Total": sum(complete.values())}
    assert _table(out, "by_source", "source") == {
        "nypd": sum(complete.values()), "Total": sum(complete.values()),
    }  # fmt: skip
    (note,) = _notes(package, "by_source")["period"]["partial_periods"]
    assert (note["period"], note["reason"], note["left_out"]) == (
        "2022", "nypd: data end 2022-04", True,
    )  # fmt: skip
    assert "nypd: data end 2022-04" in report
    assert result.warnings == [
        "year 2022 is partial, left out of the exact tables: nypd: data end 2022-04"
    ]


def test_a_release_whose_every_period_is_partial_is_refused(
    nypd: tuple[Path, list[dict[str, str]]], tmp_path: Path
) -> None:
    """Only 2022 asked for, and 2022 is partial: one message naming it and the fix,
    and the output folder as before (nothing written, nothing left behind)."""
    db, rows = nypd
    out = tmp_path / "rel"
    out.mkdir()
    before = sorted(tmp_path.rglob("*"))
    doc = {"tables": [BY_YEAR, BY_SOURCE], "period": {"from": 2022}}
    with pytest.raises(UsageError) as caught:
        _release(db, out, doc)
    assert caught.value.message == (
        "every period of the release is partial, so the exact tables would count nothing: "
        "year 2022 (nypd: data end 2022-04)"
    )
    assert caught.value.hint is not None
    assert "period: {include_partial: true}" in caught.value.hint
    assert "longer extract" in caught.value.hint
    assert sorted(tmp_path.rglob("*")) == before
    # asked for, the partial year is published and flagged
    _release(db, out, {**doc, "period": {"from": 2022, "include_partial": True}})
    n = nypd_incidents_by(rows)["2022"]
    assert _table(out, "by_year", "year") == {"2022": n, "Total": n}


def test_the_refusal_from_the_command_line(
    nypd: tuple[Path, list[dict[str, str]]], tmp_path: Path
) -> None:
    """``crimestats release``: exit 1, the message and its fix, no folder written."""
    db, _ = nypd
    config = tmp_path / "release.yaml"
    config.write_text("period:\n  from: 2022\n", encoding="utf-8")
    out = tmp_path / "rel"
    args = ["release", "--db", str(db), "--out", str(out), "--config", str(config)]
    proc = subprocess.run(
        [sys.executable, "-m", "crimestats", *args], capture_output=True, text=True, check=False
    )
    assert proc.returncode == 1, proc.stderr
    text = re.sub(r"\s+", " ", proc.stderr)
    assert "every period of the release is partial" in text
    assert "year 2022 (nypd: data end 2022-04)" in text
    assert "fix: write period: {include_partial: true}" in text
    assert "Traceback" not in proc.stderr + proc.stdout
    assert sorted(p.name for p in tmp_path.iterdir()) == ["release.yaml"]
