"""Charts of an alerts run: the observed series, the expected band, the alarms marked.

Why apart from the command: the same :mod:`crimestats.watch.charts` that draws trends
draws alerts (issue 14 item 6), from the typed results of a run; the command only names
the file. A store run assesses one period per series, so its band is that period's
expected count and alarm threshold; a series file's run has a band at every period.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any

from crimestats.watch.alerts import AlertRun
from crimestats.watch.charts import Band, ChartInput
from crimestats.watch.series import CountSeries


def series_chart(name: str, rows: Sequence[Mapping[str, Any]]) -> ChartInput:
    """The chart of a ``--series`` run: one row per assessed period (dated)."""
    starts = tuple(dt.date.fromisoformat(str(r["date"])) for r in rows)
    expected = tuple(float(r["expected"] or 0.0) for r in rows)
    upper = tuple(float(r["upper"] if r["upper"] is not None else e) for r, e in
                  zip(rows, expected, strict=True))  # fmt: skip
    return ChartInput(
        title=name,
        starts=starts,
        observed=tuple(float(r["observed"]) for r in rows),
        band=Band(
            starts,
            tuple(0.0 for _ in starts),
            upper,
            center=expected,
            label="expected and alarm threshold",
        ),
        alarms=tuple(s for s, r in zip(starts, rows, strict=True) if r["alarm"]),
    )


def store_charts(run: AlertRun, series: Sequence[CountSeries]) -> list[ChartInput]:
    """One chart per alarm of a store run: the series up to the period assessed."""
    by_group = {s.group: s for s in series}
    charts = []
    for alert in run.alerts:
        s = by_group.get(alert.group)  # type: ignore[arg-type]
        if s is None or alert.period_start not in s.starts:
            continue
        end = s.starts.index(alert.period_start) + 1
        starts = s.starts[:end]
        charts.append(
            ChartInput(
                title=f"{alert.rank}. {alert.series}",
                starts=starts,
                observed=tuple(float(c) for c in s.counts[:end]),
                band=Band(
                    (alert.period_start,),
                    (0.0,),
                    (alert.upper,),
                    center=(alert.expected,),
                    label="expected and alarm threshold",
                ),
                alarms=(alert.period_start,),
                partial=tuple(d for d, why in zip(starts, s.partial[:end], strict=True) if why),
                notes=(alert.sentence,),
            )
        )
    return charts
