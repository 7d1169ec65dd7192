"""``run_alerts`` on many synthetic series: FDR control, ranking, fallback, partial periods.

Series are built in memory (the run reads any object with ``group``, ``starts``,
``counts``, ``partial`` and ``name``), Poisson(8) noise from a seeded generator.
"""

from __future__ import annotations

from datetime import date

import numpy as np
import pytest

from crimestats.errors import UsageError
from crimestats.watch.alerts import run_alerts
from crimestats.watch.series import CountSeries, Freq
from crimestats.watch.surveillance.farrington_flexible import FlexibleParameters
from crimestats.watch.surveillance.result import Method

MONTHS = tuple(date(2017 + i // 12, i % 12 + 1, 1) for i in range(8 * 12))  # 2017-01..2024-12


def noise(n_series: int, seed: int = 11, months: tuple[date, ...] = MONTHS) -> list[list[int]]:
    rng = np.random.default_rng(seed)
    return rng.poisson(8, size=(n_series, len(months))).tolist()  # type: ignore[no-any-return]


def as_series(
    counts: list[list[int]], months: tuple[date, ...] = MONTHS, partial_last: bool = False
) -> list[CountSeries]:
    partial = tuple(
        "still loading" if partial_last and i == len(months) - 1 else None
        for i in range(len(months))
    )
    return [
        CountSeries((("area", f"A{i:03d}"),), Freq.MONTH, months, tuple(c), partial)
        for i, c in enumerate(counts)
    ]


def run(series: list[CountSeries], fdr: float = 0.05, **kw: object):  # type: ignore[no-untyped-def]
    return run_alerts(
        series, freq="month", method=Method.FARRINGTON_FLEXIBLE,
        parameters=FlexibleParameters.for_frequency(12), fdr=fdr, **kw,  # type: ignore[arg-type]
    )  # fmt: skip


def test_fdr_keeps_chance_alarms_out() -> None:
    counts = noise(300)
    counts[7][-1] = 40  # one real outbreak
    counts[42][-1] = 30
    controlled = run(as_series(counts))
    uncontrolled = run(as_series(counts), fdr=1.0)
    assert controlled.series_tested == 300
    assert [a.series for a in controlled.alerts] == ["area=A007", "area=A042"]  # ranked
    assert controlled.alerts[0].exceedance > controlled.alerts[1].exceedance > 1
    # at alpha 0.05 per series, chance alone gives a dozen alarms among 300
    assert len(uncontrolled.alerts) > len(controlled.alerts) + 3
    assert all(a.qvalue <= 0.05 for a in controlled.alerts)


def test_partial_last_month_is_skipped_whatever_it_holds() -> None:
    counts = noise(20)
    counts[3][-1] = 500  # December 2024 is partial: never assessed
    result = run(as_series(counts, partial_last=True))
    assert result.period_start == date(2024, 11, 1)
    assert result.not_assessed_partial == (("December 2024", "still loading"),)
    assert not result.alerts
    with pytest.raises(UsageError, match="December 2024 is partial"):
        run(as_series(counts, partial_last=True), period=date(2024, 12, 1))


def test_short_series_fall_back_to_glm_or_are_skipped() -> None:
    short = MONTHS[-18:]
    counts = noise(5, months=short)
    counts[0][-1] = 45
    result = run(as_series(counts, months=short))
    assert [a.series for a in result.alerts] == ["area=A000"]
    assert result.alerts[0].method is Method.GLM
    assert result.alerts[0].window == (short[0], short[-1])  # all 17 months before, and the month
    tiny = run(as_series(noise(2, months=MONTHS[-10:]), months=MONTHS[-10:]))
    assert tiny.series_tested == 0
    assert tiny.skipped == {"too short (fewer than 12 periods)": 2}


def test_min_count_and_empty_series() -> None:
    counts = [[0] * (len(MONTHS) - 1) + [4], [0] * len(MONTHS)]
    result = run(as_series(counts), min_count=5)
    assert not result.alerts  # 4 from nothing is below --min-count
    assert result.skipped == {"no counts at all": 1}
