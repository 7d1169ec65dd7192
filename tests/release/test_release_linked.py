"""Linked tables of one release, and a release re-run after new data (revisions).

Stores are written by hand so every count is known: section 05 (theft) of source
``north`` has exactly 3 incidents in the first store and 4 after one late report.
"""

from __future__ import annotations

import csv
from collections import Counter
from pathlib import Path
from typing import Any

import duckdb
import numpy as np
import pytest
from scipy.optimize import linprog
from tests.conftest import base_row, write_flat

from crimestats.release import build_release, parse_config

# (source, year, ICCS code, incidents)
CELLS = [
    ("north", "2023", "0501", 9),
    ("north", "2023", "0502", 3),
    ("north", "2024", "0101", 6),
    ("north", "2024", "0401", 8),
    ("south", "2023", "0501", 12),
    ("south", "2023", "0401", 7),
    ("south", "2024", "0502", 10),
    ("south", "2024", "0101", 5),
]
LINKED = {
    "tables": [
        {"name": "by_year", "unit": "incidents", "by": ["source", "year", "iccs_l2"]},
        {"name": "by_code", "unit": "incidents", "by": ["source", "iccs_l2"]},
    ]
}


def _rows(cells: list[tuple[str, str, str, int]]) -> dict[str, list[dict[str, Any]]]:
    """Each source's incidents, those of a year spread over its twelve months in turn
    (every year has at least 12), so that no year is partial and the default release
    counts them all."""
    by_source: dict[str, list[dict[str, Any]]] = {}
    seen: Counter[tuple[str, str]] = Counter()
    for source, year, code, n in cells:
        for i in range(n):
            k = seen[(source, year)]
            seen[(source, year)] += 1
            by_source.setdefault(source, []).append(
                base_row(
                    incident_id=f"{source}-{year}-{code}-{i}",
                    reported_date=f"{year}-{1 + k % 12:02d}-{1 + k % 28:02d}",
                    occurred_start="",
                    iccs_code=code,
                )
            )
    return by_source


def _store(folder: Path, cells: list[tuple[str, str, str, int]]) -> Path:
    from crimestats.services.ingesting import ingest_files

    folder.mkdir(parents=True, exist_ok=True)
    db = folder / "store.duckdb"
    for source, rows in sorted(_rows(cells).items()):
        path = write_flat(folder / f"{source}.csv", rows)
        ingest_files([path], source=source, db=db)
    return db


def _csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def _key(row: dict[str, str], fields: list[str]) -> tuple[str, ...]:
    return tuple(row[f] for f in fields)


def test_linked_tables_agree_and_withheld_cells_stay_hidden(tmp_path: Path) -> None:
    db = _store(tmp_path / "s", CELLS)
    out = build_release(db, tmp_path / "rel", config=parse_config(LINKED), record=False).directory
    # every year of the store is complete: nothing is left out, no partial period named
    assert "partial_periods" not in (out / "datapackage.json").read_text(encoding="utf-8")
    by_year = _csv(out / "by_year.csv")
    assert by_year[-1]["count"] == str(sum(n for *_, n in CELLS))  # the grand total
    by_code = _csv(out / "by_code.csv")
    # the (source, Total, code) margin of by_year is the (source, code) cell of by_code
    margin = {(r["source"], r["iccs_l2"]): r for r in by_year if r["year"] == "Total"}
    for row in by_code:
        twin = margin[(row["source"], row["iccs_l2"])]
        assert row["count"] == twin["count"], row
    published = [r for r in by_year + by_code if r["count"]]
    assert all(not 1 <= int(r["count"]) <= 3 for r in published)
    # an attacker LP over both tables: variables are the interior cells of by_year
    interior = [r for r in by_year if "Total" not in _key(r, ["source", "year", "iccs_l2"])]
    index = {_key(r, ["source", "year", "iccs_l2"]): i for i, r in enumerate(interior)}
    rows_eq, rhs = [], []
    for table, fields in (
        (by_year, ["source", "year", "iccs_l2"]),
        (by_code, ["source", "iccs_l2"]),
    ):
        for row in table:
            if not row["count"]:
                continue
            coef = np.zeros(len(interior))
            for key, i in index.items():
                full = dict(zip(["source", "year", "iccs_l2"], key, strict=True))
                if all(row[f] in ("Total", full[f]) for f in fields):
                    coef[i] = 1
            rows_eq.append(coef)
            rhs.append(int(row["count"]))
    a_eq, b_eq = np.array(rows_eq), np.array(rhs)
    withheld = [i for i, r in enumerate(interior) if not r["count"]]
    assert withheld  # the 3 of north 2023 theft at least
    for i in withheld:
        c = np.zeros(len(interior))
        c[i] = 1
        low = linprog(c, A_eq=a_eq, b_eq=b_eq, bounds=(0, None), method="highs")
        high = linprog(-c, A_eq=a_eq, b_eq=b_eq, bounds=(0, None), method="highs")
        assert low.status == 0
        width = -high.fun - low.fun if high.status == 0 else float("inf")
        assert width >= 3, interior[i]


