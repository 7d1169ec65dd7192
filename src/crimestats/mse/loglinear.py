"""Poisson log-linear models of capture histories, with SparseMSE's empty-overlap rule.

The count of cases with history ``h`` is modelled as Poisson with
``log mu_h = b0 + sum_i b_i h_i + sum_{(i,j) in M} g_ij h_i h_j`` over the ``2**t - 1``
observable histories (Fienberg 1972; Bishop, Fienberg & Holland 1975, ch. 6). The
all-zero history is never seen, and ``exp(b0)`` is its expected count: the dark figure.

Two-list terms whose lists have **no case in common** cannot be estimated: the
likelihood keeps rising as ``g_ij -> -inf``. Following Chan, Silverman & Vincent (2019,
arXiv:1902.05156; SparseMSE ``buildmodel``), such a term is set to ``-inf``,
which removes every history containing both lists from the fit, and it still counts as
one parameter in the information criteria.

Before a model is trusted it is checked (SparseMSE ``checkident``): the maximum
likelihood estimate must **exist** (the linear programme of Fienberg & Rinaldo 2012,
Ann. Statist. 40, 996-1023: the sufficient statistics lie in the relative interior of
the marginal cone) and be **identifiable** (the design matrix has full column rank).
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from crimestats.mse.capture_histories import CaptureData
from crimestats.mse.newton import PoissonFit, fit_poisson

Pair = tuple[int, int]
FloatArray = npt.NDArray[np.float64]

#: The linear programme's optimum ``s`` (the smallest cell mass an interior solution can
#: keep) counts as zero below this. Integer counts put a true interior point far above it.
LP_TOLERANCE = 1e-7


def canonical(pairs: Sequence[Pair]) -> tuple[Pair, ...]:
    """The model's two-list terms as sorted ``(i, j)`` with ``i < j``, without repeats."""
    return tuple(sorted({(min(p), max(p)) for p in pairs}))


def split_pairs(
    data: CaptureData, pairs: Sequence[Pair]
) -> tuple[tuple[Pair, ...], tuple[Pair, ...]]:
    """Split a model's pairs into (pairs with an overlap, pairs with no case in common)."""
    fitted: list[Pair] = []
    empty: list[Pair] = []
    for p in canonical(pairs):
        (empty if data.overlap(*p) == 0 else fitted).append(p)
    return tuple(fitted), tuple(empty)


def kept_rows(data: CaptureData, empty: Sequence[Pair]) -> npt.NDArray[np.bool_]:
    """Histories left in the fit: those not containing both lists of an empty pair."""
    keep = np.ones(len(data.counts), dtype=bool)
    for i, j in empty:
        keep &= (data.histories[:, i] * data.histories[:, j]) == 0
    return keep


def design_matrix(histories: npt.NDArray[np.int64], pairs: Sequence[Pair]) -> FloatArray:
    """Columns: intercept, one main effect per list, one product per two-list term."""
    columns = [np.ones(len(histories)), *histories.T]
    columns += [histories[:, i] * histories[:, j] for i, j in pairs]
    return np.column_stack(columns).astype(np.float64)


@dataclass(frozen=True)
class ModelCheck:
    """Whether a model's maximum likelihood estimate exists and is identifiable."""

    exists: bool
    identifiable: bool

    @property
    def ok(self) -> bool:
        """Both tests passed: the estimate can be trusted to be a finite, unique number."""
        return self.exists and self.identifiable

    def reason(self) -> str:
        """Plain words for a failure (empty when the model is fine)."""
        parts = []
        if not self.exists:
            parts.append("the estimate does not exist (the data push a parameter to infinity)")
        if not self.identifiable:
            parts.append("the model is not identifiable (too few histories for its terms)")
        return "; ".join(parts)


def check_model(data: CaptureData, pairs: Sequence[Pair]) -> ModelCheck:
    """Existence (Fienberg-Rinaldo linear programme) and identifiability (rank) tests.

    The programme: maximise ``s`` over ``x >= s, s >= 0`` subject to ``A^T x = A^T n``,
    where ``A`` is the design matrix of the histories left in the fit and ``n`` their
    counts. The estimate exists if and only if the optimum ``s`` is positive: some
    strictly positive table has the same sufficient statistics as the data.
    """
    from scipy.optimize import linprog

    fitted, empty = split_pairs(data, pairs)
    keep = kept_rows(data, empty)
    x = design_matrix(data.histories[keep], fitted)
    counts = data.counts[keep].astype(np.float64)
    n_cells, n_par = x.shape
    identifiable = int(np.linalg.matrix_rank(x)) == n_par
    objective = np.zeros(n_cells + 1)
    objective[-1] = -1.0  # linprog minimises
    a_eq = np.hstack([x.T, np.zeros((n_par, 1))])
    a_ub = np.hstack([-np.eye(n_cells), np.ones((n_cells, 1))])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        solution = linprog(
            objective,
            A_ub=a_ub,
            b_ub=np.zeros(n_cells),
            A_eq=a_eq,
            b_eq=x.T @ counts,
            bounds=[(0, None)] * (n_cells + 1),
            method="highs",
        )
    exists = bool(solution.status == 0 and -solution.fun > LP_TOLERANCE)
    return ModelCheck(exists=exists, identifiable=identifiable)


