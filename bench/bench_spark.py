"""PySpark on 1, 2 and 4 local executors over a Parquet export read in place (issue 19 item 3).

The store is exported once (``crimestats export-parquet``, partitioned by source and
year) and Spark reads the folder where it lies, as a cluster would. For each master
(``local[1]``, ``local[2]``, ``local[4]``) the script

* starts a new Spark context on it (timed: the JVM's context, the fixed start cost of a
  session);
* counts each table of :data:`TABLES` on the whole export (``--db FOLDER --backend
  pyspark``) and on one year of it (a folder holding one ``year=`` partition of each
  event table, made here by links), so that the time splits into a fixed cost per query
  (planning, task start-up, the shuffle's set-up) and a cost per row: a line through
  the two sizes, ``seconds = fixed + per_row * rows``;
* checks every table equal, cell for cell, to DuckDB's ``count_table`` on the store
  (timed too, on DuckDB's own file).

The machine's load average is recorded beside each figure (the machine is shared).
``python bench/bench_spark.py --store STORE --export FOLDER [--masters LIST]``; the
export is made first when FOLDER does not exist. Spark's driver memory is
``$CRIMESTATS_SPARK_MEMORY`` (default here 4g).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from collections.abc import Callable, Mapping
from dataclasses import asdict, dataclass
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_stats import cells
from table_spec import TableSpec
from targets import target_line

if TYPE_CHECKING:
    import pyarrow as pa

TABLES = [
    TableSpec(("year", "iccs_l1"), "offences"),
    TableSpec(("source", "year"), "incidents"),
    TableSpec(("source", "victim_sex", "victim_age_group"), "victims"),
]
"""The scaling table (a join of offences to incidents, the costliest common table) and
two release tables (incidents by source and year; victims by sex and age group)."""
MASTERS = ("local[1]", "local[2]", "local[4]")
"""On a 2-core machine local[4] runs four tasks on two cores: it cannot beat local[2]."""
SMALL_YEAR = "2020"


@dataclass(frozen=True, slots=True)
class DuckTiming:
    """DuckDB's ``count_table`` of a table on the store, and the load average after it."""

    seconds: float
    load: float


@dataclass(frozen=True, slots=True)
class SparkTable:
    """One table on one master: the whole export and one year of it, and the line
    ``seconds = fixed_s + per_row * rows`` through the two (``per_million_rows_s``).

    ``jvm_cpu_s`` over ``seconds`` is how many cores the JVM used; ``equal``: every cell
    as DuckDB's."""

    table: str
    seconds: float
    load: float
    rows: int
    jvm_cpu_s: float
    one_year_s: float
    one_year_load: float
    one_year_rows: int
    one_year_jvm_cpu_s: float
    fixed_s: float
    per_million_rows_s: float
    equal: bool


@dataclass(frozen=True, slots=True)
class SparkRun:
    """Every table on one master, after a new Spark context on it (``start_s``)."""

    master: str
    start_s: float
    start_load: float
    tables: tuple[SparkTable, ...]


@dataclass(frozen=True, slots=True)
class SparkReport:
    """The run, as ``bench/out/spark.json`` keeps it."""

    store: str
    export: str
    cpus: int | None
    driver_memory: str
    duckdb: Mapping[str, DuckTiming]
    spark: tuple[SparkRun, ...]

    @property
    def equal(self) -> bool:
        return all(t.equal for r in self.spark for t in r.tables)

    @property
    def meets_target(self) -> bool:
        """Equal to DuckDB on every master of :data:`MASTERS` (the times stand beside)."""
        return self.equal and set(MASTERS) <= {r.master for r in self.spark}

    def to_json(self) -> dict[str, object]:
        return {**asdict(self), "meets_target": self.meets_target}


def _load() -> float:
    return round(os.getloadavg()[0], 2)


def _timed(fn: Callable[[], Any]) -> tuple[Any, float, float]:
    """(result, seconds, 1-minute load average at the end)."""
    start = time.perf_counter()
    out = fn()
    return out, time.perf_counter() - start, _load()


