"""Unpivot: up to four offence columns per row, on a file built from the bundled Chicago data.

The file is built from the first real Chicago rows: consecutive rows are gathered into
incidents of 1 to 4 offences (cycling 1, 2, 3, 4, 2), each written as one row with the
offences' IUCR codes and primary types in ``Code 1`` .. ``Code 4`` / ``Type 1`` ..
``Type 4``, as exports such as LAPD's (``Crm Cd 1`` .. ``Crm Cd 4``) do. A few rows
reproduce what such exports also hold: a gap (place 2 empty, place 3 filled), a row
with no offence at all, a row with an unreadable date, and a repeated row. Every
expected figure is computed from the built file with Python's csv module alone.
"""

from __future__ import annotations

import csv
import gzip
import io
from collections import Counter
from pathlib import Path

import duckdb
import pytest

from crimestats.errors import MappingError
from crimestats.ingest.mapping import load_mapping
from crimestats.services.ingesting import IngestResult, ingest_files

BUNDLED = Path(__file__).resolve().parents[2] / "src" / "crimestats" / "bundled"
CHICAGO = BUNDLED / "chicago" / "chicago_crimes_2014-02-28_to_2014-03-15.csv.gz"
PLACES = 4
HEADER = ["Case", "Date", *(f"Code {p}" for p in range(1, 5)), *(f"Type {p}" for p in range(1, 5))]
MAPPING = """
name: four_offence_columns
fields:
  incident_id: Case
  reported_date: {column: Date, format: "%m/%d/%Y %I:%M:%S %p"}
  national_code: {unpivot: [Code 1, Code 2, Code 3, Code 4]}
  national_label: {unpivot: [Type 1, Type 2, Type 3, Type 4], transform: lower}
"""


def _chicago(n: int) -> list[dict[str, str]]:
    with gzip.open(CHICAGO, "rt", encoding="utf-8", newline="") as handle:
        return [row for _, row in zip(range(n), csv.DictReader(handle), strict=False)]


def _row(case: str, day: str, offences: list[tuple[str, str]]) -> list[str]:
    padded = offences + [("", "")] * (PLACES - len(offences))
    return [case, day, *(c for c, _ in padded), *(t for _, t in padded)]


def _build(path: Path) -> Path:
    source = _chicago(500)
    rows: list[list[str]] = []
    sizes = [1, 2, 3, 4, 2]
    i = k = 0
    while i < len(source):
        group = source[i : i + sizes[k % len(sizes)]]
        rows.append(
            _row(group[0]["ID"], group[0]["Date"], [(g["IUCR"], g["Primary Type"]) for g in group])
        )
        i, k = i + len(group), k + 1
    first, second = source[0], source[1]
    gap = _row("GAP", first["Date"], [(first["IUCR"], first["Primary Type"])])
    gap[4], gap[8] = second["IUCR"], second["Primary Type"]  # place 3 filled, place 2 empty
    rows += [
        gap,
        _row("NONE", first["Date"], []),  # names no offence: quarantined
        _row("BADDATE", "31/31/2014", [(first["IUCR"], first["Primary Type"])] * 2),
        rows[3],  # the same row again: a duplicate
    ]
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(HEADER)
    writer.writerows(rows)
    path.write_text(buffer.getvalue(), encoding="utf-8")
    return path


