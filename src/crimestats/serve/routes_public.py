"""Public endpoints: health, ICCS, and the protected releases (no token needed).

Nothing here reads the store's records: a release's files were protected when they
were released, and ICCS is a public classification. Every data answer is audited.
"""

from __future__ import annotations

from typing import Annotated

import anyio.to_thread
from fastapi import APIRouter, Depends, Request, Response

from crimestats.errors import NotFoundError
from crimestats.govern.roles import Role
from crimestats.serve import audit
from crimestats.serve import fast_reads as reads
from crimestats.serve.auth import Caller, needs
from crimestats.serve.fast_reads import Answer
from crimestats.serve.release_cache import ReleaseCache
from crimestats.serve.responses import (
    json_bytes,
    page_of,
    respond,
    table_body,
    wanted_format,
)
from crimestats.serve.store import ServeStore

router = APIRouter(prefix="/v1")
Public = Annotated[Caller, Depends(needs(Role.PUBLIC))]


def _releases(request: Request) -> ReleaseCache:
    cache: ReleaseCache = request.app.state.releases
    return cache


@router.get("/health")
def health(request: Request) -> dict[str, object]:
    """The server is up and its store readable."""
    from crimestats.storage.store import schema_version
    from crimestats.version import code_version

    with ServeStore.of(request).reader() as con:
        version = schema_version(con)
    return {"status": "ok", "schema_version": version, "code_version": code_version()}


@router.get("/iccs/{code}")
def iccs_code(code: str, request: Request, caller: Public) -> Response:
    """One ICCS category with its parent and children."""
    from crimestats.iccs.classification import load_classification

    iccs = load_classification()
    if code not in iccs:
        raise NotFoundError(f"no ICCS code {code!r}", hint="search at /v1/iccs?q=TEXT")
    payload = {**iccs.get(code).to_dict(), "children": [c.code for c in iccs.children(code)]}
    body = json_bytes(payload)
    audit.record(request, caller, "iccs.get", rows_out=1, body=body)
    return respond(body, "application/json")


@router.get("/iccs")
def iccs_search(request: Request, caller: Public, q: str = "") -> Response:
    """ICCS categories ranked for the text ``q`` (BM25 over labels and index terms)."""
    from crimestats.iccs.search import search

    page = page_of(request, default=10)
    hits = search(q, limit=page.offset + page.limit) if q.strip() else []
    rows = [
        {"code": h.category.code, "label": h.category.label, "score": round(h.score, 4)}
        for h in page.cut(hits)
    ]
    body, media = table_body(wanted_format(request), ["code", "label", "score"], rows)
    audit.record(request, caller, "iccs.search", rows_out=len(rows), body=body)
    return respond(body, media)


def _sent(answer: Answer) -> Response:
    return Response(
        content=answer.body, status_code=answer.status, media_type=answer.media,
        headers=answer.extra,
    )  # fmt: skip


@router.get("/releases")
def list_all(request: Request, caller: Public) -> Response:
    """The recorded releases, newest first, a page at a time."""
    answer = reads.list_answer(_releases(request), request.query_params)
    audit.record(request, caller, answer.action, rows_out=answer.rows_out, body=answer.body)
    return _sent(answer)


@router.get("/releases/{release_id}")
def one(release_id: str, request: Request, caller: Public) -> Response:
    """One release: its tables, files, and its published metadata (datapackage.json)."""
    answer = reads.one_answer(_releases(request), release_id)
    audit.record(request, caller, answer.action, rows_out=answer.rows_out, body=answer.body)
    return _sent(answer)


@router.get("/releases/{release_id}/tables/{table}")
async def table(release_id: str, table: str, request: Request, caller: Public) -> Response:
    """A release table's published rows (withheld cells stay withheld), JSON or CSV.

    Answered on the event loop (no worker thread): the list of releases and the
    rendered table come from the cache, and the audit entry is awaited, not waited for.
    A public request without a token is answered before FastAPI, by the same
    functions (:mod:`crimestats.serve.fast_reads`); this route answers the others.
    """
    cache = _releases(request)
    if cache.stale:
        await anyio.to_thread.run_sync(cache.entries)
    answer = reads.table_answer(
        cache, release_id, table, request.query_params, request.headers.get("accept", ""),
        request.headers.get("if-none-match"),
    )  # fmt: skip
    await audit.record_async(
        request, caller, answer.action, rows_out=answer.rows_out, body=answer.body,
        digest=answer.digest,
    )  # fmt: skip
    return _sent(answer)


@router.get("/releases/{release_id}/files/{name:path}")
def file(release_id: str, name: str, request: Request, caller: Public) -> Response:
    """A file of a release as published, with its sha256 as ETag."""
    answer = reads.file_answer(
        _releases(request), release_id, name, request.headers.get("if-none-match")
    )
    audit.record(request, caller, answer.action, rows_out=answer.rows_out, body=answer.body)
    return _sent(answer)
