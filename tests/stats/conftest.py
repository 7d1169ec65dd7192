"""Stores for the statistics tests: the demo store (real data) and a tiny hand-made one."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import duckdb
import pytest
from tests.conftest import set_iccs_codes, write_flat

from crimestats.services.ingesting import ingest_files


def sql(db: Path, query: str) -> list[tuple[Any, ...]]:
    """Plain DuckDB SQL on a store, read-only: the independent computation to compare with."""
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute(query).fetchall()
    finally:
        con.close()


# The tiny store, known by hand:
# I1 (A1, reported 2024-01-10, occurred 2023-12-31): offences 02011, 0501, 02012;
#     victims female 20 and male 70; one suspect
# I2 (A1, reported 2024-05-02): offence 0101 (level 2 only); victim sex unknown, no age;
#     two suspects
# I3 (A2, reported 2023-07-01): offence uncoded; no victim
# I4 (no area, reported 2024-02-29): offence 0501; no victim
TINY_ROWS = [
    {"incident_id": "I1", "reported_date": "2024-01-10", "occurred_start": "2023-12-31",
     "area_code": "A1", "offence_seq": 1, "national_label": "assault",
     "victim_seq": 1, "victim_type": "person", "victim_sex": "female", "victim_age": 20,
     "suspect_seq": 1, "suspect_sex": "male"},
    {"incident_id": "I1", "reported_date": "2024-01-10", "occurred_start": "2023-12-31",
     "area_code": "A1", "offence_seq": 2, "national_label": "theft",
     "victim_seq": 2, "victim_type": "person", "victim_sex": "male", "victim_age": 70},
    {"incident_id": "I1", "reported_date": "2024-01-10", "occurred_start": "2023-12-31",
     "area_code": "A1", "offence_seq": 3, "national_label": "threat"},
    {"incident_id": "I2", "reported_date": "2024-05-02", "area_code": "A1", "offence_seq": 1,
     "national_label": "murder", "victim_seq": 1, "victim_type": "person",
     "victim_sex": "unknown", "suspect_seq": 1, "suspect_sex": "male"},
    {"incident_id": "I2", "reported_date": "2024-05-02", "area_code": "A1", "offence_seq": 1,
     "national_label": "murder", "victim_seq": 1, "victim_type": "person",
     "victim_sex": "unknown", "suspect_seq": 2, "suspect_sex": "female"},
    {"incident_id": "I3", "reported_date": "2023-07-01", "area_code": "A2", "offence_seq": 1,
     "national_label": "unknown thing"},
    {"incident_id": "I4", "reported_date": "2024-02-29", "offence_seq": 1,
     "national_label": "burglary"},
]  # fmt: skip

TINY_CODES = {("I1", 1): "02011", ("I1", 2): "0501", ("I1", 3): "02012",
              ("I2", 1): "0101", ("I3", 1): None, ("I4", 1): "0501"}  # fmt: skip


@pytest.fixture(scope="module")
def tiny_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The hand-made store described above (codes set with plain SQL after ingest)."""
    folder = tmp_path_factory.mktemp("tiny")
    db = folder / "tiny.duckdb"
    path = write_flat(folder / "tiny.csv", TINY_ROWS)
    [result] = ingest_files([path], source="tiny", db=db)
    assert result.accepted == len(TINY_ROWS), result
    set_iccs_codes(db, TINY_CODES)
    return db
