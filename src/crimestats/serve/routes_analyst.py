"""Analyst endpoints: exact aggregates of the store, never a record (token needed).

Why only through the statistics engine: every answer is a table of counts grouped by
registered fields (:mod:`crimestats.stats.fields`), so no request can ask for an
incident, a person, a date or a coordinate; query parameters are checked against the
registry and the enumerations (422 naming what is allowed) and no SQL is built from
request text.
"""

from __future__ import annotations

from typing import Annotated, TypeVar

from fastapi import APIRouter, Depends, HTTPException, Query, Request, Response

from crimestats.govern.roles import Role
from crimestats.serve import audit
from crimestats.serve.auth import Caller, needs
from crimestats.serve.responses import respond, table_body, wanted_format
from crimestats.serve.store import ServeStore
from crimestats.stats.counting import Unit
from crimestats.stats.fields import FIELDS, PeriodBasis

router = APIRouter(prefix="/v1")
Analyst = Annotated[Caller, Depends(needs(Role.ANALYST))]
_E = TypeVar("_E", Unit, PeriodBasis)


def _fields(by: str) -> list[str]:
    names = [f.strip() for f in by.split(",") if f.strip()]
    unknown = [n for n in names if n not in FIELDS]
    if not names or unknown:
        raise HTTPException(
            422, {"error": f"unknown field(s) {unknown or [by]}", "allowed": sorted(FIELDS)}
        )
    if len(set(names)) != len(names):
        raise HTTPException(422, {"error": "a field is named twice", "by": names})
    return names


def _choice(value: str, kind: type[_E], name: str) -> _E:
    try:
        return kind(value)
    except ValueError:
        allowed = [m.value for m in kind]
        raise HTTPException(
            422, {"error": f"{name} {value!r} is not known", "allowed": allowed}
        ) from None


@router.get("/stats")
def stats(
    request: Request,
    caller: Analyst,
    by: Annotated[str, Query(description="Comma-separated fields, e.g. year,iccs_l1")],
    unit: str = "incidents",
    rate: bool = False,
    period_basis: str = "reported",
    source: str | None = None,
) -> Response:
    """Counts (and rates per 100,000 with ``rate=true``) by any registered fields."""
    from crimestats.errors import CrimestatsError
    from crimestats.stats.engine import count_on

    names = _fields(by)
    unit_ = _choice(unit, Unit, "unit")
    basis = _choice(period_basis, PeriodBasis, "period_basis")
    store: ServeStore = request.app.state.store
    try:
        with store.ibis_reader() as con:
            counted = count_on(
                con, by=names, unit=unit_, rate=rate, period_basis=basis, source=source
            )
    except CrimestatsError as exc:  # an unknown source, a rate without population
        raise HTTPException(422, {"error": exc.message, "fix": exc.hint}) from None
    rows = counted.rows()
    body, media = table_body(
        wanted_format(request),
        counted.columns,
        rows,
        {"unit": unit_.value, "period_basis": basis.value},
    )
    audit.record(request, caller, "stats", rows_out=len(rows), body=body)
    return respond(body, media)
