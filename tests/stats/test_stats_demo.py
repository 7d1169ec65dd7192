"""Counts on the real bundled data, checked against independent computations.

Two independent references: the raw bundled files read with Python's csv module (the
sources where every row became one incident: ingests show read = accepted), and plain
DuckDB SQL over the store written separately from the Ibis expressions.
"""

from __future__ import annotations

import csv
import gzip
from collections import Counter
from datetime import datetime
from pathlib import Path

from tests.stats.conftest import sql

from crimestats.services.demo import bundled_path
from crimestats.stats import count_table

COUNTED = "CASE WHEN o.iccs_method = 'model' AND o.needs_review THEN NULL ELSE o.iccs_code END"
"""SQL: the code an offence counts under (flagged for review: none; stats/counted_codes.py)."""


def raw_rows(relative: str) -> list[dict[str, str]]:
    with gzip.open(bundled_path(relative), "rt", encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def test_chicago_by_month_matches_the_raw_file(demo_db: Path) -> None:
    raw = raw_rows("chicago/chicago_crimes_2014-02-28_to_2014-03-15.csv.gz")
    expected = Counter(
        datetime.strptime(r["Date"], "%m/%d/%Y %I:%M:%S %p").strftime("%Y-%m") for r in raw
    )
    t = count_table(demo_db, by=["month"], source="chicago")
    assert {r["month"]: r["count"] for r in t.rows()} == dict(expected)
    assert t.metadata["units_in_scope"] == len(raw)


def test_code_homicides_by_area_match_the_raw_file(demo_db: Path) -> None:
    raw = raw_rows("code_crimedata/homicides15.csv.gz")
    expected = Counter(r["fips_state"] + r["fips_county"] + r["tract"] for r in raw)
    t = count_table(demo_db, by=["area"], source="code_crimedata")
    assert {r["area"]: r["count"] for r in t.rows()} == dict(expected)
    # one (fatal) victim per record, age not given: all in "unknown"
    v = count_table(demo_db, by=["victim_age_group"], unit="victims", source="code_crimedata")
    assert [(r["victim_age_group"], r["count"]) for r in v.rows()] == [("unknown", len(raw))]


def test_source_year_section_match_sql(demo_db: Path) -> None:
    expected = {
        (s, y, c): n
        for s, y, c, n in sql(
            demo_db,
            f"SELECT i.source, year(i.reported_date), left({COUNTED}, 2), "
            "count(DISTINCT i.incident_id) FROM incidents i JOIN offences o "
            "USING (source, incident_id) GROUP BY ALL",
        )
    }
    t = count_table(demo_db, by=["source", "year", "iccs_l1"])
    assert {(r["source"], r["year"], r["iccs_l1"]): r["count"] for r in t.rows()} == expected
    assert t.columns == ["source", "year", "iccs_l1", "count", "model_coded_share"]


def test_offences_by_level_three_match_sql(demo_db: Path) -> None:
    expected = dict(
        sql(
            demo_db,
            f"SELECT CASE WHEN length({COUNTED}) >= 5 THEN left({COUNTED}, 5) END, count(*) "
            "FROM offences o GROUP BY ALL",
        )
    )
    t = count_table(demo_db, by=["iccs_l3"], unit="offences")
    assert {r["iccs_l3"]: r["count"] for r in t.rows()} == expected
    [(shallow, uncoded, not_crime, pending)] = sql(
        demo_db,
        f"SELECT count(*) FILTER (WHERE length({COUNTED}) < 5), "
        "count(*) FILTER (WHERE iccs_code IS NULL AND iccs_method = 'model'), "
        "count(*) FILTER (WHERE iccs_code IS NULL AND iccs_method IN "
        "('correspondence', 'manual')), "
        "count(*) FILTER (WHERE iccs_method = 'model' AND needs_review) FROM offences o",
    )
    assert t.metadata["iccs"]["coded_above_level"] == {"iccs_l3": shallow}
    assert t.metadata["iccs"]["uncoded_offences"] == uncoded
    assert t.metadata["iccs"]["not_a_crime_offences"] == not_crime > 0  # police.uk ASB
    assert t.metadata["iccs"]["pending_review_offences"] == pending > 0
    assert expected.get(None, 0) == shallow + uncoded + not_crime + pending


def test_occurred_basis_leaves_undated_incidents_blank(demo_db: Path) -> None:
    expected = dict(
        sql(
            demo_db,
            "SELECT year(occurred_start), count(*) FROM incidents "
            "WHERE source = 'policeuk' GROUP BY ALL",
        )
    )
    t = count_table(demo_db, by=["year"], source="policeuk", period_basis="occurred")
    assert {r["year"]: r["count"] for r in t.rows()} == expected
    [(undated,)] = sql(
        demo_db,
        "SELECT count(*) FROM incidents WHERE source = 'policeuk' AND occurred_start IS NULL",
    )
    assert t.metadata["incidents_without_period_date"] == undated


def test_suspects_and_weapon_match_sql(demo_db: Path) -> None:
    expected = dict(
        sql(
            demo_db,
            "SELECT i.weapon, count(*) FROM suspects s JOIN incidents i "
            "USING (source, incident_id) GROUP BY ALL",
        )
    )
    t = count_table(demo_db, by=["weapon"], unit="suspects")
    assert {r["weapon"]: r["count"] for r in t.rows()} == expected
