"""A statistics table the benchmarks time: what ``count_table`` is asked, and its name.

``bench_stats.py`` (DuckDB, PySpark, pandas) and ``bench_spark.py`` (Spark's scaling)
time tables of the same kind; declared once here, a table's arguments cannot drift from
its name, and ``count_table`` is called with arguments the type checker can see.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypedDict

from crimestats.stats import count_table


class CountArgs(TypedDict):
    """The keyword arguments of ``crimestats.stats.count_table`` a table sets."""

    by: list[str]
    unit: str
    rate: bool
    area_level: str | None


@dataclass(frozen=True, slots=True)
class TableSpec:
    """One table: counts of ``unit`` by ``by``, as a rate per 100,000 at ``area_level``.

    ``pandas``: ``bench_stats`` has a pandas version of this table to time beside it.
    """

    by: tuple[str, ...]
    unit: str
    rate: bool = False
    area_level: str | None = None
    pandas: bool = False

    @property
    def name(self) -> str:
        """The table's name in the printed tables and the JSON (and ``PLAIN_SQL``'s key)."""
        level = f" @{self.area_level}" if self.area_level is not None else ""
        rate = " rate" if self.rate else ""
        return f"{' x '.join(self.by)} ({self.unit}{rate}{level})"

    def count_args(self) -> CountArgs:
        """The ``count_table`` / ``count_on`` arguments of the table (``count_table``'s
        defaults where the table sets none)."""
        return CountArgs(
            by=list(self.by), unit=self.unit, rate=self.rate, area_level=self.area_level
        )

    def count(self, db: Path, backend: str = "duckdb") -> Any:
        """The table counted by ``count_table`` on ``db`` (a store, or an export for
        ``pyspark``), as the Arrow table the benchmarks time and compare."""
        return count_table(db, backend=backend, **self.count_args()).table
