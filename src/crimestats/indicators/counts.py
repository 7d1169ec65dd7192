"""The small aggregates the SDG indicators are computed from, as typed rows.

Why here: :mod:`crimestats.indicators.sdg` reads these from the store (Ibis aggregates
turned into Python rows by pyarrow) and turns them into indicator rows; naming each
aggregate's columns once lets mypy check every reader of them.
"""

from __future__ import annotations

from typing import Any, TypedDict

AggregateRow = dict[str, Any]
"""A row of a small aggregate read back from the store (pyarrow's ``to_pylist``)."""


class IncidentCount(TypedDict):
    """Incidents with an offence of the category, per source and year."""

    source: str
    year: int
    n: int


class VictimCount(TypedDict):
    """Their person victims, per source, year, sex and age."""

    source: str
    year: int
    sex: str
    age: int | None
    n: int


class FormCount(TypedDict):
    """Their victims per level-3 code of the category (``None``: not coded deeper)."""

    source: str
    year: int
    form: str | None
    n: int


class VictimCounts(TypedDict):
    """What a victims-per-100,000 indicator is computed from (:func:`victim_counts`)."""

    incidents: list[IncidentCount]
    victims: list[VictimCount]
    forms: list[FormCount]


class ShareCounts(TypedDict):
    """The aggregates behind the share indicators: (source, year, the value, n) rows."""

    weapon: list[AggregateRow]
    cyber: list[AggregateRow]
    relationship: list[AggregateRow]
    unsentenced: list[AggregateRow]
