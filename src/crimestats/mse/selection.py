"""Choosing which two-list terms enter the model: ``main``, ``stepwise`` and ``bic``.

The estimate of the dark figure depends heavily on which list dependences the model
allows, and the data alone often cannot say. So each method is kept simple and its
choices are recorded (the steps taken, the models compared) for the reader to see.

* ``main``: main effects only, i.e. lists independent given the population.
* ``stepwise``: the procedure of Chan, Silverman & Vincent (2019, arXiv:1902.05156;
  SparseMSE ``stepwisefit``). Start from main effects. For each two-list
  term not yet in, the count of cases on both lists has, under the current model, a
  Poisson distribution; its p-value is the smaller tail ``min(P(X <= n), P(X >= n))``.
  Add the term with the smallest p-value while it is below ``pthresh``, never a term
  that would make the estimate non-existent or non-identifiable (``check_model``); an
  empty overlap enters as a ``-inf`` term.
* ``bic``: the lowest BIC among the models considered: every admissible model when
  there are at most :data:`EXHAUSTIVE_MAX_PAIRS` pairs of lists (five lists), else a
  greedy add-or-drop search by BIC from main effects.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Sequence
from dataclasses import dataclass, field

from crimestats.errors import UsageError
from crimestats.mse.capture_histories import CaptureData
from crimestats.mse.loglinear import (
    ModelFit,
    Pair,
    canonical,
    check_model,
    expected_overlap,
    fit_model,
    split_pairs,
)

METHODS = ("main", "stepwise", "bic")
#: Ten pairs (five lists) make 1,024 models: about half a second to fit all with the
#: Newton solver. Beyond that the count doubles with each pair, so the search turns greedy.
EXHAUSTIVE_MAX_PAIRS = 10


@dataclass(frozen=True)
class Step:
    """One term added by the stepwise search, with the evidence for it."""

    pair: str
    observed_overlap: int
    expected_overlap: float
    p_value: float


@dataclass(frozen=True)
class ConsideredModel:
    """A model a search fitted, kept so the reader sees the runners-up.

    ``weight`` is its BIC weight among all the models the search compared (``None`` on
    the stepwise path, whose models are stages, not rivals).
    """

    pairs: tuple[str, ...]
    bic: float
    total: float
    ci_low: float
    ci_high: float
    weight: float | None = None


@dataclass(eq=False)
class Selection:
    """The model a method chose, how it got there, and what it compared."""

    method: str
    fit: ModelFit
    steps: list[Step] = field(default_factory=list)
    considered: list[ConsideredModel] = field(default_factory=list)
    search: str = ""


def poisson_p_value(n: int, mean: float) -> float:
    """Smaller Poisson tail of ``n`` under ``mean``: ``min(P(X <= n), P(X >= n))``.

    The one-sided p-value of SparseMSE's stepwise rule (R: ``min(ppois(n, m),
    ppois(n - 1, m, lower = FALSE))``). With ``mean = 0`` nothing can be seen: 1.
    """
    from scipy.stats import poisson

    if mean <= 0.0:
        return 1.0
    lower = float(poisson.cdf(n, mean))
    upper = float(poisson.sf(n - 1, mean))
    return min(lower, upper, 1.0)


def select_main(data: CaptureData) -> Selection:
    """Main effects only: the lists are assumed independent."""
    fit = fit_model(data, ())
    return Selection("main", fit, considered=[_summary(data, fit)], search="main effects only")


def select_stepwise(data: CaptureData, pthresh: float = 0.02) -> Selection:
    """Forward selection of two-list terms by Poisson p-value (Chan et al. 2019).

    Ties in p-value (rare) go to the larger standardised departure of the observed
    overlap from its expectation, so relabelling lists cannot change the choice unless
    two terms tie on both (then the earlier pair in list order wins, as in SparseMSE).
    """
    if not 0.0 <= pthresh <= 1.0:
        raise UsageError(
            f"pthresh must be between 0 and 1, not {pthresh}", hint="try 0.02 (the default)"
        )
    candidates = data.pairs()
    if pthresh >= 1.0 and check_model(data, candidates).ok:
        return Selection("stepwise", fit_model(data, candidates), search="all pairs (pthresh=1)")
    fit = fit_model(data, ())
    if pthresh == 0.0:
        return Selection("stepwise", fit, search="pthresh=0: main effects")
    chosen: list[Pair] = []
    steps: list[Step] = []
    path: list[ConsideredModel] = []
    observed = {p: data.overlap(*p) for p in candidates}
    while True:
        ranked = []
        for order, pair in enumerate(candidates):
            if pair in chosen:
                continue
            mean = expected_overlap(data, fit, pair)
            p = poisson_p_value(observed[pair], mean)
            if p < pthresh:
                departure = abs(observed[pair] - mean) / math.sqrt(max(mean, 1e-12))
                ranked.append((p, -departure, order, pair, mean))
        # the smallest p-value whose model passes the checks (checking in p order gives
        # SparseMSE's choice, where failing candidates get p = 1, with fewer checks)
        ranked.sort(key=lambda r: r[:3])
        step = next((r for r in ranked if check_model(data, [*chosen, r[3]]).ok), None)
        if step is None:
            break
        p, _, _, pair, mean = step
        chosen.append(pair)
        steps.append(Step(data.pair_name(pair), observed[pair], mean, p))
        path.append(_summary(data, fit))
        fit = fit_model(data, chosen)
    path.append(_summary(data, fit))
    search = f"forward stepwise, pthresh={pthresh:g}, {len(steps)} term(s) added"
    return Selection("stepwise", fit, steps=steps, considered=path, search=search)


def _summary(data: CaptureData, fit: ModelFit, weight: float | None = None) -> ConsideredModel:
    low, high = fit.interval()
    names = tuple(data.pair_name(p) for p in fit.pairs)
    return ConsideredModel(names, fit.bic, fit.total, low, high, weight)


def select_bic(data: CaptureData) -> Selection:
    """The admissible model with the lowest BIC among those considered."""
    pairs = data.pairs()
    if len(pairs) <= EXHAUSTIVE_MAX_PAIRS:
        fits = _all_models(data, pairs)
        search = f"all {len(fits)} admissible models of {2 ** len(pairs)}"
    else:
        fits = _greedy(data, pairs)
        search = f"greedy add/drop search by BIC, {len(fits)} models fitted"
    usable = [f for f in fits if f.usable]
    if not usable:
        return Selection("bic", fit_model(data, ()), search=search + "; none usable")
    # lower BIC first; ties to fewer parameters, then the smaller estimate
    ranked = sorted(usable, key=lambda f: (f.bic, f.n_parameters, f.total))
    weights = bic_weights([f.bic for f in ranked])
    considered = [_summary(data, f, w) for f, w in zip(ranked, weights, strict=True)]
    best = fit_model(data, ranked[0].pairs, check=False)  # the reported fit: statsmodels
    return Selection("bic", best, considered=considered, search=search)


def bic_weights(bics: Sequence[float | None]) -> list[float | None]:
    """Schwarz weights ``exp(-delta_i / 2) / sum_j exp(-delta_j / 2)``.

    ``delta_i`` is the BIC above the lowest; ``None`` where a model has no BIC. They
    approximate posterior model probabilities under equal prior weights (Burnham &
    Anderson 2002).
    """
    finite = [b for b in bics if b is not None and math.isfinite(b)]
    if not finite:
        return [None for _ in bics]
    best = min(finite)
    raw = [math.exp(-(b - best) / 2) if b is not None and math.isfinite(b) else None for b in bics]
    scale = sum(r for r in raw if r is not None)
    return [r / scale if r is not None else None for r in raw]


def neighbours(data: CaptureData, fit: ModelFit) -> list[ConsideredModel]:
    """Admissible models one two-list term away from ``fit`` (one more, or one fewer).

    How far the estimate moves between them is a cheap, always-available measure of
    how much it hangs on the model: shown with every result, whatever the method.
    """
    found = []
    for pair in data.pairs():
        model = [p for p in fit.pairs if p != pair] if pair in fit.pairs else [*fit.pairs, pair]
        if not check_model(data, model).ok:
            continue
        other = fit_model(data, model, check=False, engine="newton")
        if other.usable:
            found.append(_summary(data, other))
    return sorted(found, key=lambda m: m.bic)


def _all_models(data: CaptureData, pairs: Sequence[Pair]) -> list[ModelFit]:
    """Fit every model whose estimate exists and is identifiable.

    Existence and identifiability are inherited by submodels that drop overlapping
    pairs (Chan et al. 2019; SparseMSE ``checkallmodels``), so the check runs once per
    set of empty pairs on the largest model, and per model only where that one fails.
    """
    _, empty = split_pairs(data, pairs)
    nonempty = [p for p in pairs if p not in empty]
    fits = []
    for k in range(len(empty) + 1):
        for empties in itertools.combinations(empty, k):
            top_ok = check_model(data, [*empties, *nonempty]).ok
            for r in range(len(nonempty) + 1):
                for subset in itertools.combinations(nonempty, r):
                    model = [*empties, *subset]
                    if not top_ok and not check_model(data, model).ok:
                        continue
                    fits.append(fit_model(data, model, check=False, engine="newton"))
    return fits


def _greedy(data: CaptureData, pairs: Sequence[Pair]) -> list[ModelFit]:
    """Add or drop one pair at a time while the BIC falls (many lists)."""
    current = fit_model(data, (), engine="newton")
    fitted = [current]
    seen = {current.pairs}
    while True:
        best = current
        for pair in pairs:
            model = canonical(
                [p for p in current.pairs if p != pair]
                if pair in current.pairs
                else [*current.pairs, pair]
            )
            if model in seen:
                continue
            seen.add(model)
            fit = fit_model(data, model, engine="newton")
            fitted.append(fit)
            if fit.usable and (fit.bic, fit.n_parameters) < (best.bic, best.n_parameters):
                best = fit
        if best is current:
            return fitted
        current = best


def select(data: CaptureData, method: str, pthresh: float = 0.02) -> Selection:
    """Run one method by name (``main``, ``stepwise`` or ``bic``)."""
    if method == "main":
        return select_main(data)
    if method == "stepwise":
        return select_stepwise(data, pthresh)
    if method == "bic":
        return select_bic(data)
    raise UsageError(f"unknown method {method!r}", hint=f"choose one of {', '.join(METHODS)}")


__all__ = [
    "EXHAUSTIVE_MAX_PAIRS",
    "METHODS",
    "ConsideredModel",
    "Selection",
    "Step",
    "bic_weights",
    "neighbours",
    "poisson_p_value",
    "select",
    "select_bic",
    "select_main",
    "select_stepwise",
]
