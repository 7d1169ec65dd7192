"""Bundled correspondence tables, reading and checking tables, merging review answers."""

from __future__ import annotations

import csv
from importlib import resources
from pathlib import Path

import pytest

from crimestats.errors import MappingError, UsageError
from crimestats.iccs import (
    CorrespondenceEntry,
    ReviewAnswer,
    bundled_sources,
    load_bundled,
    merge_review_answers,
    read_table,
    write_table,
)
from crimestats.iccs.correspondence import BUNDLED_FILES, COLUMNS, record_counts

DATA = resources.files("crimestats") / "data" / "correspondence"


@pytest.mark.parametrize(
    ("source", "rows"),
    # row counts of the bundled sources (see each PROVENANCE.md in data/correspondence)
    [
        ("chicago", 199),
        ("nibrs", 86),
        ("policeuk", 14),
        ("nypd_hate_crimes", 72),
        ("code_crimedata", 2),
        ("chile", 585),
    ],
)
def test_bundled_tables_have_exact_columns_and_valid_codes(source: str, rows: int) -> None:
    with (DATA / BUNDLED_FILES[source]).open(encoding="utf-8", newline="") as handle:
        header = next(csv.reader(handle))
    assert tuple(header) == COLUMNS
    table = load_bundled(source)  # validates every code
    assert len(table) == rows
    assert {e.source for e in table} == {source}


def test_bundled_sources_and_lookup() -> None:
    assert set(bundled_sources()) == set(BUNDLED_FILES)
    table = load_bundled()
    # decisions read from the ICCS inclusions: shoplifting is theft from a shop (050231)
    assert table.lookup("nibrs", "23C").iccs_code == "050231"  # type: ignore[union-attr]
    assert table.lookup("policeuk", "Shoplifting").iccs_code == "050231"  # type: ignore[union-attr]
    # Illinois simple battery is minor physical force (020112); simple assault a threat
    assert table.lookup("chicago", "0486").iccs_code == "020112"  # type: ignore[union-attr]
    assert table.lookup("chicago", "0560").iccs_code == "020122"  # type: ignore[union-attr]
    # justifiable homicide is not a crime: no ICCS code
    assert table.lookup("nibrs", "09C").iccs_code is None  # type: ignore[union-attr]
    # the Chilean table as published by INE: CUM 101 "Quebrantamiento" -> 08062
    assert table.lookup("chile", "101").iccs_code == "08062"  # type: ignore[union-attr]
    assert table.lookup("chile", "nope") is None


def test_record_counts_match_the_incident_samples() -> None:
    counts = record_counts()
    # row counts in the PROVENANCE.md of each incident sample
    assert sum(n for (s, _), n in counts.items() if s == "policeuk") == 10118
    assert sum(n for (s, _), n in counts.items() if s == "nypd_hate_crimes") == 2406
    assert sum(n for (s, _), n in counts.items() if s == "code_crimedata") == 1922
    # Ecuador's 2024 extract: 84 coded entries, 5,024 records (its PROVENANCE.md)
    ecuador = [n for (s, _), n in counts.items() if s == "ecuador_mdi"]
    assert (len(ecuador), sum(ecuador)) == (84, 5024)


def _write(path: Path, rows: list[list[str]]) -> Path:
    with path.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows(rows)
    return path


def test_read_table_refuses_bad_files(tmp_path: Path) -> None:
    header = list(COLUMNS)
    good = _write(tmp_path / "ok.csv", [header, ["x", "1", "Theft", "0502", "", "1"]])
    assert read_table(good).lookup("x", "1").iccs_code == "0502"  # type: ignore[union-attr]
    with pytest.raises(MappingError, match="header"):
        read_table(_write(tmp_path / "h.csv", [header[:-1], ["x", "1", "T", "0502", ""]]))
    with pytest.raises(MappingError, match="line 2"):
        read_table(_write(tmp_path / "c.csv", [header, ["x", "1", "T", "502", "", "1"]]))
    duplicated = [header, ["x", "1", "T", "0502", "", "1"], ["x", "1", "T", "0501", "", "1"]]
    with pytest.raises(MappingError, match="twice"):
        read_table(_write(tmp_path / "d.csv", duplicated))


def test_none_is_out_of_scope_and_empty_is_no_single_code(tmp_path: Path) -> None:
    rows = [
        list(COLUMNS),
        ["x", "1", "Lost property", "none", "not a crime", "1"],
        ["x", "2", "Found vehicle", "None", "", "1"],
        ["x", "3", "All other offences", "", "too broad", "1"],
    ]
    table = read_table(_write(tmp_path / "scope.csv", rows))
    lost, found, other = (table.lookup("x", k) for k in ("1", "2", "3"))
    assert lost is not None
    assert found is not None
    assert other is not None
    assert (lost.iccs_code, lost.out_of_scope) == (None, True)
    assert (found.iccs_code, found.out_of_scope) == (None, True)
    assert (other.iccs_code, other.out_of_scope) == (None, False)
    assert [e.as_row()["iccs_code"] for e in (lost, found, other)] == ["none", "none", ""]


def test_write_then_read_round_trips(tmp_path: Path) -> None:
    entries = list(load_bundled("policeuk"))
    write_table(entries, tmp_path / "t.csv")
    assert list(read_table(tmp_path / "t.csv")) == entries


def test_merge_review_answers_adds_replaces_and_keeps() -> None:
    entries = [
        CorrespondenceEntry("x", "A", "Theft", "0502", "", "1"),
        CorrespondenceEntry("x", "B", "Damage", "0504", "", "1"),
    ]
    answers = [
        ReviewAnswer("x", "A", "Theft", "050231", reviewer="ana", note="shop theft"),
        ReviewAnswer("x", "B", "Damage", "0504"),
        ReviewAnswer("x", "C", "Hurto simple", "0502"),
    ]
    merged = merge_review_answers(entries, answers, version="2")
    assert [(e.national_code, e.iccs_code, e.version) for e in merged] == [
        ("A", "050231", "2"),
        ("B", "0504", "1"),
        ("C", "0502", "2"),
    ]
    assert merged[0].note == "reviewed by ana: shop theft"
    assert entries[0].iccs_code == "0502"  # inputs untouched


def test_a_not_a_crime_answer_stays_out_of_scope_through_a_file(tmp_path: Path) -> None:
    entries = [CorrespondenceEntry("x", "O", "Other crime", None, "no single code", "1")]
    answers = [
        ReviewAnswer("x", "O", "Other crime", None, reviewer="ana"),  # "none": not a crime
        ReviewAnswer("x", "L", "Lost property", None),
    ]
    merged = merge_review_answers(entries, answers, version="2")
    assert [(e.national_code, e.out_of_scope, e.version) for e in merged] == [
        ("O", True, "2"),
        ("L", True, "2"),
    ]
    write_table(merged, tmp_path / "reviewed.csv")
    back = read_table(tmp_path / "reviewed.csv")
    assert [(e.national_code, e.iccs_code, e.out_of_scope) for e in back] == [
        ("O", None, True),
        ("L", None, True),
    ]


def test_merge_refuses_conflicts_and_bad_codes() -> None:
    with pytest.raises(UsageError, match="disagree"):
        merge_review_answers(
            [],
            [ReviewAnswer("x", "A", "T", "0502"), ReviewAnswer("x", "A", "T", "0501")],
            version="2",
        )
    with pytest.raises(UsageError, match="not a code"):
        merge_review_answers([], [ReviewAnswer("x", "A", "T", "9999")], version="2")
