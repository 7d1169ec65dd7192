"""Standard statistics tables over the workload: DuckDB, PySpark local and pandas, in one run.

Loads the workload once into a fresh store (``crimestats.ingest_files``), adds an area tree
over its districts (district ``RRDD`` -> region ``RR`` -> country) with synthetic district
populations, then times each standard table (issue 4):

* **DuckDB**: ``crimestats.stats.count_table`` on the store (metadata included), right
  after the same table written by hand in DuckDB SQL (``PLAIN_SQL``): both open the store
  (as a command does), and again both on a connection opened beforehand (``count_on``
  against ``execute``). The store's coverage (issue 13) and the ICCS coding groups are
  kept per store state (``crimestats.stats.store_cache``): the first tables after a
  load pay them, timed apart;
* **PySpark local** (``pyspark``): the same call with ``backend="pyspark"``, as shipped:
  Spark reads the store's tables from Parquet files DuckDB exports once per store version
  into ``<store>.spark/`` (``crimestats.storage.spark``). The JVM is started before the
  clock; the cache is emptied first and the export of every table timed apart
  (``export``), so the table timings are of calls that reuse it;
* **pandas**: the same counts written directly in pandas over frames read from the store
  once (reading them and deriving year and month is timed apart: ``pandas load``), with
  the engine's counting rule (a unit counts once per distinct combination of the fields)
  and roll-up rule (a region's population only when every district has one).

The results are compared with DuckDB's cell for cell (floats rounded to 6 decimals), and
the script says so. ``python bench/bench_stats.py --rows N [--workdir DIR]
[--backends LIST]``, LIST from ``duckdb,pyspark,pandas`` (the default).
"""

from __future__ import annotations

import argparse
import json
import math
import os
import platform
import resource
import shutil
import sys
import tempfile
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import replace
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any

import duckdb
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent))
import generate
from crimestats import ingest_files
from crimestats.stats import count_table
from crimestats.stats.coverage_cache import CACHE_SUFFIX
from stats_records import (
    TARGET_RATIO,
    OpenConnection,
    ScalingRun,
    SparkPass,
    StatsReport,
    TableTiming,
)
from table_spec import TableSpec
from targets import target_line

if TYPE_CHECKING:
    import pyarrow as pa

_CODE = (
    "CASE WHEN o.iccs_method = 'model' AND coalesce(o.needs_review, false) "
    "THEN NULL ELSE o.iccs_code END"
)  # pending review counts blank (counted_codes.py)
_AGE = (
    "CASE WHEN age BETWEEN 0 AND 14 THEN '0-14' WHEN age BETWEEN 15 AND 29 THEN '15-29' "
    "WHEN age BETWEEN 30 AND 44 THEN '30-44' WHEN age BETWEEN 45 AND 59 THEN '45-59' "
    "WHEN age >= 60 THEN '60+' ELSE 'unknown' END"
)


def _sql_level(length: int, code: str = "c") -> str:
    return f"CASE WHEN length({code}) >= {length} THEN substr({code}, 1, {length}) END"


_JOINED = (
    f"(SELECT i.reported_date, {_CODE} AS c FROM offences o JOIN incidents i "
    "ON o.source = i.source AND o.incident_id = i.incident_id)"
)
_MONTHS = (
    f"(SELECT DISTINCT i.source, i.incident_id, strftime(i.reported_date, '%Y-%m') AS "
    f"month, {_sql_level(4, _CODE)} AS iccs_l2 FROM incidents i "
    "LEFT JOIN offences o ON o.source = i.source AND o.incident_id = i.incident_id)"
)
PLAIN_SQL: dict[str, str] = {
    "year (incidents)":
        "SELECT CAST(year(reported_date) AS INT) AS year, count(*) AS count "
        "FROM incidents GROUP BY ALL",
    "source x year (incidents)":
        "SELECT source, CAST(year(reported_date) AS INT) AS year, count(*) AS count "
        "FROM incidents GROUP BY ALL",
    "year x iccs_l1 (offences)":
        f"SELECT CAST(year(reported_date) AS INT) AS year, {_sql_level(2)} AS iccs_l1, "
        f"count(*) AS count FROM {_JOINED} GROUP BY ALL",
    "source x iccs_l2 (offences)":
        f"SELECT source, {_sql_level(4)} AS iccs_l2, count(*) AS count "
        f"FROM (SELECT o.source, {_CODE} AS c FROM offences o) GROUP BY ALL",
    "month x iccs_l2 (incidents)":
        f"SELECT month, iccs_l2, count(*) AS count FROM {_MONTHS} GROUP BY ALL",
    "victim_sex x victim_age_group (victims)":
        f"SELECT sex AS victim_sex, {_AGE} AS victim_age_group, count(*) AS count "
        "FROM victims GROUP BY ALL",
    "source x victim_sex x victim_age_group (victims)":
        f"SELECT source, sex AS victim_sex, {_AGE} AS victim_age_group, count(*) AS count "
        "FROM victims GROUP BY ALL",
    "area x year (incidents)":
        "SELECT area_code AS area, CAST(year(reported_date) AS INT) AS year, count(*) AS count "
        "FROM incidents GROUP BY ALL",
    "year x weapon (incidents)":
        "SELECT CAST(year(reported_date) AS INT) AS year, weapon, count(*) AS count "
        "FROM incidents GROUP BY ALL",
}  # fmt: skip
"""The hand-written DuckDB group-by of each standard table (issue 19 item 2): the ICCS
roll-up and the de-duplication only where they change the answer (an incident counted
once per month and division; none for offences or victims, one row per unit)."""

