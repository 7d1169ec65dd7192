"""Declarative mappings: every option, checked against values worked out by hand."""

from __future__ import annotations

import re
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


# --- docs/mappings.md: the reference of every option ------------------------------------

DOCS = Path(__file__).resolve().parents[2] / "docs" / "mappings.md"


def _doc_sections() -> dict[str, list[str]]:
    """``### `key``` heading -> the YAML examples under it, per part (field / top level)."""
    text = DOCS.read_text(encoding="utf-8")
    sections: dict[str, list[str]] = {}
    part = ""
    for block in re.split(r"^(?=##+ )", text, flags=re.MULTILINE):
        heading = block.splitlines()[0] if block.strip() else ""
        if heading.startswith("## "):
            part = "spec" if "Field" in heading else "top"
        found = re.match(r"### `(\w+)`", heading)
        if found:
            key = f"{part}:{found.group(1)}"
            sections[key] = re.findall(r"```yaml\n(.*?)```", block, flags=re.DOTALL)
    return sections


def test_docs_mappings_documents_every_key_with_an_example() -> None:
    from crimestats.ingest import mapping as mapping_module
    from crimestats.ingest.mapping_spec import SPEC_KEYS

    sections = _doc_sections()
    top_keys = mapping_module._TOP_KEYS
    expected = {f"spec:{k}" for k in SPEC_KEYS} | {f"top:{k}" for k in top_keys}
    assert set(sections) == expected
    for key, examples in sections.items():
        assert examples, f"{key} has no example"
    doc = mapping_module.__doc__ or ""
    for key in (*SPEC_KEYS, *top_keys):  # the module's own list names each key too
        assert re.search(rf"\b{key}\b", doc), key


def test_every_example_in_docs_mappings_loads(tmp_path: Path) -> None:
    examples = [e for ex in _doc_sections().values() for e in ex]
    examples += re.findall(
        r"```yaml\n(.*?)```", DOCS.read_text(encoding="utf-8").split("## Several", 1)[1], re.DOTALL
    )
    assert len(examples) >= 30
    for i, example in enumerate(examples):
        loaded = load_mapping(_write(tmp_path / f"example{i}.yaml", example))
        assert loaded.fields, example
