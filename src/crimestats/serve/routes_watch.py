"""Analyst endpoint for trends with their alarms (:mod:`crimestats.watch.trends`).

Why on the server's reader: :func:`crimestats.watch.trends.service.store_trends` opens
the store by path read-only, which DuckDB refuses inside the serving process; the same
two steps run here on a reader cursor (:func:`crimestats.watch.series.series_on`, then
:func:`crimestats.watch.trends.service.run`). Series are counts per period of groups of
registered fields: aggregates, never a record.
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

    names = [f.strip() for f in by.split(",") if f.strip()]
    unknown = [n for n in names if n not in FIELDS or FIELDS[n].is_period]
    if unknown:
        allowed = sorted(n for n, f in FIELDS.items() if not f.is_period)
        raise HTTPException(422, {"error": f"unknown field(s) {unknown}", "allowed": allowed})
    try:
        freq_ = Freq(freq)
    except ValueError:
        raise HTTPException(
            422, {"error": f"freq {freq!r} is not known", "allowed": [f.value for f in Freq]}
        ) from None
    store: ServeStore = request.app.state.store
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
