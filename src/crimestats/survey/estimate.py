"""Design-based estimates: totals, rates, prevalence, shares and means, by domain.

Every measure is a total Y or a ratio Y / X of weighted totals (a rate divides by a
population total from another table, a share divides by the total of the same rows), so
one variance routine serves them all (:mod:`~crimestats.survey.taylor`,
:mod:`~crimestats.survey.replicate`). Domains (``--by``, ``--where``) zero the variable
outside the domain; no row is ever dropped before the variance is computed.

Scales: totals and means as they are; rates per ``per`` (1,000 by default); prevalence
and shares in percent. ``deff`` is Kish's: the design variance over the variance a simple
random sample (with replacement) of the same number of cases would give. A cell is
``unreliable`` below ``reliability.min_n`` unweighted cases or above ``max_rse``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

import numpy as np
import pandas as pd

from crimestats.errors import UsageError
from crimestats.survey import replicate, taylor
from crimestats.survey.design import DesignType
from crimestats.survey.domains import Totals, cross, domain_codes, totals
from crimestats.survey.microdata import Survey

Z95 = 1.959963984540054


class Measure(StrEnum):
    TOTAL = "total"
    RATE = "rate"
    PREVALENCE = "prevalence"
    SHARE = "share"
    MEAN = "mean"


@dataclass(frozen=True, slots=True)
class Request:
    """What to estimate: ``crime`` a group or ICCS code; ``of`` a flag or numeric field."""

    measure: Measure
    crime: str | None = None
    unit: str | None = None
    of: str | None = None
    by: tuple[str, ...] = ()
    where: tuple[tuple[str, str], ...] = ()
    per: float | None = None


@dataclass(frozen=True, slots=True)
class Estimate:
    """One cell: the estimate with its standard error, 95% interval and reliability."""

    measure: str
    crime: str | None
    unit: str
    domain: dict[str, str]
    estimate: float
    se: float
    ci_low: float
    ci_high: float
    rse: float
    deff: float
    n_unweighted: int
    unreliable: bool
    per: float = 1.0

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"measure": self.measure, "crime": self.crime, "unit": self.unit}
        out.update(self.domain)
        for name in ("estimate", "se", "ci_low", "ci_high", "rse", "deff"):
            value = getattr(self, name)
            out[name] = None if not np.isfinite(value) else float(value)
        out.update(n_unweighted=self.n_unweighted, unreliable=self.unreliable, per=self.per)
        return out


@dataclass(frozen=True)
class _Side:
    """One weighted variable (before weighting) over the rows of one table."""

    table: str
    values: np.ndarray


def _column(frame: pd.DataFrame, name: str, table: str) -> pd.Series:
    if name not in frame.columns:
        fields = ", ".join(c for c in frame.columns if not c.startswith("_"))
        raise UsageError(f"table {table} has no field {name!r}", hint=f"fields: {fields}")
    return frame[name]


def _crime_rows(survey: Survey, crime: str) -> tuple[str, np.ndarray]:
    design = survey.design
    group = design.group(crime)
    assert design.crime_types is not None
    table = design.crime_types.table
    codes = pd.to_numeric(survey.frames[table][design.crime_types.field], errors="coerce")
    return table, codes.isin(group.codes).to_numpy(dtype=float)


def _any_by_parent(survey: Survey, child: str, parent: str, values: np.ndarray) -> np.ndarray:
    """1 for each parent row with a child row where ``values`` is non-zero (prevalence)."""
    keys = list(survey.design.table(child).keys)
    hit = survey.frames[child].loc[values != 0, keys].drop_duplicates()
    p = survey.frames[parent][keys]
    for k in keys:
        if p[k].dtype != hit[k].dtype:
            p, hit = p.astype({k: str}), hit.astype({k: str})
    merged = p.merge(hit.assign(_hit=1.0), on=keys, how="left")
    return np.asarray(merged["_hit"].fillna(0.0), dtype=float)


def _population_table(survey: Survey, request: Request) -> str:
    unit = request.unit
    if unit is None and request.crime is not None:
        unit = survey.design.group(request.crime).population
    unit = unit or survey.design.design.table
    if survey.design.crime_types is not None and unit == survey.design.crime_types.table:
        raise UsageError(
            f"a {request.measure} divides by a population, not by {unit}",
            hint=f"use --unit {' or '.join(t for t in survey.frames if t != unit)}",
        )
    if unit not in survey.frames:
        others = [t for t in survey.frames if t == survey.design.design.table]
        raise UsageError(
            f"survey {survey.design.name} has no {unit} table, so no rate per {unit}",
            hint=f"load the {unit} file with a design that declares it; or use --measure "
            f"total{''.join(f', or --unit {t} for a rate per {t}' for t in others)}",
        )
    return unit


def _sides(survey: Survey, r: Request) -> tuple[_Side, _Side | None, str]:
    """The numerator and denominator of the request, and its unit."""
    crime_table, crime = (None, None) if r.crime is None else _crime_rows(survey, r.crime)
    unit = r.unit or crime_table or survey.design.design.table
    if unit not in survey.frames:
        raise UsageError(f"survey {survey.design.name} has no {unit} table",
                         hint=f"use --unit {' or '.join(survey.frames)}")  # fmt: skip
    frame = survey.frames[unit]
    ones = np.ones(len(frame))
    if r.measure in (Measure.TOTAL, Measure.MEAN):
        y = ones if r.of is None else _numeric(survey, frame, r.of, unit)
        if crime is not None:
            y = y * (crime if unit == crime_table else _any(survey, crime_table, unit, crime))
        den = _Side(unit, ones) if r.measure is Measure.MEAN else None
        return _Side(unit, y), den, unit
    if r.measure is Measure.SHARE:
        base = crime if crime is not None else np.ones(len(survey.frames[unit]))
        table = crime_table or unit
        flag = _numeric(survey, survey.frames[table], r.of or "reported", table)
        return _Side(table, base * flag), _Side(table, base), table
    if crime is None or crime_table is None:
        raise UsageError(f"--measure {r.measure} needs --crime", hint="e.g. --crime property")
    pop = _population_table(survey, r)
    pop_ones = np.ones(len(survey.frames[pop]))
    if r.measure is Measure.RATE:
        return _Side(crime_table, crime), _Side(pop, pop_ones), pop
    hit = _any(survey, crime_table, pop, crime)
    return _Side(pop, hit), _Side(pop, pop_ones), pop


def _any(survey: Survey, child: str | None, parent: str, values: np.ndarray) -> np.ndarray:
    if child is None or survey.design.table(child).parent != parent:
        raise UsageError(f"no victimised {parent} can be counted from table {child}",
                         hint=f"use --unit {child}")  # fmt: skip
    return _any_by_parent(survey, child, parent, values)


def _numeric(survey: Survey, frame: pd.DataFrame, name: str, table: str) -> np.ndarray:
    flag = survey.design.flag(name)
    if flag is not None:
        col = pd.to_numeric(_column(frame, flag.field, table), errors="coerce")
        return np.asarray(col.isin(flag.values), dtype=float)
    col = pd.to_numeric(_column(frame, name, table), errors="coerce")
    return np.asarray(col.fillna(0.0), dtype=float)


def estimate(survey: Survey, request: Request) -> list[Estimate]:
    """Every cell of the request (one per domain), in domain order."""
    num, den, unit = _sides(survey, request)
    num_frame = survey.frames[num.table]
    for b in request.by:
        _column(num_frame, b, num.table)
    codes, domains = domain_codes(num_frame, request.by, request.where)
    y = totals(survey, num.table, num.values, codes, len(domains))
    x = None
    if den is not None:
        den_frame = survey.frames[den.table]
        den_codes, den_domains = domain_codes(den_frame, request.by, request.where)
        sub = _gather(request.by, den_frame.columns, domains, den_domains)
        whole = totals(survey, den.table, den.values, den_codes, len(den_domains) + 1)
        x = Totals(*(getattr(whole, f)[sub] for f in Totals.__slots__))
    est, var = _variance(survey, y, x)
    deff = _deffs(survey, num, den, codes, y, x, est, var)
    per = request.per or _PER.get(request.measure, 1.0)
    rel = survey.design.reliability
    n_rows = x.n if x is not None and request.measure in _OF_ROWS else y.n
    out = []
    for i, d in enumerate(domains):
        se, value = float(np.sqrt(var[i])) * per, float(est[i]) * per
        rse = se / abs(value) if value else float("inf")
        n = int(n_rows[i])
        out.append(Estimate(
            measure=request.measure.value, crime=request.crime, unit=unit,
            domain=dict(zip(request.by, d, strict=True)), estimate=value, se=se,
            ci_low=value - Z95 * se, ci_high=value + Z95 * se, rse=rse, deff=float(deff[i]),
            n_unweighted=n, unreliable=n < rel.min_n or rse > rel.max_rse, per=per,
        ))  # fmt: skip
    return out


def _gather(by: Sequence[str], columns: Sequence[str], domains: list[tuple[str, ...]],
            den_domains: list[tuple[str, ...]]) -> np.ndarray:  # fmt: skip
    """For each numerator domain, its denominator domain (the last, empty one if none):
    the denominator is split only by the by-fields its table has."""
    present = [i for i, b in enumerate(by) if b in columns]
    index = {d: i for i, d in enumerate(den_domains)}
    return np.array([index.get(tuple(d[i] for i in present), len(den_domains)) for d in domains])


_PER = {Measure.RATE: 1000.0, Measure.PREVALENCE: 100.0, Measure.SHARE: 100.0}
_OF_ROWS = (Measure.SHARE, Measure.MEAN)


def _variance(survey: Survey, y: Totals, x: Totals | None) -> tuple[np.ndarray, np.ndarray]:
    d = survey.design.design
    if d.type is DesignType.TAYLOR:
        est, z = taylor.ratio_scores(y.spread, None if x is None else x.spread)
        return est, taylor.variance(z, survey.psu_strata, d.lonely_psu)
    if x is None:
        return y.full, replicate.variance(y.full, y.spread, d)
    with np.errstate(divide="ignore", invalid="ignore"):
        full = y.full / x.full
        reps = y.spread / x.spread
    return full, replicate.variance(full, reps, d)


def _deffs(survey: Survey, num: _Side, den: _Side | None, codes: np.ndarray, y: Totals,
           x: Totals | None, est: np.ndarray, var: np.ndarray) -> np.ndarray:  # fmt: skip
    """Kish's design effect per domain, over the rows of the numerator's domain.

    A total's SRS variance is W^2 s^2 / n; a ratio of the same rows linearises to
    e = (y - R x) / xbar; a rate (denominator from another table) uses its numerator's.
    """
    n, w = y.rows.astype(float), y.weight
    with np.errstate(divide="ignore", invalid="ignore"):
        if den is not None and x is not None and den.table == num.table:
            xy = cross(survey, num.table, num.values, den.values, codes, len(est))
            xbar = x.full / w
            ss = y.wy2 - 2 * est * xy + est**2 * x.wy2
            v_srs = ss / w / xbar**2 * n / (n - 1) / n
        else:
            s2 = (y.wy2 - y.full**2 / w) / w * n / (n - 1)
            v_srs = w**2 * s2 / n
            if x is not None:
                v_srs = v_srs / x.full**2
        out: np.ndarray = np.where((n > 1) & (v_srs > 0), var / v_srs, np.nan)
    return out
