"""Around every request: a size limit, the security headers, and refused requests audited.

Why a plain ASGI middleware (not ``@app.middleware``): Starlette's ``BaseHTTPMiddleware``
runs each request through extra tasks and memory streams, a cost every answer paid;
this one only watches the messages go by. A successful answer passes through with its
headers added. An answer of 400 or more that no endpoint audited (a 401, 403, 404,
413, 422, 429 or 500) is held until its entry is written (or counted, past the
address's rate: :mod:`crimestats.serve.refusals`), so that no refusal is sent before
the log knows of it; refusals are small, so holding one costs nothing.
"""

from __future__ import annotations

import json
from typing import Any, Final

from starlette.datastructures import Headers, QueryParams
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from crimestats.serve.audit import AuditLog, bounded_query, short
from crimestats.serve.auth import Caller
from crimestats.serve.refusals import Refusal, RefusalLog

SECURITY_HEADERS: Final = {
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "no-referrer",
    "Content-Security-Policy": "default-src 'self'; img-src 'self' data:; "
    "style-src 'self' 'unsafe-inline'; frame-ancestors 'none'",
    "Cross-Origin-Resource-Policy": "same-origin",
}
"""On every answer: no sniffing, no framing, no referrer, nothing loaded from elsewhere."""
_RAW_HEADERS: Final = [(k.lower().encode(), v.encode()) for k, v in SECURITY_HEADERS.items()]


def _reason(body: bytes) -> str:
    """The refusal's ``detail`` as one line (FastAPI's lists of field errors joined,
    without the values the caller sent)."""
    try:
        detail = json.loads(body).get("detail", "")
    except (ValueError, AttributeError):
        return ""
    if isinstance(detail, list):
        parts = [
            f"{'.'.join(str(p) for p in d.get('loc', []))}: {d.get('msg', '')}"
            for d in detail
            if isinstance(d, dict)
        ]
        return short("; ".join(parts))
    if isinstance(detail, dict):
        return short(str(detail.get("error", "")))
    return short(str(detail))


def _with_headers(message: Message) -> Message:
    present = {name for name, _ in message.get("headers", [])}
    extra = [(k, v) for k, v in _RAW_HEADERS if k not in present]
    return {**message, "headers": [*message.get("headers", []), *extra]}


class Guard:
    """The ASGI middleware; ``audit`` and ``refusals`` are read from the app's state."""

    def __init__(self, app: ASGIApp, max_body_bytes: int) -> None:
        self.app = app
        self.max_body_bytes = max_body_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        state: dict[str, Any] = scope.setdefault("state", {})
        length = Headers(scope=scope).get("content-length")
        if length is not None and (not length.isdigit() or int(length) > self.max_body_bytes):
            await self._too_large(scope, send)
            return
        held: list[Message] = []

        async def watch(message: Message) -> None:
            if message["type"] == "http.response.start":
                message = _with_headers(message)
                if message["status"] < 400 or state.get("audited"):
                    await send(message)
                    return
                held.append(message)
                return
            if not held:
                await send(message)
                return
            held.append(message)
            if not message.get("more_body", False):
                body = b"".join(m.get("body", b"") for m in held[1:])
                await self._audit(scope, held[0]["status"], _reason(body))
                for item in held:
                    await send(item)

        try:
            await self.app(scope, receive, watch)
        except Exception as exc:
            if not state.get("audited"):
                await self._audit(scope, 500, f"internal error ({type(exc).__name__})")
            raise

    async def _too_large(self, scope: Scope, send: Send) -> None:
        reason = "the request body is too large"
        await self._audit(scope, 413, reason)
        body = json.dumps(
            {"detail": reason, "fix": f"send at most {self.max_body_bytes:,} bytes"}
        ).encode()
        headers = [(b"content-type", b"application/json"), (b"content-length", b"%d" % len(body))]
        start = {"type": "http.response.start", "status": 413, "headers": headers}
        await send(_with_headers(start))
        await send({"type": "http.response.body", "body": body})

    async def _audit(self, scope: Scope, status: int, reason: str) -> None:
        app = scope["app"]
        log: AuditLog = app.state.audit
        refusals: RefusalLog = app.state.refusals
        caller = scope.get("state", {}).get("caller")
        query = QueryParams(scope.get("query_string", b"").decode("latin-1"))
        client = scope.get("client")
        refusal = Refusal(
            client=client[0] if client else "unknown",
            user_name=caller.name if isinstance(caller, Caller) else "unknown",
            role=caller.role.value if isinstance(caller, Caller) else "none",
            method=str(scope.get("method", "")),
            path=short(str(scope.get("path", ""))),
            query=bounded_query(query),
            status=status,
            reason=reason,
        )
        await log.append_async(*refusals.entries_for(refusal))
