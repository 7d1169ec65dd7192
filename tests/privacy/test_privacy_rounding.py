"""Controlled rounding on hand-computed tables."""

from __future__ import annotations

import numpy as np
import pytest

from crimestats.errors import UsageError
from crimestats.privacy import controlled_round, protect_table, with_margins


def test_1d_rounding_by_hand() -> None:
    # [2, 4 | 6] to base 5: totals 5 or 10; (0, 5 | 5) changes 2 + 1 + 1 = 4, the least
    assert controlled_round(with_margins([2, 4]), 5).values.tolist() == [0, 5, 5]


def test_2d_rounding_by_hand() -> None:
    # margins are already multiples of 5 and stay; each row must still sum to 5:
    # [[0, 5], [5, 0]] changes 1 + 1 + 1 + 1 = 4, [[5, 0], [0, 5]] changes 16
    rounded = controlled_round(with_margins([[1, 4], [4, 1]]), 5)
    assert rounded.method == "controlled"
    assert rounded.values.tolist() == [[0, 5, 5], [5, 0, 5], [5, 5, 10]]


def test_3d_rounding_is_additive_either_way() -> None:
    rng = np.random.default_rng(7)
    interior = rng.integers(0, 20, size=(3, 3, 2))
    table = with_margins(interior)
    rounded = controlled_round(table, 5)
    assert rounded.method in {"controlled", "interior"}
    values = rounded.values.reshape(-1)
    assert not np.any(table.matrix @ values)
    assert np.all(values % 5 == 0)


def test_protect_table_marks_every_cell_rounded() -> None:
    result = protect_table([[1, 4], [4, 1]], protection="round")
    assert (result.status == "rounded").all()
    assert result.published.tolist() == [[0, 5, 5], [5, 0, 5], [5, 5, 10]]
    assert result.metadata() == {
        "method": "controlled rounding",
        "base": 5,
        "primary_cells": 0,
        "secondary_cells": 0,
    }


@pytest.mark.parametrize("base", [1, 0, 2.5, True])
def test_bad_base_is_a_usage_error(base: object) -> None:
    with pytest.raises(UsageError):
        controlled_round(with_margins([1, 2]), base)  # type: ignore[arg-type]
