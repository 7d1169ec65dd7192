"""``crimestats emerging`` through Typer on the real Chicago file: sentences, JSON, usage.

The command is registered on a local Typer app here (the lead adds it to ``cli/app.py``).
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from crimestats.cli import emerging_cmd
from crimestats.services.demo import bundled_path, mapping_path
from crimestats.services.ingesting import ingest_files

CHICAGO = "chicago/chicago_crimes_2014-02-28_to_2014-03-15.csv.gz"


@pytest.fixture(scope="module")
def app() -> typer.Typer:
    local = typer.Typer()

    @local.callback()
    def main() -> None:
        """crimestats (test app)"""

    emerging_cmd.register(local)
    return local


@pytest.fixture(scope="module")
def chicago_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    db = tmp_path_factory.mktemp("cli") / "chicago.duckdb"
    ingest_files(
        [bundled_path(CHICAGO)],
        source="chicago",
        db=db,
        mapping=mapping_path("chicago_crimes.yaml"),
    )
    return db


def test_a_sentence_per_finding(app: typer.Typer, chicago_db: Path) -> None:
    args = ["emerging", "--db", str(chicago_db), "--since", "2014-03-10", "--limit", "3"]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert "current period 2014-03-10 to 2014-03-15 (6 days)" in out
    assert "national code (chicago) '501A OTHER OFFENSE: ANIMAL ABUSE/NEGLECT' appears" in out
    assert "Bursting terms" in out
    assert "more (--limit, or --json for all)" in out
    assert "cyber-related is unknown for" in out  # said, not left out silently


def test_json_is_the_whole_report_with_window_dates_only(
    app: typer.Typer, chicago_db: Path
) -> None:
    args = ["emerging", "--db", str(chicago_db), "--since", "2014-03-10", "--json"]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["window"] == {
        "since": "2014-03-10", "until": "2014-03-15", "history_start": "2013-03-10",
        "current_days": 6, "history_days": 365,
    }  # fmt: skip
    assert data["settings"] == {"min_count": 5, "fdr": 0.05, "near_zero": 1.0, "example_floor": 5}
    assert data["sources"] == ["chicago"]
    codes = {f["code"] for f in data["new_codes"]}
    assert "501A" in codes
    assert all(f["sentence"] for f in data["new_codes"] + data["bursts"])
    # the notes may name a source's coverage (its last date, a partial window); no
    # other date than the window's three may appear
    findings = json.dumps({k: v for k, v in data.items() if k != "notes"})
    assert set(re.findall(r"\d{4}-\d{2}-\d{2}", findings)) <= {
        "2014-03-10", "2014-03-15", "2013-03-10",
    }  # fmt: skip


@pytest.mark.parametrize(
    ("option", "value"),
    [
        ("--since", "2014-13-01"),
        ("--until", "yesterday"),
        ("--fdr", "0"),
        ("--fdr", "1.5"),
        ("--min-count", "0"),
        ("--history", "0"),
        ("--history", str(10**30)),
        ("--near-zero", "nan"),
        ("--near-zero", "inf"),
        ("--near-zero", "-1"),
        ("--limit", "0"),
    ],
)
def test_a_bad_option_value_is_bad_usage(
    app: typer.Typer, chicago_db: Path, option: str, value: str
) -> None:
    result = CliRunner().invoke(app, ["emerging", "--db", str(chicago_db), option, value])
    assert result.exit_code == 2
    assert option in result.output or "must be" in result.output


def test_an_empty_store_or_unknown_source_is_one_message(tmp_path: Path, chicago_db: Path) -> None:
    from crimestats.errors import NotFoundError
    from crimestats.storage.store import open_store
    from crimestats.watch.emerging.detect import find_emerging

    empty = tmp_path / "empty.duckdb"
    with open_store(empty):
        pass
    with pytest.raises(NotFoundError, match="holds no incidents") as caught:
        find_emerging(empty)
    assert caught.value.hint is not None
    assert "crimestats ingest" in caught.value.hint
    with pytest.raises(NotFoundError, match="no incidents of source 'nope'"):
        find_emerging(chicago_db, source="nope")


def test_a_history_before_the_year_one_is_one_message(chicago_db: Path) -> None:
    from datetime import date

    from crimestats.errors import UsageError
    from crimestats.watch.emerging.detect import find_emerging

    with pytest.raises(UsageError, match="before the year 1"):
        find_emerging(chicago_db, since=date(1, 1, 5), history_days=30)


def test_a_period_after_the_data_compares_nothing_and_says_why(chicago_db: Path) -> None:
    from datetime import date

    from crimestats.watch.emerging.detect import find_emerging

    report = find_emerging(chicago_db, since=date(2015, 1, 1), until=date(2015, 1, 31))
    assert report.sources == ()
    assert report.sentences() == []
    assert any("no records in the current period" in n for n in report.notes)
