"""One fitted autocoder per test session (fitting takes seconds; coding is fast)."""

from __future__ import annotations

import pytest

from crimestats.iccs import Autocoder


@pytest.fixture(scope="session")
def autocoder() -> Autocoder:
    return Autocoder.fit_default(cache=False)
