"""Enumerations of the canonical data model (DESIGN.md section 3).

Values are lower-case snake-case strings, exactly as they appear in the flat v1 layout and
in the store, so that a value read from a file can be checked with ``Enum(value)``.
Extend an enumeration, never rename a value: published tables and mappings depend on them.
"""

from __future__ import annotations

from enum import StrEnum


class TriState(StrEnum):
    """Yes/no facts that sources often do not know (``cyber_related``, ``attempted``)."""

    TRUE = "true"
    FALSE = "false"
    UNKNOWN = "unknown"


class Weapon(StrEnum):
    """ICCS event tag *We* collapsed to what police sources reliably record."""

    FIREARM = "firearm"
    KNIFE = "knife"
    OTHER = "other"
    NONE = "none"
    UNKNOWN = "unknown"


class VictimType(StrEnum):
    """ICCS victim tag *ViP*: who was harmed (NIBRS "type of victim" collapsed)."""

    PERSON = "person"
    LEGAL_ENTITY = "legal_entity"
    STATE = "state"
    SOCIETY = "society"


class Sex(StrEnum):
    """Sex of a victim or suspect as recorded by the source."""

    MALE = "male"
    FEMALE = "female"
    OTHER = "other"
    UNKNOWN = "unknown"


class Relationship(StrEnum):
    """Victim-to-suspect relationship, ICCS Table IV collapsed to its top level."""

    INTIMATE_PARTNER = "intimate_partner"
    FAMILY = "family"
    ACQUAINTANCE = "acquaintance"
    STRANGER = "stranger"
    OTHER = "other"
    UNKNOWN = "unknown"


class Injury(StrEnum):
    """Seriousness of a victim's injury (ICCS victim tag *In*, simplified)."""

    NONE = "none"
    MINOR = "minor"
    SERIOUS = "serious"
    FATAL = "fatal"
    UNKNOWN = "unknown"


class Motive(StrEnum):
    """Why the offence was committed: the ICCS event tag *Mot* ("Motive").

    ICCS v1.0 (UNODC 2015), Table II "Disaggregating variable categories", tag Mot:
    1 Illicit gain, 2 Hate crime, 3 Gender-based, 4 Interpersonal conflict, 5 Political
    agenda, 6 Other motive, 7 Not applicable, 8 Not known; one value each, in that order.
    The finer detail a source gives (which bias: anti-Asian, anti-Jewish, ...) has no ICCS
    category: it is kept as the source wrote it in the offence's ``motive_detail``.
    """

    ILLICIT_GAIN = "illicit_gain"
    HATE_CRIME = "hate_crime"
    GENDER_BASED = "gender_based"
    INTERPERSONAL_CONFLICT = "interpersonal_conflict"
    POLITICAL_AGENDA = "political_agenda"
    OTHER = "other"
    NOT_APPLICABLE = "not_applicable"
    UNKNOWN = "unknown"


class JusticeStage(StrEnum):
    """Stages of the justice-system flow a person or an offence can reach.

    DESIGN.md section 3 lists the seven person stages (``suspected`` .. ``released``).
    Real police outcome data (data.police.uk) also records what happened to offences
    with no person attached, so four stages are added: an investigation still open, one
    closed with no suspect identified, an out-of-court disposal (caution, penalty notice)
    and an outcome the source itself does not know.
    """

    UNDER_INVESTIGATION = "under_investigation"
    CLOSED_NO_SUSPECT = "closed_no_suspect"
    SUSPECTED = "suspected"
    ARRESTED = "arrested"
    OUT_OF_COURT_DISPOSAL = "out_of_court_disposal"
    PROSECUTED = "prosecuted"
    CONVICTED = "convicted"
    SENTENCED = "sentenced"
    ADMITTED_TO_PRISON = "admitted_to_prison"
    RELEASED = "released"
    UNKNOWN = "unknown"


class IccsMethod(StrEnum):
    """How an offence received its ICCS code (kept on every coded offence)."""

    SOURCE = "source"
    CORRESPONDENCE = "correspondence"
    MODEL = "model"
    MANUAL = "manual"


def values(enum: type[StrEnum]) -> tuple[str, ...]:
    """The allowed string values of an enumeration, in declaration order."""
    return tuple(member.value for member in enum)
