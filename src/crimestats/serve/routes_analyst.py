"""Analyst endpoints: exact aggregates of the store, never a record (token needed).

Why only through the statistics engine: every answer is a table of counts grouped by
registered fields (:mod:`crimestats.stats.fields`), so no request can ask for an
incident, a person, a date or a coordinate; query parameters are checked against the
registry and the enumerations (422 naming what is allowed) and no SQL is built from
request text.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any, TypeVar

from fastapi import APIRouter, Depends, HTTPException, Query, Request, Response

from crimestats.govern.roles import Role
from crimestats.privacy.threshold import DEFAULT_THRESHOLD
from crimestats.serve import audit
from crimestats.serve.auth import Caller, needs
from crimestats.serve.disclosure import MAX_PROTECTED_FIELDS, Protect, protected_rows
from crimestats.serve.responses import respond, table_body, wanted_format
from crimestats.serve.store import ServeStore
from crimestats.stats.counting import Unit
from crimestats.stats.fields import FIELDS, PeriodBasis
from crimestats.stats.table import StatsTable

router = APIRouter(prefix="/v1")
Analyst = Annotated[Caller, Depends(needs(Role.ANALYST))]
_E = TypeVar("_E", Unit, PeriodBasis, Protect)


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
    protect: str = "none",
    threshold: Annotated[int, Query(ge=1, le=100)] = DEFAULT_THRESHOLD,
) -> Response:
    """Counts (and rates per 100,000 with ``rate=true``) by any registered fields;
    ``protect=threshold`` applies a release's threshold rule (:mod:`.disclosure`)."""
    from crimestats.errors import CrimestatsError
    from crimestats.stats.engine import count_on

    names = _fields(by)
    unit_ = _choice(unit, Unit, "unit")
    basis = _choice(period_basis, PeriodBasis, "period_basis")
    protect_ = _choice(protect, Protect, "protect")
    if protect_ is Protect.THRESHOLD and len(names) > MAX_PROTECTED_FIELDS:
        raise HTTPException(
            422,
            {"error": f"protect=threshold takes 1 to {MAX_PROTECTED_FIELDS} fields",
             "by": names},
        )  # fmt: skip
    store = ServeStore.of(request)
    try:
        with store.ibis_reader() as con:
            counted = count_on(
                con, by=names, unit=unit_, rate=rate, period_basis=basis, source=source
            )
    except CrimestatsError as exc:  # an unknown source, a rate without population
        raise HTTPException(422, {"error": exc.message, "fix": exc.hint}) from None
    rows = counted.rows()
    columns = list(counted.columns)
    extra: dict[str, object] = {"unit": unit_.value, "period_basis": basis.value}
    if protect_ is Protect.THRESHOLD:
        rows, withheld = protected_rows(rows, names, threshold=threshold)
        columns.append("status")
        extra.update(protect=protect_.value, threshold=threshold, withheld=withheld)
    body, media = table_body(wanted_format(request), columns, rows, extra)
    audit.record(request, caller, "stats", rows_out=len(rows), body=body)
    return respond(body, media)


@router.get("/indicators")
def indicators(
    request: Request, caller: Analyst, area: str | None = None, source: str | None = None
) -> Response:
    """SDG 16.1.1, 16.2.2, 16.3.2 and the UN-CTS shares, per source and year."""
    from crimestats.indicators.build import indicator_table_on, survey_indicator_rows

    store = ServeStore.of(request)
    surveys = survey_indicator_rows(store.path) if source is None else []
    table = _computed(
        lambda con: indicator_table_on(con, area=area, source=source, survey_rows=surveys),
        store,
    )
    return _answer(request, caller, "indicators", table)


@router.get("/attrition")
def attrition(
    request: Request, caller: Analyst, by: str = "iccs_l1", source: str | None = None
) -> Response:
    """The justice-system flow: recorded incidents reaching each stage."""
    from crimestats.indicators.attrition import LEVELS, attrition_table_on

    if by not in LEVELS:
        raise HTTPException(422, {"error": f"by {by!r} is not known", "allowed": list(LEVELS)})
    store = ServeStore.of(request)
    table = _computed(lambda con: attrition_table_on(con, by=by, source=source), store)
    return _answer(request, caller, "attrition", table)


def _computed(compute: Callable[[Any], StatsTable], store: ServeStore) -> StatsTable:
    """``compute`` on a fresh Ibis reader; a user's mistake (unknown source) is a 422."""
    from crimestats.errors import CrimestatsError

    try:
        with store.ibis_reader() as con:
            return compute(con)
    except CrimestatsError as exc:
        raise HTTPException(422, {"error": exc.message, "fix": exc.hint}) from None


def _answer(request: Request, caller: Caller, action: str, table: StatsTable) -> Response:
    rows = table.rows()
    meta = {k: v for k, v in table.metadata.items() if k not in ("store", "columns")}
    body, media = table_body(wanted_format(request), table.columns, rows, {"metadata": meta})
    audit.record(request, caller, action, rows_out=len(rows), body=body)
    return respond(body, media)
