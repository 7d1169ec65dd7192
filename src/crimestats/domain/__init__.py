"""The domain core: the event-based model, its enumerations and the flat layouts.

Imports only the standard library (STYLE.md practice 1); a test enforces it.
"""

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
from crimestats.domain.flat_layout import FLAT_V1, JUSTICE_V1, FieldType, FlatField, Level
from crimestats.domain.records import (
    Area,
    Incident,
    JusticeEvent,
    Offence,
    Population,
    Suspect,
    Victim,
)

__all__ = [
    "FLAT_V1",
    "JUSTICE_V1",
    "Area",
    "FieldType",
    "FlatField",
    "IccsMethod",
    "Incident",
    "Injury",
    "JusticeEvent",
    "JusticeStage",
    "Level",
    "Offence",
    "Population",
    "Relationship",
    "Sex",
    "Suspect",
    "TriState",
    "Victim",
    "VictimType",
    "Weapon",
]
