"""API tokens: issued once, kept only as salted hashes, listed, expired and revoked.

Why this shape. A token is ``cs_<token_id>_<secret>``: the ``token_id`` finds the user's
row directly, and only ``sha256(salt + secret)`` is stored, so a copy of the store (a
backup, a leaked file) does not hold a working token. The secret is 32 random bytes
(256 bits) from :mod:`secrets`, so a plain salted hash is enough: key stretching
(PBKDF2, scrypt) defends low-entropy passwords, and would add tens of milliseconds to
every API request for no gain here. Comparison is constant-time.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any, Final

from crimestats.errors import NotFoundError, UsageError
from crimestats.govern.roles import Role

TOKEN_PREFIX: Final = "cs_"  # noqa: S105 - a public prefix, not a secret
_ID_BYTES: Final = 6
_SECRET_BYTES: Final = 32


@dataclass(frozen=True, slots=True)
class ApiUser:
    """One token's holder, as the API sees it after a successful check."""

    name: str
    role: Role
    token_id: str


@dataclass(frozen=True, slots=True)
class UserRecord:
    """One row of ``api_users`` without its hash: what ``users list`` shows."""

    name: str
    role: Role
    token_id: str
    created_at: str
    expires_at: str | None
    revoked_at: str | None

    def state(self, now: datetime) -> str:
        """``active``, ``expired`` or ``revoked``."""
        if self.revoked_at is not None:
            return "revoked"
        if self.expires_at is not None and datetime.fromisoformat(self.expires_at) <= now:
            return "expired"
        return "active"


@dataclass(frozen=True, slots=True)
class IssuedToken:
    """A new token: ``token`` is shown to the user once and never stored."""

    user: ApiUser
    token: str
    expires_at: str | None


def _now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None, microsecond=0)


def _hash(salt: str, secret: str) -> str:
    return hashlib.sha256(f"{salt}:{secret}".encode()).hexdigest()


def _split(token: str) -> tuple[str, str] | None:
    """``(token_id, secret)`` of a well-formed token, else ``None``."""
    if not token.startswith(TOKEN_PREFIX):
        return None
    token_id, sep, secret = token[len(TOKEN_PREFIX) :].partition("_")
    if not sep or not token_id or not secret:
        return None
    return token_id, secret


def add_user(con: Any, name: str, role: Role, expires: date | None = None) -> IssuedToken:
    """Issue a token for ``name`` with ``role``; refused for an active user of that name.

    ``con`` is an open store connection; the caller commits (one statement here).
    """
    name = name.strip()
    if not name or len(name) > 100 or not name.isprintable():
        raise UsageError(
            f"the user name {name!r} is not usable",
            hint="give a printable name of 1 to 100 characters",
        )
    now = _now()
    if expires is not None and datetime.combine(expires, datetime.min.time()) <= now:
        raise UsageError(
            f"--expires {expires.isoformat()} is not in the future",
            hint="give a date after today, or leave --expires out",
        )
    active = [r for r in list_users(con) if r.name == name and r.state(now) == "active"]
    if active:
        raise UsageError(
            f"user {name!r} already has an active token ({active[0].token_id})",
            hint=f"revoke it first: crimestats users revoke {name}",
        )
    token_id = secrets.token_hex(_ID_BYTES)
    secret = secrets.token_urlsafe(_SECRET_BYTES)
    salt = secrets.token_hex(16)
    expires_at = None if expires is None else f"{expires.isoformat()} 00:00:00"
    con.execute(
        "INSERT INTO api_users VALUES (?, ?, ?, ?, ?, ?, ?, NULL)",
        [token_id, name, role.value, salt, _hash(salt, secret), now, expires_at],
    )
    user = ApiUser(name=name, role=role, token_id=token_id)
    return IssuedToken(user=user, token=f"{TOKEN_PREFIX}{token_id}_{secret}", expires_at=expires_at)


def list_users(con: Any) -> list[UserRecord]:
    """Every token ever issued, oldest first (revoked and expired ones included)."""
    rows = con.execute(
        "SELECT name, role, token_id, CAST(created_at AS VARCHAR), "
        "CAST(expires_at AS VARCHAR), CAST(revoked_at AS VARCHAR) "
        "FROM api_users ORDER BY created_at, token_id"
    ).fetchall()
    return [UserRecord(r[0], Role(r[1]), r[2], r[3], r[4], r[5]) for r in rows]


def revoke(con: Any, name: str) -> int:
    """Revoke every active token of ``name``; how many were revoked (0 is an error)."""
    now = _now()
    live = [r for r in list_users(con) if r.name == name and r.state(now) == "active"]
    if not live:
        raise NotFoundError(
            f"user {name!r} has no active token",
            hint="see the users and their states with: crimestats users list",
        )
    for record in live:
        con.execute(
            "UPDATE api_users SET revoked_at = ? WHERE token_id = ?", [now, record.token_id]
        )
    return len(live)


def check_token(con: Any, token: str) -> ApiUser | None:
    """The active user holding ``token``, or ``None`` (malformed, unknown, expired,
    revoked or wrong secret: the caller answers 401 alike, so nothing is learnt)."""
    parts = _split(token.strip())
    if parts is None:
        return None
    token_id, secret = parts
    row = con.execute(
        "SELECT name, role, salt, token_hash, expires_at, revoked_at "
        "FROM api_users WHERE token_id = ?",
        [token_id],
    ).fetchone()
    if row is None:
        _hash("0" * 32, secret)  # the same work as a known id: no timing difference
        return None
    name, role, salt, stored, expires_at, revoked_at = row
    if not hmac.compare_digest(_hash(salt, secret), stored):
        return None
    if revoked_at is not None or (expires_at is not None and expires_at <= _now()):
        return None
    return ApiUser(name=name, role=Role(role), token_id=token_id)
