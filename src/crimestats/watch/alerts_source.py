"""Where the store run gets its series: :func:`crimestats.watch.series.store_series`.

One series per value of the ``by`` fields, every period from the first to the last with
zeros filled in, and per period the reason it is partial (from the store's coverage, see
:func:`crimestats.stats.coverage.partial_reason`): the same numbers ``crimestats stats``
and ``crimestats trends`` give.
"""

from __future__ import annotations

import os
from collections.abc import Sequence

from crimestats.watch.series import CountSeries, store_series


def load_store_series(
    db: str | os.PathLike[str] | None,
    by: Sequence[str],
    freq: str,
    *,
    unit: str = "incidents",
    source: str | None = None,
) -> tuple[CountSeries, ...]:
    """The store's series by ``by`` (items may hold several comma-separated fields)."""
    fields = [f.strip() for item in by for f in item.split(",") if f.strip()]
    return store_series(db, by=fields, freq=freq, unit=unit, source=source)
