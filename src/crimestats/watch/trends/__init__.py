"""Trends of count series: decomposition, changes, change points, forecasts (issue 14).

One module per method (``decompose``: STL; ``changes``: year-on-year and recent-mean
changes with an exact test; ``changepoints``: breaks in the mean with their intervals;
``forecast``: the next periods with prediction intervals), the typed result with the
flags of the methods that could not run and why (``report``), and :func:`analyse`, which
runs them all on one :class:`crimestats.watch.series.CountSeries` (``analyse``).
"""

from crimestats.watch.trends.analyse import analyse
from crimestats.watch.trends.report import Flag, Method, SeriesTrends

__all__ = ["Flag", "Method", "SeriesTrends", "analyse"]
