"""Facts of the store kept per store state: the coverage and the ICCS coding groups.

What can go wrong with a cache is a stale answer: each test checks the kept coverage
against a fresh scan of the incidents (:func:`crimestats.stats.coverage_facts.scan_coverage`,
the same grouped query without any cache) or against dates written into the store.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from tests.conftest import base_row

from crimestats.stats import count_table, coverage_cache, store_cache
from crimestats.stats.coverage import source_coverage
from crimestats.stats.coverage_cache import CACHE_SUFFIX
from crimestats.stats.coverage_facts import scan_coverage
from crimestats.stats.fields import PeriodBasis
from crimestats.storage.reads import ibis_store


def _fresh(db: Path, basis: PeriodBasis) -> tuple[Any, ...]:
    with ibis_store(db) as con:
        return scan_coverage(con, basis)


def _kept(db: Path, basis: PeriodBasis, source: str | None = None) -> tuple[Any, ...]:
    with ibis_store(db) as con:
        return source_coverage(con, basis, source)


@pytest.mark.parametrize("basis", list(PeriodBasis))
def test_kept_coverage_equals_a_fresh_scan(demo_db: Path, basis: PeriodBasis) -> None:
    fresh = _fresh(demo_db, basis)
    assert len(fresh) > 1  # several sources, months with and without data
    assert _kept(demo_db, basis) == fresh  # computed (or read) through the cache
    store_cache._memo.clear()
    assert _kept(demo_db, basis) == fresh  # from the file beside the store
    one = fresh[0].source
    assert _kept(demo_db, basis, one) == tuple(c for c in fresh if c.source == one)


def test_the_file_spares_the_scan(demo_db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A new process (no memo) reads the file: no scan of the incidents."""
    expected = _kept(demo_db, PeriodBasis.REPORTED)
    assert (demo_db.with_name(demo_db.name + CACHE_SUFFIX) / "coverage-reported.json").is_file()
    store_cache._memo.clear()

    def no_scan(*args: object) -> None:
        raise AssertionError("scanned although the store did not change")

    monkeypatch.setattr(coverage_cache, "scan_coverage", no_scan)
    assert _kept(demo_db, PeriodBasis.REPORTED) == expected


def test_an_ingest_changes_the_kept_coverage(db: Path, ingest_rows: Callable[..., Any]) -> None:
    """A load after the coverage was kept: the next table sees the new months."""
    ingest_rows([base_row(incident_id="A", reported_date="2024-01-10")])
    [first] = _kept(db, PeriodBasis.REPORTED)
    assert (first.first, first.last) == (date(2024, 1, 10), date(2024, 1, 10))
    ingest_rows([base_row(incident_id="B", reported_date="2024-03-20")])
    [after] = _kept(db, PeriodBasis.REPORTED)
    assert (after.first, after.last) == (date(2024, 1, 10), date(2024, 3, 20))
    assert [m.incidents for m in after.months] == [1, 0, 1]
    assert after == _fresh(db, PeriodBasis.REPORTED)[0]
    table = count_table(db, by=["month"])
    assert table.table.to_pylist() == [
        {"month": "2024-01", "count": 1},
        {"month": "2024-03", "count": 1},
    ]


def test_a_damaged_file_is_scanned_again(demo_db: Path) -> None:
    expected = _fresh(demo_db, PeriodBasis.OCCURRED)
    _kept(demo_db, PeriodBasis.OCCURRED)
    file = demo_db.with_name(demo_db.name + CACHE_SUFFIX) / "coverage-occurred.json"
    file.write_text('{"key": "', encoding="utf-8")  # half a file
    store_cache._memo.clear()
    assert _kept(demo_db, PeriodBasis.OCCURRED) == expected


def test_a_store_cut_to_a_window_is_scanned_not_read_from_the_store_s(demo_db: Path) -> None:
    """The kept coverage is the whole store's: a windowed store gets its own scan."""
    from crimestats.stats.period_window import PeriodWindow, WindowedStore

    window = PeriodWindow.parse("2021", "2021", PeriodBasis.REPORTED)
    with ibis_store(demo_db) as con:
        whole = source_coverage(con, PeriodBasis.REPORTED)
        cut = source_coverage(WindowedStore(con, window), PeriodBasis.REPORTED)
        assert cut == scan_coverage(WindowedStore(con, window), PeriodBasis.REPORTED)
    assert cut != whole
    assert all(c.first is None or c.first >= date(2021, 1, 1) for c in cut)


def test_kept_iccs_groups_give_the_notes_of_a_fresh_scan(demo_db: Path) -> None:
    """The ICCS notes of a table from the groups kept per store state equal the notes
    from a scan of the offences (a windowed store with an open window is not kept)."""
    from crimestats.stats.iccs_notes import iccs_notes
    from crimestats.stats.period_window import PeriodWindow, WindowedStore

    levels = ["iccs_l1", "iccs_l3"]
    unkept = WindowedStore  # not an Ibis DuckDB backend: scanned every time
    with ibis_store(demo_db) as con:
        sources = sorted(c.source for c in source_coverage(con, PeriodBasis.REPORTED))
        scanned = unkept(con, PeriodWindow.parse(None, None))
        for source in [None, *sources]:
            kept = iccs_notes(con, levels, source)
            assert kept == iccs_notes(scanned, levels, source), source
            store_cache._memo.clear()
            assert iccs_notes(con, levels, source) == kept  # read back from the file
    assert kept["offences_in_scope"] > 0


def test_a_duckdb_file_that_is_not_a_store_keeps_nothing(tmp_path: Path) -> None:
    """No ingests table, no fingerprint: the coverage is scanned and nothing is written."""
    import duckdb
    import ibis

    path = tmp_path / "plain.duckdb"
    raw = duckdb.connect(str(path))
    raw.execute(
        "CREATE TABLE incidents AS SELECT * FROM (VALUES ('x', DATE '2024-01-05', "
        "TIMESTAMP '2024-01-01 10:00:00'), ('x', DATE '2024-02-20', NULL)) "
        "t(source, reported_date, occurred_start)"
    )
    raw.close()
    con = ibis.duckdb.connect(str(path))
    try:
        [cov] = source_coverage(con, PeriodBasis.REPORTED)
    finally:
        con.disconnect()
    assert (cov.first, cov.last, cov.known) == (date(2024, 1, 5), date(2024, 2, 20), 1)
    assert not path.with_name(path.name + CACHE_SUFFIX).exists()
