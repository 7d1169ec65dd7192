"""Analyst endpoints for trends and early-warning alerts (:mod:`crimestats.watch`).

Why on the server's reader: :func:`crimestats.watch.trends.service.store_trends` opens
the store by path read-only, which DuckDB refuses inside the serving process; the same
two steps run here on a reader cursor (:func:`crimestats.watch.series.series_on`, then
:func:`crimestats.watch.trends.service.run`). Series are counts per period of groups of
registered fields: aggregates, never a record. ``/v1/alerts`` runs the early-warning
assessment (:func:`crimestats.watch.alerts.run_alerts`) the same way on the reader, and
stores nothing: ``crimestats alerts`` keeps the record of runs.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException, Query, Request, Response

from crimestats.errors import CrimestatsError
from crimestats.govern.roles import Role
from crimestats.serve import audit
from crimestats.serve.auth import Caller, needs
from crimestats.serve.responses import json_bytes, respond
from crimestats.serve.store import ServeStore
from crimestats.stats.fields import FIELDS
from crimestats.watch.series import Freq

router = APIRouter(prefix="/v1")
Analyst = Annotated[Caller, Depends(needs(Role.ANALYST))]
MAX_SERIES = 50
"""More series than a chart can show, or a request should cost."""


_GROUPS = sorted(n for n, f in FIELDS.items() if not f.is_period)
"""The fields a series may be grouped by: every registered field but the periods."""


def _grouping(by: str) -> tuple[list[str], list[str]]:
    """The fields ``by`` names (comma-separated), and those of them not in :data:`_GROUPS`."""
    names = [f.strip() for f in by.split(",") if f.strip()]
    return names, [n for n in names if n not in _GROUPS]


@router.get("/trends")
def trends(
    request: Request,
    caller: Analyst,
    by: Annotated[str, Query(description="Comma-separated non-period fields")] = "",
    freq: str = "month",
    unit: str = "incidents",
    source: str | None = None,
) -> Response:
    """Counts per period of each group, with year-on-year and recent-mean changes, change
    points and a forecast (``crimestats trends --json``'s document)."""
    from crimestats.watch.series import series_on
    from crimestats.watch.trends.export import trends_document
    from crimestats.watch.trends.service import run

    names, unknown = _grouping(by)
    if unknown:
        raise HTTPException(422, {"error": f"unknown field(s) {unknown}", "allowed": _GROUPS})
    try:
        freq_ = Freq(freq)
    except ValueError:
        raise HTTPException(
            422, {"error": f"freq {freq!r} is not known", "allowed": [f.value for f in Freq]}
        ) from None
    store = ServeStore.of(request)
    try:
        with store.ibis_reader() as con:
            series = series_on(con, by=names, freq=freq_, unit=unit, source=source)
    except CrimestatsError as exc:
        raise HTTPException(422, {"error": exc.message, "fix": exc.hint}) from None
    if len(series) > MAX_SERIES:
        raise HTTPException(
            422, {"error": f"{len(series)} series; at most {MAX_SERIES}", "fix": "filter by source"}
        )
    meta: dict[str, Any] = {"by": names, "freq": freq_.value, "unit": unit, "source": source}
    result = run(series, meta)
    document = trends_document(result.results, result.metadata)
    body = json_bytes(document)
    audit.record(request, caller, "trends", rows_out=len(series), body=body)
    return respond(body, "application/json")


@router.get("/alerts")
def alerts(
    request: Request,
    caller: Analyst,
    by: Annotated[str, Query(description="Comma-separated non-period fields")] = "source",
    freq: str = "month",
    method: str = "farrington-flexible",
) -> Response:
    """Alarms at the latest complete period of each series, after the false discovery
    rate control (``crimestats alerts --json``'s alarms, not stored)."""
    from crimestats.watch.alerts import run_alerts
    from crimestats.watch.series import series_on
    from crimestats.watch.surveillance.parameters import with_options
    from crimestats.watch.surveillance.result import Method

    names, unknown = _grouping(by)
    allowed = {"by": _GROUPS, "freq": ["week", "month"], "method": [m.value for m in Method]}
    if unknown or freq not in allowed["freq"] or method not in allowed["method"]:
        raise HTTPException(422, {"error": "unknown field, freq or method", "allowed": allowed})
    method_ = Method(method)
    store = ServeStore.of(request)
    try:
        with store.ibis_reader() as con:
            series = series_on(con, by=names, freq=Freq(freq))
        params = with_options(method_, 52 if freq == "week" else 12, {})
        run = run_alerts(series, freq=freq, method=method_, parameters=params)
    except CrimestatsError as exc:
        raise HTTPException(422, {"error": exc.message, "fix": exc.hint}) from None
    rows = [
        {"rank": a.rank, "series": a.series, "period": a.period, "observed": a.observed,
         "expected": round(a.expected, 2), "upper": round(a.upper, 2),
         "p_value": a.pvalue, "q_value": a.qvalue, "method": a.method.value}
        for a in run.alerts
    ]  # fmt: skip
    document = {
        "period": run.period, "freq": run.freq, "method": run.method.value, "fdr": run.fdr,
        "series_tested": run.series_tested, "skipped": run.skipped,
        "partial_periods_not_assessed": [{"period": p, "reason": r}
                                         for p, r in run.not_assessed_partial],
        "columns": list(rows[0]) if rows else ["rank", "series", "period", "observed"],
        "rows": rows,
    }  # fmt: skip
    body = json_bytes(document)
    audit.record(request, caller, "alerts", rows_out=len(rows), body=body)
    return respond(body, "application/json")