def cpu_seconds() -> float:
    """CPU time (user + system) of this process's descendants: Spark's JVM (Linux /proc).

    Why: on a shared machine the wall time says how many cores the job got; the JVM's
    CPU time divided by the wall time says how many it used (2.0 at most here).
    """
    parents: dict[int, int] = {}
    times: dict[int, float] = {}
    tick = os.sysconf("SC_CLK_TCK")
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue  # ended meanwhile
        parents[int(entry.name)] = int(fields[1])
        times[int(entry.name)] = (int(fields[11]) + int(fields[12])) / tick
    mine, todo = set(), [os.getpid()]
    while todo:
        pid = todo.pop()
        kids = [p for p, parent in parents.items() if parent == pid and p not in mine]
        mine.update(kids)
        todo += kids
    return sum(times[p] for p in mine)


def _timed_cpu(fn: Callable[[], Any]) -> tuple[Any, float, float, float]:
    """(result, seconds, load at the end, the JVM's CPU seconds meanwhile)."""
    before = cpu_seconds()
    out, seconds, load = _timed(fn)
    return out, seconds, load, cpu_seconds() - before


def one_year(export: Path, year: str) -> Path:
    """A folder holding one ``year=`` partition of each event table, by symbolic links."""
    small = export.with_name(f"{export.name}-{year}")
    if small.exists():
        return small
    manifest = json.loads((export / "crimestats-export.json").read_text())
    parted = set(manifest["partitioned"])
    rows = {}
    for table in manifest["rows"]:
        src = export / table
        if table not in parted:
            (small / table).mkdir(parents=True)
            for f in src.iterdir():
                (small / table / f.name).symlink_to(f)
            rows[table] = manifest["rows"][table]
            continue
        rows[table] = 0  # a partitioned table keeps only the year's folders
        for source in src.iterdir():
            part = source / f"year={year}"
            if part.exists():
                (small / table / source.name).mkdir(parents=True)
                (small / table / source.name / part.name).symlink_to(part)
                rows[table] += parquet_rows(part)
    # tables with no folder of that year keep an empty table's folder Spark can read
    for table in parted:
        if not (small / table).exists():
            rows.pop(table, None)
    manifest["rows"] = rows
    (small / "crimestats-export.json").write_text(json.dumps(manifest, indent=2))
    return small


def parquet_rows(folder: Path) -> int:
    """Rows in a folder's Parquet files, from their footers (DuckDB)."""
    import duckdb

    con = duckdb.connect()
    try:
        row = con.execute(f"SELECT count(*) FROM read_parquet('{folder}/*.parquet')").fetchone()
    finally:
        con.close()
    return int(row[0]) if row else 0


