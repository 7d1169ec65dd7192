"""Admin endpoints: the audit log itself (admin token needed).

The log is read after the entries journalled so far are chained, so an admin sees every
request answered before theirs (:mod:`crimestats.serve.audit`)."""

from __future__ import annotations

from dataclasses import asdict
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request, Response

from crimestats.govern import audit_chain
from crimestats.govern.roles import Role
from crimestats.serve import audit
from crimestats.serve.auth import Caller, needs
from crimestats.serve.responses import page_of, respond, table_body, wanted_format
from crimestats.serve.store import ServeStore

router = APIRouter(prefix="/v1")
Admin = Annotated[Caller, Depends(needs(Role.ADMIN))]
_COLUMNS = list(audit_chain.AuditEntry.__dataclass_fields__)


@router.get("/audit")
def audit_log(
    request: Request, caller: Admin, after: Annotated[int, Query(ge=0, le=2**62)] = 0
) -> Response:
    """Entries after ``after`` (a seq), a page at a time, with the chain's verdict."""
    page = page_of(request)
    store = ServeStore.of(request)
    log: audit.AuditLog = request.app.state.audit
    log.flush()  # what was journalled before this request is in the chain
    with store.reader() as con:
        rows = [asdict(e) for e in audit_chain.entries(con, after=after, limit=page.limit)]
        verdict = audit_chain.verify(con)
    body, media = table_body(
        wanted_format(request),
        _COLUMNS,
        rows,
        {"intact": verdict.ok, "first_bad_seq": verdict.first_bad_seq},
    )
    audit.record(request, caller, "audit.read", rows_out=len(rows), body=body)
    return respond(body, media)
