"""Run any method by name: the one entry point the CLI and the store run call."""

from __future__ import annotations

from crimestats.errors import UsageError
from crimestats.watch.surveillance import cusum, ears, farrington, farrington_flexible, glm_baseline
from crimestats.watch.surveillance.cusum import CusumParameters
from crimestats.watch.surveillance.ears import EarsParameters
from crimestats.watch.surveillance.farrington import FarringtonParameters
from crimestats.watch.surveillance.farrington_flexible import FlexibleParameters
from crimestats.watch.surveillance.glm_baseline import GlmParameters
from crimestats.watch.surveillance.parameters import Parameters, parameters_for
from crimestats.watch.surveillance.result import CountSeries, Method, SurveillanceResult


def run_method(
    series: CountSeries,
    parameters: Parameters,
    start: int | None = None,
    end: int | None = None,
) -> SurveillanceResult:
    """Assess positions ``start..end`` (inclusive) of ``series`` with the method the
    parameters belong to."""
    if isinstance(parameters, FlexibleParameters):
        return farrington_flexible.run(series, parameters, start, end)
    if isinstance(parameters, FarringtonParameters):
        return farrington.run(series, parameters, start, end)
    if isinstance(parameters, EarsParameters):
        return ears.run(series, parameters, start, end)
    if isinstance(parameters, CusumParameters):
        return cusum.run(series, parameters, start, end)
    return glm_baseline.run(series, parameters, start, end)


__all__ = ["Parameters", "parameters_for", "run_method", "run_with_fallback"]


FARRINGTON_METHODS = (Method.FARRINGTON_FLEXIBLE, Method.FARRINGTON)


def run_with_fallback(
    series: CountSeries,
    parameters: Parameters,
    start: int | None = None,
    end: int | None = None,
    fallback: GlmParameters | None = None,
) -> list[SurveillanceResult]:
    """Like :func:`run_method`, but the periods a Farrington method cannot assess (fewer
    than ``b`` years before them) go to the GLM baseline when they have at least its
    ``min_periods`` (12) before them, as the issue asks for short series. Returns one
    result per method used, oldest periods first."""
    if not isinstance(parameters, FlexibleParameters | FarringtonParameters):
        return [run_method(series, parameters, start, end)]
    fallback = fallback or GlmParameters(alpha=parameters.alpha)
    # Check the parameters before the try below: a bad value (--w -1, --no-periods 0) is
    # the user's mistake to report, not a short series to hand to the GLM baseline.
    flexible = (
        parameters if isinstance(parameters, FlexibleParameters) else parameters.as_flexible()
    )
    _ = flexible.baseline
    first = 0 if start is None else start
    last = len(series) - 1 if end is None else end
    try:
        main = run_method(series, parameters, first, last)
    except UsageError:
        main = None
    results = [] if main is None else [main]
    covered = last + 1 if main is None else series.dates.index(main.dates[0])
    if covered > max(first, fallback.min_periods):
        early = glm_baseline.run(series, fallback, max(first, fallback.min_periods), covered - 1)
        results.insert(0, early)
    if not results:
        raise UsageError(
            f"{series.name or 'the series'} has {len(series)} periods: too short for any "
            f"baseline (the GLM baseline needs {fallback.min_periods} before a tested one)",
            hint="use --method ears-c1 (7 periods of baseline)",
        )
    return results
