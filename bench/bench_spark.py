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
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_stats import cells
from crimestats.stats import count_table
from table_spec import TableSpec
from targets import target_line

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
) -> dict[str, Any]:
    from crimestats.storage.spark import restart_spark

    os.environ.setdefault("CRIMESTATS_SPARK_MEMORY", "4g")
    if not export.exists():
        from crimestats.storage.parquet_export import export_parquet

        _, result_s, load = _timed(lambda: export_parquet(store, export))
        print(f"export-parquet: {result_s:.1f} s (load {load})")
    small = one_year(export, SMALL_YEAR)
    manifest = json.loads((export / "crimestats-export.json").read_text())
    small_rows = json.loads((small / "crimestats-export.json").read_text())["rows"]
    result: dict[str, Any] = {"store": str(store), "export": str(export), "cpus": os.cpu_count(),
                              "driver_memory": os.environ["CRIMESTATS_SPARK_MEMORY"],
                              "duckdb": {}, "spark": []}  # fmt: skip
    expected: dict[str, Any] = {}
    specs = TABLES[:tables]
    for spec in specs:
        table, seconds, load = _timed(lambda s=spec: count_table(store, **s.count_args()).table)
        expected[spec.name] = table
        result["duckdb"][spec.name] = {"seconds": seconds, "load": load}
    for master in masters:
        _, start_s, load = _timed(lambda m=master: restart_spark(m))
        run: dict[str, Any] = {"master": master, "start_s": start_s, "start_load": load}
        run["tables"] = []
        for spec in specs:
            # the JVM compiles a query's code on its first runs: one run on the small
            # folder first, so that no master pays that for the others
            count_table(small, backend="pyspark", **spec.count_args())
            unit = spec.unit
            big, big_s, big_load, big_cpu = _timed_cpu(
                lambda s=spec: count_table(export, backend="pyspark", **s.count_args()).table
            )
            _, small_s, small_load, small_cpu = _timed_cpu(
                lambda s=spec: count_table(small, backend="pyspark", **s.count_args()).table
            )
            n_big, n_small = manifest["rows"][unit], small_rows.get(unit, 0)
            per_row = (big_s - small_s) / (n_big - n_small)
            cols = big.column_names
            run["tables"].append({
                "table": spec.name, "seconds": big_s, "load": big_load, "rows": n_big,
                "jvm_cpu_s": big_cpu, "one_year_s": small_s, "one_year_load": small_load,
                "one_year_rows": n_small, "one_year_jvm_cpu_s": small_cpu,
                "fixed_s": big_s - per_row * n_big, "per_million_rows_s": per_row * 1e6,
                "equal": cells(big.to_pylist(), cols)
                == cells(expected[spec.name].to_pylist(), cols),
            })  # fmt: skip
        result["spark"].append(run)
        _print_run(run)
    result["meets_target"] = _print(result)
    out = Path(__file__).resolve().parent / "out"
    out.mkdir(exist_ok=True)
    (out / out_name).write_text(json.dumps(result, indent=2, default=str))
    return result


def _print_run(run: dict[str, Any]) -> None:
    print(f"{run['master']}: new Spark context {run['start_s']:.1f} s (load {run['start_load']})")
    for t in run["tables"]:
        print(
            f"  {t['table']:45} {t['seconds']:7.1f} s (load {t['load']}; JVM CPU "
            f"{t['jvm_cpu_s']:.1f} s, {t['jvm_cpu_s'] / t['seconds']:.2f} cores) | one year "
            f"{t['one_year_s']:6.1f} s | fixed {t['fixed_s']:5.1f} s + "
            f"{t['per_million_rows_s']:5.2f} s per million rows | equal to DuckDB: {t['equal']}",
            flush=True,
        )


def _print(result: dict[str, Any]) -> bool:
    """Print the figures and the target line; whether the target is met."""
    for name, d in result["duckdb"].items():
        print(f"duckdb {name:45} {d['seconds']:6.2f} s (load {d['load']})")
    runs = {r["master"]: r for r in result["spark"]}
    equal = all(t["equal"] for r in result["spark"] for t in r["tables"])
    scaling = ""
    if "local[1]" in runs and "local[2]" in runs:
        one, two = runs["local[1]"]["tables"][0], runs["local[2]"]["tables"][0]
        scaling = f"; {one['table']}: local[1]/local[2] = {one['seconds'] / two['seconds']:.2f}x"
    times = ", ".join(f"{m} {r['tables'][0]['seconds']:.1f} s" for m, r in runs.items())
    met = equal and set(MASTERS) <= set(runs)
    target_line(
        "spark",
        f"{'equal' if equal else 'NOT equal'} on {', '.join(runs)} ({times}{scaling})",
        "equal to DuckDB on 1, 2 and 4 executors, times beside",
        met,
    )
    return met


def run(rows: int, workdir: str | None = None) -> dict[str, Any]:
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
