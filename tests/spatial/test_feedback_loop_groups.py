"""Group exposure of flagged cells, worked by hand on three areas."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from crimestats.errors import UsageError
from crimestats.spatial.group_exposure import group_exposure, read_group_layer


def test_group_shares_by_hand(tmp_path: Path) -> None:
    layer_file = tmp_path / "groups.csv"
    layer_file.write_text(
        "longitude,latitude,pop_a,pop_b,victims_a,victims_b\n"
        "0,0,100,300,5,5\n"  # area in cell 0 (flagged)
        "1,1,300,100,1,9\n"  # cell 1
        "2,2,100,100,0,0\n",  # off the grid
        encoding="utf-8",
    )
    layer = read_group_layer(layer_file)
    rows = {r.group: r for r in group_exposure(layer, np.array([0, 1, -1]), np.array([0]))}
    # a: 500 of 1000 people; 100 of the 400 in flagged cells; 100 of its 500 there.
    assert rows["a"].population_share == 0.5
    assert rows["a"].share_of_flagged_population == 0.25
    assert rows["a"].living_in_flagged == 0.2
    assert rows["a"].victim_share == 0.3  # 6 of 20 victims
    assert rows["b"].share_of_flagged_population == 0.75
    assert rows["b"].living_in_flagged == 0.6
    assert rows["b"].victim_share == 0.7


def test_bad_group_file_is_one_message(tmp_path: Path) -> None:
    bad = tmp_path / "groups.csv"
    bad.write_text("longitude,latitude,pop_a\n0,0,-3\n", encoding="utf-8")
    with pytest.raises(UsageError, match="line 2"):
        read_group_layer(bad)
    bad.write_text("lon,lat,people\n0,0,3\n", encoding="utf-8")
    with pytest.raises(UsageError, match="pop_<group>"):
        read_group_layer(bad)
