"""The Knox table on six events counted by hand, and the band edges one by one.

Events (x, y in metres; day): A (0, 0) 0, B (0, 0) 3, C (50, 0) 10, D (0, 150) 20,
E (400, 0) 1, F (100, 0) 7. Space bands 100,200 (rows: same location [0,1), [1,100),
[100,200), [200,inf)); time bands 7,14 (columns: [0,7), [7,14), [14,inf) days).
The 15 pairs with their Manhattan distance and day gap, and their cell:

    A-B 0 3 (0,0)    A-C 50 10 (1,1)   A-D 150 20 (2,2)  A-E 400 1 (3,0)   A-F 100 7 (2,1)
    B-C 50 7 (1,1)   B-D 150 17 (2,2)  B-E 400 2 (3,0)   B-F 100 4 (2,0)   C-D 200 10 (3,1)
    C-E 350 9 (3,1)  C-F 50 3 (1,0)    D-E 550 19 (3,2)  D-F 250 13 (3,1)  E-F 300 6 (3,0)

A pair exactly 100 m apart is in "101 to 200" and one 7 days apart in "8 to 14", as
Ratcliffe's calculator counts them (see crimestats.spatial.bands).
"""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest
from scipy.stats import poisson

from crimestats.errors import UsageError
from crimestats.spatial.bands import parse_edges, space_bands, time_bands
from crimestats.spatial.knox import Distance, knox_test
from crimestats.spatial.knox_poisson import knox_poisson

X = np.array([0.0, 0.0, 50.0, 0.0, 400.0, 100.0])
Y = np.array([0.0, 0.0, 0.0, 150.0, 0.0, 0.0])
DAYS = np.array([0, 3, 10, 20, 1, 7])
SPACE = space_bands([100, 200])
TIME = time_bands([7, 14])

BY_HAND_MANHATTAN = [[1, 0, 0], [1, 2, 0], [1, 1, 2], [3, 3, 1]]
# Euclidean moves C-D (158.1 m) and D-F (180.3 m) from "More than 200" to "101 to 200"
BY_HAND_EUCLIDEAN = [[1, 0, 0], [1, 2, 0], [1, 3, 2], [3, 1, 1]]


def test_six_events_manhattan_table_is_the_hand_count() -> None:
    result = knox_test(X, Y, DAYS, SPACE, TIME, permutations=0)
    assert result.observed.tolist() == BY_HAND_MANHATTAN
    assert result.same_location.tolist() == [1, 0, 0]
    assert result.pairs == 15
    # exact expectation under shuffled dates: row total x column total / pairs
    rows, cols = [1, 3, 4, 7], [6, 6, 3]
    assert result.expected == pytest.approx(np.outer(rows, cols) / 15)
    assert result.knox_ratio[2, 2] == pytest.approx(2 / (4 * 3 / 15))


def test_six_events_euclidean_table_is_the_hand_count() -> None:
    result = knox_test(X, Y, DAYS, SPACE, TIME, distance=Distance.EUCLIDEAN, permutations=0)
    assert result.observed.tolist() == BY_HAND_EUCLIDEAN


def _table_by_loops(days: np.ndarray) -> np.ndarray:
    """A second count, pair by pair, with the band rules written out as comparisons."""
    out = np.zeros((4, 3), dtype=int)
    for i, j in itertools.combinations(range(6), 2):
        d = abs(X[i] - X[j]) + abs(Y[i] - Y[j])
        gap = abs(int(days[i]) - int(days[j]))
        row = 0 if d < 1 else 1 if d < 100 else 2 if d < 200 else 3
        col = 0 if gap < 7 else 1 if gap < 14 else 2
        out[row, col] += 1
    return out


def test_expected_is_the_mean_over_every_shuffle() -> None:
    """All 720 orderings of the dates, averaged, give the closed-form expectation."""
    tables = [_table_by_loops(DAYS[list(p)]) for p in itertools.permutations(range(6))]
    mean = np.mean(tables, axis=0)
    result = knox_test(X, Y, DAYS, SPACE, TIME, permutations=0)
    assert result.expected == pytest.approx(mean)
    # and the exact permutation p-value of the top-left near-repeat cell (1 to 100, 0-7 days)
    exact = np.mean([t[1, 0] >= 1 for t in tables])
    mc = knox_test(X, Y, DAYS, SPACE, TIME, permutations=4000, seed=5)
    assert mc.p_value[1, 0] == pytest.approx(exact, abs=0.03)
    assert mc.expected_simulated == pytest.approx(mean, abs=0.06)


def test_same_seed_same_p_values_and_other_seed_differs() -> None:
    a = knox_test(X, Y, DAYS, SPACE, TIME, permutations=50, seed=11)
    b = knox_test(X, Y, DAYS, SPACE, TIME, permutations=50, seed=11)
    c = knox_test(X, Y, DAYS, SPACE, TIME, permutations=50, seed=12)
    assert np.array_equal(a.p_value, b.p_value)
    assert not np.array_equal(a.expected_simulated, c.expected_simulated)


