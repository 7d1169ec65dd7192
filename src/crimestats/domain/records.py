"""The event model of crimestats (DESIGN.md section 3), declared once, as dataclasses.

One *incident* is one criminal event, recorded once. It has one or more *offences*
(each coded to ICCS), zero or more *victims* and *suspects*, and may be followed through
the justice system by *justice events*. *Populations* and *areas* are the denominators
and the geography that statistics are computed against.

Why this module is THE declaration, and not the DDL: the store's tables are built by
migrations that may only be appended to (``storage/migrations.py``; later ones ALTER
earlier tables), so no single CREATE TABLE says what a table holds today. These classes
do: each field's name, Python type, nullability (``X | None``) and, for an enumerated
field, the enumeration it takes. :data:`STORED_RECORDS` adds what only the store carries
(the incident's key on child tables, ``fields_hash``, ``ingest_id``). A test
(``tests/storage/test_model_matches_ddl.py``) migrates a fresh store and fails, with
the difference, when a table and its record disagree, and checks that every column of
the flat layouts fills a field of this model.

Bulk data never goes through these classes (the store holds millions of rows as
columns); they give the Python API, tests and docs one vocabulary.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from datetime import date, datetime
from types import UnionType
from typing import NewType, get_args, get_origin, get_type_hints

from crimestats.domain.enums import (
    IccsMethod,
    Injury,
    JusticeStage,
    Motive,
    Relationship,
    Sex,
    TriState,
    VictimType,
    Weapon,
)


@dataclass(frozen=True, slots=True)
class Offence:
    """One offence of an incident, as the source named it and as ICCS codes it."""

    offence_seq: int
    national_code: str | None = None
    national_label: str | None = None
    description: str | None = None
    attempted: TriState = TriState.UNKNOWN
    iccs_code: str | None = None
    iccs_method: IccsMethod | None = None
    iccs_confidence: float | None = None
    needs_review: bool | None = None  # a model-coded offence a person should check
    # ICCS tag Mot. Stored NULL-able only because DuckDB cannot add a NOT NULL column to
    # a table (migration 10): the column defaults to 'unknown' and the loader always
    # writes a value, so no stored offence has none.
    motive: Motive | None = None
    motive_detail: str | None = None  # the source's own finer motive (e.g. anti-asian)


@dataclass(frozen=True, slots=True)
class Victim:
    """A person or entity harmed by an incident, with the ICCS victim disaggregations."""

    victim_seq: int
    victim_type: VictimType = VictimType.PERSON
    sex: Sex = Sex.UNKNOWN
    age: int | None = None
    citizenship: str | None = None
    relationship_to_suspect: Relationship = Relationship.UNKNOWN
    injury: Injury = Injury.UNKNOWN


@dataclass(frozen=True, slots=True)
class Suspect:
    """A person suspected of an incident; ``person_ref`` is a pseudonymous key."""

    suspect_seq: int
    person_ref: str | None = None
    sex: Sex = Sex.UNKNOWN
    age: int | None = None
    citizenship: str | None = None


@dataclass(frozen=True, slots=True)
class Incident:
    """One criminal event, recorded once, with what happened and to whom."""

    source: str
    incident_id: str
    reported_date: date
    occurred_start: datetime | None = None
    occurred_end: datetime | None = None
    area_code: str | None = None
    lat: float | None = None
    lon: float | None = None
    location_type: str | None = None
    cyber_related: TriState = TriState.UNKNOWN
    weapon: Weapon = Weapon.UNKNOWN
    narrative: str | None = None  # sensitive: never published
    offences: tuple[Offence, ...] = field(default_factory=tuple)
    victims: tuple[Victim, ...] = field(default_factory=tuple)
    suspects: tuple[Suspect, ...] = field(default_factory=tuple)


@dataclass(frozen=True, slots=True)
class JusticeEvent:
    """A step of the justice-system flow for a person or an incident."""

    source: str
    stage: JusticeStage
    event_date: date
    incident_id: str | None = None
    person_ref: str | None = None
    detail: str | None = None
    unsentenced: bool | None = None


@dataclass(frozen=True, slots=True)
class Population:
    """A denominator: people living in an area in a year, optionally by sex and age."""

    area_code: str
    year: int
    population: float
    sex: Sex | None = None
    age_group: str | None = None


@dataclass(frozen=True, slots=True)
class Area:
    """An administrative or police area; ``geometry`` is GeoJSON text (WGS84)."""

    area_code: str
    name: str | None
    level: str
    parent_code: str | None = None
    geometry: str | None = None


RowHash = NewType("RowHash", int)
"""A row's 64-bit fields hash (unsigned): what a later file is checked against."""

IngestId = NewType("IngestId", int)
"""The id of the ingest that loaded a row (lineage)."""


@dataclass(frozen=True, slots=True)
class Column:
    """One column of a stored record: its name, Python type and whether it may be NULL.

    ``type`` is ``str``, ``int``, ``float``, ``bool``, ``date``, ``datetime``, an
    enumeration of :mod:`crimestats.domain.enums` (stored as its value), or one of the
    storage types :data:`RowHash` and :data:`IngestId`.
    """

    name: str
    type: object
    nullable: bool


@dataclass(frozen=True, slots=True)
class StoredRecord:
    """A record of the model and the store table that holds it.

    ``storage_only`` are the columns the table adds that the record does not carry:
    the incident's key on a child table (an offence belongs to the incident it is
    nested in), and the lineage every loaded row keeps.
    """

    table: str
    record: type
    storage_only: tuple[Column, ...] = ()

    def columns(self) -> tuple[Column, ...]:
        """Every column the table must have: the record's fields, then storage-only ones."""
        return record_columns(self.record) + self.storage_only


def record_columns(record: type) -> tuple[Column, ...]:
    """The stored fields of a record class (nested child records are their own tables)."""
    hints = get_type_hints(record)
    columns = []
    for f in fields(record):
        hint = hints[f.name]
        if get_origin(hint) is tuple:
            continue  # offences, victims, suspects: stored in their own tables
        if isinstance(hint, UnionType):
            (inner,) = (a for a in get_args(hint) if a is not type(None))
            columns.append(Column(f.name, inner, nullable=True))
        else:
            columns.append(Column(f.name, hint, nullable=False))
    return tuple(columns)


_INCIDENT_KEY = (Column("source", str, False), Column("incident_id", str, False))
_LINEAGE = (Column("fields_hash", RowHash, False), Column("ingest_id", IngestId, False))

STORED_RECORDS: tuple[StoredRecord, ...] = (
    StoredRecord("incidents", Incident, _LINEAGE),
    StoredRecord("offences", Offence, _INCIDENT_KEY + _LINEAGE),
    StoredRecord("victims", Victim, _INCIDENT_KEY + _LINEAGE),
    StoredRecord("suspects", Suspect, _INCIDENT_KEY + _LINEAGE),
    StoredRecord("justice_events", JusticeEvent, _LINEAGE),
    StoredRecord("populations", Population, (Column("source", str, True),)),
    StoredRecord("areas", Area),
)
"""Each record of the model and its table; the DDL is checked against this."""
