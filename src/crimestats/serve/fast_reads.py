"""The public release reads answered before FastAPI: same answers, a fraction of the cost.

Why: the release tables are what the public asks for most, and they are answered from
memory (:mod:`crimestats.serve.release_cache`); what an answer still cost was FastAPI's
routing, its dependency resolution and Starlette's request and response objects, about
two thirds of the server's time per answer. This ASGI middleware sits inside the
guard (:mod:`crimestats.serve.guard`: size limit, security headers, refusals audited)
and answers ``GET /v1/releases``, ``/v1/releases/{id}``,
``/v1/releases/{id}/tables/{name}`` and ``/v1/releases/{id}/files/{path}`` itself
when the request carries no token (a public caller); anything else, and any request
with an ``Authorization`` header, goes on to FastAPI unchanged.

What stays the same, and how it is kept the same: the paths are matched by the
regular expressions Starlette compiles from the routes' templates (``[^/]+`` for a
value, ``.*`` for ``{name:path}``); the rate limit is the public caller's bucket
(``ip:<address>``), checked first as the route's dependency does; the answers are built
from the same helpers as :mod:`crimestats.serve.routes_public` (the release cache, the
manifest-checked files, the same JSON bytes), with the same status, headers, ETag and
304; errors are the same JSON (``detail`` and ``fix``) and are audited by the guard as
refusals; every answer appends the same audit entry (action, parameters, rows, result
hash) and waits for it to be journalled. ``tests/serve/test_fast_reads.py`` asks a
server with this path and one without it every case and compares the answers and the
audit entries. ``ServeSettings.fast_reads`` turns it off.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import Final

import anyio.to_thread
from fastapi import HTTPException
from starlette.datastructures import QueryParams
from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Receive, Scope, Send

from crimestats.errors import CrimestatsError
from crimestats.govern.roles import Role
from crimestats.serve import releases
from crimestats.serve.audit import AuditLog, entry_for
from crimestats.serve.auth import Caller
from crimestats.serve.limits import RateLimiter
from crimestats.serve.release_cache import ReleaseCache
from crimestats.serve.responses import error_status, format_of, json_bytes, page_from

MEDIA: Final = {
    ".csv": "text/csv; charset=utf-8",
    ".json": "application/json",
    ".geojson": "application/geo+json",
    ".html": "text/html; charset=utf-8",
    ".xml": "application/xml",
    ".parquet": "application/vnd.apache.parquet",
    ".sha256": "text/plain; charset=utf-8",
}
"""The media type of a release file by its suffix (else ``application/octet-stream``)."""
TABLE_CACHE: Final = "public, max-age=3600"
FILE_CACHE: Final = "public, max-age=31536000, immutable"
_ROUTES: Final = (
    ("list", re.compile(r"^/v1/releases$")),
    ("one", re.compile(r"^/v1/releases/(?P<release_id>[^/]+)$")),
    ("table", re.compile(r"^/v1/releases/(?P<release_id>[^/]+)/tables/(?P<table>[^/]+)$")),
    ("file", re.compile(r"^/v1/releases/(?P<release_id>[^/]+)/files/(?P<name>.*)$")),
)
_PREFIX: Final = "/v1/releases"


@dataclass(frozen=True, slots=True)
class Answer:
    """What a read sends and what its audit entry says (FastAPI's routes send it too:
    :mod:`crimestats.serve.routes_public`)."""

    status: int
    body: bytes
    media: str | None
    """The content type (None: no body, a 304)."""
    extra: dict[str, str]
    """Headers beyond the length and type (ETag, Cache-Control)."""
    action: str
    rows_out: int
    digest: str | None = None
    """The sha256 of what was sent, when known (else hashed from ``body``)."""

    def raw_headers(self) -> list[tuple[bytes, bytes]]:
        """The headers in the order Starlette's ``Response`` sends them."""
        raw = [(k.lower().encode("latin-1"), v.encode("latin-1")) for k, v in self.extra.items()]
        if self.media is not None:
            raw.append((b"content-length", str(len(self.body)).encode()))
            raw.append((b"content-type", self.media.encode("latin-1")))
        return raw


def unchanged(if_none_match: str | None, etag: str) -> bool:
    """Whether ``If-None-Match`` names ``etag``: a list of tags, compared weakly (a
    ``W/`` prefix ignored), or ``*`` (RFC 9110, 13.1.2). A cache that sends its tags as
    a list, or marks them weak, gets its 304 instead of the whole body again."""
    if if_none_match is None:
        return False
    for listed in if_none_match.split(","):
        tag = listed.strip()
        if tag == "*" or tag.removeprefix("W/") == etag:
            return True
    return False


def _not_modified(action: str, extra: dict[str, str]) -> Answer:
    return Answer(304, b"", None, extra, action, 0)


def list_answer(cache: ReleaseCache, query: Mapping[str, str]) -> Answer:
    """``GET /v1/releases`` (reads the store when the cached list is stale: a thread)."""
    page = page_from(query)
    entries = cache.entries()
    rows = [e.summary() for e in page.cut(entries)]
    body = json_bytes(
        {"releases": rows, "total": len(entries), "limit": page.limit, "offset": page.offset}
    )
    return Answer(200, body, "application/json", {}, "releases.list", len(rows))


