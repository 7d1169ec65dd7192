"""The event-based records of crimestats (DESIGN.md section 3), as plain dataclasses.

One *incident* is one criminal event, recorded once. It has one or more *offences*
(each coded to ICCS), zero or more *victims* and *suspects*, and may be followed through
the justice system by *justice events*. *Populations* and *areas* are the denominators
and the geography that statistics are computed against.

These classes describe the model; bulk data never goes through them (the store holds
millions of rows as columns). They give the Python API, tests and docs one vocabulary.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from crimestats.domain.enums import (
    IccsMethod,
    Injury,
    JusticeStage,
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
    event_date: date | None
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
    name: str
    level: str
    parent_code: str | None = None
    geometry: str | None = None
