"""The ``series`` table: created on first use, idempotent loads, exact published text."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from crimestats.errors import FileRefusedError, NotFoundError, UsageError
from crimestats.series import read_cts, read_homicide_wpp
from crimestats.series.service import load_series_file, reproduce_series, stored_series
from crimestats.storage.series_store import count_series, read_series_rows

DATA = Path(__file__).resolve().parents[1] / "data" / "series"
CTS = DATA / "cts_subset.csv"
HOMICIDE = DATA / "homicide_subset.csv"


def test_load_creates_the_table_and_is_idempotent(db: Path) -> None:
    first = load_series_file(db, CTS, "cts")
    assert first["rows"] == 1622
    assert (first["added"], first["replaced"]) == (1622, 0)
    assert (first["counts"], first["rates"], first["countries"]) == (811, 811, 6)
    again = load_series_file(db, CTS, "cts")
    assert (again["added"], again["replaced"]) == (0, 1622)
    assert count_series(db) == {"cts": 1622}
    with duckdb.connect(str(db), read_only=True) as con:
        units = con.execute("SELECT unit, count(*) FROM series GROUP BY 1 ORDER BY 1").fetchall()
    assert units == [("count", 811), ("rate", 811)]


def test_stored_rows_keep_the_published_text(db: Path) -> None:
    load_series_file(db, HOMICIDE, "homicide-wpp")
    stored = stored_series(db, "homicide-wpp")
    read = read_homicide_wpp(HOMICIDE)
    assert sorted(stored, key=lambda r: (r.cell, r.unit)) == sorted(
        read, key=lambda r: (r.cell, r.unit)
    )
    texts = {r.value_text for r in stored}
    assert "2.25302550996799" in texts  # Albania 2019, exactly as published
    assert read_series_rows(db, "cts") == []


def test_two_datasets_live_side_by_side(db: Path) -> None:
    load_series_file(db, CTS, "cts")
    load_series_file(db, HOMICIDE, "homicide-wpp")
    assert count_series(db) == {"cts": 1622, "homicide-wpp": 574}
    result, origin = reproduce_series(db, "cts", "implied")
    assert origin == "store"
    assert result.summary()["matched"]["15 significant digits"] == 790
    assert len(read_cts(CTS)) == 1622


def test_reproduce_without_a_loaded_cts_says_how_to_load(db: Path) -> None:
    with pytest.raises(NotFoundError, match="no cts series") as info:
        reproduce_series(db, "cts", "worldbank")
    assert "crimestats series load" in (info.value.hint or "")


def test_homicide_falls_back_to_the_bundled_file(tmp_path: Path) -> None:
    result, origin = reproduce_series(tmp_path / "none.duckdb", "homicide-wpp")
    assert origin == "bundled"
    assert result.population == "wpp"
    assert not (tmp_path / "none.duckdb").exists()


def test_refusals_name_the_file_and_the_fix(tmp_path: Path, db: Path) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text("Iso3_code,Country\nALB,Albania\n", encoding="utf-8")
    with pytest.raises(FileRefusedError, match="missing column") as info:
        load_series_file(db, bad, "cts")
    assert info.value.code == "column-missing"
    text = CTS.read_text(encoding="utf-8").splitlines()
    text[1] = text[1].rsplit(",", 2)[0] + ",12a,CTS"
    bad.write_text("\n".join(text) + "\n", encoding="utf-8")
    with pytest.raises(FileRefusedError, match="line 2") as info:
        load_series_file(db, bad, "cts")
    assert info.value.code == "value-not-a-number"
    assert count_series(db) == {}
    with pytest.raises(UsageError, match="unknown series kind"):
        load_series_file(db, CTS, "gsh")
    with pytest.raises(NotFoundError):
        load_series_file(db, tmp_path / "missing.csv", "cts")
