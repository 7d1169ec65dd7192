"""The FastAPI application: routers by role, errors as one message, safe headers.

Why errors are mapped here: a user's mistake (an unknown release, a bad field) is a
4xx with the same message and fix the CLI would print, never a traceback; anything
else is a 500 that says only that it is a bug, and logs nothing about the request body.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse

from crimestats.errors import CrimestatsError
from crimestats.serve import (
    routes_admin,
    routes_analyst,
    routes_public,
    routes_spatial,
    routes_steward,
    routes_watch,
)
from crimestats.serve.audit import AuditLog
from crimestats.serve.fast_reads import FastReads
from crimestats.serve.guard import SECURITY_HEADERS, Guard
from crimestats.serve.limits import RateLimiter
from crimestats.serve.pages import routes as pages
from crimestats.serve.refusals import RefusalLog
from crimestats.serve.release_cache import ReleaseCache
from crimestats.serve.responses import error_status
from crimestats.serve.settings import ServeSettings
from crimestats.serve.store import ServeStore

__all__ = ["SECURITY_HEADERS", "create_app"]


def _freeze_heap() -> None:
    """Move everything imported and built at start-up out of the collector's sight.

    Why: the server imports the statistics stack (pandas, scipy, Ibis...), hundreds of
    thousands of objects that live as long as it does; each full collection walked
    them all, a pause of tens of milliseconds in which no answer left. Frozen, they are
    never scanned again; what requests allocate is collected as before."""
    import gc

    gc.collect()
    gc.freeze()


def create_app(settings: ServeSettings) -> FastAPI:
    """The API over the store ``settings.db``; the store is opened at start-up."""

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        import anyio.to_thread

        anyio.to_thread.current_default_thread_limiter().total_tokens = settings.threads
        app.state.store = ServeStore(settings.db)
        app.state.releases = ReleaseCache(app.state.store)
        refusals: RefusalLog = app.state.refusals
        app.state.audit = AuditLog(
            app.state.store,
            due=lambda all_: refusals.summaries(force=all_),
            fsync=settings.audit_fsync,
        )
        app.state.audit.start()
        _freeze_heap()
        try:
            yield
        finally:
            app.state.audit.close()
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
    app.state.failed_tokens = RateLimiter(settings.failed_token_rate, settings.failed_token_burst)
    app.state.refusals = RefusalLog(
        settings.refusal_burst, settings.refusal_rate, settings.refusal_summary_seconds
    )
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
        return JSONResponse({"detail": exc.message, "fix": exc.hint}, status_code=error_status(exc))

    @app.exception_handler(Exception)
    async def internal_error(_: Request, exc: Exception) -> JSONResponse:
        return JSONResponse(
            {
                "detail": f"internal error ({type(exc).__name__})",
                "fix": "this is a bug in crimestats; report it with the server's log",
            },
            status_code=500,
        )

    if settings.fast_reads:
        app.add_middleware(FastReads)
    app.add_middleware(Guard, max_body_bytes=settings.max_body_bytes)
    return app
