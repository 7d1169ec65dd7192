"""The scan statistic on cases small enough to work by hand, and against a naive second
implementation (every circle enumerated with plain loops) on random data."""

from __future__ import annotations

import itertools
import math
from pathlib import Path

import numpy as np
import pytest

from crimestats.errors import FileRefusedError, UsageError
from crimestats.spatial.satscan_files import read_cases, read_coordinates, read_population
from crimestats.spatial.scan import ScanInput, spatial_scan
from crimestats.spatial.scan_spacetime import SpaceTimeInput, spacetime_scan
from crimestats.spatial.scan_windows import CoordinateKind

IDS = ("a", "b", "c", "d", "e")


def _line(cases: list[int]) -> ScanInput:
    """Five areas of 100 people at x = 0..4 on a line."""
    return ScanInput(
        IDS, np.array(cases), np.full(5, 100.0), np.arange(5.0), np.zeros(5),
        CoordinateKind.CARTESIAN,
    )  # fmt: skip


def test_five_areas_by_hand() -> None:
    """Cases 10, 2, 2, 2, 4 (C = 20), 500 people; circles up to 50 % hold at most 2 areas,
    and a tie (b's neighbours a and c are both 1 away) enters whole, so from b, c and d
    only the single area fits. Circles with more cases than expected: {a}: c 10, E 4,
    and {a, b}: c 12, E 8. LLR({a}) = 10 ln(10/4) + 10 ln(10/16) = 4.46287; {a, b} shares
    a, so it is no secondary cluster."""
    result = spatial_scan(_line([10, 2, 2, 2, 4]), permutations=99, seed=1)
    assert len(result.clusters) == 1
    top = result.clusters[0]
    assert top.ids == ("a",)
    assert top.cases == 10
    assert top.expected == pytest.approx(4.0)
    assert top.llr == pytest.approx(10 * math.log(10 / 4) + 10 * math.log(10 / 16))
    assert top.relative_risk == pytest.approx((10 / 4) / (10 / 16))
    assert top.population == 100.0
    assert top.p_value is not None
    assert 0 < top.p_value <= 1
    # windows: a, ab; b; c; d; e, ed
    assert result.windows == 7


def test_no_excess_anywhere_gives_no_cluster() -> None:
    assert spatial_scan(_line([2, 2, 2, 2, 2]), permutations=9, seed=1).clusters == ()


def test_seeded_p_values_repeat() -> None:
    a = spatial_scan(_line([10, 2, 2, 2, 4]), permutations=99, seed=7)
    b = spatial_scan(_line([10, 2, 2, 2, 4]), permutations=99, seed=7)
    assert a.clusters[0].p_value == b.clusters[0].p_value


def _naive_best(x: np.ndarray, y: np.ndarray, pop: np.ndarray, cases: np.ndarray) -> float:
    """Every circle (centre, radius = distance to some location), loops only."""
    total, people = cases.sum(), pop.sum()
    best = 0.0
    for i in range(x.size):
        dist = [math.hypot(x[j] - x[i], y[j] - y[i]) for j in range(x.size)]
        for radius in sorted(set(dist)):
            inside = [j for j in range(x.size) if dist[j] <= radius]
            p = sum(pop[j] for j in inside)
            if p > 0.5 * people:
                break
            c = sum(cases[j] for j in inside)
            e = total * p / people
            if c > e and c >= 2:
                llr = c * math.log(c / e) + (
                    (total - c) * math.log((total - c) / (total - e)) if c < total else 0.0
                )
                best = max(best, llr)
    return best


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_most_likely_cluster_equals_a_naive_search(seed: int) -> None:
    rng = np.random.default_rng(seed)
    n = 40
    x, y = rng.integers(0, 8, n).astype(float), rng.integers(0, 8, n).astype(float)  # ties
    pop = rng.integers(50, 500, n).astype(float)
    cases = rng.poisson(pop / 100)
    data = ScanInput(tuple(map(str, range(n))), cases, pop, x, y, CoordinateKind.CARTESIAN)
    result = spatial_scan(data, permutations=0)
    assert result.clusters[0].llr == pytest.approx(_naive_best(x, y, pop, cases))


