"""Offences flagged for review count under no ICCS code: stats, indicators, release agree.

The store holds two bundled real files: the data.police.uk street crimes of the City of
London (2016-01 to 2017-06), coded by the bundled correspondence table except the label
"Other crime" (no single code: the autocoder codes it and flags it for review), and
CODE's Memphis robberies (no table: the autocoder codes them, confidently). Expected
counts come from the raw files and the correspondence CSV, read here with the csv
module; the store is read only for what the autocoder decided per label (its code and
whether it is flagged), never for a count.
"""

from __future__ import annotations

import csv
import gzip
import json
from collections import Counter
from collections.abc import Callable
from importlib import resources
from pathlib import Path
from typing import Any

import duckdb
import pytest
from tests.conftest import base_row

from crimestats.indicators import attrition_table, indicator_table
from crimestats.release import build_release
from crimestats.release.config import parse_config
from crimestats.services.classifying import classify
from crimestats.services.demo import BUNDLED, bundled_path, mapping_path
from crimestats.services.ingesting import ingest_files
from crimestats.stats import count_table

STREET = "policeuk/city_of_london_street_2016-01_2017-06.csv.gz"
MEMPHIS = "code_memphis/memphis_robberies.csv.gz"


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    db = tmp_path_factory.mktemp("pending") / "pending.duckdb"
    for item in BUNDLED:
        if item.file in (STREET, MEMPHIS):
            ingest_files(
                [bundled_path(item.file)], source=item.source, db=db,
                mapping=mapping_path(item.mapping),
            )  # fmt: skip
    classify(db)
    return db


def _model_decisions(db: Path) -> dict[tuple[str, str], tuple[str | None, bool]]:
    """(source, label) -> (the autocoder's code, flagged?) for every model-coded label."""
    con = duckdb.connect(str(db), read_only=True)
    try:
        rows = con.execute(
            "SELECT DISTINCT source, coalesce(national_code, national_label), iccs_code, "
            "needs_review FROM offences WHERE iccs_method = 'model'"
        ).fetchall()
    finally:
        con.close()
    return {(s, k): (c, bool(f)) for s, k, c, f in rows}


def _table_codes() -> dict[str, str | None]:
    path = resources.files("crimestats") / "data" / "correspondence" / "policeuk.csv"
    with path.open(encoding="utf-8", newline="") as handle:
        return {
            r["national_code"]: r["iccs_code"] or "?"  # "?": no single code, the model's
            for r in csv.DictReader(handle)
            if r["source"] == "policeuk"
        }


def _raw_labels() -> dict[str, Counter[str]]:
    """Offences per label in each raw file (one offence per row)."""
    out: dict[str, Counter[str]] = {"policeuk": Counter(), "code_memphis": Counter()}
    with gzip.open(bundled_path(STREET), "rt", encoding="utf-8", newline="") as handle:
        out["policeuk"].update(row["Crime type"] for row in csv.DictReader(handle))
    with gzip.open(bundled_path(MEMPHIS), "rt", encoding="utf-8", newline="") as handle:
        out["code_memphis"].update(row["offense_type"] for row in csv.DictReader(handle))
    return out


Cells = Counter[tuple[str, str | None]]


def _expected(db: Path, length: int) -> tuple[Cells, int, Cells]:
    """(source, ICCS category at ``length`` characters) -> offences; pending offences;
    model-coded (not pending) offences per cell."""
    model = _model_decisions(db)
    table = _table_codes()
    counts: Cells = Counter()
    by_model: Cells = Counter()
    pending = 0
    for source, labels in _raw_labels().items():
        for label, n in labels.items():
            code = table.get(label) if source == "policeuk" else "?"
            from_model = code == "?"
            if from_model:
                code, flagged = model[(source, label)]
                if flagged:
                    pending += n
                    code = None
            code = None if code in (None, "none") else code
            cell = (source, code[:length] if code and len(code) >= length else None)
            counts[cell] += n
            if from_model and code is not None:
                by_model[cell] += n
    return counts, pending, by_model


def test_some_offences_are_pending_and_some_model_coded(store: Path) -> None:
    decisions = _model_decisions(store)
    assert any(flagged for _, flagged in decisions.values())  # police.uk "Other crime"
    assert any(not flagged for _, flagged in decisions.values())  # Memphis robberies


@pytest.mark.parametrize(("level", "length"), [("iccs_l1", 2), ("iccs_l2", 4)])
def test_stats_count_pending_offences_under_no_code(store: Path, level: str, length: int) -> None:
    expected, pending, by_model = _expected(store, length)
    t = count_table(store, by=["source", level], unit="offences")
    got = {(r["source"], r[level]): r["count"] for r in t.rows()}
    assert got == dict(expected)
    assert t.metadata["iccs"]["pending_review_offences"] == pending > 0
    shares = {(r["source"], r[level]): r["model_coded_share"] for r in t.rows()}
    for cell, n in expected.items():
        assert shares[cell] == pytest.approx(by_model[cell] / n, abs=1e-4), cell
    # police.uk "Other crime" is pending: its offences are under no code, and the section
    # the autocoder suggests for it counts only the offences of other categories
    suggested, flagged = _model_decisions(store)[("policeuk", "Other crime")]
    assert flagged
    assert suggested is not None
    other_crime = _raw_labels()["policeuk"]["Other crime"]
    assert other_crime > 0
    assert got[("policeuk", None)] >= other_crime
    # the suggested cell holds what the raw files put there without "Other crime" (the
    # expected counts leave pending offences out), not those plus its offences
    cell = ("policeuk", suggested[:length])
    assert got.get(cell, 0) == expected.get(cell, 0)


