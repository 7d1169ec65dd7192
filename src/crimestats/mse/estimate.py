"""The population estimate a user (or the SDG 16.2.2 indicator) receives, with its caveats.

:func:`estimate` runs one method end to end: drop non-informative lists, choose and fit
the model, compute SparseMSE's normal interval on the log scale of the intercept
(``estimatepopulation.0``), optionally bootstrap, and gather every warning a reader
needs. :func:`estimate_all` runs every method side by side and weighs the models they
chose by BIC (``w_i = exp(-BIC_i / 2) / sum_j exp(-BIC_j / 2)``; Burnham & Anderson
2002): when the methods disagree, that disagreement *is* the uncertainty,
and it must be shown rather than hidden behind one number.

:class:`MseResult` is a plain dataclass whose :meth:`MseResult.to_dict` gives JSON-ready
values: the interface for the CLI's ``--json``, the HTML report and, later, indicator
16.2.2 (estimated victims per 100,000), which needs ``total``, ``ci_low``, ``ci_high``
and the source.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field, replace

import numpy as np

from crimestats.errors import UsageError
from crimestats.mse.bootstrap import (
    MAX_FAILED_SHARE,
    BootstrapInterval,
    Progress,
    bootstrap_interval,
)
from crimestats.mse.capture_histories import CaptureData, informative_lists
from crimestats.mse.loglinear import ModelFit, Pair, expected_overlap, fit_model
from crimestats.mse.selection import (
    METHODS,
    ConsideredModel,
    Selection,
    Step,
    bic_weights,
    neighbours,
    select,
)

#: A list with fewer cases than this tells little about its own capture probability.
MIN_LIST_CASES = 10
#: Cases seen on two or more lists carry all the information on the dark figure; with
#: fewer than this the estimate rests on a handful of people.
MIN_OVERLAP_CASES = 20
#: An interval whose ends differ by more than this factor says little.
WIDE_INTERVAL_RATIO = 2.0
#: An estimated hidden figure beyond this multiple of the cases seen is an extrapolation.
EXTRAPOLATION_RATIO = 10.0
#: Models within this BIC distance of the best are about as well supported: Raftery
#: (1995, Sociological Methodology 25) grades a BIC difference under 2 as weak evidence.
BIC_CLOSE = 2.0
#: How many of the models a search compared are kept in the result.
MODELS_SHOWN = 10
INTERVAL_KIND = "normal on the log of the dark figure (SparseMSE estimatepopulation.0)"


@dataclass(frozen=True)
class EmptyOverlap:
    """A pair of lists with no case in common, and what the model did about it.

    ``expected`` is the number of cases in common the model predicts *without* a term
    for this pair; ``p_value = exp(-expected)`` is the chance of seeing none (SparseMSE
    ``poisspempty``). A small value says the lists really avoid each other.
    """

    lists: tuple[str, str]
    in_model: bool
    expected: float
    p_value: float

    @property
    def action(self) -> str:
        """Plain words for what was done."""
        if self.in_model:
            return (
                "term fixed at -infinity: histories on both lists are treated as impossible "
                "and left out of the fit (Chan, Silverman & Vincent 2019)"
            )
        return "left out of the model: the lists are treated as unrelated on this pair"

    def to_dict(self) -> dict[str, object]:
        """Plain JSON-ready values."""
        return {
            "lists": list(self.lists),
            "in_model": self.in_model,
            "expected_overlap": _num(self.expected),
            "p_value": _num(self.p_value),
            "action": self.action,
        }


@dataclass(frozen=True)
class MseResult:
    """One method's estimate of the total population, hidden figure and intervals."""

    method: str
    source: str
    lists: tuple[str, ...]
    observed: int
    total: float | None
    hidden: float | None
    ci_low: float | None
    ci_high: float | None
    ci_level: float
    terms: tuple[str, ...]
    interactions: tuple[str, ...]
    empty_overlaps: tuple[EmptyOverlap, ...]
    steps: tuple[Step, ...]
    models: tuple[ConsideredModel, ...]
    search: str
    bic: float | None
    aic: float | None
    n_parameters: int
    pthresh: float
    neighbours: tuple[ConsideredModel, ...] = ()
    bootstrap: BootstrapInterval | None = None
    bic_weight: float | None = None
    warnings: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()

    def sensitivity(self) -> tuple[float, float] | None:
        """Lowest and highest total among this model and its one-term neighbours."""
        totals = [m.total for m in self.neighbours if math.isfinite(m.total)]
        if self.total is None or not totals:
            return None
        return (min([self.total, *totals]), max([self.total, *totals]))

    def sensitivity_dict(self) -> dict[str, object] | None:
        """:meth:`sensitivity` with what it is, for JSON."""
        span = self.sensitivity()
        if span is None:
            return None
        return {
            "low": span[0],
            "high": span[1],
            "models": len(self.neighbours),
            "kind": "totals of the admissible models one two-list term away from this one",
        }

    @property
    def has_estimate(self) -> bool:
        """False when no finite, identifiable estimate exists for this method."""
        return self.total is not None

    def to_dict(self) -> dict[str, object]:
        """Plain JSON-ready values (``None`` where no estimate exists)."""
        return {
            "method": self.method,
            "source": self.source,
            "lists": list(self.lists),
            "observed": self.observed,
            "total": self.total,
            "hidden": self.hidden,
            "ci_low": self.ci_low,
            "ci_high": self.ci_high,
            "ci_level": self.ci_level,
            "interval": INTERVAL_KIND,
            "terms": list(self.terms),
            "interactions": list(self.interactions),
            "empty_overlaps": [e.to_dict() for e in self.empty_overlaps],
            "steps": [
                {
                    "added": s.pair,
                    "observed_overlap": s.observed_overlap,
                    "expected_overlap": s.expected_overlap,
                    "p_value": s.p_value,
                }
                for s in self.steps
            ],
            "models": [_model_dict(m) for m in self.models],
            "model_sensitivity": self.sensitivity_dict(),
            "search": self.search,
            "bic": self.bic,
            "aic": self.aic,
            "n_parameters": self.n_parameters,
            "bic_weight": self.bic_weight,
            "pthresh": self.pthresh,
            "bootstrap": self.bootstrap.to_dict() if self.bootstrap else None,
            "warnings": list(self.warnings),
            "notes": list(self.notes),
        }


