"""``crimestats serve``'s options keep the error promise without starting a server."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from crimestats.cli.app import app


@pytest.mark.parametrize(
    "args",
    [
        ["--port", "0"], ["--port", "70000"], ["--port", "-1"], ["--port", "nan"],
        ["--workers", "0"], ["--workers", "1000"], ["--rate", "0"], ["--rate", "nan"],
        ["--burst", "0"], ["--burst", "x"],
    ],
)  # fmt: skip
def test_bad_numbers_are_usage_errors(args: list[str]) -> None:
    result = CliRunner().invoke(app, ["serve", *args])
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output