TABLES: list[TableSpec] = [
    TableSpec(("year",), "incidents"),
    TableSpec(("source", "year"), "incidents"),  # release table
    TableSpec(("year", "iccs_l1"), "offences", pandas=True),
    TableSpec(("source", "iccs_l2"), "offences"),  # release table
    TableSpec(("area", "year"), "incidents", pandas=True),
    TableSpec(("year", "weapon"), "incidents", pandas=True),
    TableSpec(("month", "iccs_l2"), "incidents", pandas=True),
    TableSpec(("victim_sex", "victim_age_group"), "victims", pandas=True),
    TableSpec(("source", "victim_sex", "victim_age_group"), "victims"),  # release table
    TableSpec(("area", "year"), "incidents", rate=True, area_level="region", pandas=True),
]
YEARS = range(2010, 2025)
AGE_BINS = [(0, 14, "0-14"), (15, 29, "15-29"), (30, 44, "30-44"), (45, 59, "45-59")]


def plain_table(db: Path, sql: str) -> Any:
    """The hand-written group-by, timed as the engine is: connect, query, Arrow, close."""
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute(sql).to_arrow_table()
    finally:
        con.close()


def _scan(db: Path) -> Any:
    """The coverage's own scan, without the cache (what a changed store pays once)."""
    from crimestats.stats.coverage_facts import scan_coverage
    from crimestats.stats.fields import PeriodBasis
    from crimestats.storage.reads import ibis_store

    with ibis_store(db) as con:
        return scan_coverage(con, PeriodBasis.REPORTED)


def _keep(db: Path) -> None:
    """Compute and keep the store's facts, as the first tables after a load do."""
    from crimestats.stats.coverage_cache import cached_coverage
    from crimestats.stats.fields import PeriodBasis
    from crimestats.stats.iccs_notes import coding_groups
    from crimestats.storage.reads import ibis_store

    with ibis_store(db) as con:
        cached_coverage(con, PeriodBasis.REPORTED)
        coding_groups(con, None)


def _on_open_connection(db: Path, spec: TableSpec, sql: str) -> OpenConnection:
    """Both timed on a connection opened beforehand (the other columns open the store
    each time, as a command does): ``count_on`` against ``execute`` + Arrow."""
    from crimestats.stats.engine import count_on
    from crimestats.storage.reads import ibis_store

    with ibis_store(db) as con:
        _, plain_s = _timed(lambda: con.con.execute(sql).to_arrow_table())
        _, engine_s = _timed(lambda: count_on(con, **spec.count_args(), store=str(db)))
    return OpenConnection(plain_open_s=plain_s, duckdb_open_s=engine_s)


def prepare(rows: int, seed: int, workdir: str | None) -> Path:
    """The workload's store (generated and ingested once), with the area tree added."""
    work = Path(workdir or Path(tempfile.gettempdir()) / "crimestats-bench")
    work.mkdir(parents=True, exist_ok=True)
    csv_path = work / f"flat_v1_{rows}_{seed}.csv"
    if not csv_path.exists():
        generate.generate(csv_path, rows, seed)
    db = work / f"stats_{rows}_{seed}.duckdb"
    if not db.exists():
        ingest_files([csv_path], source="bench", db=db)
    _add_areas(db)
    return db


def district_population(code: str, year: int) -> float:
    """Synthetic: 20,000-116,000 by district, +0.5% a year; district 0101 lacks 2024."""
    base = 20_000 + 1_000 * (int(code) % 97)
    return float(round(base * (1.005 ** (year - 2010))))


