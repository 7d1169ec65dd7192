"""The early-warning run over every series of the store (``crimestats alerts``).

For each series (one per value of the ``by`` fields, from :mod:`crimestats.watch.series`,
the same counts as ``stats`` and ``trends``)
the chosen method assesses one period: the latest *complete* one. A period the store's
completeness metadata marks as partial (a month still being loaded, a source that stopped,
late reports not yet in) is never assessed: a short month looks like a fall and a half-
loaded one like nothing, so any alarm on it would be an artefact. The run then

* falls back, with the Farrington methods, to the GLM baseline for series with fewer than
  ``b`` years of history (at least 12 periods), and skips shorter ones;
* controls the false discovery rate across the series (Benjamini-Hochberg at ``fdr``):
  a method's alarm stands only if its p-value survives, and the count is at least
  ``min_count`` (a rise from 0 to 2 is not news);
* ranks the alarms by exceedance score and writes them as sentences, and (``store``)
  into the ``alerts`` table with the method, its parameters and the data window.

Series sharing their periods are assessed together (one batched fit for thousands).
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime

import numpy as np
from numpy.typing import NDArray

from crimestats.errors import UsageError
from crimestats.watch.fdr import benjamini_hochberg
from crimestats.watch.series import CountSeries as StoreSeries
from crimestats.watch.surveillance import glm_baseline
from crimestats.watch.surveillance.farrington import FarringtonParameters
from crimestats.watch.surveillance.farrington_flexible import Assessment, FlexibleParameters, assess
from crimestats.watch.surveillance.glm_baseline import GlmParameters
from crimestats.watch.surveillance.parameters import Parameters, describe
from crimestats.watch.surveillance.reference import designs_for
from crimestats.watch.surveillance.result import MONTHLY, WEEKLY, CountSeries, Method
from crimestats.watch.surveillance.run import run_method

FREQUENCY = {"week": WEEKLY, "month": MONTHLY}


@dataclass(frozen=True)
class Alert:
    """One alarm of a run; ``rank`` 1 is the largest exceedance."""

    series: str
    group: tuple[tuple[str, object], ...]
    period_start: date
    period: str
    observed: int
    expected: float
    upper: float
    pvalue: float
    qvalue: float
    exceedance: float
    method: Method
    parameters: dict[str, object]
    window: tuple[date, date]
    rank: int

    @property
    def sentence(self) -> str:
        """``robbery in district 7: 41 in March 2024, expected 22, alarm above 33``."""
        return (
            f"{describe_group(self.group)}: {self.observed} in {self.period}, "
            f"expected {self.expected:.0f}, alarm above {self.upper:.0f}"
        )


@dataclass(frozen=True)
class AlertRun:
    """What a run assessed and found. ``not_assessed_partial``: the later periods left
    out as partial, with their reason; ``skipped``: series not assessed, by reason."""

    run_id: str
    run_at: datetime
    freq: str
    period_start: date
    period: str
    method: Method
    parameters: dict[str, object]
    fdr: float
    min_count: int
    series_tested: int
    alerts: tuple[Alert, ...]
    not_assessed_partial: tuple[tuple[str, str], ...]
    skipped: dict[str, int]


@dataclass(frozen=True)
class Assessed:
    """One series' tested period: row ``index`` of its batch."""

    index: int
    observed: float
    expected: float
    upper: float
    pvalue: float
    alarm: bool
    method: Method
    window: tuple[date, date]
    parameters: dict[str, object]


def describe_group(group: tuple[tuple[str, object], ...]) -> str:
    """``robbery in district 7`` from ``((iccs, robbery), (area, district 7))``."""
    values = ["(blank)" if v is None else str(v) for _, v in group]
    if not values:
        return "all"
    return values[0] + (" in " + ", ".join(values[1:]) if len(values) > 1 else "")


def period_text(start: date, freq: str) -> str:
    """``March 2024`` or ``the week of 2024-03-04``."""
    return start.strftime("%B %Y") if freq == "month" else f"the week of {start.isoformat()}"