def test_poisson_knox_by_hand() -> None:
    """<= 100 m: A-B, A-C, A-F, B-C, B-F, C-F (6); <= 7 days: 8 pairs; both: 5 (not A-C)."""
    result = knox_poisson(X, Y, DAYS, 100, 7)
    assert (result.close_pairs, result.close_in_space, result.close_in_time) == (5, 6, 8)
    assert result.expected == pytest.approx(6 * 8 / 15)
    assert result.p_more_than == pytest.approx(poisson.sf(5, 3.2))
    assert result.p_at_least == pytest.approx(1 - poisson.cdf(4, 3.2))


@pytest.mark.parametrize(
    ("distance", "row"),
    [(0.0, 0), (0.999, 0), (1.0, 1), (99.999, 1), (100.0, 2), (199.99, 2), (200.0, 3), (1e6, 3)],
)
def test_space_edges_are_right_open(distance: float, row: int) -> None:
    x = np.array([0.0, distance])
    result = knox_test(x, np.zeros(2), np.array([0, 0]), SPACE, TIME, permutations=0)
    assert result.observed[:, 0].tolist() == [int(r == row) for r in range(4)]


@pytest.mark.parametrize(("gap", "col"), [(0, 0), (6, 0), (7, 1), (13, 1), (14, 2), (400, 2)])
def test_time_edges_are_right_open(gap: int, col: int) -> None:
    x = np.array([0.0, 50.0])
    result = knox_test(x, np.zeros(2), np.array([0, gap]), SPACE, TIME, permutations=0)
    assert result.observed[1].tolist() == [int(c == col) for c in range(3)]


def test_a_time_of_day_is_dropped() -> None:
    from crimestats.spatial.knox import whole_days

    days = whole_days(np.array(["2024-01-01T23:59", "2024-01-08T00:01"], dtype="datetime64[m]"))
    assert int(days[1] - days[0]) == 7  # 7 calendar days, though 6 days and 2 minutes apart


def test_band_labels_follow_the_calculator() -> None:
    assert SPACE.labels == ("Same location", "1 to 100", "101 to 200", "More than 200")
    assert TIME.labels == ("0 to 7", "8 to 14", "More than 14")
    assert space_bands([100]).edges == (0.0, 1.0, 100.0)
    assert [hi for _, hi in TIME.as_intervals()] == [7.0, 14.0, None]
    assert not math.isnan(TIME.edges[-1])


@pytest.mark.parametrize("text", ["100,50", "0,100", "1,100", "abc", "", "100,inf"])
def test_bad_space_bands_are_refused(text: str) -> None:
    with pytest.raises(UsageError):
        space_bands(parse_edges(text, "--space-bands"))


@pytest.mark.parametrize("text", ["7,7", "0,7", "-1", "7;14"])
def test_bad_time_bands_are_refused(text: str) -> None:
    with pytest.raises(UsageError):
        time_bands(parse_edges(text, "--time-bands"))


def test_fewer_than_two_events_is_a_user_error() -> None:
    with pytest.raises(UsageError, match="at least 2 events"):
        knox_test(np.array([1.0]), np.array([1.0]), np.array([0]), SPACE, TIME)


@pytest.mark.parametrize("distance", [Distance.MANHATTAN, Distance.EUCLIDEAN])
def test_random_events_equal_a_pair_by_pair_count(distance: Distance) -> None:
    """300 events on a 1 m grid (exact ties, repeated places, gaps on the edges): the
    fast table (k-d tree for close pairs, day histogram for the rest) equals a count of
    all 44,850 pairs with plain comparisons."""
    rng = np.random.default_rng(44)
    n = 300
    x = rng.integers(0, 600, n).astype(float)
    y = rng.integers(0, 600, n).astype(float)
    x[:20], y[:20] = x[20:40], y[20:40]  # twenty repeats at the same place
    days = rng.integers(0, 60, n)
    space, time = space_bands([50, 100, 150]), time_bands([3, 7, 14, 28])
    result = knox_test(x, y, days, space, time, distance=distance, permutations=0)
    ii, jj = np.triu_indices(n, k=1)
    dx, dy = np.abs(x[ii] - x[jj]), np.abs(y[ii] - y[jj])
    dist = dx + dy if distance is Distance.MANHATTAN else np.sqrt(dx**2 + dy**2)
    gap = np.abs(days[ii] - days[jj])
    expected = np.zeros((5, 5), dtype=int)
    for d, g in zip(dist.tolist(), gap.tolist(), strict=True):
        row = 0 if d < 1 else 1 if d < 50 else 2 if d < 100 else 3 if d < 150 else 4
        col = 0 if g < 3 else 1 if g < 7 else 2 if g < 14 else 3 if g < 28 else 4
        expected[row, col] += 1
    assert result.observed.tolist() == expected.tolist()
    assert result.observed[0].sum() >= 20
