"""Multiple systems estimation (MSE) of hidden victim populations (SDG indicator 16.2.2).

Several agencies each list the victims they know of; how those lists overlap says how
many victims none of them found. This package reads the lists (``capture_histories``),
fits Poisson log-linear models to the overlaps (``loglinear``), chooses among them as
the R package SparseMSE does (``selection``; Chan, Silverman & Vincent 2019), adds a
parametric bootstrap that repeats the choice (``bootstrap``), gathers the result with
its caveats (``estimate``) and writes a one-page offline report (``report``).

It imports no CLI or database code: the ``crimestats mse`` command and, later, the
16.2.2 indicator both call :func:`estimate` / :func:`estimate_all` and read
:meth:`MseResult.to_dict`. See ``docs/mse.md`` for the assumptions and how to read the
model spread.
"""

from __future__ import annotations

from crimestats.mse.bootstrap import BootstrapInterval, bootstrap_interval
from crimestats.mse.capture_histories import CaptureData, informative_lists, read_capture_file
from crimestats.mse.estimate import (
    EmptyOverlap,
    MseComparison,
    MseResult,
    bic_weights,
    estimate,
    estimate_all,
)
from crimestats.mse.loglinear import ModelCheck, ModelFit, check_model, fit_model
from crimestats.mse.report import render_report, write_report
from crimestats.mse.selection import METHODS, Selection, select

__all__ = [
    "METHODS",
    "BootstrapInterval",
    "CaptureData",
    "EmptyOverlap",
    "ModelCheck",
    "ModelFit",
    "MseComparison",
    "MseResult",
    "Selection",
    "bic_weights",
    "bootstrap_interval",
    "check_model",
    "estimate",
    "estimate_all",
    "fit_model",
    "informative_lists",
    "read_capture_file",
    "render_report",
    "select",
    "write_report",
]
