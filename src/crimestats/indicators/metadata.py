"""What the metadata of the indicator and attrition tables holds, key by key.

Why TypedDicts: a reader of ``crimestats indicators`` or ``attrition`` learns from the
metadata what each number means (definitions, how rates and shares are computed, what
was left out); these classes list every key once, and mypy checks the builders in
:mod:`crimestats.indicators.build` and :mod:`crimestats.indicators.attrition` against
them. The table's :attr:`~crimestats.stats.table.StatsTable.metadata` stays an open
``dict``: the services add ``completeness`` to it.
"""

from __future__ import annotations

from typing import Any, TypedDict

from crimestats.indicators.counts import AggregateRow


class IndicatorMetadata(TypedDict):
    """The metadata of an indicator table, in the order the keys are written."""

    indicators: dict[str, dict[str, Any]]
    """Per indicator code, its description (:meth:`~.definitions.Indicator.to_dict`)."""
    area: str | None
    source_filter: str | None
    period_basis: str
    rates: str
    shares: str
    iccs_coding: str
    pending_review_offences: int
    mse_estimates: list[AggregateRow]
    """The registered multiple systems estimates used, as the store holds them."""
    not_computable: int
    rows: int
    columns: list[str]
    store: str
    generated_by: str


class AttritionMetadata(TypedDict):
    """The metadata of an attrition table, in the order the keys are written."""

    unit: str
    unit_definition: str
    by: str
    category_blank: str
    pending_review: str
    pending_review_offences: int
    stages: list[str]
    stage_rule: str
    implied_by: dict[str, list[str]]
    suspect_identified_rule: str
    share_of_recorded: str
    median_days: str
    not_computable: str
    justice_events_without_recorded_incident: int
    source_filter: str | None
    rows: int
    columns: list[str]
    store: str
    generated_by: str
