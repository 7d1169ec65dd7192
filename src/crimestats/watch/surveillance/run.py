"""Run any method by name: the one entry point the CLI and the store run call."""

from __future__ import annotations

from crimestats.watch.surveillance import cusum, ears, farrington, farrington_flexible, glm_baseline
from crimestats.watch.surveillance.cusum import CusumParameters
from crimestats.watch.surveillance.ears import EarsParameters
from crimestats.watch.surveillance.farrington import FarringtonParameters
from crimestats.watch.surveillance.farrington_flexible import FlexibleParameters
from crimestats.watch.surveillance.glm_baseline import GlmParameters
from crimestats.watch.surveillance.result import CountSeries, Method, SurveillanceResult

Parameters = (
    FlexibleParameters | FarringtonParameters | EarsParameters | CusumParameters | GlmParameters
)


def parameters_for(method: Method, frequency: int) -> Parameters:
    """Each method's default parameters for a series of this frequency."""
    if method is Method.FARRINGTON_FLEXIBLE:
        return FlexibleParameters.for_frequency(frequency)
    if method is Method.FARRINGTON:
        return FarringtonParameters(w=1) if frequency == 12 else FarringtonParameters()
    if method is Method.EARS_C1:
        return EarsParameters()
    if method is Method.CUSUM:
        return CusumParameters()
    return GlmParameters()


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


__all__ = ["Parameters", "parameters_for", "run_method"]