def _add_areas(db: Path) -> None:
    from crimestats.stats.denominator_files import AreaRow, PopulationRow
    from crimestats.storage.denominators import store_areas, store_populations

    con = duckdb.connect(str(db), read_only=True)
    try:
        if con.execute("SELECT count(*) FROM areas").fetchone() != (0,):
            return
        codes = [r[0] for r in con.execute(
            "SELECT DISTINCT area_code FROM incidents WHERE area_code IS NOT NULL ORDER BY 1"
        ).fetchall()]  # fmt: skip
    finally:
        con.close()
    regions = sorted({c[:2] for c in codes})
    areas = [AreaRow("XX", "country", "country", None, None)]
    areas += [AreaRow(r, None, "region", "XX", None) for r in regions]
    areas += [AreaRow(c, None, "district", c[:2], None) for c in codes]
    pops = [PopulationRow(c, y, None, None, district_population(c, y))
            for c in codes for y in YEARS if not (c == codes[0] and y == 2024)]  # fmt: skip
    store_areas(db, areas)
    store_populations(db, pops, "synthetic")


# ---------------------------------------------------------------- pandas baseline


def load_frames(db: Path) -> dict[str, pd.DataFrame]:
    """The columns the tables need, as pandas frames (strings backed by Arrow)."""
    con = duckdb.connect(str(db), read_only=True)
    try:
        q = {
            "inc": "SELECT incident_id, area_code, reported_date, weapon FROM incidents",
            "off": "SELECT incident_id, offence_seq, iccs_code FROM offences",
            "vic": "SELECT incident_id, victim_seq, sex, age FROM victims",
            "areas": "SELECT area_code, level, parent_code FROM areas",
            "pop": "SELECT area_code, year, population FROM populations "
            "WHERE sex IS NULL AND age_group IS NULL",
        }
        frames = {k: con.execute(v).to_arrow_table().to_pandas(types_mapper=_arrow_strings)
                  for k, v in q.items()}  # fmt: skip
    finally:
        con.close()
    inc = frames["inc"]
    date = pd.to_datetime(inc["reported_date"])
    inc["year"] = date.dt.year
    inc["month"] = date.dt.strftime("%Y-%m").astype(pd.StringDtype("pyarrow"))
    return frames


def _arrow_strings(dtype: Any) -> Any:
    import pyarrow as pa

    return pd.StringDtype("pyarrow") if dtype in (pa.string(), pa.large_string()) else None


def _level(codes: pd.Series, length: int) -> pd.Series:
    return codes.where(codes.str.len() >= length).str.slice(0, length)


def _size(frame: pd.DataFrame, by: list[str]) -> pd.DataFrame:
    return frame.groupby(by, dropna=False, observed=True).size().reset_index(name="count")


