"""Issue 13 (real sources): what a first real file meets, on files built from the bundled ones.

Each test builds a file from a bundled source (its first rows) that reproduces one
problem met in a real export: a repeated header, sentinel ages, a day/month-swapped date
format, a time written "100", rows the mapping must set aside. Expected figures are
computed from the raw file with Python's csv module, never by crimestats itself.
"""

from __future__ import annotations

import csv
import gzip
import io
from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path

import duckdb
import pytest

from crimestats.services.ingesting import IngestResult, ingest_files

BUNDLED = Path(__file__).resolve().parents[2] / "src" / "crimestats" / "bundled"
MAPPINGS = Path(__file__).resolve().parents[2] / "src" / "crimestats" / "mappings"
CHICAGO = BUNDLED / "chicago" / "chicago_crimes_2014-02-28_to_2014-03-15.csv.gz"
CODE = BUNDLED / "code_crimedata" / "homicides15.csv.gz"
MEMPHIS = BUNDLED / "code_memphis" / "memphis_robberies.csv.gz"
CHICAGO_FORMAT = "%m/%d/%Y %I:%M:%S %p"
ROWS = 300


def _head(path: Path, n: int = ROWS) -> tuple[list[str], list[list[str]]]:
    with gzip.open(path, "rt", encoding="utf-8", newline="") as handle:
        reader = csv.reader(handle)
        header = next(reader)
        return header, [row for _, row in zip(range(n), reader, strict=False)]


def _write_csv(path: Path, header: list[str], rows: list[list[str]]) -> Path:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    path.write_text(buffer.getvalue(), encoding="utf-8")
    return path


def _query(db: Path, sql: str) -> list[tuple[object, ...]]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


def _reconciles(result: IngestResult, read: int) -> None:
    assert result.refused is None, result.refused
    assert result.read == read
    assert result.read == result.accepted + result.quarantined + result.duplicates


Ingest = Callable[[Path, str | None], IngestResult]


@pytest.fixture
def ingest(tmp_path: Path) -> Ingest:
    def run(data: Path, mapping_text: str | None) -> IngestResult:
        mapping = None
        if mapping_text is not None:
            mapping = tmp_path / "mapping.yaml"
            mapping.write_text(mapping_text, encoding="utf-8")
        return ingest_files([data], source="real", db=tmp_path / "s.duckdb", mapping=mapping)[0]

    return run


def _nothing_recorded(db: Path) -> None:
    counts = _query(db, "SELECT (SELECT count(*) FROM ingests), (SELECT count(*) FROM incidents)")
    assert counts == [(0, 0)]


# --- 1. columns: a repeated header, a column by position ------------------------------


def _chicago_with_two_dates(tmp_path: Path) -> tuple[Path, list[list[str]]]:
    """Chicago rows whose 'Updated On' column is also headed 'Date' (columns 3 and 19)."""
    header, rows = _head(CHICAGO)
    header[header.index("Updated On")] = "Date"
    assert [i + 1 for i, h in enumerate(header) if h == "Date"] == [3, 19]
    return _write_csv(tmp_path / "two_dates.csv", header, rows), rows


def _chicago_mapping(date_column: str) -> str:
    text = (MAPPINGS / "chicago_crimes.yaml").read_text(encoding="utf-8")
    assert text.count("{column: Date, format") == 2
    return text.replace("{column: Date, format", f"{{column: {date_column}, format")


@pytest.mark.parametrize("date_column", ['"Date#1"', "{index: 3}"])
def test_a_repeated_header_loads_when_the_mapping_names_the_column(
    tmp_path: Path, ingest: Ingest, date_column: str
) -> None:
    data, rows = _chicago_with_two_dates(tmp_path)
    result = ingest(data, _chicago_mapping(date_column))
    _reconciles(result, len(rows))
    expected = {r[0]: datetime.strptime(r[2], CHICAGO_FORMAT).date() for r in rows}
    stored = dict(_query(tmp_path / "s.duckdb", "SELECT incident_id, reported_date FROM incidents"))
    assert len(stored) == result.accepted > 0
    assert all(stored[i] == expected[i] for i in stored)  # column 3, never 'Updated On'
    updated = {r[0]: datetime.strptime(r[18], CHICAGO_FORMAT).date() for r in rows}
    assert any(stored[i] != updated[i] for i in stored)  # the two columns do differ


