"""Statistical checks of the noise: its spread, and epsilon-distinguishability.

OpenDP cannot be seeded, so these draw fresh noise every run. The tolerances are set
at about six standard errors of the estimates, so a correct mechanism fails them with
probability well under one in a million runs, while a mechanism with the wrong scale
(e.g. half the noise, so twice the privacy loss) fails them every time.
"""

from __future__ import annotations

import math

import pytest

from crimestats.dp import release_counts

DRAWS = 40_000
HIGH = 10_000  # far above the noise, so clamping at zero never touches these cells


def expected_mean_absolute_noise(scale: float) -> float:
    """E|X| for X ~ discrete Laplace(scale), q = exp(-1/scale): 2q / (1 - q^2).

    Derived from P[X = k] = (1 - q) / (1 + q) q^|k| (Inusah & Kozubowski 2006).
    """
    q = math.exp(-1.0 / scale)
    return 2 * q / (1 - q * q)


def draws(count: int, *, epsilon: float, sensitivity: int) -> list[int]:
    """DRAWS independent released values of one cell holding ``count``."""
    public = list(range(DRAWS))
    release = release_counts(
        dict.fromkeys(public, count),
        public,
        epsilon=epsilon,
        privacy_unit="incident",
        sensitivity=sensitivity,
    )
    return list(release.values.values())


@pytest.mark.parametrize(("epsilon", "sensitivity"), [(1.0, 1), (0.5, 2), (0.25, 1)])
def test_noise_spread_matches_the_stated_scale(epsilon: float, sensitivity: int) -> None:
    scale = sensitivity / epsilon
    noise = [v - HIGH for v in draws(HIGH, epsilon=epsilon, sensitivity=sensitivity)]
    mean_abs = sum(abs(x) for x in noise) / DRAWS
    expected = expected_mean_absolute_noise(scale)
    # sd(|X|) <= sqrt(E X^2) ~ sqrt(2) * scale; 6 standard errors of the mean:
    tolerance = 6 * math.sqrt(2) * scale / math.sqrt(DRAWS)
    assert abs(mean_abs - expected) < tolerance
    assert abs(sum(noise) / DRAWS) < tolerance  # centred on the true count


@pytest.mark.parametrize(("epsilon", "sensitivity"), [(1.0, 1), (0.5, 3)])
def test_neighbouring_inputs_are_epsilon_indistinguishable(
    epsilon: float, sensitivity: int
) -> None:
    """Counts c and c + sensitivity (one unit added): P[out <= c] under each.

    For discrete Laplace noise the ratio of these probabilities is exactly
    exp(sensitivity / scale) = exp(epsilon), the worst case, so the test checks the
    bound is met and that it is tight (the noise is not larger than it need be).
    """
    low = draws(HIGH, epsilon=epsilon, sensitivity=sensitivity)
    high = draws(HIGH + sensitivity, epsilon=epsilon, sensitivity=sensitivity)
    p_low = sum(v <= HIGH for v in low) / DRAWS  # about 1 / (1 + q)
    p_high = sum(v <= HIGH for v in high) / DRAWS  # about q^s / (1 + q) = p_low e^-eps
    ratio = p_low / p_high
    # relative standard error of the ratio ~ sqrt((1-p)/(N p)) summed for both; p_high
    # >= 0.19 here, so about 0.016; allow 10 % (over six standard errors).
    tolerance = 0.10
    assert ratio <= math.exp(epsilon) * (1 + tolerance)
    assert ratio >= math.exp(epsilon) * (1 - tolerance)
    # and the mirror-image event, P[out >= c + s]
    q_high = sum(v >= HIGH + sensitivity for v in high) / DRAWS
    q_low = sum(v >= HIGH + sensitivity for v in low) / DRAWS
    assert q_high / q_low <= math.exp(epsilon) * (1 + tolerance)


def test_clamping_keeps_zero_cells_non_negative_and_covered() -> None:
    """Zero cells: released values are >= 0 and within the half-width about 95 %+."""
    public = list(range(DRAWS))
    release = release_counts({}, public, epsilon=1.0, privacy_unit="incident", sensitivity=1)
    values = list(release.values.values())
    assert min(values) == 0
    covered = sum(v < release.accuracy for v in values) / DRAWS
    assert covered >= 0.95 - 6 * math.sqrt(0.05 * 0.95 / DRAWS)