def pandas_table(spec: TableSpec, f: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """The table of ``spec`` computed in pandas alone."""
    inc, off, vic = f["inc"], f["off"], f["vic"]
    by = list(spec.by)
    if by == ["year", "iccs_l1"]:
        t = off.merge(inc[["incident_id", "year"]], on="incident_id")
        return _size(t.assign(iccs_l1=_level(t["iccs_code"], 2)), by)
    if by == ["month", "iccs_l2"]:
        t = inc[["incident_id", "month"]].merge(off, on="incident_id", how="left")
        t = t.assign(iccs_l2=_level(t["iccs_code"], 4))
        return _size(t.drop_duplicates(["incident_id", *by]), by)
    if by == ["victim_sex", "victim_age_group"]:
        t = vic.merge(inc[["incident_id"]], on="incident_id")
        group = pd.Series("unknown", index=t.index, dtype=object)
        for low, high, label in AGE_BINS:
            group[t["age"].between(low, high)] = label
        group[t["age"] >= 60] = "60+"
        return _size(t.assign(victim_sex=t["sex"], victim_age_group=group), by)
    if spec.area_level == "region":
        return _region_rates(f)
    t = inc.rename(columns={"area_code": "area"})
    return _size(t, by)


def _region_rates(f: dict[str, pd.DataFrame]) -> pd.DataFrame:
    areas, pop = f["areas"], f["pop"]
    districts = areas[areas["level"] == "district"]
    parent = dict(zip(districts["area_code"], districts["parent_code"], strict=True))
    inc = f["inc"]
    counts = _size(inc.assign(area=inc["area_code"].map(parent).astype(object)), ["area", "year"])
    p = pop[pop["area_code"].isin(parent)].assign(area=lambda d: d["area_code"].map(parent))
    sums = p.groupby(["area", "year"]).agg(
        population=("population", "sum"), n=("area_code", "size")
    )
    expected = districts.groupby("parent_code").size()
    sums = sums[sums["n"] == sums.index.get_level_values("area").map(expected)].reset_index()
    out = counts.merge(sums[["area", "year", "population"]], on=["area", "year"], how="left")
    out["rate_per_100k"] = out["count"] / out["population"] * 100_000
    return out


# ---------------------------------------------------------------- comparison


def _cell(v: Any) -> Any:
    if v is None or v is pd.NA or (isinstance(v, float) and math.isnan(v)):
        return None
    if hasattr(v, "item"):
        v = v.item()
    return round(v, 6) if isinstance(v, float) else v


def cells(rows: Iterable[Mapping[str, object]], columns: list[str]) -> set[tuple[Any, ...]]:
    return {tuple(_cell(r[c]) for c in columns) for r in rows}


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _timed(fn: Callable[[], Any]) -> tuple[Any, float]:
    start = time.perf_counter()
    out = fn()
    return out, time.perf_counter() - start


def main(
    rows: int,
    seed: int = generate.DEFAULT_SEED,
    workdir: str | None = None,
    backends: tuple[str, ...] = ("duckdb", "pyspark", "pandas"),
) -> StatsReport:
    db = prepare(rows, seed, workdir)
    duck: dict[str, pa.Table] = {}  # each table's table from DuckDB, to compare against
    plain_table(db, "SELECT 1")  # warm-up: imports, the file cache
    # the facts kept per store state (stats/store_cache.py: the coverage of issue 13, the
    # ICCS coding groups): the first tables after a load pay them, timed here apart
    shutil.rmtree(db.with_name(db.name + CACHE_SUFFIX), ignore_errors=True)
    _, kept_once_s = _timed(partial(_keep, db))
    _, coverage_scan_s = _timed(partial(_scan, db))
    tables = []
    for spec in TABLES:
        load = round(os.getloadavg()[0], 1)
        sql = PLAIN_SQL.get(spec.name)
        if sql is None:
            duck[spec.name], duckdb_s = _timed(partial(spec.count, db))
            tables.append(TableTiming(spec.name, load, duckdb_s))
            continue
        # the hand-written group-by first, the engine right after
        plain, plain_s = _timed(partial(plain_table, db, sql))
        duck[spec.name], duckdb_s = _timed(partial(spec.count, db))
        cols = plain.column_names
        agrees = cells(plain.to_pylist(), cols) == cells(
            duck[spec.name].select(cols).to_pylist(), cols
        )
        open_ = _on_open_connection(db, spec, sql)
        tables.append(TableTiming(spec.name, load, duckdb_s, plain_s, agrees, open_))
    spark = _spark(db, tuple(tables), duck) if "pyspark" in backends else None
    if spark is not None:
        tables = list(spark.tables)
    pandas_load_s = None
    if "pandas" in backends:
        frames, pandas_load_s = _timed(partial(load_frames, db))
        for i, spec in enumerate(TABLES):
            if not spec.pandas:
                continue
            frame, pandas_s = _timed(partial(pandas_table, spec, frames))
            cols = [c for c in duck[spec.name].column_names if c != "model_coded_share"]
            agrees = cells(frame.to_dict("records"), cols) == cells(
                duck[spec.name].to_pylist(), cols
            )
            tables[i] = replace(tables[i], pandas_s=pandas_s, pandas_agrees=agrees)
        del frames
    result = StatsReport(
        rows=rows,
        machine=platform.platform(),
        cpus=os.cpu_count(),
        tables=tuple(tables),
        kept_once_s=kept_once_s,
        coverage_scan_s=coverage_scan_s,
        spark=spark,
        pandas_load_s=pandas_load_s,
        peak_rss_mb_python=round(_peak_mb()),
    )
    _print(result)
    out = Path(__file__).resolve().parent / "out"
    out.mkdir(exist_ok=True)
    (out / "stats.json").write_text(json.dumps(result.to_json(), indent=2, default=str))
    return result


SCALING_TABLE = TableSpec(("year", "iccs_l1"), "offences")
MASTERS = ("local[1]", "local[2]", "local[4]")
"""Spark on 1, 2 and 4 local worker threads (issue 19 item 3). On this 2-core machine,
local[4] runs four tasks on two cores: it shows the cost of oversubscription, not a
speed-up; a cluster adds executors on machines of their own (docs/scale.md)."""


def _spark(db: Path, tables: tuple[TableTiming, ...], duck: dict[str, pa.Table]) -> SparkPass:
    """``--backend pyspark`` as shipped: Spark reads the store's Parquet export.

    A failure (e.g. the driver's heap is too small) is reported in ``error``, with the
    figures measured before it.
    """
    from crimestats.storage.spark import (
        CACHE_SUFFIX,
        STORE_TABLES,
        restart_spark,
        spark_session,
        spark_store,
    )

    done = SparkPass(tables)
    try:
        spark_session()  # JVM start-up, not timed
        shutil.rmtree(db.with_name(db.name + CACHE_SUFFIX), ignore_errors=True)

        def export() -> None:
            with spark_store(db) as con:
                for name in STORE_TABLES:
                    con.table(name)

        _, export_s = _timed(export)
        done = replace(done, export_s=export_s)
        for i, spec in enumerate(TABLES):
            table, seconds = _timed(partial(spec.count, db, "pyspark"))
            cols = table.column_names
            agrees = cells(table.to_pylist(), cols) == cells(duck[spec.name].to_pylist(), cols)
            timing = replace(done.tables[i], pyspark_s=seconds, pyspark_agrees=agrees)
            done = replace(done, tables=(*done.tables[:i], timing, *done.tables[i + 1 :]))
        expected = duck[SCALING_TABLE.name]
        done = replace(done, scaling=())
        for master in MASTERS:
            restart_spark(master)  # the JVM's new context is not timed; one warm-up call
            count_table(db, backend="pyspark", by=["year"])
            table, seconds = _timed(partial(SCALING_TABLE.count, db, "pyspark"))
            run = ScalingRun(master, seconds, table.to_pylist() == expected.to_pylist())
            done = replace(done, scaling=(*(done.scaling or ()), run))
    except Exception as exc:  # noqa: BLE001 - e.g. the driver's heap is too small
        done = replace(done, error=f"{type(exc).__name__}: {str(exc).splitlines()[0][:300]}")
    return done


def _print(result: StatsReport) -> None:
    print(f"{'table':50} {'plain s':>8} {'duckdb s':>9} {'ratio':>6} {'open: ratio':>11} "
          f"{'pyspark s':>10} {'pandas s':>9}  agree (plain, spark, pandas)  load")  # fmt: skip
    for t in result.tables:
        ratio_open = t.open.ratio_open if t.open else None
        agree = ", ".join("-" if a is None else str(a)
                          for a in (t.plain_agrees, t.pyspark_agrees, t.pandas_agrees))  # fmt: skip
        print(
            f"{t.table:50} {_num(t.plain_s):>8} {t.duckdb_s:9.2f} {_num(t.ratio):>6} "
            f"{_num(ratio_open):>11} {_num(t.pyspark_s):>10} {_num(t.pandas_s):>9}  "
            f"{agree}  {t.load}"
        )
    print(f"kept per store state (coverage, ICCS groups), once after a load: "
          f"{result.kept_once_s:.2f} s; the coverage scan alone "
          f"{result.coverage_scan_s:.2f} s")  # fmt: skip
    if result.pandas_load_s is not None:
        print(f"pandas: reading the frames from the store once: {result.pandas_load_s:.2f} s")
    spark = result.spark
    if spark is not None and spark.export_s is not None:
        print(f"pyspark: exporting the store to Parquet (once per store version): "
              f"{spark.export_s:.2f} s")  # fmt: skip
    for run in (spark.scaling if spark is not None else None) or ():
        print(f"pyspark {run.master:9} {list(SCALING_TABLE.by)} ({SCALING_TABLE.unit}): "
              f"{run.seconds:.2f} s, equal to DuckDB: {run.agrees}")  # fmt: skip
    if spark is not None and spark.error is not None:
        print(f"pyspark failed: {spark.error}")
    print(f"peak RSS of this process: {result.peak_rss_mb_python} MB (Spark's JVM apart)")
    target_line(
        "stats",
        f"worst table {result.worst_ratio:.2f}x its hand-written group-by, both opening "
        f"the store ({result.worst_ratio_open:.2f}x both on an open connection; "
        f"{result.rows:,} rows)",
        f"<= {TARGET_RATIO:g}x, cells equal",
        result.meets_target,
    )


def _num(value: float | None) -> str:
    return "" if value is None else f"{value:.2f}"


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=generate.DEFAULT_SEED)
    parser.add_argument("--workdir")
    parser.add_argument("--backends", default="duckdb,pyspark,pandas")
    args = parser.parse_args()
    main(args.rows, args.seed, args.workdir, tuple(args.backends.split(",")))
