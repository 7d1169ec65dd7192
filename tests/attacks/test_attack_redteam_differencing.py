"""Red team, session 5: a total withheld by one table was published by another table of
the same unit in a later release, and with the earlier releases it placed the one added
incident exactly. Recorded cells now carry their unit, and a later release of ANY table
of the unit is protected against every statistic an earlier one published or withheld
(``storage.releases.recorded_cells_of_unit``, ``privacy.history``).
"""

from __future__ import annotations

import csv
import random
from pathlib import Path

from crimestats.release import build_release
from crimestats.release.config import load_config
from crimestats.services.ingesting import ingest_files

CODES = ("0101", "0201", "0401", "0501", "0601", "0701")


def _rows(path: Path) -> dict[tuple[str, ...], str | None]:
    """A release CSV as {field values: count or None (withheld)}."""
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        fields = [f for f in reader.fieldnames or [] if f not in ("count", "status")]
        return {tuple(r[f] for f in fields): (r["count"] or None) for r in reader}


def _store(tmp_path: Path) -> tuple[Path, tuple[str, str]]:
    """60 incidents in four areas; returns the store and an (area, ICCS section) with none."""
    rng = random.Random(7)  # noqa: S311 (test data, not secrets)
    base = tmp_path / "base.csv"
    seen: set[tuple[str, str]] = set()
    with base.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["incident_id", "reported_date", "area_code", "offence_seq", "iccs_code"])
        for i in range(60):
            area, code = rng.choice(("A1", "A2", "A3", "A4")), rng.choice(CODES)
            year = rng.choice((2020, 2021))
            writer.writerow([f"B{i}", f"{year}-0{rng.randint(1, 9)}-15", area, 1, code])
            seen.add((area, code[:2]))
    db = tmp_path / "s.duckdb"
    ingest_files([base], source="s", db=db)
    empty = sorted((a, c[:2]) for a in ("A1", "A2", "A3", "A4") for c in CODES)
    return db, next(cell for cell in empty if cell not in seen)


def _config(tmp_path: Path, name: str, by: str) -> Path:
    path = tmp_path / f"{name}.yaml"
    path.write_text(
        f"tables:\n  - {{name: {name}, unit: incidents, by: [{by}]}}\nmaps: {{method: none}}\n"
        # 60 random dates in months 1 to 9: every year is partial; the test is about totals
        "period: {include_partial: true}\n",
        encoding="utf-8",
    )
    return path


def test_a_total_withheld_by_one_table_is_not_published_by_another(tmp_path: Path) -> None:
    db, (area, section) = _store(tmp_path)
    by_area = load_config(_config(tmp_path, "inc_area_l1", "area, iccs_l1"))
    build_release(db, tmp_path / "rel1", config=by_area)
    added = tmp_path / "add.csv"  # one incident into a cell that was 0
    added.write_text(
        "incident_id,reported_date,area_code,offence_seq,iccs_code\n"
        f"N1,2021-03-11,{area},1,{section}01\n",
        encoding="utf-8",
    )
    ingest_files([added], source="s", db=db)
    rel2 = build_release(db, tmp_path / "rel2", config=by_area).directory
    second = _rows(rel2 / "inc_area_l1.csv")
    assert second[(area, section)] is None  # the new cell of 1 is withheld
    assert second[("Total", "Total")] is None  # and so is the grand total: 61 is not shown
    by_year = load_config(_config(tmp_path, "inc_year", "year"))
    rel3 = build_release(db, tmp_path / "rel3", config=by_year).directory
    third = _rows(rel3 / "inc_year.csv")
    # before: "Total,61,published" gave the attacker the total rel2 withheld
    assert third[("Total",)] is None
    published = [int(v) for k, v in third.items() if k != ("Total",) and v is not None]
    assert len(published) < len(third) - 1, "a withheld total beside all its parts is pinned"