def test_space_time_by_hand() -> None:
    """Three areas of 100 (x = 0, 10, 20), four periods; area a has 1, 1, 1, 5 cases, b and
    c 1 a period (C = 16; period totals 3, 3, 3, 7). Circles up to 50 % hold one area,
    cylinders 1 or 2 periods ending at P4. Expected per cell: period total / 3.
    {a} x P4: c 5, E 7/3, LLR = 5 ln(15/7) + 11 ln(33/41);
    {a} x P3-P4: c 6, E 10/3, LLR = 6 ln(1.8) + 10 ln(30/38), smaller."""
    cases = np.array([[1, 1, 1, 5], [1, 1, 1, 1], [1, 1, 1, 1]])
    data = SpaceTimeInput(
        ("a", "b", "c"), ("P1", "P2", "P3", "P4"), cases, np.full((3, 4), 100.0),
        np.array([0.0, 10.0, 20.0]), np.zeros(3),
    )  # fmt: skip
    result = spacetime_scan(data, permutations=99, seed=3)
    top = result.clusters[0]
    assert top.ids == ("a",)
    assert top.periods == ("P4",)
    assert top.cases == 5
    assert top.expected == pytest.approx(7 / 3)
    assert top.llr == pytest.approx(5 * math.log(15 / 7) + 11 * math.log(33 / 41))
    assert len(result.clusters) == 1  # every other cylinder shares a, or has no excess


def _naive_spacetime_best(data: SpaceTimeInput, longest: int) -> float:
    total = data.cases.sum()
    period_totals = data.cases.sum(axis=0)
    share = data.population / data.population.sum(axis=0)
    mean_pop = data.population.mean(axis=1)
    best = 0.0
    n, t = data.cases.shape
    for i in range(n):
        dist = [math.hypot(data.a[j] - data.a[i], data.b[j] - data.b[i]) for j in range(n)]
        for radius in sorted(set(dist)):
            inside = [j for j in range(n) if dist[j] <= radius]
            if sum(mean_pop[j] for j in inside) > 0.5 * mean_pop.sum():
                break
            for span in range(1, longest + 1):
                periods = range(t - span, t)
                c = sum(data.cases[j, s] for j in inside for s in periods)
                e = sum(period_totals[s] * share[j, s] for j in inside for s in periods)
                if c > e and c >= 2:
                    rest = (total - c) * math.log((total - c) / (total - e)) if c < total else 0
                    best = max(best, c * math.log(c / e) + rest)
    return best


