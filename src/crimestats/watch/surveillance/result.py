"""The count series a method reads, the methods by name, and the result they all return."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum

import numpy as np
from numpy.typing import NDArray

from crimestats.errors import UsageError


class Method(StrEnum):
    """The early-warning methods, by the names the CLI takes."""

    FARRINGTON_FLEXIBLE = "farrington-flexible"
    FARRINGTON = "farrington"
    EARS_C1 = "ears-c1"
    CUSUM = "cusum"
    GLM = "glm"


WEEKLY = 52
MONTHLY = 12


@dataclass(frozen=True)
class CountSeries:
    """Counts per period, oldest first, with the start date of each period.

    ``frequency`` is the number of periods in a year (52 weekly, 12 monthly): the
    Farrington methods look exactly ``frequency`` periods back for "the same time of
    year". ``dated`` False: the dates are placeholders for period numbers (a file with a
    week number column, as R's ``disProg``), and a year back is exactly ``frequency``
    periods instead of the period nearest the same calendar date; ``first_number`` is
    then the number of the first period (what a user calls it in ``--from``/``--to``).
    """

    def number_of(self, day: date) -> int:
        """The period number of an undated series' placeholder date."""
        return self.first_number + self.dates.index(day)

    dates: tuple[date, ...]
    counts: NDArray[np.float64]
    frequency: int
    name: str = ""
    dated: bool = True
    first_number: int = 1

    def __post_init__(self) -> None:
        if len(self.dates) != len(self.counts):
            raise UsageError(f"{len(self.dates)} dates but {len(self.counts)} counts")
        if self.frequency not in (WEEKLY, MONTHLY):
            raise UsageError(f"frequency must be 52 (weekly) or 12 (monthly), not {self.frequency}")
        if np.any(np.asarray(self.counts) < 0) or np.any(np.isnan(np.asarray(self.counts))):
            raise UsageError(
                "counts must be whole numbers >= 0", hint="fill missing periods with 0"
            )

    def __len__(self) -> int:
        return len(self.counts)


@dataclass(frozen=True)
class SurveillanceResult:
    """What a method says about each tested period of one series.

    ``expected`` is the baseline mean, ``upper`` the alarm threshold (an alarm is
    ``observed > upper``, except for EARS and CUSUM where it is ``>=``, as in their
    papers); ``pvalue`` is the probability of at least ``observed`` under the baseline
    model, for multiple testing across series. ``nan`` where a period could not be
    assessed (``reason`` says why). ``window`` is the first and last date of the data the
    method read; ``parameters`` the method's parameter dataclass.
    """

    method: Method
    parameters: object
    dates: tuple[date, ...]
    observed: NDArray[np.float64]
    expected: NDArray[np.float64]
    upper: NDArray[np.float64]
    alarm: NDArray[np.bool_]
    pvalue: NDArray[np.float64]
    window: tuple[date, date]
    reason: tuple[str, ...] = field(default=())

    @property
    def exceedance(self) -> NDArray[np.float64]:
        """(observed - expected) / (upper - expected): above 1 means an alarm (Farrington
        et al. 1996, section 3.7, the exceedance score used to rank alarms)."""
        with np.errstate(divide="ignore", invalid="ignore"):
            gap = self.upper - self.expected
            score = (self.observed - self.expected) / np.where(gap > 0, gap, np.nan)
        return np.asarray(score)
