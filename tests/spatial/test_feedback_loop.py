"""The feedback-loop simulation, checked on four cells by hand and on the loop's effect.

The hand cases replay the documented draw order (per round: Poisson of every cell, then
Binomial of every cell, from ``default_rng(seed)``) with an independent generator and
work out the flagged cells by the rules of the module docstring.
"""

from __future__ import annotations

import numpy as np
import pytest

from crimestats.errors import UsageError
from crimestats.spatial.feedback_loop import (
    LoopConfig,
    gini,
    recorded_history,
    simulate,
    top_cells,
    truth_intensity,
)
from crimestats.spatial.forecast_evaluate import EvalPeriod, Forecast
from crimestats.spatial.grid import Grid, square_grid


def _four_cells() -> Grid:
    """Cells 0..3 at (0,0), (1,0), (0,1), (1,1), 1 m wide."""
    return square_grid(np.array([0.0, 1, 0, 1]), np.array([0.0, 0, 1, 1]), 1.0)


def test_no_recording_outside_patrols_locks_on_the_first_flagged_cell() -> None:
    # History [3, 1, 0, 0]: the history forecast flags cell 0 (25% of 4 cells = 1 cell).
    # Nothing is recorded off patrol (p_base 0), so cell 0 only ever gains records and is
    # flagged every round, although the truth is uniform.
    grid = _four_cells()
    config = LoopConfig(rounds=3, patrol_share=0.25, recording_base=0.0,
                        recording_patrolled=1.0, seed=7)  # fmt: skip
    result = simulate(grid, np.array([[3, 1, 0, 0]]), np.full(4, 5.0), config)

    rng = np.random.default_rng(7)
    for row, flagged in zip(result.rounds, result.flagged, strict=True):
        true = rng.poisson(np.full(4, 5.0))
        recorded = rng.binomial(true, np.array([1.0, 0, 0, 0]))
        assert flagged.tolist() == [0]
        assert recorded.tolist() == [true[0], 0, 0, 0]
        assert row.true_incidents == true.sum()
        assert row.recorded_incidents == true[0]
        assert row.recorded_share_flagged == 1.0
        assert row.true_share_flagged == pytest.approx(true[0] / true.sum())
        assert row.intensity_share_flagged == 0.25
        assert row.recorded_gini == 0.75  # one cell of four holds every record
        assert np.isnan(row.true_top_overlap)  # uniform truth has no top cells
    assert [r.flagged_unchanged for r in result.rounds] == [False, True, True]
    assert result.locked_from == 1


def test_full_recording_lets_the_forecast_find_the_true_hot_cell() -> None:
    # True crime only in cell 3 (intensity 10); history [2, 0, 0, 0] flags cell 0 first.
    # With p = 1 everywhere, round 1 records cell 3's n incidents: the history means are
    # [1, 0, 0, n / 2], so cell 3 is flagged in round 2 when n >= 3 (ties go to cell 0),
    # and stays flagged. With p_base = 0 nothing off patrol is recorded: cell 0 forever.
    grid = _four_cells()
    truth = np.array([0.0, 0, 0, 10])
    n = np.random.default_rng(3).poisson(truth)[3]
    assert n >= 3  # the seed's draw (13), worked out by hand
    fair = simulate(grid, np.array([[2, 0, 0, 0]]), truth,
                    LoopConfig(rounds=3, patrol_share=0.25, recording_base=1.0,
                               recording_patrolled=1.0, seed=3))  # fmt: skip
    assert [f.tolist() for f in fair.flagged] == [[0], [3], [3]]
    assert [r.true_share_flagged for r in fair.rounds] == [0.0, 1.0, 1.0]
    assert [r.true_top_overlap for r in fair.rounds] == [0.0, 1.0, 1.0]
    assert fair.rounds[0].forecast_error == 1.0  # all forecast mass on a crime-free cell
    assert fair.locked_from == 2

    blind = simulate(grid, np.array([[2, 0, 0, 0]]), truth,
                     LoopConfig(rounds=3, patrol_share=0.25, recording_base=0.0,
                                recording_patrolled=1.0, seed=3))  # fmt: skip
    assert [f.tolist() for f in blind.flagged] == [[0], [0], [0]]
    assert all(r.recorded_incidents == 0 and r.true_share_flagged == 0 for r in blind.rounds)
    assert blind.drift()["true_share_flagged"] == 0.0


def test_same_seed_same_run_other_seed_other_draws() -> None:
    grid = _four_cells()
    config = LoopConfig(rounds=4, patrol_share=0.5, seed=11)
    one = simulate(grid, np.array([[1, 2, 3, 4]]), np.full(4, 3.0), config)
    two = simulate(grid, np.array([[1, 2, 3, 4]]), np.full(4, 3.0), config)
    other = simulate(grid, np.array([[1, 2, 3, 4]]), np.full(4, 3.0),
                     LoopConfig(rounds=4, patrol_share=0.5, seed=12))  # fmt: skip
    assert repr(one.rounds) == repr(two.rounds)  # repr: NaN fields compare unequal
    assert [f.tolist() for f in one.flagged] == [f.tolist() for f in two.flagged]
    assert [r.true_incidents for r in one.rounds] != [r.true_incidents for r in other.rounds]


