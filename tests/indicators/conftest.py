"""A tiny hand-made store for the indicator tests, every number known by hand."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest
from tests.conftest import set_iccs_codes, write_flat

from crimestats.services.ingesting import ingest_files
from crimestats.services.statistics import ingest_population

# Source "tiny", all reported in 2024, area codes irrelevant (the rates use --area X):
# H1 homicide (0101): victims female 20 (intimate_partner), male 70 (stranger)
# H2 homicide (01011): victim male, no age (family); firearm; cyber false
# T1 trafficking (02041): victims female 16 (unknown relationship), female 25 (unknown)
# T2 trafficking (0204 only): victim male 40 (acquaintance)
# A1 assault (0201), knife, cyber true, 2 offences (0201, 0501), no victim
# A2 theft (0502), weapon unknown, cyber unknown, no victim
TINY = [
    {"incident_id": "H1", "national_label": "murder", "weapon": "knife", "cyber_related": "false",
     "victim_seq": 1, "victim_type": "person", "victim_sex": "female", "victim_age": 20,
     "victim_relationship": "intimate_partner"},
    {"incident_id": "H1", "national_label": "murder", "weapon": "knife", "cyber_related": "false",
     "victim_seq": 2, "victim_type": "person", "victim_sex": "male", "victim_age": 70,
     "victim_relationship": "stranger"},
    {"incident_id": "H2", "national_label": "murder", "weapon": "firearm",
     "cyber_related": "false", "victim_seq": 1, "victim_type": "person", "victim_sex": "male",
     "victim_relationship": "family"},
    {"incident_id": "T1", "national_label": "trafficking", "victim_seq": 1,
     "victim_type": "person", "victim_sex": "female", "victim_age": 16},
    {"incident_id": "T1", "national_label": "trafficking", "victim_seq": 2,
     "victim_type": "person", "victim_sex": "female", "victim_age": 25},
    {"incident_id": "T2", "national_label": "trafficking", "victim_seq": 1,
     "victim_type": "person", "victim_sex": "male", "victim_age": 40,
     "victim_relationship": "acquaintance"},
    {"incident_id": "A1", "offence_seq": 1, "national_label": "assault", "weapon": "knife",
     "cyber_related": "true"},
    {"incident_id": "A1", "offence_seq": 2, "national_label": "theft", "weapon": "knife",
     "cyber_related": "true"},
    {"incident_id": "A2", "national_label": "theft"},
]  # fmt: skip
CODES = {("H1", 1): "0101", ("H2", 1): "01011", ("T1", 1): "02041", ("T2", 1): "0204",
         ("A1", 1): "0201", ("A1", 2): "0501", ("A2", 1): "0502"}  # fmt: skip
# justice events (source tiny): A1 arrested 2024-03-01, prosecuted 2024-04-01;
# H1 admitted_to_prison unsentenced (2024-02-01); H2 admitted_to_prison sentenced
# (2024-06-01); T1 admitted_to_prison, status blank (2024-07-01)
EVENTS = [("A1", "arrested", "2024-03-01", None), ("A1", "prosecuted", "2024-04-01", None),
          ("H1", "admitted_to_prison", "2024-02-01", True),
          ("H2", "admitted_to_prison", "2024-06-01", False),
          ("T1", "admitted_to_prison", "2024-07-01", None)]  # fmt: skip
POPULATIONS = (
    "area_code,year,population,sex,age_group\n"
    "X,2024,200000,,\nX,2024,100000,female,\nX,2024,100000,male,\n"
    "X,2024,50000,,15-29\nX,2024,20000,,60+\n"
)


@pytest.fixture(scope="module")
def tiny_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("tiny_ind")
    db = folder / "tiny.duckdb"
    rows = [{"reported_date": "2024-01-10", "offence_seq": 1, **r} for r in TINY]
    [result] = ingest_files([write_flat(folder / "tiny.csv", rows)], source="tiny", db=db)
    assert result.accepted == len(rows), result
    set_iccs_codes(db, CODES)
    con = duckdb.connect(str(db))
    try:
        for incident, stage, date, unsentenced in EVENTS:
            con.execute(
                "INSERT INTO justice_events VALUES ('tiny', NULL, ?, ?, ?, NULL, ?, 0, 0)",
                [incident, stage, date, unsentenced],
            )
    finally:
        con.close()
    pop = folder / "pop.csv"
    pop.write_text(POPULATIONS, encoding="utf-8")
    ingest_population(db, pop, source="census")
    return db
