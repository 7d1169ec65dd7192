"""Statistics over the store: counts by ICCS category, period, place and person, and rates.

Every statistic is an Ibis expression over the store's tables (DESIGN.md section 8), so
it runs unchanged on DuckDB or PySpark. The counting unit is always explicit
(:mod:`crimestats.stats.counting`), rates say why they are missing
(:mod:`crimestats.stats.rates`), and every table carries its metadata
(:class:`StatsTable`).

>>> from crimestats.stats import count_table
>>> t = count_table("crimestats.duckdb", by=["year", "iccs_l1"], unit="offences")
>>> t.metadata["unit"]
'offences'
"""

from __future__ import annotations

from crimestats.stats.counting import Unit
from crimestats.stats.engine import count_table
from crimestats.stats.fields import AGE_GROUP_LABELS, AGE_GROUPS, FIELDS, PeriodBasis
from crimestats.stats.table import Format, StatsTable, render, write

__all__ = [
    "AGE_GROUPS",
    "AGE_GROUP_LABELS",
    "FIELDS",
    "Format",
    "PeriodBasis",
    "StatsTable",
    "Unit",
    "count_table",
    "render",
    "write",
]
