"""The flat input layouts: what every adapter produces and ``ingest`` reads without mapping.

``FLAT_V1`` is the incident layout of DESIGN.md section 3: one row per offence of an
incident; incident-level fields repeat on every row of the incident, and a row may also
carry one victim and one suspect (``victim_seq`` / ``suspect_seq``).
``JUSTICE_V1`` is the layout of justice events (police outcomes, court and prison data).

Field names are fixed: extend, never rename. ``crimestats schema`` prints these tables.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from crimestats.domain.enums import (
    Injury,
    JusticeStage,
    Motive,
    Relationship,
    Sex,
    TriState,
    VictimType,
    Weapon,
    values,
)


class FieldType(StrEnum):
    """How a field's text is parsed."""

    TEXT = "text"
    DATE = "date"  # ISO YYYY-MM-DD (a datetime is accepted and cut to its date)
    DATETIME = "datetime"  # ISO date or date-time
    DECIMAL = "decimal"
    INTEGER = "integer"
    ENUM = "enum"
    BOOLEAN = "boolean"


class Level(StrEnum):
    """Which record of the event model a field belongs to."""

    INCIDENT = "incident"
    OFFENCE = "offence"
    VICTIM = "victim"
    SUSPECT = "suspect"
    JUSTICE = "justice"


@dataclass(frozen=True, slots=True)
class FlatField:
    """One column of a flat layout."""

    name: str
    type: FieldType
    level: Level
    required: bool = False
    allowed: tuple[str, ...] = ()
    description: str = ""

    @property
    def values_text(self) -> str:
        """Allowed values as shown by ``crimestats schema``."""
        if self.allowed:
            return ", ".join(self.allowed)
        return {
            FieldType.TEXT: "text",
            FieldType.DATE: "ISO date YYYY-MM-DD",
            FieldType.DATETIME: "ISO date or datetime",
            FieldType.DECIMAL: "decimal number",
            FieldType.INTEGER: "integer",
            FieldType.BOOLEAN: "true, false",
            FieldType.ENUM: "",
        }[self.type]


_I, _O, _V, _S, _J = Level.INCIDENT, Level.OFFENCE, Level.VICTIM, Level.SUSPECT, Level.JUSTICE
_T, _E = FieldType.TEXT, FieldType.ENUM

FLAT_V1: tuple[FlatField, ...] = (
    FlatField("incident_id", _T, _I, True, description="unique per incident within a source"),
    FlatField("reported_date", FieldType.DATE, _I, True, description="date first reported"),
    FlatField("occurred_start", FieldType.DATETIME, _I, description="when it began"),
    FlatField("occurred_end", FieldType.DATETIME, _I, description="when it ended"),
    FlatField("area_code", _T, _I, description="finest administrative unit"),
    FlatField("lat", FieldType.DECIMAL, _I, description="WGS84 latitude"),
    FlatField("lon", FieldType.DECIMAL, _I, description="WGS84 longitude"),
    FlatField("location_type", _T, _I, description="kind of place (residence, street, ...)"),
    FlatField("cyber_related", _E, _I, allowed=values(TriState)),
    FlatField("weapon", _E, _I, allowed=values(Weapon)),
    FlatField("narrative", _T, _I, description="free text; sensitive, never published"),
    FlatField("offence_seq", FieldType.INTEGER, _O, description="1, 2, ... (default 1)"),
    FlatField("national_code", _T, _O, description="the source's offence code"),
    FlatField("national_label", _T, _O, description="the source's offence name"),
    FlatField("description", _T, _O, description="free-text offence description"),
    FlatField("attempted", _E, _O, allowed=values(TriState)),
    FlatField("iccs_code", _T, _O, description="a valid ICCS code, if the source codes to ICCS"),
    FlatField("motive", _E, _O, allowed=values(Motive), description="ICCS tag Mot"),
    FlatField("motive_detail", _T, _O, description="the source's finer motive, e.g. anti-asian"),
    FlatField("victim_seq", FieldType.INTEGER, _V, description="1, 2, ..."),
    FlatField("victim_type", _E, _V, allowed=values(VictimType)),
    FlatField("victim_sex", _E, _V, allowed=values(Sex)),
    FlatField("victim_age", FieldType.INTEGER, _V, description="years, 0-120"),
    FlatField("victim_citizenship", _T, _V, description="ISO 3166 alpha-3 where known"),
    FlatField("victim_relationship", _E, _V, allowed=values(Relationship)),
    FlatField("victim_injury", _E, _V, allowed=values(Injury)),
    FlatField("suspect_seq", FieldType.INTEGER, _S, description="1, 2, ..."),
    FlatField("suspect_person_ref", _T, _S, description="pseudonymous person key"),
    FlatField("suspect_sex", _E, _S, allowed=values(Sex)),
    FlatField("suspect_age", FieldType.INTEGER, _S, description="years, 0-120"),
    FlatField("suspect_citizenship", _T, _S, description="ISO 3166 alpha-3 where known"),
)
"""The flat v1 incident layout, in the column order of ``crimestats schema --template``."""

JUSTICE_V1: tuple[FlatField, ...] = (
    FlatField("incident_id", _T, _J, description="the incident the event belongs to"),
    FlatField("person_ref", _T, _J, description="pseudonymous person key"),
    FlatField("stage", _E, _J, True, allowed=values(JusticeStage)),
    FlatField("event_date", FieldType.DATE, _J, True, description="date of the event"),
    FlatField("detail", _T, _J, description="the source's own outcome wording"),
    FlatField("unsentenced", FieldType.BOOLEAN, _J, description="held without sentence"),
)
"""The flat v1 justice-event layout (police outcomes, prosecution, courts, prisons)."""

OFFENCE_TEXT_FIELDS = ("national_code", "national_label", "description", "iccs_code")
"""At least one of these must be present on a flat v1 row: an offence needs a name."""

LAYOUTS: dict[str, tuple[FlatField, ...]] = {"incidents": FLAT_V1, "justice_events": JUSTICE_V1}
"""Layouts by ingest target name."""


def field_names(layout: tuple[FlatField, ...]) -> tuple[str, ...]:
    """Column names of a layout, in order."""
    return tuple(f.name for f in layout)


MODEL_NAMES: dict[str, str] = {
    "victim_sex": "sex",
    "victim_age": "age",
    "victim_citizenship": "citizenship",
    "victim_relationship": "relationship_to_suspect",
    "victim_injury": "injury",
    "suspect_person_ref": "person_ref",
    "suspect_sex": "sex",
    "suspect_age": "age",
    "suspect_citizenship": "citizenship",
}
"""Flat columns named otherwise in the event model (:mod:`crimestats.domain.records`).

One flat row carries a victim and a suspect side by side, so their fields are prefixed;
every other column has its model field's name. A test checks each maps to a field.
"""


def model_field(flat: FlatField) -> str:
    """The event-model field, of the record of ``flat.level``, that a flat column fills."""
    return MODEL_NAMES.get(flat.name, flat.name)
