"""The store's tables on PySpark, through Ibis, for users who outgrow one machine.

The same Ibis expressions that run on DuckDB run here unchanged (DESIGN.md section 8).
Spark reads the store's tables as Parquet files, as a cluster would: each table a query
uses is exported once with DuckDB's ``COPY ... (FORMAT parquet)`` into a cache folder
beside the store and reused until the store changes. Handing the tables over as Arrow
on every call instead held them all in the driver's heap: at 10 million incidents a
4 GB driver died with ``OutOfMemoryError`` (issue 4), while Spark streams Parquet.

Settings follow DESIGN.md section 10: Arrow transfer on (a large group-by result took
130 s instead of 10 s without it), ``SPARK_LOCAL_IP=127.0.0.1``, and timestamps kept as
TIMESTAMP (Spark cannot read Parquet ``TIME`` columns; the store has none, and the export
writes columns with their store types).
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache
from pathlib import Path
from typing import Any

import duckdb

from crimestats.errors import NotFoundError, StoreError, UsageError
from crimestats.storage.sql_text import ident, lit
from crimestats.storage.store import open_store, resolve_db_path, schema_version

INTERNAL_COLUMNS = ("fields_hash",)
"""Bookkeeping columns statistics never read (and Spark has no unsigned 64-bit type)."""
STORE_TABLES = ("incidents", "offences", "victims", "suspects", "justice_events", "populations")
"""The tables statistics read on Spark; their row counts enter the store's fingerprint."""
EXPORT_FORMAT = 1
"""Bump when what is exported changes (columns, types), so old caches are not reused."""
CACHE_SUFFIX = ".spark"

_views: set[str] = set()
"""Temporary views this process registered in the Spark session (dropped per call)."""


MASTER_ENV = "CRIMESTATS_SPARK_MASTER"
"""Where Spark runs: ``local[2]`` by default (one worker thread per core of the machine it
was measured on), ``local[4]``, or a cluster's master URL (``spark://host:7077``)."""


