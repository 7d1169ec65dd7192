"""Hostile inputs to ``trends``, ``alerts`` and ``emerging``'s scrubber: each once gave a
traceback ("this is a bug"), a silent wrong answer, or let person-level text through.

Every case is a file or an option a user can give; the promise (docs/security.md) is
one message with a fix and exit 1 (2 for bad usage), and no person-level text shown.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from crimestats.cli.app import main
from crimestats.watch.scrub import scrub


def run_cli(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str]:
    """``crimestats ARGS`` in-process through the real entry point: (exit code, output)."""
    try:
        main(list(args))
        code = 0
    except SystemExit as exc:
        code = int(exc.code or 0)
    captured = capsys.readouterr()
    return code, captured.out + captured.err


def _weekly(path: Path, weeks: int = 400) -> Path:
    from datetime import date, timedelta

    start = date(2018, 1, 1)
    rows = [f"{start + timedelta(weeks=i)},{(i * 7) % 13}" for i in range(weeks)]
    path.write_text("date,count\n" + "\n".join(rows) + "\n", encoding="utf-8")
    return path


HOSTILE_SERIES = {
    "nan": (b"date,count\n2024-01-01,nan\n2024-02-01,5\n", "'nan' is not a"),
    "inf": (b"date,count\n2024-01-01,5\n2024-02-01,inf\n", "'inf' is not a"),
    "huge": (b"date,count\n2024-01-01,1e308\n2024-02-01,5\n", "'1e308' is not a"),
    "not-utf8": (b"date,count\n2024-01-01,5\n\xff\xfe,6\n", "UTF-8"),
    "column-twice": (
        b"date,count,count\n2024-01-01,5,4\n2024-02-01,6,3\n",
        "names column 'count' more than once",
    ),
}


@pytest.mark.parametrize("command", ["alerts", "trends"])
@pytest.mark.parametrize("case", sorted(HOSTILE_SERIES))
def test_a_hostile_series_file_gets_one_message(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], command: str, case: str
) -> None:
    # Before: nan and not-utf8 crashed alerts (internal error), 1e308 crashed trends
    # (OverflowError), a repeated column was read silently (the last one won).
    data, message = HOSTILE_SERIES[case]
    path = tmp_path / f"{case}.csv"
    path.write_bytes(data)
    extra = ["--freq", "month"] if command == "trends" else []
    code, out = run_cli(
        capsys, command, "--series", str(path), "--date-column", "date", "--count-column", "count",
        *extra,
    )  # fmt: skip
    assert code == 1, out
    assert "this is a bug" not in out
    assert "Traceback" not in out
    assert message in out
    assert "fix:" in out


@pytest.mark.parametrize(
    ("options", "message"),
    [
        # Before: a bad Farrington value was swallowed with the "series too short"
        # error and every period was silently assessed by the GLM baseline instead.
        (["--method", "farrington-flexible", "--w", "-3"], "w = -3 must be 0 or more"),
        (["--method", "farrington-flexible", "--no-periods", "0"], "no-periods = 0"),
        (["--method", "farrington", "--w", "-1"], "w = -1 must be 0 or more"),
        # Before: internal errors (year out of range; a zero-size array).
        (["--method", "farrington", "--b", "1000000"], "give 1 to 100 years back"),
        (
            ["--method", "farrington-flexible", "--past-weeks-not-included", "10000"],
            "past-weeks-not-included = 10000",
        ),
        # Before: accepted; a threshold of 0 or less down-weights every period.
        (["--method", "glm", "--weights-threshold", "0"], "weights-threshold must be above 0"),
        (
            ["--method", "farrington-flexible", "--weights-threshold", "-1"],
            "weights-threshold must be above 0",
        ),
    ],
)
def test_bad_alerts_parameters_are_refused_not_replaced(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], options: list[str], message: str
) -> None:
    path = _weekly(tmp_path / "weekly.csv")
    code, out = run_cli(
        capsys, "alerts", "--series", str(path), "--date-column", "date", "--count-column", "count",
        *options,
    )  # fmt: skip
    assert code == 1, out
    assert message in out
    assert "this is a bug" not in out
    assert "glm," not in out  # no assessment printed


def test_good_farrington_parameters_still_run(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = _weekly(tmp_path / "weekly.csv")
    code, out = run_cli(
        capsys, "alerts", "--series", str(path), "--date-column", "date", "--count-column", "count",
        "--method", "farrington-flexible", "--w", "2",
    )  # fmt: skip
    assert code == 0, out
    assert "farrington-flexible, " in out


@pytest.mark.parametrize(
    ("text", "leak"),
    [
        ("theft of phone, call 555-0142", "555-0142"),
        ("fraud, victim ssn 123-45-6789", "123-45-6789"),
        ("card 4111 1111 1111 1111 used", "4111"),
        ("ni number AB123456C quoted", "AB123456C"),
        ("account hacked from 192.168.1.10", "192.168.1.10"),
        ("found at 41.8781, -87.6298 by police", "41.8781"),
        ("harassment on http://facebook.com/john.smith", "john.smith"),
        ("threats from @johnsmith online", "johnsmith"),
        ("assault, victim dob 12/03/1985", "12/03/1985"),
        ("burglary on 2024-03-05 at night", "2024-03-05"),
        ("a woman named Kevina Ortez was robbed", "Kevina"),
    ],
)
def test_person_level_details_are_scrubbed(text: str, leak: str) -> None:
    # Before: every one of these came through unchanged into emerging's examples.
    assert leak not in scrub(text)


@pytest.mark.parametrize(
    "text",
    ["ICCS 060111 and 0401", "2 CARS STOLEN", "THEFT $500 AND UNDER", "ASSAULT 3RD DEGREE",
     "RETAIL THEFT 12:30", "assault 1.5 miles away", "PUBLIC ORDER ACT 1986 S4"],
)  # fmt: skip
def test_offence_wording_is_not_over_scrubbed(text: str) -> None:
    assert scrub(text) == text


def test_a_forecast_horizon_beyond_ten_years_is_refused_before_computing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # Before: --horizon was unbounded; 10**9 allocated until "out of memory" (and on a
    # machine without a memory limit, until it swapped). 100000 years ran to the end.
    path = tmp_path / "yearly.csv"
    path.write_text("year,n\n" + "\n".join(f"{y},{y % 7 + 5}" for y in range(1990, 2020)) + "\n")
    code, out = run_cli(
        capsys, "trends", "--series", str(path), "--date-column", "year", "--count-column", "n",
        "--horizon", "100000",
    )  # fmt: skip
    assert code == 1, out
    assert "--horizon 100000: forecast 1 to 10 years" in out