def test_space_time_equals_a_naive_search() -> None:
    rng = np.random.default_rng(8)
    n, t = 15, 6
    pop = rng.integers(100, 300, (n, 1)) * np.linspace(1, 1.2, t)  # growing populations
    cases = rng.poisson(pop / 50)
    cases[3, -2:] += 6  # a recent local excess
    data = SpaceTimeInput(
        tuple(map(str, range(n))), tuple(f"2024-{m:02d}" for m in range(1, t + 1)), cases,
        pop, rng.random(n) * 10, rng.random(n) * 10,
    )  # fmt: skip
    result = spacetime_scan(data, permutations=0)
    assert result.clusters[0].llr == pytest.approx(_naive_spacetime_best(data, t // 2))


def test_secondary_clusters_share_no_location() -> None:
    rng = np.random.default_rng(4)
    n = 60
    pop = rng.integers(50, 500, n).astype(float)
    data = ScanInput(
        tuple(map(str, range(n))), rng.poisson(pop / 80), pop, rng.random(n), rng.random(n),
        CoordinateKind.CARTESIAN,
    )  # fmt: skip
    clusters = spatial_scan(data, permutations=0, max_clusters=8).clusters
    assert len(clusters) >= 2
    for a, b in itertools.combinations(clusters, 2):
        assert not set(a.ids) & set(b.ids)
    assert [c.llr for c in clusters] == sorted((c.llr for c in clusters), reverse=True)


def test_each_centre_offers_only_its_best_circle() -> None:
    """SaTScan's secondary clusters, by hand. Cases 0, 0, 2, 5, 2 on the line (C = 9, E =
    1.8 per area); circles hold at most 2 areas and ties enter whole, so c and d have
    only themselves, e has {e} and {e, d}. LLR({d}) = 5 ln(5/1.8) + 4 ln(4/7.2) = 2.75711;
    LLR({e, d}) = 7 ln(7/3.6) + 2 ln(2/5.4) = 2.66837; LLR({c}) = LLR({e}) = 2 ln(2/1.8)
    + 7 ln(7/7.2) = 0.01351. Centre e offers its best circle {e, d}, which overlaps {d}:
    so {c} is a secondary cluster and {e}, as high and disjoint, is not."""
    result = spatial_scan(_line([0, 0, 2, 5, 2]), permutations=0)
    assert [c.ids for c in result.clusters] == [("d",), ("c",)]
    assert result.clusters[0].llr == pytest.approx(5 * math.log(5 / 1.8) + 4 * math.log(4 / 7.2))
    assert result.clusters[1].llr == pytest.approx(2 * math.log(2 / 1.8) + 7 * math.log(7 / 7.2))


def test_max_population_share_out_of_range_is_refused() -> None:
    with pytest.raises(UsageError, match=r"at most 0\.5"):
        spatial_scan(_line([10, 2, 2, 2, 4]), max_population_share=0.8, permutations=0)


@pytest.mark.parametrize(
    ("reader", "text"),
    [
        (read_cases, "1 x 2000\n"),
        (read_cases, "1 2.5 2000\n"),
        (read_cases, "1 -3\n"),
        (read_population, "1 2000\n"),
        (read_population, "1 2000 nan\n"),
        (read_coordinates, "1 42.1\n"),
        (read_coordinates, "1 42 -75\n1 43 -76\n"),
        (read_cases, "// only a comment\n"),
    ],
)
def test_bad_satscan_lines_refuse_the_file(reader: object, text: str, tmp_path: Path) -> None:
    path = tmp_path / "f.txt"
    path.write_text(text)
    with pytest.raises(FileRefusedError) as info:
        reader(path)  # type: ignore[operator]
    assert str(path) in info.value.message


def test_monte_carlo_p_value_matches_the_exact_null() -> None:
    """Cases 6, 1, 1, 1, 1 on the five-area line (C = 10, equal populations): under the
    null the cases are multinomial(10, 1/5 each). Every one of the 1,001 allocations is
    scored with the naive search and weighted by its probability, giving the exact
    P(max LLR >= observed); 4,000 replicates must land within 3 standard errors of it."""
    from scipy.stats import multinomial

    observed = spatial_scan(_line([6, 1, 1, 1, 1]), permutations=0).clusters[0].llr
    x, y, pop = np.arange(5.0), np.zeros(5), np.full(5, 100.0)
    exact = 0.0
    for cut in itertools.combinations(range(14), 4):  # stars and bars: 10 cases, 5 areas
        edges = (-1, *cut, 14)
        cases = np.array([edges[k + 1] - edges[k] - 1 for k in range(5)])
        if _naive_best(x, y, pop, cases) >= observed - 1e-9:
            exact += multinomial.pmf(cases, 10, [0.2] * 5)
    result = spatial_scan(_line([6, 1, 1, 1, 1]), permutations=4000, seed=21)
    p = result.clusters[0].p_value
    assert p is not None
    assert abs(p - exact) <= 3 * math.sqrt(exact * (1 - exact) / 4000) + 1 / 4001


def test_a_quiet_month_stays_a_period(tmp_path: Path) -> None:
    """No case at all in March: March is still a period, so "the last two periods" is
    March and April (SaTScan dates 2024/1 ... read as ISO months)."""
    from crimestats.spatial.scan_inputs import assemble, counts_from_files

    (tmp_path / "c.txt").write_text(
        "a 1 2024/1\nb 1 2024/1\nc 1 2024/1\na 1 2024/2\nb 1 2024/2\nc 1 2024/2\na 6 2024/4\n"
        "b 1 2024/4\nc 0 2024/4\n"
    )
    (tmp_path / "p.txt").write_text("a 2024 100\nb 2024 100\nc 2024 100\n")
    (tmp_path / "g.txt").write_text("a 0 0\nb 10 0\nc 20 0\n")
    counts = counts_from_files(
        tmp_path / "c.txt", tmp_path / "p.txt", tmp_path / "g.txt", CoordinateKind.CARTESIAN
    )
    data, _ = assemble(counts, time=True)
    assert isinstance(data, SpaceTimeInput)
    assert data.periods == ("2024-01", "2024-02", "2024-03", "2024-04")
    assert data.cases[:, 2].tolist() == [0, 0, 0]
    top = spacetime_scan(data, permutations=0).clusters[0]
    assert top.ids == ("a",)
    assert top.periods == ("2024-04",)  # 6 of April's 7 cases; E = 7/3
    assert top.llr == pytest.approx(6 * math.log(6 / (7 / 3)) + 7 * math.log(7 / (13 - 7 / 3)))


@pytest.mark.parametrize(
    ("labels", "complete"),
    [
        ({"2023", "2025"}, ("2023", "2024", "2025")),
        ({"2024-Q4", "2025-Q2"}, ("2024-Q4", "2025-Q1", "2025-Q2")),
        ({"2024-12-30", "2025-01-01"}, ("2024-12-30", "2024-12-31", "2025-01-01")),
        ({"2024", "2024-03"}, None),
    ],
)
def test_periods_are_completed(labels: set[str], complete: tuple[str, ...] | None) -> None:
    from crimestats.spatial.periods import complete_periods

    assert complete_periods(labels) == complete