def test_uniform_truth_with_uplift_concentrates_the_record_not_the_crime() -> None:
    # 100 cells, uniform truth, 10% patrolled, recording 0.3 off patrol and 0.9 on it.
    # Over 20 seeds the recorded share in flagged cells sits well above the area share and
    # the share of the recorded history there rises every round, while the true share
    # stays at the area share, 0.10 (the truth does not depend on the flagging).
    side = np.arange(10.0)
    grid = square_grid(np.repeat(side, 10), np.tile(side, 10), 1.0)
    assert grid.size == 100
    first: list[float] = []
    last: list[float] = []
    true_share: list[float] = []
    trained: list[list[float]] = []
    for seed in range(20):
        history = np.random.default_rng(1000 + seed).poisson(2.0, size=(10, 100))
        result = simulate(grid, history, np.full(100, 2.0),
                          LoopConfig(rounds=10, patrol_share=0.10, recording_base=0.3,
                                     recording_patrolled=0.9, seed=seed))  # fmt: skip
        first.append(result.rounds[0].recorded_share_flagged)
        last.append(result.rounds[-1].recorded_share_flagged)
        true_share.extend(r.true_share_flagged for r in result.rounds)
        trained.append([r.history_share_flagged for r in result.rounds])
    # Expected recorded share once flagged cells record at 0.9 and the rest at 0.3:
    # 0.1 * 0.9 / (0.1 * 0.9 + 0.9 * 0.3) = 0.25, against 0.10 for the truth.
    assert np.mean(last) == pytest.approx(0.25, abs=0.03)
    assert np.mean(first) == pytest.approx(0.25, abs=0.03)
    assert np.mean(true_share) == pytest.approx(0.10, abs=0.01)
    # What the forecast trains on drifts towards the flagged cells round after round.
    mean_trained = np.mean(trained, axis=0)
    assert np.all(np.diff(mean_trained) > 0)
    assert mean_trained[-1] > mean_trained[0] + 0.02


def test_uniform_truth_with_uplift_locks_in_the_history_forecast() -> None:
    # The flagged cells' overlap with the first round's grows with uplift: with no uplift
    # the record follows the (uniform) truth; with uplift the first cells keep winning.
    side = np.arange(10.0)
    grid = square_grid(np.repeat(side, 10), np.tile(side, 10), 1.0)

    def kept(patrolled: float) -> float:
        shares = []
        for seed in range(10):
            history = np.random.default_rng(2000 + seed).poisson(2.0, size=(1, 100))
            result = simulate(grid, history, np.full(100, 2.0),
                              LoopConfig(rounds=6, patrol_share=0.10, recording_base=0.3,
                                         recording_patrolled=patrolled, seed=seed))  # fmt: skip
            shares.append(np.intersect1d(result.flagged[0], result.flagged[-1]).size / 10)
        return float(np.mean(shares))

    assert kept(0.9) > kept(0.3) + 0.2


def test_helpers_count_and_scale() -> None:
    grid = _four_cells()
    dates = np.array(["2024-01-01", "2024-01-02", "2024-01-09"], dtype="datetime64[D]")
    history = recorded_history(grid, np.array([0.0, 1, 1]), np.array([0.0, 1, 1]), dates,
                               EvalPeriod.WEEK)  # fmt: skip
    assert history.tolist() == [[1, 0, 0, 1], [0, 0, 0, 1]]
    assert truth_intensity(grid, 8.0).tolist() == [2.0, 2.0, 2.0, 2.0]
    scaled = truth_intensity(grid, 8.0, np.array([0.0, 0, 1]), np.array([0.0, 0, 1]))
    assert scaled.tolist() == [16 / 3, 0, 0, 8 / 3]
    assert top_cells(grid, np.array([1.0, 5, 5, 0]), 0.5).tolist() == [1, 2]
    assert gini(np.array([1.0, 1, 1, 1])) == 0.0


def test_kde_forecast_runs_through_the_evaluate_functions() -> None:
    grid = _four_cells()
    result = simulate(grid, np.array([[4, 0, 0, 0]]), np.full(4, 2.0),
                      LoopConfig(rounds=2, patrol_share=0.25, forecast=Forecast.KDE,
                                 bandwidth=1.5, seed=0))  # fmt: skip
    assert result.flagged[0].tolist() == [0]


def test_bad_settings_are_one_message() -> None:
    grid = _four_cells()
    with pytest.raises(UsageError, match="--recording-base"):
        simulate(grid, np.array([[1, 0, 0, 0]]), np.ones(4), LoopConfig(recording_base=2.0))
    with pytest.raises(UsageError, match="recorded incident"):
        simulate(grid, np.zeros((1, 4), dtype=np.int64), np.ones(4), LoopConfig())