def _read(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def _codes(row: dict[str, str]) -> list[tuple[int, str]]:
    return [(p, row[f"Code {p}"]) for p in range(1, PLACES + 1) if row[f"Code {p}"].strip()]


def _query(db: Path, sql: str) -> list[tuple[object, ...]]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


@pytest.fixture(scope="module")
def loaded(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, IngestResult]:
    folder = tmp_path_factory.mktemp("unpivot")
    data = _build(folder / "four_offences.csv")
    mapping = folder / "m.yaml"
    mapping.write_text(MAPPING, encoding="utf-8")
    db = folder / "s.duckdb"
    [result] = ingest_files([data], source="chicago4", db=db, mapping=mapping)
    return data, db, result


def test_reconciliation_counts_source_rows(loaded: tuple[Path, Path, IngestResult]) -> None:
    data, _, result = loaded
    rows = _read(data)
    assert result.refused is None
    assert result.read == len(rows)
    assert result.read == result.accepted + result.quarantined + result.duplicates
    assert (result.quarantined, result.duplicates) == (2, 1)  # NONE and BADDATE; the repeat
    assert result.issues["offence-missing"] == 1
    assert result.issues["reported-date-unparseable"] == 1  # once per source row, not per place
    # Every empty place is skipped, except the one row of a source row with none filled.
    filled = sum(len(_codes(r)) for r in rows)
    all_empty = sum(1 for r in rows if not _codes(r))
    assert result.issues["unpivot-cells-skipped"] == PLACES * len(rows) - filled - all_empty


def test_offences_match_an_independent_count(loaded: tuple[Path, Path, IngestResult]) -> None:
    data, db, _ = loaded
    kept = {r["Case"]: r for r in _read(data) if r["Case"] not in ("NONE", "BADDATE")}
    expected = Counter(code for r in kept.values() for _, code in _codes(r))
    assert sum(expected.values()) >= 500  # every Chicago row read became an offence
    stored = _query(db, "SELECT national_code, count(*) FROM offences GROUP BY 1")
    assert dict(stored) == dict(expected)  # type: ignore[arg-type]
    assert _query(db, "SELECT count(*) FROM incidents") == [(len(kept),)]
    seqs = _query(db, "SELECT offence_seq FROM offences WHERE incident_id = 'GAP' ORDER BY 1")
    assert seqs == [(1,), (3,)]  # the seq is the column's place, gaps kept
    labels = _query(
        db, "SELECT count(*) FROM offences WHERE national_label <> lower(national_label)"
    )
    assert labels == [(0,)]  # the other options apply to each unpivoted cell


def test_quarantine_keeps_each_source_row_once(loaded: tuple[Path, Path, IngestResult]) -> None:
    _, db, _ = loaded
    rows = _query(db, "SELECT incident_id, count(*) FROM quarantine GROUP BY 1 ORDER BY 1")
    assert rows == [("BADDATE", 1), ("NONE", 1)]
    # BADDATE's two offences were two rows; its raw text and reason are kept once.
    [(raw, reasons)] = _query(
        db, "SELECT raw, reasons FROM quarantine WHERE incident_id = 'BADDATE'"
    )
    assert '"Date":"31/31/2014"' in str(raw)
    assert str(reasons).count("reported-date-unparseable") == 1


def test_reingest_is_all_duplicates(loaded: tuple[Path, Path, IngestResult]) -> None:
    data, db, result = loaded
    [again] = ingest_files([data], source="chicago4", db=db, mapping=data.parent / "m.yaml")
    assert (again.read, again.duplicates, again.accepted) == (result.read, result.read, 0)


@pytest.mark.parametrize(
    ("fields", "fragment"),
    [
        ("national_code: {unpivot: [A, B]}\n  offence_seq: S", "numbered by the unpivot"),
        ("national_code: {unpivot: [A, B]}\n  victim_age: {unpivot: [C, D]}", "several records"),
        ("national_code: {unpivot: [A, B]}\n  national_label: {unpivot: [C, D, E]}", "different"),
        ("national_code: X\n  area_code: {unpivot: [A, B]}", "only offence, victim or suspect"),
        ("national_code: {unpivot: [A]}", "at least two columns"),
        ("national_code: {column: X, if_empty: {unpivot: [A, B]}}", "cannot be a fallback"),
        ("national_code: {unpivot: [A, B], column: C}", "give only one of"),
    ],
)
def test_bad_unpivots_are_refused_with_a_fix(tmp_path: Path, fields: str, fragment: str) -> None:
    path = tmp_path / "m.yaml"
    path.write_text(f"fields:\n  incident_id: ID\n  reported_date: D\n  {fields}\n", "utf-8")
    with pytest.raises(MappingError, match=fragment) as caught:
        load_mapping(path)
    assert caught.value.hint


def test_two_victims_side_by_side_become_two_victims(tmp_path: Path) -> None:
    # Worked out by hand: V1 (two rows, one per suspect) has victims 1 and 2; V2 none;
    # V3 only a second victim. sequence numbers the source rows of V1 (suspects 1, 2),
    # not its four unpivoted rows.
    data = tmp_path / "v.csv"
    data.write_text(
        "Case,Date,Code,Age 1,Sex 1,Age 2,Sex 2,Suspect\n"
        "V1,2024-01-02,624,30,F,12,M,S1\n"
        "V1,2024-01-02,624,30,F,12,M,S2\n"
        "V2,2024-01-03,510,,,0,,\n"
        "V3,2024-01-04,330,,,45,F,\n",
        encoding="utf-8",
    )
    mapping = tmp_path / "m.yaml"
    mapping.write_text(
        "fields:\n  incident_id: Case\n  reported_date: Date\n  national_code: Code\n"
        "  victim_age: {unpivot: [Age 1, Age 2], missing_values: ['0']}\n"
        "  victim_sex: {unpivot: [Sex 1, Sex 2], map: {F: female, M: male}}\n"
        "  suspect_seq: {generate: sequence}\n  suspect_person_ref: Suspect\n",
        encoding="utf-8",
    )
    db = tmp_path / "s.duckdb"
    [result] = ingest_files([data], source="v", db=db, mapping=mapping)
    assert (result.read, result.accepted, result.quarantined, result.duplicates) == (4, 4, 0, 0)
    assert result.issues == {"unpivot-cells-skipped": 2}  # V2's second place, V3's first
    victims = _query(db, "SELECT incident_id, victim_seq, age, sex FROM victims ORDER BY 1, 2")
    assert victims == [("V1", 1, 30, "female"), ("V1", 2, 12, "male"), ("V3", 2, 45, "female")]
    suspects = _query(
        db, "SELECT suspect_seq, person_ref FROM suspects WHERE incident_id = 'V1' ORDER BY 1"
    )
    assert suspects == [(1, "S1"), (2, "S2")]
    assert _query(db, "SELECT count(*) FROM offences") == [(3,)]


def test_a_filtered_row_is_quarantined_once_whatever_its_offences(tmp_path: Path) -> None:
    # By hand: row 2 (TEST) has three offences and is set aside by where: one source row
    # quarantined, one quarantine entry; row 1's two offences load.
    data = tmp_path / "w.csv"
    data.write_text(
        "ID,Date,Kind,C1,C2,C3\nA,2024-01-02,CRIME,510,624,\nB,2024-01-03,TEST,1,2,3\n",
        encoding="utf-8",
    )
    mapping = tmp_path / "m.yaml"
    mapping.write_text(
        "where: [{column: Kind, in: [CRIME]}]\n"
        "fields:\n  incident_id: ID\n  reported_date: Date\n"
        "  national_code: {unpivot: [C1, C2, C3]}\n",
        encoding="utf-8",
    )
    db = tmp_path / "s.duckdb"
    [result] = ingest_files([data], source="w", db=db, mapping=mapping)
    assert (result.read, result.accepted, result.quarantined) == (2, 1, 1)
    assert result.issues == {"filtered-by-mapping": 1, "unpivot-cells-skipped": 1}
    assert _query(db, "SELECT count(*) FROM quarantine") == [(1,)]
    assert _query(db, "SELECT offence_seq, national_code FROM offences ORDER BY 1") == [
        (1, "510"),
        (2, "624"),
    ]


def test_justice_events_cannot_be_unpivoted(tmp_path: Path) -> None:
    path = tmp_path / "m.yaml"
    path.write_text(
        "target: justice_events\nfields:\n  stage: S\n  event_date: D\n"
        "  detail: {unpivot: [A, B]}\n",
        encoding="utf-8",
    )
    with pytest.raises(MappingError, match="only offence, victim or suspect"):
        load_mapping(path)
