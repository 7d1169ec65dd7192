"""Breaks in the mean of a series: where, how many (by BIC), and the interval of each date.

The model is the one of Bai & Perron (1998) as implemented in R ``strucchange``
(``breakpoints(y ~ 1)``, Zeileis, Kleiber, Krämer & Hornik 2003): the series is constant
within segments, with normal errors; for each number of breaks m = 0..M the partition
that minimises the residual sum of squares (RSS) is found by dynamic programming
(``ruptures.Dynp``, cost ``l2``, every period a candidate: ``jump=1``), with every segment
at least ``h`` = 15 % of the periods long (strucchange's default ``h = 0.15``), and
M = ceil(n / h) - 2. The number of breaks is the one with the smallest

    BIC(m) = n (log(RSS_m / n) + 1 + log 2π) + log(n) · 2(m + 1),

the Schwarz criterion of a normal model with m + 1 means and one variance per segment
count (strucchange's ``logLik.breakpoints``: ``df = (nreg + 1)(m + 1)``). A series longer
than :data:`EXACT_LIMIT` periods is segmented by binary segmentation (``ruptures.Binseg``),
which is not guaranteed optimal for m > 1; the result says which search was used.

The interval of each break date is Bai's (1997) asymptotic one, with the variance of the
errors and the regressors allowed to differ on both sides (strucchange's ``confint`` with
``het.reg = het.err = TRUE``): the estimated break minus the true one is distributed as
(σ₁² / δ²) · argmax V, V a two-sided Brownian motion with drift, δ the shift in the mean
and σ₁² the error variance before the break (Bai 1997, "Estimation of a change point in
multiple regression models", Review of Economics and Statistics 79:551-563, whose
appendix gives the distribution function of argmax V in closed form). The Nile
(1871-1970) gives the break after 1898 with the 95 % interval 1895-1902, as strucchange
(``tests/data/changepoint_nile``).

Counts are not normal; with a mean of at least five per period (what the caller checks)
the normal model is the usual approximation. Run on the seasonally adjusted series when a
decomposition exists, so that a season is not taken for a break.
"""

from __future__ import annotations

import datetime as dt
import math
from typing import Final

import numpy as np
import numpy.typing as npt
from scipy.optimize import brentq
from scipy.special import log_ndtr

from crimestats.watch.trends.report import ChangePoint, ChangePoints

MIN_SEGMENT_SHARE: Final = 0.15
"""The shortest segment, as a share of the periods (strucchange's default ``h``)."""

EXACT_LIMIT: Final = 600
"""Up to this many periods the search is exact (``Dynp``, about 1 s at 520 weeks)."""

Floats = npt.NDArray[np.float64]


def min_segment(n: int) -> int:
    """The shortest segment for ``n`` periods: floor(0.15 n) (strucchange's ``h``)."""
    return math.floor(n * MIN_SEGMENT_SHARE)


def too_short(n: int) -> str | None:
    """Why ``n`` periods are too few for a break (segments need at least 2 periods)."""
    if min_segment(n) < 2:
        return (
            f"{n} periods: a segment must hold at least 15% of them and at least 2, "
            "so at least 14 periods are needed"
        )
    return None


def _rss(y: Floats, bkps: list[int]) -> float:
    start, total = 0, 0.0
    for end in bkps:
        segment = y[start:end]
        total += float(((segment - segment.mean()) ** 2).sum())
        start = end
    return total


def bic(n: int, rss: float, breaks: int) -> float:
    """Schwarz's criterion of the normal mean-shift model (strucchange's BIC)."""
    loglik = -0.5 * n * (math.log(rss) + 1 - math.log(n) + math.log(2 * math.pi))
    return -2 * loglik + math.log(n) * 2 * (breaks + 1)


def argmax_cdf(x: float, xi: float, phi1: float, phi2: float) -> float:
    """P(argmax V <= x), V a two-sided Brownian motion with drift (Bai 1997, appendix).

    ``xi`` is the ratio δ'Q₂δ / δ'Q₁δ (1 for a shift in the mean), ``phi1``/``phi2`` the
    error standard deviations before/after the break. Terms are summed in logs
    (``log_ndtr``) because ``exp`` of the drift alone overflows for large ``|x|``.
    """
    phi = xi * (phi2 / phi1) ** 2
    u = abs(x)
    if u == 0:
        u = 1e-300
    if x < 0:
        r = xi / phi
        a = -math.exp(0.5 * math.log(u) - u / 8 - 0.5 * math.log(2 * math.pi))
        b = -(phi / xi) * (phi + 2 * xi) / (phi + xi)
        b *= math.exp(r * (1 + r) * u / 2 + log_ndtr(-(0.5 + r) * math.sqrt(u)))
        c = (u / 2 - 2 + (phi + 2 * xi) ** 2 / ((phi + xi) * xi)) * math.exp(
            log_ndtr(-math.sqrt(u) / 2)
        )
        return a + b + c
    f = xi**2 / phi
    a = math.sqrt(f) * math.exp(0.5 * math.log(u) - f * u / 8 - 0.5 * math.log(2 * math.pi))
    b = (xi / phi) * (2 * phi + xi) / (phi + xi)
    b *= math.exp((phi + xi) * u / 2 + log_ndtr(-(phi + xi / 2) / math.sqrt(phi) * math.sqrt(u)))
    c = ((2 * phi + xi) ** 2 / ((phi + xi) * phi) - 2 + f * u / 2) * math.exp(
        log_ndtr(-math.sqrt(f) * math.sqrt(u) / 2)
    )
    return 1 + a + b - c