@dataclass(frozen=True)
class MseComparison:
    """Every method side by side (``--method all``), weighted by BIC."""

    results: tuple[MseResult, ...]
    data: CaptureData = field(repr=False, compare=False)

    def spread(self) -> tuple[float, float] | None:
        """Smallest and largest total among the methods that gave one."""
        totals = [r.total for r in self.results if r.total is not None]
        return (min(totals), max(totals)) if totals else None

    def to_list(self) -> list[dict[str, object]]:
        """One JSON-ready object per method."""
        return [r.to_dict() for r in self.results]


def _num(x: float | None) -> float | None:
    return x if x is not None and math.isfinite(x) else None


def _model_dict(model: ConsideredModel) -> dict[str, object]:
    return {
        "interactions": list(model.pairs),
        "bic": _num(model.bic),
        "bic_weight": model.weight,
        "total": _num(model.total),
        "ci_low": _num(model.ci_low),
        "ci_high": _num(model.ci_high),
    }


def _empty_overlaps(data: CaptureData, fit: ModelFit) -> list[EmptyOverlap]:
    found = []
    for pair in data.empty_pairs():
        in_model = pair in fit.pairs
        without = (
            fit_model(data, [p for p in fit.pairs if p != pair], check=False) if in_model else fit
        )
        expected = expected_overlap(data, without, pair)
        p_value = math.exp(-expected) if math.isfinite(expected) else math.nan
        names = (data.lists[pair[0]], data.lists[pair[1]])
        found.append(EmptyOverlap(names, in_model, expected, p_value))
    return found