def _target(
    series: Sequence[StoreSeries], freq: str, period: date | None
) -> tuple[date, list[tuple[str, str]]]:
    """The period to assess, and the later ones left out as partial (with why).

    A period counts as partial when it is partial for every series that has it (the
    sources of a store may cover different years: a period complete for one source is
    assessed there, and the series partial at it are skipped, by name of the reason).
    """
    reasons: dict[date, str] = {}
    complete_somewhere: set[date] = set()
    starts: set[date] = set()
    for s in series:
        starts.update(s.starts)
        for start, reason in zip(s.starts, s.partial, strict=True):
            if not reason:
                complete_somewhere.add(start)
            elif start not in reasons:
                reasons[start] = reason
    for start in complete_somewhere:
        reasons.pop(start, None)
    if not starts:
        raise UsageError("the store has no series to assess", hint="ingest incidents first")
    if period is not None:
        if period not in starts:
            raise UsageError(
                f"{period_text(period, freq)} is not a period of the store's series",
                hint=f"the series run from {min(starts)} to {max(starts)}",
            )
        if period in reasons:
            raise UsageError(
                f"{period_text(period, freq)} is partial ({reasons[period]}): no alarm is "
                "ever raised on a partial period",
                hint="omit --period to assess the latest complete period",
            )
        return period, []
    complete = sorted(s for s in starts if s not in reasons)
    if not complete:
        raise UsageError("every period of the store is partial: nothing can be assessed")
    chosen = complete[-1]
    later = [(period_text(s, freq), reasons[s]) for s in sorted(starts) if s > chosen]
    return chosen, later


def run_alerts(
    series: Sequence[StoreSeries],
    *,
    freq: str,
    method: Method,
    parameters: Parameters,
    period: date | None = None,
    fdr: float = 0.05,
    min_count: int = 5,
) -> AlertRun:
    """Assess every series at the latest complete period (or ``period``); see the module."""
    frequency = FREQUENCY.get(freq)
    if frequency is None:
        raise UsageError(f"--freq {freq!r}: alerts run on week or month series")
    target, later = _target(series, freq, period)
    skipped: dict[str, int] = {}
    # series with the same periods up to the target are assessed together
    batches: dict[tuple[date, ...], list[tuple[StoreSeries, NDArray[np.float64]]]] = {}
    for s in series:
        if target not in s.starts:
            _skip(skipped, "no such period", 1)
            continue
        t = s.starts.index(target)
        if s.partial[t]:
            _skip(skipped, "the period is partial for this series", 1)
            continue
        # the baseline is the run of complete periods ending at the target: a period
        # before the source's data start (or a gap) is no data, not a zero
        first = t
        while first > 0 and not s.partial[first - 1]:
            first -= 1
        counts = np.asarray(s.counts[first : t + 1], dtype=float)
        if not counts.any():
            _skip(skipped, "no counts at all", 1)
            continue
        batches.setdefault(tuple(s.starts[first : t + 1]), []).append((s, counts))
    found: list[tuple[StoreSeries, Assessed]] = []
    for dates, members in batches.items():
        matrix = np.vstack([counts for _, counts in members])
        batch = _assess_batch(dates, matrix, frequency, parameters, skipped)
        found += [(members[a.index][0], a) for a in batch]
    tests = benjamini_hochberg(np.array([a.pvalue for _, a in found], dtype=float), fdr)
    ranked: list[tuple[float, int]] = []
    for i, (_, a) in enumerate(found):
        if a.alarm and tests.reject[i] and a.observed >= min_count:
            gap = a.upper - a.expected
            ranked.append(((a.observed - a.expected) / gap if gap > 0 else np.inf, i))
    ranked.sort(key=lambda item: (-item[0], found[item[1]][0].name))
    label = period_text(target, freq)
    alerts = tuple(
        Alert(
            series=found[i][0].name,
            group=found[i][0].group,
            period_start=target,
            period=label,
            observed=int(found[i][1].observed),
            expected=found[i][1].expected,
            upper=found[i][1].upper,
            pvalue=found[i][1].pvalue,
            qvalue=float(tests.adjusted[i]),
            exceedance=float(score),
            method=found[i][1].method,
            parameters=found[i][1].parameters,
            window=found[i][1].window,
            rank=rank,
        )
        for rank, (score, i) in enumerate(ranked, start=1)
    )
    return AlertRun(
        run_id=uuid.uuid4().hex[:12],
        run_at=datetime.now(UTC).replace(tzinfo=None, microsecond=0),
        freq=freq,
        period_start=target,
        period=label,
        method=_method_of(parameters),
        parameters=describe(parameters),
        fdr=fdr,
        min_count=min_count,
        series_tested=len(found),
        alerts=alerts,
        not_assessed_partial=tuple(later),
        skipped=skipped,
    )