def one_answer(cache: ReleaseCache, release_id: str) -> Answer:
    """``GET /v1/releases/{id}`` (reads the datapackage file: a thread)."""
    entry = cache.find(release_id)
    path, _ = releases.release_file(entry, "datapackage.json")
    payload = {**entry.summary(), "datapackage": json.loads(path.read_text(encoding="utf-8"))}
    body = json_bytes(payload)
    return Answer(200, body, "application/json", {}, "releases.get", 1)


def table_answer(
    cache: ReleaseCache, release_id: str, table: str, query: Mapping[str, str], accept: str,
    if_none_match: str | None,
) -> Answer:  # fmt: skip
    """``GET /v1/releases/{id}/tables/{name}`` from the cache (on the event loop)."""
    entry = cache.find(release_id)
    rendered = cache.table(entry, table, format_of(query, accept))
    extra = {"ETag": rendered.etag, "Cache-Control": TABLE_CACHE}
    if unchanged(if_none_match, rendered.etag):
        return _not_modified("releases.table", extra)
    return Answer(
        200, rendered.body, rendered.media_type, extra, "releases.table", rendered.rows,
        rendered.digest,
    )  # fmt: skip


def file_answer(
    cache: ReleaseCache, release_id: str, name: str, if_none_match: str | None
) -> Answer:
    """``GET /v1/releases/{id}/files/{path}`` (reads the file: a thread)."""
    entry = cache.find(release_id)
    path, digest = releases.release_file(entry, name)
    extra = {"ETag": f'"{digest}"', "Cache-Control": FILE_CACHE}
    if unchanged(if_none_match, extra["ETag"]):
        return _not_modified("releases.file", extra)
    body = path.read_bytes()
    media = MEDIA.get(PurePosixPath(name).suffix, "application/octet-stream")
    return Answer(200, body, media, extra, "releases.file", 1)


def _match(path: str) -> tuple[str, dict[str, str]] | None:
    if not path.startswith(_PREFIX):
        return None
    for name, pattern in _ROUTES:
        found = pattern.match(path)
        if found is not None:
            return name, found.groupdict()
    return None


def _header(scope: Scope, name: bytes) -> str | None:
    """The first value of header ``name`` (lower case), as Starlette's ``Headers.get``."""
    for key, value in scope["headers"]:
        if key == name:
            return str(value.decode("latin-1"))
    return None


class FastReads:
    """The ASGI middleware; the cache, limiter and audit log are read from the app's state."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        matched = None
        if scope["type"] == "http" and scope["method"] == "GET":
            matched = _match(scope["path"])
        if matched is None or _header(scope, b"authorization") is not None:
            await self.app(scope, receive, send)
            return
        route, values = matched
        state = scope["app"].state
        client = scope.get("client")
        caller = Caller(
            name="public", role=Role.PUBLIC, key=f"ip:{client[0] if client else 'unknown'}"
        )
        scope.setdefault("state", {})["caller"] = caller
        limiter: RateLimiter = state.limiter
        wait = limiter.wait_needed(caller.key)
        if wait > 0:
            retry = {"Retry-After": limiter.retry_after(wait)}
            await JSONResponse({"detail": "too many requests: slow down"}, 429, retry)(
                scope, receive, send
            )
            return
        query = QueryParams(scope["query_string"])
        try:
            answer = await self._answer(state.releases, scope, route, values, query)
        except CrimestatsError as exc:
            body = {"detail": exc.message, "fix": exc.hint}
            await JSONResponse(body, error_status(exc))(scope, receive, send)
            return
        except HTTPException as exc:
            await JSONResponse({"detail": exc.detail}, exc.status_code, exc.headers)(
                scope, receive, send
            )
            return
        log: AuditLog = state.audit
        scope["state"]["audited"] = True
        await log.append_async(
            entry_for(query, values, caller, answer.action, rows_out=answer.rows_out,
                      body=answer.body, digest=answer.digest)
        )  # fmt: skip
        await send({"type": "http.response.start", "status": answer.status,
                    "headers": answer.raw_headers()})  # fmt: skip
        await send({"type": "http.response.body", "body": answer.body})

    @staticmethod
    async def _answer(
        cache: ReleaseCache, scope: Scope, route: str, values: dict[str, str],
        query: QueryParams,
    ) -> Answer:  # fmt: skip
        etag = _header(scope, b"if-none-match")
        if route == "table":
            if cache.stale:
                await anyio.to_thread.run_sync(cache.entries)
            accept = _header(scope, b"accept") or ""
            return table_answer(cache, values["release_id"], values["table"], query, accept, etag)
        work: Callable[[], Answer]
        if route == "list":
            work = lambda: list_answer(cache, query)  # noqa: E731
        elif route == "one":
            work = lambda: one_answer(cache, values["release_id"])  # noqa: E731
        else:
            work = lambda: file_answer(cache, values["release_id"], values["name"], etag)  # noqa: E731
        return await anyio.to_thread.run_sync(work)
