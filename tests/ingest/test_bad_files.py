"""Malformed files: one clear message naming the file, the problem and the fix; the store
is left exactly as it was."""

from __future__ import annotations

import gzip
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from tests.conftest import table_counts

from crimestats.services.ingesting import ingest_files

GOOD = "incident_id,reported_date,national_label\nA1,2024-01-01,Theft\nA2,2024-01-02,Assault\n"


def _counts(db: Path) -> tuple[int, ...]:
    return table_counts(db, ("incidents", "offences", "quarantine", "ingests"))


def _make(tmp_path: Path, name: str, content: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(content)
    return path


CASES = [
    ("empty.csv", b"", "file-empty"),
    ("header_only.csv", b"incident_id,reported_date,national_label\n", "file-empty"),
    ("latin1.csv", GOOD.encode() + "A3,2024-01-03,Vol \u00e0 l'\u00e9talage\n".encode("latin-1"),
     "file-encoding"),
    ("semicolon.csv", GOOD.replace(",", ";").encode(), "file-wrong-delimiter"),
    ("missing.csv", b"incident_id,national_label\nA1,Theft\n", "file-missing-column"),
    ("dupcols.csv", b"incident_id,reported_date,national_label,national_label\nA,2024-01-01,x,y\n",
     "file-duplicate-column"),
    ("truncated.csv", GOOD.encode() + b"A3,2024-01", "file-truncated"),
    ("quote.csv", GOOD.encode() + b'A3,2024-01-03,"Theft\nA4,2024-01-04,Theft\n',
     "file-unbalanced-quote"),
    ("really_parquet.csv", None, "file-type-mismatch"),
    ("workbook.csv", b"PK\x03\x04" + b"\x00" * 100, "file-type-mismatch"),
    ("text.parquet", GOOD.encode(), "file-type-mismatch"),
    ("plain.csv.gz", GOOD.encode(), "file-type-mismatch"),
    ("cut.csv.gz", None, "file-truncated"),
    ("cut.parquet", None, "file-truncated"),
    ("binary.csv", b"\x00\x01\x02garbage" * 50, "file-type-mismatch"),
    ("areas.geojson", b'{"type": "FeatureCollection", "features": []}', "file-type-mismatch"),
]  # fmt: skip


def _special(tmp_path: Path, name: str) -> Path:
    if name in {"really_parquet.csv", "cut.parquet"}:
        table = pa.table({"incident_id": ["A"], "reported_date": ["2024-01-01"], "x": ["y"]})
        path = tmp_path / name
        pq.write_table(table, path)
        if name == "cut.parquet":
            data = path.read_bytes()
            path.write_bytes(data[: len(data) // 2])
        return path
    assert name == "cut.csv.gz"
    data = gzip.compress((GOOD * 2000).encode())
    return _make(tmp_path, name, data[: len(data) // 2])


@pytest.mark.parametrize(("name", "content", "code"), CASES)
def test_bad_file_is_refused_whole(
    tmp_path: Path, name: str, content: bytes | None, code: str
) -> None:
    db = tmp_path / "s.duckdb"
    good = _make(tmp_path, "good.csv", GOOD.encode())
    ingest_files([good], source="s", db=db)
    before = _counts(db)
    path = _special(tmp_path, name) if content is None else _make(tmp_path, name, content)
    result = ingest_files([path], source="s", db=db)[0]
    assert result.refused is not None, result
    assert result.refused["code"] == code
    assert str(path) in result.refused["message"]
    assert result.refused["fix"]
    assert _counts(db) == before


def test_a_bad_file_does_not_stop_the_good_ones(tmp_path: Path) -> None:
    db = tmp_path / "s.duckdb"
    bad = _make(tmp_path, "bad.csv", b"")
    good = _make(tmp_path, "good.csv", GOOD.encode())
    results = ingest_files([bad, good], source="s", db=db)
    assert results[0].refused
    assert not results[1].refused
    assert results[1].accepted == 2


def test_a_malformed_row_is_quarantined_with_its_raw_line(tmp_path: Path) -> None:
    text = GOOD + "A3,2024-01-03\nA4,2024-01-04,Theft,extra\nA5,2024-01-05,Robbery\n"
    path = _make(tmp_path, "rows.csv", text.encode())
    db = tmp_path / "s.duckdb"
    result = ingest_files([path], source="s", db=db)[0]
    assert (result.read, result.accepted, result.quarantined) == (5, 3, 2)
    con = duckdb.connect(str(db), read_only=True)
    rows = con.execute("SELECT row_number, raw FROM quarantine ORDER BY row_number").fetchall()
    last = con.execute("SELECT incident_id FROM incidents ORDER BY incident_id").fetchall()
    con.close()
    assert rows == [(3, "A3,2024-01-03"), (4, "A4,2024-01-04,Theft,extra")]
    assert [r[0] for r in last] == ["A1", "A2", "A5"]


def test_latin1_loads_when_declared(tmp_path: Path) -> None:
    text = GOOD + "A3,2024-01-03,Vol \u00e0 l'\u00e9talage\n"
    path = _make(tmp_path, "l.csv", text.encode("latin-1"))
    mapping = tmp_path / "m.yaml"
    mapping.write_text(
        "encoding: latin-1\nfields:\n  incident_id: incident_id\n  reported_date: reported_date\n"
        "  national_label: national_label\n",
        encoding="utf-8",
    )
    db = tmp_path / "s.duckdb"
    result = ingest_files([path], source="s", db=db, mapping=mapping)[0]
    assert result.accepted == 3
    con = duckdb.connect(str(db), read_only=True)
    label = con.execute("SELECT national_label FROM offences WHERE incident_id = 'A3'").fetchone()
    con.close()
    assert label == ("Vol \u00e0 l'\u00e9talage",)


def test_a_missing_final_newline_is_a_warning(tmp_path: Path) -> None:
    path = _make(tmp_path, "nonl.csv", GOOD.rstrip("\n").encode())
    result = ingest_files([path], source="s", db=tmp_path / "s.duckdb")[0]
    assert (result.accepted, result.issues) == (2, {"file-no-final-newline": 1})


def test_blank_header_cells_and_crlf_and_bom_are_fine(tmp_path: Path) -> None:
    text = "\ufeffincident_id,reported_date,national_label,\r\nA1,2024-01-01,Theft,x\r\n"
    path = _make(tmp_path, "odd.csv", text.encode("utf-8"))
    result = ingest_files([path], source="s", db=tmp_path / "s.duckdb")[0]
    assert result.refused is None
    assert (result.read, result.accepted) == (1, 1)
    assert result.issues == {"column-unknown": 1}  # the blank-named column, as column_4