def test_a_repeated_header_the_mapping_names_bare_is_refused_with_the_fix(
    tmp_path: Path, ingest: Ingest
) -> None:
    data, _ = _chicago_with_two_dates(tmp_path)
    result = ingest(data, _chicago_mapping("Date"))
    assert result.refused is not None
    assert result.refused["code"] == "file-duplicate-column"
    assert "columns 3, 19" in result.refused["message"]
    assert "'Date#1'" in result.refused["fix"]
    assert "{index: 19}" in result.refused["fix"]
    _nothing_recorded(tmp_path / "s.duckdb")


def test_a_flat_file_with_a_repeated_header_is_refused_naming_the_mapping_syntax(
    tmp_path: Path, ingest: Ingest
) -> None:
    data = tmp_path / "flat.csv"
    data.write_text(
        "incident_id,reported_date,national_label,reported_date\n1,2024-01-02,Theft,2024-01-03\n",
        encoding="utf-8",
    )
    result = ingest(data, None)
    assert result.refused is not None
    assert result.refused["code"] == "file-duplicate-column"
    assert "--mapping" in result.refused["fix"]
    assert "'reported_date#2'" in result.refused["fix"]
    _nothing_recorded(tmp_path / "s.duckdb")


def test_a_column_index_past_the_header_is_refused(tmp_path: Path, ingest: Ingest) -> None:
    header, rows = _head(MEMPHIS, 20)
    data = _write_csv(tmp_path / "m.csv", header, rows)
    result = ingest(data, "fields:\n  incident_id: {column: {index: 9}}\n  reported_date: date\n")
    assert result.refused is not None
    assert result.refused["code"] == "file-missing-column"
    assert f"only {len(header)} columns" in result.refused["message"]


# --- 3. source conventions: sentinel ages, a swapped date format ----------------------

SENTINELS = ("0", "-1", "999", "UNK")


def test_sentinel_ages_become_unknown_never_a_real_age(tmp_path: Path, ingest: Ingest) -> None:
    header, rows = _head(CODE)
    cycle = ("0", "34", "-1", "19", "999", "UNK", "", "61")
    header.append("Vict Age")
    for i, row in enumerate(rows):
        row.append(cycle[i % len(cycle)])
    data = _write_csv(tmp_path / "ages.csv", header, rows)
    mapping = (MAPPINGS / "code_crimedata.yaml").read_text(encoding="utf-8")
    mapping += "  victim_age: {column: Vict Age, missing_values: [0, -1, 999, UNK]}\n"
    result = ingest(data, mapping)
    _reconciles(result, len(rows))
    raw_age = {r[0]: r[-1] for r in rows}
    stored = _query(tmp_path / "s.duckdb", "SELECT incident_id, age FROM victims")
    assert len(stored) == result.accepted > 0
    for incident, age in stored:
        raw = raw_age[str(incident)]
        assert age == (None if raw in (*SENTINELS, "") else int(raw)), (incident, raw, age)
    assert sum(raw_age[str(i)] == "0" for i, _ in stored) > 0  # the case did occur
    assert "victim-age-out-of-range" not in result.issues  # -1 and 999 are not errors


def _memphis_dates(tmp_path: Path, fmt: str) -> tuple[Path, list[list[str]]]:
    """Memphis robberies with their ISO dates rewritten in ``fmt``."""
    header, rows = _head(MEMPHIS)
    for row in rows:
        row[2] = datetime.strptime(row[2], "%Y-%m-%dT%H:%M:%SZ").strftime(fmt)
    return _write_csv(tmp_path / "dates.csv", header, rows), rows


def _memphis_mapping(fmt: str) -> str:
    return (
        "fields:\n  incident_id: uid\n"
        f'  reported_date: {{column: date, format: "{fmt}"}}\n'
        "  national_label: offense_type\n"
    )


def test_a_day_month_swapped_format_refuses_the_file_with_the_evidence(
    tmp_path: Path, ingest: Ingest
) -> None:
    data, rows = _memphis_dates(tmp_path, "%d/%m/%Y %H:%M")
    day_first_only = [r[2] for r in rows if int(r[2][:2]) > 12]
    assert day_first_only  # the file itself proves its order
    assert not [r for r in rows if int(r[2][3:5]) > 12]
    result = ingest(data, _memphis_mapping("%m/%d/%Y %H:%M"))
    assert result.refused is not None
    assert result.refused["code"] == "file-date-format"
    assert f"{len(day_first_only):,} value(s)" in result.refused["message"]
    assert '"%d/%m/%Y %H:%M"' in result.refused["fix"]
    _nothing_recorded(tmp_path / "s.duckdb")


