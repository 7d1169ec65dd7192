"""The curated public surface of crimestats.iccs."""

from __future__ import annotations

from crimestats import iccs


def test_all_is_sorted_and_resolves() -> None:
    assert iccs.__all__ == sorted(iccs.__all__)
    for name in iccs.__all__:
        assert getattr(iccs, name) is not None
