"""The rest of ICCS v1.0 as data: the alphabetical index, the tags, the homicide tables.

- The *alphabetical index* (ICCS Annex 2) maps 966 offence terms to codes. It is kept as
  printed: 14 entries point at codes that do not exist in the structure (e.g. ``011012``
  "Piracy", which should be ``11012``); ``exists`` flags them so the autocoder and search
  can skip them rather than learn a code that is not there.
- The *disaggregating variables* (ICCS Table II) are the tags recorded beside a code
  (attempted/completed, weapon, victim sex, ...).
- The *homicide typologies* are ICCS Tables III (situational context), IV
  (victim-perpetrator relationship) and V (mechanism of killing, with ICD-10 codes).

Source: UNODC, ICCS Version 1.0 (2015); see ``data/iccs/PROVENANCE.md``.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from crimestats.domain.iccs_codes import read_iccs_csv
from crimestats.errors import NotFoundError


@dataclass(frozen=True, slots=True)
class IndexEntry:
    """One term of the ICCS alphabetical index and the code the index gives it."""

    term: str
    code: str
    exists: bool


@dataclass(frozen=True, slots=True)
class TagValue:
    """One value of one disaggregating variable (ICCS Table II)."""

    group: str
    tag: str
    tag_label: str
    value_code: str
    value_label: str


@cache
def alphabetical_index() -> tuple[IndexEntry, ...]:
    """All 966 index entries, in the order printed, bad codes flagged (``exists=False``)."""
    return tuple(
        IndexEntry(
            term=row["term"],
            code=row["iccs_code"],
            exists=row["code_exists_in_structure"] == "True",
        )
        for row in read_iccs_csv("iccs_alphabetical_index.csv")
    )


@cache
def disaggregating_variables() -> tuple[TagValue, ...]:
    """All values of the ICCS tags (event, victim, perpetrator, data description)."""
    return tuple(
        TagValue(
            group=row["group"],
            tag=row["tag"],
            tag_label=row["tag_label"],
            value_code=row["value_code"],
            value_label=row["value_label"],
        )
        for row in read_iccs_csv("iccs_disaggregating_variables.csv")
    )


HOMICIDE_TABLES = {
    "situational_context": "iccs_homicide_situational_context.csv",
    "victim_perpetrator_relationship": "iccs_homicide_victim_perpetrator_relationship.csv",
    "mechanism_of_killing": "iccs_homicide_mechanism_of_killing.csv",
}
"""ICCS Tables III, IV and V by name."""


def homicide_typology(name: str) -> tuple[dict[str, str], ...]:
    """Rows of one homicide typology table (see ``HOMICIDE_TABLES`` for the names)."""
    if name not in HOMICIDE_TABLES:
        raise NotFoundError(
            f"no ICCS homicide typology called {name!r}",
            hint=f"use one of: {', '.join(HOMICIDE_TABLES)}",
        )
    return read_iccs_csv(HOMICIDE_TABLES[name])
