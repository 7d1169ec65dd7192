"""The store's tables on PySpark, through Ibis, for users who outgrow one machine.

The same Ibis expressions that run on DuckDB run here unchanged (DESIGN.md section 8).
For a store that fits on one machine the tables are handed to a local Spark session as
Arrow; at scale a cluster reads the same tables exported as Parquet. Settings follow
DESIGN.md section 10: Arrow transfer on (a large group-by result took 130 s instead of
10 s without it), ``SPARK_LOCAL_IP=127.0.0.1``, and timestamps kept as TIMESTAMP.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache
from typing import Any

from crimestats.errors import UsageError
from crimestats.storage.store import open_store

INTERNAL_COLUMNS = ("fields_hash",)
"""Bookkeeping columns statistics never read (and Spark has no unsigned 64-bit type)."""
STORE_TABLES = ("incidents", "offences", "victims", "suspects", "justice_events", "populations")


@cache
def spark_session() -> Any:
    """One local Spark session per process (JVM start-up takes about ten seconds)."""
    os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")
    try:
        from pyspark.sql import SparkSession
    except ImportError:
        raise UsageError(
            "the pyspark backend is not installed",
            hint="pip install 'crimestats[spark]' (needs Java 17 or newer)",
        ) from None
    session = (
        SparkSession.builder.master("local[2]")
        .appName("crimestats")
        .config("spark.sql.execution.arrow.pyspark.enabled", "true")
        .config("spark.sql.session.timeZone", "UTC")
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .config("spark.sql.shuffle.partitions", "4")
        .config("spark.driver.memory", os.environ.get("CRIMESTATS_SPARK_MEMORY", "4g"))
        .getOrCreate()
    )
    session.sparkContext.setLogLevel("ERROR")
    return session


@contextmanager
def spark_store(db: str | os.PathLike[str] | None = None) -> Iterator[Any]:
    """An Ibis PySpark backend whose tables are the store's tables."""
    import ibis

    session = spark_session()
    with open_store(db, read_only=True) as con:
        for name in STORE_TABLES:
            columns = [r[0] for r in con.execute(f"DESCRIBE {name}").fetchall()]
            keep = ", ".join(f'"{c}"' for c in columns if c not in INTERNAL_COLUMNS)
            arrow = con.execute(f"SELECT {keep} FROM {name}").to_arrow_table()
            frame = session.createDataFrame(arrow, schema=_spark_schema(arrow))
            frame.createOrReplaceTempView(name)
    yield ibis.pyspark.connect(session)


def _spark_schema(arrow: Any) -> Any:
    """The Spark schema of an Arrow table (so empty tables keep their column types)."""
    from pyspark.sql.pandas.types import from_arrow_schema

    return from_arrow_schema(arrow.schema)
