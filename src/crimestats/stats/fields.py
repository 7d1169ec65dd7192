"""The registry of countable fields: every field a table can be broken down by, once.

One :class:`CountableField` per field says all the code needs to know about it: the
record it is read from, its Ibis expression, its public list of values (for DP tables),
when it can be blank, and its SDMX concept and codelist. Statistics
(:mod:`crimestats.stats.counting`), DP tables (:mod:`crimestats.release.dp_tables`) and
SDMX structures (:mod:`crimestats.release.sdmx_structure`) read :data:`FIELDS`; nothing
else declares a field (``docs/extending.md`` shows how to add one).

Each field belongs to one record of the event-based model (DESIGN.md section 3): the
incident (periods, area, source, weapon, ...), the offence (ICCS levels, attempted) or
the victim (sex, age group, relationship). Which records a table needs decides which
store tables are joined (see :mod:`crimestats.stats.counting`).

Why these definitions:

* **ICCS levels** follow the prefix structure of ICCS v1.0 (UNODC 2015, Part Two,
  "Broad and detailed structure"): the level-k category of a code is its first 2, 4, 5
  or 6 characters. A code recorded only to a shallower level has *no* value at a deeper
  level (NULL), never a guessed child: statistics are produced at the level of detail
  the coding supports (ICCS v1.0 Part One, on using the classification's levels).
* **Periods** are calendar year, quarter (``2024-Q1``) and month (``2024-03``), taken from
  the report date (police-recorded crime as in the UN-CTS) or the occurrence date.
  Quarter and month carry their year so a table by month alone never mixes years
  (the SDMX ``TIME_PERIOD`` convention).
* **Victim age groups** are those of the UNODC Global Study on Homicide and the UN-CTS
  (0-14, 15-29, 30-44, 45-59, 60+), plus ``unknown`` for a victim without an age.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from typing import Any, Final

from crimestats.domain.enums import Motive, Relationship, Sex, TriState, Weapon


class Record(StrEnum):
    """The record of the event-based model a field is read from."""

    INCIDENT = "incident"
    OFFENCE = "offence"
    VICTIM = "victim"
    SUSPECT = "suspect"  # no field reads it yet: counting joins suspects only to count them


class PeriodBasis(StrEnum):
    """Which date a period field is read from."""

    REPORTED = "reported"
    OCCURRED = "occurred"


PERIOD_COLUMN: Final[dict[PeriodBasis, str]] = {
    PeriodBasis.REPORTED: "reported_date",
    PeriodBasis.OCCURRED: "occurred_start",
}
"""The incidents column each period basis reads (occurrence: the start of the window)."""

ICCS_LENGTH: Final[dict[str, int]] = {"iccs_l1": 2, "iccs_l2": 4, "iccs_l3": 5, "iccs_l4": 6}
"""Characters of an ICCS code that make up its ancestor at each level."""

AGE_GROUPS: Final[tuple[tuple[str, int, int | None], ...]] = (
    ("0-14", 0, 14),
    ("15-29", 15, 29),
    ("30-44", 30, 44),
    ("45-59", 45, 59),
    ("60+", 60, None),
)
"""UNODC homicide age groups: (label, first age, last age or None for open-ended)."""

AGE_GROUP_LABELS: Final[tuple[str, ...]] = (*(g[0] for g in AGE_GROUPS), "unknown")


class CodelistKind(StrEnum):
    """Which kind of SDMX codelist a field's dimension takes (see sdmx_structure).

    ``iccs``: every code of ICCS v1.0 with its parents; ``sex``: the SDMX CL_SEX codes;
    ``age``: the SDMX CL_AGE pattern (``Y15T29``); ``values``: the values the release
    holds, each its own code.
    """

    ICCS = "iccs"
    SEX = "sex"
    AGE = "age"
    VALUES = "values"


@dataclass(frozen=True, slots=True)
class DomainInputs:
    """What a public list of values may depend on besides the field: never on counts.

    ``years`` is the period a release declares (``dp.years``), ``sources`` the sources
    named in the store's ``ingests`` table (chosen by the publisher).
    """

    years: tuple[int, int] | None
    sources: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class PublicDomain:
    """The values a public (DP) table may show for a field, zeros included.

    ``description`` is what a release's metadata says about the list; ``values`` makes it.
    """

    description: str
    values: Callable[[DomainInputs], list[str]]


@dataclass(frozen=True, slots=True)
class SdmxConcept:
    """How a field becomes an SDMX dimension: its concept and its codelist."""

    concept_id: str
    concept_name: str
    codelist: CodelistKind
    codelist_id: str
    codelist_name: str


@dataclass(frozen=True, slots=True)
class CountableField:
    """A field a table can be broken down by: everything the code knows about it, once.

    * ``record``: which record of the event-based model it is read from (decides joins);
    * ``expression``: its Ibis expression over the joined base table and period basis;
    * ``public``: its public list of values (``None``: no public list, so no DP table);
    * ``blank_in_record``: it can be empty even on its own record (an ICCS level deeper
      than the coding); a field of a record other than the incident is also empty
      where the counted unit has no such record (see :meth:`can_be_blank`);
    * ``sdmx``: its SDMX concept and codelist.
    """

    name: str
    record: Record
    description: str
    expression: Callable[[Any, PeriodBasis], Any]
    public: PublicDomain | None
    sdmx: SdmxConcept
    blank_in_record: bool = False
    is_period: bool = False

    def can_be_blank(self, unit: str) -> bool:
        """Whether a table of ``unit`` can have no value at this field."""
        if self.blank_in_record:
            return True
        return self.record is not Record.INCIDENT and unit != RECORD_UNIT[self.record]


Field = CountableField
"""The older name of :class:`CountableField`."""

RECORD_UNIT: Final[dict[Record, str]] = {
    Record.INCIDENT: "incidents",
    Record.OFFENCE: "offences",
    Record.VICTIM: "victims",
    Record.SUSPECT: "suspects",
}
"""The counting unit whose rows are the records of each kind (one row per record)."""


def sdmx_concept(
    name: str, codelist: CodelistKind = CodelistKind.VALUES, label: str | None = None
) -> SdmxConcept:
    """The SDMX concept of a field: its name in upper case, and the codelist of its kind."""
    concept = name.upper()
    if codelist is CodelistKind.ICCS:
        list_id = "CL_ICCS"
        list_name = "International Classification of Crime for Statistical Purposes (ICCS) v1.0"
    elif codelist is CodelistKind.SEX:
        list_id, list_name = "CL_SEX", "Sex"
    elif codelist is CodelistKind.AGE:
        list_id, list_name = "CL_AGE", "Age group (years)"
    else:
        list_id = f"CL_{concept}"
        list_name = f"{name.replace('_', ' ')} (the values in this release)"
    return SdmxConcept(concept, label or name.replace("_", " "), codelist, list_id, list_name)


def enum_domain(description: str, enum: type[StrEnum]) -> PublicDomain:
    """A public list made of an enumeration of the data model (:mod:`crimestats.domain.enums`)."""
    return PublicDomain(description, lambda _: [member.value for member in enum])


def _date(t: Any, basis: PeriodBasis) -> Any:
    return t[PERIOD_COLUMN[basis]].cast("date")


def _iccs_level(length: int) -> Callable[[Any, PeriodBasis], Any]:
    """The ancestor of ``iccs_code`` at a level (NULL when coded shallower)."""

    def expression(t: Any, _: PeriodBasis) -> Any:
        import ibis

        code = t.iccs_code
        return ibis.ifelse(code.length() >= length, code.substr(0, length), ibis.null("string"))

    return expression


def _iccs_domain(level: int, description: str) -> PublicDomain:
    def values(_: DomainInputs) -> list[str]:
        from crimestats.iccs import load_classification

        return [c.code for c in load_classification().at_level(level)]

    return PublicDomain(description, values)


def _age_group(t: Any, _: PeriodBasis) -> Any:
    """UNODC age group of the victim; ``unknown`` without an age; NULL without a victim."""
    import ibis

    age = t.victim_age
    cases = [
        ((age >= low) & (age <= high)) if high is not None else (age >= low)
        for _, low, high in AGE_GROUPS
    ]
    group = ibis.cases(
        *((cond, label) for cond, (label, _, _) in zip(cases, AGE_GROUPS, strict=True)),
        else_="unknown",
    )
    return ibis.ifelse(t.has_victim, group, ibis.null("string"))


def _column(name: str) -> Callable[[Any, PeriodBasis], Any]:
    return lambda t, _: t[name]


def _span(inputs: DomainInputs) -> range:
    return range(inputs.years[0], inputs.years[1] + 1) if inputs.years is not None else range(0)


def _countable_fields() -> tuple[CountableField, ...]:
    def iccs(level: int, example: str, domain: str) -> CountableField:
        name = f"iccs_l{level}"
        what = "ICCS section (level 1)" if level == 1 else f"ICCS level-{level} category"
        return CountableField(
            name,
            Record.OFFENCE,
            f"{what}, e.g. {example}",
            _iccs_level(ICCS_LENGTH[name]),
            _iccs_domain(level, domain),
            sdmx_concept(name, CodelistKind.ICCS),
            blank_in_record=True,
        )

    periods = "of the declared period (dp.years)"
    return (
        iccs(1, "01", "the 11 sections of ICCS v1.0 (UNODC 2015)"),
        iccs(2, "0101", "every level-2 category of ICCS v1.0"),
        iccs(3, "01011", "every level-3 category of ICCS v1.0"),
        iccs(4, "010111", "every level-4 category of ICCS v1.0"),
        CountableField(
            "year",
            Record.INCIDENT,
            "calendar year of the period date",
            lambda t, b: _date(t, b).year().cast("int32"),
            PublicDomain(f"every year {periods}", lambda i: [str(y) for y in _span(i)]),
            sdmx_concept("year"),
            is_period=True,
        ),
        CountableField(
            "quarter",
            Record.INCIDENT,
            "quarter of the period date, e.g. 2024-Q1",
            lambda t, b: (
                _date(t, b).year().cast("string") + "-Q" + _date(t, b).quarter().cast("string")
            ),
            PublicDomain(
                f"every quarter {periods}",
                lambda i: [f"{y}-Q{q}" for y in _span(i) for q in range(1, 5)],
            ),
            sdmx_concept("quarter"),
            is_period=True,
        ),
        CountableField(
            "month",
            Record.INCIDENT,
            "month of the period date, e.g. 2024-03",
            lambda t, b: _date(t, b).strftime("%Y-%m"),
            PublicDomain(
                f"every month {periods}",
                lambda i: [f"{y}-{m:02d}" for y in _span(i) for m in range(1, 13)],
            ),
            sdmx_concept("month"),
            is_period=True,
        ),
        CountableField(
            "area",
            Record.INCIDENT,
            "area code of the incident (finest unit)",
            _column("area_code"),
            None,  # which areas exist is not public: no DP table by area
            sdmx_concept("area"),
            blank_in_record=True,  # not recorded
        ),
        CountableField(
            "source",
            Record.INCIDENT,
            "the source the incident was loaded from",
            _column("source"),
            PublicDomain(
                "every source named in the store's ingests (the publisher's choice of inputs)",
                lambda i: list(i.sources),
            ),
            sdmx_concept("source"),
        ),
        CountableField(
            "victim_sex",
            Record.VICTIM,
            "victim's sex",
            _column("victim_sex"),
            enum_domain("the sexes of the data model (male, female, other, unknown)", Sex),
            sdmx_concept("victim_sex", CodelistKind.SEX),
        ),
        CountableField(
            "victim_age_group",
            Record.VICTIM,
            "victim's age group (UNODC: 0-14 ... 60+)",
            _age_group,
            PublicDomain("the UNODC age groups and unknown", lambda _: list(AGE_GROUP_LABELS)),
            sdmx_concept("victim_age_group", CodelistKind.AGE),
        ),
        CountableField(
            "victim_relationship",
            Record.VICTIM,
            "victim's relationship to the suspect",
            _column("victim_relationship"),
            enum_domain("the relationships of the data model", Relationship),
            sdmx_concept("victim_relationship"),
        ),
        CountableField(
            "weapon",
            Record.INCIDENT,
            "weapon used (firearm, knife, other, none, unknown)",
            _column("weapon"),
            enum_domain("the weapons of the data model", Weapon),
            sdmx_concept("weapon"),
        ),
        CountableField(
            "cyber_related",
            Record.INCIDENT,
            "cyber-related (true, false, unknown)",
            _column("cyber_related"),
            enum_domain("true, false, unknown", TriState),
            sdmx_concept("cyber_related"),
        ),
        CountableField(
            "attempted",
            Record.OFFENCE,
            "attempted rather than completed (true/false/unknown)",
            _column("attempted"),
            enum_domain("true, false, unknown", TriState),
            sdmx_concept("attempted"),
        ),
        CountableField(
            "location_type",
            Record.INCIDENT,
            "type of location",
            _column("location_type"),
            None,  # free text of the sources: no public list
            sdmx_concept("location_type"),
            blank_in_record=True,  # not recorded
        ),
        # The motive (ICCS tag Mot) and the source's finer motive: see docs/mappings.md,
        # "Motive". Two fields, not one with detailed values, so that the ICCS category
        # stays comparable across sources while the detail (anti-asian, anti-jewish, ...)
        # is counted as the source gave it.
        CountableField(
            "motive",
            Record.OFFENCE,
            "motive of the offence, ICCS tag Mot (hate_crime, illicit_gain, ...)",
            _column("motive"),
            enum_domain("the motives of ICCS v1.0 (tag Mot)", Motive),
            sdmx_concept("motive"),
        ),
        CountableField(
            "motive_detail",
            Record.OFFENCE,
            "the source's finer motive, e.g. the bias of a hate crime (anti-asian)",
            _column("motive_detail"),
            None,  # free text of the sources: no public list
            sdmx_concept("motive_detail"),
            blank_in_record=True,  # not given by most sources
        ),
    )


COUNTABLE_FIELDS: Final[tuple[CountableField, ...]] = _countable_fields()
"""Every countable field, in the order the documentation lists them: THE registry.