def test_incidents_and_attrition_agree(store: Path) -> None:
    """One offence per row in both files: incidents by section equal offences by section,
    and the attrition table's recorded incidents equal them too."""
    expected, _, _ = _expected(store, 2)
    t = count_table(store, by=["source", "iccs_l1"], unit="incidents")
    assert {(r["source"], r["iccs_l1"]): r["count"] for r in t.rows()} == dict(expected)
    flow = attrition_table(store, by="iccs_l1")
    recorded = {
        (r["source"], r["category"]): r["incidents"]
        for r in flow.rows()
        if r["stage"] == "recorded"
    }
    assert recorded == dict(expected)
    _, pending, _ = _expected(store, 2)
    assert flow.metadata["pending_review_offences"] == pending


def test_release_publishes_pending_offences_under_no_code(store: Path, tmp_path: Path) -> None:
    expected, pending, _ = _expected(store, 4)
    # every period kept (police.uk's file ends inside 2017): the expected counts are the
    # whole store's, and this test is about pending offences, not periods
    keep = parse_config({"period": {"include_partial": True}})
    result = build_release(
        store, tmp_path / "release", as_of="2024-06-30", record=False, config=keep
    )
    with (result.directory / "offences_by_source_iccs_l2.csv").open(encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    published = {
        (r["source"], r["iccs_l2"] or None): int(r["count"])
        for r in rows
        if r["status"] == "published" and "Total" not in (r["source"], r["iccs_l2"])
    }
    assert len(published) >= 5
    for cell, n in published.items():
        assert expected[cell] == n, cell
    totals = {r["source"]: r["count"] for r in rows if r["iccs_l2"] == "Total"}
    assert int(totals["policeuk"]) == sum(n for (s, _), n in expected.items() if s == "policeuk")
    # the count of pending offences is statistics metadata, never public
    package = json.loads((result.directory / "datapackage.json").read_text(encoding="utf-8"))
    text = json.dumps(package)
    assert "pending_review_offences" not in text
    assert "model_coded" not in text
    assert pending > 0


def test_homicide_indicator_leaves_out_a_pending_homicide(
    ingest_rows: Callable[..., Any], db: Path
) -> None:
    """SDG 16.1.1 counts victims of offences coded 0101: three incidents with one person
    victim each, all suggested 0101; the one whose coding is flagged is not counted."""
    rows = [
        base_row(incident_id=f"H{i}", national_label="murder", victim_seq="1",
                 victim_type="person", victim_sex="male", victim_age="30")
        for i in (1, 2, 3)
    ]  # fmt: skip
    ingest_rows(rows)
    con = duckdb.connect(str(db))
    try:
        con.execute("UPDATE offences SET iccs_code = '0101', iccs_method = 'correspondence'")
        con.execute(
            "UPDATE offences SET iccs_method = 'model', iccs_confidence = 0.3, "
            "needs_review = true WHERE incident_id = 'H3'"
        )
    finally:
        con.close()
    table = indicator_table(db)
    totals = [
        r for r in table.rows()
        if r["indicator"] == "16.1.1" and r["disaggregation"] == "total"
    ]  # fmt: skip
    assert [r["numerator"] for r in totals] == [2]
    assert table.metadata["pending_review_offences"] == 1
    stats = count_table(db, by=["iccs_l2"], unit="offences")
    assert {r["iccs_l2"]: r["count"] for r in stats.rows()} == {"0101": 2, None: 1}
    assert stats.metadata["iccs"]["pending_review_offences"] == 1


def test_the_sql_form_of_pending_selects_the_same_offences(demo_db: Path) -> None:
    """``pending_sql`` (the spatial selections' SQL) and ``is_pending`` (every count's Ibis
    expression) name the same offences of the demo store."""
    import duckdb

    from crimestats.stats.counted_codes import is_pending, pending_sql
    from crimestats.storage.reads import ibis_store

    with ibis_store(demo_db) as con:
        off = con.table("offences")
        ibis_count = int(is_pending(off).cast("int64").sum().to_pyarrow().as_py())
    raw = duckdb.connect(str(demo_db), read_only=True)
    row = raw.execute(f"SELECT count(*) FROM offences o WHERE {pending_sql('o')}").fetchone()
    raw.close()
    assert row is not None
    assert ibis_count == int(row[0]) > 0
