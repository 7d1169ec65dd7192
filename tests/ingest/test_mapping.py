"""Declarative mappings: every option, checked against values worked out by hand."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from crimestats.errors import MappingError
from crimestats.ingest.mapping import load_mapping
from crimestats.services.ingesting import ingest_files


def _write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


SOURCE = """\
Ref;When;Kind;Where;Lat;Lon;Age;Weapon used;Place
R1;03/15/2014 11:30:00 PM;ATTEMPT ROBBERY: HANDGUN;Beat 7, North;41.9;-87.7;31;;Street
R2;03/16/2014 01:00:00 AM;THEFT;Beat 9, South;0;0;;KNIFE;
;03/17/2014 09:15:00 AM;BATTERY;Beat 1, East;45.5;-80.1;;;Park
"""

MAPPING = """\
name: test_source
delimiter: ";"
bbox: [-88.0, 41.5, -87.5, 42.1]
severity: {coordinates-null-island: error}
fields:
  incident_id: {column: Ref, if_empty: {generate: file_row}}
  reported_date: {column: When, format: "%m/%d/%Y %I:%M:%S %p"}
  occurred_start: {column: When, format: ["%Y", "%m/%d/%Y %I:%M:%S %p"]}
  national_label: {column: Kind, regex: "^(?:ATTEMPT )?([A-Z]+)"}
  description: {columns: [Kind, Place], join: " @ "}
  area_code: {column: Where, split: {sep: ",", index: 0}, transform: [upper]}
  lat: Lat
  lon: Lon
  victim_age: Age
  weapon:
    column: Weapon used
    map: {KNIFE: knife}
    if_empty: {column: Kind, patterns: [["HANDGUN", firearm]], unmapped: default, default: unknown}
  attempted: {column: Kind, patterns: [["^ATTEMPT", "true"]], unmapped: default, default: "false"}
  cyber_related: {value: "false"}
"""


@pytest.fixture
def loaded(tmp_path: Path) -> tuple[Path, dict[str, int]]:
    src = _write(tmp_path / "src.csv", SOURCE)
    mapping = _write(tmp_path / "m.yaml", MAPPING)
    db = tmp_path / "s.duckdb"
    result = ingest_files([src], source="t", db=db, mapping=mapping)[0]
    return db, result.to_dict()


def test_mapping_options_produce_the_expected_fields(loaded: tuple[Path, dict[str, int]]) -> None:
    db, result = loaded
    # R2 sits on (0, 0): null island, raised to an error by the mapping, and outside the
    # bbox too; the third row lies outside the bbox (a warning) and has no Ref, so it gets
    # a generated id.
    assert (result["read"], result["accepted"], result["quarantined"]) == (3, 2, 1)
    assert result["issues"] == {"coordinates-null-island": 1, "coordinates-outside-bbox": 2}
    con = duckdb.connect(str(db), read_only=True)
    rows = con.execute(
        "SELECT i.incident_id, CAST(i.reported_date AS VARCHAR), CAST(i.occurred_start AS VARCHAR),"
        " i.area_code, i.weapon, i.cyber_related, o.national_label, o.description, o.attempted "
        "FROM incidents i JOIN offences o USING (source, incident_id) ORDER BY i.reported_date"
    ).fetchall()
    ages = con.execute("SELECT age FROM victims").fetchall()
    con.close()
    first, third = rows
    assert first == (
        "R1", "2014-03-15", "2014-03-15 23:30:00", "BEAT 7", "firearm", "false", "ROBBERY",
        "ATTEMPT ROBBERY: HANDGUN @ Street", "true",
    )  # fmt: skip
    assert third[0].endswith(":3")  # file checksum prefix, then the data-row number
    assert third[1:] == (
        "2014-03-17", "2014-03-17 09:15:00", "BEAT 1", "unknown", "false", "BATTERY",
        "BATTERY @ Park", "false",
    )  # fmt: skip
    assert ages == [(31,)]


def test_generated_ids_are_stable_so_reingest_is_idempotent(
    loaded: tuple[Path, dict[str, int]], tmp_path: Path
) -> None:
    db, _ = loaded
    again = ingest_files([tmp_path / "src.csv"], source="t", db=db, mapping=tmp_path / "m.yaml")[0]
    assert (again.accepted, again.duplicates) == (0, 3)


def test_decimal_comma_coordinates(tmp_path: Path) -> None:
    src = _write(
        tmp_path / "eu.csv", "nr;datum;delikt;breite;laenge\n7;15.03.2014;Diebstahl;52,52;13,405\n"
    )
    mapping = _write(
        tmp_path / "eu.yaml",
        'delimiter: ";"\nfields:\n  incident_id: nr\n'
        '  reported_date: {column: datum, format: "%d.%m.%Y"}\n  national_label: delikt\n'
        "  lat: {column: breite, transform: [decimal_comma]}\n"
        "  lon: {column: laenge, transform: [decimal_comma]}\n",
    )
    db = tmp_path / "eu.duckdb"
    result = ingest_files([src], source="eu", db=db, mapping=mapping)[0]
    assert result.accepted == 1
    con = duckdb.connect(str(db), read_only=True)
    row = con.execute("SELECT CAST(reported_date AS VARCHAR), lat, lon FROM incidents").fetchone()
    con.close()
    assert row == ("2014-03-15", 52.52, 13.405)


def test_limits_are_configurable(tmp_path: Path) -> None:
    rows = "incident_id,reported_date,national_label,victim_seq\n" + "".join(
        f"A,2024-01-01,Assault,{i}\n" for i in range(1, 4)
    )
    src = _write(tmp_path / "v.csv", rows)
    mapping = _write(
        tmp_path / "v.yaml",
        "limits: {max_victims_per_incident: 2}\nfields:\n  incident_id: incident_id\n"
        "  reported_date: reported_date\n  national_label: national_label\n"
        "  victim_seq: victim_seq\n",
    )
    result = ingest_files([src], source="t", db=tmp_path / "v.duckdb", mapping=mapping)[0]
    assert result.quarantined == 3
    assert result.issues["too-many-victims"] == 3


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("fields: [a]", "fields"),
        ("fields:\n  incident_id: ID\n", "required field(s) not mapped"),
        ("fields:\n  incident_ident: ID\n", "not a field of the incidents layout"),
        ("target: prisons\nfields:\n  x: y\n", "unknown target"),
        ("delimiter: ';;'\nfields:\n  incident_id: a\n  reported_date: b\n", "one character"),
        ("fields:\n  incident_id: {column: a, regex: '('}\n  reported_date: b\n", "regular"),
        ("fields:\n  incident_id: a\n  reported_date: {column: b, format: '%Y'}\n  weapon: "
         "{column: c, format: '%Y'}\n", "date fields only"),
        ("severity: {no-such-rule: error}\nfields:\n  incident_id: a\n  reported_date: b\n",
         "unknown rule code"),
        ("fields:\n  incident_id: a\n  reported_date: b\n   bad indent: [\n", "not valid YAML"),
    ],
)  # fmt: skip
def test_bad_mapping_files_name_file_key_and_fix(tmp_path: Path, text: str, fragment: str) -> None:
    path = _write(tmp_path / "bad.yaml", text)
    with pytest.raises(MappingError) as info:
        load_mapping(path)
    assert str(path) in str(info.value)
    assert fragment in str(info.value)
    assert info.value.hint


def test_missing_mapping_file(tmp_path: Path) -> None:
    with pytest.raises(MappingError, match="does not exist"):
        load_mapping(tmp_path / "nope.yaml")
