"""Indicators (SDG 16.1.1, 16.2.2, 16.3.2, UN-CTS shares) and justice-system attrition.

Analytics over the store through Ibis: :func:`indicator_table` and
:func:`attrition_table` return a :class:`crimestats.stats.StatsTable` (a pyarrow table
and its metadata). What the data cannot support is a blank value with the reason, never
a zero. See ``docs/indicators.md``.
"""

from __future__ import annotations

from crimestats.indicators.attrition import attrition_table
from crimestats.indicators.build import indicator_table
from crimestats.indicators.definitions import INDICATORS, Indicator

__all__ = ["INDICATORS", "Indicator", "attrition_table", "indicator_table"]
