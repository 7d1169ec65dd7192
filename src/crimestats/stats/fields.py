"""The fields a statistics table can be broken down by, and where each one lives.

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

from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from typing import Any, Final


class Record(StrEnum):
    """The record of the event-based model a field is read from."""

    INCIDENT = "incident"
    OFFENCE = "offence"
    VICTIM = "victim"


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


@dataclass(frozen=True, slots=True)
class Field:
    """A field a table can be broken down by."""

    name: str
    record: Record
    description: str
    is_period: bool = False


FIELDS: Final[dict[str, Field]] = {
    f.name: f
    for f in (
        Field("iccs_l1", Record.OFFENCE, "ICCS section (level 1), e.g. 01"),
        Field("iccs_l2", Record.OFFENCE, "ICCS level-2 category, e.g. 0101"),
        Field("iccs_l3", Record.OFFENCE, "ICCS level-3 category, e.g. 01011"),
        Field("iccs_l4", Record.OFFENCE, "ICCS level-4 category, e.g. 010111"),
        Field("year", Record.INCIDENT, "calendar year of the period date", is_period=True),
        Field(
            "quarter", Record.INCIDENT, "quarter of the period date, e.g. 2024-Q1", is_period=True
        ),
        Field("month", Record.INCIDENT, "month of the period date, e.g. 2024-03", is_period=True),
        Field("area", Record.INCIDENT, "area code of the incident (finest unit)"),
        Field("source", Record.INCIDENT, "the source the incident was loaded from"),
        Field("victim_sex", Record.VICTIM, "victim's sex"),
        Field("victim_age_group", Record.VICTIM, "victim's age group (UNODC: 0-14 ... 60+)"),
        Field("victim_relationship", Record.VICTIM, "victim's relationship to the suspect"),
        Field("weapon", Record.INCIDENT, "weapon used (firearm, knife, other, none, unknown)"),
        Field("cyber_related", Record.INCIDENT, "cyber-related (true, false, unknown)"),
        Field("attempted", Record.OFFENCE, "attempted rather than completed (true/false/unknown)"),
        Field("location_type", Record.INCIDENT, "type of location"),
    )
}
"""Every field, in the order the documentation lists them."""


def field_expressions(t: Any, period_basis: PeriodBasis) -> dict[str, Callable[[], Any]]:
    """Ibis expressions for every field over the joined base table ``t``.

    ``t`` has the incident columns under their store names, the offence columns
    ``iccs_code`` and ``attempted``, and the victim columns ``victim_sex``,
    ``victim_age``, ``victim_relationship`` and ``has_victim`` (those present only when
    the joins brought them in; only the fields asked for are evaluated).
    """
    import ibis

    date = t[PERIOD_COLUMN[period_basis]].cast("date")
    year = date.year()
    exprs: dict[str, Callable[[], Any]] = {
        "year": lambda: year.cast("int32"),
        "quarter": lambda: year.cast("string") + "-Q" + date.quarter().cast("string"),
        "month": lambda: date.strftime("%Y-%m"),
        "area": lambda: t.area_code,
        "source": lambda: t.source,
        "weapon": lambda: t.weapon,
        "cyber_related": lambda: t.cyber_related,
        "location_type": lambda: t.location_type,
        "attempted": lambda: t.attempted,
        "victim_sex": lambda: t.victim_sex,
        "victim_relationship": lambda: t.victim_relationship,
        "victim_age_group": lambda: _age_group(t, ibis),
    }
    for name, length in ICCS_LENGTH.items():
        exprs[name] = _iccs_level(t, length, ibis)
    return exprs


def _iccs_level(t: Any, length: int, ibis: Any) -> Callable[[], Any]:
    """A lazy expression for the ancestor of ``iccs_code`` at a level (NULL when shallower)."""

    def make() -> Any:
        code = t.iccs_code
        return ibis.ifelse(code.length() >= length, code.substr(0, length), ibis.null("string"))

    return make


def _age_group(t: Any, ibis: Any) -> Any:
    """UNODC age group of the victim; ``unknown`` without an age; NULL without a victim."""
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
