"""The ``--series`` CSV reader: every period form, the frequency, and one message per mistake."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from crimestats.errors import FileRefusedError, UsageError
from crimestats.watch.series import Freq
from crimestats.watch.trends.series_csv import read_series_csv


def _file(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "s.csv"
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("periods", "freq", "first"),
    [
        (["1898.0", "1899.0", "1900.0"], Freq.YEAR, dt.date(1898, 1, 1)),
        (["2023-Q4", "2024-Q1", "2024-Q2"], Freq.QUARTER, dt.date(2023, 10, 1)),
        (["2020-W53", "2021-W01", "2021-W02"], Freq.WEEK, dt.date(2020, 12, 28)),
        (["2024-11", "2024-12", "2025-01"], Freq.MONTH, dt.date(2024, 11, 1)),
        (["2024-01-01", "2024-02-01", "2024-03-01"], Freq.MONTH, dt.date(2024, 1, 1)),
        (["2024-01-01", "2024-01-08", "2024-01-15"], Freq.WEEK, dt.date(2024, 1, 1)),
    ],
)
def test_period_forms(tmp_path: Path, periods: list[str], freq: Freq, first: dt.date) -> None:
    text = "when,n\n" + "".join(f"{p},{i}\n" for i, p in enumerate(periods))
    series = read_series_csv(_file(tmp_path, text), "when", "n")
    assert series.freq is freq
    assert series.starts[0] == first
    assert series.counts == (0, 1, 2)
    assert series.partial == (None, None, None)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("when,n\n2024-01,3\n2024-01,4\n", "line 3: period 2024-01 is given twice"),
        ("when,n\nsoon,1\n", "line 2: when 'soon' is not a period"),
        ("when,n\n2024,1\n2024-02,1\n", "written in several forms"),
        ("when,n\n", "has no rows"),
    ],
)
def test_mistakes_are_named(tmp_path: Path, text: str, message: str) -> None:
    with pytest.raises(UsageError, match=message):
        read_series_csv(_file(tmp_path, text), "when", "n")


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("when,n\n2024-01,3.5\n", "line 2: n '3.5' is not a count"),
        ("when,n\n2024-01,-1\n", "is not a count"),
        ("when,n\n2024-01,1e308\n", "is not a count"),
    ],
)
def test_a_count_that_is_not_one_refuses_the_file(tmp_path: Path, text: str, message: str) -> None:
    with pytest.raises(FileRefusedError, match=message) as caught:
        read_series_csv(_file(tmp_path, text), "when", "n")
    assert caught.value.code == "count-invalid"


def test_freq_given_and_implied_must_agree(tmp_path: Path) -> None:
    path = _file(tmp_path, "when,n\n2024-01,1\n2024-02,2\n")
    with pytest.raises(UsageError, match="--freq week but when holds months"):
        read_series_csv(path, "when", "n", "week")
    days = _file(tmp_path, "when,n\n2024-01-03,1\n2024-04-02,2\n")
    assert read_series_csv(days, "when", "n", "quarter").counts == (1, 2)