def _method_of(parameters: Parameters) -> Method:
    return {
        "FlexibleParameters": Method.FARRINGTON_FLEXIBLE,
        "FarringtonParameters": Method.FARRINGTON,
        "EarsParameters": Method.EARS_C1,
        "CusumParameters": Method.CUSUM,
        "GlmParameters": Method.GLM,
    }[type(parameters).__name__]


def _skip(skipped: dict[str, int], reason: str, how_many: int) -> None:
    skipped[reason] = skipped.get(reason, 0) + how_many


def _batch_of(
    matrix: NDArray[np.float64],
    result: Assessment,
    method: Method,
    window: tuple[date, date],
    parameters: Parameters,
) -> list[Assessed]:
    t = matrix.shape[1] - 1
    info = describe(parameters)
    return [
        Assessed(i, float(matrix[i, t]), float(result.expected[i]), float(result.upper[i]),
                 float(result.pvalue[i]), bool(result.alarm[i]), method, window, info)
        for i in range(matrix.shape[0])
    ]  # fmt: skip


def _assess_batch(
    dates: tuple[date, ...],
    matrix: NDArray[np.float64],
    frequency: int,
    parameters: Parameters,
    skipped: dict[str, int],
) -> list[Assessed]:
    """Assess the last period of every row of ``matrix`` (series x periods)."""
    t = matrix.shape[1] - 1
    if isinstance(parameters, FlexibleParameters | FarringtonParameters):
        two_sided = isinstance(parameters, FarringtonParameters)
        flexible = (
            parameters.as_flexible() if isinstance(parameters, FarringtonParameters) else parameters
        )
        groups = designs_for(dates, np.array([t]), flexible.baseline)
        if groups:
            design = groups[0][0]
            result = assess(
                matrix[:, t + design.offsets], matrix[:, t],
                recent_sum_rows(matrix, flexible.limit54[1]), design, flexible,
                two_sided=two_sided,
            )  # fmt: skip
            window = (dates[t + int(design.offsets.min())], dates[t])
            return _batch_of(matrix, result, _method_of(parameters), window, parameters)
        parameters = GlmParameters(alpha=flexible.alpha)  # too short: the GLM baseline
    if isinstance(parameters, GlmParameters):
        if t < parameters.min_periods:
            _skip(skipped, f"too short (fewer than {parameters.min_periods} periods)", len(matrix))
            return []
        length = min(t, parameters.window)
        design = glm_baseline.design(length)
        result = assess(
            matrix[:, t + design.offsets], matrix[:, t],
            recent_sum_rows(matrix, parameters.limit54[1]), design, parameters.as_flexible(),
        )  # fmt: skip
        return _batch_of(matrix, result, Method.GLM, (dates[t - length], dates[t]), parameters)
    outcomes: list[Assessed] = []
    for i in range(matrix.shape[0]):
        try:
            r = run_method(CountSeries(dates, matrix[i], frequency), parameters, t, t)
        except UsageError:
            _skip(skipped, "too short for the method", 1)
            continue
        outcomes.append(
            Assessed(i, float(r.observed[-1]), float(r.expected[-1]), float(r.upper[-1]),
                     float(r.pvalue[-1]), bool(r.alarm[-1]), r.method, r.window,
                     describe(parameters))
        )  # fmt: skip
    return outcomes


def recent_sum_rows(matrix: NDArray[np.float64], periods: int) -> NDArray[np.float64]:
    """The count over the last ``periods`` columns of each row (the current included)."""
    return np.asarray(matrix[:, -periods:].sum(axis=1))


def alert_rows(run: AlertRun) -> list[object]:
    """The run's alarms as rows of the ``alerts`` table."""
    from crimestats.storage.alerts_table import AlertRow

    return [
        AlertRow(
            run_id=run.run_id, run_at=run.run_at, series=a.series,
            group_json=json.dumps(dict(a.group), default=str), freq=run.freq,
            period_start=a.period_start, period=a.period, observed=a.observed,
            expected=a.expected, upper_bound=a.upper, p_value=a.pvalue, q_value=a.qvalue,
            exceedance=a.exceedance, rank=a.rank, method=a.method.value,
            parameters=json.dumps(a.parameters), window_start=a.window[0],
            window_end=a.window[1], series_tested=run.series_tested, fdr=run.fdr,
        )
        for a in run.alerts
    ]  # fmt: skip


__all__ = [
    "Alert",
    "AlertRun",
    "StoreSeries",
    "alert_rows",
    "describe_group",
    "run_alerts",
]