def sparsity_warnings(data: CaptureData) -> list[str]:
    """Warnings about lists and overlaps too thin to support an estimate."""
    found = []
    for name, n in data.list_totals().items():
        if n < MIN_LIST_CASES:
            found.append(f"list {name} has only {n} case(s): too few to say much about it")
    multi = int(data.counts[data.histories.sum(axis=1) >= 2].sum())
    if multi < MIN_OVERLAP_CASES:
        found.append(
            f"only {multi} case(s) are on two or more lists: the dark figure rests on them "
            "alone, so any estimate is fragile"
        )
    empty = data.empty_pairs()
    if empty:
        names = ", ".join(data.pair_name(p) for p in empty)
        found.append(f"{len(empty)} pair(s) of lists have no case in common: {names}")
    return found


def _result_warnings(fit: ModelFit, observed: int, low: float, high: float) -> list[str]:
    found = list(fit.warnings)
    if not fit.check.ok:
        found.append("no estimate: " + fit.check.reason())
    elif not fit.usable:
        found.append("no estimate: the model did not converge to finite values")
    else:
        if low > 0 and high / low > WIDE_INTERVAL_RATIO:
            found.append(f"the interval is wide (upper end {high / low:.1f} times the lower)")
        if fit.dark > EXTRAPOLATION_RATIO * observed:
            found.append(
                f"the hidden figure is over {EXTRAPOLATION_RATIO:g} times the cases seen: "
                "an extrapolation far beyond the data"
            )
    return found


def _spread_warnings(
    chosen: Selection, near: Sequence[ConsideredModel], fit: ModelFit
) -> list[str]:
    """Say so when models about as well supported give far apart totals."""
    if not fit.usable:
        return []
    found = []
    rivals = [m for m in chosen.considered if m.bic - fit.bic <= BIC_CLOSE]
    if chosen.method == "bic" and len(rivals) > 1:
        low = min(m.total for m in rivals)
        high = max(m.total for m in rivals)
        weight = chosen.considered[0].weight or 0.0
        found.append(
            f"{len(rivals)} models are within {BIC_CLOSE:g} BIC points of the best (which has "
            f"weight {weight:.2f} of {len(chosen.considered)}); their totals run from "
            f"{low:,.0f} to {high:,.0f}"
        )
    close = [m for m in near if m.bic - fit.bic <= BIC_CLOSE]
    if close:
        low = min(fit.total, *(m.total for m in close))
        high = max(fit.total, *(m.total for m in close))
        if high > WIDE_INTERVAL_RATIO * low:
            found.append(
                f"models one term away with about as good a BIC give totals from {low:,.0f} "
                f"to {high:,.0f}: the estimate hangs on the choice of model"
            )
    return found


def estimate(
    data: CaptureData,
    method: str = "stepwise",
    *,
    pthresh: float = 0.02,
    level: float = 0.95,
    bootstrap: int = 0,
    seed: int | np.random.Generator | None = 0,
    progress: Progress | None = None,
) -> MseResult:
    """Estimate the total and hidden population with one method.

    ``bootstrap`` replicates (0 for none) are drawn with ``seed``; see
    :func:`crimestats.mse.bootstrap.bootstrap_interval`.
    """
    if method not in METHODS:
        raise UsageError(f"unknown method {method!r}", hint=f"choose one of {', '.join(METHODS)}")
    cleaned, cleaning = informative_lists(data)
    chosen = select(cleaned, method, pthresh)
    return _result(
        data=data,
        cleaned=cleaned,
        cleaning=cleaning,
        chosen=chosen,
        pthresh=pthresh,
        level=level,
        replicates=bootstrap,
        seed=seed,
        progress=progress,
    )


