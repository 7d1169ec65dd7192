"""The ingest floor's phases (``bench/ingest_floor.py``) store what a real ingest stores.

The floor times the least work a load can do; it is only a floor of *the* load if it
writes the same records. The expected counts here are the distinct keys of the rows,
counted in Python from the rows as written (no crimestats code), and the real ingest
of the same file must agree with them too. No timing is asserted.
"""

from __future__ import annotations

import csv
import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import pytest

from crimestats import ingest_files
from crimestats.domain.flat_layout import FLAT_V1, field_names

BENCH = Path(__file__).resolve().parents[2] / "bench"
FLOOR = BENCH / "ingest_floor.py"

VICTIM = ("victim_seq", "victim_type", "victim_sex", "victim_age")
SUSPECT = ("suspect_seq", "suspect_person_ref", "suspect_sex", "suspect_age")

_R = dict[str, str]
CLEAN: list[_R] = [
    # two offences, one victim and one suspect named on both rows
    {"incident_id": "A", "offence_seq": "1", "national_code": "1310", "victim_seq": "1",
     "victim_sex": "female", "victim_age": "34", "suspect_seq": "1", "suspect_sex": "male"},
    {"incident_id": "A", "offence_seq": "2", "national_code": "0486", "victim_seq": "1",
     "victim_sex": "female", "victim_age": "34", "suspect_seq": "1", "suspect_sex": "male"},
    # one offence, two victims, no suspect
    {"incident_id": "B", "offence_seq": "1", "national_code": "0820", "victim_seq": "1",
     "victim_type": "person", "victim_age": "61"},
    {"incident_id": "B", "offence_seq": "1", "national_code": "0820", "victim_seq": "2",
     "victim_type": "person", "victim_age": "29"},
    # no victim, no suspect, no offence number (offence 1), and an exact copy of the row
    {"incident_id": "C", "national_code": "1811"},
    {"incident_id": "C", "national_code": "1811"},
]  # fmt: skip
BAD: list[_R] = [
    {"incident_id": "", "national_code": "1310"},  # no id: the store's NOT NULL refuses it
    {"incident_id": "D", "reported_date": "2019-13-45", "national_code": "1310"},  # no date
]


def _floor() -> ModuleType:
    if str(BENCH) not in sys.path:  # the floor imports its records as the bench scripts do
        sys.path.insert(0, str(BENCH))
    spec = importlib.util.spec_from_file_location("ingest_floor", FLOOR)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault(spec.name, module)  # its dataclass resolves names through it
    spec.loader.exec_module(sys.modules[spec.name])
    return sys.modules[spec.name]


def _write(path: Path, rows: list[_R]) -> None:
    with path.open("w", newline="") as out:
        writer = csv.DictWriter(out, fieldnames=field_names(FLAT_V1))
        writer.writeheader()
        for row in rows:
            writer.writerow({"reported_date": "2024-03-01", **row})


def _expected(rows: list[_R]) -> dict[str, int]:
    """Distinct records of the rows that have an id and a date, counted by hand."""
    ok = [r for r in rows if r["incident_id"] and r.get("reported_date") != "2019-13-45"]
    return {
        "incidents": len({r["incident_id"] for r in ok}),
        "offences": len({(r["incident_id"], r.get("offence_seq") or "1") for r in ok}),
        "victims": len(
            {(r["incident_id"], r.get("victim_seq") or "1") for r in ok if any(map(r.get, VICTIM))}
        ),
        "suspects": len(
            {
                (r["incident_id"], r.get("suspect_seq") or "1")
                for r in ok
                if any(map(r.get, SUSPECT))
            }
        ),
    }


FLOORS = sorted(_floor().KINDS)


def test_the_hand_counts_are_what_the_rows_say() -> None:
    assert _expected(CLEAN) == {"incidents": 3, "offences": 4, "victims": 3, "suspects": 1}


@pytest.mark.parametrize("name", FLOORS)
def test_a_floor_stores_the_records_a_real_ingest_stores(tmp_path: Path, name: str) -> None:
    floor = _floor()
    path = tmp_path / "clean.csv"
    _write(path, CLEAN)
    got = floor.floor_load(path, tmp_path / "floor.duckdb", floor.KINDS[name])
    assert (got.phase, got.stored.to_json()) == (name, _expected(CLEAN))
    result = ingest_files([path], source="bench", db=tmp_path / "ingest.duckdb")[0]
    assert (result.accepted, result.quarantined, result.duplicates) == (5, 0, 1)
    assert floor.store_counts(tmp_path / "ingest.duckdb").to_json() == _expected(CLEAN)


@pytest.mark.parametrize("name", FLOORS)
def test_a_floor_leaves_out_the_rows_the_store_cannot_hold(tmp_path: Path, name: str) -> None:
    floor = _floor()
    path = tmp_path / "bad.csv"
    _write(path, CLEAN + BAD)
    got = floor.floor_load(path, tmp_path / "floor.duckdb", floor.KINDS[name])
    assert got.stored.to_json() == _expected(CLEAN)
