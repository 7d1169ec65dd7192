"""Which past periods form the baseline of the Farrington methods, and their design.

Farrington et al. (1996, section 3.2): for the period ``t``, the baseline is the ``2w+1``
periods centred on the same time of year in each of the ``b`` past years. Noufaily et al.
(2013, section 3.1) use instead *every* period from ``w`` before that centre ``b`` years
back up to ``t - g - 1`` (the last ``g`` periods, 26 weeks, are left out, so that a
current outbreak does not raise its own baseline), with a seasonal factor of
``noPeriods`` levels: level 0 for the ``2w+1`` windows, and each stretch between two
windows cut into ``noPeriods - 1`` consecutive blocks as equal as whole periods allow
(weekly with ``w = 3``: a 7-week window and nine blocks of 5 weeks, one of 6 when the
stretch has 46 weeks).

"The same time of year" is found by date: the period whose start date is nearest to the
date of ``t`` minus ``k`` calendar years. For monthly data that is exactly ``12k``
periods back; for weekly data it is 52 or 53 weeks, as a year is 52 weeks and 1-2 days
(R ``surveillance`` finds reference weeks the same way for dated weekly series; tested).
Positions are offsets from ``t``; rows whose offsets agree share one design and are fitted
together.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import numpy as np
from numpy.typing import NDArray

from crimestats.errors import UsageError

IntArray = NDArray[np.int64]


@dataclass(frozen=True)
class ReferenceDesign:
    """Offsets of the baseline periods from ``t`` and the GLM design on them.

    ``X`` columns: intercept, then the trend (time, in periods from ``t``) if ``trend``,
    then one dummy per seasonal level other than level 0. ``x0`` is the row of ``t``.
    """

    offsets: IntArray
    levels: IntArray
    trend: bool
    no_periods: int = 1

    def _rows(self, offsets: IntArray, levels: IntArray) -> NDArray[np.float64]:
        columns = [np.ones(len(offsets))]
        if self.trend:
            columns.append(offsets.astype(float))
        for level in range(1, self.no_periods):
            columns.append((levels == level).astype(float))
        return np.column_stack(columns)

    @property
    def matrix(self) -> NDArray[np.float64]:
        return self._rows(self.offsets, self.levels)

    @property
    def x0(self) -> NDArray[np.float64]:
        return np.asarray(self._rows(np.zeros(1, dtype=np.int64), np.zeros(1, dtype=np.int64))[0])

    def without_trend(self) -> ReferenceDesign:
        return ReferenceDesign(self.offsets, self.levels, False, self.no_periods)


MAX_YEARS_BACK = 100
"""The most years of baseline (``--b``): beyond it the dates go before year 1."""


@dataclass(frozen=True)
class Baseline:
    """How the baseline is drawn: ``b`` years back, half-window ``w``, ``no_periods``
    seasonal levels (1 = the 1996 windows only), ``past_not_included`` periods left out
    before ``t`` (used only with more than one level), and whether to fit a trend."""

    b: int
    w: int
    no_periods: int
    past_not_included: int
    trend: bool

    def __post_init__(self) -> None:
        if not 1 <= self.b <= MAX_YEARS_BACK:
            raise UsageError(
                f"b = {self.b}: give 1 to {MAX_YEARS_BACK} years back", hint="use --b 5"
            )
        if self.w < 0:
            raise UsageError(f"w = {self.w} must be 0 or more", hint="use --w 3")
        if self.no_periods < 1:
            raise UsageError(
                f"no-periods = {self.no_periods} must be 1 or more",
                hint="use --no-periods 10 (weekly) or 4 (monthly)",
            )
        if self.no_periods > 1 and not 0 <= self.past_not_included < 52 * self.b:
            raise UsageError(
                f"past-weeks-not-included = {self.past_not_included} must be 0 or more and "
                f"leave some of the b = {self.b} years of baseline",
                hint="use --past-weeks-not-included 26 (weekly) or 6 (monthly)",
            )

    def design_at(self, centres: list[int], t: int) -> ReferenceDesign:
        """The design for ``t`` given the positions of its same-time-of-year periods
        ``b, b-1, ..., 1`` years back (oldest first)."""
        w, p = self.w, self.no_periods
        if p == 1:
            pos = np.concatenate([np.arange(c - w, c + w + 1) for c in centres])
            return ReferenceDesign(pos - t, np.zeros(len(pos), dtype=np.int64), self.trend, 1)
        positions: list[int] = []
        levels: list[int] = []
        for start, following in zip(centres, [*centres[1:], t], strict=True):
            positions += range(start - w, start + w + 1)
            levels += [0] * (2 * w + 1)
            stretch = (following - w) - (start + w + 1)
            if stretch < p - 1:
                raise UsageError(
                    f"no-periods {p} does not fit a year with w = {w}",
                    hint=f"use at most {stretch + 1} levels (1 = the original reference windows)",
                )
            positions += range(start + w + 1, following - w)
            levels += [1 + (i * (p - 1)) // stretch for i in range(stretch)]
        pos = np.array(positions, dtype=np.int64)
        keep = pos <= t - self.past_not_included - 1
        if not keep.any():
            raise UsageError(
                f"past-weeks-not-included = {self.past_not_included} leaves no baseline period",
                hint="use a smaller --past-weeks-not-included",
            )
        return ReferenceDesign(pos[keep] - t, np.array(levels)[keep], self.trend, p)


def _years_back(day: date, years: int) -> int:
    """Ordinal of ``day`` minus ``years`` calendar years (29 February -> 28 February)."""
    try:
        return day.replace(year=day.year - years).toordinal()
    except ValueError:
        return day.replace(year=day.year - years, day=28).toordinal()


def designs_for(
    dates: tuple[date, ...],
    tested: IntArray,
    baseline: Baseline,
    frequency_if_undated: int | None = None,
) -> list[tuple[ReferenceDesign, IntArray]]:
    """Group the tested positions by baseline design; positions without ``b`` full
    years of history before them are left out. ``frequency_if_undated``: the series has
    period numbers, not dates (as R's ``disProg``), so a year back is exactly that many
    periods."""
    ordinals = np.array([d.toordinal() for d in dates])
    step = int(np.median(np.diff(ordinals))) if len(ordinals) > 1 else 7
    groups: dict[tuple[bytes, bytes], tuple[ReferenceDesign, list[int]]] = {}
    for t in tested.tolist():
        centres: list[int] = []
        for k in range(baseline.b, 0, -1):
            if frequency_if_undated is not None:
                centres.append(t - k * frequency_if_undated)
                continue
            target = _years_back(dates[t], k)
            c = int(np.searchsorted(ordinals, target))
            if c > 0 and (c == len(ordinals) or target - ordinals[c - 1] <= ordinals[c] - target):
                c -= 1
            if abs(int(ordinals[c]) - target) > step // 2 + 1:
                break  # the series does not reach back that far
            centres.append(c)
        if len(centres) < baseline.b or centres[0] - baseline.w < 0 or t >= len(dates):
            continue
        design = baseline.design_at(centres, t)
        key = (design.offsets.tobytes(), design.levels.tobytes())
        groups.setdefault(key, (design, []))[1].append(t)
    return [(design, np.array(rows, dtype=np.int64)) for design, rows in groups.values()]