def _result(
    *,
    data: CaptureData,
    cleaned: CaptureData,
    cleaning: list[str],
    chosen: Selection,
    pthresh: float,
    level: float,
    replicates: int,
    seed: int | np.random.Generator | None,
    progress: Progress | None,
) -> MseResult:
    fit = chosen.fit
    dropped_cases = data.observed - cleaned.observed
    low, high = fit.interval(level)
    warns = cleaning + sparsity_warnings(cleaned) + _result_warnings(fit, data.observed, low, high)
    boot = None
    if replicates > 0 and fit.usable:
        boot = bootstrap_interval(
            cleaned,
            fit,
            chosen.method,
            replicates=replicates,
            seed=seed,
            pthresh=pthresh,
            level=level,
            progress=progress,
        )
        boot = _shift(boot, dropped_cases)
        if boot.failed > MAX_FAILED_SHARE * boot.replicates:
            warns.append(
                f"{boot.failed} of {boot.replicates} bootstrap replicates gave no estimate: "
                "the bootstrap interval leaves them out and is unreliable"
            )
        if fit.usable and math.isfinite(boot.high) and (boot.high - boot.low) > 1.5 * (high - low):
            warns.append(
                "the bootstrap interval, which repeats the model choice, is much wider than the "
                "normal interval: the choice of model drives the uncertainty"
            )
    usable = fit.usable
    near = tuple(neighbours(cleaned, fit)) if usable else ()
    warns += _spread_warnings(chosen, near, fit)
    total = fit.total + dropped_cases if usable else None
    pairs: list[Pair] = list(fit.pairs)
    return MseResult(
        method=chosen.method,
        source=data.source,
        lists=cleaned.lists,
        observed=data.observed,
        total=total,
        hidden=total - data.observed if total is not None else None,
        ci_low=low + dropped_cases if usable else None,
        ci_high=high + dropped_cases if usable else None,
        ci_level=level,
        terms=(*cleaned.lists, *(cleaned.pair_name(p) for p in pairs)),
        interactions=tuple(cleaned.pair_name(p) for p in pairs),
        empty_overlaps=tuple(_empty_overlaps(cleaned, fit)),
        steps=tuple(chosen.steps),
        models=tuple(chosen.considered[:MODELS_SHOWN]),
        neighbours=tuple(
            replace(
                m,
                total=m.total + dropped_cases,
                ci_low=m.ci_low + dropped_cases,
                ci_high=m.ci_high + dropped_cases,
            )
            for m in near
        )
        if dropped_cases
        else near,
        search=chosen.search,
        bic=_num(fit.bic),
        aic=_num(fit.aic),
        n_parameters=fit.n_parameters,
        pthresh=pthresh,
        bootstrap=boot,
        warnings=tuple(dict.fromkeys(warns)),
        notes=data.notes,
    )


def _shift(boot: BootstrapInterval, cases: int) -> BootstrapInterval:

    if cases == 0:
        return boot
    return replace(boot, low=boot.low + cases, high=boot.high + cases, median=boot.median + cases)


def estimate_all(
    data: CaptureData,
    *,
    pthresh: float = 0.02,
    level: float = 0.95,
    bootstrap: int = 0,
    seed: int | None = 0,
    progress: Progress | None = None,
) -> MseComparison:
    """Every method on the same data, with BIC weights over the distinct models chosen.

    Each method's bootstrap draws from its own stream spawned from ``seed``, so adding a
    method never changes another's interval.
    """
    streams = np.random.SeedSequence(seed).spawn(len(METHODS))
    results = [
        estimate(
            data,
            method,
            pthresh=pthresh,
            level=level,
            bootstrap=bootstrap,
            seed=np.random.default_rng(stream),
            progress=progress,
        )
        for method, stream in zip(METHODS, streams, strict=True)
    ]
    distinct: dict[tuple[str, ...], float | None] = {}
    for r in results:
        distinct.setdefault(r.interactions, r.bic)
    keys = list(distinct)
    weights = dict(zip(keys, bic_weights([distinct[k] for k in keys]), strict=True))

    weighted = tuple(
        replace(
            r,
            bic_weight=weights[r.interactions],
            bootstrap=replace(r.bootstrap, seed=seed) if r.bootstrap else None,
        )
        for r in results
    )
    return MseComparison(weighted, data)


__all__ = [
    "EXTRAPOLATION_RATIO",
    "INTERVAL_KIND",
    "MIN_LIST_CASES",
    "MIN_OVERLAP_CASES",
    "WIDE_INTERVAL_RATIO",
    "EmptyOverlap",
    "MseComparison",
    "MseResult",
    "bic_weights",
    "estimate",
    "estimate_all",
    "sparsity_warnings",
]
