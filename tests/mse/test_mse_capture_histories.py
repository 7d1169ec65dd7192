"""Reading list-overlap tables and individual files into capture histories."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from crimestats.errors import FileRefusedError, NotFoundError
from crimestats.mse.capture_histories import (
    CaptureData,
    all_histories,
    informative_lists,
    read_capture_file,
)

DATA = Path(__file__).resolve().parents[1] / "data" / "mse"


def test_all_histories_enumerates_every_observable_history_once() -> None:
    h = all_histories(4)
    assert h.shape == (15, 4)
    assert len({tuple(r) for r in h}) == 15
    assert h.sum(axis=1).min() == 1
    # ordered by number of lists, as SparseMSE's tidylists
    assert list(h.sum(axis=1)) == sorted(h.sum(axis=1))


def test_uk_table_reads_with_published_list_totals() -> None:
    data = read_capture_file(DATA / "UKdat_5.csv")
    assert data.shape == "table"
    assert data.lists == ("LA", "NG", "PFNCA", "GO", "GP")
    assert data.observed == 2744  # the NCA 2013 Strategic Assessment count
    # column sums of UKdat_5.csv, computed by hand from the 18 rows
    assert data.list_totals() == {"LA": 94, "NG": 567, "PFNCA": 1169, "GO": 807, "GP": 336}
    assert [data.pair_name(p) for p in data.empty_pairs()] == ["LA:GP"]
    assert data.overlap(1, 2) == 62 + 1 + 4 + 1  # NG and PFNCA, whatever else


def test_kosovo_individual_records_aggregate_to_the_pattern_table() -> None:
    individual = read_capture_file(DATA / "kosovo_aggregate.csv")
    table = read_capture_file(DATA / "kosovo_aggregate_pattern_counts.csv")
    assert individual.shape == "individual"
    assert table.shape == "table"
    assert individual.observed == 4400
    # list totals from the LCMCR documentation (tests/data/mse/PROVENANCE.md)
    assert individual.list_totals() == {"EXH": 1910, "ABA": 1528, "OSCE": 1786, "HRW": 685}
    assert np.array_equal(individual.counts, table.counts)
    assert individual.nonzero_rows()[0] == ((1, 0, 0, 0), 1131)
    assert "aggregated 4400 case records" in individual.notes[0]


def test_repeated_histories_are_summed_and_the_rest_are_zero() -> None:
    data = CaptureData.from_rows(["A", "B"], [((1, 0), 3), ((1, 0), 4), ((1, 1), 2)])
    assert data.nonzero_rows() == [((1, 0), 7), ((1, 1), 2)]
    assert data.counts.tolist() == [7, 0, 2]


def _write(tmp_path: Path, text: str, name: str = "lists.csv") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("text", "code", "fragment"),
    [
        ("A,B,count\n1,0,5\n1,2,3\n", "mse-not-binary", "line 3, column 'B'"),
        ("A,B,count\n1,0,5\n1,1,x\n", "mse-bad-count", "line 3, column 'count'"),
        ("A,B,count\n1,0,5\n1,1,-2\n", "mse-bad-count", "'-2'"),
        ("A,B,count\n1,0\n", "mse-row-length", "line 2 has 2 fields"),
        ("A,B,count\n0,0,4\n1,1,3\n", "mse-no-list", "line 2 is on no list"),
        ("A,B\n1,0\n0,0\n", "mse-no-list", "line 3"),
        ("A,count\n1,5\n", "mse-too-few-lists", "at least two lists"),
        ("A,A,count\n1,0,5\n", "mse-duplicate-column", "unique"),
        ("A,B,count\n", "mse-no-cases", "no rows"),
        ("\n\n", "mse-empty", "empty"),
        ("A,B,count\n1,0,0\n", "mse-no-cases", "zero"),
    ],
)
def test_bad_files_are_refused_with_file_line_and_column(
    tmp_path: Path, text: str, code: str, fragment: str
) -> None:
    path = _write(tmp_path, text)
    with pytest.raises(FileRefusedError) as info:
        read_capture_file(path)
    assert info.value.code == code
    assert str(path) in info.value.message
    assert fragment in info.value.message


def test_line_numbers_count_blank_lines(tmp_path: Path) -> None:
    path = _write(tmp_path, "A,B,count\n\n1,0,5\n\n1,7,3\n")
    with pytest.raises(FileRefusedError, match="line 5"):
        read_capture_file(path)


def test_missing_file_is_not_found(tmp_path: Path) -> None:
    with pytest.raises(NotFoundError, match="no such file"):
        read_capture_file(tmp_path / "nope.csv")


def test_semicolon_table_and_forced_shape(tmp_path: Path) -> None:
    path = _write(tmp_path, "A;B;C\n1;0;1\n0;1;1\n")
    as_individual = read_capture_file(path)
    assert as_individual.shape == "individual"
    assert as_individual.observed == 2
    as_table = read_capture_file(path, shape="table")
    assert as_table.lists == ("A", "B")
    assert as_table.nonzero_rows() == [((1, 0), 1), ((0, 1), 1)]


def test_non_informative_lists_are_dropped_with_reasons() -> None:
    data = CaptureData.from_rows(
        ["A", "B", "C", "D", "E"],
        [((1, 1, 0, 0, 1), 5), ((0, 1, 1, 0, 0), 4), ((1, 1, 1, 0, 1), 2), ((0, 1, 0, 0, 0), 3)],
    )
    cleaned, why = informative_lists(data)
    assert cleaned.lists == ("A", "C")
    assert any("list D has no cases" in w for w in why)
    assert any("list B holds every observed case" in w and "3 case(s)" in w for w in why)
    assert any("list E has exactly the cases of list A" in w for w in why)
    # the 3 cases seen on B alone leave the data; 14 - 3 = 11 remain
    assert cleaned.observed == 11


def test_too_few_informative_lists_is_refused() -> None:
    data = CaptureData.from_rows(["A", "B"], [((1, 1), 5), ((1, 0), 2)])
    with pytest.raises(FileRefusedError, match="informative list"):
        informative_lists(data)