def test_revised_release_keeps_withheld_cells_withheld(tmp_path: Path) -> None:
    first_db = _store(tmp_path / "s", CELLS)
    first = build_release(first_db, tmp_path / "r1").directory  # recorded in the store
    theft = [r for r in _csv(first / "offences_by_source_iccs_l2.csv") if r["iccs_l2"] == "0502"]
    north = next(r for r in theft if r["source"] == "north")
    assert north["count"] == ""  # 3 incidents
    assert north["status"] == "withheld"

    # one late report: north 2023 theft becomes 4, above the threshold
    late = base_row(
        incident_id="north-late", reported_date="2023-12-30", occurred_start="", iccs_code="0502"
    )
    from crimestats.services.ingesting import ingest_files

    ingest_files([write_flat(tmp_path / "late.csv", [late])], source="north", db=first_db)
    con = duckdb.connect(str(first_db), read_only=True)
    try:
        (count,) = con.execute(
            "SELECT count(*) FROM offences WHERE source = 'north' AND iccs_code = '0502'"
        ).fetchone() or (0,)
    finally:
        con.close()
    assert count == 4

    second = build_release(first_db, tmp_path / "r2", record=False).directory
    again = [r for r in _csv(second / "offences_by_source_iccs_l2.csv") if r["iccs_l2"] == "0502"]
    assert next(r for r in again if r["source"] == "north")["count"] == ""  # still withheld

    # without carrying forward, the 4 is published and 4 - (first release) reveals the 3
    off = parse_config({"carry_forward": False})
    third = build_release(first_db, tmp_path / "r3", config=off, record=False).directory
    rows = [r for r in _csv(third / "offences_by_source_iccs_l2.csv") if r["iccs_l2"] == "0502"]
    assert next(r for r in rows if r["source"] == "north")["count"] == "4"


def test_carry_forward_must_be_true_or_false() -> None:
    from crimestats.errors import UsageError

    with pytest.raises(UsageError, match="carry_forward"):
        parse_config({"carry_forward": "yes"})


def test_months_nest_in_years_across_linked_tables(tmp_path: Path) -> None:
    db = _store(tmp_path / "s", CELLS)
    config = parse_config(
        {
            "tables": [
                {"name": "by_year", "unit": "incidents", "by": ["source", "year"]},
                {"name": "by_month", "unit": "incidents", "by": ["source", "month"]},
            ]
        }
    )
    out = build_release(db, tmp_path / "rel", config=config, record=False).directory
    package = (out / "datapackage.json").read_text(encoding="utf-8")
    assert '"month in year"' in package
    by_year = _csv(out / "by_year.csv")
    by_month = _csv(out / "by_month.csv")
    interior = [r for r in by_month if "Total" not in (r["source"], r["month"])]
    published = [(r, [r]) for r in by_month if r["count"]]
    for row in by_year:  # a year cell is the sum of its months' cells
        if row["count"]:
            members = [
                m
                for m in interior
                if row["source"] in ("Total", m["source"])
                and (row["year"] == "Total" or m["month"].startswith(row["year"]))
            ]
            published.append((row, members))
    index = {id(r): i for i, r in enumerate(interior)}
    a_eq, b_eq = [], []
    for row, members in published:
        if members == [row] and row in interior:
            coef = np.zeros(len(interior))
            coef[index[id(row)]] = 1
        else:
            coef = np.zeros(len(interior))
            cells = members
            if row in by_month:  # a month-table margin
                cells = [
                    m
                    for m in interior
                    if row["source"] in ("Total", m["source"])
                    and row["month"] in ("Total", m["month"])
                ]
            for m in cells:
                coef[index[id(m)]] = 1
        a_eq.append(coef)
        b_eq.append(int(row["count"]))
    withheld = [i for i, r in enumerate(interior) if not r["count"]]
    for i in withheld:
        c = np.zeros(len(interior))
        c[i] = 1
        low = linprog(c, A_eq=np.array(a_eq), b_eq=np.array(b_eq), bounds=(0, None))
        high = linprog(-c, A_eq=np.array(a_eq), b_eq=np.array(b_eq), bounds=(0, None))
        assert low.status == 0
        width = -high.fun - low.fun if high.status == 0 else float("inf")
        assert width >= 3, interior[i]