@cache
def spark_session() -> Any:
    """One Spark session per process (JVM start-up takes about ten seconds).

    Its master is ``$CRIMESTATS_SPARK_MASTER`` (default ``local[2]``); see
    :func:`restart_spark` to change it inside a process (the benchmark's executors).
    """
    os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")
    try:
        from pyspark.sql import SparkSession
    except ImportError:
        raise UsageError(
            "the pyspark backend is not installed",
            hint="pip install 'crimestats[spark]' (needs Java 17 or newer)",
        ) from None
    session = (
        SparkSession.builder.master(os.environ.get(MASTER_ENV) or "local[2]")
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


def restart_spark(master: str) -> Any:
    """Stop this process's Spark session and start one on ``master`` (e.g. ``local[4]``).

    Why: a Spark context's master is fixed when it starts; measuring the same table on 1,
    2 and 4 local executors (``bench/bench_stats.py``) needs a new context for each.
    """
    if spark_session.cache_info().currsize:
        spark_session().stop()
        spark_session.cache_clear()
    _views.clear()  # the views lived in the stopped session
    os.environ[MASTER_ENV] = master
    return spark_session()


@contextmanager
def spark_store(db: str | os.PathLike[str] | None = None) -> Iterator[Any]:
    """An Ibis PySpark backend whose tables are the store's tables, read from Parquet.

    The store stays open read-only for the whole block, so no other process can change
    it (or make another reader replace the cache) while Spark reads the export.
    """
    import ibis

    session = spark_session()
    path = resolve_db_path(db)
    with open_store(path, read_only=True) as con:
        for name in sorted(_views):
            session.catalog.dropTempView(name)  # never read another store's tables
        _views.clear()
        folder = export_folder(con, path)
        yield ParquetTables(ibis.pyspark.connect(session), session, con, folder)


class ParquetTables:
    """The Ibis PySpark backend, exporting and registering each table on first use.

    Statistics reach tables only through ``con.table(name)``, so a table the query never
    asks for is never exported; everything else is the Ibis backend's own.
    """

    def __init__(
        self, backend: Any, session: Any, con: duckdb.DuckDBPyConnection, folder: Path
    ) -> None:
        self._backend = backend
        self._session = session
        self._con = con
        self._folder = folder

    def table(self, name: str, /, **kwargs: Any) -> Any:
        """The Ibis table ``name``, from the store's Parquet export."""
        if name not in _views:
            target = export_table(self._con, name, self._folder)
            self._session.read.parquet(str(target)).createOrReplaceTempView(name)
            _views.add(name)
        return self._backend.table(name, **kwargs)

    def __getattr__(self, attr: str) -> Any:
        return getattr(self._backend, attr)


def store_fingerprint(con: duckdb.DuckDBPyConnection, path: Path) -> dict[str, Any]:
    """What identifies the store's content version, cheaply (no table scan).

    The file's size and modification time (and its write-ahead log's) change on every
    write, including ones that keep row counts (classification updates ``iccs_code`` in
    place); the schema version, the ingests and the row counts also identify the
    content when a copy keeps an old timestamp. A spurious change (a write that altered
    no statistic) costs one re-export, never a stale table.
    """
    files = {}
    for file in (path, path.with_name(path.name + ".wal")):
        if file.exists():
            stat = file.stat()
            files[file.name] = [stat.st_size, stat.st_mtime_ns]
    # one query, not one per fact: a small table's statistics ask for this every time
    # (crimestats.stats.store_cache), and each round trip costs milliseconds
    counts = ", ".join(f"(SELECT count(*) FROM {ident(name)})" for name in STORE_TABLES)
    found = con.execute(
        "SELECT count(*), coalesce(max(ingest_id), 0), CAST(max(finished_at) AS VARCHAR), "
        f"{counts} FROM ingests"
    ).fetchone()
    assert found is not None  # an aggregate gives one row
    return {
        "export_format": EXPORT_FORMAT,
        "schema_version": schema_version(con),
        "ingests": list(found[:3]),
        "rows": {name: int(n) for name, n in zip(STORE_TABLES, found[3:], strict=True)},
        "files": files,
    }


def export_folder(con: duckdb.DuckDBPyConnection, path: Path) -> Path:
    """The cache folder of the store's current version, made if missing.

    ``<store>.spark/<fingerprint>/`` beside the store, or, when that folder cannot be
    made (a read-only directory), under the temporary directory. Folders of earlier
    versions are removed when a new version's folder is made.
    """
    facts = store_fingerprint(con, path)
    key = hashlib.sha256(json.dumps(facts, sort_keys=True).encode()).hexdigest()[:16]
    root = _cache_root(path)
    folder = root / key
    if not folder.exists():
        for old in root.iterdir():
            if old.is_dir() and _is_key(old.name) and old.name != key:
                shutil.rmtree(old, ignore_errors=True)
        try:
            folder.mkdir(exist_ok=True)
            (folder / "fingerprint.json").write_text(json.dumps(facts, indent=2, sort_keys=True))
        except OSError as exc:
            raise _cache_error(folder, exc) from exc
    return folder


def _cache_root(path: Path) -> Path:
    root = path.with_name(path.name + CACHE_SUFFIX)
    try:
        root.mkdir(exist_ok=True)
        if os.access(root, os.W_OK):
            return root
    except OSError:
        pass
    place = hashlib.sha256(str(path.resolve()).encode()).hexdigest()[:16]
    root = Path(tempfile.gettempdir()) / "crimestats-spark" / place
    try:
        root.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise _cache_error(root, exc) from exc
    return root


def _cache_error(folder: Path, exc: BaseException) -> StoreError:
    return StoreError(
        f"cannot write the Parquet export for Spark in {folder}: {str(exc).splitlines()[0]}",
        hint="free disk space, or make the store's folder writable",
    )


def _is_key(name: str) -> bool:
    return len(name) == 16 and all(c in "0123456789abcdef" for c in name)


def export_table(con: duckdb.DuckDBPyConnection, name: str, folder: Path) -> Path:
    """``<folder>/<name>.parquet``, written by DuckDB unless already there.

    The file is written under a temporary name and renamed, so a reader never sees a
    half-written file, even with two processes exporting at once.
    """
    target = folder / f"{name}.parquet"
    if target.exists():
        return target
    try:
        columns = [r[0] for r in con.execute(f"DESCRIBE {ident(name)}").fetchall()]
    except duckdb.CatalogException:
        raise NotFoundError(
            f"the store has no table {name!r}", hint="is the store from this crimestats?"
        ) from None
    keep = ", ".join(ident(c) for c in columns if c not in INTERNAL_COLUMNS)
    partial = folder / f"{name}.parquet.{os.getpid()}.part"
    try:
        con.execute(
            f"COPY (SELECT {keep} FROM {ident(name)}) TO {lit(str(partial))} (FORMAT parquet)"
        )
        partial.replace(target)
    except (duckdb.Error, OSError) as exc:
        partial.unlink(missing_ok=True)
        raise _cache_error(folder, exc) from exc
    return target


@contextmanager
def parquet_store(folder: str | os.PathLike[str]) -> Iterator[Any]:
    """An Ibis PySpark backend over a Parquet export (:mod:`crimestats.storage.parquet_export`),
    read in place: each table's partition folders, ``source`` read as text and the derived
    ``year`` partition dropped, so the tables are the store's (issue 19, scale out)."""
    import ibis

    from crimestats.storage.parquet_export import MANIFEST

    root = Path(folder)
    try:
        manifest = json.loads((root / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        raise NotFoundError(
            f"{root} is not a Parquet export of a store (no readable {MANIFEST})",
            hint="make one with 'crimestats export-parquet FOLDER --db STORE'",
        ) from None
    session = spark_session()
    # a source named like a number stays text (partition values are read as strings)
    session.conf.set("spark.sql.sources.partitionColumnTypeInference.enabled", "false")
    for name in sorted(_views):
        session.catalog.dropTempView(name)
    _views.clear()
    derived = set(manifest.get("derived_columns", []))
    for name in manifest["rows"]:
        path = str(root / name)
        frame = session.read.option("basePath", path).parquet(path)
        frame = frame.drop(*[c for c in derived if c in frame.columns])
        frame.createOrReplaceTempView(name)
        _views.add(name)
    yield ibis.pyspark.connect(session)
