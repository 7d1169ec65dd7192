"""The store's tables and the flat layouts agree with the event model (``domain/records.py``).

The model is declared once, as dataclasses; the DDL is a chain of append-only migrations.
This test migrates a fresh store and compares every stored record's table, column by
column (name, DuckDB type, nullability), with the record, so a column added to a
migration without the model (or the other way round) fails here with the difference.
It also checks that each column of the flat layouts fills a field of the model.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime
from enum import StrEnum

import duckdb
import pytest

from crimestats.domain.enums import values
from crimestats.domain.flat_layout import (
    FLAT_V1,
    JUSTICE_V1,
    FieldType,
    FlatField,
    Level,
    model_field,
)
from crimestats.domain.records import (
    STORED_RECORDS,
    Incident,
    IngestId,
    JusticeEvent,
    Offence,
    RowHash,
    StoredRecord,
    Suspect,
    Victim,
    record_columns,
)
from crimestats.storage.store import migrate

DUCKDB_TYPES: dict[object, str] = {
    str: "VARCHAR",
    int: "INTEGER",
    float: "DOUBLE",
    bool: "BOOLEAN",
    date: "DATE",
    datetime: "TIMESTAMP",
    RowHash: "UBIGINT",
    IngestId: "BIGINT",
}
"""How a model type is stored; an enumeration is stored as its value (VARCHAR)."""


def duckdb_type(python_type: object) -> str:
    if isinstance(python_type, type) and issubclass(python_type, StrEnum):
        return "VARCHAR"
    return DUCKDB_TYPES[python_type]


def schema_diff(con: duckdb.DuckDBPyConnection, stored: StoredRecord) -> list[str]:
    """Where ``stored.table`` differs from its record: one readable line per column."""
    described = con.execute(f"DESCRIBE {stored.table}").fetchall()
    actual = {name: (kind, null == "YES") for name, kind, null, *_ in described}
    wanted = {c.name: (duckdb_type(c.type), c.nullable) for c in stored.columns()}
    null = {True: "NULL", False: "NOT NULL"}
    lines = []
    for name in sorted(actual.keys() | wanted.keys()):
        if name not in wanted:
            kind, nullable = actual[name]
            lines.append(
                f"{stored.table}.{name} {kind} {null[nullable]}: in the DDL, not the model"
            )
        elif name not in actual:
            kind, nullable = wanted[name]
            lines.append(
                f"{stored.table}.{name} {kind} {null[nullable]}: in the model, not the DDL"
            )
        elif actual[name] != wanted[name]:
            (a_kind, a_null), (w_kind, w_null) = actual[name], wanted[name]
            lines.append(
                f"{stored.table}.{name}: DDL {a_kind} {null[a_null]}, model {w_kind} {null[w_null]}"
            )
    return lines


@pytest.fixture
def store() -> Iterator[duckdb.DuckDBPyConnection]:
    con = duckdb.connect(":memory:")
    migrate(con)
    yield con
    con.close()


@pytest.mark.parametrize("stored", STORED_RECORDS, ids=lambda s: s.table)
def test_table_matches_its_record(store: duckdb.DuckDBPyConnection, stored: StoredRecord) -> None:
    diff = schema_diff(store, stored)
    assert not diff, "the DDL and domain/records.py disagree:\n" + "\n".join(diff)


def test_every_event_table_is_declared() -> None:
    tables = {s.table for s in STORED_RECORDS}
    assert {"incidents", "offences", "victims", "suspects", "justice_events"} <= tables


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (
            "ALTER TABLE victims ADD COLUMN disability VARCHAR",
            "victims.disability VARCHAR NULL: in the DDL, not the model",
        ),
        (
            "ALTER TABLE offences DROP COLUMN needs_review",
            "offences.needs_review BOOLEAN NULL: in the model, not the DDL",
        ),
        (
            "ALTER TABLE incidents ALTER COLUMN lat TYPE FLOAT",
            "incidents.lat: DDL FLOAT NULL, model DOUBLE NULL",
        ),
        (
            "ALTER TABLE suspects ALTER COLUMN age SET NOT NULL",
            "suspects.age: DDL INTEGER NOT NULL, model INTEGER NULL",
        ),
    ],
)
def test_a_ddl_change_without_the_model_is_caught(
    store: duckdb.DuckDBPyConnection, change: str, expected: str
) -> None:
    store.execute(change)
    table = change.split()[2]
    (stored,) = (s for s in STORED_RECORDS if s.table == table)
    assert schema_diff(store, stored) == [expected]


RECORD_OF_LEVEL = {
    Level.INCIDENT: Incident,
    Level.OFFENCE: Offence,
    Level.VICTIM: Victim,
    Level.SUSPECT: Suspect,
    Level.JUSTICE: JusticeEvent,
}
PYTHON_TYPE_OF: dict[FieldType, type] = {
    FieldType.TEXT: str,
    FieldType.DATE: date,
    FieldType.DATETIME: datetime,
    FieldType.DECIMAL: float,
    FieldType.INTEGER: int,
    FieldType.BOOLEAN: bool,
}


def layout_problems(flat: FlatField) -> list[str]:
    """Why a flat column does not fill a field of the model (empty when it does)."""
    record = RECORD_OF_LEVEL[flat.level]
    columns = {c.name: c for c in record_columns(record)}
    name = model_field(flat)
    if name not in columns:
        return [f"{flat.name}: {record.__name__} has no field {name!r}"]
    column = columns[name]
    problems = []
    if flat.type is FieldType.ENUM:
        is_enum = isinstance(column.type, type) and issubclass(column.type, StrEnum)
        if not is_enum or values(column.type) != flat.allowed:  # type: ignore[arg-type]
            problems.append(
                f"{flat.name}: allowed {flat.allowed} but the model takes {column.type}"
            )
    elif PYTHON_TYPE_OF[flat.type] is not column.type:
        problems.append(f"{flat.name}: {flat.type} but the model field is {column.type}")
    if flat.required and column.nullable:
        problems.append(f"{flat.name}: required, but {record.__name__}.{name} may be None")
    return problems


@pytest.mark.parametrize("flat", FLAT_V1 + JUSTICE_V1, ids=lambda f: f"{f.level}.{f.name}")
def test_flat_field_fills_a_model_field(flat: FlatField) -> None:
    assert layout_problems(flat) == []


@pytest.mark.parametrize(
    ("flat", "expected"),
    [
        (
            FlatField("victim_shoe_size", FieldType.INTEGER, Level.VICTIM),
            "victim_shoe_size: Victim has no field 'victim_shoe_size'",
        ),
        (
            FlatField("lat", FieldType.TEXT, Level.INCIDENT),
            "lat: text but the model field is <class 'float'>",
        ),
        (
            FlatField("weapon", FieldType.ENUM, Level.INCIDENT, allowed=("knife",)),
            "weapon: allowed ('knife',) but the model takes <enum 'Weapon'>",
        ),
        (
            FlatField("area_code", FieldType.TEXT, Level.INCIDENT, required=True),
            "area_code: required, but Incident.area_code may be None",
        ),
    ],
)
def test_a_flat_field_outside_the_model_is_caught(flat: FlatField, expected: str) -> None:
    assert layout_problems(flat) == [expected]
