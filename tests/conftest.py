"""Shared helpers: write small flat v1 files and ingest them into a fresh store."""

from __future__ import annotations

import csv
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from crimestats.domain.flat_layout import FLAT_V1
from crimestats.services.ingesting import IngestResult, ingest_files

FLAT_FIELDS = [f.name for f in FLAT_V1]


def write_flat(path: Path, rows: list[dict[str, Any]], fields: list[str] | None = None) -> Path:
    """Write rows as a flat v1 CSV (only the given or the used columns)."""
    if fields is None:
        used = {k for row in rows for k in row}
        fields = [f for f in FLAT_FIELDS if f in used] or ["incident_id"]
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=fields)
        writer.writeheader()
        for row in rows:
            writer.writerow({k: row.get(k, "") for k in fields})
    return path


@pytest.fixture(scope="session")
def demo_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The bundled real data, loaded and coded to ICCS once per session.

    Shared by every test that only reads it; a test that changes a store builds its own.
    """
    from crimestats.services.classifying import classify
    from crimestats.services.demo import run_demo

    store = tmp_path_factory.mktemp("demo") / "demo.duckdb"
    run_demo(store)
    classify(store)
    return store


@pytest.fixture
def db(tmp_path: Path) -> Path:
    """A path for a fresh store."""
    return tmp_path / "store.duckdb"


@pytest.fixture
def ingest_rows(tmp_path: Path, db: Path) -> Callable[..., IngestResult]:
    """Write rows to a CSV and ingest it; returns the file's result."""
    counter = {"n": 0}

    def run(rows: list[dict[str, Any]], source: str = "test", **kwargs: Any) -> IngestResult:
        counter["n"] += 1
        path = write_flat(tmp_path / f"in{counter['n']}.csv", rows)
        return ingest_files([path], source=source, db=db, **kwargs)[0]

    return run


def big_label_file(path: Path, rows: int, label: str) -> Path:
    """A flat CSV of ``rows`` incidents B0, B1, ..., all with the offence ``label``: one
    version of a source, for the tests that replace it with another (and kill the replace)."""
    with path.open("w", encoding="utf-8") as handle:
        handle.write("incident_id,reported_date,national_label\n")
        for i in range(rows):
            handle.write(f"B{i},2023-{1 + i % 12:02d}-{1 + i % 28:02d},{label}\n")
    return path


def reopen_after_crash(db: Path) -> None:
    """Open and close the store as the next crimestats command after a crash does.

    That open discards a commit the crash cut short (``storage/torn_wal.py``), which
    DuckDB 1.5.6 alone would bring back in part; a test of ``kill -9`` then reads what a
    user of crimestats reads.
    """
    from crimestats.storage.store import open_store

    with open_store(db, read_only=True):
        pass


def table_counts(db: Path, tables: tuple[str, ...]) -> tuple[int, ...]:
    """Row counts of store tables, read-only (to compare a store before and after)."""
    import duckdb

    con = duckdb.connect(str(db), read_only=True)
    try:
        return tuple(
            int(con.execute(f"SELECT count(*) FROM {t}").fetchone()[0])  # type: ignore[index]
            for t in tables
        )
    finally:
        con.close()


def set_iccs_codes(db: Path, codes: dict[tuple[str, int], str | None]) -> None:
    """Code offences by hand, (incident id, offence seq) -> ICCS code, with plain SQL: a
    store whose codes are known without the autocoder (``None`` leaves one uncoded)."""
    import duckdb

    con = duckdb.connect(str(db))
    try:
        for (incident, seq), code in codes.items():
            con.execute(
                "UPDATE offences SET iccs_code = ?, iccs_method = ? "
                "WHERE incident_id = ? AND offence_seq = ?",
                [code, "manual" if code else None, incident, seq],
            )
    finally:
        con.close()


def base_row(**overrides: Any) -> dict[str, Any]:
    """A valid flat v1 row, with overrides."""
    row: dict[str, Any] = {
        "incident_id": "I1",
        "reported_date": "2024-01-10",
        "occurred_start": "2024-01-09 22:00:00",
        "national_label": "Assault",
    }
    row.update(overrides)
    return row


def run_cli(*args: str) -> tuple[int, str, BaseException | None]:
    """Run the real ``crimestats`` Typer app in-process: (exit code, stdout, exception)."""
    from typer.testing import CliRunner

    from crimestats.cli.app import app

    result = CliRunner().invoke(app, list(args))
    return result.exit_code, result.stdout, result.exception


# ---------------------------------------------------------------- markers for make test-fast
# The lists of slow and Spark tests are data, kept in tests/slow_marks.py.

from tests.slow_marks import SLOW_FIXTURES, SLOW_TESTS, SPARK_TESTS  # noqa: E402


def _is_slow(nodeid: str) -> bool:
    """``nodeid`` is listed in :data:`SLOW_TESTS` (its file, function or parameter)."""
    file, _, name = nodeid.partition("::")
    if file not in SLOW_TESTS:
        return False
    names = SLOW_TESTS[file]
    return not names or name in names or name.split("[", 1)[0] in names


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark the tests ``make test-fast`` leaves out (see ``SPARK_TESTS``, ``SLOW_TESTS``)."""
    for item in items:
        if item.nodeid.startswith(SPARK_TESTS):
            item.add_marker(pytest.mark.spark)
        fixtures = set(getattr(item, "fixturenames", ()))
        if _is_slow(item.nodeid) or SLOW_FIXTURES & fixtures:
            item.add_marker(pytest.mark.slow)
