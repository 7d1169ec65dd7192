"""Who is asking: the caller of a request, from its bearer token (or none: public).

Why one dependency per role: an endpoint says the least role it needs
(``Depends(needs(Role.ANALYST))``) and nothing else; 401 when a token is missing or
not valid (expired, revoked and wrong tokens alike, so nothing is learnt), 403 when
the token's role is too weak, 429 past the caller's rate.

Why wrong tokens are limited by client address, before any token is checked: each
wrong token spends from its address's bucket (``failed_token_burst`` at once, then
``failed_token_rate`` a second); once it is empty, every request from that address
that carries a token is answered 429 with ``Retry-After`` *without checking the
token*, the right one included. Checking it would tell a guesser, by 200 against 429,
when a guess was right; not checking costs the store read and the hash nothing. The
token check itself stays constant-time (:func:`crimestats.govern.tokens.check_token`).
Requests without a token are not held back by this (they guess nothing).

Why async: the release tables, the hot path, are answered on the event loop; a token
check reads the store, so it goes to a worker thread, and a public request needs none.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass

import anyio.to_thread
from fastapi import HTTPException, Request

from crimestats.govern.roles import Role
from crimestats.govern.tokens import ApiUser, check_token
from crimestats.serve.limits import RateLimiter
from crimestats.serve.store import ServeStore


@dataclass(frozen=True, slots=True)
class Caller:
    """The person behind a request, as the audit log names them."""

    name: str
    role: Role
    key: str
    """What the rate limit counts by: the token id, or ``ip:<address>`` for the public."""


def client_address(request: Request) -> str:
    """The address the request came from, as the server sees it (no proxy header trusted)."""
    return request.client.host if request.client else "unknown"


def _bearer(request: Request) -> str | None:
    header = request.headers.get("authorization")
    if header is None:
        return None
    scheme, _, value = header.partition(" ")
    if scheme.lower() != "bearer" or not value.strip():
        _failed(request)
        raise HTTPException(
            401,
            "use the header 'Authorization: Bearer <token>'",
            headers={"WWW-Authenticate": "Bearer"},
        )
    return value.strip()


def _failed(request: Request) -> None:
    failures: RateLimiter = request.app.state.failed_tokens
    failures.spend(client_address(request))


def _check(store: ServeStore, token: str) -> ApiUser | None:
    with store.reader() as con:
        return check_token(con, token)


async def identify(request: Request) -> Caller:
    """The caller of ``request``: a token's holder, or the public."""
    address = client_address(request)
    if request.headers.get("authorization") is not None:
        failures: RateLimiter = request.app.state.failed_tokens
        wait = failures.waiting(address)
        if wait > 0:
            raise HTTPException(
                429,
                "too many wrong tokens from this address: wait before trying again",
                headers={"Retry-After": failures.retry_after(wait)},
            )
    token = _bearer(request)
    if token is None:
        return Caller(name="public", role=Role.PUBLIC, key=f"ip:{address}")
    user = await anyio.to_thread.run_sync(_check, request.app.state.store, token)
    if user is None:
        _failed(request)
        raise HTTPException(
            401,
            "the token is not valid (unknown, expired or revoked)",
            headers={"WWW-Authenticate": "Bearer"},
        )
    return Caller(name=user.name, role=user.role, key=f"token:{user.token_id}")


def needs(role: Role) -> Callable[[Request], Awaitable[Caller]]:
    """A dependency admitting callers of at least ``role``, within their rate."""

    async def dependency(request: Request) -> Caller:
        caller = await identify(request)
        request.state.caller = caller
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
        return caller

    return dependency