def _quantile(p: float, xi: float, phi1: float, phi2: float) -> float:
    """The ``p`` quantile of argmax V (found by bracketing then Brent's method)."""
    bound = 10.0
    if p > 0.5:
        while argmax_cdf(bound, xi, phi1, phi2) < p:
            bound *= 2
        return float(brentq(lambda x: argmax_cdf(x, xi, phi1, phi2) - p, 0.0, bound))
    while argmax_cdf(-bound, xi, phi1, phi2) > p:
        bound *= 2
    return float(brentq(lambda x: argmax_cdf(x, xi, phi1, phi2) - p, -bound, 0.0))


def break_interval(y: Floats, bkps: list[int], i: int, level: float) -> tuple[int, int] | None:
    """Bai's interval of the ``i``-th break (1-based observation numbers), or None.

    ``bkps`` are ruptures' segment ends (the last one is ``len(y)``); the break is the
    last observation of segment ``i``. None when P(argmax V <= 0) lies outside the
    interval's tails (the distribution is then too lopsided to bracket the estimate).
    """
    edges = [0, *bkps]
    before = y[edges[i] : edges[i + 1]]
    after = y[edges[i + 1] : edges[i + 2]]
    delta = float(after.mean() - before.mean())
    var1 = float(((before - before.mean()) ** 2).mean())
    var2 = float(((after - after.mean()) ** 2).mean())
    if delta == 0 or var1 == 0 or var2 == 0:
        return None
    phi1, phi2, tail = math.sqrt(var1), math.sqrt(var2), (1 - level) / 2
    p0 = argmax_cdf(0.0, 1.0, phi1, phi2)
    if not tail <= p0 <= 1 - tail:
        return None
    scale = var1 / delta**2
    upper = _quantile(1 - tail, 1.0, phi1, phi2) * scale
    lower = _quantile(tail, 1.0, phi1, phi2) * scale
    estimate = edges[i + 1]
    return estimate - math.ceil(upper), estimate - math.floor(lower)


def _segmentations(y: Floats, h: int, most: int) -> tuple[dict[int, list[int]], str]:
    import ruptures as rpt

    if len(y) <= EXACT_LIMIT:
        algo: rpt.Dynp | rpt.Binseg = rpt.Dynp(model="l2", min_size=h, jump=1).fit(y)
        search = "dynamic programming (ruptures Dynp, exact)"
    else:
        algo = rpt.Binseg(model="l2", min_size=h, jump=1).fit(y)
        search = f"binary segmentation (ruptures Binseg; more than {EXACT_LIMIT} periods)"
    found = {0: [len(y)]}
    for m in range(1, most + 1):
        found[m] = [int(b) for b in algo.predict(n_bkps=m)]
    return found, search


def find_change_points(
    values: npt.ArrayLike, starts: tuple[dt.date, ...], *, level: float = 0.95
) -> ChangePoints:
    """The breaks in the mean of ``values`` chosen by BIC, each with its interval.

    ``starts`` are the first days of the periods (the dates given to the breaks). The
    caller checks :func:`too_short` first.
    """
    y = np.asarray(values, dtype=np.float64)
    n = len(y)
    h = min_segment(n)
    most = max(math.ceil(n / h) - 2, 0)
    found, search = _segmentations(y, h, most)
    rss = tuple(_rss(y, found[m]) for m in range(most + 1))
    if min(rss) <= 0:  # a constant series: nothing moves, no break
        criteria = tuple(0.0 for _ in rss)
        chosen = 0
    else:
        criteria = tuple(bic(n, r, m) for m, r in enumerate(rss))
        chosen = int(np.argmin(criteria))
    bkps = found[chosen]
    points = []
    edges = [0, *bkps]
    for i, end in enumerate(bkps[:-1]):
        interval = break_interval(y, bkps, i, level)
        lower = upper = None
        if interval is not None:
            lo, hi = max(interval[0], 1), min(interval[1], n - 1)
            lower, upper = starts[lo - 1], starts[hi - 1]
        points.append(
            ChangePoint(
                index=end,
                last_before=starts[end - 1],
                start=starts[end],
                lower=lower,
                upper=upper,
                mean_before=float(y[edges[i] : end].mean()),
                mean_after=float(y[end : edges[i + 2]].mean()),
            )
        )
    return ChangePoints(tuple(points), criteria, rss, h, search, level)
