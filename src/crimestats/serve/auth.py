"""Who is asking: the caller of a request, from its bearer token (or none: public).

Why one dependency per role: an endpoint says the least role it needs
(``Depends(needs(Role.ANALYST))``) and nothing else; 401 when a token is missing or
not valid (expired, revoked and wrong tokens alike, so nothing is learnt), 403 when
the token's role is too weak, 429 past the caller's rate.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from fastapi import HTTPException, Request

from crimestats.govern.roles import Role
from crimestats.govern.tokens import check_token
from crimestats.serve.limits import RateLimiter
from crimestats.serve.store import ServeStore


@dataclass(frozen=True, slots=True)
class Caller:
    """The person behind a request, as the audit log names them."""

    name: str
    role: Role
    key: str
    """What the rate limit counts by: the token id, or ``ip:<address>`` for the public."""


def _bearer(request: Request) -> str | None:
    header = request.headers.get("authorization")
    if header is None:
        return None
    scheme, _, value = header.partition(" ")
    if scheme.lower() != "bearer" or not value.strip():
        raise HTTPException(
            401,
            "use the header 'Authorization: Bearer <token>'",
            headers={"WWW-Authenticate": "Bearer"},
        )
    return value.strip()


def identify(request: Request) -> Caller:
    """The caller of ``request``: a token's holder, or the public."""
    store: ServeStore = request.app.state.store
    token = _bearer(request)
    if token is None:
        address = request.client.host if request.client else "unknown"
        return Caller(name="public", role=Role.PUBLIC, key=f"ip:{address}")
    with store.reader() as con:
        user = check_token(con, token)
    if user is None:
        raise HTTPException(
            401,
            "the token is not valid (unknown, expired or revoked)",
            headers={"WWW-Authenticate": "Bearer"},
        )
    return Caller(name=user.name, role=user.role, key=f"token:{user.token_id}")


def needs(role: Role) -> Callable[[Request], Caller]:
    """A dependency admitting callers of at least ``role``, within their rate."""

    def dependency(request: Request) -> Caller:
        caller = identify(request)
        if not caller.role.may(role):
            if caller.role is Role.PUBLIC:
                raise HTTPException(
                    401,
                    f"this needs a token of role {role.value} or above",
                    headers={"WWW-Authenticate": "Bearer"},
                )
            raise HTTPException(
                403, f"this needs role {role.value}; your token is {caller.role.value}"
            )
        limiter: RateLimiter = request.app.state.limiter
        wait = limiter.wait_needed(caller.key)
        if wait > 0:
            raise HTTPException(
                429,
                "too many requests: slow down",
                headers={"Retry-After": limiter.retry_after(wait)},
            )
        request.state.caller = caller
        return caller

    return dependency