Statistics (:mod:`crimestats.stats.counting`), DP tables
(:mod:`crimestats.release.dp_tables`) and SDMX structures
(:mod:`crimestats.release.sdmx_structure`) read it; docs/extending.md shows how to add one.
"""

FIELDS: Final[dict[str, CountableField]] = {f.name: f for f in COUNTABLE_FIELDS}
"""The registry by name (what every module looks fields up in)."""


def countable_field(name: str) -> CountableField:
    """The registered field ``name`` (``KeyError`` when there is none)."""
    return FIELDS[name]


def period_fields() -> tuple[str, ...]:
    """The period fields, coarsest first (``year`` holds ``quarter`` holds ``month``)."""
    return tuple(f.name for f in FIELDS.values() if f.is_period)


def fields_of(record: Record) -> tuple[str, ...]:
    """The fields read from one record (e.g. the incident fields its offences share)."""
    return tuple(f.name for f in FIELDS.values() if f.record is record)


def field_expressions(t: Any, period_basis: PeriodBasis) -> dict[str, Callable[[], Any]]:
    """Ibis expressions for every field over the joined base table ``t``.

    ``t`` has the incident columns under their store names, the offence columns
    ``iccs_code`` and ``attempted``, and the victim columns ``victim_sex``,
    ``victim_age``, ``victim_relationship`` and ``has_victim`` (those present only when
    the joins brought them in; only the fields asked for are evaluated).
    """
    return {
        name: functools.partial(field.expression, t, period_basis) for name, field in FIELDS.items()
    }


def parse_fields(by: list[str] | tuple[str, ...]) -> list[str]:
    """Validate ``--by``: known names, no repeats, at least one; commas split names."""
    from crimestats.errors import UsageError

    names = [n.strip() for item in by for n in item.split(",") if n.strip()]
    valid = ", ".join(FIELDS)
    if not names:
        raise UsageError(
            "no fields to break the table down by", hint=f"pass --by with some of: {valid}"
        )
    unknown = [n for n in names if n not in FIELDS]
    if unknown:
        raise UsageError(
            f"unknown field(s) {', '.join(repr(n) for n in unknown)}",
            hint=f"use fields from: {valid}",
        )
    repeated = sorted({n for n in names if names.count(n) > 1})
    if repeated:
        raise UsageError(
            f"field(s) given more than once: {', '.join(repeated)}",
            hint="name each field once in --by",
        )
    return names
