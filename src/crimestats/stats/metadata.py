"""What the metadata of a ``crimestats stats`` table holds, key by key.

Why a TypedDict: a published number means nothing without its unit, period basis and
what was left out (:mod:`crimestats.stats.table`), so a reader needs to know every key
the metadata can hold; this class is that list, and mypy checks each key
:func:`crimestats.stats.engine.count_on` writes against it. Keys that only some tables
have are marked ``NotRequired`` (a period field, an ICCS field, a window, an area level,
rates). :attr:`crimestats.stats.table.StatsTable.metadata` itself stays an open ``dict``:
other layers add their own keys to it (the services' ``completeness``, the trend and
indicator tables' own metadata).
"""

from __future__ import annotations

from typing import NotRequired, TypedDict

from crimestats.stats.area_level import Placement
from crimestats.stats.coverage import PartialPeriodJson
from crimestats.stats.iccs_notes import IccsNotes
from crimestats.stats.period_window import WindowJson
from crimestats.stats.rates import RateNote


class StatsMetadata(TypedDict):
    """The metadata of a statistics table, in the order the keys are written.

    ``rows`` to ``generated_by`` are written last, once the table is counted.
    """

    unit: str
    unit_definition: str
    unit_key: list[str]
    by: list[str]
    source_filter: str | None
    units_in_scope: int
    counting_rule: str
    blank_cells: str
    period_basis: str
    period_date: str | None
    """The date column periods are read from; ``None`` without a period field."""
    incidents_without_period_date: NotRequired[int]
    iccs: NotRequired[IccsNotes]
    incidents_without_victim_record: NotRequired[int]
    period_window: NotRequired[WindowJson]
    partial_periods: NotRequired[list[PartialPeriodJson]]
    """The table's periods the store covers only in part: only with a period field."""
    area_hierarchy: NotRequired[Placement]
    rate: NotRequired[RateNote]
    rows: NotRequired[int]
    sum_of_counts: NotRequired[int]
    columns: NotRequired[list[str]]
    store: NotRequired[str]
    generated_by: NotRequired[str]
