"""One fitted autocoder per test session (fitting takes seconds; coding is fast)."""

from __future__ import annotations

import pytest
import typer

from crimestats.cli import iccs_cmd
from crimestats.iccs import Autocoder


@pytest.fixture(scope="session")
def autocoder() -> Autocoder:
    return Autocoder.fit_default(cache=False)


@pytest.fixture
def app(autocoder: Autocoder, monkeypatch: pytest.MonkeyPatch) -> typer.Typer:
    """The ``crimestats iccs`` commands on a local Typer app, coding with the shared model."""
    monkeypatch.setattr(iccs_cmd, "_model", lambda: autocoder)
    main = typer.Typer()

    @main.callback()
    def _root() -> None:
        """Test root."""

    iccs_cmd.register(main)
    return main
