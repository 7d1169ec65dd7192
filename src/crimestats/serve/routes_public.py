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
from crimestats.serve import audit, releases
from crimestats.serve.auth import Caller, needs
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

_MEDIA = {
    ".csv": "text/csv; charset=utf-8",
    ".json": "application/json",
    ".geojson": "application/geo+json",
    ".html": "text/html; charset=utf-8",
    ".xml": "application/xml",
    ".parquet": "application/vnd.apache.parquet",
    ".sha256": "text/plain; charset=utf-8",
}


def _store(request: Request) -> ServeStore:
    store: ServeStore = request.app.state.store
    return store


def _releases(request: Request) -> ReleaseCache:
    cache: ReleaseCache = request.app.state.releases
    return cache


@router.get("/health")
def health(request: Request) -> dict[str, object]:
    """The server is up and its store readable."""
    from crimestats.storage.store import schema_version
    from crimestats.version import code_version

    with _store(request).reader() as con:
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


@router.get("/releases")
def list_all(request: Request, caller: Public) -> Response:
    """The recorded releases, newest first, a page at a time."""
    page = page_of(request)
    entries = _releases(request).entries()
    rows = [e.summary() for e in page.cut(entries)]
    body = json_bytes(
        {"releases": rows, "total": len(entries), "limit": page.limit, "offset": page.offset}
    )
    audit.record(request, caller, "releases.list", rows_out=len(rows), body=body)
    return respond(body, "application/json")


@router.get("/releases/{release_id}")
def one(release_id: str, request: Request, caller: Public) -> Response:
    """One release: its tables, files, and its published metadata (datapackage.json)."""
    import json

    entry = _releases(request).find(release_id)
    path, _ = releases.release_file(entry, "datapackage.json")
    payload = {**entry.summary(), "datapackage": json.loads(path.read_text(encoding="utf-8"))}
    body = json_bytes(payload)
    audit.record(request, caller, "releases.get", rows_out=1, body=body)
    return respond(body, "application/json")


@router.get("/releases/{release_id}/tables/{table}")
async def table(release_id: str, table: str, request: Request, caller: Public) -> Response:
    """A release table's published rows (withheld cells stay withheld), JSON or CSV.

    Answered on the event loop (no worker thread): the list of releases and the
    rendered table come from the cache, and the audit entry is awaited, not waited for.
    """
    cache = _releases(request)
    if cache.stale:
        await anyio.to_thread.run_sync(cache.entries)
    entry = cache.find(release_id)
    rendered = cache.table(entry, table, wanted_format(request))
    headers = {"ETag": rendered.etag, "Cache-Control": "public, max-age=3600"}
    if request.headers.get("if-none-match") == rendered.etag:
        await audit.record_async(request, caller, "releases.table", rows_out=0, body=b"")
        return Response(status_code=304, headers=headers)
    await audit.record_async(
        request, caller, "releases.table", rows_out=rendered.rows, digest=rendered.digest
    )
    return respond(rendered.body, rendered.media_type, headers)


@router.get("/releases/{release_id}/files/{name:path}")
def file(release_id: str, name: str, request: Request, caller: Public) -> Response:
    """A file of a release as published, with its sha256 as ETag."""
    from pathlib import PurePosixPath

    entry = _releases(request).find(release_id)
    path, digest = releases.release_file(entry, name)
    etag = f'"{digest}"'
    headers = {"ETag": etag, "Cache-Control": "public, max-age=31536000, immutable"}
    if request.headers.get("if-none-match") == etag:
        audit.record(request, caller, "releases.file", rows_out=0, body=b"")
        return Response(status_code=304, headers=headers)
    body = path.read_bytes()
    media = _MEDIA.get(PurePosixPath(name).suffix, "application/octet-stream")
    audit.record(request, caller, "releases.file", rows_out=1, body=body)
    return respond(body, media, headers)
