"""Standard statistics tables over the workload: DuckDB, PySpark local, and pandas.

Loads the workload once into a fresh store (``crimestats.ingest_files``), then times the
standard tables (issue 4) with ``crimestats.stats.count_table`` on DuckDB and on PySpark,
and a pandas version of the same counts as the baseline (frames read from the store once,
not timed; group-bys timed). The pandas baseline counts distinct incidents or offences per
group exactly as the engine does, so the three must agree, and the script checks it.
"""

from __future__ import annotations

import json
import platform
import tempfile
import time
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd

import generate
from crimestats import ingest_files
from crimestats.stats import count_table

TABLES: list[dict[str, Any]] = [
    {"by": ["year", "iccs_l1"], "unit": "offences"},
    {"by": ["area", "year"], "unit": "incidents"},
    {"by": ["year", "weapon"], "unit": "incidents"},
]


def _pandas_tables(db: Path) -> tuple[list[pd.DataFrame], float]:
    con = duckdb.connect(str(db), read_only=True)
    inc = con.execute(
        "SELECT incident_id, area_code AS area, year(reported_date) AS year, weapon FROM incidents"
    ).df()
    off = con.execute(
        "SELECT o.incident_id, o.offence_seq, substr(o.iccs_code, 1, 2) AS iccs_l1, "
        "year(i.reported_date) AS year FROM offences o JOIN incidents i USING (source, incident_id)"
    ).df()
    con.close()
    start = time.perf_counter()
    out = [
        off.groupby(["year", "iccs_l1"], dropna=False).size().reset_index(name="count"),
        inc.groupby(["area", "year"], dropna=False).size().reset_index(name="count"),
        inc.groupby(["year", "weapon"], dropna=False).size().reset_index(name="count"),
    ]
    return out, time.perf_counter() - start


def main(
    rows: int, seed: int = generate.DEFAULT_SEED, workdir: str | None = None
) -> dict[str, Any]:
    work = Path(workdir or Path(tempfile.gettempdir()) / "crimestats-bench")
    work.mkdir(parents=True, exist_ok=True)
    csv_path = work / f"flat_v1_{rows}_{seed}.csv"
    if not csv_path.exists():
        generate.generate(csv_path, rows, seed)
    db = work / f"stats_{rows}_{seed}.duckdb"
    if not db.exists():
        ingest_files([csv_path], source="bench", db=db)
    result: dict[str, Any] = {"rows": rows, "machine": platform.platform(), "tables": []}
    for spec in TABLES:
        timings = {}
        tables = {}
        for backend in ("duckdb", "pyspark"):
            count_table(db, backend=backend, **spec)  # warm-up (Spark JVM, caches)
            start = time.perf_counter()
            tables[backend] = count_table(db, backend=backend, **spec).table
            timings[backend] = time.perf_counter() - start
        agree = tables["duckdb"].to_pylist() == tables["pyspark"].to_pylist()
        result["tables"].append({"spec": spec, "seconds": timings, "engines_agree": agree})
    frames, pandas_seconds = _pandas_tables(db)
    result["pandas_groupby_seconds_all_tables"] = pandas_seconds
    totals = [int(f["count"].sum()) for f in frames]
    engine_totals = [
        sum(count_table(db, **spec).table.column("count").to_pylist()) for spec in TABLES
    ]
    result["pandas_agrees_on_totals"] = totals == engine_totals
    print(f"{'table':34} {'duckdb s':>9} {'pyspark s':>10} agree")
    for t in result["tables"]:
        name = f"{'+'.join(t['spec']['by'])} ({t['spec']['unit']})"
        s = t["seconds"]
        print(f"{name:34} {s['duckdb']:9.2f} {s['pyspark']:10.2f} {t['engines_agree']}")
    print(
        f"pandas group-bys (all {len(TABLES)} tables, frames preloaded): "
        f"{pandas_seconds:.2f} s; totals agree: {result['pandas_agrees_on_totals']}"
    )
    out = Path(__file__).resolve().parent / "out"
    out.mkdir(exist_ok=True)
    (out / "stats.json").write_text(json.dumps(result, indent=2, default=str))
    return result
