"""A release counts each configured table once and touches the store a fixed number of times.

Why (issue 12, "counting again and again"): ``build_release`` used to hand the store
path down five layers, and each layer counted again: on a 40-row store one default
release ran ``count_table`` five times for three tables and opened the store 14 times,
and the cross-unit repair counted again on every round. Counting is the slow, store-
bound step of a release; the protection, audits and writers need only the counted
rows. This test wraps the counting function and ``duckdb.connect`` (every store open,
through ``open_store`` or Ibis, ends there) and checks the default release counts each
of its three tables exactly once over a bounded number of connections.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

import duckdb
import pytest
from tests.conftest import base_row

from crimestats.release import build_release
from crimestats.release.config import default_config
from crimestats.services.ingesting import IngestResult
from crimestats.stats import engine

MAX_OPENS = 6
"""Lineage with the release history and the last hexagon map (1), proving the store
writable (1), one Ibis connection for counting every table (a read-only open that
migrates, then the backend: 2), the map's points (1) and the record (1). Before this
change the same release connected 16 times and counted 5 times (a release with DP
tables: 14 connections)."""


def _rows() -> list[dict[str, Any]]:
    labels = ("Assault", "Burglary", "Theft")
    return [
        base_row(
            incident_id=f"I{n}",
            # every year in all twelve months: no partial year, all counted
            reported_date=f"{2022 + n % 3}-{1 + n // 3 % 12:02d}-10",
            national_label=labels[n % 3],
            victim_sex="female" if n % 2 else "male",
            victim_age=str(20 + n),
        )
        for n in range(40)
    ]


def test_default_release_counts_each_table_once(
    ingest_rows: Callable[..., IngestResult],
    db: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    ingest_rows(_rows())
    counted: Counter[tuple[str, tuple[str, ...]]] = Counter()
    opens: list[str] = []
    real_count = engine.count_on
    real_connect = duckdb.connect

    def count_on(con: Any, **kwargs: Any) -> Any:
        counted[(str(kwargs["unit"]), tuple(kwargs["by"]))] += 1
        return real_count(con, **kwargs)

    def connect(*args: Any, **kwargs: Any) -> Any:
        opens.append(str(args[0] if args else kwargs.get("database")))
        return real_connect(*args, **kwargs)

    monkeypatch.setattr(engine, "count_on", count_on)
    monkeypatch.setattr(duckdb, "connect", connect)
    result = build_release(db, tmp_path / "release")

    tables = default_config().tables
    assert len(result.tables) == len(tables) == 3
    assert counted == Counter({(t.unit, t.by): 1 for t in tables})
    assert all(Path(p).resolve() == db.resolve() for p in opens)
    assert 1 <= len(opens) <= MAX_OPENS, opens
    assert result.summary_lines == [
        f"{name}: {info['rows']} rows, {info['primary_cells']} primary and "
        f"{info['secondary_cells']} secondary cells withheld"
        for name, info in result.tables.items()
    ]


def test_mixed_release_counts_each_table_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Rounding and DP tables: each counted once (DP tables bounded), all on the one
    counting connection, so the store is opened no more than for the default. (A rounding
    table is the only exact table of its release: red-team finding B.)"""
    from tests.release.test_release_dp import CONFIG, make_store

    from crimestats.release import dp_tables
    from crimestats.release.config import parse_config

    store = make_store(tmp_path / "store")
    rounded = {"name": "offences_r", "unit": "offences", "by": ["source"], "method": "rounding"}
    dp_only = [t for t in CONFIG["tables"] if t.get("method") == "dp"]
    config = parse_config({**CONFIG, "tables": [*dp_only, rounded]})
    exact: Counter[str] = Counter()
    bounded: Counter[str] = Counter()
    opens: list[str] = []
    real_count = engine.count_on
    real_bounded = dp_tables.bounded_counts_on
    real_connect = duckdb.connect

    def count_on(con: Any, **kwargs: Any) -> Any:
        exact[f"{kwargs['unit']}:{','.join(kwargs['by'])}"] += 1
        return real_count(con, **kwargs)

    def bounded_counts_on(con: Any, table: Any, **kwargs: Any) -> Any:
        bounded[table.name] += 1
        return real_bounded(con, table, **kwargs)

    def connect(*args: Any, **kwargs: Any) -> Any:
        opens.append(str(args[0] if args else kwargs.get("database")))
        return real_connect(*args, **kwargs)

    monkeypatch.setattr(engine, "count_on", count_on)
    monkeypatch.setattr(dp_tables, "bounded_counts_on", bounded_counts_on)
    monkeypatch.setattr(duckdb, "connect", connect)
    result = build_release(store, tmp_path / "release", config=config)

    assert set(result.tables) == {t.name for t in config.tables}
    assert exact == Counter({"offences:source": 1})
    assert bounded == Counter({"incidents_dp": 1, "victims_dp": 1})
    assert 1 <= len(opens) <= MAX_OPENS, opens
    lines = dict(zip(result.tables, result.summary_lines, strict=True))
    assert (
        lines["offences_r"]
        == f"offences_r: {result.tables['offences_r']['rows']} rows, controlled rounding"
    )
    epsilon = result.tables["victims_dp"]["epsilon"]
    assert lines["victims_dp"].endswith(f"differential privacy (epsilon {epsilon:.4g})")
