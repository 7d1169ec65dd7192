"""Each method's parameters: defaults per frequency, and values given on the command line.

One option name per R control value, in kebab case (``--past-weeks-not-included`` is
``pastWeeksNotIncluded``); an option that the chosen method does not take is bad usage,
not silently ignored.
"""

from __future__ import annotations

import dataclasses

from crimestats.errors import UsageError
from crimestats.watch.surveillance.cusum import CusumParameters, CusumTransform
from crimestats.watch.surveillance.ears import EarsParameters
from crimestats.watch.surveillance.farrington import FarringtonParameters
from crimestats.watch.surveillance.farrington_flexible import FlexibleParameters
from crimestats.watch.surveillance.glm_baseline import GlmParameters
from crimestats.watch.surveillance.result import MONTHLY, Method
from crimestats.watch.surveillance.thresholds import PowerTransform, ThresholdMethod

Parameters = (
    FlexibleParameters | FarringtonParameters | EarsParameters | CusumParameters | GlmParameters
)

_CONVERT = {
    "threshold_method": ThresholdMethod,
    "trans": CusumTransform,
    "powertrans": PowerTransform,
}


def parameters_for(method: Method, frequency: int) -> Parameters:
    """Each method's default parameters for a series of this frequency."""
    if method is Method.FARRINGTON_FLEXIBLE:
        return FlexibleParameters.for_frequency(frequency)
    if method is Method.FARRINGTON:
        return FarringtonParameters(w=1) if frequency == MONTHLY else FarringtonParameters()
    if method is Method.EARS_C1:
        return EarsParameters()
    if method is Method.CUSUM:
        return CusumParameters()
    return GlmParameters()


def with_options(method: Method, frequency: int, given: dict[str, object | None]) -> Parameters:
    """The defaults of ``method`` with the options the user gave (``None`` = not given).

    ``given`` keys are field names (``past_weeks_not_included``)."""
    params = parameters_for(method, frequency)
    fields = {f.name for f in dataclasses.fields(params)}
    changes: dict[str, object] = {}
    for name, value in given.items():
        if value is None:
            continue
        option = "--" + name.replace("_", "-")
        if name not in fields:
            takes = ", ".join("--" + f.replace("_", "-") for f in sorted(fields))
            raise UsageError(
                f"{option} does not apply to --method {method}", hint=f"{method} takes: {takes}"
            )
        changes[name] = _convert(name, option, value)
    return dataclasses.replace(params, **changes)  # type: ignore[arg-type]


def _convert(name: str, option: str, value: object) -> object:
    """An option value with a fixed list of choices, as its StrEnum."""
    if name == "limit54" and isinstance(value, str):
        parts = value.split(",")
        if len(parts) != 2 or not all(p.strip().isdigit() for p in parts):
            raise UsageError(f"{option} {value!r}: write CASES,PERIODS", hint="e.g. --limit54 5,4")
        return (int(parts[0]), int(parts[1]))
    choices = _CONVERT.get(name)
    if choices is None:
        return value
    try:
        return choices(str(value))
    except ValueError:
        known = ", ".join(c.value for c in choices)
        raise UsageError(f"{option} {value!r} is not known", hint=f"use one of: {known}") from None


def describe(params: object) -> dict[str, object]:
    """A method's parameter dataclass as plain values (for JSON and the ``alerts`` table)."""
    if not dataclasses.is_dataclass(params) or isinstance(params, type):
        raise TypeError(f"not a parameter dataclass: {params!r}")
    values: dict[str, object] = {}
    for f in dataclasses.fields(params):
        v = getattr(params, f.name)
        values[f.name] = v.value if hasattr(v, "value") else list(v) if isinstance(v, tuple) else v
    return values