def test_the_right_order_loads_every_date(tmp_path: Path, ingest: Ingest) -> None:
    data, rows = _memphis_dates(tmp_path, "%d/%m/%Y %H:%M")
    result = ingest(data, _memphis_mapping("%d/%m/%Y %H:%M"))
    _reconciles(result, len(rows))
    expected = {r[0]: datetime.strptime(r[2], "%d/%m/%Y %H:%M").date() for r in rows}
    stored = _query(tmp_path / "s.duckdb", "SELECT incident_id, reported_date FROM incidents")
    assert len(stored) == len(rows) == result.accepted
    assert all(d == expected[str(i)] for i, d in stored)


def test_a_format_failing_on_most_values_refuses_the_file(tmp_path: Path, ingest: Ingest) -> None:
    data, rows = _memphis_dates(tmp_path, "%d/%m/%Y %H:%M")
    failing = sum(1 for r in rows if r[2])  # none is ISO: every non-empty value fails
    result = ingest(data, _memphis_mapping("%Y-%m-%d %H:%M"))
    assert result.refused is not None
    assert result.refused["code"] == "file-date-format"
    assert f"fails on {failing:,} of {failing:,} values" in result.refused["message"]
    _nothing_recorded(tmp_path / "s.duckdb")


# --- 4. mapping power: a time "100", a date joined with its time, row filters ---------


def test_a_time_written_100_is_padded_and_joined_with_its_date(
    tmp_path: Path, ingest: Ingest
) -> None:
    _header, rows = _head(MEMPHIS)
    out = []
    expected: dict[str, datetime] = {}
    for uid, offence, when, lon, lat in rows:
        ts = datetime.strptime(when, "%Y-%m-%dT%H:%M:%SZ")
        expected[uid] = ts.replace(second=0)
        day = ts.strftime("%m/%d/%Y 12:00:00 AM")  # the LAPD export's DATE OCC
        out.append([uid, offence, day, str(int(ts.strftime("%H%M"))), lon, lat])
    assert any(len(r[3]) < 4 for r in out)  # times such as "100" and "5" occur
    data = _write_csv(
        tmp_path / "t.csv", ["uid", "offense_type", "DATE OCC", "TIME OCC", "lon", "lat"], out
    )
    mapping = (
        "fields:\n  incident_id: uid\n"
        '  reported_date: {column: DATE OCC, format: "%m/%d/%Y %I:%M:%S %p"}\n'
        "  occurred_start: {columns: [DATE OCC, TIME OCC], pad: {width: 4, char: '0'},\n"
        '                   format: "%m/%d/%Y 12:00:00 AM %H%M"}\n'
        "  national_label: offense_type\n"
    )
    result = ingest(data, mapping)
    _reconciles(result, len(rows))
    stored = _query(tmp_path / "s.duckdb", "SELECT incident_id, occurred_start FROM incidents")
    assert len(stored) == len(rows)
    assert all(ts == expected[str(i)] for i, ts in stored)


def test_rows_a_where_filter_sets_aside_are_counted_not_lost(
    tmp_path: Path, ingest: Ingest
) -> None:
    header, rows = _head(CHICAGO)
    data = _write_csv(tmp_path / "c.csv", header, rows)
    theft = sum(1 for r in rows if r[5] == "THEFT")
    assert 0 < theft < len(rows)
    mapping = (MAPPINGS / "chicago_crimes.yaml").read_text(encoding="utf-8")
    mapping += "where:\n  - {column: Primary Type, not_in: [THEFT]}\n"
    result = ingest(data, mapping)
    _reconciles(result, len(rows))
    assert result.issues["filtered-by-mapping"] == theft
    db = tmp_path / "s.duckdb"
    kept = _query(db, "SELECT count(*) FROM offences WHERE national_label = 'THEFT'")
    assert kept == [(0,)]
    filtered = _query(
        db, "SELECT count(*) FROM quarantine WHERE reasons LIKE '%filtered-by-mapping%'"
    )
    assert filtered == [(theft,)]  # each set-aside row is kept with its raw text
    assert result.quarantined >= theft


