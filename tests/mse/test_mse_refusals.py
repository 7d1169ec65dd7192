"""Every MSE refusal carries a fix (issue 11, finding 11: four of them had none), and
sizes are bounded before anything of size 2**t or beyond int64 is built."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from crimestats.errors import CrimestatsError
from crimestats.mse import CaptureData, estimate
from crimestats.mse.capture_histories import MAX_COUNT, MAX_LISTS
from crimestats.mse.selection import select_stepwise

TWO = CaptureData.from_rows(["A", "B"], [((1, 0), 5), ((0, 1), 7), ((1, 1), 2)])

REFUSALS: dict[str, Callable[[], object]] = {
    "repeated-list-names": lambda: CaptureData.from_rows(["A", "A"], [((1, 0), 1)]),
    "history-not-binary": lambda: CaptureData.from_rows(["A", "B"], [((2, 0), 1)]),
    "negative-count": lambda: CaptureData.from_rows(["A", "B"], [((1, 0), -1)]),
    "count-beyond-the-bound": lambda: CaptureData.from_rows(["A", "B"], [((1, 0), 10**30)]),
    "case-on-no-list": lambda: CaptureData.from_rows(["A", "B"], [((0, 0), 3)]),
    "too-many-lists": lambda: CaptureData.from_rows([f"L{k}" for k in range(MAX_LISTS + 1)], []),
    "unknown-method": lambda: estimate(TWO, "best"),
    "pthresh-not-a-probability": lambda: select_stepwise(TWO, 2.0),
}


@pytest.mark.parametrize("name", sorted(REFUSALS))
def test_every_refusal_has_a_fix(name: str) -> None:
    with pytest.raises(CrimestatsError) as caught:
        REFUSALS[name]()
    assert caught.value.hint, f"{name}: {caught.value.message} has no fix"


def test_the_largest_allowed_counts_add_up_without_overflow() -> None:
    """MAX_COUNT on every history of MAX_LISTS lists still fits int64 exactly."""
    assert MAX_COUNT * (2**MAX_LISTS - 1) < 2**63
    assert MAX_COUNT < 2**53  # a float keeps every digit of one count
