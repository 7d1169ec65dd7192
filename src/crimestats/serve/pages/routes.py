"""The dashboard's endpoints: the three views and the static files (same origin only).

The public view reads the latest release (and is audited like the API's release
answers); the analyst and steward views are forms that load without a token and ask
the API with the one the user gives, so a page never holds data a role may not see.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Final

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles

from crimestats.errors import NotFoundError
from crimestats.govern.roles import Role
from crimestats.serve import audit, releases
from crimestats.serve.auth import Caller, needs
from crimestats.serve.pages.analyst import analyst_body
from crimestats.serve.pages.html import page
from crimestats.serve.pages.public import public_body
from crimestats.serve.pages.steward import steward_body
from crimestats.serve.store import ServeStore

STATIC: Final = Path(__file__).resolve().parent.parent / "static"
"""The dashboard's script, style and the vendored Vega builds."""

router = APIRouter(include_in_schema=False)
Public = Annotated[Caller, Depends(needs(Role.PUBLIC))]


def static_files() -> StaticFiles:
    """``/static``: files of the package's static folder only (no listing, no ``..``)."""
    return StaticFiles(directory=STATIC, html=False)


def _html(text: str) -> HTMLResponse:
    return HTMLResponse(text, headers={"Cache-Control": "no-store"})


@router.get("/", response_class=HTMLResponse)
def public_view(request: Request, caller: Public) -> HTMLResponse:
    store = ServeStore.of(request)
    with store.reader() as con:
        entries = releases.list_releases(con)
    if not entries:
        body = "<p>No release yet: a steward publishes one (<code>crimestats release</code>).</p>"
    else:
        try:
            body = public_body(entries[0])
        except NotFoundError as exc:
            body = f"<p>The latest release cannot be shown: {exc.message}</p>"
    text = page("Crime statistics: the latest release", "/", body)
    audit.record(request, caller, "page.public", rows_out=1, body=text.encode())
    return _html(text)


@router.get("/analyst", response_class=HTMLResponse)
def analyst_view() -> HTMLResponse:
    return _html(page("Analyst", "/analyst", analyst_body()))


@router.get("/steward", response_class=HTMLResponse)
def steward_view() -> HTMLResponse:
    return _html(page("Steward", "/steward", steward_body()))