def test_a_where_filter_keeps_rows_matching_a_pattern(tmp_path: Path, ingest: Ingest) -> None:
    header, rows = _head(MEMPHIS)
    data = _write_csv(tmp_path / "m.csv", header, rows)
    kept = sum(1 for r in rows if r[2].startswith("2019-01-0"))  # the first nine days
    assert 0 < kept < len(rows)
    mapping = (MAPPINGS / "code_memphis_robberies.yaml").read_text(encoding="utf-8")
    mapping += "where:\n  - {column: date, matches: '^2019-01-0'}\n"
    result = ingest(data, mapping)
    _reconciles(result, len(rows))
    assert result.accepted == kept
    assert result.issues["filtered-by-mapping"] == len(rows) - kept
    assert _query(tmp_path / "s.duckdb", "SELECT min(reported_date) FROM incidents") == [
        (date(2019, 1, 1),)
    ]


def test_a_filtered_row_never_holds_back_the_kept_rows_of_its_incident(
    tmp_path: Path, ingest: Ingest
) -> None:
    data = tmp_path / "o.csv"
    data.write_text(
        "ID,Date,Seq,Code,Kind\n"
        "A,2024-01-02,1,510,CRIME\n"
        "A,2024-01-02,2,999,TEST\n"  # set aside; its incident's first row stays
        "B,2024-01-03,1,330,CRIME\n",
        encoding="utf-8",
    )
    mapping = (
        "where: [{column: Kind, in: [CRIME]}]\n"
        "fields: {incident_id: ID, reported_date: Date, offence_seq: Seq, national_code: Code}\n"
    )
    result = ingest(data, mapping)
    _reconciles(result, 3)
    assert (result.accepted, result.quarantined) == (2, 1)
    assert result.issues == {"filtered-by-mapping": 1}
    stored = _query(
        tmp_path / "s.duckdb", "SELECT incident_id, offence_seq FROM offences ORDER BY 1"
    )
    assert stored == [("A", 1), ("B", 1)]


def test_several_offence_columns_load_with_one_mapping_per_column(tmp_path: Path) -> None:
    """Before unpivot, one mapping per offence column (with where:) loaded Crm Cd 1..3; that
    still works, and unpivot in one mapping stores exactly the same offences."""
    _, rows = _head(CHICAGO, 120)
    out = []
    for i, row in enumerate(rows):  # a second and third offence on some incidents
        extra = [row[4] if i % 3 else "", row[4] if i % 5 == 0 else ""]
        out.append([row[0], row[2], row[4], *extra])
    data = _write_csv(
        tmp_path / "o.csv", ["DR_NO", "Date", "Crm Cd 1", "Crm Cd 2", "Crm Cd 3"], out
    )
    db = tmp_path / "s.duckdb"
    for k in (1, 2, 3):
        mapping = tmp_path / f"offence{k}.yaml"
        mapping.write_text(
            f"name: offence_{k}\n"
            f'where: [{{column: Crm Cd {k}, matches: "."}}]\n'
            "fields:\n  incident_id: DR_NO\n"
            f'  reported_date: {{column: Date, format: "{CHICAGO_FORMAT}"}}\n'
            f"  offence_seq: {{value: {k}}}\n  national_code: Crm Cd {k}\n",
            encoding="utf-8",
        )
        result = ingest_files([data], source="real", db=db, mapping=mapping)[0]
        _reconciles(result, len(out))
        filled = sum(1 for r in out if r[1 + k])
        assert result.accepted == filled
        assert result.issues.get("filtered-by-mapping", 0) == len(out) - filled
    expected = sum(1 for r in out for code in r[2:] if code)
    assert _query(db, "SELECT count(*) FROM offences") == [(expected,)]
    assert _query(db, "SELECT count(*) FROM incidents") == [(len(out),)]
    unpivot = tmp_path / "unpivot.yaml"
    unpivot.write_text(
        "fields:\n  incident_id: DR_NO\n"
        f'  reported_date: {{column: Date, format: "{CHICAGO_FORMAT}"}}\n'
        "  national_code: {unpivot: [Crm Cd 1, Crm Cd 2, Crm Cd 3]}\n",
        encoding="utf-8",
    )
    db2 = tmp_path / "u.duckdb"
    result = ingest_files([data], source="real", db=db2, mapping=unpivot)[0]
    _reconciles(result, len(out))
    offences = "SELECT incident_id, offence_seq, national_code FROM offences ORDER BY 1, 2"
    assert _query(db2, offences) == _query(db, offences)
