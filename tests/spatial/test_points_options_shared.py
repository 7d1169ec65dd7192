"""The three spatial commands refuse the same points-file mistakes with the same words
(one check, ``crimestats.cli.options.check_points_options``)."""

from __future__ import annotations

from pathlib import Path

import pytest
from tests.conftest import run_cli

COMMANDS = ("hotspots", "forecast-evaluate", "forecast-audit")


def _points(tmp_path: Path) -> Path:
    path = tmp_path / "p.csv"
    path.write_text("lon,lat,date\n-89.9,35.1,2024-01-02\n", encoding="utf-8")
    return path


@pytest.mark.parametrize("command", COMMANDS)
def test_a_points_file_without_its_columns_is_bad_usage(command: str, tmp_path: Path) -> None:
    out = str(tmp_path / "out.csv")
    code, _, _ = run_cli(command, "--points", str(_points(tmp_path)), "--x", "lon", "--out", out)
    assert code == 2
    assert not Path(out).exists()


@pytest.mark.parametrize("command", COMMANDS)
def test_a_points_file_is_not_also_filtered_by_store_fields(command: str, tmp_path: Path) -> None:
    out = str(tmp_path / "out.csv")
    args = ("--points", str(_points(tmp_path)), "--x", "lon", "--y", "lat", "--date", "date")
    code, _, _ = run_cli(
        command, *args, "--iccs", "0501", "--out", out, "--db", str(tmp_path / "s.duckdb")
    )
    assert code == 1
    assert not Path(out).exists()
