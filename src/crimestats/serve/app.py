"""The FastAPI application: routers by role, errors as one message, safe headers.

Why errors are mapped here: a user's mistake (an unknown release, a bad field) is a
4xx with the same message and fix the CLI would print, never a traceback; anything
else is a 500 that says only that it is a bug, and logs nothing about the request body.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from typing import Final

from fastapi import FastAPI, Request, Response
from fastapi.responses import JSONResponse

from crimestats.errors import CrimestatsError, NotFoundError, StoreLockedError, UsageError
from crimestats.serve import (
    routes_admin,
    routes_analyst,
    routes_public,
    routes_spatial,
    routes_steward,
    routes_watch,
)
from crimestats.serve.audit import AuditLog
from crimestats.serve.limits import RateLimiter
from crimestats.serve.pages import routes as pages
from crimestats.serve.settings import ServeSettings
from crimestats.serve.store import ServeStore

SECURITY_HEADERS: Final = {
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "no-referrer",
    "Content-Security-Policy": "default-src 'self'; img-src 'self' data:; "
    "style-src 'self' 'unsafe-inline'; frame-ancestors 'none'",
    "Cross-Origin-Resource-Policy": "same-origin",
}
"""On every answer: no sniffing, no framing, no referrer, nothing loaded from elsewhere."""


def _status(exc: CrimestatsError) -> int:
    if isinstance(exc, NotFoundError):
        return 404
    if isinstance(exc, StoreLockedError):
        return 503
    if isinstance(exc, UsageError | ValueError):
        return 422
    return 409


def create_app(settings: ServeSettings) -> FastAPI:
    """The API over the store ``settings.db``; the store is opened at start-up."""

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        import anyio.to_thread

        anyio.to_thread.current_default_thread_limiter().total_tokens = settings.threads
        app.state.store = ServeStore(settings.db)
        app.state.audit = AuditLog(app.state.store)
        try:
            yield
        finally:
            app.state.store.close()

    app = FastAPI(
        title="crimestats API",
        version="1",
        description="Protected crime statistics: public releases, analysts' aggregates, "
        "stewards' loads and reviews, and the audit log (docs/api.md).",
        lifespan=lifespan,
    )
    app.state.settings = settings
    app.state.limiter = RateLimiter(settings.rate_per_second, settings.burst)
    for router in (
        routes_public.router,
        routes_analyst.router,
        routes_watch.router,
        routes_spatial.router,
        routes_steward.router,
        routes_admin.router,
        pages.router,
    ):
        app.include_router(router)
    app.mount("/static", pages.static_files(), name="static")

    @app.exception_handler(CrimestatsError)
    async def crimestats_error(_: Request, exc: CrimestatsError) -> JSONResponse:
        return JSONResponse({"detail": exc.message, "fix": exc.hint}, status_code=_status(exc))

    @app.exception_handler(Exception)
    async def internal_error(_: Request, exc: Exception) -> JSONResponse:
        return JSONResponse(
            {
                "detail": f"internal error ({type(exc).__name__})",
                "fix": "this is a bug in crimestats; report it with the server's log",
            },
            status_code=500,
        )

    @app.middleware("http")
    async def guard(
        request: Request, call_next: Callable[[Request], Awaitable[Response]]
    ) -> Response:
        length = request.headers.get("content-length")
        if length is not None and (not length.isdigit() or int(length) > settings.max_body_bytes):
            response: Response = JSONResponse(
                {
                    "detail": "the request body is too large",
                    "fix": f"send at most {settings.max_body_bytes:,} bytes",
                },
                status_code=413,
            )
        else:
            response = await call_next(request)
        for name, value in SECURITY_HEADERS.items():
            response.headers.setdefault(name, value)
        return response

    return app