def main(
    store: Path,
    export: Path,
    masters: tuple[str, ...],
    tables: int = len(TABLES),
    out_name: str = "spark.json",
) -> SparkReport:
    from crimestats.storage.spark import restart_spark

    os.environ.setdefault("CRIMESTATS_SPARK_MEMORY", "4g")
    if not export.exists():
        from crimestats.storage.parquet_export import export_parquet

        _, result_s, load = _timed(lambda: export_parquet(store, export))
        print(f"export-parquet: {result_s:.1f} s (load {load})")
    small = one_year(export, SMALL_YEAR)
    manifest = json.loads((export / "crimestats-export.json").read_text())
    small_rows = json.loads((small / "crimestats-export.json").read_text())["rows"]
    duck: dict[str, DuckTiming] = {}
    expected: dict[str, pa.Table] = {}  # DuckDB's answers
    specs = TABLES[:tables]
    for spec in specs:
        table, seconds, load = _timed(partial(spec.count, store))
        expected[spec.name] = table
        duck[spec.name] = DuckTiming(seconds, load)
    runs = []
    for master in masters:
        _, start_s, load = _timed(partial(restart_spark, master))
        figures = []
        for spec in specs:
            # the JVM compiles a query's code on its first runs: one run on the small
            # folder first, so that no master pays that for the others
            spec.count(small, "pyspark")
            unit = spec.unit
            big, big_s, big_load, big_cpu = _timed_cpu(partial(spec.count, export, "pyspark"))
            _, small_s, small_load, small_cpu = _timed_cpu(partial(spec.count, small, "pyspark"))
            n_big, n_small = manifest["rows"][unit], small_rows.get(unit, 0)
            per_row = (big_s - small_s) / (n_big - n_small)
            cols = big.column_names
            figures.append(SparkTable(
                table=spec.name, seconds=big_s, load=big_load, rows=n_big, jvm_cpu_s=big_cpu,
                one_year_s=small_s, one_year_load=small_load, one_year_rows=n_small,
                one_year_jvm_cpu_s=small_cpu, fixed_s=big_s - per_row * n_big,
                per_million_rows_s=per_row * 1e6,
                equal=cells(big.to_pylist(), cols)
                == cells(expected[spec.name].to_pylist(), cols),
            ))  # fmt: skip
        runs.append(SparkRun(master, start_s, load, tuple(figures)))
        _print_run(runs[-1])
    result = SparkReport(
        store=str(store),
        export=str(export),
        cpus=os.cpu_count(),
        driver_memory=os.environ["CRIMESTATS_SPARK_MEMORY"],
        duckdb=duck,
        spark=tuple(runs),
    )
    _print(result)
    out = Path(__file__).resolve().parent / "out"
    out.mkdir(exist_ok=True)
    (out / out_name).write_text(json.dumps(result.to_json(), indent=2, default=str))
    return result


def _print_run(run: SparkRun) -> None:
    print(f"{run.master}: new Spark context {run.start_s:.1f} s (load {run.start_load})")
    for t in run.tables:
        print(
            f"  {t.table:45} {t.seconds:7.1f} s (load {t.load}; JVM CPU "
            f"{t.jvm_cpu_s:.1f} s, {t.jvm_cpu_s / t.seconds:.2f} cores) | one year "
            f"{t.one_year_s:6.1f} s | fixed {t.fixed_s:5.1f} s + "
            f"{t.per_million_rows_s:5.2f} s per million rows | equal to DuckDB: {t.equal}",
            flush=True,
        )


def _print(result: SparkReport) -> None:
    """Print the figures and the target line."""
    for name, d in result.duckdb.items():
        print(f"duckdb {name:45} {d.seconds:6.2f} s (load {d.load})")
    runs = {r.master: r for r in result.spark}
    scaling = ""
    if "local[1]" in runs and "local[2]" in runs:
        one, two = runs["local[1]"].tables[0], runs["local[2]"].tables[0]
        scaling = f"; {one.table}: local[1]/local[2] = {one.seconds / two.seconds:.2f}x"
    times = ", ".join(f"{m} {r.tables[0].seconds:.1f} s" for m, r in runs.items())
    target_line(
        "spark",
        f"{'equal' if result.equal else 'NOT equal'} on {', '.join(runs)} ({times}{scaling})",
        "equal to DuckDB on 1, 2 and 4 executors, times beside",
        result.meets_target,
    )


def run(rows: int, workdir: str | None = None) -> SparkReport:
    """For ``bench/run.py``: the workload's store (``bench_stats.prepare``), exported once
    beside it (``<store>.parquet/``), on every master."""
    import generate
    from bench_stats import prepare

    store = prepare(rows, generate.DEFAULT_SEED, workdir)
    return main(store, store.with_name(store.stem + ".parquet"), MASTERS)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--store", type=Path, required=True)
    parser.add_argument("--export", type=Path, required=True)
    parser.add_argument("--masters", default=",".join(MASTERS))
    parser.add_argument("--tables", type=int, default=len(TABLES), help="the first N tables")
    parser.add_argument("--out", default="spark.json", help="file name under bench/out")
    args = parser.parse_args()
    main(args.store, args.export, tuple(args.masters.split(",")), args.tables, args.out)
