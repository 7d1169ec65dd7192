"""The figures ``bench_stats.py`` measures, as ``bench/out/stats.json`` keeps them.

A table's figures are filled in by three passes (DuckDB beside its hand-written SQL, then
PySpark, then pandas), each adding its own; declared once here (``bench_stats.py`` is
near its size limit) so that a pass cannot misspell what the report and the printed
table read. The JSON keys and their order are those the benchmark wrote when the passes
shared dicts: a figure not measured is left out, as it was.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

TARGET_RATIO = 2.0
"""Every standard table within 2x of its hand-written group-by (issue 19 item 2)."""


@dataclass(frozen=True, slots=True)
class OpenConnection:
    """Both again on a connection opened beforehand (``count_on`` against ``execute``)."""

    plain_open_s: float
    duckdb_open_s: float

    @property
    def ratio_open(self) -> float:
        return self.duckdb_open_s / self.plain_open_s


@dataclass(frozen=True, slots=True)
class TableTiming:
    """One standard table on every backend; ``None``: not measured (no hand-written
    SQL for it, no pandas version, or that backend not run)."""

    table: str
    load: float
    """The 1-minute load average before the table's DuckDB timings."""
    duckdb_s: float
    plain_s: float | None = None
    plain_agrees: bool | None = None
    """DuckDB's table equals the hand-written SQL's, cell for cell."""
    open: OpenConnection | None = None
    pyspark_s: float | None = None
    pyspark_agrees: bool | None = None
    pandas_s: float | None = None
    pandas_agrees: bool | None = None

    @property
    def ratio(self) -> float | None:
        """The engine's time over the hand-written SQL's, both opening the store."""
        return None if self.plain_s is None else self.duckdb_s / self.plain_s

    def to_json(self) -> dict[str, object]:
        out: dict[str, object] = {"table": self.table, "load": self.load}
        if self.plain_s is not None:
            out["plain_s"] = self.plain_s
        out["duckdb_s"] = self.duckdb_s
        if self.ratio is not None:
            out.update(ratio=self.ratio, plain_agrees=self.plain_agrees)
        if self.open is not None:
            out.update(plain_open_s=self.open.plain_open_s, duckdb_open_s=self.open.duckdb_open_s)
            out["ratio_open"] = self.open.ratio_open
        for key in ("pyspark_s", "pyspark_agrees", "pandas_s", "pandas_agrees"):
            if getattr(self, key) is not None:
                out[key] = getattr(self, key)
        return out


@dataclass(frozen=True, slots=True)
class ScalingRun:
    """The scaling table on one Spark master, and whether it equals DuckDB's."""

    master: str
    seconds: float
    agrees: bool


@dataclass(frozen=True, slots=True)
class SparkPass:
    """What the PySpark pass measured, as far as it got: ``error`` if it failed (e.g. the
    driver's heap too small), the figures before the failure kept."""

    tables: tuple[TableTiming, ...]
    """Every table, with its PySpark figures added if the pass reached it."""
    export_s: float | None = None
    """Exporting the store to Parquet, once per store version."""
    scaling: tuple[ScalingRun, ...] | None = None
    error: str | None = None


@dataclass(frozen=True, slots=True)
class StatsReport:
    """The whole run; ``meets_target``: every table with hand-written SQL within
    :data:`TARGET_RATIO` of it and equal to it."""

    rows: int
    machine: str
    cpus: int | None
    tables: tuple[TableTiming, ...]
    kept_once_s: float
    """The store's kept facts (coverage, ICCS groups), paid once after a load."""
    coverage_scan_s: float
    spark: SparkPass | None
    pandas_load_s: float | None
    peak_rss_mb_python: int

    @property
    def _compared(self) -> list[TableTiming]:
        return [t for t in self.tables if t.ratio is not None]

    @property
    def worst_ratio(self) -> float:
        return max(t.ratio for t in self._compared if t.ratio is not None)

    @property
    def worst_ratio_open(self) -> float:
        return max(t.open.ratio_open for t in self._compared if t.open is not None)

    @property
    def meets_target(self) -> bool:
        return self.worst_ratio <= TARGET_RATIO and all(t.plain_agrees for t in self._compared)

    def to_json(self) -> dict[str, object]:
        out: dict[str, object] = {"rows": self.rows, "machine": self.machine, "cpus": self.cpus}
        out["tables"] = [t.to_json() for t in self.tables]
        out.update(kept_once_s=self.kept_once_s, coverage_scan_s=self.coverage_scan_s)
        out.update(worst_ratio=self.worst_ratio, worst_ratio_open=self.worst_ratio_open)
        out["meets_target"] = self.meets_target
        if self.spark is not None:
            if self.spark.export_s is not None:
                out["pyspark_export_s"] = self.spark.export_s
            if self.spark.scaling is not None:
                out["pyspark_scaling"] = [asdict(r) for r in self.spark.scaling]
            if self.spark.error is not None:
                out["pyspark_error"] = self.spark.error
        if self.pandas_load_s is not None:
            out["pandas_load_s"] = self.pandas_load_s
        out["peak_rss_mb_python"] = self.peak_rss_mb_python
        return out
