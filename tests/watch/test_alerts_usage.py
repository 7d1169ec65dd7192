"""The pieces around the methods: BH control, the series file reader, and bad usage."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import typer
from typer.testing import CliRunner

from crimestats.cli.alerts_cmd import register
from crimestats.errors import FileRefusedError, UsageError
from crimestats.watch.fdr import benjamini_hochberg
from crimestats.watch.series_file import read_series


def test_benjamini_hochberg_by_hand() -> None:
    # sorted 0.01 0.03 0.04 0.5 against i/4 * 0.05 = 0.0125 0.025 0.0375 0.05: only the
    # first passes; adjusted p(i) * 4 / i made monotone: 0.04, 0.0533, 0.0533, 0.5.
    result = benjamini_hochberg(np.array([0.01, 0.04, 0.03, 0.5, np.nan]), 0.05)
    assert result.reject.tolist() == [True, False, False, False, False]
    np.testing.assert_allclose(result.adjusted[:4], [0.04, 0.16 / 3, 0.16 / 3, 0.5])
    assert np.isnan(result.adjusted[4])


def write(path: Path, text: str) -> Path:
    path.write_text(text)
    return path


def test_series_file_weekly_monthly_and_numbered(tmp_path: Path) -> None:
    weekly = read_series(
        write(tmp_path / "w.csv", "d,n\n2024-01-08,3\n2024-01-01,1\n2024-01-15,0\n"), "d", "n"
    )
    assert (weekly.frequency, weekly.counts.tolist()) == (52, [1.0, 3.0, 0.0])  # sorted
    monthly = read_series(
        write(tmp_path / "m.csv", "d,n\n2024-01,3\n2024-02,1\n2024-03,0\n"), "d", "n"
    )
    assert monthly.frequency == 12
    numbered = read_series(write(tmp_path / "k.csv", "week,n\n1,3\n2,1\n3,0\n"), "week", "n", 52)
    assert not numbered.dated


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("d,n\n2024-01-01,1\n2024-01-15,2\n", "neither consecutive weeks nor consecutive months"),
        ("d,n\n2024-01-01,1\n2024-01-08,-2\n", "line 3: count '-2' is not a count"),
        ("d,n\n2024-01-01,1\nsoon,2\n", "line 3: 'soon' is not a date"),
    ],
)
def test_series_file_refused_with_line(tmp_path: Path, text: str, message: str) -> None:
    with pytest.raises(FileRefusedError, match=message) as caught:
        read_series(write(tmp_path / "bad.csv", text), "d", "n")
    assert caught.value.hint


def test_series_file_column_missing_names_the_columns(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="no column 'count'") as caught:
        read_series(write(tmp_path / "x.csv", "d,n\n2024-01-01,1\n"), "d", "count")
    assert caught.value.hint == "the columns are: d, n"


def invoke(*args: str) -> tuple[int, str]:
    app = typer.Typer()
    register(app)
    app.command("noop")(lambda: None)
    result = CliRunner().invoke(app, ["alerts", *args])
    return result.exit_code, result.output


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (("--method", "shewhart"), "'shewhart' is not known"),
        (("--method", "farrington-flexible", "--k", "2"), "--k does not apply"),
        (("--method", "farrington-flexible", "--threshold-method", "exact"), "is not known"),
        (("--freq", "year"), "use week or month"),
    ],
)
def test_bad_usage_exits_2(tmp_path: Path, args: tuple[str, ...], says: str) -> None:
    series = write(
        tmp_path / "s.csv", "d,n\n" + "".join(f"2020-{m:02d},{m}\n" for m in range(1, 13))
    )
    file_args = ("--series", str(series), "--date-column", "d", "--count-column", "n")
    code, out = invoke(*(args if "--freq" in args else (*file_args, *args)))
    assert code == 2
    assert says in " ".join(out.split()).replace("│", "").replace("  ", " ")
