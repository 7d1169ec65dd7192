"""ICCS coding of the store on the bundled real data: correspondence first, the model for
the rest, and a review queue whose answers the model never overrides."""

from __future__ import annotations

import csv
import gzip
import json
import subprocess
import sys
from importlib import resources
from pathlib import Path

import duckdb
import pytest

from crimestats.errors import UsageError
from crimestats.services.classifying import classify, export_review, import_review
from crimestats.services.demo import BUNDLED, bundled_path, run_demo


def _table(name: str) -> dict[str, str]:
    path = resources.files("crimestats") / "data" / "correspondence" / name
    rows = csv.DictReader(path.read_text(encoding="utf-8").splitlines())
    return {r["national_code"]: r["iccs_code"] for r in rows}


@pytest.fixture(scope="module")
def coded(tmp_path_factory: pytest.TempPathFactory) -> Path:
    db = tmp_path_factory.mktemp("classify") / "c.duckdb"
    run_demo(db)
    classify(db)
    return db


def _q(db: Path, sql: str) -> list[tuple[object, ...]]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


def test_every_offence_is_coded_and_keeps_how(coded: Path) -> None:
    rows = dict(
        _q(coded, "SELECT coalesce(iccs_method, 'none'), count(*) FROM offences GROUP BY 1")
    )
    assert "none" not in rows
    assert set(rows) <= {"correspondence", "model", "manual", "source"}
    bad = _q(
        coded,
        "SELECT count(*) FROM offences WHERE iccs_method = 'model' "
        "AND (iccs_confidence IS NULL OR iccs_confidence NOT BETWEEN 0 AND 1)",
    )
    assert bad == [(0,)]


def test_not_a_crime_stays_uncoded_and_out_of_review(coded: Path) -> None:
    """police.uk anti-social behaviour is ``none`` in the table: no code, no review."""
    street = next(i.file for i in BUNDLED if i.file.startswith("policeuk/") and "street" in i.file)
    with gzip.open(bundled_path(street), "rt", encoding="utf-8", newline="") as handle:
        raw = sum(1 for r in csv.DictReader(handle) if r["Crime type"] == "Anti-social behaviour")
    assert raw > 0
    got = _q(
        coded,
        "SELECT count(*), count(iccs_code), count(*) FILTER (WHERE needs_review), "
        "any_value(iccs_method) FROM offences WHERE source = 'policeuk' "
        "AND national_code = 'Anti-social behaviour'",
    )
    assert got == [(raw, 0, 0, "correspondence")]


def test_chicago_follows_its_correspondence_table(coded: Path) -> None:
    table = _table("chicago_iucr.csv")
    with gzip.open(bundled_path(BUNDLED[0].file), "rt", encoding="utf-8") as handle:
        raw = list(csv.DictReader(handle))
    expected = sum(1 for r in raw if table.get(r["IUCR"]))
    got = _q(coded, "SELECT count(*) FROM offences WHERE source = 'chicago' "
                    "AND iccs_method = 'correspondence'")  # fmt: skip
    assert got == [(expected,)]
    pairs = _q(coded, "SELECT DISTINCT national_code, iccs_code FROM offences "
                      "WHERE source = 'chicago' AND iccs_method = 'correspondence'")  # fmt: skip
    assert all(table[str(code)] == iccs for code, iccs in pairs)


def test_review_answers_become_entries_the_model_never_overrides(
    coded: Path, tmp_path: Path
) -> None:
    queue = tmp_path / "queue.csv"
    n = export_review(coded, queue)
    with queue.open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert len(rows) == n > 0
    assert not any(r["national_code"] == "Anti-social behaviour" for r in rows)  # table: none
    assert len(rows) >= 2
    not_crime, other = rows[0], rows[1]
    not_crime["iccs_code"] = "none"  # a reviewer may still say "not a crime"
    other["iccs_code"] = "11"
    with queue.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    result = import_review(coded, queue, reviewer="tester")
    assert result["answers"] == 2
    expected = int(not_crime["offences"]) + int(other["offences"])
    assert result["offences_updated"] == expected
    classify(coded)  # a rerun must not undo what a person decided
    got = dict(
        _q(
            coded,
            "SELECT national_code, any_value(iccs_code) FROM offences WHERE iccs_method = "
            "'manual' GROUP BY 1",
        )
    )
    assert got[not_crime["national_code"]] is None
    key = other["national_code"]
    assert got[key] == "11"


def test_review_import_refuses_a_non_code(coded: Path, tmp_path: Path) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text("source,national_code,iccs_code\nchicago,0820,9999\n", encoding="utf-8")
    proc = subprocess.run(
        [sys.executable, "-m", "crimestats", "review", "import", str(bad), "--db", str(coded)],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert proc.returncode == 1
    assert "not a code of ICCS" in proc.stderr
    assert "Traceback" not in proc.stderr


def test_review_import_refuses_a_repeated_column(coded: Path, tmp_path: Path) -> None:
    """Red team: with iccs_code twice, the last one was imported silently."""
    twice = tmp_path / "twice.csv"
    twice.write_text(
        "source,national_code,iccs_code,note,iccs_code\nchicago,0820,0101,me,0201\n",
        encoding="utf-8",
    )
    with pytest.raises(UsageError, match="iccs_code"):
        import_review(coded, twice)


def test_classify_json(coded: Path) -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "crimestats", "classify", "--json", "--db", str(coded)],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    out = json.loads(proc.stdout)
    assert "uncoded" not in out["store"]