@dataclass(frozen=True, eq=False)
class ModelFit:
    """One fitted log-linear model and its population estimate.

    ``mu`` has one expected count per observable history (zero for histories removed by
    an empty overlap). ``n_parameters`` counts the empty-overlap terms too, as
    SparseMSE's adjusted AIC does, and the BIC uses ``log(observed cases)`` as its
    penalty per parameter (as Rcapture's ``closedpMS.t``, Baillargeon & Rivest 2007).
    """

    pairs: tuple[Pair, ...]
    fitted_pairs: tuple[Pair, ...]
    empty_pairs: tuple[Pair, ...]
    check: ModelCheck
    coefficients: dict[str, float]
    std_errors: dict[str, float]
    intercept: float
    intercept_se: float
    mu: FloatArray
    log_likelihood: float
    deviance: float
    n_parameters: int
    observed: int
    converged: bool
    warnings: tuple[str, ...]

    @property
    def aic(self) -> float:
        """Akaike information criterion, empty-overlap terms counted (SparseMSE)."""
        return -2.0 * self.log_likelihood + 2.0 * self.n_parameters

    @property
    def bic(self) -> float:
        """Bayesian information criterion with ``n`` = observed cases."""
        return -2.0 * self.log_likelihood + math.log(max(self.observed, 2)) * self.n_parameters

    @property
    def usable(self) -> bool:
        """The check passed and the fit converged to finite numbers."""
        return (
            self.check.ok
            and self.converged
            and math.isfinite(self.intercept)
            and math.isfinite(self.intercept_se)
        )

    @property
    def dark(self) -> float:
        """Estimated number of cases on no list: ``exp(b0)``."""
        return math.exp(self.intercept) if self.usable else math.nan

    @property
    def total(self) -> float:
        """Estimated population: observed cases plus the dark figure."""
        return self.observed + self.dark

    def interval(self, level: float = 0.95) -> tuple[float, float]:
        """Normal interval on the log scale of the intercept (SparseMSE ``estimatepopulation.0``).

        ``observed + exp(b0 -/+ z * se(b0))``: the dark figure's interval, shifted by the
        cases already seen. It ignores the uncertainty of choosing the model.
        """
        from scipy.stats import norm

        if not self.usable:
            return (math.nan, math.nan)
        z = float(norm.ppf(0.5 + level / 2.0))
        low = self.observed + math.exp(self.intercept - z * self.intercept_se)
        high = self.observed + math.exp(self.intercept + z * self.intercept_se)
        return (low, high)


def term_names(data: CaptureData, pairs: Sequence[Pair]) -> list[str]:
    """Names of the design columns: ``(Intercept)``, list names, ``A:B`` pairs."""
    return ["(Intercept)", *data.lists, *(data.pair_name(p) for p in pairs)]


def _fit_statsmodels(x: FloatArray, y: FloatArray) -> PoissonFit:
    import statsmodels.api as sm

    result = sm.GLM(y, x, family=sm.families.Poisson()).fit()
    return PoissonFit(
        params=np.asarray(result.params, dtype=np.float64),
        cov=np.asarray(result.cov_params(), dtype=np.float64),
        mu=np.asarray(result.fittedvalues, dtype=np.float64),
        llf=float(result.llf),
        deviance=float(result.deviance),
        converged=bool(result.converged),
    )


def fit_model(
    data: CaptureData, pairs: Sequence[Pair], *, check: bool = True, engine: str = "statsmodels"
) -> ModelFit:
    """Fit the Poisson log-linear model with main effects and the given two-list terms.

    ``engine="statsmodels"`` (GLM by IRLS) gives the reported fits; ``"newton"`` is the
    lean solver of :mod:`crimestats.mse.newton` used to rank many models quickly.
    Numerical warnings are caught and kept in ``warnings`` instead of escaping: a
    result carries its caveats.
    """
    fitted, empty = split_pairs(data, pairs)
    keep = kept_rows(data, empty)
    x = design_matrix(data.histories[keep], fitted)
    y = data.counts[keep].astype(np.float64)
    names = term_names(data, fitted)
    model_check = check_model(data, pairs) if check else ModelCheck(True, True)
    caught: list[str] = []
    with warnings.catch_warnings(record=True) as records, np.errstate(all="ignore"):
        warnings.simplefilter("always")
        try:
            result = fit_poisson(x, y) if engine == "newton" else _fit_statsmodels(x, y)
        except (np.linalg.LinAlgError, ValueError, ZeroDivisionError) as exc:
            caught.append(f"the model could not be fitted: {exc}")
            nan = np.full(x.shape[1], np.nan)
            result = PoissonFit(
                nan, np.diag(nan), np.full(len(y), np.nan), math.nan, math.nan, False
            )
    caught += sorted({f"{r.category.__name__}: {r.message}" for r in records})
    params = result.params
    se = np.sqrt(np.clip(np.diag(result.cov), 0.0, None))
    mu = np.zeros(len(data.counts))
    mu[keep] = result.mu
    return ModelFit(
        pairs=canonical(pairs),
        fitted_pairs=fitted,
        empty_pairs=empty,
        check=model_check,
        coefficients=dict(zip(names, params.tolist(), strict=True)),
        std_errors=dict(zip(names, se.tolist(), strict=True)),
        intercept=float(params[0]),
        intercept_se=float(se[0]),
        mu=mu,
        log_likelihood=result.llf,
        deviance=result.deviance,
        n_parameters=x.shape[1] + len(empty),
        observed=data.observed,
        converged=result.converged and bool(np.all(np.isfinite(params))),
        warnings=tuple(caught),
    )


def expected_overlap(data: CaptureData, fit: ModelFit, pair: Pair) -> float:
    """Expected number of cases on both lists of ``pair`` under ``fit``."""
    i, j = pair
    both = data.histories[:, i] * data.histories[:, j]
    return float(both @ fit.mu)


__all__ = [
    "LP_TOLERANCE",
    "ModelCheck",
    "ModelFit",
    "Pair",
    "canonical",
    "check_model",
    "design_matrix",
    "expected_overlap",
    "fit_model",
    "kept_rows",
    "split_pairs",
    "term_names",
]
