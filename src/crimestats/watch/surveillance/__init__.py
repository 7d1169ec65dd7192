"""Early-warning (aberration detection) methods on count series, written from the papers.

One module per method: ``farrington`` (Farrington et al. 1996), ``farrington_flexible``
(the improved Farrington of Noufaily et al. 2013), ``ears`` (EARS C1, Hutwagner et al.),
``cusum`` (the approximate Poisson CUSUM of Rossi et al. 1999) and ``glm_baseline`` (a
quasi-Poisson trend for series shorter than the Farrington window). Shared pieces:
``poisson_glm`` (a batched quasi-Poisson fit with down-weighting of past outbreaks),
``reference`` (which past periods form the baseline), ``thresholds`` (upper bounds and
p-values) and ``result`` (the series, the methods and the typed result). ``run`` picks a
method by name. Every method was checked against R ``surveillance`` 1.20.3 (tests in
the surveillance test files in ``tests/watch/``); none uses its code.
"""

from crimestats.watch.surveillance.result import CountSeries, Method, SurveillanceResult
from crimestats.watch.surveillance.run import parameters_for, run_method

__all__ = ["CountSeries", "Method", "SurveillanceResult", "parameters_for", "run_method"]
